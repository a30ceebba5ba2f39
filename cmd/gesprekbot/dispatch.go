package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/scheduler"
)

// slackSender lets the dispatcher post through the bot's Poster (paced, retried, effectively once) and read a
// channel's members and users' bot flag through the Slack client.
type slackSender struct {
	poster *bot.Poster
	api    *slack.Client
}

// newSender adapts the Poster (posts, DMs, history) and the Slack client (members, users) to scheduler.Sender.
// Slack's permanent refusals come back as *scheduler.PermanentError, so that the dispatcher fails them at once.
func newSender(p *bot.Poster, api *slack.Client) scheduler.Sender {
	return &slackSender{poster: p, api: api}
}

// Post implements scheduler.Sender.
func (s *slackSender) Post(ctx context.Context, to, text string, blocks []slack.Block, key string) (string, string, bool, error) {
	m := bot.Message{Channel: to, Text: text, Blocks: blocks, DeliveryKey: key}
	if isUser(to) {
		m.UserID = to
	}
	p, err := s.poster.Post(ctx, m)
	if err != nil {
		return "", "", false, permanent(err)
	}
	return p.Channel, p.TS, p.Found, nil
}

// FindDelivery implements scheduler.Sender; for a user it searches the user's DM with the bot.
func (s *slackSender) FindDelivery(ctx context.Context, to, key string, oldest time.Time) (string, string, bool, error) {
	channel := to
	if isUser(to) {
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
func (s *slackSender) Members(ctx context.Context, channel string) ([]string, error) {
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
func (s *slackSender) IsBot(ctx context.Context, userID string) (bool, error) {
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

// permanent marks the Poster's permanent errors for the dispatcher.
func permanent(err error) error {
	if bot.IsPermanent(err) {
		return &scheduler.PermanentError{Reason: bot.PermanentReason(err), Err: err}
	}
	return err
}

// isUser reports whether id is a Slack user ID, meaning that user's DM with the bot.
func isUser(id string) bool {
	return strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W")
}
