package bot

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/slack-go/slack"
)

// CallObserver is told how every attempt of a call to Slack's Web API ended, for the operator's metrics. The
// Poster calls it; implementations must be cheap and safe for concurrent use. method is the Web API method,
// outcome one of the Outcome constants: bounded sets, never a channel, a user or a text.
type CallObserver interface {
	// SlackCall is called once per attempt.
	SlackCall(method, outcome string)
	// SlackRetry is called when the Poster tries a call again after an attempt that ended with outcome.
	SlackRetry(method, outcome string)
}

// AckObserver is told how long the bot took to have each request from Slack ready to acknowledge, for the
// operator's metrics. kind is one of the AckKind constants.
type AckObserver interface {
	Acked(kind string, d time.Duration)
}

// How an attempt of a Web API call ended (CallObserver).
const (
	OutcomeOK          = "ok"
	OutcomeRateLimited = "429"
	OutcomeServerError = "5xx"             // an HTTP 5xx (or 408) answer
	OutcomeTimeout     = "timeout"         // the attempt's deadline passed, or the connection timed out
	OutcomeTransient   = "transient_error" // Slack answered an error that means "try again" (internal_error, ...), or the connection broke
	OutcomePermanent   = "permanent_error" // an error retrying cannot change (channel_not_found, invalid_blocks, a refused token)
	OutcomeCancelled   = "cancelled"       // the caller gave up
)

// The kinds of request Slack sends (AckObserver).
const (
	AckCommand = "command" // a slash command
	AckAction  = "action"  // a button, a select: block_actions
	AckView    = "view"    // a modal submitted or closed
	AckEvent   = "event"   // an Events API event
	AckOther   = "other"   // another interaction (shortcuts, options)
)

// outcome sorts a failed attempt for CallObserver; class is classify's answer for it.
func outcome(err error, class errorClass) string {
	switch class {
	case classCancelled:
		return OutcomeCancelled
	case classRateLimited:
		return OutcomeRateLimited
	case classPermanent:
		return OutcomePermanent
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return OutcomeServerError
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return OutcomeTimeout
	}
	return OutcomeTransient
}

// observeCall tells the Poster's CallObserver, if any, how an attempt of method ended.
func (p *Poster) observeCall(method string, err error, class errorClass) {
	if p.opts.Observer == nil {
		return
	}
	if err == nil {
		p.opts.Observer.SlackCall(method, OutcomeOK)
		return
	}
	p.opts.Observer.SlackCall(method, outcome(err, class))
}

// observeRetry tells the Poster's CallObserver, if any, that method is tried again after an attempt that failed.
func (p *Poster) observeRetry(method string, err error, class errorClass) {
	if p.opts.Observer != nil {
		p.opts.Observer.SlackRetry(method, outcome(err, class))
	}
}

// observeAck tells the Inbound's AckObserver, if any, how long a request of kind took to be ready for its ack.
func (d *Inbound) observeAck(kind string, start time.Time) {
	if d.opts.Observer != nil {
		d.opts.Observer.Acked(kind, time.Since(start))
	}
}

// interactionKind is the AckObserver kind of an interaction.
func interactionKind(t slack.InteractionType) string {
	switch t {
	case slack.InteractionTypeBlockActions:
		return AckAction
	case slack.InteractionTypeViewSubmission, slack.InteractionTypeViewClosed:
		return AckView
	default:
		return AckOther
	}
}
