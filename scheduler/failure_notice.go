package scheduler

import (
	"context"
	"log/slog"
	"time"
)

// Observer is told what becomes of each delivery, for the operator's metrics. Implementations must be cheap and
// safe for concurrent use: they are called from the dispatcher's workers.
type Observer interface {
	// Delivered is called once a delivery ends: state is "sent", "missed", "failed" or "cancelled". lag is how
	// long after its due time a sent delivery went out (zero for the other states).
	Delivered(kind, state string, lag time.Duration)
}

// observe tells the Observer, if any, that a row ended in state.
func (d *Dispatcher) observe(kind, state string, dueAt time.Time) {
	if d.opts.Observer == nil {
		return
	}
	var lag time.Duration
	if state == "sent" {
		lag = max(d.opts.Now().Sub(dueAt), 0)
	}
	d.opts.Observer.Delivered(kind, state, lag)
}

// tellBatch is how many undelivered rows one TellTrainers transaction takes.
const tellBatch = 100

// tellTrainers hangs the deliveries that failed for good or were missed on their trainers' next notice
// (store.TellTrainers), when DispatchOptions.TellTrainers is set, and logs one line for each: its id, kind and
// reason, no person and no text. A failure here is logged and left: the rows stay untold, for the next tick.
func (d *Dispatcher) tellTrainers(ctx context.Context) {
	if !d.opts.TellTrainers {
		return
	}
	for ctx.Err() == nil {
		rows, err := d.db.TellTrainers(ctx, d.opts.Now(), tellBatch)
		if err != nil {
			d.log.ErrorContext(ctx, "tell trainers", slog.Any("error", err))
			return
		}
		for _, r := range rows {
			d.log.WarnContext(ctx, "delivery did not arrive; trainers told", slog.Int64("delivery_id", r.ID),
				slog.Int64("cohort_id", r.CohortID), slog.String("kind", r.Kind), slog.String("status", r.Status),
				slog.String("reason", r.Error))
		}
		if len(rows) < tellBatch {
			return
		}
	}
}
