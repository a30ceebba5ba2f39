package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/lib/pq"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
)

const benchUsage = `usage: gesprekbot bench [flags]

Runs the bot in a child process, wired as "gesprekbot run" wires it, against the in-repo Slack fake over Socket
Mode and a real PostgreSQL, and measures: (a) the ack latency of competentiemeter answers that are committed
before the ack, sent open-loop at --rate for --duration; (b) a fan-out to every participant (a channel message
per cohort and a DM per participant) against the fake's rate limits: elapsed time, the floor those limits imply,
429s, duplicates and lost messages; (c) the bot process's peak resident memory.

The database is a private PostgreSQL in a throwaway folder under the system temp dir, or, with DATABASE_URL, a
fresh database on that server (a fresh schema when the user may not create databases), dropped afterwards.

Flags:
  --participants N      participants in all (default 1000)
  --cohorts C           cohorts, each with its own channel (default 50)
  --rate R              interactions a second (default 200)
  --duration D          how long interactions are sent (default 30s)
  --workspace-rate W    the fake's chat.postMessage limit for the workspace, a second (default 50)
  --workspace-burst B   its burst (default 10)
  --channel-rate R      the fake's chat.postMessage limit per channel, a second (default 1)
  --channel-burst B     its burst (default 3)
  --skip-acks           measure only the fan-out
  --skip-fanout         measure only the interactions
  --cpuprofile FILE     write a CPU profile of the bot's process (go tool pprof)
  --format text|json    output format (default text)
`

// benchOptions are the bench's flags.
type benchOptions struct {
	Participants   int
	Cohorts        int
	Rate           float64
	Duration       time.Duration
	WorkspaceRate  float64
	WorkspaceBurst int
	ChannelRate    float64
	ChannelBurst   int
	SkipAcks       bool
	SkipFanout     bool
	CPUProfile     string
	Format         string
}

// BenchResult is what the bench measured; the JSON keys are the ones the README and CI read.
type BenchResult struct {
	AckP50       float64 `json:"ack_p50_ms"`
	AckP95       float64 `json:"ack_p95_ms"`
	AckP99       float64 `json:"ack_p99_ms"`
	AckMax       float64 `json:"ack_max_ms"`
	Interactions int     `json:"interactions"`
	Errors       int     `json:"errors"`

	FanoutMessages int     `json:"fanout_messages"`
	FanoutSeconds  float64 `json:"fanout_seconds"`
	FanoutFloor    float64 `json:"fanout_floor_seconds"`
	FanoutRatio    float64 `json:"fanout_ratio"`
	RateLimited    int     `json:"ratelimited"`
	Duplicates     int     `json:"duplicates"`
	Lost           int     `json:"lost"`

	RSSMB float64 `json:"rss_mb"`

	// The floor the ack latency compares with: a single-row upsert commit on the same Postgres at the same rate.
	CommitP50 float64 `json:"commit_p50_ms"`
	CommitP99 float64 `json:"commit_p99_ms"`
}

func parseBenchFlags(args []string) (benchOptions, error) {
	o := benchOptions{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(&o.Participants, "participants", 1000, "")
	fs.IntVar(&o.Cohorts, "cohorts", 50, "")
	fs.Float64Var(&o.Rate, "rate", 200, "")
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "")
	fs.Float64Var(&o.WorkspaceRate, "workspace-rate", 50, "")
	fs.IntVar(&o.WorkspaceBurst, "workspace-burst", 10, "")
	fs.Float64Var(&o.ChannelRate, "channel-rate", 1, "")
	fs.IntVar(&o.ChannelBurst, "channel-burst", 3, "")
	fs.BoolVar(&o.SkipAcks, "skip-acks", false, "")
	fs.BoolVar(&o.SkipFanout, "skip-fanout", false, "")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "")
	fs.StringVar(&o.Format, "format", "text", "")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.Participants < 1 || o.Participants > 100000:
		return o, errors.New("--participants must be between 1 and 100000")
	case o.Cohorts < 1 || o.Cohorts > o.Participants:
		return o, errors.New("--cohorts must be between 1 and --participants")
	case o.Rate <= 0 || o.Rate > 20000:
		return o, errors.New("--rate must be above 0 and at most 20000")
	case o.Duration <= 0 || o.Duration > time.Hour:
		return o, errors.New("--duration must be above 0 and at most 1h")
	case o.WorkspaceRate <= 0 || o.ChannelRate <= 0:
		return o, errors.New("--workspace-rate and --channel-rate must be above 0")
	case o.WorkspaceBurst < 1 || o.ChannelBurst < 1:
		return o, errors.New("--workspace-burst and --channel-burst must be at least 1")
	case o.Format != "text" && o.Format != "json":
		return o, errors.New("--format must be text or json")
	case o.SkipAcks && o.SkipFanout:
		return o, errors.New("--skip-acks and --skip-fanout together leave nothing to measure")
	}
	return o, nil
}

