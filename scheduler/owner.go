package scheduler

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/gesprekbot/gesprekbot/store"
)

// A running dispatcher registers itself as an owner (store/owner.go) with a PostgreSQL session it keeps open, and
// shows it is alive on it every Heartbeat. When it dies, the others see its session gone and take its rows over
// at once (those it never attempted) or after OwnerQuiet (those it may have been posting), instead of after its
// leases run out; each asks every heartbeat whether there is such work, so that a replica that dies hands its
// share over within seconds.
//
// A dispatcher that cannot show it is alive for half of OwnerQuiet (its session was cut, PostgreSQL restarted, the
// network between them failed) fences itself: it starts no post and cuts the posts it has in flight, because the
// others may soon take those rows over.

// liveness is a dispatcher's registration and its fence.
type liveness struct {
	mu       sync.Mutex
	session  *store.OwnerSession // nil while not registered: leases are then only taken over when they run out
	lastBeat time.Time           // wall clock at the start of the last heartbeat that went through
	fence    context.Context     // ends when the dispatcher can no longer show it is alive
	cut      context.CancelFunc
}

func newLiveness() *liveness {
	l := &liveness{}
	l.fence, l.cut = context.WithCancel(context.Background())
	return l
}

// attempt returns the context a post must stay within, and false when the dispatcher must not start one now: it is
// registered and has not shown it is alive for longer than fenceAfter.
func (l *liveness) attempt(fenceAfter time.Duration) (context.Context, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.session != nil && time.Since(l.lastBeat) > fenceAfter {
		return nil, false
	}
	return l.fence, true
}

// beat shows the dispatcher is alive (registering it first when it is not yet), and fences it when that has not
// worked for longer than fenceAfter. It reports whether the dispatcher is registered and alive.
func (d *Dispatcher) beat(ctx context.Context) bool {
	l := d.live
	start := time.Now()
	l.mu.Lock()
	s := l.session
	l.mu.Unlock()
	// A heartbeat slower than the fence is of no use; one that takes a little longer than the interval still is.
	bctx, cancel := context.WithTimeout(ctx, max(d.fenceAfter(), 2*d.opts.Heartbeat))
	defer cancel()
	var err error
	if s == nil {
		s, err = d.db.RegisterOwner(bctx, d.opts.Owner)
		if err == nil {
			// Now is a good moment to forget the registrations of dispatchers that died and left nothing behind.
			if _, ferr := d.db.ForgetDeadOwners(bctx); ferr != nil {
				d.log.WarnContext(ctx, "forget dead dispatchers", slog.Any("error", ferr))
			}
		}
	} else {
		err = s.Beat(bctx)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err == nil {
		if l.session == nil {
			l.session = s
			d.log.DebugContext(ctx, "dispatcher registered as owner")
		}
		l.lastBeat = start
		if l.fence.Err() != nil {
			d.log.InfoContext(ctx, "dispatcher alive again; posting resumes")
			l.fence, l.cut = context.WithCancel(context.Background())
			d.Kick()
		}
		return true
	}
	if ctx.Err() != nil {
		return false
	}
	if l.session != nil && time.Since(l.lastBeat) > d.fenceAfter() && l.fence.Err() == nil {
		// Others may take these rows over soon: nothing of ours may still be on its way to Slack then.
		d.log.ErrorContext(ctx, "dispatcher cannot show it is alive; posts in flight stopped", slog.Any("error", err))
		l.cut()
	} else {
		d.log.WarnContext(ctx, "dispatcher heartbeat failed", slog.Any("error", err))
	}
	return false
}

// fenced reports whether the dispatcher is registered and has not shown it is alive for longer than fenceAfter.
func (d *Dispatcher) fenced() bool {
	_, alive := d.live.attempt(d.fenceAfter())
	return !alive
}

// fenceAfter is how long a registered dispatcher may go without a heartbeat before it stops posting: half of the
// quiet time after which others take its attempted rows over.
func (d *Dispatcher) fenceAfter() time.Duration { return d.opts.OwnerQuiet / 2 }

// unregister removes the dispatcher's registration when it stops.
func (d *Dispatcher) unregister() {
	l := d.live
	l.mu.Lock()
	s := l.session
	l.session = nil
	l.mu.Unlock()
	if s == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		d.log.Warn("dispatcher unregister", slog.Any("error", err))
	}
}

// watch runs beside Run until ctx ends: it beats every Heartbeat, asks for a tick when a dead owner's rows can be
// taken over, and, while sending is paused, every ProbeEvery (the tick asks Slack whether the token is accepted
// again).
func (d *Dispatcher) watch(ctx context.Context) {
	t := time.NewTicker(d.opts.Heartbeat)
	defer t.Stop()
	for {
		if d.beat(ctx) {
			orphans, err := d.db.HasOrphans(ctx, d.opts.Owner, d.opts.OwnerQuiet)
			if err != nil && ctx.Err() == nil {
				d.log.WarnContext(ctx, "look for orphaned deliveries", slog.Any("error", err))
			}
			if orphans {
				d.orphans.Store(true)
				d.Kick()
			}
		}
		if d.probeDue() {
			d.Kick()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// probeDue reports whether sending is paused for a workspace whose token Slack was last asked about ProbeEvery
// ago or longer.
func (d *Dispatcher) probeDue() bool {
	d.pmu.Lock()
	defer d.pmu.Unlock()
	for _, p := range d.pauses {
		if !p.trial && time.Since(p.probed) >= d.opts.ProbeEvery {
			return true
		}
	}
	return false
}
