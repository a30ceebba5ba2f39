package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/scheduler"
)

// PermanentError is a Slack answer that retrying cannot change (channel_not_found, is_archived, invalid_blocks,
// ...). The poster returns it without retrying, after logging it and writing an audit row.
type PermanentError struct {
	Method  string
	Channel string
	Reason  string   // Slack's error code, e.g. "channel_not_found"
	Details []string // Slack's extra messages, e.g. which block is invalid
}

// Error implements error.
func (e *PermanentError) Error() string {
	s := fmt.Sprintf("slack %s: %s", e.Method, e.Reason)
	if len(e.Details) > 0 {
		s += " (" + strings.Join(e.Details, "; ") + ")"
	}
	return s
}

// Workspace reports whether Slack refused the workspace's token or app as a whole rather than this call: every
// other call fails the same way until someone acts (see workspaceErrors).
func (e *PermanentError) Workspace() bool { return workspaceErrors[e.Reason] }

// As lets a workspace-level refusal be found as a *scheduler.WorkspaceError, however many layers it came through
// (a case reveal posts through the handlers), so that the dispatcher pauses instead of failing the delivery.
func (e *PermanentError) As(target any) bool {
	t, ok := target.(**scheduler.WorkspaceError)
	if !ok || !e.Workspace() {
		return false
	}
	*t = &scheduler.WorkspaceError{Reason: e.Reason, Err: e}
	return true
}

// workspaceErrors are the Slack error codes that refuse the token or the app for the whole workspace, whichever
// method is called: the token was revoked (the app was uninstalled or an admin revoked it), a rotating token
// expired, the token is invalid or missing, the bot user or workspace was deactivated, the app lacks a scope, the
// workspace's admins suspended access (Enterprise Key Management), the token has no access to this workspace, or
// the workspace is being migrated. Errors about one conversation (not_in_channel, channel_not_found, is_archived,
// no_permission: "make sure your app is a member of the conversation") fail only that message.
var workspaceErrors = map[string]bool{
	"invalid_auth":            true,
	"not_authed":              true,
	"token_revoked":           true,
	"token_expired":           true,
	"account_inactive":        true,
	"missing_scope":           true,
	"not_allowed_token_type":  true,
	"team_access_not_granted": true,
	"ekm_access_denied":       true,
	"org_login_required":      true,
	"accesslimited":           true,
}

// IsPermanent reports whether err is, or wraps, a PermanentError.
func IsPermanent(err error) bool {
	var pe *PermanentError
	return errors.As(err, &pe)
}

// PermanentReason returns the Slack error code of a PermanentError in err's chain, or "".
func PermanentReason(err error) string {
	var pe *PermanentError
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

// permanentFrom turns a permanent client error into a PermanentError.
func permanentFrom(method, channel string, err error) *PermanentError {
	pe := &PermanentError{Method: method, Channel: channel, Reason: err.Error()}
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
