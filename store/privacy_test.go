package store_test

import (
	"context"
	"encoding/json"
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
		m, err := db.StartMeasurement(ctx, id, u, store.MeterVoormeting)
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

func TestExportPersonalData(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	privacyFixture(t, db)
	t.Run("OnlyOwnData", func(t *testing.T) {
		d, err := db.ExportPersonalData(ctx, privAnna)
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
		d, err := db.ExportPersonalData(ctx, privTrainer)
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
		if _, err := db.ExportPersonalData(ctx, "U1' OR 1=1"); content.ErrorCode(err) != content.EINVALID {
			t.Fatalf("odd id: %v, want EINVALID", err)
		}
	})
}

func TestErasePerson(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	id := privacyFixture(t, db)

	before, err := db.RowsNaming(ctx, privAnna)
	if err != nil {
		t.Fatal(err)
	}
	if len(before) < 8 {
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
		left, err := db.RowsNaming(ctx, privAnna)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) > 0 {
			t.Fatalf("after erasure Anna is still named in %v", left)
		}
	})
	t.Run("OthersKeepTheirData", func(t *testing.T) {
		d, err := db.ExportPersonalData(ctx, privBram)
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
		if left, _ := db.RowsNaming(ctx, privAnna); len(left) > 0 {
			t.Fatalf("fan-out or join named Anna again: %v", left)
		}
	})
	t.Run("Again", func(t *testing.T) {
		res, err := db.ErasePerson(ctx, privAnna, nil)
		if err != nil || res.Total() != 0 {
			t.Fatalf("second erasure: %+v, %v", res, err)
		}
	})
}

func TestEraseTrainer(t *testing.T) {
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
		if content.ErrorCode(err) != content.EFORBIDDEN || !strings.Contains(content.ErrorMessage(err), "Dispatch") {
			t.Fatalf("erasing the trainer of a running cohort: %v; want EFORBIDDEN naming the cohort", err)
		}
		if left, _ := db.RowsNaming(ctx, privTrainer); len(left) == 0 {
			t.Fatal("a refused erasure erased something")
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
		if left, _ := db.RowsNaming(ctx, privTrainer); len(left) > 0 {
			t.Fatalf("trainer still named in %v", left)
		}
		// The participants' role cards stay theirs.
		if d, err := db.ExportPersonalData(ctx, privBram); err != nil || len(d.CaseCards) != 1 {
			t.Fatalf("Bram's role card after the trainer's erasure: %+v, %v", d.CaseCards, err)
		}
	})
}

func TestRowsNamingFindsNewTables(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	if _, err := db.ExecContext(ctx, `CREATE TABLE later_feature (note jsonb, tags text[], blob bytea)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO later_feature VALUES ('{"who":"U0PRIVANNA"}', '{a}', NULL), (NULL, '{U0PRIVANNA}', 'x U0PRIVANNA y'), ('{"who":"U0PRIVANNAX"}', NULL, NULL)`); err != nil {
		t.Fatal(err)
	}
	got, err := db.RowsNaming(ctx, privAnna)
	if err != nil {
		t.Fatal(err)
	}
	want := "later_feature.blob (1), later_feature.note (1), later_feature.tags (1)"
	if strings.Join(got, ", ") != want {
		t.Fatalf("RowsNaming = %v, want %s", got, want)
	}
	if _, err := db.ErasePerson(ctx, privAnna, nil); err == nil || !strings.Contains(err.Error(), "later_feature") {
		t.Fatalf("erasure with a table it does not know: %v; want it to fail naming the table", err)
	}
}
