package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack/slackevents"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// EventMemberJoinedChannel is the Events API type of a member joining a channel.
const EventMemberJoinedChannel = "member_joined_channel"

// JoinStore is what the late joiner needs from the database; *store.DB implements it.
type JoinStore interface {
	CohortByChannel(ctx context.Context, channel string) (*content.Cohort, error)
	// RecordJoin records the participant and, when they are new and the course is under way, plans catchUp.
	RecordJoin(ctx context.Context, cohortID int64, userID string, catchUp *content.Delivery) (store.JoinResult, error)
}

// BotCheck tells whether a Slack user is a bot (users.info); bots never become participants.
type BotCheck interface {
	IsBot(ctx context.Context, userID string) (bool, error)
}

// MemberJoined handles someone joining a cohort's channel: a person who is not a trainer or a bot is recorded as a
// participant (someone who had left is a participant again, with everything stored about them as it was); if the
// course is under way, a newcomer gets one catch-up DM (KindCatchUp) with the current preparation and
// the case stages shared so far. The catch-up is a row in the deliveries table with a permanent key, so that the
// dispatcher sends it exactly once, whatever happens to the process or how often Slack retries the event.
type MemberJoined struct {
	Store     JoinStore
	Users     BotCheck // nil: only BotUserID is known to be a bot
	BotUserID string   // the bot's own user ID
	Now       func() time.Time
	// NextSendable moves the catch-up out of the quiet hours, weekends and holidays of the cohort (the scheduler's
	// calendar); nil sends it at once.
	NextSendable func(c *content.Cohort, t time.Time) (time.Time, error)
	Log          *slog.Logger
	// Gate tells a trainer (who is never a participant) from the rest; nil: a gate over Store without Slack.
	Gate *Gate

	phrases content.Phrases // the registry's, for the catch-up's title
}

// RegisterMemberJoined registers m for member_joined_channel events.
func RegisterMemberJoined(r *Registry, m *MemberJoined) {
	m.phrases = r.Phrases()
	if m.Gate = defaultGate(m.Gate, m.Store); m.Gate == nil {
		panic("handlers: RegisterMemberJoined needs a gate")
	}
	r.Event(EventMemberJoinedChannel, m.Handle)
}

// CatchUpKey returns the permanent key of a late joiner's catch-up: "<cohort key>/catchup/m0/<user ID>", with the
// cohort key of the scheduler ("c<id>").
func CatchUpKey(c *content.Cohort, userID string) string {
	return scheduler.CohortKey(c) + "/catchup/m0/" + userID
}

// Handle handles one member_joined_channel event. A channel that belongs to no cohort is ignored.
func (m *MemberJoined) Handle(ctx context.Context, ev slackevents.EventsAPIEvent) error {
	var user, channel string
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.MemberJoinedChannelEvent:
		user, channel = e.User, e.Channel
	case slackevents.MemberJoinedChannelEvent:
		user, channel = e.User, e.Channel
	default:
		return fmt.Errorf("member joined: unexpected event data %T", ev.InnerEvent.Data)
	}
	if user == "" || channel == "" || user == m.BotUserID {
		return nil
	}
	c, err := m.Store.CohortByChannel(ctx, channel)
	if content.ErrorCode(err) == content.ENOTFOUND {
		return nil
	}
	if err != nil {
		return fmt.Errorf("member joined: %w", err)
	}
	trainer, err := m.Gate.Trains(ctx, c, user)
	if err != nil {
		return fmt.Errorf("member joined: %w", err)
	}
	if trainer {
		return nil
	}
	if m.Users != nil {
		bot, err := m.Users.IsBot(ctx, user)
		if err != nil {
			return fmt.Errorf("member joined: %w", err)
		}
		if bot {
			return nil
		}
	}
	catchUp, err := m.catchUp(c, user)
	if err != nil {
		return fmt.Errorf("member joined: %w", err)
	}
	res, err := m.Store.RecordJoin(ctx, c.ID, user, catchUp)
	if err != nil {
		return fmt.Errorf("member joined: %w", err)
	}
	if (res.New || res.Rejoined) && m.Log != nil {
		m.Log.InfoContext(ctx, "participant joined", slog.Int64("cohort_id", c.ID), slog.String("user_id", user),
			slog.Bool("catch_up", res.CatchUp), slog.Bool("rejoined", res.Rejoined))
	}
	return nil
}

// catchUp returns the catch-up delivery for user, or nil when the course is over (nothing left to catch up on).
// It is due now, or at the next moment a DM may go out, and goes stale when module 4 ends.
func (m *MemberJoined) catchUp(c *content.Cohort, user string) (*content.Delivery, error) {
	now := time.Now()
	if m.Now != nil {
		now = m.Now()
	}
	last, ok := c.Module(4)
	if !ok || !now.Before(last.End) {
		return nil, nil
	}
	due := now
	if m.NextSendable != nil {
		t, err := m.NextSendable(c, now)
		if err != nil {
			return nil, err
		}
		if t.Before(last.End) {
			due = t
		}
	}
	deadline := last.End
	return &content.Delivery{
		Key:       CatchUpKey(c, user),
		Kind:      KindCatchUp,
		RuleID:    KindCatchUp,
		Module:    0,
		Audience:  content.AudienceParticipant,
		Recipient: user,
		DueAt:     due,
		Deadline:  &deadline,
		Title:     m.phrases.CatchUpTitle, // its label in plans and the sandbox clock
	}, nil
}