// benchCmd runs "gesprekbot bench".
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(stdout, benchUsage)
		return 0
	}
	if spec := os.Getenv(benchBotEnv); spec != "" {
		return benchBot(ctx, spec, stdout, stderr)
	}
	o, err := parseBenchFlags(args)
	if err != nil {
		fmt.Fprintf(stderr, "gesprekbot bench: %v\n\n%s", err, benchUsage)
		return 2
	}
	res, err := runBench(ctx, o, stderr)
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
	writeBenchText(stdout, o, res)
	return 0
}

func writeBenchText(w io.Writer, o benchOptions, r BenchResult) {
	if !o.SkipAcks {
		fmt.Fprintf(w, "interactions: %d sent at %g/s for %s after a %s warm-up, %d errors\n", r.Interactions, o.Rate, o.Duration, benchWarmup, r.Errors)
		fmt.Fprintf(w, "ack latency:  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms\n", r.AckP50, r.AckP95, r.AckP99, r.AckMax)
		fmt.Fprintf(w, "floor:        a single-row upsert commit p50 %.2f ms  p99 %.2f ms (ack p99 is %.1fx)\n",
			r.CommitP50, r.CommitP99, r.AckP99/math.Max(r.CommitP99, 0.001))
	}
	if !o.SkipFanout {
		fmt.Fprintf(w, "fan-out:      %d messages to %d participants in %d cohorts in %.2f s; floor %.2f s; ratio %.3f\n",
			r.FanoutMessages, o.Participants, o.Cohorts, r.FanoutSeconds, r.FanoutFloor, r.FanoutRatio)
		fmt.Fprintf(w, "              %d answered 429, %d duplicates, %d lost\n", r.RateLimited, r.Duplicates, r.Lost)
	}
	fmt.Fprintf(w, "memory:       the bot's peak resident set %.1f MB (its own process)\n", r.RSSMB)
}

// bench is one run: the database, the fake workspace, the bot, and what was seeded.
type bench struct {
	o      benchOptions
	log    *slog.Logger
	logw   io.Writer
	m      *Main     // the bench's own handle on the database (the bot runs in bot)
	bot    *exec.Cmd // the bot's process
	fake   *slackfake.Server
	people [][]string // per cohort, its participants' user IDs
	chans  []string
	ids    []int64 // cohort IDs
}

func runBench(ctx context.Context, o benchOptions, logw io.Writer) (BenchResult, error) {
	level := slog.LevelWarn
	if v := os.Getenv("LOG_LEVEL"); v != "" {
		_ = level.UnmarshalText([]byte(v))
	}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: level}))
	b := &bench{o: o, log: log, logw: logw}

	cfg := &Config{HTTPAddr: "127.0.0.1:0", LogFormat: "text", LogLevel: level, PGBin: os.Getenv("PG_BIN"),
		CourseTZ: time.Local}
	if loc, err := time.LoadLocation(content.DefaultTimezone); err == nil {
		cfg.CourseTZ = loc
	}
	cleanup, err := benchDatabase(ctx, cfg, os.Getenv("DATABASE_URL"), logw)
	if err != nil {
		return BenchResult{}, err
	}
	defer cleanup()

	b.fake = slackfake.New(slackfake.Options{})
	defer b.fake.Close()
	b.fake.SetChannelRate(o.ChannelRate, o.ChannelBurst)
	b.fake.SetRateLimit("chat.postMessage", int(math.Round(o.WorkspaceRate*60)), o.WorkspaceBurst)
	cfg.SlackBotToken, cfg.SlackAppToken, cfg.SlackAPIURL = b.fake.BotToken(), b.fake.AppToken(), b.fake.APIURL()
	if err := cfg.SetMode("socket"); err != nil {
		return BenchResult{}, err
	}

	m := NewMain(cfg, logw, logw)
	m.Logger = log
	b.m = m
	defer func() {
		if err := m.Close(); err != nil {
			log.Error("bench: close", slog.Any("error", err))
		}
	}()
	course, err := loadContent("")
	if err != nil {
		return BenchResult{}, fmt.Errorf("built-in course content: %w", err)
	}
	m.Course = course
	if err := m.openDB(ctx); err != nil {
		return BenchResult{}, err
	}
	m.Mux = http.NewServeMux()
	fmt.Fprintf(logw, "bench: seeding %d participants in %d cohorts\n", o.Participants, o.Cohorts)
	if err := b.seed(ctx); err != nil {
		return BenchResult{}, fmt.Errorf("seed: %w", err)
	}
	stop, err := b.startBot(ctx, cfg)
	if err != nil {
		return BenchResult{}, err
	}
	defer stop()

	var res BenchResult
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
	res.RSSMB = peakRSSMB(b.bot.Process.Pid)
	return res, ctx.Err()
}

