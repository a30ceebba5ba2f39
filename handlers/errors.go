package handlers

import (
	"errors"
	"strings"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// storeErrorText puts an error the store reports (store/errors.go) into the words of phrases.yaml, filled with the
// facts the error carries; "" when err is none of them. The store says what happened, the handlers how to say it:
// a trainer's CONTENT_DIR can change every sentence.
func storeErrorText(p *content.Phrases, err error) string {
	var (
		named   *store.NoCohortNamedError
		taken   *store.ChannelTakenError
		name    *store.NameTakenError
		change  *store.CaseChangeError
		running *store.TrainerOfRunningCohortError
	)
	switch {
	case errors.As(err, &named):
		return content.Fill(p.CohortNotNamed, content.Vars{"cohort": named.Name})
	case errors.As(err, &name):
		return content.Fill(p.CohortNameTaken, content.Vars{"cohort": name.Name})
	case errors.As(err, &taken):
		return content.Fill(p.ChannelTaken, content.Vars{"kanaal": taken.Channel})
	case errors.As(err, &change):
		return content.Fill(p.CasusChangeLocked, content.Vars{"cohort": change.Cohort,
			"datum": change.RevealedAt.Format("2-1-2006"), "casus": change.Case, "stap": change.Stage})
	case errors.As(err, &running):
		return content.Fill(p.PrivacyTrainerRunning, content.Vars{"cohort": strings.Join(running.Cohorts, ", ")})
	}
	var se *store.Error
	if !errors.As(err, &se) {
		return ""
	}
	texts := map[*store.Error]string{
		store.ErrNotFound:              p.ErrorNotFound,
		store.ErrExists:                p.ErrorExists,
		store.ErrCohortNotFound:        p.CohortNotFound,
		store.ErrNoCohortInChannel:     p.CohortNotInChannel,
		store.ErrNotEnrolled:           p.NotEnrolled,
		store.ErrStageNotRevealed:      p.CasusStageNotRevealed,
		store.ErrUnknownUser:           p.PrivacyUnknownUser,
		store.ErrMeasurementNotFound:   p.MeterNotFound,
		store.ErrMeasurementGone:       p.MeterGone,
		store.ErrMeasurementNotStarted: p.MeterNotStarted,
		store.ErrMeterUnknownAnswer:    p.MeterUnknownAnswer,
		store.ErrMeterIncomplete:       p.MeterIncomplete,
		store.ErrMeterReopenTooLate:    p.MeterReopenTooLate,
		store.ErrMeterNotFinished:      p.MeterNotFinished,
		store.ErrMeterLocked:           p.MeterLocked,
		store.ErrMeterStale:            p.MeterStale,
		store.ErrMeterNotYours:         p.MeterNotYours,
		store.ErrNoDevelopmentPlan:     p.MeterNoPlan,
	}
	return texts[se]
}
