package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/gesprekbot/gesprekbot/cmd/gesprekbot/app"
	"github.com/gesprekbot/gesprekbot/store"
)

// Main is a command of the binary: for "run" and the bare command the bot that app.New builds, for "migrate" and
// "cohort" the database alone. It closes what it opened.
type Main struct {
	Config *Config
	Logger *slog.Logger
	Stdout io.Writer

	App   *app.App           // the running bot ("run", the sandbox)
	Local *store.LocalServer // the private Postgres of "migrate" and "cohort", when DATABASE_URL is not set
	DB    *store.DB          // the database of "migrate" and "cohort"; the bot's is App.DB

	// AllowSandbox lets Run open the sandbox when no Slack tokens are set: the bare "gesprekbot" command.
	// "gesprekbot run" leaves it false and refuses to start without tokens.
	AllowSandbox bool
	// HTTPTimeouts bound the HTTP server's connections; zero fields take app.DefaultHTTPTimeouts'.
	HTTPTimeouts app.HTTPTimeouts

	overrides app.Overrides // tests tune the bot here; the zero value is what the bot runs with
}

// NewMain returns a Main for cfg; nothing is started yet.
func NewMain(cfg *Config, stdout, stderr io.Writer) *Main {
	var logger *slog.Logger
	if f, ok := stderr.(*os.File); ok {
		logger = newLogger(cfg, f)
	} else {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	}
	return &Main{Config: cfg, Logger: logger, Stdout: stdout}
}

// Migrate opens the database (starting the private one if needed) and applies the migrations.
func (m *Main) Migrate(ctx context.Context) error {
	if err := m.openDB(ctx); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "database migrated")
	return nil
}

// openDB connects to DATABASE_URL, or starts the private Postgres, and migrates: the database alone, for the
// commands that need no bot.
func (m *Main) openDB(ctx context.Context) error {
	db, local, err := app.OpenDB(ctx, m.appConfig(), m.Logger, m.Stdout)
	m.DB, m.Local = db, local
	return err
}

// appConfig is the bot's configuration from the environment's.
func (m *Main) appConfig() app.Config {
	c := m.Config
	return app.Config{Mode: c.SlackMode(), DatabaseURL: c.DatabaseURL, DataDir: c.DataDir, PGBin: c.PGBin,
		SlackAPIURL: c.SlackAPIURL, SlackBotToken: c.SlackBotToken, SlackAppToken: c.SlackAppToken,
		SlackSigningSecret: c.SlackSigningSecret, HTTPAddr: c.HTTPAddr, HTTPTimeouts: m.HTTPTimeouts,
		ContentDir: c.ContentDir, TrainingCreators: c.TrainingCreators,
		RetentionMonths: c.RetentionMonths, SlackClientID: c.SlackClientID, SlackClientSecret: c.SlackClientSecret,
		SlackRedirectURL: c.SlackRedirectURL, TokenKeys: c.TokenKeys}
}

// Run starts the bot and blocks until ctx is cancelled.
func (m *Main) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	mode := fs.String("mode", "", "socket or http; default: socket when SLACK_APP_TOKEN is set, else http")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return &UsageError{"usage: gesprekbot run [--mode socket|http]"}
	}
	if err := m.Config.SetMode(*mode); err != nil {
		return &UsageError{err.Error()}
	}
	if m.Config.SlackMode() == app.ModeSandbox {
		if !m.AllowSandbox {
			return &SetupError{"run needs Slack tokens and none are set: set SLACK_BOT_TOKEN with SLACK_APP_TOKEN " +
				"(Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode); to try the bot without Slack, run gesprekbot with " +
				"no arguments (the local sandbox)"}
		}
		if err := m.Config.checkSandboxAddr(); err != nil {
			return err
		}
	}
	ov := m.overrides
	ov.Log, ov.Notices = m.Logger, m.Stdout
	a, err := app.New(ctx, m.appConfig(), ov)
	if err != nil {
		return m.worldRefusal(err)
	}
	m.App = a
	if err := a.Start(ctx); err != nil {
		return err
	}
	switch m.Config.SlackMode() {
	case app.ModeSandbox:
		fmt.Fprintln(m.Stdout, "slack: no Slack tokens set; the bot runs against a local simulation of Slack")
		// The token is printed, never logged: whoever has it acts as every demo user (bot/sandbox/guard.go).
		fmt.Fprintf(m.Stdout, "sandbox: open %s in a browser\n", a.SandboxURL())
	case app.ModeHTTP:
		fmt.Fprintf(m.Stdout, "slack: HTTP mode; Slack's requests go to http://%s/slack/commands, /slack/interactions and /slack/events\n", a.Addr())
	default:
		fmt.Fprintln(m.Stdout, "slack: Socket Mode")
	}
	fmt.Fprintf(m.Stdout, "health: http://%s/readyz\n", a.Addr())
	fmt.Fprintln(m.Stdout, "ready; press Ctrl-C to stop")
	m.Logger.Info("gesprekbot ready", slog.String("http_addr", a.Addr()), slog.String("slack_mode", m.Config.SlackMode()))
	<-ctx.Done()
	m.Logger.Info("shutting down")
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

// Close stops what the command started: the bot (app.App.Close, in its order), or the database of a one-off
// command.
func (m *Main) Close() error {
	var errs []error
	if m.App != nil {
		errs = append(errs, m.App.Close())
	}
	if m.DB != nil {
		if err := m.DB.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close database: %w", err))
		}
	}
	if m.Local != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		if err := m.Local.Stop(ctx); err != nil {
			errs = append(errs, err)
		}
		cancel()
	}
	return errors.Join(errs...)
}
