package scheduler_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
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

// A dispatcher killed with -9 in the middle of a fan-out: the next one takes its rows over at once (its session
// is gone), looks in the history only for the rows it was posting, and finishes at the pace of Slack's limits.

const (
	// crashRate is the posts a second the poster of both dispatchers is paced at, as Slack's limits would: the
	// floor of what is left after the kill.
	crashRate = 100
	// crashWorkers is the helper's worker count: at most this many rows can have been in flight at the kill.
	crashWorkers = 8
	// crashQuiet is OwnerQuiet in the test (10 s by default).
	crashQuiet = 4 * time.Second
)

// crashChildEnv starts the test binary as TestDispatchKilledMidFanOut's helper: "db URL|fake API URL|token|clock".
const crashChildEnv = "GESPREKBOT_CRASH_CHILD"

// crashOptions are the dispatcher options of the helper and of the dispatcher that takes over.
func crashOptions(workers int) scheduler.DispatchOptions {
	return scheduler.DispatchOptions{Workers: workers, Heartbeat: 100 * time.Millisecond, OwnerQuiet: crashQuiet}
}

// TestDispatchKilledMidFanOutChild is the helper process of TestDispatchKilledMidFanOut, not a test of its own: a
// dispatcher running as the bot runs it (Run: registered, ticking), posting to the parent's fake until killed.
func TestDispatchKilledMidFanOutChild(t *testing.T) {
	if os.Getenv(crashChildEnv) == "" {
		t.Skip("helper process of TestDispatchKilledMidFanOut")
	}
	args, err := readChildArgs(crashChildEnv)
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
	opts := crashOptions(crashWorkers)
	opts.Now, opts.Owner, opts.Log = func() time.Time { return args.now }, "killed", bottest.QuietLog()
	d := scheduler.NewDispatcher(db, slowSender(args.apiURL, args.token, crashRate, 3), testRenderer{}, opts)
	if err := d.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

func TestDispatchKilledMidFanOut(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a helper process")
	}
	const people = 400
	e := newEnv(t, people, local(2026, 12, 6, 10, 0))
	plan := e.apply(fanOutRules()[:1]) // one DM for each of the 400 participants
	c := startChild(t, e, crashChildEnv, "^TestDispatchKilledMidFanOutChild$")

	// Killed right after the fake stored its 100th message, before the answer reached the helper.
	c.signalAt(t, e, 100, syscall.SIGKILL, 2*faultDeadline)
	c.cmd.Wait()
	// A statement the helper sent just before it died still runs to its commit on the server: count the rows in
	// flight once the helper's sessions are gone.
	waitFor(t, func() bool {
		var sessions int
		e.db.GetContext(e.ctx, &sessions, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()`)
		return sessions <= e.db.Stats().OpenConnections
	})
	e.onChange.Store(nil)
	killedAt := len(e.delivered())
	left := people - killedAt
	if left <= 0 {
		t.Fatal("the helper sent everything before it was killed")
	}
	var inFlight int
	if err := e.db.GetContext(e.ctx, &inFlight, `
		SELECT count(*) FROM deliveries WHERE status = 'sending' AND attempted_at IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	historyBefore := len(e.fake.CallsTo("conversations.history"))

	// The replacement starts at once; the clock stands still, so no lease of the helper ever runs out.
	started := time.Now()
	d := e.dispatcherWith(slowSender(e.fake.APIURL(), e.fake.BotToken(), crashRate, 3), "replacement", crashOptions(32))
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- d.Run(ctx) }()
	deadline := time.Now().Add(2 * faultDeadline)
	for e.unfinished() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries unfinished %s after the restart", e.unfinished(), 2*faultDeadline)
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(started)
	cancel()
	if err := <-ran; err != nil {
		t.Errorf("Run: %v", err)
	}

	e.expectOnceAround(plan)
	e.expectAllSent()
	history := len(e.fake.CallsTo("conversations.history")) - historyBefore
	if history > inFlight || inFlight > crashWorkers {
		t.Errorf("%d history look-ups for %d rows in flight at the kill (at most %d workers): only rows that were "+
			"attempted may need one", history, inFlight, crashWorkers)
	}
	var first, last time.Time
	for _, c := range e.fake.CallsTo("chat.postMessage") {
		if c.Time.After(started) {
			if first.IsZero() {
				first = c.Time
			}
			last = c.Time
		}
	}
	t.Logf("first post %s after the start, last post %s after, done recorded %s after",
		first.Sub(started).Round(time.Millisecond), last.Sub(started).Round(time.Millisecond), took.Round(time.Millisecond))
	// Timing is not asserted (a shared machine), only reported: the floor is what Slack's pace allows for what was
	// left; rows the helper was posting wait OwnerQuiet, in parallel with the rest.
	floor := time.Duration(float64(left-1) / crashRate * float64(time.Second))
	t.Logf("killed after %d of %d DMs, %d in flight; the replacement finished the %d left in %s (floor %s, ratio %.2f) "+
		"with %d history look-ups", killedAt, people, inFlight, left, took.Round(time.Millisecond),
		floor.Round(time.Millisecond), took.Seconds()/floor.Seconds(), history)
}

// TestDispatchFencedWithoutDatabase takes PostgreSQL away while a post hangs in Slack: the dispatcher cannot show
// it is alive, so before others could take its rows over it cuts the post itself (rather than let it run to its
// own timeout) and starts no other; once the database is back it goes on, and the message arrives once.
func TestDispatchFencedWithoutDatabase(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts and restarts a PostgreSQL server")
	}
	pg := storetest.NewRestartable(t)
	e := newEnv(t, 0, local(2026, 12, 6, 10, 0))
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
	plan := e.apply(fanOutRules()[4:5]) // one channel message

	e.fake.FailNext("chat.postMessage", 1, slackfake.FaultTimeout) // Slack holds the post until the bot gives up
	lines := &logLines{}
	api := slack.New(e.fake.BotToken(), slack.OptionAPIURL(e.fake.APIURL()))
	// The post's own limit is 30 s: only the fence can end it sooner.
	p := bot.NewPoster(api, bottest.FastPacing(bot.PosterOptions{Log: bottest.QuietLog(), MaxAttempts: 1, AttemptTimeout: 30 * time.Second}))
	d := e.dispatcherWith(bot.NewSender(p), "fenced", scheduler.DispatchOptions{Log: slog.New(lines),
		Heartbeat: 100 * time.Millisecond, OwnerQuiet: 2 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- d.Run(ctx) }()
	waitFor(t, func() bool {
		var n int
		e.db.GetContext(e.ctx, &n, `SELECT count(*) FROM deliveries WHERE attempted_at IS NOT NULL`)
		live, _ := e.db.LiveOwners(e.ctx)
		return n == 1 && len(live) == 1
	})
	stopped := time.Now()
	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(e.fake.CallsTo("chat.postMessage")) == 1 })
	if cut := time.Since(stopped); cut > 15*time.Second {
		t.Errorf("the hanging post ended %s after the database went, want it cut by the fence (a second)", cut)
	}
	if n := lines.count("posts in flight stopped"); n != 1 {
		t.Errorf("%d log lines about the fence, want 1: %q", n, lines.lines)
	}

	pg.Start()
	// Back: the row, given back or left to its lease, is looked for in the history and posted once.
	waitFor(t, func() bool {
		e.clock.MoveTo(e.clock.Now().Add(3 * time.Minute))
		d.Kick()
		time.Sleep(50 * time.Millisecond)
		return len(e.delivered()) == 1 && e.unfinished() == 0
	})
	cancel()
	if err := <-ran; err != nil {
		t.Errorf("Run: %v", err)
	}
	e.expectOnceAround(plan)
	e.expectAllSent()
}
