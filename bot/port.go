package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/scheduler"
)

// Sender lets the delivery dispatcher post through the Poster (paced, retried, effectively once) and read a
// channel's members and users' bot flag through the Slack client: it implements scheduler.Sender. Slack's
// permanent refusals come back as *scheduler.PermanentError, so that the dispatcher fails them at once; refusals
// of the whole workspace (a revoked token, a missing scope) as *scheduler.WorkspaceError, so that it pauses.
type Sender struct {
	poster *Poster
	api    *slack.Client
}

// NewSender returns the Sender over p and api.
func NewSender(p *Poster, api *slack.Client) *Sender {
	return &Sender{poster: p, api: api}
}

// Post implements scheduler.Sender.
func (s *Sender) Post(ctx context.Context, to, text string, blocks []slack.Block, key string) (string, string, bool, error) {
	m := Message{Channel: to, Text: text, Blocks: blocks, DeliveryKey: key}
	if isUserID(to) {
		m.UserID = to
	}
	p, err := s.poster.Post(ctx, m)
	if err != nil {
		return "", "", false, permanent(err)
	}
	return p.Channel, p.TS, p.Found, nil
}

// FindDelivery implements scheduler.Sender; for a user it searches the user's DM with the bot.
func (s *Sender) FindDelivery(ctx context.Context, to, key string, oldest time.Time) (string, string, bool, error) {
	channel := to
	if isUserID(to) {
		dm, err := s.poster.OpenDM(ctx, to)
		if err != nil {
			return "", "", false, permanent(err)
		}
		channel = dm
	}
	ts, found, err := s.poster.FindDelivery(ctx, channel, key, oldest)
	if err != nil {
		return "", "", false, permanent(err)
	}
	return channel, ts, found, nil
}

// Members implements scheduler.Sender.
func (s *Sender) Members(ctx context.Context, channel string) ([]string, error) {
	var out []string
	params := &slack.GetUsersInConversationParameters{ChannelID: channel, Limit: 1000}
	for page := 0; page < 100; page++ {
		var ids []string
		var next string
		err := slackRetry(ctx, func() error {
			var err error
			ids, next, err = s.api.GetUsersInConversationContext(ctx, params)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("members of %s: %w", channel, err)
		}
		out = append(out, ids...)
		if next == "" {
			break
		}
		params.Cursor = next
	}
	return out, nil
}

// IsBot implements scheduler.Sender.
func (s *Sender) IsBot(ctx context.Context, userID string) (bool, error) {
	var u *slack.User
	err := slackRetry(ctx, func() error {
		var err error
		u, err = s.api.GetUserInfoContext(ctx, userID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("user %s: %w", userID, err)
	}
	return u.IsBot || u.IsAppUser || u.ID == "USLACKBOT", nil
}

// CheckAuth implements scheduler.Sender with auth.test.
func (s *Sender) CheckAuth(ctx context.Context) error {
	if _, err := s.api.AuthTestContext(ctx); err != nil {
		var se slack.SlackErrorResponse
		if errors.As(err, &se) && workspaceErrors[se.Err] {
			return &scheduler.WorkspaceError{Reason: se.Err, Err: fmt.Errorf("auth.test: %w", err)}
		}
		return fmt.Errorf("auth.test: %w", err)
	}
	return nil
}

// slackRetry runs a read call, waiting out 429s and retrying 5xx a few times; Slack's own refusals are permanent.
func slackRetry(ctx context.Context, call func() error) error {
	var err error
	for attempt := 1; attempt <= 5; attempt++ {
		err = call()
		if err == nil {
			return nil
		}
		wait := time.Duration(attempt) * 500 * time.Millisecond
		var rl *slack.RateLimitedError
		var sc slack.StatusCodeError
		var se slack.SlackErrorResponse
		switch {
		case errors.As(err, &rl):
			wait = max(rl.RetryAfter, time.Second)
		case errors.As(err, &sc) && sc.Code >= 500:
		case errors.As(err, &se) && workspaceErrors[se.Err]:
			return &scheduler.WorkspaceError{Reason: se.Err, Err: err}
		case errors.As(err, &se) && se.Err != "internal_error" && se.Err != "fatal_error" && se.Err != "ratelimited":
			return &scheduler.PermanentError{Reason: se.Err, Err: err}
		case ctx.Err() != nil:
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (last error: %w)", ctx.Err(), err)
		case <-t.C:
		}
	}
	return err
}

// permanent marks the Poster's permanent errors for the dispatcher: the workspace's, and the message's own.
func permanent(err error) error {
	var pe *PermanentError
	if errors.As(err, &pe) && pe.Workspace() {
		return &scheduler.WorkspaceError{Reason: pe.Reason, Err: err}
	}
	if IsPermanent(err) {
		return &scheduler.PermanentError{Reason: PermanentReason(err), Err: err}
	}
	return err
}

// Port is what the handlers need from Slack: the Poster's calls, plus posting by channel or user ID with the
// conversation and ts returned, and users' e-mail addresses.
type Port struct {
	*Poster
	api *slack.Client
}

// NewPort returns the Port over p and api.
func NewPort(p *Poster, api *slack.Client) *Port {
	return &Port{Poster: p, api: api}
}

// Post posts in a channel, or in a user's DM with the bot when channel is a user ID.
func (p *Port) Post(ctx context.Context, channel, text string, blocks []slack.Block) (string, string, error) {
	m := Message{Channel: channel, Text: text, Blocks: blocks}
	if isUserID(channel) {
		m.UserID = channel
	}
	posted, err := p.Poster.Post(ctx, m)
	return posted.Channel, posted.TS, err
}

// UserEmail returns the e-mail address on a user's Slack profile (users:read.email).
func (p *Port) UserEmail(ctx context.Context, userID string) (string, error) {
	u, err := p.api.GetUserInfoContext(ctx, userID)
	if err != nil {
		return "", fmt.Errorf("user %s: %w", userID, err)
	}
	return u.Profile.Email, nil
}
