// Package app is the one wiring of gesprekbot: New builds the whole bot from a Config — the course, the database,
// the Poster, every product handler in one registry, the inbound side over Socket Mode or HTTP mode, the
// scheduler's dispatcher, /healthz and /readyz, and in sandbox mode the Slack fake with the sandbox page — and
// Start, Run and Close run and stop it in the order that loses nothing.
//
// "gesprekbot run" and the sandbox (cmd/gesprekbot), the bench's child process (cmd/gesprekbot/bench) and the
// tests' world (bot/bottest) all build the bot here, so that a handler added to the wiring is in every one of them.
// Overrides are the only knobs (a clock, a logger, the poster's pacing, the ack timeout, a test's extra handlers);
// nothing is changed on a part once it is built.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/metrics"
	"github.com/gesprekbot/gesprekbot/bot/sandbox"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// How the bot reaches Slack (Config.Mode).
const (
	ModeSocket  = "socket"  // Socket Mode: SLACK_APP_TOKEN and SLACK_BOT_TOKEN
	ModeHTTP    = "http"    // HTTP mode: Slack's requests to /slack/…, signed with SLACK_SIGNING_SECRET
	ModeSandbox = "sandbox" // no tokens: the in-repo Slack fake and the sandbox page over it
)

// Config is what the bot is built from: cmd/gesprekbot fills it from the environment, tests and the bench from
// their own set-up.
type Config struct {
	Mode string // ModeSocket, ModeHTTP or ModeSandbox

	// The database: DatabaseURL, or with none a private PostgreSQL in DataDir (its binaries in PGBin, or on PATH).
	DatabaseURL string
	DataDir     string
	PGBin       string

	// Slack's Web API (its base URL, ending in "/") and the app's credentials; unused in sandbox mode.
	SlackAPIURL        string
	SlackBotToken      string
	SlackAppToken      string
	SlackSigningSecret string
	// Tokens gives the bot token of every other workspace the app is installed in; nil: the store's workspaces
	// when TokenKeys is set (installs with OAuth v2), else only the one workspace of SlackBotToken.
	Tokens bot.TokenSource

	// The install in other workspaces with OAuth v2 (install.go): served when SlackClientID is set, with the
	// client's secret and the redirect URL registered with Slack (its path is PathOAuthCallback).
	SlackClientID     string
	SlackClientSecret string
	SlackRedirectURL  string
	// TokenKeys seal the workspaces' bot tokens at rest (TOKEN_ENCRYPTION_KEY, TOKEN_ENCRYPTION_KEY_PREVIOUS);
	// required with SlackClientID.
	TokenKeys *store.Keyring

	// HTTPAddr is where /healthz, /readyz, HTTP mode's /slack/… and the sandbox page are served ("127.0.0.1:0"
	// takes a free port; Addr says which).
	HTTPAddr     string
	HTTPTimeouts HTTPTimeouts

	// Course is the course the bot runs; nil loads ContentDir (a trainer-edited copy), or the built-in course.
	Course     *content.Course
	ContentDir string

	// TrainingCreators may set up a training besides workspace admins and owners (TRAINING_CREATORS).
	TrainingCreators []string

	// RetentionMonths is how long after a cohort's last module its personal data is kept (RETENTION_MONTHS);
	// zero: scheduler.DefaultRetentionMonths.
	RetentionMonths int
}

// Overrides are the knobs of a bot that is not a deployment's: the zero value is what "gesprekbot run" builds.
type Overrides struct {
	// Now is the clock of the store, the handlers, the dispatcher and the poster's pacing (a test's clock). In
	// sandbox mode the sandbox's own clock, saved in the database, is the bot's and Now must be nil.
	Now func() time.Time
	// Log receives the bot's logs; discarded when nil.
	Log *slog.Logger
	// Poster sets the poster's pacing and retries (the bench paces it on its fake's limits; tests go fast). Log,
	// Audit and Now are always the bot's own; a nil HTTPClient is bot.NewHTTPClient's.
	Poster bot.PosterOptions
	// AckTimeout bounds a handler's work before its ack (bot.InboundOptions); zero: the Inbound's default.
	AckTimeout time.Duration
	// Register, when set, adds handlers of a test's own after the product's.
	Register func(reg *handlers.Registry)
	// ManualTicks leaves the dispatcher and the retention job to the test: Start does not run their schedules, and
	// deliveries go out when the test calls App.Dispatcher.Tick (with its clock where it wants it), not when a tick
	// of its own comes; retention warnings are planned when it calls App.Retention.RunOnce, not at some moment of
	// the test's set-up.
	ManualTicks bool
	// Notices receives the lines an operator reads on the terminal (which database is used); discarded when nil.
	Notices io.Writer
	// DB, when set, is the bot's database instead of one opened from Config.DatabaseURL: a test's from
	// storetest.New, whose connections outlive the bot. New migrates and claims it as any other; Close leaves it
	// open.
	DB *store.DB
}

