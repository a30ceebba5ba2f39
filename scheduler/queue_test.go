package scheduler_test

import (
	"bytes"
	"context"
	"runtime/pprof"
	"strings"
	"testing"

	"github.com/gesprekbot/gesprekbot/scheduler"
)

// goroutinesIn counts the goroutines whose stack passes through fn.
func goroutinesIn(fn string) int {
	var buf bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&buf, 2)
	n := 0
	for _, g := range strings.Split(buf.String(), "\n\n") {
		if strings.Contains(g, fn) {
			n++
		}
	}
	return n
}

// TestDispatchFanOutQueuesRows expands a planned row to 60 participants while the tick's 2 workers wait on Slack:
// the other rows wait in the tick's queue, not each on a goroutine of its own, so a fan-out to 10,000 people does
// not hold 10,000 goroutine stacks (issue 19: the bot's RSS at a national roll-out). Not parallel: it counts the
// process's goroutines, and only this test's tick may run meanwhile.
func TestDispatchFanOutQueuesRows(t *testing.T) {
	const workers, people = 2, 60
	e := newEnv(t, people, local(2026, 12, 6, 10, 0))
	plan := e.apply(fanOutRules()[:1])
	gate := &counting{Sender: newFakeSender(e.fake.APIURL(), e.fake.BotToken(), 3), posts: make(chan struct{})}
	d := e.dispatcherWith(gate, "queue", scheduler.DispatchOptions{Workers: workers})
	done := make(chan scheduler.Result, 1)
	go func() {
		res, err := d.Tick(context.Background())
		if err != nil {
			t.Errorf("tick: %v", err)
		}
		done <- res
	}()
	// Both workers at the gate: the expansion is done and every participant's row is waiting.
	waitFor(t, func() bool { return goroutinesIn("(*counting).Post") == workers })
	if n := goroutinesIn("scheduler.(*tickRun)"); n > workers+1 {
		t.Errorf("%d goroutines in the tick for %d workers and %d rows waiting: the rows should wait in a queue", n, workers, people)
	}
	drained := make(chan struct{})
	defer close(drained)
	go func() {
		for {
			select {
			case <-gate.posts:
			case <-drained:
				return
			}
		}
	}()
	if res := <-done; res.Sent != people || res.Expanded != 1 {
		t.Fatalf("tick %+v: want one row expanded and sent to each of %d participants", res, people)
	}
	e.expectOnceAround(plan)
}
