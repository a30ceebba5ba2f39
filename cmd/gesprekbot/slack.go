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

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startSlack connects the bot to Slack (or, with no tokens, to the in-repo fake with the sandbox page on m.Mux)
// and starts the dispatcher. It returns once everything runs; slackSide.stop stops it.
func (m *Main) startSlack(ctx context.Context) error {
	return m.startSlackWith(ctx, slackOptions{})
}

// slackOptions tune the Slack side for a workspace whose limits are not Slack's published ones (the bench's fake).
// The zero value is what the bot runs with.
type slackOptions struct {
	// Poster sets the poster's pacing and retries; its Log and Audit are always the bot's own.
	Poster bot.PosterOptions
}

// startSlackWith is startSlack with the Slack side tuned by opts.
func (m *Main) startSlackWith(ctx context.Context, opts slackOptions) error {
	cfg, log := m.Config, m.Logger
	s := &slackSide{mode: cfg.SlackMode(), now: time.Now}
	apiURL, botToken, appToken := cfg.SlackAPIURL, cfg.SlackBotToken, cfg.SlackAppToken
	var clock *sandbox.Clock
	if s.mode == "sandbox" {
		var err error
		if clock, err = sandbox.LoadClock(ctx, m.DB); err != nil {
			return fmt.Errorf("sandbox clock: %w", err)
		}
		s.now = clock.Now
		m.DB.Now = clock.Now
		s.fake = slackfake.New(slackfake.Options{Now: clock.Now})
		apiURL, botToken, appToken = s.fake.APIURL(), s.fake.BotToken(), s.fake.AppToken()
	}
	s.api = slack.New(botToken, slack.OptionAPIURL(apiURL), slack.OptionAppLevelToken(appToken))
	authCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	auth, err := s.api.AuthTestContext(authCtx)
	cancel()
	if err != nil {
		return fmt.Errorf("slack auth.test with SLACK_BOT_TOKEN: %w", err)
	}
	posterOpts := opts.Poster
	posterOpts.Log, posterOpts.Audit = log, m.DB
	s.poster = bot.NewPoster(s.api, posterOpts)
	port := bot.NewPort(s.poster, s.api)
	sender := bot.NewSender(s.poster, s.api)

	course := m.Course
	deliveries := handlers.NewDeliveries(course, m.DB)
	deliveries.Now = s.now
	s.scheduler = scheduler.NewDispatcher(m.DB, sender, deliveries, scheduler.DispatchOptions{Now: s.now, Log: log,
		Directory: bot.NewDirectory(s.poster, bot.DirectoryOptions{}), Team: auth.TeamID})

	reg := handlers.NewRegistry(course.Phrases, log)
	handlers.RegisterHelp(reg, m.DB, log)
	home := handlers.RegisterHome(reg, handlers.HomeDeps{Course: course, Store: m.DB, Slack: s.poster, Log: log, Now: s.now})
	handlers.RegisterProgressButtons(reg, course, m.DB).Refresh = home.Refresh
	handlers.RegisterPrivacy(reg, handlers.PrivacyDeps{Store: m.DB, Slack: s.poster, Home: home, Log: log})
	handlers.RegisterMemberJoined(reg, &handlers.MemberJoined{
		Store: m.DB, Users: sender, BotUserID: auth.UserID, Now: s.now, Log: log,
		NextSendable: func(c *content.Cohort, t time.Time) (time.Time, error) {
			cal, err := scheduler.NewCalendar(c)
			if err != nil {
				return t, err
			}
			return cal.NextSendable(t), nil
		},
	})
	handlers.RegisterTraining(reg, handlers.TrainingDeps{Store: m.DB, Slack: s.poster, Course: course, Now: s.now,
		Kick: s.scheduler.Kick, Emails: port, Log: log})
	casus := handlers.RegisterCasus(reg, handlers.CasusDeps{Course: course, Store: m.DB, Slack: port, Log: log, Now: s.now})
	deliveries.Reveal = casus.AutoReveal
	handlers.RegisterMeter(reg, handlers.MeterDeps{Course: course, Store: m.DB, Slack: port, Log: log, Now: s.now})

	s.inbound = bot.NewDispatcher(bot.DispatcherOptions{Registry: reg, Events: m.DB, Responder: s.poster, Log: log})

	if s.fake != nil {
		s.sandbox = sandbox.New(sandbox.Options{Fake: s.fake, Clock: clock, Store: m.DB, Course: course, Log: log,
			Tick: func(ctx context.Context) error { _, err := s.scheduler.Tick(ctx); return err }})
		// The workspace must exist, with what an earlier run left in it, before the bot connects.
		if err := s.sandbox.Start(ctx); err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
		m.Mux.Handle("/", s.sandbox.Handler())
	}

	runCtx, cancelRun := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancelRun
	switch s.mode {
	case "http":
		m.Mux.Handle("POST /slack/", bot.NewHTTP(bot.HTTPOptions{SigningSecret: cfg.SlackSigningSecret, Dispatcher: s.inbound, Log: log}))
	default:
		sm := bot.NewSocketMode(s.api, s.inbound, log)
		s.goRun("socket mode", log, func() error { return sm.Run(runCtx) })
	}
	s.goRun("dispatcher", log, func() error { return s.scheduler.Run(runCtx) })
	s.goRun("slack event pruning", log, func() error { return pruneEvents(runCtx, m, s.now) })
	m.Slack = s
	log.Info("slack started", slog.String("mode", s.mode), slog.String("bot_user", auth.UserID), slog.String("team", auth.Team))
	return nil
}

func (s *slackSide) goRun(what string, log *slog.Logger, run func() error) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := run(); err != nil && !errors.Is(err, context.Canceled) {
			log.Error(what+" stopped", slog.Any("error", err))
		}
	}()
}

// stop stops claiming deliveries and the Slack connection, lets work in flight finish (up to 25 s), then saves the
// sandbox and closes the fake.
func (s *slackSide) stop(log *slog.Logger) {
	s.cancel()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(25 * time.Second):
		log.Error("slack side did not stop within 25 s")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.inbound.Wait(ctx); err != nil {
		log.Error("handlers still running at shutdown", slog.Any("error", err))
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
