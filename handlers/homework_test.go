package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// TestHomeworkDevelopmentPlan: the homework of module 1 is the competentiemeter's Stap 3 and 4, so a saved
// development plan counts as done, like "Klaar": the module 1 reminder skips the participant and the homework DM
// shows it done without the button. It counts for module 1 only.
func TestHomeworkDevelopmentPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := fixedCohort("johan")
	db, d := seededRenderer(t, c)
	if _, err := db.SaveDevelopmentPlan(ctx, store.DevelopmentPlan{CohortID: c.ID, UserID: "U0PLAN",
		Ontwikkelpunten: "Beter doorvragen naar wat iemand zelf wil.", Aanpak: "Intervisie met twee collega's."}); err != nil {
		t.Fatal(err)
	}
	markDone(t, db, store.Progress{CohortID: c.ID, UserID: "U0KLAAR", Kind: store.ProgressHomework, Item: store.HomeworkItem(1), Module: 1},
		time.Date(2026, 12, 9, 20, 0, 0, 0, deliveryTZ))

	reminders := []struct {
		name      string
		module    int
		recipient string
		wantSkip  bool
	}{
		{"PlanSaved", 1, "U0PLAN", true},
		{"KlaarClicked", 1, "U0KLAAR", true},
		{"NeitherDone", 1, "U0OPEN", false},
		{"PlanDoesNotCountForModule2", 2, "U0PLAN", false},
	}
	for _, tt := range reminders {
		t.Run("Reminder"+tt.name, func(t *testing.T) {
			_, blocks, err := d.Render(ctx, c, plannedDelivery(c, "homework_reminder", tt.module), tt.recipient)
			if tt.wantSkip {
				if !errors.Is(err, scheduler.ErrSkip) {
					t.Fatalf("err = %v, want ErrSkip", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if raw, _ := json.Marshal(blocks); !strings.Contains(string(raw), `"action_id":"homework_done"`) {
				t.Errorf("reminder without the Klaar button: %s", raw)
			}
		})
	}

	messages := []struct {
		name      string
		recipient string
		want      string // in the blocks
		wantNot   string
	}{
		{"PlanSaved", "U0PLAN", "je ontwikkelpunten staan in de competentiemeter", `"action_id":"homework_done"`},
		{"KlaarClicked", "U0KLAAR", "Klaar, genoteerd voor <@U0KLAAR> op woensdag 9 december om 20:00", "ontwikkelpunten staan"},
		{"NeitherDone", "U0OPEN", `"action_id":"homework_done"`, "✓ Klaar"},
	}
	for _, tt := range messages {
		t.Run("Message"+tt.name, func(t *testing.T) {
			text, blocks, err := d.Render(ctx, c, plannedDelivery(c, "homework", 1), tt.recipient)
			if err != nil {
				t.Fatal(err)
			}
			checkBlockKit(t, blocks)
			raw, err := json.Marshal(blocks)
			if err != nil {
				t.Fatal(err)
			}
			// json.Marshal escapes < and >; compare with the text as Slack receives it.
			got := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">").Replace(string(raw))
			if !strings.Contains(got, tt.want) {
				t.Errorf("homework DM lacks %q: %s", tt.want, got)
			}
			if strings.Contains(got, tt.wantNot) {
				t.Errorf("homework DM has %q: %s", tt.wantNot, got)
			}
			if tt.name == "PlanSaved" {
				golden(t, "delivery_homework_m1_plan.json", rendered{Text: text, Blocks: blocks})
			}
		})
	}
}