// HTTPTimeouts bound the HTTP server's connections (net/http.Server's fields of the same names).
type HTTPTimeouts struct {
	ReadHeader time.Duration // a request's headers
	Read       time.Duration // a whole request, body included: a client sending its body slowly is cut off
	Write      time.Duration // from the end of the headers to the end of the answer
	Idle       time.Duration // a kept-alive connection between requests
}

// DefaultHTTPTimeouts fit what the server answers: Slack's requests (at most 1 MB, answered within 3 s), health
// checks and the sandbox page. A sandbox clock move that takes longer extends its own write deadline.
var DefaultHTTPTimeouts = HTTPTimeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second, Write: time.Minute,
	Idle: 2 * time.Minute}

// orDefault fills t's zero fields from DefaultHTTPTimeouts.
func (t HTTPTimeouts) orDefault() HTTPTimeouts {
	d := DefaultHTTPTimeouts
	for _, f := range []struct{ v, def *time.Duration }{{&t.ReadHeader, &d.ReadHeader}, {&t.Read, &d.Read},
		{&t.Write, &d.Write}, {&t.Idle, &d.Idle}} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return t
}

// Shutdown limits: each step of Close waits at most this long for what is in flight.
const (
	shutdownRequests   = 10 * time.Second // HTTP requests in flight
	shutdownHandlers   = 20 * time.Second // Slack handlers and the work after their acks
	shutdownDispatcher = 25 * time.Second // posts of deliveries in flight
)

// App is the whole bot, built by New. Its parts are exported for the bench and the tests to look at; they are
// built once and not replaced.
type App struct {
	Mode     string
	Course   *content.Course
	DB       *store.DB
	Local    *store.LocalServer // the private PostgreSQL, when Config.DatabaseURL is empty
	Now      func() time.Time   // the bot's clock: time.Now, Overrides.Now, or the sandbox's
	Log      *slog.Logger
	API      *slack.Client // slack-go on Slack's Web API (or the fake's)
	Poster   *bot.Poster
	Registry *handlers.Registry // every product handler, and Overrides.Register's
	Inbound  *bot.Inbound
	// Dispatcher sends the planned deliveries; Kick asks it for a tick now.
	Dispatcher *scheduler.Dispatcher
	BotUserID  string // auth.test's user_id
	TeamID     string
	// Metrics are the bot's Prometheus series, served at GET /metrics; their registry is the bot's own.
	Metrics *metrics.Metrics

	// The product handlers whose own methods run outside a request (the erasures left over, the scheduler's case
	// reveal), and that tests call directly.
	Home       *handlers.Home
	Privacy    *handlers.Privacy
	Casus      *handlers.Casus
	Meter      *handlers.Meter
	Deliveries *handlers.Deliveries // renders the planned deliveries for the dispatcher
	// Retention deletes personal data past its retention period, daily; the trainers are told a month before.
	Retention *scheduler.Retention

	// In sandbox mode: the fake workspace, the sandbox page over it, and its clock.
	Fake    *slackfake.Server
	Sandbox *sandbox.Sandbox
	Clock   *sandbox.Clock

	mux  *http.ServeMux
	http *http.Server
	ln   net.Listener
	// manualTicks: the dispatcher and the retention job do not run on their own (Overrides.ManualTicks).
	manualTicks bool
	// lentDB: the database is Overrides.DB, the caller's to close.
	lentDB bool

	// intake is the Socket Mode connection (Slack's requests); background the dispatcher, the event pruning and
	// the erasures. They stop apart, in Close's order: first no new requests, last the dispatcher.
	stopIntake, stopBackground context.CancelFunc
	intake, background         sync.WaitGroup
	started                    bool
	closeOnce                  sync.Once
	closeErr                   error
}

