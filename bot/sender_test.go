package bot_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/scheduler"
)

func TestSender(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fake := slackfake.New(slackfake.Options{})
	t.Cleanup(fake.Close)
	anna := fake.AddUser(slackfake.User{Name: "anna"})
	robot := fake.AddUser(slackfake.User{Name: "agenda", IsBot: true, BotID: "B0AGENDA"})
	channel := fake.AddChannel(slackfake.Channel{Name: "het-gesprek", Members: []string{fake.BotUserID(), anna, robot}})
	archived := fake.AddChannel(slackfake.Channel{Name: "oud", Archived: true, Members: []string{fake.BotUserID()}})
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
	s := bot.NewSender(bot.NewPoster(api, bot.PosterOptions{Log: bottest.QuietLog()}))

	t.Run("Members", func(t *testing.T) {
		got, err := s.Members(ctx, channel)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		want := []string{fake.BotUserID(), anna, robot}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("members %v, want %v", got, want)
		}
	})
	t.Run("IsBot", func(t *testing.T) {
		for id, want := range map[string]bool{anna: false, robot: true, fake.BotUserID(): true} {
			got, err := s.IsBot(ctx, id)
			if err != nil || got != want {
				t.Errorf("IsBot(%s) = %v, %v; want %v", id, got, err, want)
			}
		}
	})
	t.Run("PostToUserLandsInTheirDMAndIsFound", func(t *testing.T) {
		ch, ts, found, err := s.Post(ctx, anna, "Welkom!", nil, "c1/welcome/m1/"+anna)
		if err != nil || found {
			t.Fatalf("post: %v (found %v)", err, found)
		}
		if ch != fake.IMWith(anna) {
			t.Errorf("posted in %s, want anna's DM %s", ch, fake.IMWith(anna))
		}
		fch, fts, ok, err := s.FindDelivery(ctx, anna, "c1/welcome/m1/"+anna, time.Now().Add(-time.Hour))
		if err != nil || !ok || fts != ts || fch != ch {
			t.Errorf("find = %s %s %v %v, want %s %s", fch, fts, ok, err, ch, ts)
		}
		if _, _, ok, err := s.FindDelivery(ctx, anna, "c1/other/m1/"+anna, time.Time{}); err != nil || ok {
			t.Errorf("found a key never posted (err %v)", err)
		}
	})
	t.Run("EveryCallHasADeadline", func(t *testing.T) {
		// Slack holds every call; the Poster's attempts would wait 10 s each. The dispatcher's calls give up at
		// the Sender's Timeout, so that the row goes back for a retry.
		s := bot.NewSender(bot.NewPoster(api, bot.PosterOptions{Log: bottest.QuietLog()}))
		s.Timeout = 300 * time.Millisecond
		calls := []struct {
			method string
			call   func() error
		}{
			{"conversations.members", func() error { _, err := s.Members(ctx, channel); return err }},
			{"users.info", func() error { _, err := s.IsBot(ctx, anna); return err }},
			{"chat.postMessage", func() error { _, _, _, err := s.Post(ctx, channel, "Hallo", nil, "c1/deadline/m1"); return err }},
			{"conversations.history", func() error { _, _, _, err := s.FindDelivery(ctx, channel, "c1/deadline/m1", time.Time{}); return err }},
		}
		for _, c := range calls {
			fake.FailNext(c.method, 1, slackfake.FaultTimeout)
			done := make(chan error, 1)
			go func() { done <- c.call() }()
			select {
			case err := <-done:
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("%s held by Slack: %v, want the Sender's deadline", c.method, err)
				}
			case <-time.After(5 * time.Second):
				fake.ReleaseHeld()
				t.Errorf("%s held by Slack is still waiting", c.method)
				<-done
			}
		}
	})
	t.Run("PermanentErrors", func(t *testing.T) {
		_, _, _, err := s.Post(ctx, archived, "Hallo", nil, "c1/reminder_day/m1")
		var pe *scheduler.PermanentError
		if !errors.As(err, &pe) || pe.Reason != "is_archived" {
			t.Errorf("post to an archived channel: %v, want a PermanentError is_archived", err)
		}
		_, err = s.Members(ctx, "C0NOTHERE")
		if !errors.As(err, &pe) || pe.Reason != "channel_not_found" {
			t.Errorf("members of an unknown channel: %v, want a PermanentError channel_not_found", err)
		}
	})
	t.Run("WorkspaceErrors", func(t *testing.T) {
		// A refusal of the token pauses the dispatcher: every call the dispatcher makes says so.
		if err := s.CheckAuth(ctx); err != nil {
			t.Fatalf("CheckAuth with a valid token: %v", err)
		}
		for _, code := range []string{"token_revoked", "invalid_auth", "account_inactive", "token_expired"} {
			fake.RevokeBotToken(code)
			_, _, _, postErr := s.Post(ctx, channel, "Hallo", nil, "c1/reminder_day/m1")
			_, _, _, findErr := s.FindDelivery(ctx, anna, "c1/welcome/m1/"+anna, time.Time{})
			_, membersErr := s.Members(ctx, channel)
			_, botErr := s.IsBot(ctx, anna)
			for what, err := range map[string]error{"post": postErr, "find": findErr, "members": membersErr,
				"users.info": botErr, "auth.test": s.CheckAuth(ctx)} {
				var we *scheduler.WorkspaceError
				var pe *scheduler.PermanentError
				if !errors.As(err, &we) || we.Reason != code || errors.As(err, &pe) {
					t.Errorf("%s with the token %s: %v, want a WorkspaceError only", what, code, err)
				}
			}
		}
		fake.RestoreBotToken()
		// Errors about one conversation stay the message's own.
		_, _, _, err := s.Post(ctx, archived, "Hallo", nil, "c1/reminder_day/m1")
		var we *scheduler.WorkspaceError
		if errors.As(err, &we) {
			t.Errorf("is_archived read as a workspace error: %v", err)
		}
	})
}

