package content

import (
	"errors"
	"fmt"
)

// Error codes. They say what kind of failure happened, so that the Slack edge can pick the right reply and the
// command line the right exit code.
const (
	ECONFLICT    = "conflict"    // the thing exists already, or changed under us
	EINTERNAL    = "internal"    // a bug or an unexpected failure; the user sees a plain "er ging iets mis"
	EINVALID     = "invalid"     // the user's input is wrong; Message says how
	ENOTFOUND    = "not_found"   // the thing does not exist
	EFORBIDDEN   = "forbidden"   // the caller may not do this (e.g. a participant using a trainer command)
	EUNAVAILABLE = "unavailable" // a dependency (the database, Slack) is down; trying again later may work
)

// Error is the one error type that carries a code and a message fit for the user (in Dutch for Slack users).
// Internal errors are wrapped with fmt.Errorf and never shown to users.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("gesprekbot error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Coded is an error that says its code itself without carrying words: the store's typed errors, whose facts the
// handlers put into a phrase.
type Coded interface {
	error
	ErrorCode() string
}

// ErrorCode returns the code of the first *Error or Coded error in err's chain, EINTERNAL for any other non-nil
// error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	for e := err; e != nil; {
		switch v := e.(type) {
		case *Error:
			return v.Code
		case Coded:
			return v.ErrorCode()
		case interface{ Unwrap() error }:
			e = v.Unwrap()
		case interface{ Unwrap() []error }:
			for _, inner := range v.Unwrap() {
				if c := ErrorCode(inner); c != EINTERNAL {
					return c
				}
			}
			return EINTERNAL
		default:
			return EINTERNAL
		}
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of the first *Error in err's chain, or "" when err carries none
// (the caller then shows its generic "er ging iets mis" phrase).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}
