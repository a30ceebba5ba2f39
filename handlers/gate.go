package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// GateStore is what the gate reads and writes; *store.DB implements it.
type GateStore interface {
	CohortByID(ctx context.Context, id int64) (*content.Cohort, error)
	// TrainerCohorts returns the cohorts that list the user ID as a trainer.
	TrainerCohorts(ctx context.Context, userID string) ([]int64, error)
	// EmailTrainers returns the trainers cohorts still list by e-mail address.
	EmailTrainers(ctx context.Context) ([]store.TrainerRef, error)
	SetCohortTrainer(ctx context.Context, cohortID int64, ref, userID string) error
	Participation(ctx context.Context, cohortID int64, userID string) (content.Participation, error)
	Audit(ctx context.Context, e store.AuditEntry) error
}

// GateSlack is what the gate asks Slack; *bot.Poster implements it.
type GateSlack interface {
	// UserInfo returns users.info's user: the profile's e-mail address and the workspace roles.
	UserInfo(ctx context.Context, userID string) (*slack.User, error)
	// Members returns the user IDs of a channel's members.
	Members(ctx context.Context, channel string) ([]string, error)
}

// GateDeps are what NewGate needs. Store is required.
type GateDeps struct {
	Store GateStore
	// Slack, when nil, leaves the gate to what the database knows: trainers by user ID only, nobody a workspace
	// admin, and only recorded participants members of a cohort. It never lets more people in than with Slack.
	Slack GateSlack
	// Creators are the people besides workspace admins and owners who may set up a training (TRAINING_CREATORS):
	// Slack user IDs or e-mail addresses, of DefaultTeam, or of another workspace when qualified with its team ID
	// ("T0123ABCD:U0456EFGH").
	Creators []string
	// DefaultTeam is the deployment's own workspace, where an unqualified creator counts.
	DefaultTeam string
	Log         *slog.Logger
	Now         func() time.Time // nil: time.Now; ages the cache of e-mail addresses
}

// Gate decides who may do what; every trainer command, view and App Home section asks it, and every button that
// carries a cohort asks it about the one who clicked. It is the one place that knows who a cohort's trainers are:
// the cohort lists them by Slack user ID, or, as a cohort file may, by e-mail address until resolved. The
// dispatcher resolves such addresses each tick (users.lookupByEmail); until it has, the gate resolves on demand
// by the e-mail address of the asker's Slack profile (users.info), and stores the user ID in the address's place,
// so that either way an address is resolved once. Safe for concurrent use.
type Gate struct {
	deps GateDeps

	mu     sync.Mutex
	emails map[string]cachedEmail // users.info e-mail addresses by user ID, for emailTTL
}

type cachedEmail struct {
	email string
	at    time.Time
}

// emailTTL is how long the gate trusts an e-mail address it read: a cohort whose trainer's address Slack does not
// know would otherwise cost a users.info call on every click of its participants.
const emailTTL = 5 * time.Minute

// maxCachedEmails bounds the cache; when full it is emptied (the addresses are read again as needed).
const maxCachedEmails = 10000

