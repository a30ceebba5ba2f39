package bot_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/handlers"
)

// socketWorld is a Socket Mode bot without a database, with a user and a channel, and "/echo" answering its text.
func socketWorld(t *testing.T) (*bare, string, string) {
	t.Helper()
	b := newBare(t, nil, bareOptions{Phrases: testPhrases(), Log: bottest.QuietLog()})
	user := b.Fake.AddUser(slackfake.User{Name: "anna"})
	channel := b.Fake.AddChannel(slackfake.Channel{Name: "cohort", Members: []string{user, b.Fake.BotUserID()}})
	b.Registry.Command("/echo", func(_ context.Context, cmd slack.SlashCommand) (handlers.Response, error) {
		return handlers.Ephemeral(cmd.Text), nil
	})
	b.Connect(t)
	return b, user, channel
}

func TestSocketModeDisconnectRequested(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
	fake := slackfake.New(slackfake.Options{})
	t.Cleanup(fake.Close)
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken("xapp-not-this-one"))
	d := bot.NewInbound(bot.InboundOptions{Registry: handlers.NewRegistry(testPhrases(), bottest.QuietLog()), Log: bottest.QuietLog()})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := bot.NewSocketMode(api, d, bottest.QuietLog()).Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Fatalf("Run with a refused app token: %v, want an invalid_auth error", err)
	}
	if ctx.Err() != nil {
		t.Fatal("Run kept retrying a refused token")
	}
}

// TestSocketModeConnectTimeouts: a connection attempt that hangs, at apps.connections.open or at the websocket
// handshake, is given up after its timeout and tried again, so the bot does not stay offline until a restart.
func TestSocketModeConnectTimeouts(t *testing.T) {
	t.Parallel()
	d := bot.NewInbound(bot.InboundOptions{Registry: handlers.NewRegistry(testPhrases(), bottest.QuietLog()), Log: bottest.QuietLog()})

	t.Run("OpenHangs", func(t *testing.T) {
		fake := slackfake.New(slackfake.Options{})
		t.Cleanup(fake.Close)
		// The client's own timeout is far away: only the open's deadline can end the first attempt.
		api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken(fake.AppToken()),
			slack.OptionHTTPClient(bot.NewHTTPClient(time.Hour)))
		fake.FailNext("apps.connections.open", 1, slackfake.FaultTimeout)
		sm := bot.NewSocketMode(api, d, bottest.QuietLog())
		sm.OpenTimeout = 300 * time.Millisecond
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() { defer close(stopped); sm.Run(ctx) }()
		t.Cleanup(func() { cancel(); fake.ReleaseHeld(); <-stopped })
		wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
		defer wcancel()
		if err := fake.WaitConnected(wctx, 1); err != nil {
			t.Fatalf("not connected after a hung apps.connections.open: %v", err)
		}
		if calls := fake.CallsTo("apps.connections.open"); len(calls) != 2 || calls[0].Error != slackfake.FaultTimeout.String() {
			t.Errorf("apps.connections.open calls %v, want the hung one, then one answered", summary(calls))
		}
	})

	t.Run("HandshakeHangs", func(t *testing.T) {
		// A websocket host that accepts connections and never answers the upgrade.
		silent, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { silent.Close() })
		var dials atomic.Int32
		go func() {
			var held []net.Conn
			defer func() {
				for _, c := range held {
					c.Close()
				}
			}()
			for {
				c, err := silent.Accept()
				if err != nil {
					return
				}
				held = append(held, c)
				dials.Add(1)
			}
		}()
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"ok":true,"url":"ws://%s/link/"}`, silent.Addr())
		}))
		t.Cleanup(api.Close)
		client := slack.New("xoxb-test", slack.OptionAPIURL(api.URL+"/api/"), slack.OptionAppLevelToken("xapp-test"))
		sm := bot.NewSocketMode(client, d, bottest.QuietLog())
		sm.HandshakeTimeout = 200 * time.Millisecond
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() { defer close(stopped); sm.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-stopped })
		eventually(t, "a second dial after the first handshake hung", func() bool { return dials.Load() >= 2 })
	})
}

// TestEventAfterAck: an event whose handler was registered to run after the ack is acknowledged while the handler
// still works (a publish waiting for its rate limit); its failure does not bring the event back; Close ends it.
func TestEventAfterAck(t *testing.T) {
	t.Parallel()
	b := newBare(t, nil, bareOptions{Phrases: testPhrases(), Log: bottest.QuietLog()})
	user := b.Fake.AddUser(slackfake.User{Name: "anna"})
	started := make(chan struct{}, 1)
	ended := make(chan error, 1)
	b.Registry.EventAfterAck("app_home_opened", func(ctx context.Context, _ slackevents.EventsAPIEvent) error {
		started <- struct{}{}
		<-ctx.Done()
		ended <- ctx.Err()
		return ctx.Err()
	})
	b.Connect(t)
	ctx, cancel := context.WithTimeout(context.Background(), bottest.Timeout)
	defer cancel()
	resp, err := b.Fake.OpenHome(ctx, user)
	if err != nil || !resp.Acked {
		t.Fatalf("app_home_opened: %v (acked %v), want it acknowledged while its handler works", err, resp.Acked)
	}
	select {
	case <-started:
	case <-ctx.Done():
		t.Fatal("the handler did not run after the ack")
	}
	short, scancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer scancel()
	if err := b.Inbound.Wait(short); err == nil {
		t.Fatal("Wait returned while the handler still worked")
	}
	b.Inbound.Close()
	select {
	case err := <-ended:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the handler ended with %v, want it cancelled by Close", err)
		}
	case <-ctx.Done():
		t.Fatal("Close did not end the handler")
	}
	if err := b.Inbound.Wait(ctx); err != nil {
		t.Errorf("Wait after Close: %v", err)
	}
	if n := len(b.Fake.CallsTo("deliver:events_api")); n != 1 {
		t.Errorf("the event was delivered %d times, want once", n)
	}
}
