package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
)

// TestHTTPClientTimeout: a Web API call made with no deadline of its own (as auth.test at start-up, or anything
// outside the Poster) still ends when Slack never answers.
func TestHTTPClientTimeout(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(slackfake.Options{})
	t.Cleanup(fake.Close)
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()), slack.OptionHTTPClient(bot.NewHTTPClient(300*time.Millisecond)))
	fake.FailNext("auth.test", 1, slackfake.FaultTimeout)
	done := make(chan error, 1)
	go func() {
		_, err := api.AuthTestContext(context.Background())
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("auth.test held by Slack succeeded")
		}
	case <-time.After(10 * time.Second):
		fake.ReleaseHeld()
		t.Fatal("auth.test held by Slack is still waiting")
	}
	if _, err := api.AuthTestContext(context.Background()); err != nil {
		t.Errorf("the next auth.test: %v", err)
	}
}
