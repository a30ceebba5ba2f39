package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// finishMeasurement stores a measurement of kind for userID as the competentiemeter leaves it: finished, or only
// started when finished is false.
func finishMeasurement(t *testing.T, db *store.DB, c *content.Cohort, userID, kind string, at time.Time, finished bool) {
	t.Helper()
	var finishedAt any
	if finished {
		finishedAt = at.Add(15 * time.Minute)
	}
	if _, err := db.ExecContext(context.Background(), `
		INSERT INTO meter_measurements (cohort_id, user_id, kind, started_at, finished_at, locked, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $4)`,
		c.ID, userID, kind, at, finishedAt, finished); err != nil {
		t.Fatal(err)
	}
}

// TestMeterReminderEindmeting: the eindmeting reminder after module 4 goes to those who did not finish the
// eindmeting (a finished voormeting does not count) with the eindmeting's button, not to those who did, and not
// once the meter stopped taking changes to the eindmeting; the voormeting reminder still asks about the voormeting.
func TestMeterReminderEindmeting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := fixedCohort("johanna")
	db, d := seededRenderer(t, c)
	m4, _ := c.Module(4)
	finishMeasurement(t, db, c, "U0DONE", content.MeterVoormeting, time.Date(2026, 12, 2, 19, 0, 0, 0, deliveryTZ), true)
	finishMeasurement(t, db, c, "U0DONE", content.MeterEindmeting, m4.End, true)
	finishMeasurement(t, db, c, "U0BUSY", content.MeterEindmeting, m4.End, false)
	finishMeasurement(t, db, c, "U0VOOR", content.MeterVoormeting, time.Date(2026, 12, 2, 19, 0, 0, 0, deliveryTZ), true)

	due := time.Date(2027, 1, 14, 9, 0, 0, 0, deliveryTZ) // module 4 ended Monday 11 January; three days later
	windowEnd := m4.End.AddDate(0, 0, handlers.EindmetingReopenDays)
	tests := []struct {
		name      string
		module    int
		recipient string
		now       time.Time
		wantRun   string // "" means skipped
	}{
		{"EindmetingFinished", 4, "U0DONE", due, ""},
		{"EindmetingHalfway", 4, "U0BUSY", due, handlers.MeterEindmeting},
		{"OnlyVoormetingFinished", 4, "U0VOOR", due, handlers.MeterEindmeting},
		{"NothingStarted", 4, "U0OPEN", due, handlers.MeterEindmeting},
		{"LastMomentOfWindow", 4, "U0OPEN", windowEnd.Add(-time.Minute), handlers.MeterEindmeting},
		{"WindowClosed", 4, "U0OPEN", windowEnd, ""},
		{"VoormetingFinished", 1, "U0VOOR", time.Date(2026, 12, 4, 9, 0, 0, 0, deliveryTZ), ""},
		{"VoormetingOpen", 1, "U0BUSY", time.Date(2026, 12, 4, 9, 0, 0, 0, deliveryTZ), handlers.MeterVoormeting},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d.Now = func() time.Time { return tt.now }
			text, blocks, err := d.Render(ctx, c, plannedDelivery(c, "meter_reminder", tt.module), tt.recipient)
			if tt.wantRun == "" {
				if !errors.Is(err, scheduler.ErrSkip) {
					t.Fatalf("err = %v, want ErrSkip", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkBlockKit(t, blocks)
			raw, err := json.Marshal(blocks)
			if err != nil {
				t.Fatal(err)
			}
			other := handlers.MeterVoormeting
			if tt.wantRun == handlers.MeterVoormeting {
				other = handlers.MeterEindmeting
			}
			if !strings.Contains(text, "de "+tt.wantRun+" van de competentiemeter") || strings.Contains(text, other) {
				t.Errorf("text %q is not about the %s", text, tt.wantRun)
			}
			for _, want := range []string{`"action_id":"meter_start"`, `"value":"` + tt.wantRun + `"`, `"block_id":"meter/c1/` + tt.wantRun + `"`} {
				if !strings.Contains(string(raw), want) {
					t.Errorf("blocks lack %s: %s", want, raw)
				}
			}
		})
	}
}

// TestMeterReminderGolden: the eindmeting reminder as a participant sees it; it asks for the eindmeting before the
// end of the meter's window for changes (two weeks after module 4).
func TestMeterReminderGolden(t *testing.T) {
	t.Parallel()
	c := fixedCohort("johanna")
	_, d := seededRenderer(t, c)
	d.Now = func() time.Time { return time.Date(2027, 1, 14, 9, 0, 0, 0, deliveryTZ) }
	text, blocks, err := d.Render(context.Background(), c, plannedDelivery(c, "meter_reminder", 4), "U0ANNA")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "maandag 25 januari om 17:00") {
		t.Errorf("text %q does not ask for it before the window closes, maandag 25 januari om 17:00", text)
	}
	checkBlockKit(t, blocks)
	golden(t, "delivery_meter_reminder_m4.json", rendered{Text: text, Blocks: blocks})
}

// TestMeterReminderMessageModules: a meter reminder exists only around the voormeting and the eindmeting.
func TestMeterReminderMessageModules(t *testing.T) {
	t.Parallel()
	crs := defaultCourse(t)
	c := fixedCohort("johanna")
	for n := 1; n <= 4; n++ {
		v, err := handlers.NewModuleView(crs, c, n)
		if err != nil {
			t.Fatal(err)
		}
		_, err = handlers.MeterReminderMessage(v)
		if want := n == 1 || n == 4; (err == nil) != want {
			t.Errorf("module %d: err = %v, want a message: %v", n, err, want)
		}
	}
}
