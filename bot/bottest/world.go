package bottest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/cmd/gesprekbot/app"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// Timeout bounds each helper's wait for the fake's answer and for the work after the ack.
const Timeout = 10 * time.Second

// defaultSigningSecret signs the fake's HTTP-mode requests when the test sets no secret of its own.
const defaultSigningSecret = "bottest-signing-secret"

// Start is the test clock's time when a test gives none: a Monday morning in the course's season.
var Start = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// Options configures a World. The zero value is the bot in Socket Mode on a fresh database, with the built-in
// course, fast pacing, the clock at Start, and no logging.
type Options struct {
	// DatabaseURL is the bot's database (a storetest.NewRestartable's, say); a storetest.New when empty.
	DatabaseURL string
	// Now is where the World's clock starts (Start when zero).
	Now time.Time
	// Fake configures the Slack fake (its rate limits, ack timeout, ...). Its clock is the real one unless set, or
	// FakeOnClock.
	Fake slackfake.Options
	// FakeOnClock puts the fake on the World's clock too (message timestamps, rate limits), for tests that move
	// time through a whole course.
	FakeOnClock bool
	// Poster configures the Poster; pacing left unset is fast (see FastPacing).
	Poster bot.PosterOptions
	// Course is the course the bot runs; the built-in one when nil.
	Course *content.Course
	// Creators are TRAINING_CREATORS.
	Creators []string
	// HTTP connects the bot in HTTP mode (signed requests to its HTTP server) instead of Socket Mode.
	HTTP bool
	// AckTimeout bounds a handler's work before its ack; the Inbound's default when zero.
	AckTimeout time.Duration
	// Register adds the test's own handlers after the product's.
	Register func(reg *handlers.Registry)
	// Log receives the bot's logs; discarded when nil.
	Log *slog.Logger
	// TokenKeys seal the workspaces' bot tokens (TOKEN_ENCRYPTION_KEY); with them the bot also serves the OAuth
	// install (/slack/install) with the fake's client credentials and RedirectURL.
	TokenKeys *store.Keyring
}

// RedirectURL is the OAuth redirect URL the World's bot is configured with. Its host is not the bot's (the port
// is chosen at start): a test follows the consent page's redirect to the same path on App.Addr().
const RedirectURL = "http://127.0.0.1/slack/oauth/callback"

// World is the bot as app.New builds it — every product handler, the Poster, the inbound side, the scheduler's
// dispatcher — on a fresh database and a fresh Slack fake, connected. The dispatcher and the retention job do not
// run on their own (app.Overrides.ManualTicks): the test calls Tick, so that what is sent is what it made due.
type World struct {
	App *app.App
	// Driver is the people in Slack: w.Fake, w.Inbound, and w.Command, w.Click, w.Submit, ...
	Driver
	Clock    *Clock             // the bot's clock: the store's, the handlers', the dispatcher's
	DB       *store.DB          // the bot's database handle, reading Clock
	API      *slack.Client      // the slack-go client on the fake, with the bot and app tokens
	Poster   *bot.Poster        // the bot's one path to Slack
	Registry *handlers.Registry // every registered handler
	Course   *content.Course
	Log      *slog.Logger
	// Tokens are the bot tokens of the fake's workspaces, as the bot's token source (app.Config.Tokens).
	Tokens *Tokens
}

// FastPacing returns o with every rate it leaves unset far above what a test sends (bot.WithoutLimits), and a
// short first backoff, so that tests do not wait on Slack's real limits.
func FastPacing(o bot.PosterOptions) bot.PosterOptions {
	o = bot.WithoutLimits(o)
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = 10 * time.Millisecond
	}
	return o
}