// New builds the bot of cfg: it loads the course, opens and migrates the database (starting the private
// PostgreSQL when there is no DatabaseURL), claims it for the sandbox or for the workspace auth.test names,
// builds every part, starts the sandbox's workspace and listens on HTTPAddr. Nothing talks to Slack's requests or
// sends deliveries until Start. On an error everything built so far is closed again. A database of the other
// world (store.WorldError) is refused before anything is written.
//
// The database is opened here from cfg: the bench and the tests that need a database of their own then run the
// same open, migrate and claim as a deployment, and Close owns the one handle. The tests' world lends one instead
// (Overrides.DB), whose connections serve test after test; it is migrated and claimed all the same.
func New(ctx context.Context, cfg Config, ov Overrides) (_ *App, err error) {
	log := ov.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	notices := ov.Notices
	if notices == nil {
		notices = io.Discard
	}
	a := &App{Mode: cfg.Mode, Course: cfg.Course, Log: log, Now: time.Now, manualTicks: ov.ManualTicks}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	switch cfg.Mode {
	case ModeSocket, ModeHTTP, ModeSandbox:
	default:
		return nil, fmt.Errorf("app: mode %q, want %s, %s or %s", cfg.Mode, ModeSocket, ModeHTTP, ModeSandbox)
	}
	if cfg.Mode == ModeSandbox && ov.Now != nil {
		return nil, errors.New("app: the sandbox runs on its own clock; Overrides.Now must be nil")
	}
	if a.Course == nil {
		if a.Course, err = LoadCourse(cfg.ContentDir); err != nil {
			return nil, err
		}
	}

	db := ov.DB
	if db != nil {
		a.lentDB = true
		err = db.Migrate(ctx)
	} else {
		db, a.Local, err = OpenDB(ctx, cfg, log, notices)
	}
	if err != nil {
		return nil, err
	}
	a.DB = db
	apiURL, botToken, appToken := cfg.SlackAPIURL, cfg.SlackBotToken, cfg.SlackAppToken
	if cfg.Mode == ModeSandbox {
		// Before the sandbox writes anything: never on a database a real workspace has used.
		if err := db.ClaimSandbox(ctx); err != nil {
			return nil, err
		}
		if a.Clock, err = sandbox.LoadClock(ctx, db); err != nil {
			return nil, fmt.Errorf("sandbox clock: %w", err)
		}
		a.Now = a.Clock.Now
		a.Fake = slackfake.New(slackfake.Options{Now: a.Clock.Now})
		apiURL, botToken, appToken = a.Fake.APIURL(), a.Fake.BotToken(), a.Fake.AppToken()
		// The sandbox's second demo workspace (sandbox.DemoTeam2) has a token of its own.
		cfg.Tokens = sandbox.Tokens{Fake: a.Fake}
	} else if ov.Now != nil {
		a.Now = ov.Now
	}
	// From here on every part reads the one clock, the database included.
	a.DB = db.WithNow(a.Now)
	a.DB.Keys = cfg.TokenKeys
	if cfg.Tokens == nil && cfg.TokenKeys != nil {
		// The workspaces installed with OAuth v2: their sealed tokens, opened per call (store/workspace.go).
		cfg.Tokens = a.DB
	}
	a.Metrics = metrics.New(metrics.Options{DB: db.DB.DB, Now: a.Now, Paused: func() []metrics.Pause {
		if a.Dispatcher == nil {
			return nil
		}
		var out []metrics.Pause
		for _, p := range a.Dispatcher.Paused() {
			out = append(out, metrics.Pause{Team: p.Team, Reason: p.Reason, Since: p.Since})
		}
		return out
	}})

	// One HTTP client with timeouts for every call to Slack: the Web API, file uploads, apps.connections.open and
	// response_url replies. Without one, slack-go's client waits on a stalled connection for ever.
	po := ov.Poster
	if cfg.Mode == ModeSandbox {
		// The sandbox's workspace is the fake in this process, which limits nothing: a move of its clock that sends
		// a fortnight's messages need not wait a second between two posts to one channel, as Slack would have it.
		po = bot.WithoutLimits(po)
	}
	po.Log, po.Audit, po.Observer = log, a.DB, a.Metrics
	if po.HTTPClient == nil {
		po.HTTPClient = bot.NewHTTPClient(po.AttemptTimeout)
	}
	a.API = slack.New(botToken, slack.OptionAPIURL(apiURL), slack.OptionAppLevelToken(appToken),
		slack.OptionHTTPClient(po.HTTPClient))
	authCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	auth, err := a.API.AuthTestContext(authCtx)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("slack auth.test with SLACK_BOT_TOKEN: %w", err)
	}
	a.BotUserID, a.TeamID = auth.UserID, auth.TeamID
	if cfg.Mode != ModeSandbox {
		// The token is real (auth.test passed): from now on this database is the workspace's. Before the
		// dispatcher runs: never on a database that holds the sandbox's demo data and moved clock.
		if err := a.DB.ClaimSlack(ctx, auth.TeamID, auth.Team); err != nil {
			return nil, err
		}
	}
	// The workspace of SLACK_BOT_TOKEN is the deployment's default one: cohorts saved before they had a workspace,
	// and those saved without one (a cohort file naming no team), are its.
	a.DB.DefaultTeam = auth.TeamID
	if n, err := a.DB.AdoptCohorts(ctx, auth.TeamID); err != nil {
		return nil, err
	} else if n > 0 {
		log.Info("cohorts without a workspace given the default one", slog.String("team", auth.TeamID), slog.Int64("cohorts", n))
	}
	po.Tokens, po.DefaultTeam, po.APIURL = cfg.Tokens, auth.TeamID, apiURL
	// Every replica on this database paces its calls to Slack within the one budget, on the database's clock
	// (unless a test set the poster's); one process alone uses it as well (the bench: no slower than in memory).
	po.Shared = a.DB
	a.Poster = bot.NewPoster(a.API, po)
	a.wire(cfg, ov)

	a.mux = http.NewServeMux()
	a.mux.HandleFunc("GET /healthz", a.healthz)
	a.mux.HandleFunc("GET /readyz", a.readyz)
	// Beside the sandbox page, not behind its token (like /healthz): the series hold no person, text or token
	// (metrics_test.go), and the sandbox listens on a loopback address only.
	a.mux.Handle("GET /metrics", a.Metrics.Handler())
	if a.Fake != nil {
		a.Sandbox = sandbox.New(sandbox.Options{Fake: a.Fake, Clock: a.Clock, Store: a.DB, Course: a.Course, Log: log,
			Tick: func(ctx context.Context) error { _, err := a.Dispatcher.Tick(ctx); return err }})
		// The workspace must exist, with what an earlier run left in it, before the bot connects.
		if err := a.Sandbox.Start(ctx); err != nil {
			return nil, fmt.Errorf("sandbox: %w", err)
		}
		a.mux.Handle("/", a.Sandbox.Handler())
	}
	if cfg.SlackClientID != "" {
		if cfg.Mode == ModeSandbox || cfg.TokenKeys == nil || cfg.SlackClientSecret == "" || cfg.SlackRedirectURL == "" {
			return nil, errors.New("app: the OAuth install needs Slack tokens, the client secret, the redirect URL and the token keys")
		}
		in, err := newInstaller(cfg, a.DB, &a.Course.Phrases, log, po.HTTPClient)
		if err != nil {
			return nil, fmt.Errorf("app: install: %w", err)
		}
		a.mux.HandleFunc("GET "+PathInstall, in.start)
		a.mux.HandleFunc("GET "+PathOAuthCallback, in.callback)
		log.Info("install in other workspaces", slog.String("install_url", installURL(cfg.SlackRedirectURL)))
	}
	if cfg.Mode == ModeHTTP {
		a.mux.Handle("POST /slack/", bot.NewHTTP(bot.HTTPOptions{SigningSecret: cfg.SlackSigningSecret, Inbound: a.Inbound, Log: log}))
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	a.ln = ln
	to := cfg.HTTPTimeouts.orDefault()
	a.http = &http.Server{Handler: a.mux, ReadHeaderTimeout: to.ReadHeader, ReadTimeout: to.Read,
		WriteTimeout: to.Write, IdleTimeout: to.Idle, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	// Called by Shutdown once the listener is closed.
	a.http.RegisterOnShutdown(func() { log.Info("shutdown", slog.String("step", "http_closed")) })
	return a, nil
}

// wire builds the delivery renderer, the scheduler's dispatcher, every product handler in one registry, and the
// inbound side over it. Parts that need each other are built in the order that lets each take the others at
// construction: the case reveal before the renderer that posts through it, the dispatcher before /training,
// which kicks it.
func (a *App) wire(cfg Config, ov Overrides) {
	course, db, log, now, poster := a.Course, a.DB, a.Log, a.Now, a.Poster
	sender := bot.NewSender(poster)
	reg := handlers.NewRegistry(course.Phrases, log)
	// One gate decides every trainer action and who takes part in a cohort (README, "Who may do what").
	gate := handlers.NewGate(handlers.GateDeps{Store: db, Slack: poster, Creators: cfg.TrainingCreators,
		DefaultTeam: a.TeamID, Log: log, Now: now})
	handlers.RegisterHelp(reg, gate, log)
	a.Home = handlers.RegisterHome(reg, handlers.HomeDeps{Course: course, Store: db, Slack: poster, Log: log, Now: now, Gate: gate})
	handlers.RegisterProgressButtons(reg, &handlers.ProgressButtons{Course: course, Store: db, Gate: gate, Refresh: a.Home.Refresh})
	a.Privacy = handlers.RegisterPrivacy(reg, handlers.PrivacyDeps{Course: course, Store: db, Slack: poster, Home: a.Home, Log: log, Now: now})
	handlers.RegisterMemberLeft(reg, &handlers.MemberLeft{Store: db, Log: log})
	handlers.RegisterUninstall(reg, &handlers.Uninstall{Store: db, Log: log})
	handlers.RegisterMemberJoined(reg, &handlers.MemberJoined{
		Store: db, Users: sender, BotUserID: a.BotUserID, Now: now, Log: log, Gate: gate,
		NextSendable: func(c *content.Cohort, t time.Time) (time.Time, error) {
			cal, err := scheduler.NewCalendar(c)
			if err != nil {
				return t, err
			}
			return cal.NextSendable(t), nil
		},
	})
	a.Casus = handlers.RegisterCasus(reg, handlers.CasusDeps{Course: course, Store: db, Slack: poster, Log: log, Now: now, Gate: gate})
	a.Deliveries = &handlers.Deliveries{Course: course, Store: db, Now: now, Reveal: a.Casus.AutoReveal}
	a.Dispatcher = scheduler.NewDispatcher(db, sender, a.Deliveries, scheduler.DispatchOptions{Now: now, Log: log,
		Directory: bot.NewDirectory(poster, bot.DirectoryOptions{}), Team: a.TeamID, TellTrainers: true,
		Observer: a.Metrics})
	handlers.RegisterTraining(reg, handlers.TrainingDeps{Store: db, Slack: poster, Course: course, Now: now,
		Kick: a.Dispatcher.Kick, Gate: gate, Log: log})
	a.Retention = scheduler.NewRetention(db, scheduler.RetentionOptions{Months: cfg.RetentionMonths,
		Title: course.Phrases.RetentionWarningTitle, Now: now, Log: log, Kick: a.Dispatcher.Kick})
	a.Meter = handlers.RegisterMeter(reg, handlers.MeterDeps{Course: course, Store: db, Slack: poster, Log: log, Now: now, Gate: gate})
	handlers.RegisterModuleInfo(reg, handlers.ModuleInfoDeps{Course: course, Store: db, Slack: poster, Log: log, Gate: gate})
	handlers.RegisterHuiswerk(reg, handlers.HuiswerkDeps{Course: course, Store: db, Slack: poster, Log: log, Now: now,
		Gate: gate, Refresh: a.Home.Refresh})
	handlers.RegisterFeedback(reg, handlers.FeedbackDeps{Course: course, Store: db, Slack: poster, Log: log, Now: now,
		Gate: gate, Refresh: a.Home.Refresh})
	handlers.RegisterEvaluation(reg, handlers.EvaluationDeps{Course: course, Store: db, Slack: poster, Log: log, Now: now, Gate: gate})
	if ov.Register != nil {
		ov.Register(reg)
	}
	a.Registry = reg
	a.Inbound = bot.NewInbound(bot.InboundOptions{Registry: reg, Events: db, Responder: poster, Log: log,
		AckTimeout: ov.AckTimeout, Observer: a.Metrics, DefaultTeam: a.TeamID})
}

// Addr is the address the HTTP server listens on (HTTPAddr, with the port chosen when it was 0).
func (a *App) Addr() string { return a.ln.Addr().String() }

// SandboxURL is the sandbox page's address with its token, as the operator opens it; "" outside sandbox mode.
func (a *App) SandboxURL() string {
	if a.Sandbox == nil {
		return ""
	}
	return a.Sandbox.URL(a.Addr())
}

// Start connects the bot: it serves HTTP (health, HTTP mode, the sandbox page), opens Socket Mode, and starts the
// dispatcher, the pruning of old event ids and the erasures left unfinished. It returns at once; Close stops it.
// ctx only bounds the start: the parts stop when Close says so, in its order, not all at once when ctx ends.
func (a *App) Start(ctx context.Context) error {
	if a.started {
		return errors.New("app: started twice")
	}
	a.started = true
	intakeCtx, stopIntake := context.WithCancel(context.WithoutCancel(ctx))
	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	a.stopIntake, a.stopBackground = stopIntake, stopBackground
	go func() {
		if err := a.http.Serve(a.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.Log.Error("http server stopped", slog.Any("error", err))
		}
	}()
	if a.Mode != ModeHTTP {
		sm := bot.NewSocketMode(a.API, a.Inbound, a.Log)
		goRun(&a.intake, "socket mode", a.Log, func() error { return sm.Run(intakeCtx) })
	}
	if !a.manualTicks {
		goRun(&a.background, "dispatcher", a.Log, func() error { return a.Dispatcher.Run(bgCtx) })
	}
	goRun(&a.background, "slack event pruning", a.Log, func() error { return a.pruneEvents(bgCtx) })
	// Erasures whose process stopped before they were done are taken up again (handlers/privacy.go).
	goRun(&a.background, "erasures", a.Log, func() error { return a.Privacy.Run(bgCtx) })
	// Personal data past its retention period is deleted, the trainers told a month before (scheduler/retention.go).
	if !a.manualTicks {
		goRun(&a.background, "retention", a.Log, func() error { return a.Retention.Run(bgCtx) })
	}
	a.Log.Info("slack started", slog.String("mode", a.Mode), slog.String("bot_user", a.BotUserID), slog.String("team", a.TeamID))
	return nil
}

// Run starts the bot and blocks until ctx ends; Close then stops it.
func (a *App) Run(ctx context.Context) error {
	if err := a.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// Close stops everything that was started, each step within a time limit, in the order that loses nothing:
//
//  1. no new requests: the HTTP server closes its listener (Slack's requests in HTTP mode, the sandbox page's) and
//     lets the requests in flight finish; then the Socket Mode connection stops handling envelopes;
//  2. the Slack handlers in flight finish and ack, and the work after their acks ends;
//  3. the dispatcher stops claiming deliveries and its posts in flight end; the sandbox saves a last time;
//  4. the database closes, and the private PostgreSQL stops.
//
// Each step is logged ("shutdown", step=…). Close may be called more than once; it closes once.
func (a *App) Close() error {
	a.closeOnce.Do(func() { a.closeErr = a.close() })
	return a.closeErr
}

func (a *App) close() error {
	var errs []error
	step := func(name string) {
		if a.started { // a bot that never ran has no steps to tell
			a.Log.Info("shutdown", slog.String("step", name))
		}
	}
	if a.http != nil && a.started {
		// Before Socket Mode: the sandbox page's requests in flight reach the bot through it.
		ctx, cancel := context.WithTimeout(context.Background(), shutdownRequests)
		if err := a.http.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop http server: %w", err))
		}
		cancel()
	} else if a.ln != nil {
		a.ln.Close()
	}
	if a.Inbound != nil {
		if a.stopIntake != nil {
			// From here on no envelope is handled (those that arrive stay unacked, and Slack sends events again to
			// another connection); the connection stays open for the handlers in flight to ack.
			a.stopIntake()
		}
		step("slack_closed")
		a.waitHandlers(shutdownHandlers)
		step("handlers_finished")
		a.stopDispatcher(shutdownDispatcher)
		step("dispatcher_stopped")
	} else {
		a.closeSandbox()
	}
	if a.DB != nil && a.lentDB {
		// The connections are the lender's; the statements prepared on them are the bot's.
		if err := a.DB.CloseStatements(); err != nil {
			errs = append(errs, fmt.Errorf("close database statements: %w", err))
		}
	} else if a.DB != nil {
		if err := a.DB.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close database: %w", err))
		}
		step("database_closed")
	}
	if a.Local != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		if err := a.Local.Stop(ctx); err != nil {
			errs = append(errs, err)
		}
		cancel()
	}
	return errors.Join(errs...)
}

