package sandbox_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/sandbox"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/cmd/gesprekbot/app"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// env is the sandbox as app.New builds it with no Slack tokens: the fake, the bot connected to it over Socket Mode
// with every product handler (and the test's /sandboxtest), the real dispatcher and renderer, and the sandbox
// page on the bot's HTTP server.
type env struct {
	app   *app.App
	clock *sandbox.Clock
	fake  *slackfake.Server
	sb    *sandbox.Sandbox
	base  string // the HTTP server's base URL
	stop  func()
}

const (
	// The test's own slash command opens a small modal, so that TestAPI covers the view endpoints (open, refused
	// submit with errors per block, good submit) without depending on a product modal's fields.
	testCommand  = "/sandboxtest"
	testCallback = "sandboxtest_naam"
)

// testDB returns a database of the test's own, which outlives the bot's restarts (lent to each, as the tests'
// world does: its connections stay open).
func testDB(t *testing.T) *store.DB {
	t.Helper()
	return storetest.New(t)
}

// newEnv starts the sandbox on db; a second newEnv on the same db is a restart.
func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	return newEnvWith(t, db, app.Overrides{})
}

// newEnvWith is newEnv with more of app.New's overrides (its DB and Register are newEnv's).
func newEnvWith(t *testing.T, db *store.DB, ov app.Overrides) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var a *app.App
	ov.DB = db
	ov.Register = func(reg *handlers.Registry) { registerTestModal(reg, func() *app.App { return a }) }
	a, err := app.New(ctx, app.Config{Mode: app.ModeSandbox, HTTPAddr: "127.0.0.1:0"}, ov)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Fake.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	e := &env{app: a, clock: a.Clock, fake: a.Fake, sb: a.Sandbox, base: "http://" + a.Addr()}
	e.stop = func() { a.Close() }
	t.Cleanup(e.stop)
	return e
}

// registerTestModal registers /sandboxtest: a modal asking for a name; an empty name is refused per block, a
// name gets a thank-you DM.
func registerTestModal(reg *handlers.Registry, bot func() *app.App) {
	reg.Command(testCommand, func(ctx context.Context, cmd slack.SlashCommand) (handlers.Response, error) {
		input := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "Bijvoorbeeld Sanne", false, false), "naam")
		view := slack.ModalViewRequest{
			Type:       slack.VTModal,
			CallbackID: testCallback,
			Title:      slack.NewTextBlockObject(slack.PlainTextType, "Even voorstellen", false, false),
			Submit:     slack.NewTextBlockObject(slack.PlainTextType, "Versturen", false, false),
			Close:      slack.NewTextBlockObject(slack.PlainTextType, "Annuleren", false, false),
			Blocks: slack.Blocks{BlockSet: []slack.Block{
				slack.NewInputBlock("naam", slack.NewTextBlockObject(slack.PlainTextType, "Hoe wil je genoemd worden?", false, false), nil, input),
			}},
		}
		if _, err := bot().Poster.OpenView(ctx, cmd.TriggerID, view); err != nil {
			return handlers.Response{}, err
		}
		return handlers.Response{}, nil
	})
	reg.ViewSubmission(testCallback, func(ctx context.Context, cb slack.InteractionCallback) (handlers.ViewResponse, error) {
		naam := strings.TrimSpace(cb.View.State.Values["naam"]["naam"].Value)
		if naam == "" {
			return handlers.ViewErrors(map[string]string{"naam": "Vul een naam in."}), nil
		}
		if _, _, err := bot().Poster.Post(ctx, cb.User.ID, "Dank je, "+naam+"!", nil); err != nil {
			return handlers.ViewResponse{}, err
		}
		return handlers.ViewResponse{}, nil
	})
}
