package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
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
	trial bool
	tried bool // the trial's one row was taken
	// trialDone is closed when the trial row's outcome is known (resumed, or paused again); the workspace's other
	// rows wait for it rather than being given back.
	trialDone chan struct{}
	probed    time.Time // wall clock of the last auth.test
	logged    time.Time // wall clock of the last log line about it
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

// teamOf is the workspace a cohort's deliveries go out in: its own, or the dispatcher's default one (Team).
func (d *Dispatcher) teamOf(c *content.Cohort) string {
	if c != nil && c.TeamID != "" {
		return c.TeamID
	}
	return d.opts.Team
}

// paused reports whether sending is paused for a workspace, and its pause not on trial.
func (d *Dispatcher) paused(team string) bool {
	d.pmu.Lock()
	defer d.pmu.Unlock()
	p := d.pauses[team]
	return p != nil && !p.trial
}

// takeTrial reports whether a row of the workspace may go out now: the workspace is not paused, or its pause is
// on trial and no row of this trial went yet. trial says this row is the trial: one row shows whether Slack takes
// posts again (a token that lacks a scope passes auth.test and still fails every post); endTrial after it. While
// another row is the trial, wait is closed once its outcome is known: ask again then.
func (d *Dispatcher) takeTrial(team string) (ok, trial bool, wait <-chan struct{}) {
	d.pmu.Lock()
	defer d.pmu.Unlock()
	p := d.pauses[team]
	switch {
	case p == nil:
		return true, false, nil
	case !p.trial:
		return false, false, nil
	case p.tried:
		return false, false, p.trialDone
	}
	p.tried = true
	p.trialDone = make(chan struct{})
	return true, true, nil
}

// endTrialLocked lets the rows waiting for a trial's outcome ask again. d.pmu is held.
func (p *pause) endTrialLocked() {
	if p.trialDone != nil {
		close(p.trialDone)
		p.trialDone = nil
	}
}

// endTrial resumes the workspace after its trial row was handled without Slack refusing the workspace (a refusal
// has put the pause off trial again: pauseFor).
func (d *Dispatcher) endTrial(ctx context.Context, team string) { d.resume(ctx, team) }

// pauseFor pauses sending for a workspace because Slack refused it. The first refusal of a pause is logged and
// audited once; the refusals of the rows in flight with it, or of a trial row, are part of the same pause. Other
// workspaces go on.
func (d *Dispatcher) pauseFor(ctx context.Context, team string, we *WorkspaceError) {
	d.pmu.Lock()
	p := d.pauses[team]
	fresh := p == nil
	if fresh {
		p = &pause{Pause: Pause{Team: team, Reason: we.Reason, Since: d.opts.Now()}, logged: time.Now(), probed: time.Now()}
		d.pauses[team] = p
	}
	p.trial, p.tried = false, false
	p.endTrialLocked()
	p.Reason = we.Reason
	since := p.Since
	d.pmu.Unlock()
	if !fresh {
		return
	}
	d.log.ErrorContext(ctx, "slack refused the workspace's token; sending paused until it is accepted again",
		slog.String("team", team), slog.String("reason", we.Reason), slog.Any("error", we))
	d.auditWorkspace(ctx, "dispatch_paused", map[string]any{"team": team, "reason": we.Reason,
		"since": since.UTC().Format(time.RFC3339)})
}

// probe asks Slack, for every workspace whose sending is paused and not yet on trial, whether it accepts the token
// again (auth.test in that workspace, within probeTimeout). A success puts the pause on trial.
func (d *Dispatcher) probe(ctx context.Context) {
	d.pmu.Lock()
	var teams []string
	for team, p := range d.pauses {
		if !p.trial {
			teams = append(teams, team)
		}
	}
	d.pmu.Unlock()
	slices.Sort(teams)
	for _, team := range teams {
		d.probeTeam(ctx, team)
	}
}

func (d *Dispatcher) probeTeam(ctx context.Context, team string) {
	d.pmu.Lock()
	p := d.pauses[team]
	if p == nil || p.trial {
		d.pmu.Unlock()
		return
	}
	p.probed = time.Now()
	d.pmu.Unlock()

	pctx, cancel := context.WithTimeout(store.WithTeam(ctx, team), probeTimeout)
	err := d.send.CheckAuth(pctx)
	cancel()

	d.pmu.Lock()
	defer d.pmu.Unlock()
	if p != d.pauses[team] {
		return
	}
	var we *WorkspaceError
	switch {
	case err == nil:
		p.trial, p.tried = true, false
		d.log.InfoContext(ctx, "slack accepts the workspace's token again; trying one delivery",
			slog.String("team", team), slog.String("reason", p.Reason))
		return
	case errors.As(err, &we):
		p.Reason = we.Reason
	default:
		// Slack slow or unreachable says nothing about the token: ask again later.
		d.log.WarnContext(ctx, "auth.test failed while sending is paused", slog.String("team", team), slog.Any("error", err))
	}
	d.logPausedLocked(ctx, p)
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

// resume ends a workspace's pause after its trial went through, logged and audited once.
func (d *Dispatcher) resume(ctx context.Context, team string) {
	d.pmu.Lock()
	p := d.pauses[team]
	if p == nil || !p.trial {
		d.pmu.Unlock()
		return
	}
	delete(d.pauses, team)
	p.endTrialLocked()
	d.pmu.Unlock()
	took := d.opts.Now().Sub(p.Since).Round(time.Second)
	d.log.InfoContext(ctx, "sending resumed: slack accepts the workspace's token again", slog.String("team", p.Team),
		slog.String("reason", p.Reason), slog.Duration("paused_for", took))
	d.auditWorkspace(ctx, "dispatch_resumed", map[string]any{"team": p.Team, "reason": p.Reason,
		"since": p.Since.UTC().Format(time.RFC3339), "paused_seconds": int64(took.Seconds())})
}

// resumeUntried ends the pauses on trial whose trial found nothing to send this tick: Slack accepts the token
// (auth.test), and no row is waiting to show otherwise.
func (d *Dispatcher) resumeUntried(ctx context.Context) {
	d.pmu.Lock()
	var teams []string
	for team, p := range d.pauses {
		if p.trial && !p.tried {
			teams = append(teams, team)
		}
	}
	d.pmu.Unlock()
	for _, team := range teams {
		d.resume(ctx, team)
	}
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