// waitHandlers waits until the Socket Mode connection has closed (its handlers in flight acked) and the work
// after acks has finished, within limit.
func (a *App) waitHandlers(limit time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	if err := waitGroup(ctx, &a.intake); err != nil {
		a.Log.Error("socket mode still open at shutdown", slog.Any("error", err))
	}
	if err := a.Inbound.Wait(ctx); err != nil {
		a.Log.Error("handlers still running at shutdown", slog.Any("error", err))
		a.Inbound.Close()
	}
}

// stopDispatcher stops claiming deliveries and lets the posts in flight finish, within limit; then it saves the
// sandbox and closes the fake.
func (a *App) stopDispatcher(limit time.Duration) {
	if a.stopBackground != nil {
		a.stopBackground()
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	if err := waitGroup(ctx, &a.background); err != nil {
		a.Log.Error("dispatcher still running at shutdown", slog.Any("error", err))
	}
	a.closeSandbox()
}

func (a *App) closeSandbox() {
	if a.Sandbox != nil {
		a.Sandbox.Close()
	}
	if a.Fake != nil {
		a.Fake.Close()
	}
}

func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := a.DB.Ready(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "not ready: database unreachable or migrations not current")
		a.Log.Warn("not ready", slog.Any("error", err))
		return
	}
	why, others := a.notReady()
	if why != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "not ready: "+why)
		return
	}
	if others != "" {
		// Another workspace refusing the bot (uninstalled, say) does not keep this one from its work.
		fmt.Fprintln(w, "ready; "+others)
		return
	}
	fmt.Fprintln(w, "ready")
}

