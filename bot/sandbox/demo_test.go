package sandbox_test

import (
	"context"
	"testing"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/sandbox"
	"github.com/gesprekbot/gesprekbot/handlers"
)

// The demo trainer may set up a training in the sandbox (/training nieuw is for workspace admins): users.info on
// the fake says she is the workspace's admin, and the gate lets her; the demo participants may not.
func TestDemoTrainerMaySetUpTraining(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testDB(t)
	e := newEnv(t, db)
	api := slack.New(e.fake.BotToken(), slack.OptionAPIURL(e.fake.APIURL()))
	gate := handlers.NewGate(handlers.GateDeps{Store: db, Slack: bot.NewPoster(api, bot.PosterOptions{})})
	for _, u := range sandbox.DemoUsers {
		ok, err := gate.CanCreate(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := u.Role == sandbox.RoleTrainer; ok != want {
			t.Errorf("%s (%s) may set up a training: %v, want %v", u.Name, u.Role, ok, want)
		}
	}
}
