package bot_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
)

// defaultSigningSecret signs the fake's HTTP-mode requests when the test sets no secret of its own.
const defaultSigningSecret = "bottest-signing-secret"

// bareOptions configures a bare bot. The zero value is a Socket Mode bot with the default course's phrases, fast pacing
// and no logging.
type bareOptions struct {
	// Fake configures the Slack fake (its clock, signing secret, rate limits, ...).
	Fake slackfake.Options
	// Poster configures the Poster; pacing left unset is fast (see FastPacing), Log and Audit default to the
	// World's log and database.
	Poster bot.PosterOptions
	// Phrases are the registry's error and help texts; the default course's when empty.
	Phrases content.Phrases
	// HTTP connects the bot in HTTP mode (signed requests to an httptest server) instead of Socket Mode.
	HTTP bool
	// Log receives the bot's logs; discarded when nil.
	Log *slog.Logger
}

// bare is the bot package's transports alone — the Poster, the Inbound over a registry of the test's own handlers,
// and Socket Mode or HTTP mode — on a fresh Slack fake: for the tests of the transports with synthetic handlers
// (their event types are the product's, so they cannot join the product's registry). Anything that stands for
// "the bot" uses bottest.World, the real wiring. Register the handlers on Registry, then Connect.
type bare struct {
	bottest.Driver               // Fake, Inbound, and the user's side: Command, Click, Submit, ...
	API            *slack.Client // the slack-go client on the fake, with the bot and app tokens
	Poster         *bot.Poster
	Registry       *handlers.Registry
	DB             *store.DB
	Log            *slog.Logger

	http    bool
	secret  string
	ctx     context.Context
	cancel  context.CancelFunc
	running chan struct{} // closed when Socket Mode has stopped; nil before Connect
	srv     *httptest.Server
}

// newBare starts a Slack fake that fails t on every Block Kit violation and wires the bot to it over db (which may
// be nil for a bot without a database: no audit rows, no event dedupe). Nothing is connected until Connect.
// Everything stops when the test ends, after the work started after acks has finished.
func newBare(t testing.TB, db *store.DB, opts bareOptions) *bare {
	t.Helper()
	if opts.Log == nil {
		opts.Log = bottest.QuietLog()
	}
	if opts.Phrases.ErrorGeneric == "" {
		course, err := content.Default()
		if err != nil {
			t.Fatalf("bare: default course: %v", err)
		}
		opts.Phrases = course.Phrases
	}
	if opts.HTTP && opts.Fake.SigningSecret == "" {
		opts.Fake.SigningSecret = defaultSigningSecret
	}
	w := &bare{Driver: bottest.Driver{Fake: slackfake.New(opts.Fake)}, DB: db, Log: opts.Log, http: opts.HTTP, secret: opts.Fake.SigningSecret}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	t.Cleanup(w.close)
	w.Fake.StrictT(t)

	// Not cmd's client (bot.NewHTTPClient), whose one pool the response_url replies share: a click's reply then
	// lands before a test's next click on the same message, and TestMeterVoormetingAndEindmeting's double click
	// counts on it landing after. The Poster's attempts have their own deadline either way.
	w.API = slack.New(w.Fake.BotToken(), slack.OptionAPIURL(w.Fake.APIURL()), slack.OptionAppLevelToken(w.Fake.AppToken()))
	po := bottest.FastPacing(opts.Poster)
	if po.Log == nil {
		po.Log = w.Log
	}
	dopts := bot.InboundOptions{Log: w.Log}
	if db != nil {
		// Only a non-nil database goes into the interfaces: a nil *store.DB in them would not read as nil.
		if po.Audit == nil {
			po.Audit = db
		}
		dopts.Events = db
	}
	w.Poster = bot.NewPoster(w.API, po)
	w.Registry = handlers.NewRegistry(opts.Phrases, w.Log)
	dopts.Registry, dopts.Responder = w.Registry, w.Poster
	w.Inbound = bot.NewInbound(dopts)
	return w
}

// Connect connects the bot to the fake: Socket Mode, waiting until the connection is open, or HTTP mode. Register
// every handler before: the registry is not safe to change while requests come in.
func (w *bare) Connect(t testing.TB) {
	t.Helper()
	if w.running != nil || w.srv != nil {
		t.Fatal("bare: connected twice")
	}
	if w.http {
		w.srv = httptest.NewServer(bot.NewHTTP(bot.HTTPOptions{SigningSecret: w.secret, Inbound: w.Inbound, Log: w.Log}))
		w.Fake.UseHTTP(w.srv.URL, w.secret)
		return
	}
	sm := bot.NewSocketMode(w.API, w.Inbound, w.Log)
	running := make(chan struct{})
	w.running = running
	go func() {
		defer close(running)
		if err := sm.Run(w.ctx); err != nil {
			t.Errorf("bare: socket mode: %v", err)
		}
	}()
	ctx, cancel := context.WithTimeout(w.ctx, bottest.Timeout)
	defer cancel()
	if err := w.Fake.WaitConnected(ctx, 1); err != nil {
		t.Fatalf("bot did not connect: %v", err)
	}
}

// close stops the bot, lets the work after acks finish and closes the fake.
func (w *bare) close() {
	w.cancel()
	if w.running != nil {
		<-w.running
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if w.Inbound.Wait(ctx) != nil {
		// Work that would outlive the test (App Home publishes waiting for Slack's rate limit): cancel it.
		w.Inbound.Close()
		cctx, ccancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer ccancel()
		w.Inbound.Wait(cctx)
	}
	if w.srv != nil {
		w.srv.Close()
	}
	w.Fake.Close()
}
