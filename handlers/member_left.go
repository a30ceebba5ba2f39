package handlers

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/slack-go/slack/slackevents"

	"github.com/gesprekbot/gesprekbot/content"
)

// EventMemberLeftChannel is the Events API type of a member leaving (or being removed from) a channel.
const EventMemberLeftChannel = "member_left_channel"

// LeaveStore is what MemberLeft needs from the database; *store.DB implements it.
type LeaveStore interface {
	CohortByChannel(ctx context.Context, channel string) (*content.Cohort, error)
	// RecordLeave marks the participant as gone; it reports whether anything changed.
	RecordLeave(ctx context.Context, cohortID int64, userID string) (bool, error)
}

// MemberLeft handles someone leaving, or being removed from, a cohort's channel: a participant is marked as gone.
// From then on they get no more DMs of the course (the renderer skips them), the trainers' overviews show them as
// left, and /casus, the App Home and the competentiemeter tell them they are no longer in the group instead of
// showing its course data. Nothing stored about them is deleted; rejoining the channel (MemberJoined) restores
// everything. A retried event, or a channel without a cohort, changes nothing.
type MemberLeft struct {
	Store LeaveStore
	Log   *slog.Logger
}

// RegisterMemberLeft registers m for member_left_channel events.
func RegisterMemberLeft(r *Registry, m *MemberLeft) {
	if m.Store == nil {
		panic("handlers: RegisterMemberLeft needs a store")
	}
	r.Event(EventMemberLeftChannel, m.Handle)
}

// Handle handles one member_left_channel event.
func (m *MemberLeft) Handle(ctx context.Context, ev slackevents.EventsAPIEvent) error {
	var user, channel string
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.MemberLeftChannelEvent:
		user, channel = e.User, e.Channel
	case slackevents.MemberLeftChannelEvent:
		user, channel = e.User, e.Channel
	default:
		return fmt.Errorf("member left: unexpected event data %T", ev.InnerEvent.Data)
	}
	if user == "" || channel == "" {
		return nil
	}
	c, err := m.Store.CohortByChannel(ctx, channel)
	if content.ErrorCode(err) == content.ENOTFOUND {
		return nil
	}
	if err != nil {
		return fmt.Errorf("member left: %w", err)
	}
	changed, err := m.Store.RecordLeave(ctx, c.ID, user)
	if err != nil {
		return fmt.Errorf("member left: %w", err)
	}
	if changed && m.Log != nil {
		m.Log.InfoContext(ctx, "participant left", slog.Int64("cohort_id", c.ID), slog.String("user_id", user))
	}
	return nil
}
