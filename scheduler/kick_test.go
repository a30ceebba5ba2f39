package scheduler_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/scheduler"
)

// gateDirectory is a Directory the test holds each tick in: every tick of a cohort whose channel is still a
// "#name" asks it once, at its start. A call says the tick started, then waits for the test's word to go on (false)
// or to panic (true). It notes when two ticks run at once.
type gateDirectory struct {
	entered  chan struct{}
	release  chan bool
	inFlight atomic.Int32
	overlap  atomic.Bool
}

func newGateDirectory() *gateDirectory {
	return &gateDirectory{entered: make(chan struct{}), release: make(chan bool)}
}

func (g *gateDirectory) ChannelID(ctx context.Context, name string) (string, error) {
	if g.inFlight.Add(1) > 1 {
		g.overlap.Store(true)
	}
	defer g.inFlight.Add(-1)
	select {
	case g.entered <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	select {
	case panics := <-g.release:
		if panics {
			panic("a tick that panics")
		}
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return "", errors.New("the channel is not there yet")
}

func (g *gateDirectory) UserIDByEmail(context.Context, string) (string, error) {
	return "", errors.New("not asked: the trainers are known")
}

// await waits for the next tick to start, and fails the test if none does within 20 s.
func (g *gateDirectory) await(t *testing.T, what string) {
	t.Helper()
	select {
	case <-g.entered:
	case <-time.After(20 * time.Second):
		t.Fatalf("no tick started within 20 s: %s", what)
	}
}

// panicOnce is a Directory whose first lookup panics; it counts the lookups, one per tick.
type panicOnce struct{ calls atomic.Int32 }

func (p *panicOnce) ChannelID(context.Context, string) (string, error) {
	if p.calls.Add(1) == 1 {
		panic("a tick that panics")
	}
	return "", errors.New("the channel is not there yet")
}

func (p *panicOnce) UserIDByEmail(context.Context, string) (string, error) {
	return "", errors.New("not asked: the trainers are known")
}

// runDispatcher runs d until the test ends, and fails the test if Run returns an error or does not stop.
func runDispatcher(t *testing.T, d *scheduler.Dispatcher) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-ran:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("Run did not stop")
		}
	})
}

// TestDispatchKicks pins how Run's ticks come: from cron and from Kick, through one chain of robfig/cron
// (SkipIfStillRunning, Recover). Each tick asks the Directory once, so the Directory sees the ticks.
func TestDispatchKicks(t *testing.T) {
	t.Parallel()
	t.Run("KickDuringTick", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, 0, local(2026, 12, 6, 10, 0))
		e.cohort.Channel = "#het-gesprek-test"
		e.apply(nil)
		g := newGateDirectory()
		// No cron tick comes during the test: every tick after the first is a kick's.
		d := e.dispatcher("kicked", scheduler.DispatchOptions{Directory: g, Spec: "@every 1h"})
		runDispatcher(t, d)

		g.await(t, "the tick at start")
		// Kicks while a tick runs (a module moved, the clock jumped) start no tick beside it: the tick after them
		// would show up here within a few milliseconds; half a second is plenty.
		d.Kick()
		d.Kick()
		select {
		case <-g.entered:
			t.Fatal("a kick started a tick while another ran")
		case <-time.After(500 * time.Millisecond):
		}
		// They lead to one more tick after it.
		g.release <- false
		g.await(t, "a kick came during the tick before")
		// The same when the tick panics: it is recovered, and the kick still gets its tick.
		d.Kick()
		g.release <- true
		g.await(t, "a kick came during a tick that panicked")
		g.release <- false
		// A kick between ticks starts one.
		d.Kick()
		g.await(t, "a kick while no tick runs")
		g.release <- false
		if g.overlap.Load() {
			t.Error("two ticks ran at once")
		}
	})
	t.Run("CronAfterPanic", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, 0, local(2026, 12, 6, 10, 0))
		e.cohort.Channel = "#het-gesprek-test"
		e.apply(nil)
		p := &panicOnce{}
		logs := &logLines{}
		d := e.dispatcher("recovered", scheduler.DispatchOptions{Directory: p, Spec: "@every 1s", Log: slog.New(logs)})
		runDispatcher(t, d)
		// The tick at start panics; cron's next tick still runs.
		waitFor(t, func() bool { return p.calls.Load() >= 2 })
		if logs.count("dispatch tick panic") == 0 {
			t.Error("the panic was not logged")
		}
	})
}