// dbURL is the URL of the bench's database.
func (b *bench) dbURL() string {
	if b.m.Local != nil {
		return b.m.Local.URL()
	}
	return b.m.Config.DatabaseURL
}

// benchProfileEnv, when set, is where the bench's child process writes the bot's CPU profile.
const benchProfileEnv = "GESPREKBOT_BENCH_CPUPROFILE"

// benchBotEnv marks the bench's child process: the bot, wired as "gesprekbot run" wires it in Socket Mode, with its
// poster paced on the fake's limits given in the value: "channel rate,channel burst,post rate,post burst".
const benchBotEnv = "GESPREKBOT_BENCH_BOT"

// startBot runs the bot in a child process (this binary again), so that its memory is measured on its own,
// configured through the environment like any deployment: the bench's database and the fake's URL and tokens. It
// returns once the bot's Socket Mode connection is open; stop ends it with SIGTERM, as a process manager would.
func (b *bench) startBot(ctx context.Context, cfg *Config) (stop func(), err error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("start the bot: %w", err)
	}
	po := b.posterOptions()
	cmd := exec.Command(exe, "bench")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+b.dbURL(), benchProfileEnv+"="+b.o.CPUProfile,
		"SLACK_BOT_TOKEN="+cfg.SlackBotToken, "SLACK_APP_TOKEN="+cfg.SlackAppToken, "SLACK_API_URL="+cfg.SlackAPIURL,
		"SLACK_SIGNING_SECRET=", "CONTENT_DIR=", "LOG_FORMAT=text", "LOG_LEVEL="+cfg.LogLevel.String(),
		fmt.Sprintf("%s=%g,%d,%g,%d", benchBotEnv, po.ChannelRate.PerSecond, po.ChannelRate.Burst,
			po.PostRate.PerSecond, po.PostRate.Burst))
	cmd.Stdout, cmd.Stderr = b.logw, b.logw
	// Should the bench die, the kernel stops the bot too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the bot: %w", err)
	}
	b.bot = cmd
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop = func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(45 * time.Second):
			b.log.Error("bench: the bot did not stop within 45 s of SIGTERM; killing it")
			cmd.Process.Kill()
			<-exited
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	connected := make(chan error, 1)
	go func() { connected <- b.fake.WaitConnected(wctx, 1) }()
	select {
	case err = <-connected:
	case err = <-exited:
		exited <- err
		err = fmt.Errorf("the bot exited: %v", err)
	}
	if err != nil {
		stop()
		return nil, fmt.Errorf("the bot did not connect over Socket Mode: %w", err)
	}
	return stop, nil
}

