package slackfake_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
)

// TestTeams: one fake, two workspaces. Each bot token acts in its own workspace only, each workspace is counted
// against its own rate limits and its token can be revoked alone, and what the app receives carries the team of
// whoever acted.
func TestTeams(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, slackfake.Options{Teams: []slackfake.Team{
		{ID: "T0NOORD001", Name: "Gemeente Noord", Domain: "noord"},
		{ID: "T0ZUID0001", Name: "Gemeente Zuid", Domain: "zuid", BotToken: "xoxb-zuid"},
	}})
	fake := w.fake
	ctx := context.Background()
	if fake.TeamID() != "T0NOORD001" || fake.BotToken() != "xoxb-fake" {
		t.Fatalf("default team = %s with %s, want T0NOORD001 with the default token", fake.TeamID(), fake.BotToken())
	}
	teams := fake.Teams()
	if len(teams) != 2 || teams[1].ID != "T0ZUID0001" || teams[1].BotUserID == "" || teams[1].BotUserID == fake.BotUserID() {
		t.Fatalf("teams = %+v", teams)
	}
	zuid := teams[1]
	piet := fake.AddUser(slackfake.User{Team: zuid.ID, Name: "piet", Email: "piet@zuid.nl"})
	zuidCh := fake.AddChannel(slackfake.Channel{Team: zuid.ID, Name: "cohort-zuid", Members: []string{piet, zuid.BotUserID}})
	zuidAPI := slack.New(zuid.BotToken, slack.OptionAPIURL(fake.APIURL()))

	t.Run("AuthTest", func(t *testing.T) {
		res, err := zuidAPI.AuthTestContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.TeamID != zuid.ID || res.UserID != zuid.BotUserID || res.Team != "Gemeente Zuid" {
			t.Errorf("auth.test with Zuid's token = %+v", res)
		}
	})

	t.Run("Isolation", func(t *testing.T) {
		if _, _, err := zuidAPI.PostMessageContext(ctx, zuidCh, slack.MsgOptionText("hallo Zuid", false)); err != nil {
			t.Fatalf("Zuid posts in its own channel: %v", err)
		}
		if _, _, err := w.api.PostMessageContext(ctx, zuidCh, slack.MsgOptionText("van Noord", false)); slackErr(err) != "channel_not_found" {
			t.Errorf("Noord's token posts in Zuid's channel: %v, want channel_not_found", err)
		}
		if _, _, err := zuidAPI.PostMessageContext(ctx, w.channel, slack.MsgOptionText("van Zuid", false)); slackErr(err) != "channel_not_found" {
			t.Errorf("Zuid's token posts in Noord's channel: %v, want channel_not_found", err)
		}
		if _, err := zuidAPI.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: w.channel}); slackErr(err) != "channel_not_found" {
			t.Errorf("Zuid's token reads Noord's channel: %v, want channel_not_found", err)
		}
		if _, err := zuidAPI.GetUserInfoContext(ctx, w.anna); slackErr(err) != "user_not_found" {
			t.Errorf("Zuid's token looks up Noord's user: %v, want user_not_found", err)
		}
		if _, err := w.api.GetUserByEmailContext(ctx, "piet@zuid.nl"); slackErr(err) != "users_not_found" {
			t.Errorf("Noord's token finds Zuid's user by e-mail: %v, want users_not_found", err)
		}
		users, err := zuidAPI.GetUsersContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(users) != 2 {
			t.Errorf("users.list with Zuid's token = %d users, want Zuid's bot and piet", len(users))
		}
		chans, _, err := zuidAPI.GetConversationsContext(ctx, &slack.GetConversationsParameters{})
		if err != nil || len(chans) != 1 || chans[0].ID != zuidCh {
			t.Errorf("conversations.list with Zuid's token = %+v, %v", chans, err)
		}
		ch, _, _, err := zuidAPI.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{piet}})
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := fake.Conversation(ch.ID); c.Team != zuid.ID || c.User != piet {
			t.Errorf("Zuid's IM with piet = %+v", c)
		}
		if msgs := fake.Messages(w.channel); len(msgs) != 0 {
			t.Errorf("Noord's channel got %d messages", len(msgs))
		}
	})

	t.Run("RateLimitsPerTeam", func(t *testing.T) {
		fake.SetQuota("users.info", 1)
		defer fake.SetQuota("users.info", 0)
		if _, err := w.api.GetUserInfoContext(ctx, w.anna); err != nil {
			t.Fatal(err)
		}
		if _, err := zuidAPI.GetUserInfoContext(ctx, piet); err != nil {
			t.Errorf("Zuid's first users.info of the minute: %v; Noord's call must not count for Zuid", err)
		}
		if _, err := zuidAPI.GetUserInfoContext(ctx, piet); err == nil {
			t.Error("Zuid's second users.info of the minute was served over a quota of 1")
		}
	})

	t.Run("RevokeOneTeam", func(t *testing.T) {
		fake.RevokeTeamBotToken(zuid.ID, "")
		defer fake.RestoreTeamBotToken(zuid.ID)
		if _, err := zuidAPI.AuthTestContext(ctx); slackErr(err) != "token_revoked" {
			t.Errorf("Zuid's revoked token: %v, want token_revoked", err)
		}
		if _, err := w.api.AuthTestContext(ctx); err != nil {
			t.Errorf("Noord's token after Zuid's was revoked: %v", err)
		}
	})

	t.Run("DeliveriesCarryTheTeam", func(t *testing.T) {
		app := &httpApp{}
		srv := httptest.NewServer(app)
		defer srv.Close()
		fake.UseHTTP(srv.URL, secret)
		if _, err := fake.Command(ctx, piet, zuidCh, "/training", "help"); err != nil {
			t.Fatal(err)
		}
		if _, err := fake.Command(ctx, w.anna, w.channel, "/training", "help"); err != nil {
			t.Fatal(err)
		}
		if _, err := fake.OpenHome(ctx, piet); err != nil {
			t.Fatal(err)
		}
		if _, err := fake.Command(ctx, piet, w.channel, "/training", "help"); err == nil {
			t.Error("piet of Zuid typed a command in Noord's channel")
		}
		_, ts, err := zuidAPI.PostMessageContext(ctx, zuidCh, slack.MsgOptionBlocks(slack.NewActionBlock("a",
			slack.NewButtonBlockElement("ok", "1", slack.NewTextBlockObject("plain_text", "OK", false, false)))))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fake.Click(ctx, piet, zuidCh, ts, "ok", "1"); err != nil {
			t.Fatal(err)
		}
		app.mu.Lock()
		defer app.mu.Unlock()
		if len(app.commands) != 2 || app.commands[0].TeamID != zuid.ID || app.commands[0].TeamDomain != "zuid" ||
			app.commands[1].TeamID != "T0NOORD001" {
			t.Errorf("commands = %+v", app.commands)
		}
		if len(app.eventTeams) != 1 || app.eventTeams[0] != zuid.ID {
			t.Errorf("event teams = %v, want [%s]", app.eventTeams, zuid.ID)
		}
		if len(app.actions) != 1 || app.actions[0].Team.ID != zuid.ID || app.actions[0].User.TeamID != zuid.ID {
			t.Errorf("click = %+v", app.actions)
		}
	})
}
