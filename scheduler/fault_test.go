package scheduler_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// The faults production sees in the middle of a fan-out: Postgres restarting, the process being stopped with
// SIGTERM, Slack answering 429 and bursts of 5xx. Each test is bounded in time, asserts nothing about timing, and
// reads the outcome from the fake's messages and the database: every delivery exactly once, no lease left behind.

// faultDeadline bounds each fault test's waiting.
const faultDeadline = 60 * time.Second

// settle ticks d (as cron and kicks would) until every row has ended, moving the clock past leases and backoffs,
// and fails the test if that takes longer than faultDeadline.
func (e *env) settle(d *scheduler.Dispatcher) {
	e.t.Helper()
	deadline := time.Now().Add(faultDeadline)
	for {
		e.clock.MoveTo(e.clock.Now().Add(5 * time.Minute))
		if _, err := d.Tick(e.ctx); err != nil {
			e.t.Logf("tick: %v", err)
		}
		open := e.unfinished()
		if open == 0 {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%d deliveries still pending or sending after %s", open, faultDeadline)
		}
	}
}

// unfinished counts rows that are still pending or sending.
func (e *env) unfinished() int {
	e.t.Helper()
	var n int
	if err := e.db.GetContext(e.ctx, &n, `SELECT count(*) FROM deliveries WHERE status IN ('pending', 'sending')`); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// expectAllSent checks that every row ended sent (or expanded) and that no lease is held.
func (e *env) expectAllSent() {
	e.t.Helper()
	for key, r := range e.statuses() {
		if r.Status != store.StatusSent && r.Status != store.StatusExpanded {
			e.t.Errorf("%s ended %s (%v), want sent", key, r.Status, r.Error)
		}
	}
	var leased int
	if err := e.db.GetContext(e.ctx, &leased, `SELECT count(*) FROM deliveries WHERE lease_owner IS NOT NULL`); err != nil {
		e.t.Fatal(err)
	}
	if leased != 0 {
		e.t.Errorf("%d rows still hold a lease", leased)
	}
}

// slowSender is a Sender on the fake whose posts go at perSecond, so that a fan-out takes long enough to be
// interrupted; everything else is quick.
func slowSender(apiURL, token string, perSecond float64, attempts int) *bot.Sender {
	api := slack.New(token, slack.OptionAPIURL(apiURL))
	slow, fast := bot.Rate{PerSecond: perSecond, Burst: 1}, bot.Rate{PerSecond: 5000, Burst: 1000}
	return bot.NewSender(bot.NewPoster(api, bot.PosterOptions{ChannelRate: slow, PostRate: slow, MaxAttempts: attempts,
		Tiers: map[int]bot.Rate{1: fast, 2: fast, 3: fast, 4: fast}, Log: bottest.QuietLog(),
		BaseBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, AttemptTimeout: 5 * time.Second}))
}

func TestFaultPostgresRestart(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts and restarts a PostgreSQL server")
	}
	pg := storetest.NewRestartable(t)

	e := newEnv(t, 30, local(2026, 12, 6, 10, 0))
	db, err := store.Open(e.ctx, pg.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(e.ctx); err != nil {
		t.Fatal(err)
	}
	db.Now = e.clock.Now
	e.db, e.dbURL = db, pg.URL()
	plan := e.apply(fanOutRules()[:2])

	// Stop Postgres once a third of the messages are out, while the dispatcher is posting and recording. The
	// response to the twentieth post, and to every post after it, waits until the server is down: the fan-out
	// cannot run on (and finish) while Postgres takes its time to stop.
	const total = 30 * 2
	var posts atomic.Int32
	var once sync.Once
	stopped := make(chan error, 1)
	hook := func(string) {
		if posts.Add(1) >= 20 {
			once.Do(func() { stopped <- pg.Stop() })
		}
	}
	e.onChange.Store(&hook)

	logs := &logLines{}
	d := e.dispatcherWith(slowSender(e.fake.APIURL(), e.fake.BotToken(), 40, 3), "survivor",
		scheduler.DispatchOptions{Workers: 4, Batch: 10, Log: slog.New(logs)})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- d.Run(ctx) }()
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatalf("stop postgres: %v", err)
		}
	case <-time.After(faultDeadline):
		t.Fatal("the fan-out did not reach 20 messages")
	}
	e.onChange.Store(nil)
	// The database is gone for the dispatcher too: a kick's tick fails, and the dispatcher keeps running.
	pingCtx, pingCancel := context.WithTimeout(e.ctx, 10*time.Second)
	err = db.PingContext(pingCtx)
	pingCancel()
	if err == nil {
		t.Fatal("the database still answers after it was stopped")
	}
	d.Kick()
	waitFor(t, func() bool { return logs.count("dispatch tick failed") > 0 })
	// The database was down in the middle of the fan-out: what went out before the restart is not all of it.
	sentWhileDown := len(e.delivered())
	if sentWhileDown >= total {
		t.Fatalf("all %d messages were out before postgres was restarted; the test did not take the database away mid-fan-out", sentWhileDown)
	}
	pg.Start()
	t.Logf("postgres restarted after %d of %d messages", sentWhileDown, total)

	// Cron and kicks go on: leases that ran out while the database was down are taken over after a history check.
	deadline := time.Now().Add(faultDeadline)
	for e.unfinished() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries unfinished %s after the restart", e.unfinished(), faultDeadline)
		}
		e.clock.MoveTo(e.clock.Now().Add(3 * time.Minute))
		d.Kick()
		time.Sleep(200 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-ran:
		if err != nil {
			t.Errorf("Run after the restart: %v", err)
		}
	case <-time.After(faultDeadline):
		t.Fatal("the dispatcher did not stop")
	}
	e.expectOnceAround(plan)
	e.expectAllSent()
}

