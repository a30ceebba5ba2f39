package bottest_test

import (
	"context"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// TestCommandWaitsForLater checks, in both transports, that Command returns only once the work after the ack has
// posted, and that a button on that post can be clicked with Click.
func TestCommandWaitsForLater(t *testing.T) {
	for _, tt := range []struct {
		name string
		http bool
	}{{"SocketMode", false}, {"HTTP", true}} {
		t.Run(tt.name, func(t *testing.T) {
			clicked := make(chan string, 1)
			var w *bottest.World
			register := func(reg *handlers.Registry) {
				reg.Command("/later", func(ctx context.Context, cmd slack.SlashCommand) (handlers.Response, error) {
					return handlers.Response{Later: func(ctx context.Context) (*handlers.Reply, error) {
						// Slow enough that a helper which did not wait would look before the post.
						time.Sleep(100 * time.Millisecond)
						btn := slack.NewButtonBlockElement("klaar", "1", slack.NewTextBlockObject(slack.PlainTextType, "Klaar", false, false))
						_, _, err := w.Poster.Post(ctx, cmd.ChannelID, "Later gepost", []slack.Block{slack.NewActionBlock("b", btn)})
						return nil, err
					}}, nil
				})
				reg.Action("klaar", func(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) (handlers.Response, error) {
					return handlers.Response{Later: func(ctx context.Context) (*handlers.Reply, error) {
						time.Sleep(100 * time.Millisecond)
						clicked <- a.Value
						return nil, nil
					}}, nil
				})
			}
			w = bottest.New(t, bottest.Options{HTTP: tt.http, Register: register})
			anna := w.AddUser(slackfake.User{Name: "anna"})
			channel := w.AddChannel("groep", anna)

			w.Command(t, anna, channel, "/later", "")
			msgs := w.Fake.Messages(channel)
			if len(msgs) != 1 || msgs[0].Text != "Later gepost" {
				t.Fatalf("after Command the channel holds %+v, want the post of the Later work", msgs)
			}
			w.Click(t, anna, channel, msgs[0].TS, "klaar", "")
			select {
			case v := <-clicked:
				if v != "1" {
					t.Errorf("click carried value %q", v)
				}
			default:
				t.Fatal("Click returned before the work after the ack was done")
			}
		})
	}
}

func TestMain(m *testing.M) { storetest.Main(m) }

func TestClock(t *testing.T) {
	start := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	c := bottest.NewClock(start)
	c.Add(time.Minute)
	if got := c.Now(); !got.Equal(start.Add(time.Minute)) {
		t.Errorf("after Add: %v", got)
	}
	c.Set(start)
	if got := c.Now(); !got.Equal(start) {
		t.Errorf("after Set: %v", got)
	}
}

// The world lends the bot its database (app.Overrides.DB): the bot's Close leaves it open, for the tests after.
func TestWorldDatabaseOutlivesTheBot(t *testing.T) {
	w := bottest.New(t, bottest.Options{})
	if err := w.App.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.DB.PingContext(context.Background()); err != nil {
		t.Errorf("the lent database after the bot's Close: %v", err)
	}
}
