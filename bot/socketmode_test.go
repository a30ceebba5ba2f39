package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/handlers"
)

// socketWorld is a Socket Mode bot without a database, with a user and a channel, and "/echo" answering its text.
func socketWorld(t *testing.T) (*bottest.World, string, string) {
	t.Helper()
	b := bottest.New(t, nil, bottest.Options{Phrases: testPhrases(), Log: quietLog()})
	user := b.Fake.AddUser(slackfake.User{Name: "anna"})
	channel := b.Fake.AddChannel(slackfake.Channel{Name: "cohort", Members: []string{user, b.Fake.BotUserID()}})
	b.Registry.Command("/echo", func(_ context.Context, cmd slack.SlashCommand) (handlers.Response, error) {
		return handlers.Ephemeral(cmd.Text), nil
	})
	b.Connect(t)
	return b, user, channel
}

func TestSocketModeDisconnectRequested(t *testing.T) {
	b, user, channel := socketWorld(t)
	ctx := context.Background()
	// Slack asks before it rotates a connection. The fake would keep the old one open for a minute: the bot must
	// open a new one because it was asked, not because the old one closed.
	b.Fake.Disconnect("refresh_requested", time.Minute)
	eventually(t, "a second apps.connections.open", func() bool { return len(b.Fake.CallsTo("apps.connections.open")) == 2 })
	eventually(t, "a command answered on the new connection", func() bool {
		resp, err := b.Fake.Command(ctx, user, channel, "/echo", "weer verbonden")
		return err == nil && payloadText(t, resp.Payload) == "weer verbonden"
	})
}

func TestSocketModeLargeReplyGoesToResponseURL(t *testing.T) {
	b, user, channel := socketWorld(t)
	// Over Socket Mode's 20 KB ack limit, under a message's 40,000 characters.
	long := strings.Repeat("Een lange zin over het Gesprek. ", 800)
	resp, err := b.Fake.Command(context.Background(), user, channel, "/echo", long)
	if err != nil || !resp.Acked {
		t.Fatalf("command: %v (acked %v)", err, resp.Acked)
	}
	if len(resp.Payload) > 0 {
		t.Fatalf("ack carried %d bytes; Slack drops acks over 20 KB", len(resp.Payload))
	}
	eventually(t, "the reply shown through the response_url", func() bool {
		for _, m := range b.Fake.Ephemerals(user) {
			if m.Text == long {
				return true
			}
		}
		return false
	})
}

func TestSocketModeRefusedToken(t *testing.T) {
	fake := slackfake.New(slackfake.Options{})
	t.Cleanup(fake.Close)
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken("xapp-not-this-one"))
	d := bot.NewDispatcher(bot.DispatcherOptions{Registry: handlers.NewRegistry(testPhrases(), quietLog()), Log: quietLog()})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := bot.NewSocketMode(api, d, quietLog()).Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Fatalf("Run with a refused app token: %v, want an invalid_auth error", err)
	}
	if ctx.Err() != nil {
		t.Fatal("Run kept retrying a refused token")
	}
}
