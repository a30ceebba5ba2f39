package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

func TestMain(m *testing.M) { storetest.MainWaiting(m) } // Slack's pace in real time, timeouts, child processes

const signingSecret = "test-signing-secret"

// world is a bot wired to a fake workspace and a real database, in one transport.
type world struct {
	fake    *slackfake.Server
	db      *store.DB
	poster  *bot.Poster
	channel string
	anna    string // a participant
	tess    string // a trainer
}

func testPhrases() content.Phrases {
	return content.Phrases{
		ErrorGeneric:    "Er ging iets mis. Probeer het later nog eens.",
		TryAgain:        "Dat lukt nu even niet, probeer het zo opnieuw.",
		UnknownCommand:  "Dit commando ken ik niet: {commando}.",
		UnknownAction:   "Deze knop werkt niet meer.",
		UnknownView:     "Dit formulier werkt niet meer.",
		HelpParticipant: "*Wat doet de bot?*\nJe krijgt leesstof en herinneringen.",
		HelpTrainer:     "*Voor trainers*\n`/casus reveal` zet de volgende stap klaar.",
	}
}

type trainerSet map[string]bool

func (s trainerSet) IsTrainer(_ context.Context, id string) (bool, error) { return s[id], nil }

// Test handlers. Each writes an audit row before it returns, standing in for a user's answer that must be
// committed before the ack.
const (
	actionGelezen   = "gelezen"
	callbackNotitie = "notitie"
)

func register(r *handlers.Registry, db *store.DB, poster *bot.Poster, trainers trainerSet) {
	audit := func(ctx context.Context, action, user string, detail map[string]any) error {
		return db.Audit(ctx, store.AuditEntry{Actor: user, UserID: user, Action: action, Detail: detail})
	}
	handlers.RegisterHelp(r, trainers, bottest.QuietLog())
	r.Command("/training", func(ctx context.Context, cmd slack.SlashCommand) (handlers.Response, error) {
		if err := audit(ctx, "test_command", cmd.UserID, map[string]any{"text": cmd.Text}); err != nil {
			return handlers.Response{}, err
		}
		return handlers.Ephemeral("Training: " + cmd.Text), nil
	})
	r.Command("/casus notitie", func(ctx context.Context, cmd slack.SlashCommand) (handlers.Response, error) {
		_, err := poster.OpenView(ctx, cmd.TriggerID, slack.ModalViewRequest{
			Type:       slack.VTModal,
			CallbackID: callbackNotitie,
			Title:      slack.NewTextBlockObject(slack.PlainTextType, "Notitie", false, false),
			Submit:     slack.NewTextBlockObject(slack.PlainTextType, "Bewaar", false, false),
			Blocks: slack.Blocks{BlockSet: []slack.Block{
				slack.NewInputBlock("notitie_blok", slack.NewTextBlockObject(slack.PlainTextType, "Je notitie", false, false), nil,
					slack.NewPlainTextInputBlockElement(nil, "notitie_tekst")),
			}},
		})
		return handlers.Response{}, err
	})
	r.Action(actionGelezen, func(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) (handlers.Response, error) {
		if err := audit(ctx, "test_click", cb.User.ID, map[string]any{"action": a.ActionID}); err != nil {
			return handlers.Response{}, err
		}
		return handlers.Response{Reply: &handlers.Reply{Text: "Gelezen, dank je!", ReplaceOriginal: true}}, nil
	})
	r.ViewSubmission(callbackNotitie, func(ctx context.Context, cb slack.InteractionCallback) (handlers.ViewResponse, error) {
		v := cb.View.State.Values["notitie_blok"]["notitie_tekst"].Value
		if strings.TrimSpace(v) == "" {
			return handlers.ViewErrors(map[string]string{"notitie_blok": "Schrijf eerst iets op."}), nil
		}
		return handlers.ViewResponse{}, audit(ctx, "test_submit", cb.User.ID, map[string]any{"length": len(v)})
	})
	var leftOnce sync.Once
	r.Event("member_left_channel", func(ctx context.Context, ev slackevents.EventsAPIEvent) error {
		failed := false
		leftOnce.Do(func() { failed = true })
		if failed {
			return errors.New("database briefly gone")
		}
		e := ev.InnerEvent.Data.(*slackevents.MemberLeftChannelEvent)
		return audit(ctx, "test_left", e.User, map[string]any{"channel": e.Channel})
	})
	r.Event("member_joined_channel", func(ctx context.Context, ev slackevents.EventsAPIEvent) error {
		e := ev.InnerEvent.Data.(*slackevents.MemberJoinedChannelEvent)
		return audit(ctx, "test_event", e.User, map[string]any{"channel": e.Channel})
	})
}

