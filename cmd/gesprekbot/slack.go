package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/sandbox"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// slackSide is everything of the bot that talks to Slack: the client, the poster, the handlers behind Socket Mode
// or HTTP mode, and the dispatcher of planned deliveries. With no Slack tokens it also holds the fake workspace
// and the sandbox page over it.
type slackSide struct {
	mode      string // socket | http | sandbox
	now       func() time.Time
	api       *slack.Client
	poster    *bot.Poster
	inbound   *bot.Dispatcher
	scheduler *scheduler.Dispatcher
	fake      *slackfake.Server
	sandbox   *sandbox.Sandbox

	// intake is the Socket Mode connection (Slack's requests); background the dispatcher and the event pruning.
	// They stop apart, in Main.Close's order: first no new requests, last the dispatcher.
	stopIntake, stopBackground context.CancelFunc
	intake, background         sync.WaitGroup
}

// slackOptions tune the Slack side for a workspace whose limits are not Slack's published ones (the bench's fake),
// and for tests. The zero value is what the bot runs with.
type slackOptions struct {
	// Poster sets the poster's pacing and retries; its Log and Audit are always the bot's own.
	Poster bot.PosterOptions
	// AckTimeout bounds a handler's work before its ack (bot.DispatcherOptions); zero: the dispatcher's default.
	AckTimeout time.Duration
	// Register, when set, adds handlers of its own after the product's (tests).
	Register func(reg *handlers.Registry)
}

