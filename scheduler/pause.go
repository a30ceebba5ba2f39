package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"
)

// WorkspaceError is how a Sender says that Slack refused the workspace's token or app as a whole (token_revoked,
// invalid_auth, account_inactive, missing_scope, ...): no message can go out until someone acts, and none is at
// fault. The dispatcher then pauses sending for the workspace instead of failing deliveries: each row goes back
// to pending untouched (its deadline still applies), and sending resumes by itself once Slack accepts the token
// again.
type WorkspaceError struct {
	Reason string // Slack's error code
	Err    error
}

// Error implements error.
func (e *WorkspaceError) Error() string {
	if e.Err == nil {
		return "slack refused the workspace: " + e.Reason
	}
	return e.Err.Error()
}

// Unwrap returns the Sender's error.
func (e *WorkspaceError) Unwrap() error { return e.Err }

// Pause is a workspace whose sending is paused.
type Pause struct {
	Team   string    // the workspace's team ID
	Reason string    // Slack's error code, e.g. "token_revoked"
	Since  time.Time // when the first refusal came, on the dispatcher's clock
}

// pause is the state of one paused workspace.
type pause struct {
	Pause
	// trial is set once auth.test succeeds again: the next claim is a single row, to see whether Slack takes it
	// (a token that lacks a scope passes auth.test and still fails every post). If it goes through, sending resumes;
	// if it is refused again, the pause simply goes on.
	trial  bool
	probed time.Time // wall clock of the last auth.test
	logged time.Time // wall clock of the last log line about it
}

// Paused returns the workspaces whose sending is paused, for readiness checks.
func (d *Dispatcher) Paused() []Pause {
	d.pmu.Lock()
	defer d.pmu.Unlock()
	var out []Pause
	for _, p := range d.pauses {
		out = append(out, p.Pause)
	}
	slices.SortFunc(out, func(a, b Pause) int { return strings.Compare(a.Team, b.Team) })
	return out
}

// paused reports whether claiming is paused for the dispatcher's workspace: paused and not on trial.
func (d *Dispatcher) paused() bool {
	d.pmu.Lock()
	defer d.pmu.Unlock()
	p := d.pauses[d.opts.Team]
	return p != nil && !p.trial
}

// trialing reports whether the workspace's pause is on trial: claim one row and see.
func (d *Dispatcher) trialing() bool {
	d.pmu.Lock()
	defer d.pmu.Unlock()
	p := d.pauses[d.opts.Team]
	return p != nil && p.trial
}

// pauseFor pauses sending for the workspace because Slack refused it. The first refusal of a pause is logged and
// audited once; the refusals of the rows in flight with it, or of a trial row, are part of the same pause.
func (d *Dispatcher) pauseFor(ctx context.Context, we *WorkspaceError) {
	d.pmu.Lock()
	p := d.pauses[d.opts.Team]
	fresh := p == nil
	if fresh {
		p = &pause{Pause: Pause{Team: d.opts.Team, Reason: we.Reason, Since: d.opts.Now()}, logged: time.Now()}
		d.pauses[d.opts.Team] = p
	}
	p.trial = false
	p.Reason = we.Reason
	since := p.Since
	d.pmu.Unlock()
	if !fresh {
		return
	}
	d.log.ErrorContext(ctx, "slack refused the workspace's token; sending paused until it is accepted again",
		slog.String("team", d.opts.Team), slog.String("reason", we.Reason), slog.Any("error", we))
	d.auditWorkspace(ctx, "dispatch_paused", map[string]any{"team": d.opts.Team, "reason": we.Reason,
		"since": since.UTC().Format(time.RFC3339)})
}

// probe asks Slack, while sending is paused and not yet on trial, whether it accepts the token again (auth.test,
// within probeTimeout). A success puts the pause on trial. It returns whether claiming may go on.
func (d *Dispatcher) probe(ctx context.Context) bool {
	d.pmu.Lock()
	p := d.pauses[d.opts.Team]
	if p == nil || p.trial {
		d.pmu.Unlock()
		return true
	}
	p.probed = time.Now()
	d.pmu.Unlock()

	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	err := d.send.CheckAuth(pctx)
	cancel()

	d.pmu.Lock()
	defer d.pmu.Unlock()
	if p != d.pauses[d.opts.Team] {
		return true
	}
	var we *WorkspaceError
	switch {
	case err == nil:
		p.trial = true
		d.log.InfoContext(ctx, "slack accepts the workspace's token again; trying one delivery",
			slog.String("team", d.opts.Team), slog.String("reason", p.Reason))
		return true
	case errors.As(err, &we):
		p.Reason = we.Reason
	default:
		// Slack slow or unreachable says nothing about the token: ask again later.
		d.log.WarnContext(ctx, "auth.test failed while sending is paused", slog.String("team", d.opts.Team), slog.Any("error", err))
	}
	d.logPausedLocked(ctx, p)
	return false
}

// logPausedLocked logs that sending is still paused, at most once a minute. d.pmu is held.
func (d *Dispatcher) logPausedLocked(ctx context.Context, p *pause) {
	if time.Since(p.logged) < time.Minute {
		return
	}
	p.logged = time.Now()
	d.log.WarnContext(ctx, "sending still paused: slack refuses the workspace's token", slog.String("team", p.Team),
		slog.String("reason", p.Reason), slog.Time("since", p.Since),
		slog.Duration("paused_for", d.opts.Now().Sub(p.Since).Round(time.Second)))
}

// resume ends the workspace's pause after a trial went through (or found nothing to send), logged and audited once.
func (d *Dispatcher) resume(ctx context.Context) {
	d.pmu.Lock()
	p := d.pauses[d.opts.Team]
	if p == nil || !p.trial {
		d.pmu.Unlock()
		return
	}
	delete(d.pauses, d.opts.Team)
	d.pmu.Unlock()
	took := d.opts.Now().Sub(p.Since).Round(time.Second)
	d.log.InfoContext(ctx, "sending resumed: slack accepts the workspace's token again", slog.String("team", p.Team),
		slog.String("reason", p.Reason), slog.Duration("paused_for", took))
	d.auditWorkspace(ctx, "dispatch_resumed", map[string]any{"team": p.Team, "reason": p.Reason,
		"since": p.Since.UTC().Format(time.RFC3339), "paused_seconds": int64(took.Seconds())})
}

// probeTimeout bounds one auth.test while paused.
const probeTimeout = 10 * time.Second

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
