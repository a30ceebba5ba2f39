package scheduler_test

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/scheduler"
)

// fakeSender is the dispatcher's Slack side in these tests: the real Poster and slack-go client, talking to the
// Slack fake over HTTP (cmd/gesprekbot has the same adapter for the bot itself).
type fakeSender struct {
	poster *bot.Poster
	api    *slack.Client
}

// newFakeSender returns a Sender on the fake at apiURL, with pacing fast enough for tests. attempts bounds the
// Poster's own retries of a 5xx or a lost response.
func newFakeSender(apiURL, token string, attempts int) *fakeSender {
	api := slack.New(token, slack.OptionAPIURL(apiURL))
	fast := bot.Rate{PerSecond: 5000, Burst: 1000}
	p := bot.NewPoster(api, bot.PosterOptions{
		ChannelRate: fast, PostRate: fast, Tiers: map[int]bot.Rate{1: fast, 2: fast, 3: fast, 4: fast},
		MaxAttempts: attempts, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		AttemptTimeout: 5 * time.Second,
	})
	return &fakeSender{poster: p, api: api}
}

func (s *fakeSender) Post(ctx context.Context, to, text string, blocks []slack.Block, key string) (string, string, bool, error) {
	p, err := s.poster.Post(ctx, bot.Message{Channel: to, Text: text, Blocks: blocks, DeliveryKey: key})
	if err != nil {
		return "", "", false, senderErr(err)
	}
	return p.Channel, p.TS, p.Found, nil
}

func (s *fakeSender) FindDelivery(ctx context.Context, to, key string, oldest time.Time) (string, string, bool, error) {
	channel := to
	if strings.HasPrefix(to, "U") {
		dm, err := s.poster.OpenDM(ctx, to)
		if err != nil {
			return "", "", false, senderErr(err)
		}
		channel = dm
	}
	ts, found, err := s.poster.FindDelivery(ctx, channel, key, oldest)
	return channel, ts, found, senderErr(err)
}

func (s *fakeSender) Members(ctx context.Context, channel string) ([]string, error) {
	ids, _, err := s.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: channel, Limit: 1000})
	return ids, err
}

func (s *fakeSender) IsBot(ctx context.Context, userID string) (bool, error) {
	u, err := s.api.GetUserInfoContext(ctx, userID)
	if err != nil {
		return false, err
	}
	return u.IsBot, nil
}

func senderErr(err error) error {
	if err != nil && bot.IsPermanent(err) {
		return &scheduler.PermanentError{Reason: bot.PermanentReason(err), Err: err}
	}
	return err
}

// counting wraps a Sender and counts Post calls, and can hold every post until released (to stop a dispatcher in
// the middle of a fan-out).
type counting struct {
	scheduler.Sender
	posts chan struct{}
}

func (c *counting) Post(ctx context.Context, to, text string, blocks []slack.Block, key string) (string, string, bool, error) {
	select {
	case c.posts <- struct{}{}:
	case <-ctx.Done():
		return "", "", false, ctx.Err()
	}
	return c.Sender.Post(ctx, to, text, blocks, key)
}