// startSlackWith connects the bot to Slack (or, with no tokens, to the in-repo fake with the sandbox page on m.Mux)
// and starts the dispatcher, with the Slack side tuned by opts. It returns once everything runs; Close stops it.
func (m *Main) startSlackWith(ctx context.Context, opts slackOptions) error {
	cfg, log := m.Config, m.Logger
	s := &slackSide{mode: cfg.SlackMode(), now: time.Now}
	apiURL, botToken, appToken := cfg.SlackAPIURL, cfg.SlackBotToken, cfg.SlackAppToken
	var clock *sandbox.Clock
	if s.mode == "sandbox" {
		// Before the sandbox writes anything: never on a database a real workspace has used.
		if err := m.DB.ClaimSandbox(ctx); err != nil {
			return m.worldRefusal(err)
		}
		var err error
		if clock, err = sandbox.LoadClock(ctx, m.DB); err != nil {
			return fmt.Errorf("sandbox clock: %w", err)
		}
		s.now = clock.Now
		m.DB.Now = clock.Now
		s.fake = slackfake.New(slackfake.Options{Now: clock.Now})
		apiURL, botToken, appToken = s.fake.APIURL(), s.fake.BotToken(), s.fake.AppToken()
	}
	// One HTTP client with timeouts for every call to Slack: the Web API, file uploads, apps.connections.open and
	// response_url replies. Without one, slack-go's client waits on a stalled connection for ever.
	posterOpts := opts.Poster
	posterOpts.Log, posterOpts.Audit = log, m.DB
	if posterOpts.HTTPClient == nil {
		posterOpts.HTTPClient = bot.NewHTTPClient(posterOpts.AttemptTimeout)
	}
	s.api = slack.New(botToken, slack.OptionAPIURL(apiURL), slack.OptionAppLevelToken(appToken),
		slack.OptionHTTPClient(posterOpts.HTTPClient))
	authCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	auth, err := s.api.AuthTestContext(authCtx)
	cancel()
	if err != nil {
		return fmt.Errorf("slack auth.test with SLACK_BOT_TOKEN: %w", err)
	}
	if s.mode != "sandbox" {
		// The token is real (auth.test passed): from now on this database is the workspace's. Before the
		// dispatcher runs: never on a database that holds the sandbox's demo data and moved clock.
		if err := m.DB.ClaimSlack(ctx, auth.TeamID, auth.Team); err != nil {
			return m.worldRefusal(err)
		}
	}
	s.poster = bot.NewPoster(s.api, posterOpts)
	port := bot.NewPort(s.poster)
	sender := bot.NewSender(s.poster)

	course := m.Course
	deliveries := handlers.NewDeliveries(course, m.DB)
	deliveries.Now = s.now
	s.scheduler = scheduler.NewDispatcher(m.DB, sender, deliveries, scheduler.DispatchOptions{Now: s.now, Log: log,
		Directory: bot.NewDirectory(s.poster, bot.DirectoryOptions{}), Team: auth.TeamID})

	reg := handlers.NewRegistry(course.Phrases, log)
	// One gate decides every trainer action and who takes part in a cohort (DESIGN.md, "Privacy and security").
	gate := handlers.NewGate(handlers.GateDeps{Store: m.DB, Slack: port, Creators: cfg.TrainingCreators, Log: log, Now: s.now})
	handlers.RegisterHelp(reg, gate, log)
	home := handlers.RegisterHome(reg, handlers.HomeDeps{Course: course, Store: m.DB, Slack: s.poster, Log: log, Now: s.now, Gate: gate})
	buttons := handlers.RegisterProgressButtons(reg, course, m.DB)
	buttons.Refresh, buttons.Gate = home.Refresh, gate
	privacy := handlers.RegisterPrivacy(reg, handlers.PrivacyDeps{Store: m.DB, Slack: port, Home: home, Log: log, Now: s.now})
	handlers.RegisterMemberLeft(reg, &handlers.MemberLeft{Store: m.DB, Log: log})
	handlers.RegisterMemberJoined(reg, &handlers.MemberJoined{
		Store: m.DB, Users: sender, BotUserID: auth.UserID, Now: s.now, Log: log, Gate: gate,
		NextSendable: func(c *content.Cohort, t time.Time) (time.Time, error) {
			cal, err := scheduler.NewCalendar(c)
			if err != nil {
				return t, err
			}
			return cal.NextSendable(t), nil
		},
	})
	handlers.RegisterTraining(reg, handlers.TrainingDeps{Store: m.DB, Slack: s.poster, Course: course, Now: s.now,
		Kick: s.scheduler.Kick, Gate: gate, Log: log})
	casus := handlers.RegisterCasus(reg, handlers.CasusDeps{Course: course, Store: m.DB, Slack: port, Log: log, Now: s.now, Gate: gate})
	deliveries.Reveal = casus.AutoReveal
	handlers.RegisterMeter(reg, handlers.MeterDeps{Course: course, Store: m.DB, Slack: port, Log: log, Now: s.now, Gate: gate})
	handlers.RegisterModuleInfo(reg, handlers.ModuleInfoDeps{Course: course, Store: m.DB, Slack: port, Log: log, Gate: gate})

	if opts.Register != nil {
		opts.Register(reg)
	}
	s.inbound = bot.NewDispatcher(bot.DispatcherOptions{Registry: reg, Events: m.DB, Responder: s.poster, Log: log,
		AckTimeout: opts.AckTimeout})

	if s.fake != nil {
		s.sandbox = sandbox.New(sandbox.Options{Fake: s.fake, Clock: clock, Store: m.DB, Course: course, Log: log,
			Tick: func(ctx context.Context) error { _, err := s.scheduler.Tick(ctx); return err }})
		// The workspace must exist, with what an earlier run left in it, before the bot connects.
		if err := s.sandbox.Start(ctx); err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
		m.Mux.Handle("/", s.sandbox.Handler())
	}

	// Not ctx: the parts stop when Close says so, in its order, not all at once when the signal comes.
	intakeCtx, stopIntake := context.WithCancel(context.WithoutCancel(ctx))
	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	s.stopIntake, s.stopBackground = stopIntake, stopBackground
	switch s.mode {
	case "http":
		m.Mux.Handle("POST /slack/", bot.NewHTTP(bot.HTTPOptions{SigningSecret: cfg.SlackSigningSecret, Dispatcher: s.inbound, Log: log}))
	default:
		sm := bot.NewSocketMode(s.api, s.inbound, log)
		goRun(&s.intake, "socket mode", log, func() error { return sm.Run(intakeCtx) })
	}
	goRun(&s.background, "dispatcher", log, func() error { return s.scheduler.Run(bgCtx) })
	goRun(&s.background, "slack event pruning", log, func() error { return pruneEvents(bgCtx, m, s.now) })
	// Erasures whose process stopped before they were done are taken up again (handlers/privacy.go).
	goRun(&s.background, "erasures", log, func() error { return privacy.Run(bgCtx) })
	// Personal data past its retention period is deleted, the trainers told a month before (scheduler/retention.go).
	retention := scheduler.NewRetention(m.DB, scheduler.RetentionOptions{Months: cfg.RetentionMonths,
		Title: course.Phrases.RetentionWarningTitle, Now: s.now, Log: log, Kick: s.scheduler.Kick})
	goRun(&s.background, "retention", log, func() error { return retention.Run(bgCtx) })
	m.Slack = s
	log.Info("slack started", slog.String("mode", s.mode), slog.String("bot_user", auth.UserID), slog.String("team", auth.Team))
	return nil
}