// notReady says why the bot cannot do its work, for /readyz: sending is paused because Slack refuses the default
// workspace's token (SLACK_BOT_TOKEN's). "" when it can. others says which other workspaces are paused.
func (a *App) notReady() (why, others string) {
	var own, rest []string
	for _, p := range a.Dispatcher.Paused() {
		if p.Team == a.TeamID {
			own = append(own, fmt.Sprintf("slack %s since %s; sending paused", p.Reason, p.Since.Format(time.RFC3339)))
			continue
		}
		rest = append(rest, fmt.Sprintf("sending paused for workspace %s (slack %s since %s)", p.Team, p.Reason,
			p.Since.Format(time.RFC3339)))
	}
	return strings.Join(own, "; "), strings.Join(rest, "; ")
}

// pruneEvents forgets Slack event ids older than a day, hourly: Slack retries for minutes, not days.
func (a *App) pruneEvents(ctx context.Context) error {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, err := a.DB.PruneEvents(ctx, a.Now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			a.Log.Warn("prune slack events", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func goRun(wg *sync.WaitGroup, what string, log *slog.Logger, run func() error) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := run(); err != nil && !errors.Is(err, context.Canceled) {
			log.Error(what+" stopped", slog.Any("error", err))
		}
	}()
}

// waitGroup waits for wg, or until ctx ends.
func waitGroup(ctx context.Context, wg *sync.WaitGroup) error {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
