package handlers_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack/slackevents"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// bots is the workspace's bots as users.info would say.
type bots map[string]bool

func (b bots) IsBot(_ context.Context, userID string) (bool, error) { return b[userID], nil }

func joined(user, channel string) slackevents.EventsAPIEvent {
	return slackevents.EventsAPIEvent{Type: slackevents.CallbackEvent, InnerEvent: slackevents.EventsAPIInnerEvent{
		Type: handlers.EventMemberJoinedChannel,
		Data: &slackevents.MemberJoinedChannelEvent{Type: handlers.EventMemberJoinedChannel, User: user, Channel: channel},
	}}
}

func TestMemberJoined(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := fixedCohort("johanna")
	db, d := seededRenderer(t, c)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, deliveryTZ)
	reg := handlers.NewRegistry(d.Course.Phrases, bottest.QuietLog())
	handlers.RegisterMemberJoined(reg, &handlers.MemberJoined{
		Store: db, Users: bots{"U0OTHERBOT": true}, BotUserID: "U0GESPREKBOT",
		Now: func() time.Time { return now },
		NextSendable: func(c *content.Cohort, t time.Time) (time.Time, error) {
			cal, err := scheduler.NewCalendar(c)
			if err != nil {
				return time.Time{}, err
			}
			return cal.NextSendable(t), nil
		},
	})
	join := func(t *testing.T, user, channel string) {
		t.Helper()
		handled, err := reg.HandleEvent(ctx, joined(user, channel))
		if err != nil || !handled {
			t.Fatalf("handled = %v, err = %v", handled, err)
		}
	}
	count := func(t *testing.T, q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.GetContext(ctx, &n, q, args...); err != nil {
			t.Fatal(err)
		}
		return n
	}
	participant := func(t *testing.T, user string) bool {
		return count(t, `SELECT count(*) FROM participants WHERE cohort_id = $1 AND user_id = $2`, c.ID, user) == 1
	}
	catchUps := func(t *testing.T, user string) int {
		return count(t, `SELECT count(*) FROM deliveries WHERE cohort_id = $1 AND recipient = $2 AND kind = 'catch_up'`, c.ID, user)
	}

	t.Run("BeforeAnythingWasSent", func(t *testing.T) {
		join(t, "U0EARLY", c.Channel)
		if !participant(t, "U0EARLY") || catchUps(t, "U0EARLY") != 0 {
			t.Errorf("participant %v, %d catch-ups; want recorded without catch-up: the welcome still reaches them",
				participant(t, "U0EARLY"), catchUps(t, "U0EARLY"))
		}
	})

	addRows(t, db, c, channelRow{"preparation", 1, store.StatusSent})
	// Thursday evening in the quiet hours: the catch-up waits for Friday morning.
	now = time.Date(2026, 12, 3, 22, 30, 0, 0, deliveryTZ)

	t.Run("LateJoiner", func(t *testing.T) {
		join(t, "U0LATE", c.Channel)
		if !participant(t, "U0LATE") {
			t.Error("late joiner not recorded as participant")
		}
		ds, err := db.Deliveries(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []content.Delivery
		for _, del := range ds {
			if del.Recipient == "U0LATE" {
				got = append(got, del)
			}
		}
		if len(got) != 1 {
			t.Fatalf("%d deliveries for the late joiner, want 1 catch-up", len(got))
		}
		del := got[0]
		wantDue := time.Date(2026, 12, 4, 9, 0, 0, 0, deliveryTZ)
		switch {
		case del.Key != "c1/catchup/m0/U0LATE" || del.Kind != handlers.KindCatchUp || del.Audience != content.AudienceParticipant:
			t.Errorf("catch-up row = %+v", del)
		case !del.DueAt.Equal(wantDue):
			t.Errorf("catch-up due %v, want %v (after the quiet hours)", del.DueAt, wantDue)
		case del.Deadline == nil || !del.Deadline.Equal(c.Modules[3].End):
			t.Errorf("catch-up deadline %v, want the end of module 4", del.Deadline)
		case del.Status != store.StatusPending:
			t.Errorf("catch-up status %q, want pending for the dispatcher", del.Status)
		case del.Title != "Bijpraten na later instromen":
			t.Errorf("catch-up title %q, want the catchup_title phrase for plans and the sandbox clock", del.Title)
		}
	})

	t.Run("RetriedEvent", func(t *testing.T) {
		join(t, "U0LATE", c.Channel)
		join(t, "U0LATE", c.Channel)
		if n := catchUps(t, "U0LATE"); n != 1 {
			t.Errorf("%d catch-ups after retries, want 1", n)
		}
	})

	t.Run("EarlyMemberRejoins", func(t *testing.T) {
		join(t, "U0EARLY", c.Channel)
		if n := catchUps(t, "U0EARLY"); n != 0 {
			t.Errorf("%d catch-ups for someone who was there from the start, want 0", n)
		}
	})

	for _, tt := range []struct{ name, user, channel string }{
		{"Trainer", "U0TRAINER1", c.Channel},
		{"OtherBot", "U0OTHERBOT", c.Channel},
		{"TheBotItself", "U0GESPREKBOT", c.Channel},
		{"OtherChannel", "U0ELSEWHERE", "C0KOFFIE"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			join(t, tt.user, tt.channel)
			if participant(t, tt.user) || catchUps(t, tt.user) != 0 {
				t.Errorf("%s was recorded", tt.user)
			}
		})
	}

	t.Run("AfterTheCourse", func(t *testing.T) {
		now = c.Modules[3].End.Add(time.Hour)
		join(t, "U0TOOLATE", c.Channel)
		if !participant(t, "U0TOOLATE") || catchUps(t, "U0TOOLATE") != 0 {
			t.Error("after the course: want recorded, with nothing to catch up on")
		}
	})

	t.Run("CatchUpRenders", func(t *testing.T) {
		d.Now = func() time.Time { return time.Date(2026, 12, 4, 9, 0, 0, 0, deliveryTZ) }
		text, blocks, err := d.Render(ctx, c, content.Delivery{Key: "c1/catchup/m0/U0LATE", Kind: handlers.KindCatchUp,
			RuleID: handlers.KindCatchUp, Audience: content.AudienceParticipant, Recipient: "U0LATE"}, "U0LATE")
		if err != nil {
			t.Fatal(err)
		}
		checkBlockKit(t, blocks)
		var raw strings.Builder
		enc := json.NewEncoder(&raw)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(blocks); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"<@U0LATE>", "voorbereiding van module 1", "reading_done:0", "meter_start"} {
			if !strings.Contains(raw.String(), want) {
				t.Errorf("catch-up lacks %q:\n%s", want, text)
			}
		}
	})
}