// TestSenderBots: a few people are looked up with users.info each; more with one users.list, whose answer for
// everyone in the workspace comes back.
func TestSenderBots(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fake := slackfake.New(slackfake.Options{})
	t.Cleanup(fake.Close)
	robot := fake.AddUser(slackfake.User{Name: "agenda", IsBot: true, BotID: "B0AGENDA"})
	var people []string
	for range 8 {
		people = append(people, fake.AddUser(slackfake.User{}))
	}
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
	s := bot.NewSender(bot.NewPoster(api, bot.PosterOptions{Log: bottest.QuietLog()}))

	few := []string{people[0], robot}
	got, err := s.Bots(ctx, few)
	if err != nil || len(got) != 2 || got[people[0]] || !got[robot] {
		t.Errorf("Bots(a person, a bot) = %v, %v", got, err)
	}
	if n, m := len(fake.CallsTo("users.info")), len(fake.CallsTo("users.list")); n != 2 || m != 0 {
		t.Errorf("two people asked about with %d users.info and %d users.list, want 2 and 0", n, m)
	}

	many := append([]string{robot}, people[:6]...)
	got, err = s.Bots(ctx, many)
	if err != nil {
		t.Fatal(err)
	}
	if n, m := len(fake.CallsTo("users.info")), len(fake.CallsTo("users.list")); n != 2 || m != 1 {
		t.Errorf("seven people asked about with %d more users.info and %d users.list, want 0 and 1", n-2, m)
	}
	for _, id := range append(people, robot, fake.BotUserID()) {
		bot, ok := got[id]
		if want := id == robot || id == fake.BotUserID(); !ok || bot != want {
			t.Errorf("%s: bot %v (answered %v), want %v: the listing answers for everyone", id, bot, ok, want)
		}
	}
}
