package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// simplePlan plans one channel message and one participants row per module, due a day before the module.
func simplePlan(c *content.Cohort) []content.Delivery {
	var ds []content.Delivery
	for _, m := range c.Modules {
		deadline := m.Start
		for _, r := range []struct{ id, audience string }{{"reminder_day", "channel"}, {"preparation_checklist", "participants"}} {
			ds = append(ds, content.Delivery{
				Key: fmt.Sprintf("c%d/%s/m%d", c.ID, r.id, m.Number), Kind: r.id, RuleID: r.id, Module: m.Number,
				Audience: r.audience, DueAt: m.Start.AddDate(0, 0, -1), Deadline: &deadline,
				Title: fmt.Sprintf("%s %d", r.id, m.Number),
			})
		}
	}
	return ds
}

func TestReplacePlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }

	c := testCohort("Utrecht", "C0UTRECHT")
	res, err := db.ApplyCohort(ctx, c, func(c *content.Cohort) ([]content.Delivery, error) { return simplePlan(c), nil })
	if err != nil {
		t.Fatalf("ApplyCohort: %v", err)
	}
	if res != (store.PlanResult{Added: 8}) {
		t.Errorf("first apply = %+v, want 8 added", res)
	}
	key := func(rule string, m int) string { return fmt.Sprintf("c%d/%s/m%d", c.ID, rule, m) }

	t.Run("Again", func(t *testing.T) {
		res, err := db.ReplacePlan(ctx, c.ID, simplePlan(c))
		if err != nil {
			t.Fatal(err)
		}
		if res != (store.PlanResult{Updated: 8}) {
			t.Errorf("same plan again = %+v, want 8 updated, nothing added or cancelled", res)
		}
		ds, _ := db.Deliveries(ctx, c.ID)
		if len(ds) != 8 {
			t.Errorf("%d rows, want 8", len(ds))
		}
	})

	// Module 1 happened: its reminder was sent, its checklist missed. Someone's per-participant row of module 2
	// is in flight.
	mustExec(t, db, `UPDATE deliveries SET status = 'sent', ts = '1700000000.000100', sent_at = $2 WHERE key = $1`, key("reminder_day", 1), now)
	mustExec(t, db, `UPDATE deliveries SET status = 'missed' WHERE key = $1`, key("preparation_checklist", 1))
	mustExec(t, db, `
		INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at)
		VALUES ($1, $2, 'preparation_checklist', 'preparation_checklist', 2, 'participant', 'U0ANNA', $3)`,
		key("preparation_checklist", 2)+"/U0ANNA", c.ID, now)

	t.Run("Verzet", func(t *testing.T) {
		// Every module moves a week; module 4's channel reminder is dropped from the plan.
		moved := testCohort("Utrecht", "C0UTRECHT")
		moved.ID = c.ID
		for i := range moved.Modules {
			moved.Modules[i].Start = moved.Modules[i].Start.AddDate(0, 0, 7)
			moved.Modules[i].End = moved.Modules[i].End.AddDate(0, 0, 7)
		}
		plan := simplePlan(moved)
		var kept []content.Delivery
		for _, d := range plan {
			if d.Key != key("reminder_day", 4) {
				kept = append(kept, d)
			}
		}
		res, err := db.ReplacePlan(ctx, c.ID, kept)
		if err != nil {
			t.Fatal(err)
		}
		if want := (store.PlanResult{Updated: 5, Kept: 2, Cancelled: 1}); res != want {
			t.Errorf("re-plan = %+v, want %+v", res, want)
		}
		byKey := deliveriesByKey(t, db, c.ID)
		tests := []struct {
			key    string
			status string
			due    time.Time
		}{
			{key("reminder_day", 1), "sent", c.Modules[0].Start.AddDate(0, 0, -1)},
			{key("preparation_checklist", 1), "missed", c.Modules[0].Start.AddDate(0, 0, -1)},
			{key("reminder_day", 2), "pending", moved.Modules[1].Start.AddDate(0, 0, -1)},
			{key("preparation_checklist", 4), "pending", moved.Modules[3].Start.AddDate(0, 0, -1)},
			{key("reminder_day", 4), "cancelled", c.Modules[3].Start.AddDate(0, 0, -1)},
			{key("preparation_checklist", 2) + "/U0ANNA", "pending", now},
		}
		for _, tt := range tests {
			d, ok := byKey[tt.key]
			if !ok {
				t.Errorf("%s: gone", tt.key)
				continue
			}
			if d.Status != tt.status || !d.DueAt.Equal(tt.due) {
				t.Errorf("%s: %s due %v, want %s due %v", tt.key, d.Status, d.DueAt, tt.status, tt.due)
			}
		}
		if d := byKey[key("reminder_day", 1)]; d.TS == nil || *d.TS != "1700000000.000100" {
			t.Errorf("sent row lost its ts: %+v", d)
		}
	})

	t.Run("Revived", func(t *testing.T) {
		res, err := db.ReplacePlan(ctx, c.ID, simplePlan(c))
		if err != nil {
			t.Fatal(err)
		}
		if res.Cancelled != 0 || res.Added != 0 || res.Updated != 6 || res.Kept != 2 {
			t.Errorf("re-plan = %+v", res)
		}
		if d := deliveriesByKey(t, db, c.ID)[key("reminder_day", 4)]; d.Status != "pending" || d.Title != "reminder_day 4" {
			t.Errorf("cancelled row planned again: %+v", d)
		}
	})

	t.Run("Counts", func(t *testing.T) {
		counts, err := db.DeliveryCounts(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"sent": 1, "missed": 1, "pending": 7}
		if fmt.Sprint(counts) != fmt.Sprint(want) {
			t.Errorf("counts = %v, want %v", counts, want)
		}
	})

	t.Run("Ordered", func(t *testing.T) {
		ds, err := db.Deliveries(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(ds); i++ {
			if ds[i].DueAt.Before(ds[i-1].DueAt) {
				t.Errorf("%s before %s", ds[i-1].Key, ds[i].Key)
			}
		}
	})
}

func TestApplyCohortRollsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	c := testCohort("Zwolle", "C0ZWOLLE")
	_, err := db.ApplyCohort(ctx, c, func(*content.Cohort) ([]content.Delivery, error) {
		return nil, errors.New("no rules")
	})
	if err == nil {
		t.Fatal("ApplyCohort succeeded with a failing plan")
	}
	if _, err := db.CohortByName(ctx, "Zwolle"); content.ErrorCode(err) != content.ENOTFOUND {
		t.Errorf("cohort stored although its plan failed: %v", err)
	}

	// A plan whose keys use the saved id.
	res, err := db.ApplyCohort(ctx, c, func(s *content.Cohort) ([]content.Delivery, error) {
		if s.ID == 0 {
			return nil, errors.New("plan called without the cohort's id")
		}
		return simplePlan(s), nil
	})
	if err != nil || res.Added != 8 {
		t.Fatalf("ApplyCohort = %+v, %v", res, err)
	}
}

func mustExec(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func deliveriesByKey(t *testing.T, db *store.DB, cohortID int64) map[string]content.Delivery {
	t.Helper()
	ds, err := db.Deliveries(context.Background(), cohortID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]content.Delivery{}
	for _, d := range ds {
		out[d.Key] = d
	}
	return out
}
