package bot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// TestPosterPerTeam: the Poster calls Slack with the token of the request's workspace (store.TeamFrom), the
// default workspace's client without one, keeps each workspace's DMs apart, and takes a workspace whose token is
// gone as Slack's refusal of that workspace.
func TestPosterPerTeam(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(slackfake.Options{Teams: []slackfake.Team{{ID: "T0NOORD001"}, {ID: "T0ZUID0001"}}})
	t.Cleanup(fake.Close)
	fake.StrictT(t)
	zuid := fake.Teams()[1]
	anna := fake.AddUser(slackfake.User{Name: "anna"})
	piet := fake.AddUser(slackfake.User{Team: zuid.ID, Name: "piet"})
	noordCh := fake.AddChannel(slackfake.Channel{Name: "noord", Members: []string{anna, fake.BotUserID()}})
	zuidCh := fake.AddChannel(slackfake.Channel{Team: zuid.ID, Name: "zuid", Members: []string{piet, zuid.BotUserID}})
	tokens := &bottest.Tokens{Fake: fake}
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
	p := bot.NewPoster(api, bottest.FastPacing(bot.PosterOptions{Log: bottest.QuietLog(), Tokens: tokens,
		DefaultTeam: fake.TeamID(), APIURL: fake.APIURL()}))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	zctx := store.WithTeam(ctx, zuid.ID)

	if _, err := p.Send(zctx, bot.Message{Channel: zuidCh, Text: "hallo Zuid"}); err != nil {
		t.Fatalf("post in Zuid's channel for Zuid: %v", err)
	}
	if _, err := p.Send(ctx, bot.Message{Channel: noordCh, Text: "hallo Noord"}); err != nil {
		t.Fatalf("post in Noord's channel without a team: %v", err)
	}
	if _, err := p.Send(store.WithTeam(ctx, fake.TeamID()), bot.Message{Channel: noordCh, Text: "nog eens"}); err != nil {
		t.Fatalf("post in Noord's channel for Noord: %v", err)
	}
	if _, err := p.Send(zctx, bot.Message{Channel: noordCh, Text: "verkeerd"}); bot.PermanentReason(err) != "channel_not_found" {
		t.Errorf("post for Zuid in Noord's channel: %v, want channel_not_found", err)
	}
	var teams []string
	for _, c := range fake.CallsTo("chat.postMessage") {
		teams = append(teams, c.Team)
	}
	want := []string{zuid.ID, fake.TeamID(), fake.TeamID(), zuid.ID}
	if len(teams) != len(want) || teams[0] != want[0] || teams[1] != want[1] || teams[2] != want[2] || teams[3] != want[3] {
		t.Errorf("chat.postMessage acted in %v, want %v", teams, want)
	}

	// A DM to piet for Zuid opens Zuid's IM; anna's for Noord Noord's, each cached in its own workspace.
	zdm, err := p.OpenDM(zctx, piet)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := fake.Conversation(zdm); c.Team != zuid.ID {
		t.Errorf("piet's DM is in %q, want %s", c.Team, zuid.ID)
	}
	if _, err := p.OpenDM(ctx, piet); err == nil {
		t.Error("a DM for the default workspace to a person of Zuid was opened")
	}

	tokens.Uninstall(zuid.ID)
	_, err = p.Send(zctx, bot.Message{Channel: zuidCh, Text: "na verwijderen"})
	var pe *scheduler.PermanentError
	if !errors.As(err, &pe) || !pe.Workspace() {
		t.Errorf("post for an uninstalled workspace: %v, want a refusal of the workspace", err)
	}
	if n := len(fake.CallsTo("chat.postMessage")); n != 4 {
		t.Errorf("%d posts reached Slack, want none for the uninstalled workspace", n-4)
	}
	if _, err := p.Send(ctx, bot.Message{Channel: noordCh, Text: "Noord gaat door"}); err != nil {
		t.Errorf("Noord after Zuid was uninstalled: %v", err)
	}
}
