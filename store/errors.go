package store

import (
	"fmt"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
)

// Error is a fact the store reports to its callers, without words: the handlers choose the Dutch phrase a user reads
// (handlers/errors.go), the command line says it in English. Code is the kind of failure (content.ENOTFOUND, ...)
// for callers that only branch on that; Reason says it in English, for logs and operators.
type Error struct {
	Code   string
	Reason string
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Reason }

// ErrorCode says the kind of failure; content.ErrorCode finds it.
func (e *Error) ErrorCode() string { return e.Code }

// The store's facts without details. Each is one sentinel so that callers tell them apart with errors.Is.
var (
	// ErrNotFound: a row the caller asked for does not exist (a no-rows error FormatError met).
	ErrNotFound = &Error{Code: content.ENOTFOUND, Reason: "not found"}
	// ErrExists: a unique constraint refused a second row of the same thing.
	ErrExists = &Error{Code: content.ECONFLICT, Reason: "exists already"}
	// ErrUnavailable: the database cannot be reached; trying again later may work. FormatError wraps the driver's
	// error with it.
	ErrUnavailable = &Error{Code: content.EUNAVAILABLE, Reason: "database unavailable"}

	// ErrCohortNotFound: the cohort (by id) does not exist (any more).
	ErrCohortNotFound = &Error{Code: content.ENOTFOUND, Reason: "cohort not found"}
	// ErrNoCohortInChannel: no cohort runs in the channel.
	ErrNoCohortInChannel = &Error{Code: content.ENOTFOUND, Reason: "no cohort in this channel"}
	// ErrNotEnrolled: the bot never recorded the person in the cohort.
	ErrNotEnrolled = &Error{Code: content.ENOTFOUND, Reason: "not a participant of this cohort"}
	// ErrStageNotRevealed: a case stage that was never revealed (or whose reveal was undone).
	ErrStageNotRevealed = &Error{Code: content.ENOTFOUND, Reason: "case stage not revealed"}
	// ErrUnknownUser: the user ID is not one Slack gives out.
	ErrUnknownUser = &Error{Code: content.EINVALID, Reason: "not a Slack user ID"}

	// ErrMeasurementNotFound: the measurement does not exist (any more), asked for by id.
	ErrMeasurementNotFound = &Error{Code: content.ENOTFOUND, Reason: "measurement not found"}
	// ErrMeasurementGone: a button of a measurement that no longer exists (erased, or a message of another
	// database); the participant starts the meter again.
	ErrMeasurementGone = &Error{Code: content.ENOTFOUND, Reason: "measurement of this button not found"}
	// ErrMeasurementNotStarted: the participant never started this measurement.
	ErrMeasurementNotStarted = &Error{Code: content.ENOTFOUND, Reason: "measurement not started"}
	// ErrMeterUnknownAnswer: a score button for a statement or score the meter does not have.
	ErrMeterUnknownAnswer = &Error{Code: content.EINVALID, Reason: "unknown statement or score"}
	// ErrMeterIncomplete: "Afronden" while some statements have no score.
	ErrMeterIncomplete = &Error{Code: content.EINVALID, Reason: "not every statement answered"}
	// ErrMeterReopenTooLate: "Heropenen" after the last moment it was allowed (the next session began).
	ErrMeterReopenTooLate = &Error{Code: content.EINVALID, Reason: "too late to reopen the measurement"}
	// ErrMeterNotFinished: "Delen met trainer" of a measurement that is not finished.
	ErrMeterNotFinished = &Error{Code: content.EINVALID, Reason: "measurement not finished"}
	// ErrMeterLocked: the measurement was finished and is locked; a click on one of its old questions.
	ErrMeterLocked = &Error{Code: content.ECONFLICT, Reason: "measurement finished and locked"}
	// ErrMeterStale: the click came from a message of an earlier round (before the measurement was reopened).
	ErrMeterStale = &Error{Code: content.ECONFLICT, Reason: "message of an earlier round of the measurement"}
	// ErrMeterNotYours: someone clicked a button of another person's measurement.
	ErrMeterNotYours = &Error{Code: content.EFORBIDDEN, Reason: "measurement of someone else"}
	// ErrNoDevelopmentPlan: the participant has not written a development plan.
	ErrNoDevelopmentPlan = &Error{Code: content.ENOTFOUND, Reason: "no development plan"}
)

// NoCohortNamedError: there is no cohort with this name.
type NoCohortNamedError struct{ Name string }

// Error implements the error interface.
func (e *NoCohortNamedError) Error() string { return fmt.Sprintf("no cohort named %q", e.Name) }

// ErrorCode says the kind of failure.
func (e *NoCohortNamedError) ErrorCode() string { return content.ENOTFOUND }

// NameTakenError: a cohort of another Slack workspace has this name already.
type NameTakenError struct{ Name string }

// Error implements the error interface.
func (e *NameTakenError) Error() string {
	return fmt.Sprintf("the name %q belongs to a cohort of another workspace", e.Name)
}

// ErrorCode says the kind of failure.
func (e *NameTakenError) ErrorCode() string { return content.ECONFLICT }

// ChannelTakenError: the channel (an ID, or "#name" while unresolved) belongs to another cohort already.
type ChannelTakenError struct{ Channel string }

// Error implements the error interface.
func (e *ChannelTakenError) Error() string {
	return fmt.Sprintf("channel %s belongs to another cohort already", e.Channel)
}

// ErrorCode says the kind of failure.
func (e *ChannelTakenError) ErrorCode() string { return content.ECONFLICT }

// CaseChangeError: a cohort's cases (or their name variants) cannot change any more, since a stage of one was
// revealed: participants know the case by that name.
type CaseChangeError struct {
	Cohort     string    // the cohort's name
	RevealedAt time.Time // the first reveal
	Case       string    // the name the case was revealed under ("Richard", "Johanna")
	Stage      string    // the stage revealed first
}

// Error implements the error interface.
func (e *CaseChangeError) Error() string {
	return fmt.Sprintf("cases of cohort %q cannot change: case %s was revealed on %s (stage %q)",
		e.Cohort, e.Case, e.RevealedAt.Format(time.DateOnly), e.Stage)
}

// ErrorCode says the kind of failure.
func (e *CaseChangeError) ErrorCode() string { return content.ECONFLICT }

// TrainerOfRunningCohortError: the person cannot be erased while they are a trainer of these cohorts, which still
// run (they have no modules yet, or their last module has not ended).
type TrainerOfRunningCohortError struct{ Cohorts []string }

// Error implements the error interface.
func (e *TrainerOfRunningCohortError) Error() string {
	return fmt.Sprintf("trainer of running cohorts %q", e.Cohorts)
}

// ErrorCode says the kind of failure.
func (e *TrainerOfRunningCohortError) ErrorCode() string { return content.EFORBIDDEN }