// newWorld starts a fake workspace and the bot in the given transport ("socket" or "http").
func newWorld(t *testing.T, transport string) *world {
	t.Helper()
	db := storetest.New(t)
	b := newBare(t, db, bareOptions{Fake: slackfake.Options{SigningSecret: signingSecret}, Phrases: testPhrases(),
		HTTP: transport == "http", Log: bottest.QuietLog()})
	w := &world{fake: b.Fake, db: db, poster: b.Poster}
	w.anna = w.fake.AddUser(slackfake.User{Name: "anna", RealName: "Anna de Vries"})
	w.tess = w.fake.AddUser(slackfake.User{Name: "tess", RealName: "Tess Trainer"})
	w.channel = w.fake.AddChannel(slackfake.Channel{Name: "cohort-1", Members: []string{w.anna, w.tess, w.fake.BotUserID()}})
	register(b.Registry, db, b.Poster, trainerSet{w.tess: true})
	b.Connect(t)
	return w
}

// rows counts audit rows with an action.
func (w *world) rows(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := w.db.GetContext(context.Background(), &n, `SELECT count(*) FROM audit_log WHERE action = $1`, action); err != nil {
		t.Fatal(err)
	}
	return n
}

// writes counts every row the bot can write on an inbound request: audit rows and seen event ids.
func (w *world) writes(t *testing.T) int {
	t.Helper()
	var n int
	if err := w.db.GetContext(context.Background(), &n,
		`SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM slack_events)`); err != nil {
		t.Fatal(err)
	}
	return n
}

// eventually polls cond until it holds or 10 seconds pass: for what the bot does after the ack.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func payloadText(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var p struct {
		Text         string `json:"text"`
		ResponseType string `json:"response_type"`
	}
	if len(raw) == 0 {
		return ""
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("ack payload %s: %v", raw, err)
	}
	return p.Text
}

// postButton posts a message with one button through the poster and returns its ts.
func (w *world) postButton(t *testing.T, actionID string) string {
	t.Helper()
	btn := slack.NewButtonBlockElement(actionID, "1", slack.NewTextBlockObject(slack.PlainTextType, "Gelezen", false, false))
	posted, err := w.poster.Send(context.Background(), bot.Message{
		Channel: w.channel,
		Text:    "Lees hoofdstuk 1",
		Blocks: []slack.Block{
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "Lees hoofdstuk 1", false, false), nil, nil),
			slack.NewActionBlock("lezen", btn),
		},
	})
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	return posted.TS
}