// benchBot is the bench's child process: the bot in Socket Mode on the fake, with the poster paced as spec says,
// until SIGTERM. SIGUSR1 asks its dispatcher for a tick now (the bench's start of the fan-out).
func benchBot(ctx context.Context, spec string, stdout, stderr io.Writer) int {
	var po bot.PosterOptions
	if _, err := fmt.Sscanf(spec, "%g,%d,%g,%d", &po.ChannelRate.PerSecond, &po.ChannelRate.Burst,
		&po.PostRate.PerSecond, &po.PostRate.Burst); err != nil {
		fmt.Fprintf(stderr, "gesprekbot bench: %s=%q: %v\n", benchBotEnv, spec, err)
		return 2
	}
	if path := os.Getenv(benchProfileEnv); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "gesprekbot bench: bot: cpu profile: %v\n", err)
			return 1
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	cfg, err := LoadConfig(os.Getenv)
	if err == nil {
		err = cfg.SetMode("socket")
	}
	if err != nil {
		fmt.Fprintf(stderr, "gesprekbot bench: bot: %v\n", err)
		return 2
	}
	m := NewMain(cfg, io.Discard, stderr)
	defer m.Close()
	if m.Course, err = loadContent(""); err == nil {
		if err = m.openDB(ctx); err == nil {
			m.Mux = http.NewServeMux()
			err = m.startSlackWith(ctx, slackOptions{Poster: po})
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "gesprekbot bench: bot: %v\n", err)
		return 1
	}
	kick := make(chan os.Signal, 1)
	signal.Notify(kick, syscall.SIGUSR1)
	defer signal.Stop(kick)
	for {
		select {
		case <-ctx.Done():
			return 0
		case <-kick:
			m.Slack.scheduler.Kick()
		}
	}
}

// posterOptions paces the bot's poster on the fake's chat.postMessage limits, as an operator would configure it
// for a workspace: the same sustained rates, and bursts two below the fake's so that network jitter does not spend
// the fake's last token. Every other method keeps Slack's published tiers, as deployed.
func (b *bench) posterOptions() bot.PosterOptions {
	return bot.PosterOptions{
		ChannelRate: bot.Rate{PerSecond: b.o.ChannelRate, Burst: max(1, b.o.ChannelBurst-2)},
		PostRate:    bot.Rate{PerSecond: b.o.WorkspaceRate, Burst: max(1, b.o.WorkspaceBurst-2)},
	}
}

// benchDatabase points cfg at a database of the bench's own and returns how to remove it: with no DATABASE_URL a
// private server in a new folder under the temp dir (started by Main like the default set-up, durable like it);
// otherwise a new database on that server, or a new schema when the user may not create databases.
func benchDatabase(ctx context.Context, cfg *Config, dbURL string, logw io.Writer) (func(), error) {
	if dbURL == "" {
		dir, err := os.MkdirTemp("", "gesprekbot-bench-")
		if err != nil {
			return nil, fmt.Errorf("bench data dir: %w", err)
		}
		if os.Geteuid() == 0 {
			// The private server runs as the postgres user, which must be able to enter the folder.
			if err := os.Chmod(dir, 0o755); err != nil {
				return nil, fmt.Errorf("bench data dir: %w", err)
			}
		}
		cfg.DataDir = dir
		return func() { os.RemoveAll(dir) }, nil
	}
	admin, err := sql.Open("postgres", dbURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	defer admin.Close()
	name := "gesprekbot_bench_" + randomHex(6)
	u, err := url.Parse(dbURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name)); err == nil {
		u.Path = "/" + name
		cfg.DatabaseURL = u.String()
		fmt.Fprintf(logw, "bench: using a new database %s on DATABASE_URL's server\n", name)
		return func() {
			db, err := sql.Open("postgres", dbURL)
			if err != nil {
				return
			}
			defer db.Close()
			db.Exec(`DROP DATABASE IF EXISTS ` + pq.QuoteIdentifier(name) + ` WITH (FORCE)`)
		}, nil
	}
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+pq.QuoteIdentifier(name)); err != nil {
		return nil, fmt.Errorf("DATABASE_URL: the user may create neither a database nor a schema for the bench: %w", err)
	}
	q := u.Query()
	q.Set("search_path", name) // lib/pq sends unknown parameters as run-time settings
	u.RawQuery = q.Encode()
	cfg.DatabaseURL = u.String()
	fmt.Fprintf(logw, "bench: using a new schema %s in DATABASE_URL's database\n", name)
	return func() {
		db, err := sql.Open("postgres", dbURL)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec(`DROP SCHEMA IF EXISTS ` + pq.QuoteIdentifier(name) + ` CASCADE`)
	}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// seed creates the workspace (a trainer, the participants, a channel per cohort) and the cohorts with their
