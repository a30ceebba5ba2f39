package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

const (
	privAnna    = "U0PRIVANNA"
	privBram    = "U0PRIVBRAM"
	privTrainer = "U0TRAINER1" // the trainer of dispatchFixture's cohort
)

// privacyFixture stores a cohort in which Anna and Bram have done a bit of everything: progress, both have a
// voormeting with answers, Anna a plan, a role card each (sent by the trainer), a fanned-out homework DM each, audit
// rows, and sandbox copies. It returns the cohort id.
func privacyFixture(t *testing.T, db *store.DB) int64 {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	id := dispatchFixture(t, db, 1, now)
	for _, u := range []string{privAnna, privBram} {
		if _, err := db.RecordJoin(ctx, id, u, nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.MarkDone(ctx, store.Progress{CohortID: id, UserID: u, Kind: store.ProgressReading, Item: "m1_jungmann", Module: 1}); err != nil {
			t.Fatal(err)
		}
		m, err := db.StartMeasurement(ctx, id, u, content.MeterVoormeting)
		if err != nil {
			t.Fatal(err)
		}
		score := 4
		if u == privBram {
			score = 2
		}
		if _, err := db.AnswerStatement(ctx, store.MeterAnswer{MeasurementID: m.ID, UserID: u, Round: 1, StatementID: "g1",
			Score: score, Statements: []string{"g1", "g2"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordCaseCard(ctx, store.CaseCard{CohortID: id, CaseID: "richard", Variant: "richard", StageID: "rol",
			Role: "moeder", UserID: u, SentBy: privTrainer, SentAt: now}); err != nil {
			t.Fatal(err)
		}
		cid := id
		if err := db.Audit(ctx, store.AuditEntry{CohortID: &cid, Actor: privTrainer, UserID: u, Action: "role_card_sent",
			Detail: map[string]any{"role": "moeder"}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SaveDevelopmentPlan(ctx, store.DevelopmentPlan{CohortID: id, UserID: privAnna,
		Ontwikkelpunten: "Beter doorvragen", Aanpak: "Met Bram oefenen"}); err != nil {
		t.Fatal(err)
	}
	// The homework fan-out: one row per participant, keyed ".../<user>".
	claims, err := db.ClaimDue(ctx, "test", now, now.Add(time.Minute), 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range claims {
		if c.Audience == content.AudienceParticipants {
			if _, err := db.ExpandDelivery(ctx, c, "test", []string{privAnna, privBram}, true, now, now.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := db.SaveSandboxHome(ctx, store.SandboxHome{UserID: privAnna, ViewID: "V1", View: json.RawMessage(`{"type":"home"}`)}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSandboxConversation(ctx, store.SandboxConversation{ID: "D0ANNA", Messages: json.RawMessage(`[{"ts":"1.1","user":"UBOT","text":"Je scores"}]`)}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSandboxConversation(ctx, store.SandboxConversation{ID: "C0DISPATCH", Messages: json.RawMessage(
		`[{"ts":"1.1","user":"` + privAnna + `","text":"hallo"},{"ts":"1.2","user":"` + privBram + `","text":"hoi <@` + privAnna + `>"},{"ts":"1.3","user":"UBOT","text":"welkom"}]`)}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSandboxFile(ctx, store.SandboxFile{ID: "F1", Name: "mijn-gegevens.json", Channels: []string{"D0ANNA"},
		Data: []byte(`{"user_id":"` + privAnna + `"}`)}); err != nil {
		t.Fatal(err)
	}
	return id
}

// privMarker is what privacyFullFixture writes into Anna's own words and Slack's answers about her: it must be
// gone after her erasure, like her ID.
const privMarker = "ANNAPRIVATE"

// otherPerson is what the handlers pass ExportPersonalData for another person (the phrase privacy_other_person).
const otherPerson = "(iemand anders)"

// privacyFullFixture is privacyFixture with Anna in every column that can name or describe a person: her homework
// DM sent in her DM (D0ANNA) and a failed one, her name, her words in her plan, a role card in her DM, a saved copy
// of her App Home, and a finished cohort she trained, in which she revealed a stage, sent Bram a role card and was
// listed as a trainer by its creator. It returns the running cohort's id.
func privacyFullFixture(t *testing.T, db *store.DB) int64 {
	t.Helper()
	ctx := context.Background()
	id := privacyFixture(t, db)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`UPDATE participants SET name = 'Anna ' || $2 WHERE user_id = $1`, privAnna, privMarker)
	exec(`UPDATE meter_plans SET ontwikkelpunten = 'Doorvragen ' || $2, aanpak = 'Met Bram ' || $2 WHERE user_id = $1`, privAnna, privMarker)
	exec(`UPDATE deliveries SET status = 'sent', channel_id = 'D0ANNA', ts = '1.5', sent_at = now(), lease_owner = NULL,
	                            lease_until = NULL
	      WHERE recipient = $1`, privAnna)
	exec(`INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at, status, error, channel_id)
	      VALUES ('c' || $2::bigint || '/welcome/m1/' || $1, $2::bigint, 'welcome', 'welcome', 1, 'participant', $1, now(), 'failed',
	              'chat.postMessage: ' || $3, 'D0ANNA')`, privAnna, id, privMarker)
	if _, err := db.RecordCaseCard(ctx, store.CaseCard{CohortID: id, CaseID: "richard", Variant: "richard", StageID: "acteur",
		UserID: privAnna, SentBy: privTrainer, SentAt: db.Now(), ChannelID: "D0ANNA", TS: "1.6"}); err != nil {
		t.Fatal(err)
	}

	privacyWorkFixture(t, db, id)
	exec(`INSERT INTO pace_buckets (key, idle_at) VALUES ('T0PRIV/channel:' || $1, now()), ('T0PRIV/channel:D0ANNA', now()),
	      ('T0PRIV/channel:C0DISPATCH', now())`, privAnna)

	if err := db.SaveSandboxFile(ctx, store.SandboxFile{ID: "F2", Name: "groei-" + privAnna + ".png", Title: "Groei " + privAnna,
		Channels: []string{"C0DISPATCH"}, Data: []byte("png")}); err != nil {
		t.Fatal(err)
	}

	// A finished cohort that Anna trained.
	past := &content.Cohort{Name: "Voorjaar 2026", Channel: "C0VOORJAAR", Timezone: "Europe/Amsterdam",
		Trainers: []string{"U0CREATOR", privAnna}, Cases: []string{"richard", "johanna"}, Settings: content.DefaultCohortSettings()}
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := 1; i <= 4; i++ {
		s := start.AddDate(0, 0, 7*(i-1))
		past.Modules = append(past.Modules, content.CohortModule{Number: i, Start: s, End: s.Add(4 * time.Hour), Location: "zaal 1"})
	}
	pastID, err := db.SaveCohort(ctx, past)
	if err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO case_reveals (cohort_id, case_id, variant, stage_id, position, module, revealed_by, revealed_at)
	      VALUES ($1, 'richard', 'richard', 'aanmelding', 0, 1, $2, now())`, pastID, privAnna)
	// Anna installed the app in a workspace, since uninstalled.
	exec(`INSERT INTO workspaces (team_id, team_name, installed_by, installed_at, updated_at, uninstalled_at)
	      VALUES ('T0PRIVACY', 'Gemeente Oost', $1, now(), now(), now())`, privAnna)
	if _, err := db.RecordCaseCard(ctx, store.CaseCard{CohortID: pastID, CaseID: "richard", Variant: "richard", StageID: "rol",
		Role: "moeder", UserID: privBram, SentBy: privAnna, SentAt: db.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := db.Audit(ctx, store.AuditEntry{CohortID: &pastID, Actor: "U0CREATOR", Action: "cohort_created",
		Detail: map[string]any{"trainers": past.Trainers}}); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestErasePerson(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	id := privacyFixture(t, db)

	if before := storetest.Find(t, db, privAnna); len(before) < 8 {
		t.Fatalf("the fixture names Anna in only %v; the scan cannot be trusted", before)
	}
	res, err := db.ErasePerson(ctx, privAnna, []string{"D0ANNA"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Deleted["meter_answers"] != 1 || res.Deleted["participants"] != 1 || res.Deleted["deliveries"] != 1 ||
		res.Deleted["sandbox_files"] != 1 || res.Anonymised["sandbox_conversations"] != 1 {
		t.Fatalf("erasure result %+v", res)
	}

	t.Run("NoRowNamesThePerson", func(t *testing.T) {
		if left := storetest.Find(t, db, privAnna); len(left) > 0 {
			t.Fatalf("after erasure Anna is still named in %v", left)
		}
	})
	t.Run("OthersKeepTheirData", func(t *testing.T) {
		d, err := db.ExportPersonalData(ctx, privBram, otherPerson)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Measurements) != 1 || d.Measurements[0].Answers["g1"] != 2 || len(d.Deliveries) != 1 || len(d.CaseCards) != 1 {
			t.Fatalf("Bram's data changed: %+v", d)
		}
		var msgs []map[string]any
		var raw []byte
		if err := db.GetContext(ctx, &raw, `SELECT messages FROM sandbox_conversations WHERE id = 'C0DISPATCH'`); err != nil {
			t.Fatal(err)
		}
		json.Unmarshal(raw, &msgs)
		if len(msgs) != 1 || msgs[0]["text"] != "welkom" {
			t.Fatalf("channel copy after erasure: %s; want only the bot's welcome", raw)
		}
	})
	t.Run("Tombstone", func(t *testing.T) {
		erased, err := db.IsErased(ctx, privAnna)
		if err != nil || !erased {
			t.Fatalf("IsErased = %v, %v", erased, err)
		}
		var n int
		if err := db.GetContext(ctx, &n, `SELECT count(*) FROM audit_log WHERE action = 'person_erased' AND actor = 'privacy' AND user_id = ''`); err != nil || n != 1 {
			t.Fatalf("erasure audit rows: %d, %v", n, err)
		}
	})
	t.Run("NotMessagedAgain", func(t *testing.T) {
		now := db.Now()
		// A new fan-out for the same cohort: Anna is still in the channel.
		if _, err := db.ExecContext(ctx, `
			INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, due_at)
			VALUES ('again', $1, 'homework', 'homework', 2, 'participants', $2)`, id, now); err != nil {
			t.Fatal(err)
		}
		claims, err := db.ClaimDue(ctx, "test", now, now.Add(time.Minute), 10)
		if err != nil || len(claims) != 1 {
			t.Fatalf("claim: %d rows, %v", len(claims), err)
		}
		kids, err := db.ExpandDelivery(ctx, claims[0], "test", []string{privAnna, privBram}, true, now, now.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if len(kids) != 1 || kids[0].Recipient != privBram {
			t.Fatalf("fan-out after erasure made rows %+v; want Bram's only", kids)
		}
		join, err := db.RecordJoin(ctx, id, privAnna, &content.Delivery{Key: "catch", RuleID: "catch_up", Kind: "catch_up",
			Audience: content.AudienceParticipant, Recipient: privAnna, DueAt: now})
		if err != nil || join.New || join.CatchUp {
			t.Fatalf("join after erasure: %+v, %v", join, err)
		}
		if left := storetest.Find(t, db, privAnna); len(left) > 0 {
			t.Fatalf("fan-out or join named Anna again: %v", left)
		}
	})
	t.Run("Again", func(t *testing.T) {
		var audits int
		db.GetContext(ctx, &audits, `SELECT count(*) FROM audit_log`)
		res, err := db.ErasePerson(ctx, privAnna, nil)
		if err != nil || res.Total() != 0 {
			t.Fatalf("second erasure: %+v, %v", res, err)
		}
		var after int
		db.GetContext(ctx, &after, `SELECT count(*) FROM audit_log`)
		if after != audits {
			t.Errorf("an erasure that found nothing wrote %d audit rows", after-audits)
		}
	})
}

// TestErasePersonLeavesNoTrace fills every column that PrivacyColumns says can name a person, erases her the way
// the bot does (the request, ErasePerson, FinishErasure), and searches every column of every table: her ID, her
// DM's ID and her own words are nowhere, and what stays on purpose is only her tombstone.
func TestErasePersonLeavesNoTrace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	privacyFullFixture(t, db)

	// The fixture must reach every column that names a person, or the search below proves nothing for it.
	found := map[string]bool{}
	for _, f := range storetest.Find(t, db, privAnna) {
		found[strings.Fields(f)[0]] = true
	}
	for _, c := range store.PrivacyColumns() {
		if (c.Kind == store.ColumnPersonID || c.Kind == store.ColumnMentionsPerson) && c.Table != "erasure_requests" &&
			!found[c.Table+"."+c.Column] {
			t.Errorf("the fixture does not put Anna in %s.%s (%s): add her there in privacyFullFixture", c.Table, c.Column, c.Kind)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	req, err := db.RequestErasure(ctx, privAnna, "https://hooks.slack.test/r/1", "test", db.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.ErasePerson(ctx, privAnna, []string{"D0ANNA"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Messages, ",") != "1.5,1.6" {
		t.Errorf("recorded messages in Anna's DM: %v, want the homework DM and the role card (1.5, 1.6)", res.Messages)
	}
	if left := storetest.Find(t, db, privAnna); strings.Join(left, ",") != "erasure_requests.user_id (1)" {
		t.Errorf("while her erasure runs Anna is named in %v; want only her request", left)
	}
	req.Stage, req.DMChannel, req.MessageTS = store.ErasureStageTell, "D0ANNA", res.Messages
	if err := db.AdvanceErasure(ctx, req, "test", db.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishErasure(ctx, privAnna, "test"); err != nil {
		t.Fatal(err)
	}

	for _, word := range []string{privAnna, "D0ANNA", privMarker} {
		if left := storetest.Find(t, db, word); len(left) > 0 {
			t.Errorf("after erasure %s is still in %v", word, left)
		}
	}
	var answers int
	if err := db.GetContext(ctx, &answers, `
		SELECT count(*) FROM meter_answers a JOIN meter_measurements m ON m.id = a.measurement_id
		WHERE m.user_id NOT IN ($1, $2)`, privBram, privTrainer); err != nil || answers != 0 {
		t.Errorf("%d answers left that are not Bram's (%v)", answers, err)
	}
	var kept int
	if err := db.GetContext(ctx, &kept, `SELECT count(*) FROM erased_users WHERE user_hash = $1`, store.UserHash(privAnna)); err != nil || kept != 1 {
		t.Errorf("tombstone rows for Anna: %d (%v), want 1", kept, err)
	}
	// What others own stays, with Anna replaced: the stage she revealed, the card she sent Bram.
	var reveals, cards int
	db.GetContext(ctx, &reveals, `SELECT count(*) FROM case_reveals WHERE revealed_by = $1`, store.ErasedActor)
	db.GetContext(ctx, &cards, `SELECT count(*) FROM case_cards WHERE user_id = $1 AND sent_by = $2`, privBram, store.ErasedActor)
	if reveals != 1 || cards != 1 {
		t.Errorf("after Anna's erasure: %d stages and %d of Bram's cards by %q, want 1 and 1", reveals, cards, store.ErasedActor)
	}
}

// TestPrivacyColumns compares PrivacyColumns with the database: every column of every table must be classified,
// and nothing classified may be missing from the database.
func TestPrivacyColumns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	if missing, stale := unclassified(t, db); len(missing)+len(stale) > 0 {
		t.Errorf("store.PrivacyColumns does not match the database.\n%s%s", strings.Join(missing, ""), strings.Join(stale, ""))
	}
	for _, c := range store.PrivacyColumns() {
		switch c.Kind {
		case store.ColumnPersonID, store.ColumnMentionsPerson, store.ColumnPersonal, store.ColumnNotPersonal, store.ColumnKept:
		default:
			t.Errorf("%s.%s: unknown kind %q", c.Table, c.Column, c.Kind)
		}
		if strings.TrimSpace(c.Erasure) == "" {
			t.Errorf("%s.%s: say how erasure covers it, or why it names no one", c.Table, c.Column)
		}
	}
	t.Run("NewColumnFails", func(t *testing.T) {
		if _, err := db.ExecContext(ctx, `ALTER TABLE cohorts ADD COLUMN contact text; CREATE TABLE later_feature (who text)`); err != nil {
			t.Fatal(err)
		}
		missing, _ := unclassified(t, db)
		got := strings.Join(missing, "")
		for _, want := range []string{`{"cohorts", "contact", ColumnNotPersonal,`, `{"later_feature", "who", ColumnNotPersonal,`} {
			if !strings.Contains(got, want) {
				t.Errorf("a new column is not reported with the line to add (%s):\n%s", want, got)
			}
		}
	})
}

// unclassified returns, for each column of the database that PrivacyColumns lacks, the line to add to
// store/privacy_columns.go; and for each entry of PrivacyColumns that the database lacks, a line saying so.
func unclassified(t *testing.T, db *store.DB) (missing, stale []string) {
	t.Helper()
	var cols []struct {
		Table  string `db:"table_name"`
		Column string `db:"column_name"`
		Type   string `db:"data_type"`
	}
	if err := db.SelectContext(context.Background(), &cols, `
		SELECT c.table_name, c.column_name, c.data_type
		FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		ORDER BY c.table_name, c.ordinal_position`); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, c := range store.PrivacyColumns() {
		known[c.Table+"."+c.Column] = true
	}
	inDB := map[string]bool{}
	for _, c := range cols {
		inDB[c.Table+"."+c.Column] = true
		if !known[c.Table+"."+c.Column] {
			missing = append(missing, fmt.Sprintf("  %s.%s (%s) is not classified. Add to privacyColumns in store/privacy_columns.go:\n"+
				"\t{%q, %q, ColumnNotPersonal, \"why it names no one\"},\n"+
				"  or, if it can hold a Slack user ID or something about one person, ColumnPersonID, ColumnMentionsPerson or\n"+
				"  ColumnPersonal with how ErasePerson (store/privacy.go) removes it, and a step there if none covers it yet.\n",
				c.Table, c.Column, c.Type, c.Table, c.Column))
		}
	}
	for _, c := range store.PrivacyColumns() {
		if !inDB[c.Table+"."+c.Column] {
			stale = append(stale, fmt.Sprintf("  %s.%s is in privacyColumns but not in the database: remove it.\n", c.Table, c.Column))
		}
	}
	return missing, stale
}

func TestEraseTrainer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	id := privacyFixture(t, db)
	if _, err := db.ExecContext(ctx, `
		INSERT INTO case_reveals (cohort_id, case_id, variant, stage_id, position, module, revealed_by, revealed_at)
		VALUES ($1, 'richard', 'richard', 'aanmelding', 0, 1, $2, now())`, id, privTrainer); err != nil {
		t.Fatal(err)
	}
	t.Run("RunningCohort", func(t *testing.T) {
		_, err := db.ErasePerson(ctx, privTrainer, nil)
		var running *store.TrainerOfRunningCohortError
		if content.ErrorCode(err) != content.EFORBIDDEN || !errors.As(err, &running) ||
			!strings.Contains(strings.Join(running.Cohorts, ","), "Dispatch") {
			t.Fatalf("erasing the trainer of a running cohort: %v; want EFORBIDDEN naming the cohort", err)
		}
		if left := storetest.Find(t, db, privTrainer); len(left) == 0 {
			t.Fatal("a refused erasure erased something")
		}
		if erased, _ := db.IsErased(ctx, privTrainer); erased {
			t.Fatal("a refused erasure left a tombstone")
		}
	})
	t.Run("FinishedCohort", func(t *testing.T) {
		db.Now = func() time.Time { return time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC) }
		res, err := db.ErasePerson(ctx, privTrainer, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Anonymised["case_reveals"] != 1 || res.Anonymised["case_cards"] != 2 || res.Deleted["cohort_trainers"] != 1 {
			t.Fatalf("trainer erasure: %+v", res)
		}
		if left := storetest.Find(t, db, privTrainer); len(left) > 0 {
			t.Fatalf("trainer still named in %v", left)
		}
		// The participants' role cards stay theirs.
		if d, err := db.ExportPersonalData(ctx, privBram, otherPerson); err != nil || len(d.CaseCards) != 1 {
			t.Fatalf("Bram's role card after the trainer's erasure: %+v, %v", d.CaseCards, err)
		}
	})
}

func TestExportPersonalData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	privacyFixture(t, db)
	t.Run("OnlyOwnData", func(t *testing.T) {
		d, err := db.ExportPersonalData(ctx, privAnna, otherPerson)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Participations) != 1 || len(d.Progress) != 1 || len(d.Measurements) != 1 || len(d.DevelopmentPlans) != 1 ||
			len(d.CaseCards) != 1 || len(d.Deliveries) != 1 || len(d.AuditAbout) == 0 {
			t.Fatalf("export misses something: %+v", d)
		}
		if got := d.Measurements[0].Answers["g1"]; got != 4 {
			t.Fatalf("own score g1 = %d, want 4", got)
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, other := range []string{privBram, privTrainer} {
			if strings.Contains(string(b), other) {
				t.Errorf("export of %s names %s:\n%s", privAnna, other, b)
			}
		}
		if !strings.Contains(string(b), `"actor":"(iemand anders)"`) {
			t.Errorf("the trainer who sent the role card is not shown as someone else:\n%s", b)
		}
	})
	t.Run("TrainerGetsNoScores", func(t *testing.T) {
		d, err := db.ExportPersonalData(ctx, privTrainer, otherPerson)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.TrainerOf) != 1 || len(d.AuditBy) != 2 {
			t.Fatalf("trainer export: trainer_of %d, audit by %d; want 1 and 2", len(d.TrainerOf), len(d.AuditBy))
		}
		b, _ := json.Marshal(d)
		for _, other := range []string{privAnna, privBram, `"answers"`, "Beter doorvragen"} {
			if strings.Contains(string(b), other) {
				t.Errorf("trainer export holds %s:\n%s", other, b)
			}
		}
	})
	t.Run("InvalidID", func(t *testing.T) {
		if _, err := db.ExportPersonalData(ctx, "U1' OR 1=1", otherPerson); content.ErrorCode(err) != content.EINVALID {
			t.Fatalf("odd id: %v, want EINVALID", err)
		}
	})
}

// TestEraseDoesNotBlockDispatch erases Anna while a transaction that began before her erasure (a fan-out adding
// a row for her) is still open: the erasure waits for it, and meanwhile the dispatcher claims and sends other
// rows without waiting for the erasure. When that transaction commits, the erasure removes its row too.
func TestEraseDoesNotBlockDispatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	id := privacyFixture(t, db)
	db.EraseWait = time.Minute // longer than this test's safety bounds: the erasure must wait for the fan-out
	now := db.Now()
	if _, err := db.ExecContext(ctx, `
		INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at)
		SELECT 'c' || $1::bigint || '/bram/m1/' || g, $1::bigint, 'bram' || g, 'homework', 1, 'participant', $2, $3
		FROM generate_series(1, 20) AS g`, id, privBram, now); err != nil {
		t.Fatal(err)
	}

	fanout, err := db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fanout.Rollback()
	if _, err := fanout.ExecContext(ctx, `
		INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at)
		VALUES ('c' || $1::bigint || '/late/m2/' || $2, $1::bigint, 'late', 'homework', 2, 'participant', $2, $3)`,
		id, privAnna, now); err != nil {
		t.Fatal(err)
	}

	erased := make(chan error, 1)
	go func() {
		_, err := db.ErasePerson(ctx, privAnna, []string{"D0ANNA"})
		erased <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ok, err := db.IsErased(ctx, privAnna); err != nil {
			t.Fatal(err)
		} else if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no tombstone committed within 10 s: the erasure holds it in a transaction")
		}
		time.Sleep(5 * time.Millisecond)
	}

	// The dispatcher at work while the erasure waits. Bounded, as a safety net: blocked, it would wait for the
	// open fan-out, which this test ends only afterwards.
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var slowest time.Duration
	sent := 0
	for sent < 20 {
		started := time.Now()
		claims, err := db.ClaimDue(dctx, "dispatcher", now, now.Add(time.Minute), 5)
		if err != nil {
			t.Fatalf("claim while erasing: %v", err)
		}
		slowest = max(slowest, time.Since(started))
		if len(claims) == 0 {
			t.Fatalf("nothing left to claim after %d sent", sent)
		}
		for _, c := range claims {
			if c.Recipient != privBram {
				continue
			}
			started := time.Now()
			if err := db.MarkSent(dctx, c.ID, "dispatcher", "D0BRAM", fmt.Sprintf("2.%d", sent), now); err != nil {
				t.Fatalf("mark sent while erasing: %v", err)
			}
			slowest = max(slowest, time.Since(started))
			sent++
		}
	}
	t.Logf("slowest claim or mark-sent during the erasure: %v", slowest)
	select {
	case err := <-erased:
		t.Fatalf("the erasure finished (%v) while a transaction that may add a row for Anna was open", err)
	default:
	}

	if err := fanout.Commit(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-erased:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the erasure did not finish within 30 s of the fan-out's commit")
	}
	if left := storetest.Find(t, db, privAnna); len(left) > 0 {
		t.Fatalf("after erasure Anna is still named in %v: the fan-out's row slipped through", left)
	}
}
