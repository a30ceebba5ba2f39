package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
)

// TestCatchUpMessageEnds checks the two closing texts of the catch-up: "nothing to catch up on" when no preparation
// is current and no case stage was shared, and the pointer to the channel when the oldest stages do not fit.
func TestCatchUpMessageEnds(t *testing.T) {
	t.Parallel()
	v, err := handlers.NewModuleView(defaultCourse(t), fixedCohort("johanna"), 0)
	if err != nil {
		t.Fatal(err)
	}
	var many []handlers.RevealedStage
	for i := range 60 {
		many = append(many, handlers.RevealedStage{
			CaseTitle: "Casus 1: Johanna",
			Stage:     content.Stage{ID: "s", Module: 1, Title: "Stap", Text: "Wat er gebeurde.", Audience: content.StageChannel},
			At:        time.Date(2026, 12, 7, 10, i, 0, 0, deliveryTZ),
		})
	}
	const (
		nothing = "Op dit moment staat er niets voor je klaar om in te halen. De volgende voorbereiding krijg je vanzelf van mij."
		more    = "Eerdere stappen van de casussen vind je terug in het kanaal."
	)
	tests := []struct {
		name        string
		st          handlers.CatchUpState
		want, wantN string // a text the message must show, and one it must not
	}{
		{"Nothing", handlers.CatchUpState{}, nothing, more},
		{"TooManyStages", handlers.CatchUpState{Stages: many}, more, nothing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, err := handlers.CatchUpMessage(v, "U0LATE", tt.st, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := mustJSON(t, msg.Blocks)
			if !strings.Contains(got, tt.want) || strings.Contains(got, tt.wantN) {
				t.Errorf("catch-up blocks:\n%s\nwant %q and not %q", got, tt.want, tt.wantN)
			}
			if !strings.HasPrefix(msg.Text, "Hallo <@U0LATE>, welkom bij de training *Het Gesprek* (Utrecht najaar 2026)!") {
				t.Errorf("notification %q, want the catchup_intro for U0LATE", msg.Text)
			}
		})
	}
}
