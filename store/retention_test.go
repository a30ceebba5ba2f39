package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// Every table that can hold a person (store.PrivacyColumns: a column naming or describing one) is cleaned by the
// retention run, or left on purpose with a reason: a table added later that stores people fails here until it is
// one or the other.
func TestRetentionCoversEveryPersonalTable(t *testing.T) {
	t.Parallel()
	cleaned, exempt := store.RetentionTables()
	personal := map[string]bool{}
	for _, c := range store.PrivacyColumns() {
		switch c.Kind {
		case store.ColumnPersonID, store.ColumnMentionsPerson, store.ColumnPersonal:
			personal[c.Table] = true
		}
	}
	for table := range personal {
		if !slices.Contains(cleaned, table) && exempt[table] == "" {
			t.Errorf("table %s holds a person (store/privacy_columns.go) but the retention run does not clean it: add a "+
				"step to retentionSteps in store/retention.go, or say in retentionExempt why it stays", table)
		}
	}
	for table, why := range exempt {
		if slices.Contains(cleaned, table) {
			t.Errorf("table %s is both cleaned and exempt", table)
		}
		if strings.TrimSpace(why) == "" {
			t.Errorf("table %s is exempt without a reason", table)
		}
	}
}

// snapshot reads every table (as the catalogue lists them) as JSON rows.
func snapshot(t *testing.T, db *store.DB) map[string][]string {
	t.Helper()
	var tables []string
	if err := db.Select(&tables, `
		SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, table := range tables {
		var rows []string
		if err := db.Select(&rows, `SELECT to_jsonb(t)::text FROM `+pq.QuoteIdentifier(table)+` t ORDER BY 1`); err != nil {
			t.Fatal(err)
		}
		out[table] = rows
	}
	return out
}

// diff returns the rows of a not in b, by table.
func diff(a, b map[string][]string) map[string][]map[string]any {
	out := map[string][]map[string]any{}
	for table, rows := range a {
		for _, r := range rows {
			if !slices.Contains(b[table], r) {
				var m map[string]any
				json.Unmarshal([]byte(r), &m)
				out[table] = append(out[table], m)
			}
		}
	}
	return out
}

func cohortOf(row map[string]any) int64 {
	f, _ := row["cohort_id"].(float64)
	return int64(f)
}

// sendWarning has the warning of cohort id go out at at, as the dispatcher does: the row for the trainers is
// expanded, and each trainer's DM recorded as sent.
func sendWarning(t *testing.T, db *store.DB, id int64, trainers []string, at time.Time) {
	t.Helper()
	ctx := context.Background()
	claims, err := db.ClaimDue(ctx, "test", at, at.Add(time.Minute), 100)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range claims {
		if c.Key != store.RetentionWarningKey(id) {
			if _, err := db.ReleaseDeliveries(ctx, "test", []int64{c.ID}, at); err != nil {
				t.Fatal(err)
			}
			continue
		}
		found = true
		kids, err := db.ExpandDelivery(ctx, c, "test", trainers, false, at, at.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range kids {
			if err := db.MarkSent(ctx, k.ID, "test", "D"+k.Recipient, "9.9", at); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !found {
		t.Fatalf("the retention warning of cohort %d is not due at %s", id, at)
	}
}

// A cohort past its retention period is emptied of everything about people, a month after its trainers were told,
// while a cohort not yet due is untouched, row by row; what is kept is counts without people. Running again changes
// nothing; a row written later (a click on an old button) goes at the next run.
func TestRunRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	old := storetest.SeedCohort(t, db, "Utrecht voorjaar 2025", "C0OUD", "U0OUDTRAINER",
		time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC), []string{"U0OUDANNA", "U0OUDBRAM", "U0OUDCEES"})
	recent := storetest.SeedCohort(t, db, "Zwolle zomer 2026", "C0NIEUW", "U0NIEUWTRAINER",
		time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC), []string{"U0NIEUWDIRK", "U0NIEUWEVA"})
	// The old cohort's last module ends 27 January 2025, 13:00 UTC: its data goes from 27 January 2026, and its
	// trainers are told on 27 December 2025.
	deleteAfter := time.Date(2026, 1, 27, 13, 0, 0, 0, time.UTC)

	res, err := db.RunRetention(ctx, time.Date(2025, 12, 1, 3, 0, 0, 0, time.UTC), 12, "Bewaartermijn", nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Planned != 2 || len(res.Erased) != 0 {
		t.Fatalf("first run: %+v; want both cohorts planned, none erased", res)
	}
	r, err := db.CohortRetention(ctx, old)
	if err != nil || !r.DeleteAfter.Equal(deleteAfter) || r.ErasedAt != nil {
		t.Fatalf("retention of the old cohort: %+v, %v; want delete after %s", r, err, deleteAfter)
	}

	// Told on 29 December (a weekend and a holiday in between): the data stays until a month after that.
	sendWarning(t, db, old, []string{"U0OUDTRAINER"}, time.Date(2025, 12, 29, 9, 0, 0, 0, time.UTC))
	res, err = db.RunRetention(ctx, time.Date(2026, 1, 28, 3, 0, 0, 0, time.UTC), 12, "Bewaartermijn", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Erased) != 0 || res.Waiting != 1 {
		t.Fatalf("a day after the retention date but less than a month after the warning: %+v; want nothing erased, one waiting", res)
	}

	var measurements []int64
	if err := db.Select(&measurements, `SELECT id FROM meter_measurements WHERE cohort_id = $1`, old); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, db)
	now := time.Date(2026, 1, 30, 3, 0, 0, 0, time.UTC)
	res, err = db.RunRetention(ctx, now, 12, "Bewaartermijn", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Erased, []int64{old}) {
		t.Fatalf("run after the month: %+v; want the old cohort erased", res)
	}
	after := snapshot(t, db)

	// Row by row: what went is the old cohort's; what came is its kept counts and the log line saying it happened.
	for table, rows := range diff(before, after) {
		for _, row := range rows {
			switch {
			case table == "meter_answers":
				f, _ := row["measurement_id"].(float64)
				if !slices.Contains(measurements, int64(f)) {
					t.Errorf("meter_answers: another cohort's answer went: %v", row)
				}
			case cohortOf(row) != old:
				t.Errorf("%s: a row of another cohort changed or went: %v", table, row)
			}
		}
	}
	for table, rows := range diff(after, before) {
		for _, row := range rows {
			switch {
			case table == "cohort_retention" && cohortOf(row) == old:
			case table == "case_reveals" && cohortOf(row) == old && row["revealed_by"] == store.ErasedActor:
			case table == "audit_log" && cohortOf(row) == old && row["action"] == "cohort_data_deleted":
			default:
				t.Errorf("%s: unexpected new or changed row: %v", table, row)
			}
		}
	}
	for _, who := range []string{"U0OUDANNA", "U0OUDBRAM", "U0OUDCEES", "DU0OUDANNA"} {
		if found := storetest.Find(t, db, who); len(found) > 0 {
			t.Errorf("%s is still in %v", who, found)
		}
	}
	// The trainer stays the cohort's trainer, and nowhere else.
	if found := storetest.Find(t, db, "U0OUDTRAINER"); !slices.Equal(found, []string{"cohort_trainers.user_id (1)"}) {
		t.Errorf("the old cohort's trainer is in %v; want only cohort_trainers", found)
	}
	for _, who := range []string{"U0NIEUWDIRK", "U0NIEUWTRAINER"} {
		if found := storetest.Find(t, db, who); len(found) == 0 {
			t.Errorf("%s of the cohort not yet due is gone", who)
		}
	}

	// What is kept: the cohort, its modules, and counts without people.
	c, err := db.CohortByID(ctx, old)
	if err != nil || len(c.Modules) != 4 || c.Name != "Utrecht voorjaar 2025" {
		t.Fatalf("the old cohort itself: %+v, %v; want it kept with its modules", c, err)
	}
	r, err = db.CohortRetention(ctx, old)
	if err != nil || r.ErasedAt == nil || !r.ErasedAt.Equal(now) || r.Participants == nil || *r.Participants != 3 ||
		r.Trainers == nil || *r.Trainers != 1 {
		t.Fatalf("kept counts: %+v, %v; want 3 participants and 1 trainer, erased at %s", r, err, now)
	}
	var kept map[string]map[string]int
	if err := json.Unmarshal(r.Deliveries, &kept); err != nil || kept["homework"]["sent"] != 3 || kept["reminder"]["sent"] != 1 {
		t.Errorf("kept message counts: %s (%v); want homework sent 3, reminder sent 1", r.Deliveries, err)
	}

	// Again: nothing to do.
	res, err = db.RunRetention(ctx, now.Add(24*time.Hour), 12, "Bewaartermijn", nil)
	if err != nil || len(res.Erased) != 0 || len(res.Deleted) != 0 {
		t.Fatalf("second run: %+v, %v; want nothing", res, err)
	}
	// A click on an old "Gelezen" button writes progress again; the next run takes it away.
	if _, _, err := db.MarkDone(ctx, store.Progress{CohortID: old, UserID: "U0OUDANNA", Kind: store.ProgressReading,
		Item: "m2_x", Module: 2}); err != nil {
		t.Fatal(err)
	}
	res, err = db.RunRetention(ctx, now.Add(48*time.Hour), 12, "Bewaartermijn", nil)
	if err != nil || res.Recleans != 1 || res.Deleted["progress"] != 1 {
		t.Fatalf("run after a late write: %+v, %v; want the progress row cleaned", res, err)
	}
	if found := storetest.Find(t, db, "U0OUDANNA"); len(found) > 0 {
		t.Errorf("U0OUDANNA is back in %v", found)
	}
	_ = recent
}

// The trainers' warning is one delivery with a permanent key, a month before the retention date: running again
// plans nothing new, re-planning the cohort's messages leaves it, and moving the last module moves it (until it
// is sent). Until it has gone out, the data stays, however late it is.
func TestRetentionWarningPlannedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	id := storetest.SeedCohort(t, db, "Utrecht najaar 2026", "C0UTRECHT", "U0TRAINER1",
		time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), []string{"U0ANNA"})
	now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	warning := func() content.Delivery {
		t.Helper()
		var d content.Delivery
		if err := db.Get(&d, `
			SELECT id, key, cohort_id, rule_id, kind, module, audience, recipient, due_at, deadline, status, attempts,
			       channel_id, ts, error, sent_at, title, note, follows_calendar
			FROM deliveries WHERE cohort_id = $1 AND rule_id = $2`, id, store.RetentionWarningRule); err != nil {
			t.Fatalf("the retention warning: %v", err)
		}
		return d
	}
	for i := 0; i < 2; i++ {
		if _, err := db.RunRetention(ctx, now, 6, "Bewaartermijn: gegevens worden gewist", nil); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM deliveries WHERE rule_id = $1`, store.RetentionWarningRule); err != nil || n != 1 {
		t.Fatalf("%d retention warnings after two runs (%v); want 1", n, err)
	}
	// The last module ends 28 December 2026 13:00 UTC; six months later, less one: 28 May 2027.
	w := warning()
	if want := time.Date(2027, 5, 28, 13, 0, 0, 0, time.UTC); !w.DueAt.Equal(want) || w.Audience != content.AudienceTrainers ||
		w.Status != store.StatusPending || !w.FollowsCalendar || w.Deadline != nil || w.Key != fmt.Sprintf("c%d/retention_warning/m4", id) {
		t.Fatalf("warning: %+v; want a pending DM to the trainers at %s, keeping to the calendar, with no deadline", w, want)
	}

	// Re-planning the cohort's course messages leaves the warning planned.
	if _, err := db.ReplacePlan(ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	if w := warning(); w.Status != store.StatusPending {
		t.Fatalf("after a re-plan the warning is %s; want pending", w.Status)
	}

	// Module 4 moves a week later: so does the warning.
	if _, err := db.Exec(`UPDATE cohort_modules SET starts_at = starts_at + interval '7 days', ends_at = ends_at + interval '7 days'
		WHERE cohort_id = $1 AND number = 4`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RunRetention(ctx, now, 6, "Bewaartermijn: gegevens worden gewist", nil); err != nil {
		t.Fatal(err)
	}
	if w := warning(); !w.DueAt.Equal(time.Date(2027, 6, 4, 13, 0, 0, 0, time.UTC)) {
		t.Fatalf("after moving module 4 the warning is due %s; want 4 June 2027", w.DueAt)
	}

	// A warning deleted by hand is planned again: without it the data would wait for ever.
	if _, err := db.Exec(`DELETE FROM deliveries WHERE rule_id = $1`, store.RetentionWarningRule); err != nil {
		t.Fatal(err)
	}
	if res, err := db.RunRetention(ctx, now, 6, "Bewaartermijn: gegevens worden gewist", nil); err != nil || res.Planned != 1 {
		t.Fatalf("after the warning was deleted: %+v, %v; want it planned again", res, err)
	}
	warning()

	// Long past the date, with the warning never sent (the bot was down): nothing is deleted.
	res, err := db.RunRetention(ctx, time.Date(2028, 1, 1, 3, 0, 0, 0, time.UTC), 6, "Bewaartermijn: gegevens worden gewist", nil)
	if err != nil || len(res.Erased) != 0 || res.Waiting != 1 {
		t.Fatalf("past the date with the warning unsent: %+v, %v; want nothing erased", res, err)
	}
	if _, err := db.RunRetention(ctx, now, 0, "", nil); err == nil {
		t.Error("a retention period of 0 months was accepted")
	}
}
