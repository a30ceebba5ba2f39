package scheduler

import (
	"context"
	"log/slog"
	"runtime"
	"sync"

	"github.com/robfig/cron/v3"
)

// kicker lets Kick run the cron entry's own job, so that a kick and a cron tick go through one chain: one
// SkipIfStillRunning (ticks never overlap) and one Recover (a panicking tick is logged, and the next one runs).
//
// SkipIfStillRunning alone would drop a kick that comes while a tick runs, yet a kick asks for a tick that starts
// after it (the sandbox's clock jump, /training verzet): so a kick leaves pending set, and the running job looks at
// it under mu before it ends, and ticks once more. Kicks that come during one tick are merged into that one more
// tick.
type kicker struct {
	mu      sync.Mutex
	job     cron.Job // the chained job, while Run runs; nil before and after
	running bool     // the job is between its start and its last look at pending
	pending bool     // a kick came after the start of the last tick
	runs    int      // how often the job started
	wg      sync.WaitGroup
}

// start makes the kicker run job until stop.
func (k *kicker) start(job cron.Job) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.job = job
}

// stop makes later kicks do nothing and waits for the ticks that kicks started.
func (k *kicker) stop() {
	k.mu.Lock()
	k.job = nil
	k.mu.Unlock()
	k.wg.Wait()
}

// kick asks for a tick that starts after now.
func (k *kicker) kick() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.pending = true
	if k.job == nil || k.running {
		// Not running: Run ticks at its start. Running: the job ticks again before it ends.
		return
	}
	k.wg.Go(k.serve)
}

// serve runs the job for a kick. The job's SkipIfStillRunning skips it while a run is starting (it holds the slot,
// but has not yet looked at pending) or ending (it has looked, but not yet given back the slot): serve then tries
// again until a run has started since; those moments are a few instructions long.
func (k *kicker) serve() {
	for {
		k.mu.Lock()
		job, runs := k.job, k.runs
		unserved := job != nil && k.pending && !k.running
		k.mu.Unlock()
		if !unserved {
			return
		}
		job.Run()
		k.mu.Lock()
		started := k.runs != runs
		k.mu.Unlock()
		if started {
			return
		}
		runtime.Gosched()
	}
}

// next is asked by the job before each tick: whether to tick (again) and why. The first tick of a run always goes;
// another only when a kick came since the last one started; none once the dispatcher is stopping. When it answers
// no, the job counts as ended.
func (k *kicker) next(first, stopping bool) (why string, ok bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if first {
		k.runs++
	}
	switch {
	case stopping:
		k.running, k.pending = false, false
		return "", false
	case k.pending:
		why = "kick"
	case first:
		why = "cron"
	default:
		k.running = false
		return "", false
	}
	k.running, k.pending = true, false
	return why, true
}

// panicked ends a job whose tick panicked (Recover, outside the job, carries on): kicks that came during that tick
// still get their tick.
func (k *kicker) panicked() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.running = false
	if k.pending && k.job != nil {
		k.wg.Go(k.serve)
	}
}

// ticks is the job cron runs on the schedule and kicks run on demand: a tick, and one more for as long as kicks
// came during the last.
func (d *Dispatcher) ticks(ctx context.Context) {
	ended := false
	defer func() {
		if !ended {
			d.kicks.panicked()
		}
	}()
	for first := true; ; first = false {
		why, ok := d.kicks.next(first, ctx.Err() != nil)
		if !ok {
			ended = true
			return
		}
		d.tick(ctx, why)
	}
}

// cronLog passes robfig/cron's messages to slog: the panics Recover catches as errors, the rest (each run, each
// skip) at debug level.
type cronLog struct{ log *slog.Logger }

// Info implements cron.Logger.
func (l cronLog) Info(msg string, keysAndValues ...any) {
	l.log.Debug("cron "+msg, keysAndValues...)
}

// Error implements cron.Logger.
func (l cronLog) Error(err error, msg string, keysAndValues ...any) {
	l.log.Error("dispatch tick "+msg, append([]any{slog.Any("error", err)}, keysAndValues...)...)
}
