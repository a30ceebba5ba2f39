package bot_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/handlers"
)

// clickPayload is a block_actions payload as Slack sends it for a click on a competentiemeter question in a DM:
// the whole message comes along.
func clickPayload(actionID string) string {
	message := `{"type":"message","user":"UBOT","bot_id":"B1","app_id":"A1","text":"Stelling 7 van 21","ts":"1700000000.000100",
		"team":"T1","metadata":{"event_type":"gesprekbot_delivery","event_payload":{"key":"c1/meter/m1/U1"}},
		"blocks":[{"type":"context","elements":[{"type":"mrkdwn","text":"Stelling 7 van 21 · _Levensbrede vraagverheldering_"}]},
		{"type":"section","block_id":"s1","text":{"type":"mrkdwn","text":"*Ik gebruik mijn kennis over verschillende levensgebieden.*"}},
		{"type":"actions","block_id":"meter_q/r1","elements":[
		{"type":"button","action_id":"meter_score:1","text":{"type":"plain_text","text":"1 · Nog niet"},"value":"42/l1/1"},
		{"type":"button","action_id":"meter_score:2","text":{"type":"plain_text","text":"2 · Een beetje"},"value":"42/l1/2"},
		{"type":"button","action_id":"meter_score:3","text":{"type":"plain_text","text":"3 · Redelijk"},"value":"42/l1/3"},
		{"type":"button","action_id":"meter_score:4","text":{"type":"plain_text","text":"4 · Goed"},"value":"42/l1/4"},
		{"type":"button","action_id":"meter_score:5","text":{"type":"plain_text","text":"5 · Heel goed"},"value":"42/l1/5"}]},
		{"type":"actions","block_id":"meter_nav/r1","elements":[
		{"type":"button","action_id":"meter_prev","text":{"type":"plain_text","text":"Vorige"},"value":"42/l1"}]},
		{"type":"context","elements":[{"type":"mrkdwn","text":"✓ Genoteerd bij stelling 6: *Redelijk*."}]}]}`
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

// decodeInbound has "meter_score" registered as an action and "reading_done" as one that reads the message.
func decodeInbound() *bot.Inbound {
	reg := handlers.NewRegistry(testPhrases(), bottest.QuietLog())
	noop := func(context.Context, slack.InteractionCallback, *slack.BlockAction) (handlers.Response, error) {
		return handlers.Response{}, nil
	}
	reg.Action("meter_score", noop)
	reg.MessageAction("reading_done", noop)
	return bot.NewInbound(bot.InboundOptions{Registry: reg, Log: bottest.QuietLog()})
}

// TestDecodeInteraction compares the bot's decoder with slack-go's on payloads as Slack sends them: the same
// callback, except that the clicked message's blocks are only decoded for an action registered with
// MessageAction.
func TestDecodeInteraction(t *testing.T) {
	t.Parallel()
	d := decodeInbound()
	cases := []struct {
		name, payload string
		blocks        bool // the message's blocks decoded
	}{
		{"click needing the message", clickPayload("reading_done:2"), true},
		{"click not needing it", clickPayload("meter_score:3"), false},
		{"click of no registered action", clickPayload("elders"), false},
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

// BenchmarkDecodeInteraction reads a competentiemeter score click: the bot's decoder, and slack-go's for
// comparison.
func BenchmarkDecodeInteraction(b *testing.B) {
	payload := []byte(clickPayload("meter_score:3"))
	b.Run("bot", func(b *testing.B) {
		d := decodeInbound()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := d.DecodeInteraction(payload); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("slack-go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var cb slack.InteractionCallback
			if err := json.Unmarshal(payload, &cb); err != nil {
				b.Fatal(err)
			}
		}
	})
}
