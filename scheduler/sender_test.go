package scheduler_test

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/scheduler"
)

// newFakePoster returns the real Poster and slack-go client on the Slack fake at apiURL, with pacing fast enough
// for tests. attempts bounds the Poster's own retries of a 5xx or a lost response.
func newFakePoster(apiURL, token string, attempts int) (*bot.Poster, *slack.Client) {
	api := slack.New(token, slack.OptionAPIURL(apiURL))
	p := bot.NewPoster(api, bottest.FastPacing(bot.PosterOptions{
		MaxAttempts: attempts, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		AttemptTimeout: 5 * time.Second,
	}))
	return p, api
}

// fakeSender is the dispatcher's Slack side as the bot wires it (bot.NewSender), over a Poster and client on the
// Slack fake that a test may swap for slower ones before the dispatcher starts.
type fakeSender struct {
	poster *bot.Poster
	api    *slack.Client
}

// newFakeSender returns a fakeSender on the fake at apiURL, with pacing fast enough for tests.
func newFakeSender(apiURL, token string, attempts int) *fakeSender {
	p, api := newFakePoster(apiURL, token, attempts)
	return &fakeSender{poster: p, api: api}
}

func (s *fakeSender) sender() *bot.Sender { return bot.NewSender(s.poster) }

func (s *fakeSender) Post(ctx context.Context, to, text string, blocks []slack.Block, key string) (string, string, bool, error) {
	return s.sender().Post(ctx, to, text, blocks, key)
}

func (s *fakeSender) FindDelivery(ctx context.Context, to, key string, oldest time.Time) (string, string, bool, error) {
	return s.sender().FindDelivery(ctx, to, key, oldest)
}

func (s *fakeSender) Members(ctx context.Context, channel string) ([]string, error) {
	return s.sender().Members(ctx, channel)
}

func (s *fakeSender) Bots(ctx context.Context, userIDs []string) (map[string]bool, error) {
	return s.sender().Bots(ctx, userIDs)
}

func (s *fakeSender) CheckAuth(ctx context.Context) error {
	return s.sender().CheckAuth(ctx)
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
