package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// Main is the running bot: it owns every long-lived part and closes them in reverse order.
type Main struct {
	Config *Config
	Logger *slog.Logger
	Stdout io.Writer

	Course *content.Course // the embedded course, or CONTENT_DIR's edited copy

	Local *store.LocalServer // the private Postgres, when DATABASE_URL is not set
	DB    *store.DB
	Slack *slackSide // the Slack connection (or the fake and the sandbox) and the dispatcher
	Mux   *http.ServeMux
	HTTP  *http.Server
	ln    net.Listener

	// AllowSandbox lets Run open the sandbox when no Slack tokens are set: the bare "gesprekbot" command.
	// "gesprekbot run" leaves it false and refuses to start without tokens.
	AllowSandbox bool
	// HTTPTimeouts bound the HTTP server's connections; zero fields take defaultHTTPTimeouts'.
	HTTPTimeouts HTTPTimeouts

	slackOpts slackOptions // tests tune the Slack side here; the zero value is what the bot runs with
}

// HTTPTimeouts bound the HTTP server's connections (net/http.Server's fields of the same names).
type HTTPTimeouts struct {
	ReadHeader time.Duration // a request's headers
	Read       time.Duration // a whole request, body included: a client sending its body slowly is cut off
	Write      time.Duration // from the end of the headers to the end of the answer
	Idle       time.Duration // a kept-alive connection between requests
}

// defaultHTTPTimeouts fit what the server answers: Slack's requests (at most 1 MB, answered within 3 s), health
// checks and the sandbox page. A sandbox clock move that takes longer extends its own write deadline.
var defaultHTTPTimeouts = HTTPTimeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second, Write: time.Minute,
	Idle: 2 * time.Minute}

// orDefault fills t's zero fields from defaultHTTPTimeouts.
func (t HTTPTimeouts) orDefault() HTTPTimeouts {
	d := defaultHTTPTimeouts
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

// openDB connects to DATABASE_URL, or starts the private Postgres, and migrates.
func (m *Main) openDB(ctx context.Context) error {
	url := m.Config.DatabaseURL
	if url == "" {
		local, err := store.StartLocal(ctx, store.LocalOptions{Dir: m.Config.DataDir, BinDir: m.Config.PGBin, Logger: m.Logger})
		if err != nil {
			return fmt.Errorf("private database: %w", err)
		}
		m.Local = local
		url = local.URL()
		fmt.Fprintf(m.Stdout, "database: private PostgreSQL in %s\n", local.DataDir())
	} else {
		fmt.Fprintln(m.Stdout, "database: DATABASE_URL")
	}
	db, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	m.DB = db
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	return nil
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
	if m.Config.SlackMode() == "sandbox" {
		if !m.AllowSandbox {
			return &SetupError{"run needs Slack tokens and none are set: set SLACK_BOT_TOKEN with SLACK_APP_TOKEN " +
				"(Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode); to try the bot without Slack, run gesprekbot with " +
				"no arguments (the local sandbox)"}
		}
		if err := m.Config.checkSandboxAddr(); err != nil {
			return err
		}
	}
	course, err := loadContent(m.Config.ContentDir)
	if err != nil {
		if m.Config.ContentDir != "" {
			return fmt.Errorf("CONTENT_DIR %s is not valid course content:\n%w", m.Config.ContentDir, err)
		}
		return fmt.Errorf("built-in course content: %w", err)
	}
	m.Course = course
	if err := m.openDB(ctx); err != nil {
		return err
	}
	m.Mux = http.NewServeMux()
	m.Mux.HandleFunc("GET /healthz", m.healthz)
	m.Mux.HandleFunc("GET /readyz", m.readyz)
	if err := m.startSlackWith(ctx, m.slackOpts); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", m.Config.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on HTTP_ADDR %s: %w", m.Config.HTTPAddr, err)
	}
	m.ln = ln
	to := m.HTTPTimeouts.orDefault()
	m.HTTP = &http.Server{Handler: m.Mux, ReadHeaderTimeout: to.ReadHeader, ReadTimeout: to.Read,
		WriteTimeout: to.Write, IdleTimeout: to.Idle, ErrorLog: slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn)}
	// Called by Shutdown once the listener is closed.
	m.HTTP.RegisterOnShutdown(func() { m.Logger.Info("shutdown", slog.String("step", "http_closed")) })
	go func() {
		if err := m.HTTP.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("http server stopped", slog.Any("error", err))
		}
	}()
	switch m.Config.SlackMode() {
	case "sandbox":
		fmt.Fprintln(m.Stdout, "slack: no Slack tokens set; the bot runs against a local simulation of Slack")
		// The token is printed, never logged: whoever has it acts as every demo user (bot/sandbox/guard.go).
		fmt.Fprintf(m.Stdout, "sandbox: open %s in a browser\n", m.Slack.sandbox.URL(ln.Addr().String()))
	case "http":
		fmt.Fprintf(m.Stdout, "slack: HTTP mode; Slack's requests go to http://%s/slack/commands, /slack/interactions and /slack/events\n", ln.Addr())
	default:
		fmt.Fprintln(m.Stdout, "slack: Socket Mode")
	}
	fmt.Fprintf(m.Stdout, "health: http://%s/readyz\n", ln.Addr())
	fmt.Fprintln(m.Stdout, "ready; press Ctrl-C to stop")
	m.Logger.Info("gesprekbot ready", slog.String("http_addr", ln.Addr().String()), slog.String("slack_mode", m.Config.SlackMode()))
	<-ctx.Done()
	m.Logger.Info("shutting down")
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
// Each step is logged ("shutdown", step=…).
func (m *Main) Close() error {
	var errs []error
	running := m.HTTP != nil || m.Slack != nil // not a one-off command (migrate, cohort), which has no steps to tell
	step := func(name string) {
		if running {
			m.Logger.Info("shutdown", slog.String("step", name))
		}
	}
	if m.HTTP != nil {
		// Before Socket Mode: the sandbox page's requests in flight reach the bot through it.
		ctx, cancel := context.WithTimeout(context.Background(), shutdownRequests)
		if err := m.HTTP.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop http server: %w", err))
		}
		cancel()
	}
	if m.Slack != nil {
		m.Slack.closeIntake()
		step("slack_closed")
		m.Slack.waitHandlers(m.Logger, shutdownHandlers)
		step("handlers_finished")
		m.Slack.stopDispatcher(m.Logger, shutdownDispatcher)
		step("dispatcher_stopped")
	}
	if m.DB != nil {
		if err := m.DB.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close database: %w", err))
		}
		step("database_closed")
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

func (m *Main) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

func (m *Main) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := m.DB.Ready(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "not ready: database unreachable or migrations not current")
		m.Logger.Warn("not ready", slog.Any("error", err))
		return
	}
	if why := m.Slack.notReady(); why != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "not ready: "+why)
		return
	}
	fmt.Fprintln(w, "ready")
}
