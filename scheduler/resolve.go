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

// Directory finds in Slack what a cohort file may name the way people write it: a channel by its name and a
// person by e-mail address. Something Slack does not know (or a channel the bot cannot post in) is a
// *NotInSlackError; any other error is taken as passing and tried again.
type Directory interface {
	// ChannelID returns the ID of the channel with this name (without "#"; case does not matter).
	ChannelID(ctx context.Context, name string) (string, error)
	// UserIDByEmail returns the user ID of the person whose Slack profile has this e-mail address.
	UserIDByEmail(ctx context.Context, email string) (string, error)
}

// NotInSlackError says that Slack does not know a reference of a cohort file, or that the bot cannot use it. It
// goes to the log and the audit log, which operators read: its words are English.
type NotInSlackError struct {
	Ref    string // "#name" or an e-mail address, as the cohort file wrote it
	Reason string // what is wrong with it and what to do
}

// Error implements the error interface.
func (e *NotInSlackError) Error() string { return e.Ref + ": " + e.Reason }

// ErrorCode says the kind of failure: content.ENOTFOUND.
func (e *NotInSlackError) ErrorCode() string { return content.ENOTFOUND }

// resolveTimeout bounds the lookups of one tick: a slow or rate-limited Slack must not hold up what is due.
const resolveTimeout = 20 * time.Second

// resolve looks up in Slack the channels ("#name") and trainers (e-mail addresses) that cohorts still name as the
// cohort file wrote them, and records their IDs. It runs at the start of every tick; when everything is resolved
// it costs one indexed query. What Slack does not know is tried again every tick, and reported (log and audit row)
// once until the cohort changes. Failures are logged, never fatal to the tick.
func (d *Dispatcher) resolve(ctx context.Context) {
	if d.opts.Directory == nil || ctx.Err() != nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	defer cancel()
	cs, err := d.db.UnresolvedCohorts(ctx)
	if err != nil {
		d.log.ErrorContext(ctx, "unresolved cohorts", slog.Any("error", err))
		return
	}
	for _, c := range cs {
		// Looked up in the cohort's own workspace, with its token: a channel name or an e-mail address means
		// someone there only.
		team := c.TeamID
		if team == "" {
			team = d.opts.Team
		}
		cctx := store.WithTeam(ctx, team)
		if c.Channel != "" && ctx.Err() == nil && !d.paused(team) {
			d.resolveChannel(cctx, c)
		}
		for _, email := range c.Trainers {
			if ctx.Err() == nil && !d.paused(team) {
				d.resolveTrainer(cctx, c, email)
			}
		}
	}
}

// resolveChannel looks up a cohort's "#name" and records its ID; deliveries that were waiting for it are due again
// at once.
func (d *Dispatcher) resolveChannel(ctx context.Context, c store.UnresolvedCohort) {
	log := d.log.With(slog.Int64("cohort_id", c.ID), slog.String("channel", c.Channel))
	id, err := d.opts.Directory.ChannelID(ctx, strings.TrimPrefix(c.Channel, "#"))
	if err != nil {
		d.unresolved(ctx, log, c, "channel_not_found", c.Channel, err)
		return
	}
	res, err := d.db.ResolveCohortChannel(ctx, c.ID, c.Channel, id)
	if content.ErrorCode(err) == content.ECONFLICT {
		d.unresolved(ctx, log, c, "channel_conflict", c.Channel, err)
		return
	}
	if err != nil {
		log.ErrorContext(ctx, "record cohort channel", slog.Any("error", err))
		return
	}
	if !res.Changed {
		// Another dispatcher was first, or the cohort file was applied again with another channel meanwhile.
		return
	}
	log.InfoContext(ctx, "cohort channel resolved", slog.String("channel_id", id), slog.Int("retried", res.Retried),
		slog.Int("missed", len(res.Missed)))
	d.auditCohort(ctx, c.ID, "", "channel_resolved", map[string]any{"ref": c.Channel, "channel": id, "retried": res.Retried})
	for _, m := range res.Missed {
		d.audit(ctx, m, "delivery_missed", map[string]any{"reason": "deadline passed"})
	}
}

// resolveTrainer looks up a trainer listed by e-mail address and records their user ID in its place.
func (d *Dispatcher) resolveTrainer(ctx context.Context, c store.UnresolvedCohort, email string) {
	log := d.log.With(slog.Int64("cohort_id", c.ID))
	userID, err := d.opts.Directory.UserIDByEmail(ctx, email)
	if err != nil {
		d.unresolved(ctx, log, c, "trainer_not_found", email, err)
		return
	}
	if err := d.db.SetCohortTrainer(ctx, c.ID, email, userID); err != nil {
		log.ErrorContext(ctx, "record cohort trainer", slog.String("user_id", userID), slog.Any("error", err))
		return
	}
	log.InfoContext(ctx, "cohort trainer resolved", slog.String("user_id", userID))
	d.auditCohort(ctx, c.ID, userID, "trainer_resolved", map[string]any{"by": "email"})
}

// unresolved handles a reference that could not be resolved this tick. A passing failure (Slack unreachable, rate
// limited past the tick's bound) is logged and tried again next tick. Slack not knowing it (or the channel being
// another cohort's) is reported once, as a log line and an audit row with the reference and the reason; it is still tried again every tick, since a channel may be created or the bot invited.
func (d *Dispatcher) unresolved(ctx context.Context, log *slog.Logger, c store.UnresolvedCohort, action, ref string, err error) {
	var we *WorkspaceError
	if errors.As(err, &we) {
		// Slack refuses the token itself: nothing can be looked up, nor sent (pause.go).
		team := store.TeamFrom(ctx)
		if team == "" {
			team = d.opts.Team
		}
		d.pauseFor(ctx, team, we)
		return
	}
	code := content.ErrorCode(err)
	if code != content.ENOTFOUND && code != content.ECONFLICT {
		log.WarnContext(ctx, "resolve cohort reference", slog.String("action", action), slog.Any("error", err))
		return
	}
	if slices.Contains(c.Reported, ref) {
		return
	}
	log.WarnContext(ctx, "cohort reference not found in slack", slog.String("action", action), slog.Any("error", err))
	reason := err.Error()
	if nf := (*NotInSlackError)(nil); errors.As(err, &nf) {
		reason = nf.Reason
	}
	d.auditCohort(ctx, c.ID, "", action, map[string]any{"ref": ref, "reason": reason})
}

// auditCohort writes an audit row about a cohort by the bot.
func (d *Dispatcher) auditCohort(ctx context.Context, cohortID int64, userID, action string, detail map[string]any) {
	if err := d.db.Audit(ctx, store.AuditEntry{CohortID: &cohortID, Actor: "bot", UserID: userID, Action: action,
		Detail: detail}); err != nil {
		d.log.ErrorContext(ctx, "audit cohort", slog.Int64("cohort_id", cohortID), slog.String("action", action),
			slog.Any("error", err))
	}
}
