package handlers_test

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
)

// TestStoreErrorsInWords: what the store reports reaches the user as the course's phrase, filled with the facts
// the error carries, so that a CONTENT_DIR changes every sentence; the store itself has no words.
func TestStoreErrorsInWords(t *testing.T) {
	t.Parallel()
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	p := course.Phrases
	// Every phrase replaced by its key: the reply must be exactly the phrase the error stands for.
	keyed := p
	keyed.MeterStale = "meter_stale"
	keyed.ChannelTaken = "channel_taken {kanaal}"
	r := handlers.NewRegistry(keyed, bottest.QuietLog())
	plain := handlers.NewRegistry(p, bottest.QuietLog())
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		err  error
		want string
	}{
		{store.ErrNotFound, p.ErrorNotFound},
		{store.ErrExists, p.ErrorExists},
		{store.ErrCohortNotFound, p.CohortNotFound},
		{store.ErrNoCohortInChannel, p.CohortNotInChannel},
		{store.ErrNotEnrolled, p.NotEnrolled},
		{store.ErrStageNotRevealed, p.CasusStageNotRevealed},
		{store.ErrUnknownUser, p.PrivacyUnknownUser},
		{store.ErrMeasurementNotFound, p.MeterNotFound},
		{store.ErrMeasurementGone, p.MeterGone},
		{store.ErrMeasurementNotStarted, p.MeterNotStarted},
		{store.ErrMeterUnknownAnswer, p.MeterUnknownAnswer},
		{store.ErrMeterIncomplete, p.MeterIncomplete},
		{store.ErrMeterReopenTooLate, p.MeterReopenTooLate},
		{store.ErrMeterNotFinished, p.MeterNotFinished},
		{store.ErrMeterLocked, p.MeterLocked},
		{store.ErrMeterStale, p.MeterStale},
		{store.ErrMeterNotYours, p.MeterNotYours},
		{store.ErrNoDevelopmentPlan, p.MeterNoPlan},
		{&store.NoCohortNamedError{Name: "Zwolle <voorjaar>"}, "Er is geen training met de naam ‘Zwolle &lt;voorjaar&gt;’."},
		{&store.ChannelTakenError{Channel: "#het-gesprek"}, "Het kanaal #het-gesprek hoort al bij een andere training."},
		{&store.CaseChangeError{Cohort: "Zwolle", RevealedAt: at, Case: "Johanna", Stage: "aanmelding"},
			"De casussen van Zwolle kunnen niet meer veranderen: op 7-12-2026 is de casus Johanna al gedeeld (stap ‘aanmelding’). " +
				"De deelnemers kennen de casus nu onder die naam. Maak een nieuwe training aan als je met andere casussen wilt werken."},
		{&store.TrainerOfRunningCohortError{Cohorts: []string{"Assen", "Zwolle"}},
			content.Fill(p.PrivacyTrainerRunning, content.Vars{"cohort": "Assen, Zwolle"})},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T/%v", tt.err, tt.err), func(t *testing.T) {
			if tt.want == "" {
				t.Fatal("the phrase is empty")
			}
			got := plain.ErrorReply(context.Background(), fmt.Errorf("some op: %w", tt.err), "test", "1").Text
			if got != tt.want {
				t.Errorf("reply = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("FromThePhrases", func(t *testing.T) {
		if got := r.ErrorReply(context.Background(), fmt.Errorf("answer: %w", store.ErrMeterStale), "test", "1").Text; got != "meter_stale" {
			t.Errorf("reply = %q, want the course's own phrase", got)
		}
		err := fmt.Errorf("save: %w", &store.ChannelTakenError{Channel: "C0UTRECHT"})
		if got := r.ErrorReply(context.Background(), err, "test", "1").Text; got != "channel_taken C0UTRECHT" {
			t.Errorf("reply = %q, want the course's own phrase, filled", got)
		}
	})
	t.Run("UnavailableIsTryAgain", func(t *testing.T) {
		err := fmt.Errorf("x: %w: %w", store.ErrUnavailable, io.EOF)
		if got := plain.ErrorReply(context.Background(), err, "test", "1").Text; got != p.TryAgain {
			t.Errorf("reply = %q, want %q", got, p.TryAgain)
		}
	})
}
