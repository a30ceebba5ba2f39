// Package bench is "gesprekbot bench": it runs the bot (built by app.New, in a child process of its own) against
// the in-repo Slack fake over Socket Mode and a real PostgreSQL, and measures the ack latency of committed
// clicks, a fan-out against the fake's rate limits, and the bot process's peak memory. Its files are its jobs:
// flags.go (flags and output), child.go (the bot's process), database.go (the bench's database and its seed),
// load.go (the click load and its latencies), fanout.go (the fan-out and its floor), memory.go (/proc).
package bench

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/cmd/gesprekbot/app"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// Main runs "gesprekbot bench" with args, and is the bench's child process (the bot) when the environment says
// so; it returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if spec := os.Getenv(childEnv); spec != "" {
		return child(ctx, spec, stdout, stderr)
	}
	o, err := parseFlags(args)
	if err != nil {
		fmt.Fprintf(stderr, "gesprekbot bench: %v\n\n%s", err, usage)
		return 2
	}
	res, err := run(ctx, o, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "gesprekbot bench: %v\n", err)
		return 1
	}
	if o.Format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "gesprekbot bench: %v\n", err)
			return 1
		}
		return 0
	}
	writeText(stdout, o, res)
	return 0
}

// bench is one run: the database, the fake workspace, the bot, and what was seeded.
type bench struct {
	o      options
	log    *slog.Logger
	logw   io.Writer
	level  slog.Level
	cfg    app.Config         // the bot's database and the fake's URL and tokens, handed to the child process
	db     *store.DB          // the bench's own handle on the database (the bot has its own, in its process)
	local  *store.LocalServer // the private PostgreSQL, with no DATABASE_URL
	course *content.Course
	loc    *time.Location // the cohorts' time zone
	bots   []*exec.Cmd    // the bot's processes: its replicas (--replicas)
	fake   *slackfake.Server
	seen   *deliveries // the fake's messages that carry a delivery key
	people [][]string  // per cohort, its participants' user IDs
	chans  []string
	ids    []int64     // cohort IDs
	spaces []workspace // the workspaces, each with its range of the cohorts above
	users  int         // participants created so far, numbering their user IDs
	// tokenKey is the bench's TOKEN_ENCRYPTION_KEY (base64) with --workspaces above 1: the workspaces after the
	// first are installed with their tokens sealed under it, and the bot opens them with it. "" with one workspace.
	tokenKey string
}

func run(ctx context.Context, o options, logw io.Writer) (Result, error) {
	level := slog.LevelWarn
	if v := os.Getenv("LOG_LEVEL"); v != "" {
		_ = level.UnmarshalText([]byte(v))
	}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: level}))
	b := &bench{o: o, log: log, logw: logw, level: level, loc: time.Local,
		cfg: app.Config{Mode: app.ModeSocket, HTTPAddr: "127.0.0.1:0", PGBin: os.Getenv("PG_BIN")}}
	if loc, err := time.LoadLocation(content.DefaultTimezone); err == nil {
		b.loc = loc
	}
	cleanup, err := newDatabase(ctx, &b.cfg, os.Getenv("DATABASE_URL"), logw)
	if err != nil {
		return Result{}, err
	}
	defer cleanup()

	b.seen = newDeliveries()
	b.fake = slackfake.New(slackfake.Options{OnChange: b.seen.changed})
	b.seen.fake = b.fake
	defer b.fake.Close()
	b.fake.SetChannelRate(o.ChannelRate, o.ChannelBurst)
	b.fake.SetRateLimit("chat.postMessage", int(math.Round(o.WorkspaceRate*60)), o.WorkspaceBurst)
	// Every other method the bot calls counts against its tier's per-minute quota, as on Slack, so that a Poster
	// that over-spends one (the fan-out's conversations.members bursts) shows as 429s. Socket Mode's own
	// apps.connections.open is left free: the bench measures the bot's sending, not its reconnects.
	for method, perMinute := range slackfake.SlackTiers {
		if method != "apps.connections.open" {
			b.fake.SetQuota(method, perMinute)
		}
	}
	b.cfg.SlackBotToken, b.cfg.SlackAppToken, b.cfg.SlackAPIURL = b.fake.BotToken(), b.fake.AppToken(), b.fake.APIURL()

	if b.course, err = app.LoadCourse(""); err != nil {
		return Result{}, err
	}
	b.db, b.local, err = app.OpenDB(ctx, b.cfg, log, logw)
	defer func() {
		if b.db != nil {
			b.db.Close()
		}
		if b.local != nil {
			sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			if err := b.local.Stop(sctx); err != nil {
				log.Error("bench: stop the private database", slog.Any("error", err))
			}
		}
	}()
	if err != nil {
		return Result{}, err
	}
	if o.Workspaces > 1 {
		if err := b.newTokenKey(); err != nil {
			return Result{}, err
		}
	}
	fmt.Fprintf(logw, "bench: seeding %d participants in %d cohorts in %d workspaces\n", o.Participants, o.Cohorts, o.Workspaces)
	if err := b.seed(ctx); err != nil {
		return Result{}, fmt.Errorf("seed: %w", err)
	}
	stop, err := b.startBots(ctx)
	if err != nil {
		return Result{}, err
	}
	defer stop()
	res := Result{Replicas: o.Replicas, Workspaces: o.Workspaces}
	if !o.SkipAcks {
		fmt.Fprintf(logw, "bench: single-row upsert commits at %g a second for %s, for comparison\n", o.Rate, min(o.Duration, 10*time.Second))
		if err := b.commits(ctx, &res); err != nil {
			return res, fmt.Errorf("commits: %w", err)
		}
		fmt.Fprintf(logw, "bench: %g interactions a second for %s\n", o.Rate, o.Duration)
		if err := b.acks(ctx, &res); err != nil {
			return res, fmt.Errorf("interactions: %w", err)
		}
	}
	if !o.SkipFanout {
		fmt.Fprintf(logw, "bench: fan-out to %d participants\n", o.Participants)
		if err := b.fanout(ctx, &res); err != nil {
			return res, fmt.Errorf("fan-out: %w", err)
		}
	}
	for _, bot := range b.bots {
		res.RSSMB = max(res.RSSMB, peakRSSMB(bot.Process.Pid))
	}
	return res, ctx.Err()
}

// newTokenKey makes a fresh random token encryption key for the run, as an operator makes one (openssl rand
// -base64 32), and seals the installed workspaces' tokens with it.
func (b *bench) newTokenKey() error {
	key := make([]byte, store.TokenKeySize)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("token encryption key: %w", err)
	}
	keys, err := store.NewKeyring(key, nil)
	if err != nil {
		return err
	}
	b.db.Keys = keys
	b.tokenKey = base64.StdEncoding.EncodeToString(key)
	return nil
}

// dbURL is the URL of the bench's database.
func (b *bench) dbURL() string {
	if b.local != nil {
		return b.local.URL()
	}
	return b.cfg.DatabaseURL
}