// fan-out planned an hour ahead, so that nothing is due until the fan-out starts it.
func (b *bench) seed(ctx context.Context) error {
	db := b.m.DB
	trainer := b.fake.AddUser(slackfake.User{ID: "U0TRAINER1", Name: "trainer", RealName: "Trainer"})
	now := time.Now()
	loc := b.m.Config.CourseTZ
	first := time.Date(now.Year(), now.Month(), now.Day()+14, 9, 0, 0, 0, loc)
	n := 0
	for i := range b.o.Cohorts {
		size := b.o.Participants / b.o.Cohorts
		if i < b.o.Participants%b.o.Cohorts {
			size++
		}
		members := []string{b.fake.BotUserID(), trainer}
		var people []string
		for range size {
			n++
			id := b.fake.AddUser(slackfake.User{ID: fmt.Sprintf("U0B%06d", n), Name: fmt.Sprintf("deelnemer%d", n),
				RealName: fmt.Sprintf("Deelnemer %d", n)})
			people = append(people, id)
			members = append(members, id)
		}
		ch := b.fake.AddChannel(slackfake.Channel{Name: fmt.Sprintf("het-gesprek-bench-%d", i+1), Members: members})
		c := &content.Cohort{Name: fmt.Sprintf("Bench %d", i+1), Channel: ch, Timezone: loc.String(),
			Trainers: []string{trainer}, Cases: []string{"richard", "johanna"}, Settings: content.DefaultCohortSettings()}
		for k := range 4 {
			start := first.AddDate(0, 0, 7*k)
			c.Modules = append(c.Modules, content.CohortModule{Number: k + 1, Start: start, End: start.Add(4 * time.Hour),
				Location: "Stadskantoor, zaal 3"})
		}
		due, deadline := now.Add(time.Hour), now.Add(2*time.Hour)
		if _, err := db.ApplyCohort(ctx, c, func(c *content.Cohort) ([]content.Delivery, error) {
			key := "c" + strconv.FormatInt(c.ID, 10)
			return []content.Delivery{
				{Key: key + "/preparation/m1", Kind: "preparation", RuleID: "preparation", Module: 1,
					Audience: content.AudienceChannel, DueAt: due, Deadline: &deadline, Title: "Voorbereiding module 1"},
				{Key: key + "/preparation_checklist/m1", Kind: "preparation_checklist", RuleID: "preparation_checklist",
					Module: 1, Audience: content.AudienceParticipants, DueAt: due, Deadline: &deadline,
					Title: "Checklist module 1"},
			}, nil
		}); err != nil {
			return fmt.Errorf("cohort %s: %w", c.Name, err)
		}
		b.people = append(b.people, people)
		b.chans = append(b.chans, ch)
		b.ids = append(b.ids, c.ID)
	}
	return nil
}

// --- interactions -------------------------------------------------------------------------------------------

// clicker is one participant answering the competentiemeter: a measurement with every statement answered and
// still open (like a reopened one), so that each click changes one score and commits it without finishing the
// measurement, and a few question messages in the participant's DM to click on.
type clicker struct {
	user    string
	dm      string
	ms      store.Measurement
	fresh   func(c *clicker) (string, error) // puts a new question message in the DM and returns its ts
	mu      sync.Mutex
	slots   []string       // ts of the question messages
	next    int            // slot to click next
	answers map[string]int // the score each statement should have, as last clicked
}

// clickSlots is how many question messages each clicker has open; each click moves a message on by a statement.
const clickSlots = 4

func (b *bench) setupClickers(ctx context.Context, meter *handlers.Meter, ids []string) ([]*clicker, error) {
	db := b.m.DB
	// Enough people that each gets a click every 200 ms at most.
	want := min(b.o.Participants, max(50, int(b.o.Rate/5)))
	var out []*clicker
	for ci := 0; len(out) < want; ci = (ci + 1) % len(b.people) {
		people := b.people[ci]
		k := len(out) / len(b.people)
		if k >= len(people) {
			continue
		}
		user := people[k]
		ms, err := db.StartMeasurement(ctx, b.ids[ci], user, store.MeterVoormeting)
		if err != nil {
			return nil, err
		}
		out = append(out, &clicker{user: user, ms: ms, answers: map[string]int{}})
	}
	// Every statement answered 3, in one statement; the measurement stays open.
	msIDs := make([]int64, len(out))
	for i, c := range out {
		msIDs[i] = c.ms.ID
		for _, id := range ids {
			c.answers[id] = 3
		}
	}
	if _, err := db.ExecContext(ctx, `
		INSERT INTO meter_answers (measurement_id, statement_id, score, answered_at)
		SELECT m, s, 3, now() FROM unnest($1::bigint[]) AS m, unnest($2::text[]) AS s`,
		pq.Array(msIDs), pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("seed answers: %w", err)
	}
	var seq atomic.Int64
	seq.Store(time.Now().Add(-time.Hour).UnixMicro())
	// question puts the message of statement i in c's DM, as the bot would have posted it, and returns its ts.
	question := func(c *clicker, i int) (string, error) {
		msg, err := meter.QuestionMessage(c.ms, c.answers, i, "", false)
		if err != nil {
			return "", err
		}
		blocks, err := json.Marshal(msg.Blocks)
		if err != nil {
			return "", err
		}
		us := seq.Add(1)
		ts := fmt.Sprintf("%d.%06d", us/1_000_000, us%1_000_000)
		return ts, b.fake.RestoreMessage(slackfake.Message{Conversation: c.dm, TS: ts, User: b.fake.BotUserID(),
			Text: msg.Text, Blocks: blocks})
	}
	for _, c := range out {
		c.dm = b.fake.AddIM(c.user, "")
		c.fresh = func(c *clicker) (string, error) { return question(c, 0) }
		for s := range clickSlots {
			ts, err := question(c, s*(len(ids)-1)/clickSlots)
			if err != nil {
				return nil, err
			}
			c.slots = append(c.slots, ts)
		}
	}
	return out, nil
}