// sigtermChildEnv starts the test binary as TestFaultSIGTERM's helper: "db URL|fake API URL|token|clock".
const sigtermChildEnv = "GESPREKBOT_SIGTERM_CHILD"

// TestFaultSIGTERMChild is the helper process of TestFaultSIGTERM, not a test of its own: a dispatcher that runs
// the way the bot runs it (Run, stopped by SIGTERM through signal.NotifyContext), posting slowly to the parent's
// fake.
func TestFaultSIGTERMChild(t *testing.T) {
	if os.Getenv(sigtermChildEnv) == "" {
		t.Skip("helper process of TestFaultSIGTERM")
	}
	args, err := readChildArgs(sigtermChildEnv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	db, err := args.open(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	d := scheduler.NewDispatcher(db, slowSender(args.apiURL, args.token, 10, 3), testRenderer{}, scheduler.DispatchOptions{
		Now: func() time.Time { return args.now }, Owner: "terminated", Log: bottest.QuietLog(), Workers: 4, Batch: 10,
		Grace: 15 * time.Second})
	if err := d.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

func TestFaultSIGTERM(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a helper process")
	}
	e := newEnv(t, 30, local(2026, 12, 6, 10, 0))
	plan := e.apply(fanOutRules()[:2])
	c := startChild(t, e, sigtermChildEnv, "^TestFaultSIGTERMChild$")
	atSignal := c.signalAt(t, e, 10, syscall.SIGTERM, faultDeadline)
	exited := make(chan error, 1)
	go func() { exited <- c.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the helper ended with %v after SIGTERM; stderr: %s", err, c.stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the helper did not stop within 20 s of SIGTERM; stderr: %s", c.stderr.String())
	}
	e.onChange.Store(nil)

	// Claiming stopped: only the posts already on their way (one per worker) went out after the signal.
	after := len(e.delivered()) - atSignal
	if after > 4 {
		t.Errorf("%d messages went out after SIGTERM, want at most the 4 in flight", after)
	}
	// What was in flight was recorded or given back: nothing is left leased to the stopped process.
	var held int
	if err := e.db.GetContext(e.ctx, &held, `
		SELECT count(*) FROM deliveries WHERE lease_owner = 'terminated' AND lease_until > $1`, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Errorf("%d rows still leased to the stopped dispatcher", held)
	}
	if len(e.delivered()) >= 60 {
		t.Fatal("the helper sent everything before it stopped; the test did not stop it mid-fan-out")
	}
	t.Logf("stopped after %d of 60 messages", len(e.delivered()))

	// A second replica finishes the fan-out, and nobody gets a message twice.
	e.settle(e.dispatcher("second", scheduler.DispatchOptions{}))
	e.expectOnceAround(plan)
	e.expectAllSent()
}

// limitingProxy stands between the bot and the fake and answers a share of chat.postMessage calls with 429 and a
// Retry-After of one second, before they reach the fake.
type limitingProxy struct {
	srv     *http.Server
	url     string
	calls   atomic.Int64
	limited atomic.Int64
}

func newLimitingProxy(t *testing.T, fakeURL string, every10 int64) *limitingProxy {
	t.Helper()
	target, err := url.Parse(fakeURL)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	p := &limitingProxy{}
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/chat.postMessage") {
			// Deterministic: calls 1, 2 and 3 of every 10 are refused.
			if n := p.calls.Add(1); n%10 < every10 {
				p.limited.Add(1)
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
		}
		rp.ServeHTTP(w, r)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go p.srv.Serve(ln)
	t.Cleanup(func() { p.srv.Close() })
	p.url = "http://" + ln.Addr().String() + "/api/"
	return p
}

func TestFaultRateLimited(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 12, local(2026, 12, 6, 10, 0))
	plan := e.apply(append(fanOutRules()[:1], fanOutRules()[4:]...))
	proxy := newLimitingProxy(t, e.fake.URL(), 3)
	d := e.dispatcherWith(newFakeSender(proxy.url, e.fake.BotToken(), 3), "limited", scheduler.DispatchOptions{})
	e.settle(d)
	e.expectOnceAround(plan)
	e.expectAllSent()
	calls, limited := proxy.calls.Load(), proxy.limited.Load()
	if limited == 0 || limited*10 < calls*2 {
		t.Errorf("%d of %d posts answered 429; the test wants about 30 %%", limited, calls)
	}
	// Every 429 was waited out and tried again: the posts that reached the fake are exactly the messages.
	if got, want := len(e.fake.CallsTo("chat.postMessage")), 12+2; got != want {
		t.Errorf("%d posts reached the fake, want %d (one per message)", got, want)
	}
}

func TestFault5xxBursts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 20, local(2026, 12, 6, 10, 0))
	plan := e.apply(fanOutRules()[:2])
	// After every 8th message Slack fails the next 4 posts, alternating 500 and 503 bursts: more than the Poster's
	// 3 attempts, so some rows go back to the dispatcher for a retry after a backoff.
	var posts atomic.Int32
	hook := func(string) {
		n := posts.Add(1)
		if n%8 == 0 {
			kind := slackfake.Fault500
			if n%16 == 0 {
				kind = slackfake.Fault503
			}
			e.fake.FailNext("chat.postMessage", 4, kind)
		}
	}
	e.onChange.Store(&hook)
	d := e.dispatcherWith(newFakeSender(e.fake.APIURL(), e.fake.BotToken(), 3), "bursts",
		scheduler.DispatchOptions{Workers: 2})
	e.settle(d)
	e.onChange.Store(nil)
	e.expectOnceAround(plan)
	e.expectAllSent()
	failed := 0
	for _, c := range e.fake.CallsTo("chat.postMessage") {
		if c.Status >= 500 {
			failed++
		}
	}
	if failed < 8 {
		t.Errorf("only %d posts answered 5xx; the test did not inject its bursts", failed)
	}
}