// worldRefusal turns a database of the other world into the one line that says what to do.
func (m *Main) worldRefusal(err error) error {
	we, ok := errors.AsType[*store.WorldError](err)
	if !ok {
		return err
	}
	where, other := "the database at DATABASE_URL", "point DATABASE_URL at another database"
	if m.Config.DatabaseURL == "" {
		where, other = "the private database in DATA_DIR "+m.Config.DataDir, "set DATA_DIR to another folder"
	}
	if we.Want == store.WorldSandbox {
		used := "real Slack"
		if len(we.Teams) > 0 {
			used += " (workspace " + strings.Join(we.Teams, ", ") + ")"
		}
		return &SetupError{fmt.Sprintf("%s has been used with %s, so the sandbox will not run on it: %s for the sandbox",
			where, used, other)}
	}
	return &SetupError{fmt.Sprintf("%s holds sandbox data (the sandbox has run on it), so the bot will not use it with "+
		"real Slack: %s for the real workspace", where, other)}
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

// closeIntake stops taking Slack's requests over Socket Mode: from its return on, no envelope is handled (those
// that arrive stay unacked, and Slack sends events again to another connection). The connection stays open for
// the handlers in flight to ack; waitHandlers waits for them.
func (s *slackSide) closeIntake() {
	s.stopIntake()
}

// waitHandlers waits until the Socket Mode connection has closed (its handlers in flight acked) and the work
// after acks has finished, within limit.
func (s *slackSide) waitHandlers(log *slog.Logger, limit time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	if err := waitGroup(ctx, &s.intake); err != nil {
		log.Error("socket mode still open at shutdown", slog.Any("error", err))
	}
	if err := s.inbound.Wait(ctx); err != nil {
		log.Error("handlers still running at shutdown", slog.Any("error", err))
		s.inbound.Close()
	}
}

// stopDispatcher stops claiming deliveries and lets the posts in flight finish, within limit; then it saves the
// sandbox and closes the fake.
func (s *slackSide) stopDispatcher(log *slog.Logger, limit time.Duration) {
	s.stopBackground()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	if err := waitGroup(ctx, &s.background); err != nil {
		log.Error("dispatcher still running at shutdown", slog.Any("error", err))
	}
	if s.sandbox != nil {
		s.sandbox.Close()
	}
	if s.fake != nil {
		s.fake.Close()
	}
}

// notReady says why the Slack side cannot do its work, for /readyz: sending is paused because Slack refuses the
// workspace's token. "" when it can.
func (s *slackSide) notReady() string {
	if s == nil || s.scheduler == nil {
		return ""
	}
	var why []string
	for _, p := range s.scheduler.Paused() {
		why = append(why, fmt.Sprintf("slack %s since %s; sending paused", p.Reason, p.Since.Format(time.RFC3339)))
	}
	return strings.Join(why, "; ")
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

// pruneEvents forgets Slack event ids older than a day, hourly: Slack retries for minutes, not days.
func pruneEvents(ctx context.Context, m *Main, now func() time.Time) error {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, err := m.DB.PruneEvents(ctx, now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			m.Logger.Warn("prune slack events", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