// scoreValueRE matches the value of a score button in a question message's blocks.
var scoreValueRE = regexp.MustCompile(`"value":"(\d+/([^/"]+)/([1-5]))"`)

// scoreButton is a score button of a question message.
type scoreButton struct {
	ActionID string `json:"action_id"`
	Value    string `json:"value"`
}

// pick chooses the next click of c: a score button on one of its messages for a statement other than the last (an
// answer to the last one finishes the measurement), with a score other than the one it has. A message that has
// moved on to the last statement is swapped for a new one. It returns the message, the button, and the statement
// and score it stores.
func (c *clicker) pick(f *slackfake.Server, last string) (ts string, btn scoreButton, sid string, score int, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for range 2 * len(c.slots) {
		slot := c.next
		ts = c.slots[slot]
		c.next = (c.next + 1) % len(c.slots)
		msg, found := f.Message(c.dm, ts)
		if !found {
			continue
		}
		if strings.Contains(string(msg.Blocks), "/"+last+"/") {
			if fresh, err := c.fresh(c); err == nil {
				c.slots[slot] = fresh
			}
			continue
		}
		// The score buttons' values are "<measurement>/<statement>/<score>"; reading them with a pattern rather
		// than decoding the blocks keeps the load generator's share of the CPU small.
		for _, m := range scoreValueRE.FindAllStringSubmatch(string(msg.Blocks), -1) {
			if m[2] == last {
				continue
			}
			score, _ := strconv.Atoi(m[3])
			if score == c.answers[m[2]]%5+1 {
				c.answers[m[2]] = score
				return ts, scoreButton{ActionID: handlers.ActionMeterScore + ":" + m[3], Value: m[1]}, m[2], score, true
			}
		}
	}
	return "", scoreButton{}, "", 0, false
}

// benchWarmup is how long clicks are sent at the rate before the measured duration: the bot's first clicks open
// its database connections and prepare its statements on them, dial the response_url connections and grow its
// heap, all once per process; those clicks count in errors, not in the latencies.
const benchWarmup = 3 * time.Second

