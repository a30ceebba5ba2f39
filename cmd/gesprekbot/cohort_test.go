package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

func cohortDB(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.New(t)
	db.Now = func() time.Time { return beforeCourse }
	return db
}

func runCohortT(t *testing.T, db *store.DB, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runCohort(context.Background(), db, args, &out, &errb, &Config{})
	return code, out.String(), errb.String()
}

func TestCohortCmd(t *testing.T) {
	t.Parallel()
	db := cohortDB(t)
	ctx := context.Background()
	f := writeFile(t, "utrecht.yaml", exampleCohortFile)

	code, out, errs := runCohortT(t, db, "apply", "-f", f)
	if code != 0 {
		t.Fatalf("apply: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `Applied cohort "Utrecht najaar 2026"`) || !strings.Contains(out, "0 re-planned") ||
		!strings.Contains(out, "channel #het-gesprek-utrecht in Slack") || !strings.Contains(out, "trainer trainer@gemeente.nl in Slack") {
		t.Errorf("apply output:\n%s", out)
	}
	c, err := db.CohortByName(ctx, "Utrecht najaar 2026")
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.Deliveries(ctx, c.ID)
	if err != nil || len(first) < 20 {
		t.Fatalf("%d deliveries stored (%v), want the whole course", len(first), err)
	}
	for _, d := range first {
		if !strings.HasPrefix(d.Key, "c"+itoa(c.ID)+"/") {
			t.Errorf("key %s does not start with the cohort's id", d.Key)
		}
	}

	t.Run("Idempotent", func(t *testing.T) {
		code, out, errs := runCohortT(t, db, "apply", "-f", f)
		if code != 0 || !strings.Contains(out, "Plan: 0 new") || !strings.Contains(out, "0 cancelled") {
			t.Fatalf("apply again: exit %d\n%s%s", code, out, errs)
		}
		again, _ := db.Deliveries(ctx, c.ID)
		if len(again) != len(first) {
			t.Fatalf("%d deliveries after applying again, want %d", len(again), len(first))
		}
		for i := range again {
			if again[i].Key != first[i].Key || !again[i].DueAt.Equal(first[i].DueAt) || again[i].ID != first[i].ID {
				t.Errorf("delivery %d changed: %+v -> %+v", i, first[i], again[i])
			}
		}
	})

	t.Run("Verzet", func(t *testing.T) {
		// Module 1's welcome went out; then module 2 moves a day.
		if _, err := db.ExecContext(ctx, `UPDATE deliveries SET status = 'sent', ts = '1.1' WHERE key = $1`,
			"c"+itoa(c.ID)+"/welcome/m1"); err != nil {
			t.Fatal(err)
		}
		moved := strings.ReplaceAll(exampleCohortFile, "2026-12-14T", "2026-12-15T")
		code, out, errs := runCohortT(t, db, "apply", "-f", writeFile(t, "moved.yaml", moved))
		if code != 0 || !strings.Contains(out, "1 kept as they were") {
			t.Fatalf("apply moved: exit %d\n%s%s", code, out, errs)
		}
		for _, d := range mustDeliveries(t, db, c.ID) {
			if d.RuleID == "reminder_hour" && d.Module == 2 {
				if want := time.Date(2026, 12, 15, 7, 0, 0, 0, time.UTC); !d.DueAt.Equal(want) {
					t.Errorf("reminder_hour m2 due %v, want %v", d.DueAt, want)
				}
			}
		}
	})

	t.Run("List", func(t *testing.T) {
		code, out, _ := runCohortT(t, db, "list")
		if code != 0 || !strings.Contains(out, "Utrecht najaar 2026") || !strings.Contains(out, "1 sent") ||
			!strings.Contains(out, "2026-12-07 – 2027-01-18") {
			t.Errorf("list: exit %d\n%s", code, out)
		}
	})

	t.Run("Show", func(t *testing.T) {
		code, out, _ := runCohortT(t, db, "show", "Utrecht najaar 2026")
		for _, want := range []string{"Kanaal:     #het-gesprek-utrecht", "Trainers:   U0TRAINER1, trainer@gemeente.nl",
			"Casussen:   richard, johanna", "Module 2:   di 15 dec 2026 09:00–13:00", "Messages: 1 sent,", "0 missed, 0 failed",
			"Next:\n  wo  2 dec 2026  09:00  module 1"} {
			if !strings.Contains(out, want) {
				t.Errorf("show lacks %q:\n%s", want, out)
			}
		}
		if code != 0 {
			t.Errorf("show: exit %d", code)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		other := strings.Replace(exampleCohortFile, "Utrecht najaar 2026", "Zwolle", 1)
		tests := []struct {
			name string
			args []string
			code int
			msg  string
		}{
			{"NoCommand", nil, 2, "Usage:"},
			{"Unknown", []string{"delete"}, 2, "unknown command"},
			{"ApplyNoFile", []string{"apply"}, 2, "apply needs -f FILE"},
			{"ShowNoName", []string{"show"}, 2, "show takes the cohort's name"},
			{"ShowUnknown", []string{"show", "Nergens"}, 1, `no cohort named "Nergens"`},
			{"ChannelTaken", []string{"apply", "-f", writeFile(t, "zwolle.yaml", other)}, 1, "belongs to another cohort"},
			{"Invalid", []string{"apply", "-f", writeFile(t, "bad.yaml", strings.Replace(exampleCohortFile, "richard, ", "", 1))}, 1, "richard is missing"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				code, _, errs := runCohortT(t, db, tt.args...)
				if code != tt.code || !strings.Contains(errs, tt.msg) {
					t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, tt.code, tt.msg)
				}
			})
		}
		if cs, _ := db.Cohorts(ctx); len(cs) != 1 {
			t.Errorf("%d cohorts after refused applies, want 1", len(cs))
		}
	})
}

func mustDeliveries(t *testing.T, db *store.DB, id int64) []content.Delivery {
	t.Helper()
	ds, err := db.Deliveries(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
