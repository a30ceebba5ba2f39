package sandbox_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/sandbox"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// env is a sandbox wired like cmd/gesprekbot wires it with no Slack tokens: the fake, the bot connected to it
// over Socket Mode with the product's handlers, the real dispatcher and renderer, and the sandbox's HTTP server.
type env struct {
	db    *store.DB
	clock *sandbox.Clock
	fake  *slackfake.Server
	sb    *sandbox.Sandbox
	srv   *httptest.Server
	stop  func()
}

const (
	// The test's own slash command opens a small modal, so that TestAPI covers the view endpoints (open, refused
	// submit with errors per block, good submit) without depending on a product modal's fields.
	testCommand  = "/sandboxtest"
	testCallback = "sandboxtest_naam"
)

// newEnv starts everything on db; a second newEnv on the same db is a restart.
func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	clock, err := sandbox.LoadClock(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	db.Now = clock.Now
	fake := slackfake.New(slackfake.Options{Now: clock.Now})
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken(fake.AppToken()))
	poster := bot.NewPoster(api, bot.PosterOptions{Log: log, Audit: db})

	deliveries := handlers.NewDeliveries(course, db)
	deliveries.Now = clock.Now
	disp := scheduler.NewDispatcher(db, bot.NewSender(poster), deliveries,
		scheduler.DispatchOptions{Now: clock.Now, Log: log})

	sb := sandbox.New(sandbox.Options{Fake: fake, Clock: clock, Store: db, Course: course, Log: log,
		Tick: func(ctx context.Context) error { _, err := disp.Tick(ctx); return err }})
	if err := sb.Start(ctx); err != nil {
		t.Fatal(err)
	}

	reg := handlers.NewRegistry(course.Phrases, log)
	handlers.RegisterHelp(reg, trainerLookup{}, log)
	handlers.RegisterProgressButtons(reg, course, db)
	registerTestModal(reg, api, poster)
	d := bot.NewDispatcher(bot.DispatcherOptions{Registry: reg, Events: db, Responder: poster, Log: log})
	sm := bot.NewSocketMode(api, d, log)
	done := make(chan struct{})
	go func() { defer close(done); _ = sm.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := fake.WaitConnected(wctx, 1); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	e := &env{db: db, clock: clock, fake: fake, sb: sb, srv: srv}
	var stopped bool
	e.stop = func() {
		if stopped {
			return
		}
		stopped = true
		srv.Close()
		sb.Close()
		cancel()
		<-done
		_ = d.Wait(context.Background())
		fake.Close()
	}
	t.Cleanup(e.stop)
	return e
}

type trainerLookup struct{}

func (trainerLookup) IsTrainer(_ context.Context, userID string) (bool, error) {
	return userID == sandbox.DemoUsers[0].ID, nil
}

// registerTestModal registers /sandboxtest: a modal asking for a name; an empty name is refused per block, a
// name gets a thank-you DM.
func registerTestModal(reg *handlers.Registry, api *slack.Client, poster *bot.Poster) {
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
		if _, err := api.OpenViewContext(ctx, cmd.TriggerID, view); err != nil {
			return handlers.Response{}, err
		}
		return handlers.Response{}, nil
	})
	reg.ViewSubmission(testCallback, func(ctx context.Context, cb slack.InteractionCallback) (handlers.ViewResponse, error) {
		naam := strings.TrimSpace(cb.View.State.Values["naam"]["naam"].Value)
		if naam == "" {
			return handlers.ViewErrors(map[string]string{"naam": "Vul een naam in."}), nil
		}
		if _, err := poster.Post(ctx, bot.Message{Channel: cb.User.ID, Text: "Dank je, " + naam + "!"}); err != nil {
			return handlers.ViewResponse{}, err
		}
		return handlers.ViewResponse{}, nil
	})
}
