package scheduler_test

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/scheduler"
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
	opts.Now, opts.Owner, opts.Log = func() time.Time { return args.now }, "killed", quietLog()
	d := scheduler.NewDispatcher(db, slowSender(args.apiURL, args.token, crashRate, 3), testRenderer{}, opts)
	if err := d.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

func TestDispatchKilledMidFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a helper process")
	}
	const people = 1000
	e := newEnv(t, people, local(2026, 12, 6, 10, 0))
	plan := e.apply(fanOutRules()[:1]) // one DM for each of the 1,000 participants
	c := startChild(t, e, crashChildEnv, "^TestDispatchKilledMidFanOutChild$")

	// Killed right after the fake stored its 250th message, before the answer reached the helper.
	c.signalAt(t, e, 250, syscall.SIGKILL, 2*faultDeadline)
	c.cmd.Wait()
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
