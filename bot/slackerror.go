package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/scheduler"
)

// IsPermanent reports whether err is, or wraps, a *scheduler.PermanentError.
func IsPermanent(err error) bool {
	var pe *scheduler.PermanentError
	return errors.As(err, &pe)
}

// PermanentReason returns the Slack error code of a *scheduler.PermanentError in err's chain, or "".
func PermanentReason(err error) string {
	var pe *scheduler.PermanentError
	if errors.As(err, &pe) {
		return pe.Reason
	}
	return ""
}

// transientSlackErrors are Slack error codes that mean "try again later".
var transientSlackErrors = map[string]bool{
	"internal_error":      true,
	"fatal_error":         true,
	"service_unavailable": true,
	"request_timeout":     true,
	"ratelimited":         true,
	"team_added_to_org":   true,
}

// errorClass says what the poster does after a failed call.
type errorClass int

const (
	classPermanent   errorClass = iota // give up at once
	classTransient                     // back off and retry
	classRateLimited                   // wait Retry-After and retry
	classCancelled                     // the caller's context ended
)

// classify sorts a Slack client error. ctx is the caller's context (not the per-attempt one), so that a timeout of
// one attempt is told apart from the caller giving up.
func classify(ctx context.Context, err error) errorClass {
	if ctx.Err() != nil {
		return classCancelled
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return classRateLimited
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		if sc.Code >= 500 || sc.Code == 408 {
			return classTransient
		}
		return classPermanent
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		if transientSlackErrors[se.Err] {
			return classTransient
		}
		return classPermanent
	}
	var ue *url.Error
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ue) || errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return classTransient
	}
	return classPermanent
}

// permanentFrom turns a permanent client error into a *scheduler.PermanentError.
func permanentFrom(method, channel string, err error) *scheduler.PermanentError {
	pe := &scheduler.PermanentError{Method: method, Channel: channel, Reason: err.Error()}
	var se slack.SlackErrorResponse
	var sc slack.StatusCodeError
	switch {
	case errors.As(err, &se):
		pe.Reason = se.Err
		pe.Details = append(pe.Details, se.ResponseMetadata.Messages...)
		for _, e := range se.Errors {
			if e.Message != nil {
				pe.Details = append(pe.Details, *e.Message)
			}
		}
	case errors.As(err, &sc):
		pe.Reason = fmt.Sprintf("http_%d", sc.Code)
	}
	return pe
}
