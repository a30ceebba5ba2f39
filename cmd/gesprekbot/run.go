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
	if err := m.startSlack(ctx); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", m.Config.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on HTTP_ADDR %s: %w", m.Config.HTTPAddr, err)
	}
	m.HTTP = &http.Server{Handler: m.Mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := m.HTTP.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("http server stopped", slog.Any("error", err))
		}
	}()
	switch m.Config.SlackMode() {
	case "sandbox":
		fmt.Fprintln(m.Stdout, "slack: no Slack tokens set; the bot runs against a local simulation of Slack")
		fmt.Fprintf(m.Stdout, "sandbox: open http://%s/ in a browser\n", ln.Addr())
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

// Close stops everything that was started, in reverse order, each within a time limit.
func (m *Main) Close() error {
	var errs []error
	if m.Slack != nil {
		m.Slack.stop(m.Logger)
	}
	if m.HTTP != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := m.HTTP.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop http server: %w", err))
		}
		cancel()
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