// New builds the bot with app.New on a fresh database (storetest) against a Slack fake that fails t on every
// Block Kit violation, and connects it: it returns once Socket Mode is open (or the fake sends to the HTTP
// server). Everything stops when the test ends, in app.App.Close's order.
func New(t testing.TB, opts Options) *World {
	t.Helper()
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Now.IsZero() {
		opts.Now = Start
	}
	if opts.HTTP && opts.Fake.SigningSecret == "" {
		opts.Fake.SigningSecret = defaultSigningSecret
	}
	w := &World{Clock: NewClock(opts.Now), Log: opts.Log}
	if opts.FakeOnClock {
		opts.Fake.Now = w.Clock.Now
	}
	w.Fake = slackfake.New(opts.Fake)
	t.Cleanup(w.Fake.Close)
	w.Fake.StrictT(t)
	var db *store.DB
	if opts.DatabaseURL == "" {
		db = storetest.New(t) // its connections go on to the next test (storetest/reuse.go)
	}
	cfg := app.Config{Mode: app.ModeSocket, DatabaseURL: opts.DatabaseURL, HTTPAddr: "127.0.0.1:0",
		SlackAPIURL: w.Fake.APIURL(), SlackBotToken: w.Fake.BotToken(), SlackAppToken: w.Fake.AppToken(),
		Course: opts.Course, TrainingCreators: opts.Creators}
	if opts.TokenKeys != nil {
		// Installs with OAuth v2: the other workspaces' tokens are the store's (app.Config.Tokens nil).
		cfg.TokenKeys, cfg.SlackClientID, cfg.SlackClientSecret = opts.TokenKeys, w.Fake.ClientID(), w.Fake.ClientSecret()
		cfg.SlackRedirectURL = RedirectURL
	} else {
		w.Tokens = &Tokens{Fake: w.Fake}
		cfg.Tokens = w.Tokens
	}
	if opts.HTTP {
		cfg.Mode, cfg.SlackAppToken, cfg.SlackSigningSecret = app.ModeHTTP, "", opts.Fake.SigningSecret
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, err := app.New(ctx, cfg, app.Overrides{Now: w.Clock.Now, Log: opts.Log, Poster: FastPacing(opts.Poster),
		AckTimeout: opts.AckTimeout, Register: opts.Register, ManualTicks: true, DB: db})
	if err != nil {
		t.Fatalf("bottest: build the bot: %v", err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("bottest: close the bot: %v", err)
		}
	})
	w.App, w.DB, w.API, w.Poster, w.Registry, w.Inbound, w.Course = a, a.DB, a.API, a.Poster, a.Registry, a.Inbound, a.Course
	if opts.HTTP {
		w.Fake.UseHTTP("http://"+a.Addr(), opts.Fake.SigningSecret)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatalf("bottest: start the bot: %v", err)
	}
	if !opts.HTTP {
		if err := w.Fake.WaitConnected(ctx, 1); err != nil {
			t.Fatalf("bot did not connect: %v", err)
		}
	}
	return w
}

// Tick runs one round of the bot's dispatcher at the clock's time: the deliveries due are posted.
func (w *World) Tick(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	if _, err := w.App.Dispatcher.Tick(ctx); err != nil {
		t.Fatalf("dispatcher tick: %v", err)
	}
}

// AddUser adds a person to the fake workspace and returns their user ID.
func (w *World) AddUser(u slackfake.User) string { return w.Fake.AddUser(u) }

// AddChannel adds a channel with members (and the bot) to the fake workspace and returns its ID.
func (w *World) AddChannel(name string, members ...string) string {
	return w.Fake.AddChannel(slackfake.Channel{Name: name, Members: append([]string{w.Fake.BotUserID()}, members...)})
}

// AddTeamChannel adds a channel with members (and that workspace's bot) to one of the fake's workspaces.
func (w *World) AddTeamChannel(teamID, name string, members ...string) string {
	bot := ""
	for _, t := range w.Fake.Teams() {
		if t.ID == teamID {
			bot = t.BotUserID
		}
	}
	return w.Fake.AddChannel(slackfake.Channel{Team: teamID, Name: name, Members: append([]string{bot}, members...)})
}