// acks sends score clicks open-loop at the rate for the warm-up and then the duration (each at its planned
// moment, whether or not earlier ones were answered), collects the ack latencies of the measured ones, and
// afterwards checks that every click's answer is what the database holds.
func (b *bench) acks(ctx context.Context, res *BenchResult) error {
	reg := handlers.NewRegistry(b.m.Course.Phrases, b.log)
	meter := handlers.RegisterMeter(reg, handlers.MeterDeps{Course: b.m.Course, Store: b.m.DB, Log: b.log})
	var ids []string
	for _, s := range b.m.Course.Meter.Statements() {
		ids = append(ids, s.ID)
	}
	clickers, err := b.setupClickers(ctx, meter, ids)
	if err != nil {
		return err
	}
	last := ids[len(ids)-1]
	total := int(math.Round(b.o.Rate * b.o.Duration.Seconds()))
	warm := int(math.Round(b.o.Rate * benchWarmup.Seconds()))
	interval := time.Duration(float64(time.Second) / b.o.Rate)
	lat := make([]time.Duration, 0, total)
	var mu sync.Mutex
	var failed, unpicked atomic.Int64
	var wg sync.WaitGroup
	runCtx, cancel := context.WithTimeout(ctx, benchWarmup+b.o.Duration+30*time.Second)
	defer cancel()
	start := time.Now()
	for k := range warm + total {
		at := start.Add(time.Duration(k) * interval)
		if d := time.Until(at); d > 0 {
			select {
			case <-time.After(d):
			case <-runCtx.Done():
				return runCtx.Err()
			}
		}
		c := clickers[k%len(clickers)]
		wg.Go(func() {
			ts, btn, _, _, ok := c.pick(b.fake, last)
			if !ok {
				unpicked.Add(1)
				return
			}
			r, err := b.fake.Click(runCtx, c.user, c.dm, ts, btn.ActionID, btn.Value)
			if err != nil || !r.Acked {
				failed.Add(1)
				return
			}
			if k < warm {
				return
			}
			mu.Lock()
			lat = append(lat, r.AckLatency)
			mu.Unlock()
		})
	}
	wg.Wait()
	// Follow-ups (the messages moving on) run after the acks; let them end before the fan-out starts.
	time.Sleep(2 * time.Second)
	lost, err := b.checkAnswers(ctx, clickers)
	if err != nil {
		return err
	}
	res.Interactions = total
	res.Errors = int(failed.Load()+unpicked.Load()) + lost
	if res.Errors > 0 {
		fmt.Fprintf(b.logw, "bench: %d clicks failed or were not acked, %d found no button to click, %d answers not stored as last clicked\n",
			failed.Load(), unpicked.Load(), lost)
	}
	slices.Sort(lat)
	res.AckP50, res.AckP95, res.AckP99 = quantileMS(lat, 0.50), quantileMS(lat, 0.95), quantileMS(lat, 0.99)
	if len(lat) > 0 {
		res.AckMax = ms(lat[len(lat)-1])
	}
	return nil
}

