package bot_test

import (
	"context"
	"encoding/json"
	"reflect"
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

// TestDecodeInteraction compares the lean decoder with slack-go's on payloads as Slack sends them: the same
// callback, except that the clicked message's blocks are only decoded for an action registered with
// MessageAction.
func TestDecodeInteraction(t *testing.T) {
	reg := handlers.NewRegistry(testPhrases(), quietLog())
	noop := func(context.Context, slack.InteractionCallback, *slack.BlockAction) (handlers.Response, error) {
		return handlers.Response{}, nil
	}
	reg.Action("meter_score", noop)
	reg.MessageAction("reading_done", noop)
	d := bot.NewDispatcher(bot.DispatcherOptions{Registry: reg, Log: quietLog()})

	message := `{"type":"message","user":"UBOT","bot_id":"B1","app_id":"A1","text":"Stelling 7 van 21","ts":"1700000000.000100",
		"team":"T1","metadata":{"event_type":"gesprekbot_delivery","event_payload":{"key":"c1/meter/m1/U1"}},
		"blocks":[{"type":"section","block_id":"s1","text":{"type":"mrkdwn","text":"*Ik luister.*"}},
		{"type":"actions","block_id":"meter_q/r1","elements":[{"type":"button","action_id":"meter_score:3",
		"text":{"type":"plain_text","text":"3 · Redelijk"},"value":"42/l1/3"}]},
		{"type":"context","elements":[{"type":"mrkdwn","text":"Genoteerd"}]}]}`
	click := func(actionID string) string {
		return `{"type":"block_actions","user":{"id":"U1","username":"anna","name":"anna","team_id":"T1"},
			"api_app_id":"A1","token":"tok","trigger_id":"1.2.abc","team":{"id":"T1","domain":"gemeente"},
			"enterprise":null,"is_enterprise_install":false,
			"actions":[{"type":"button","block_id":"meter_q/r1","action_id":"` + actionID + `","value":"42/l1/3",
			"text":{"type":"plain_text","text":"3 · Redelijk"},"action_ts":"1700000000.123456"}],
			"channel":{"id":"D1","name":"directmessage"},
			"container":{"type":"message","message_ts":"1700000000.000100","channel_id":"D1","is_ephemeral":false},
			"state":{"values":{"b1":{"a1":{"type":"static_select","selected_option":{"value":"x"}}}}},
			"response_url":"https://hooks.slack.test/actions/1","message":` + message + `}`
	}
	cases := []struct {
		name, payload string
		blocks        bool // the message's blocks decoded
	}{
		{"click needing the message", click("reading_done:2"), true},
		{"click not needing it", click("meter_score:3"), false},
		{"click of no registered action", click("elders"), false},
		{"view submission", `{"type":"view_submission","user":{"id":"U1"},"trigger_id":"1.2.3","team":{"id":"T1"},
			"view":{"id":"V1","type":"modal","callback_id":"plan","private_metadata":"7",
			"blocks":[{"type":"input","block_id":"b","label":{"type":"plain_text","text":"Plan"},
			"element":{"type":"plain_text_input","action_id":"t"}}],
			"state":{"values":{"b":{"t":{"type":"plain_text_input","value":"Oefenen"}}}}}}`, true},
		{"view closed", `{"type":"view_closed","user":{"id":"U1"},"view":{"id":"V1","callback_id":"plan"},"is_cleared":true}`, true},
		{"dialog submission", `{"type":"dialog_submission","callback_id":"d","state":"bewaard","submission":{"a":"b"}}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want slack.InteractionCallback
			if err := json.Unmarshal([]byte(tc.payload), &want); err != nil {
				t.Fatalf("slack-go: %v", err)
			}
			got, err := d.DecodeInteraction([]byte(tc.payload))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.blocks {
				if len(got.Message.Blocks.BlockSet) != 0 {
					t.Errorf("message blocks decoded for an action that does not read them")
				}
				if len(want.Message.Blocks.BlockSet) == 0 {
					t.Fatal("test payload has no message blocks")
				}
				want.Message.Blocks = slack.Blocks{}
			}
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Errorf("decoded differently from slack-go:\n got  %s\n want %s", g, w)
			}
		})
	}
	if _, err := d.DecodeInteraction([]byte(`{"type":"block_actions","actions":`)); err == nil {
		t.Error("a cut-off payload decoded without an error")
	}
}