func TestEndToEnd(t *testing.T) {
	t.Parallel()
	for _, transport := range []string{"socket", "http"} {
		t.Run(transport, func(t *testing.T) {
			ctx := context.Background()

			t.Run("SlashCommand", func(t *testing.T) {
				w := newWorld(t, transport)
				resp, err := w.fake.Command(ctx, w.anna, w.channel, "/training", "hallo")
				if err != nil || !resp.Acked {
					t.Fatalf("command: %v (acked %v)", err, resp.Acked)
				}
				if got := payloadText(t, resp.Payload); got != "Training: hallo" {
					t.Errorf("reply %q", got)
				}
				// Committed before the ack: visible the moment the command returns.
				if n := w.rows(t, "test_command"); n != 1 {
					t.Errorf("%d command rows after the ack, want 1", n)
				}
			})

			t.Run("Help", func(t *testing.T) {
				w := newWorld(t, transport)
				tests := []struct {
					user    string
					trainer bool
				}{{w.anna, false}, {w.tess, true}}
				for _, tt := range tests {
					resp, err := w.fake.Command(ctx, tt.user, w.channel, "/gesprekbot", "help")
					if err != nil {
						t.Fatal(err)
					}
					text := payloadText(t, resp.Payload)
					if !strings.Contains(text, "Wat doet de bot?") || strings.Contains(text, "Voor trainers") != tt.trainer {
						t.Errorf("help for trainer=%v: %q", tt.trainer, text)
					}
				}
			})

			t.Run("UnknownCommand", func(t *testing.T) {
				w := newWorld(t, transport)
				before := w.writes(t)
				resp, err := w.fake.Command(ctx, w.anna, w.channel, "/onbekend", "iets")
				if err != nil {
					t.Fatal(err)
				}
				if got := payloadText(t, resp.Payload); got != "Dit commando ken ik niet: /onbekend iets." {
					t.Errorf("reply %q", got)
				}
				if after := w.writes(t); after != before {
					t.Errorf("unknown command wrote %d rows", after-before)
				}
			})

			t.Run("ButtonClick", func(t *testing.T) {
				w := newWorld(t, transport)
				ts := w.postButton(t, actionGelezen+":1")
				resp, err := w.fake.Click(ctx, w.anna, w.channel, ts, actionGelezen+":1", "1")
				if err != nil || !resp.Acked {
					t.Fatalf("click: %v", err)
				}
				if n := w.rows(t, "test_click"); n != 1 {
					t.Errorf("%d click rows after the ack, want 1", n)
				}
				eventually(t, "the message replaced through response_url", func() bool {
					m, ok := w.fake.Message(w.channel, ts)
					return ok && m.Text == "Gelezen, dank je!"
				})
			})

			t.Run("UnknownButton", func(t *testing.T) {
				w := newWorld(t, transport)
				ts := w.postButton(t, "oude_knop")
				before := w.writes(t)
				if _, err := w.fake.Click(ctx, w.anna, w.channel, ts, "oude_knop", "1"); err != nil {
					t.Fatal(err)
				}
				eventually(t, "the 'button no longer works' ephemeral", func() bool {
					for _, m := range w.fake.Ephemerals(w.anna) {
						if m.Text == testPhrases().UnknownAction {
							return true
						}
					}
					return false
				})
				if after := w.writes(t); after != before {
					t.Errorf("unknown button wrote %d rows", after-before)
				}
			})

			t.Run("ModalSubmission", func(t *testing.T) {
				w := newWorld(t, transport)
				if _, err := w.fake.Command(ctx, w.anna, w.channel, "/casus", "notitie"); err != nil {
					t.Fatal(err)
				}
				modal, ok := w.fake.TopModal(w.anna)
				if !ok || modal.CallbackID != callbackNotitie {
					t.Fatalf("no notitie modal open: %+v", modal)
				}
				resp, err := w.fake.SubmitView(ctx, w.anna, modal.ID, map[string]map[string]string{"notitie_blok": {"notitie_tekst": " "}})
				if err != nil {
					t.Fatal(err)
				}
				if resp.ResponseAction != "errors" || resp.Errors["notitie_blok"] == "" {
					t.Errorf("empty note: response_action %q errors %v, want errors", resp.ResponseAction, resp.Errors)
				}
				resp, err = w.fake.SubmitView(ctx, w.anna, modal.ID, map[string]map[string]string{"notitie_blok": {"notitie_tekst": "Goed gesprek"}})
				if err != nil {
					t.Fatal(err)
				}
				if resp.ResponseAction != "" {
					t.Errorf("response_action %q, want none (close)", resp.ResponseAction)
				}
				if n := w.rows(t, "test_submit"); n != 1 {
					t.Errorf("%d submit rows after the ack, want 1", n)
				}
				if _, open := w.fake.TopModal(w.anna); open {
					t.Error("modal still open")
				}
			})

			t.Run("EventAndRetry", func(t *testing.T) {
				w := newWorld(t, transport)
				resp, err := w.fake.Event(ctx, map[string]any{"type": "member_joined_channel", "user": w.anna, "channel": w.channel,
					"channel_type": "C", "team": w.fake.TeamID()})
				if err != nil || !resp.Acked {
					t.Fatalf("event: %v", err)
				}
				if n := w.rows(t, "test_event"); n != 1 {
					t.Fatalf("%d event rows, want 1", n)
				}
				for i := 0; i < 2; i++ {
					resp, err = w.fake.Redeliver(ctx, resp, "timeout")
					if err != nil || !resp.Acked {
						t.Fatalf("redelivery %d: %v (acked %v)", i+1, err, resp.Acked)
					}
				}
				if n := w.rows(t, "test_event"); n != 1 {
					t.Errorf("%d event rows after retries, want 1", n)
				}
			})

			t.Run("FailedEventRetried", func(t *testing.T) {
				w := newWorld(t, transport)
				resp, _ := w.fake.Event(ctx, map[string]any{"type": "member_left_channel", "user": w.anna, "channel": w.channel,
					"channel_type": "C", "team": w.fake.TeamID()})
				if resp.Acked {
					t.Fatalf("a failed event was acknowledged (status %d); Slack would not retry it", resp.Status)
				}
				if resp.EventID == "" {
					t.Fatal("no event id")
				}
				resp, err := w.fake.Redeliver(ctx, resp, "http_error")
				if err != nil || !resp.Acked {
					t.Fatalf("retry: %v (acked %v)", err, resp.Acked)
				}
				if n := w.rows(t, "test_left"); n != 1 {
					t.Errorf("%d rows after the retry, want 1", n)
				}
			})

			t.Run("UnknownEvent", func(t *testing.T) {
				w := newWorld(t, transport)
				before := w.writes(t)
				resp, err := w.fake.Event(ctx, map[string]any{"type": "reaction_added", "user": w.anna, "reaction": "tada",
					"item": map[string]any{"type": "message", "channel": w.channel, "ts": "1.000001"}})
				if err != nil || !resp.Acked {
					t.Fatalf("event: %v (acked %v)", err, resp.Acked)
				}
				if after := w.writes(t); after != before {
					t.Errorf("unknown event wrote %d rows", after-before)
				}
			})
		})
	}
}

func TestSocketModeRedeliveredClick(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "socket")
	ctx := context.Background()
	ts := w.postButton(t, actionGelezen)
	resp, err := w.fake.Click(ctx, w.anna, w.channel, ts, actionGelezen, "1")
	if err != nil {
		t.Fatal(err)
	}
	if resp, err = w.fake.Redeliver(ctx, resp, "timeout"); err != nil || !resp.Acked {
		t.Fatalf("redelivery: %v", err)
	}
	if n := w.rows(t, "test_click"); n != 1 {
		t.Errorf("%d click rows after a redelivery, want 1", n)
	}
}

func TestSocketModeReconnect(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "socket")
	ctx := context.Background()
	w.fake.DropConnections()
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := w.fake.WaitConnected(wctx, 1); err != nil {
		t.Fatalf("no reconnect: %v", err)
	}
	// The fake may still count the dropped connection for a moment; a command must get through regardless.
	eventually(t, "a command answered after the reconnect", func() bool {
		resp, err := w.fake.Command(ctx, w.anna, w.channel, "/training", "terug")
		return err == nil && payloadText(t, resp.Payload) == "Training: terug"
	})
}