// commits measures the floor of an answer's ack: single-row upsert commits on the bot's database, open-loop at
// the interaction rate for up to 10 s, each on a pooled connection like the handlers'.
func (b *bench) commits(ctx context.Context, res *BenchResult) error {
	db := b.m.DB
	if _, err := db.ExecContext(ctx, `CREATE TABLE bench_commit (id int PRIMARY KEY, v int NOT NULL)`); err != nil {
		return err
	}
	defer db.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS bench_commit`)
	total := int(math.Round(b.o.Rate * min(b.o.Duration, 10*time.Second).Seconds()))
	interval := time.Duration(float64(time.Second) / b.o.Rate)
	lat := make([]time.Duration, total)
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for k := range total {
		if d := time.Until(start.Add(time.Duration(k) * interval)); d > 0 {
			time.Sleep(d)
		}
		wg.Go(func() {
			t := time.Now()
			if _, err := db.ExecContext(ctx, `
				INSERT INTO bench_commit (id, v) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v`,
				k%1000, k); err != nil {
				failed.Add(1)
			}
			lat[k] = time.Since(t)
		})
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		return fmt.Errorf("%d of %d upserts failed", n, total)
	}
	slices.Sort(lat)
	res.CommitP50, res.CommitP99 = quantileMS(lat, 0.50), quantileMS(lat, 0.99)
	return nil
}

// checkAnswers counts the scores in the database that differ from the last click on them: answers lost.
func (b *bench) checkAnswers(ctx context.Context, clickers []*clicker) (int, error) {
	lost := 0
	for _, c := range clickers {
		got, err := b.m.DB.MeterAnswers(ctx, c.ms.ID)
		if err != nil {
			return 0, err
		}
		c.mu.Lock()
		for sid, want := range c.answers {
			if got[sid] != want {
				lost++
			}
		}
		c.mu.Unlock()
	}
	return lost, nil
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }

// quantileMS returns the q-quantile of sorted durations (nearest rank), in milliseconds.
func quantileMS(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return ms(sorted[min(max(i, 0), len(sorted)-1)])
}

// --- fan-out ------------------------------------------------------------------------------------------------

// fanoutFloor is the least time any sender needs for the messages under the fake's limits, both token buckets
// starting full: the workspace bucket lets burst W_b go at once and then W a second, so M messages need
// (M - W_b) / W seconds; a channel's bucket likewise needs (m_c - C_b) / C for its m_c messages. The floor is the
// larger of the workspace's and the busiest channel's. (A DM is a conversation of its own with one message, so
// here only the cohort channels can bind.)
func fanoutFloor(total int, perChannel []int, o benchOptions) float64 {
	floor := math.Max(0, float64(total-o.WorkspaceBurst)/o.WorkspaceRate)
	for _, n := range perChannel {
		floor = math.Max(floor, float64(n-o.ChannelBurst)/o.ChannelRate)
	}
	return floor
}

// fanout makes the planned rows due now, kicks the bot's dispatcher, and waits until every message of the plan is
// in the fake (or the wait times out). Elapsed is from the kick to the last message's arrival.
func (b *bench) fanout(ctx context.Context, res *BenchResult) error {
	want := map[string]string{} // delivery key -> conversation it must land in
	perChannel := make([]int, 0, len(b.ids))
	for i, id := range b.ids {
		key := "c" + strconv.FormatInt(id, 10)
		want[key+"/preparation/m1"] = b.chans[i]
		perChannel = append(perChannel, 1)
		for _, p := range b.people[i] {
			want[key+"/preparation_checklist/m1/"+p] = p
		}
	}
	res.FanoutMessages = len(want)
	res.FanoutFloor = fanoutFloor(len(want), perChannel, b.o)
	limitedBefore := b.fake.RateLimited("chat.postMessage")

	// Only the plan seeded above: the bot also plans each cohort's retention warning, months away.
	if _, err := b.m.DB.ExecContext(ctx, `
		UPDATE deliveries SET due_at = $1 WHERE status = 'pending' AND rule_id <> $2`, time.Now(), store.RetentionWarningRule); err != nil {
		return fmt.Errorf("make the plan due: %w", err)
	}
	kicked := time.Now()
	if err := b.bot.Process.Signal(syscall.SIGUSR1); err != nil {
		return fmt.Errorf("kick the bot's dispatcher: %w", err)
	}

	deadline := kicked.Add(time.Duration(3*res.FanoutFloor*float64(time.Second)) + time.Minute)
	var got map[string][]slackfake.Message
	for {
		got = b.delivered()
		if len(got) >= len(want) || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	// A duplicate would come after the last expected message; give the dispatcher a moment to make one.
	time.Sleep(time.Second)
	got = b.delivered()
	var lastAt time.Time
	for key, where := range want {
		msgs := got[key]
		if len(msgs) == 0 {
			res.Lost++
			continue
		}
		res.Duplicates += len(msgs) - 1
		conv, _ := b.fake.Conversation(msgs[0].Conversation)
		if conv.ID != where && conv.User != where {
			b.log.Error("bench: delivery in the wrong conversation", slog.String("key", key), slog.String("conversation", conv.ID))
			res.Lost++
		}
		for _, m := range msgs {
			if t := tsTime(m.TS); t.After(lastAt) {
				lastAt = t
			}
		}
	}
	for key, msgs := range got {
		if _, ok := want[key]; !ok {
			res.Duplicates += len(msgs)
		}
	}
	if !lastAt.IsZero() {
		res.FanoutSeconds = round3(lastAt.Sub(kicked).Seconds())
	}
	if res.FanoutFloor > 0 {
		res.FanoutRatio = round3(res.FanoutSeconds / res.FanoutFloor)
	}
	res.FanoutFloor = round3(res.FanoutFloor)
	res.RateLimited = b.fake.RateLimited("chat.postMessage") - limitedBefore
	return nil
}

// delivered returns the fake's messages that carry a delivery key, by key.
func (b *bench) delivered() map[string][]slackfake.Message {
	out := map[string][]slackfake.Message{}
	for _, c := range b.fake.Conversations() {
		for _, m := range b.fake.Messages(c.ID) {
			if m.Metadata == nil || m.Metadata.EventType != bot.DeliveryEventType {
				continue
			}
			key := fmt.Sprint(m.Metadata.EventPayload["key"])
			out[key] = append(out[key], m)
		}
	}
	return out
}

// tsTime turns a Slack ts ("1733212345.000100") into a time.
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000)
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// --- memory -------------------------------------------------------------------------------------------------

// peakRSSMB returns the kernel's peak resident set size of the bot's process (VmHWM in /proc/<pid>/status) in MiB,
// or 0 where /proc is not available. The bot runs in a process of its own, so neither the fake Slack nor the load
// generator is counted; neither is PostgreSQL.
func peakRSSMB(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			if err != nil {
				return 0
			}
			return math.Round(kb/1024*10) / 10
		}
	}
	return 0
}
