package bottest_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/handlers"
)

// openCommand is the test's own command: it opens a modal whose callback_id is its text, so that every registered
// view can be submitted and closed as Slack would.
const openCommand = "/bottest-open"

// requests records the Inbound's log of each request: handled (a registered handler ran) or not.
type requests struct {
	mu   sync.Mutex
	seen []string // "handled <kind> <id>", "unknown <kind> <id>", "ignored event <type>"
}

func (r *requests) Enabled(context.Context, slog.Level) bool { return true }
func (r *requests) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *requests) WithGroup(string) slog.Handler            { return r }
func (r *requests) Handle(_ context.Context, rec slog.Record) error {
	attrs := map[string]string{}
	rec.Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value.String(); return true })
	var line string
	switch rec.Message {
	case "slack request handled":
		line = "handled " + attrs["kind"] + " " + attrs["id"]
	case "slack request unknown":
		line = "unknown " + attrs["kind"] + " " + attrs["id"]
	case "slack event ignored":
		line = "ignored event " + attrs["event_type"]
	default:
		return nil
	}
	r.mu.Lock()
	r.seen = append(r.seen, line)
	r.mu.Unlock()
	return nil
}

// take returns what was logged since the last take.
func (r *requests) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.seen
	r.seen = nil
	return out
}

// TestEveryEntryReachable walks the registry the real wiring (app.New) builds and sends each of its commands,
// actions, views and events through the fake as Slack would; each must reach a registered handler — not the
// "unknown command" answer, not an ignored event. A handler added to the product's wiring is in the world; one
// registered nowhere, or dropped from the wiring, fails here or in its own tests.
func TestEveryEntryReachable(t *testing.T) {
	t.Parallel()
	log := &requests{}
	var w *bottest.World
	w = bottest.New(t, bottest.Options{Log: slog.New(log), Register: func(reg *handlers.Registry) {
		reg.Command(openCommand, func(ctx context.Context, cmd slack.SlashCommand) (handlers.Response, error) {
			view := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: cmd.Text, NotifyOnClose: true,
				Title:  slack.NewTextBlockObject(slack.PlainTextType, "Test", false, false),
				Submit: slack.NewTextBlockObject(slack.PlainTextType, "Versturen", false, false),
				Close:  slack.NewTextBlockObject(slack.PlainTextType, "Annuleren", false, false),
				Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(
					slack.NewTextBlockObject(slack.PlainTextType, "Een test.", false, false), nil, nil)}},
			}
			_, err := w.Poster.OpenView(ctx, cmd.TriggerID, view)
			return handlers.Response{}, err
		})
	}})
	anna := w.AddUser(slackfake.User{Name: "anna", RealName: "Anna de Vries"})
	channel := w.AddChannel("het-gesprek", anna)

	entries := slices.DeleteFunc(w.Registry.Entries(), func(e string) bool { return e == "command "+openCommand })
	kinds := map[string]int{}
	for _, e := range entries {
		kind, key, _ := strings.Cut(e, " ")
		kinds[kind]++
		t.Run(e, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), bottest.Timeout)
			defer cancel()
			log.take()
			var err error
			want := ""
			switch kind {
			case "command":
				name, sub, _ := strings.Cut(key, " ")
				_, err = w.Fake.Command(ctx, anna, channel, name, sub)
				want = "handled slash_command " + name
			case "action":
				btn := slack.NewButtonBlockElement(key, "1", slack.NewTextBlockObject(slack.PlainTextType, "Knop", false, false))
				_, ts, perr := w.Poster.Post(ctx, channel, "knop", []slack.Block{slack.NewActionBlock("b", btn)})
				if perr != nil {
					t.Fatal(perr)
				}
				_, err = w.Fake.Click(ctx, anna, channel, ts, key, "")
				want = "handled block_actions " + key
			case "view", "view_closed":
				w.Command(t, anna, channel, openCommand, key)
				if _, ok := w.Fake.TopModal(anna); !ok {
					t.Fatalf("no modal open for %s", key)
				}
				if kind == "view" {
					_, err = w.Fake.SubmitView(ctx, anna, "", map[string]map[string]string{})
					want = "handled view_submission " + key
				} else {
					_, err = w.Fake.CloseView(ctx, anna)
					want = "handled view_closed " + key
				}
			case "event":
				if key == "app_home_opened" {
					_, err = w.Fake.OpenHome(ctx, anna)
				} else {
					_, err = w.Fake.Event(ctx, map[string]any{"type": key, "user": anna, "channel": channel,
						"channel_type": "channel", "text": "hallo", "team": w.Fake.TeamID()})
				}
				want = "handled event " + key
			default:
				t.Fatalf("entry of an unknown kind %q", kind)
			}
			if err != nil {
				t.Fatalf("send %s: %v", e, err)
			}
			w.Wait(t)
			got := log.take()
			if !slices.Contains(got, want) {
				t.Errorf("%s did not reach its handler; the bot logged %q, want %q", e, got, want)
			}
		})
	}
	// The walk is only as good as what it walked: the product registers commands, actions, views and events.
	for _, k := range []string{"command", "action", "view", "event"} {
		if kinds[k] == 0 {
			t.Errorf("the wiring registers no %s entry; the walk proves nothing about them", k)
		}
	}
}