// NewGate returns the gate over deps.
func NewGate(deps GateDeps) *Gate {
	if deps.Store == nil {
		panic("handlers: NewGate needs a store")
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	return &Gate{deps: deps, emails: map[string]cachedEmail{}}
}

// defaultGate returns g, or when g is nil a gate over st alone (no Slack: see GateDeps.Slack) when st can serve
// one, so that a handler wired without a gate refuses rather than lets in. nil when st cannot (a handler that only
// renders).
func defaultGate(g *Gate, st any) *Gate {
	if g != nil {
		return g
	}
	if gs, ok := st.(GateStore); ok && gs != nil {
		return NewGate(GateDeps{Store: gs})
	}
	return nil
}

// Trains reports whether userID is a trainer of c: listed by user ID, or by the e-mail address on their Slack
// profile. An address that matches is replaced by the user ID, in the store and in c, and audited
// (trainer_resolved).
func (g *Gate) Trains(ctx context.Context, c *content.Cohort, userID string) (bool, error) {
	if c == nil || userID == "" || otherWorkspace(ctx, c) {
		// A user ID means someone only in its own workspace: a trainer of a cohort of another one is nobody here.
		return false, nil
	}
	if slices.Contains(c.Trainers, userID) {
		return true, nil
	}
	if !slices.ContainsFunc(c.Trainers, content.IsEmail) {
		return false, nil
	}
	email, err := g.email(ctx, userID)
	if err != nil || email == "" {
		return false, err
	}
	for i, ref := range c.Trainers {
		if content.IsEmail(ref) && strings.EqualFold(ref, email) {
			if err := g.resolve(ctx, c.ID, ref, userID); err != nil {
				return false, err
			}
			c.Trainers[i] = userID
			return true, nil
		}
	}
	return false, nil
}

// TrainedCohorts returns the cohorts userID trains, oldest first, resolving the e-mail addresses of their Slack
// profile that cohorts still list.
func (g *Gate) TrainedCohorts(ctx context.Context, userID string) ([]*content.Cohort, error) {
	if userID == "" {
		return nil, nil
	}
	ids, err := g.deps.Store.TrainerCohorts(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("trained cohorts: %w", err)
	}
	refs, err := g.deps.Store.EmailTrainers(ctx)
	if err != nil {
		return nil, fmt.Errorf("trained cohorts: %w", err)
	}
	if len(refs) > 0 {
		email, err := g.email(ctx, userID)
		if err != nil {
			return nil, fmt.Errorf("trained cohorts: %w", err)
		}
		for _, r := range refs {
			if email == "" || !strings.EqualFold(r.Ref, email) {
				continue
			}
			if err := g.resolve(ctx, r.CohortID, r.Ref, userID); err != nil {
				return nil, fmt.Errorf("trained cohorts: %w", err)
			}
			if !slices.Contains(ids, r.CohortID) {
				ids = append(ids, r.CohortID)
			}
		}
		slices.Sort(ids)
	}
	out := make([]*content.Cohort, 0, len(ids))
	for _, id := range ids {
		c, err := g.deps.Store.CohortByID(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("trained cohorts: %w", err)
		}
		out = append(out, c)
	}
	return out, nil
}

// IsTrainer reports whether userID trains any cohort (TrainerLookup, for the help).
func (g *Gate) IsTrainer(ctx context.Context, userID string) (bool, error) {
	cs, err := g.TrainedCohorts(ctx, userID)
	return len(cs) > 0, err
}

// otherWorkspace reports whether c belongs to another workspace than the request's (store.TeamFrom): whoever
// asks is a stranger to it, whatever their user ID says there.
func otherWorkspace(ctx context.Context, c *content.Cohort) bool {
	team := store.TeamFrom(ctx)
	return team != "" && c.TeamID != "" && c.TeamID != team
}

// Member is who someone is in a cohort.
type Member int

// Who someone is in a cohort.
const (
	// Stranger: not in the cohort; a click with another cohort's id in it (forged, or from a message of a cohort
	// they were never in) is a stranger's.
	Stranger Member = iota
	// Participant: in the cohort's channel and not one of its trainers.
	Participant
	// Left: was a participant and left (or was removed from) the channel; what was stored about them is kept, but
	// they no longer see or change the cohort's course data.
	Left
	// Trainer: one of the cohort's trainers (Trains).
	Trainer
)

// Member says who userID is in cohort c: a trainer, a participant, one who left the channel, or a stranger. A
// person the bot has not recorded yet (the first message of the course has not reached them) is a participant
// when Slack lists them in the channel.
func (g *Gate) Member(ctx context.Context, c *content.Cohort, userID string) (Member, error) {
	if c == nil || userID == "" || otherWorkspace(ctx, c) {
		return Stranger, nil
	}
	trainer, err := g.Trains(ctx, c, userID)
	if err != nil {
		return Stranger, fmt.Errorf("member of cohort %d: %w", c.ID, err)
	}
	if trainer {
		return Trainer, nil
	}
	p, err := g.deps.Store.Participation(ctx, c.ID, userID)
	switch {
	case err == nil && p.Left():
		return Left, nil
	case err == nil:
		return Participant, nil
	case content.ErrorCode(err) != content.ENOTFOUND:
		return Stranger, fmt.Errorf("member of cohort %d: %w", c.ID, err)
	}
	if g.deps.Slack == nil || c.Channel == "" || strings.HasPrefix(c.Channel, "#") {
		return Stranger, nil
	}
	members, err := g.deps.Slack.Members(ctx, c.Channel)
	if err != nil {
		return Stranger, fmt.Errorf("member of cohort %d: %w", c.ID, err)
	}
	if slices.Contains(members, userID) {
		return Participant, nil
	}
	return Stranger, nil
}

// CanCreate reports whether userID may set up a training: a workspace admin or owner, or one of the creators the
// operator named (by user ID, or by the e-mail address of their Slack profile).
func (g *Gate) CanCreate(ctx context.Context, userID string) (bool, error) {
	if userID == "" {
		return false, nil
	}
	creators := g.creators(ctx)
	if slices.Contains(creators, userID) {
		return true, nil
	}
	if g.deps.Slack == nil {
		return false, nil
	}
	u, err := g.deps.Slack.UserInfo(ctx, userID)
	if err != nil {
		return false, fmt.Errorf("can create: %w", err)
	}
	if u.Deleted || u.IsBot {
		return false, nil
	}
	if u.IsAdmin || u.IsOwner || u.IsPrimaryOwner {
		return true, nil
	}
	g.remember(ctx, userID, u.Profile.Email)
	for _, c := range creators {
		if content.IsEmail(c) && u.Profile.Email != "" && strings.EqualFold(c, u.Profile.Email) {
			return true, nil
		}
	}
	return false, nil
}

// creators are the creators of the request's workspace (store.TeamFrom): the entries qualified with its team ID,
// and the unqualified ones when it is the default workspace.
func (g *Gate) creators(ctx context.Context) []string {
	team := store.TeamFrom(ctx)
	isDefault := team == "" || team == g.deps.DefaultTeam
	var out []string
	for _, c := range g.deps.Creators {
		t, ref, qualified := strings.Cut(c, ":")
		switch {
		case qualified && t == team:
			out = append(out, ref)
		case !qualified && isDefault:
			out = append(out, c)
		}
	}
	return out
}

// Creators returns the people the operator named as creators (TRAINING_CREATORS) in the request's workspace:
// another workspace's are not named to anyone here.
func (g *Gate) Creators(ctx context.Context) []string { return g.creators(ctx) }

// email returns the e-mail address on userID's Slack profile; "" without Slack, or for a deactivated account or a
// bot, which are never trainers.
func (g *Gate) email(ctx context.Context, userID string) (string, error) {
	if g.deps.Slack == nil {
		return "", nil
	}
	now := g.deps.Now()
	g.mu.Lock()
	e, ok := g.emails[emailKey(ctx, userID)]
	g.mu.Unlock()
	if ok && now.Sub(e.at) < emailTTL {
		return e.email, nil
	}
	u, err := g.deps.Slack.UserInfo(ctx, userID)
	if err != nil {
		return "", fmt.Errorf("e-mail of %s: %w", userID, err)
	}
	email := u.Profile.Email
	if u.Deleted || u.IsBot {
		email = ""
	}
	g.remember(ctx, userID, email)
	return email, nil
}

// emailKey is where a person's e-mail address is cached: a user ID is someone in the request's workspace only.
func emailKey(ctx context.Context, userID string) string { return store.TeamFrom(ctx) + "/" + userID }

func (g *Gate) remember(ctx context.Context, userID, email string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.emails) >= maxCachedEmails {
		clear(g.emails)
	}
	g.emails[emailKey(ctx, userID)] = cachedEmail{email: email, at: g.deps.Now()}
}

// resolve records that the trainer cohortID lists as ref (an e-mail address) is userID.
func (g *Gate) resolve(ctx context.Context, cohortID int64, ref, userID string) error {
	if err := g.deps.Store.SetCohortTrainer(ctx, cohortID, ref, userID); err != nil {
		return fmt.Errorf("resolve trainer: %w", err)
	}
	g.deps.Log.InfoContext(ctx, "cohort trainer resolved", slog.Int64("cohort_id", cohortID), slog.String("user_id", userID),
		slog.String("by", "gate"))
	if err := g.deps.Store.Audit(ctx, store.AuditEntry{CohortID: &cohortID, Actor: userID, UserID: userID,
		Action: "trainer_resolved", Detail: map[string]any{"by": "email"}}); err != nil {
		// The trainer is recorded; the audit row is the only thing missing.
		g.deps.Log.ErrorContext(ctx, "audit failed", slog.String("action", "trainer_resolved"), slog.Any("error", err))
	}
	return nil
}
