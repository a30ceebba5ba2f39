package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/gesprekbot/gesprekbot/store"
)

// DefaultRetentionMonths is the retention period when RETENTION_MONTHS is not set.
const DefaultRetentionMonths = 12

// RetentionOptions configure the retention job. Zero values take the defaults named.
type RetentionOptions struct {
	Months int              // the retention period after a cohort's last module (RETENTION_MONTHS): 12
	Title  string           // the trainers' warning's title, as /training plan shows it (content phrase)
	Now    func() time.Time // time.Now
	Log    *slog.Logger     // slog.Default()
	Spec   string           // the cron schedule: daily at 03:17, "17 3 * * *"
	// Kick, when set, is called after a run planned a warning, so that the dispatcher sends one already due now.
	Kick func()
}

// Retention is the daily job that deletes the personal data of cohorts past their retention period and plans the
// trainers' warning a month before (store.RunRetention). Several replicas may run it: each cohort is emptied in one
// transaction under its row lock, and a second run finds nothing left to do.
type Retention struct {
	db   *store.DB
	opts RetentionOptions
}

// NewRetention returns the retention job on db.
func NewRetention(db *store.DB, opts RetentionOptions) *Retention {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Spec == "" {
		opts.Spec = "17 3 * * *"
	}
	if opts.Months == 0 {
		opts.Months = DefaultRetentionMonths
	}
	return &Retention{db: db, opts: opts}
}

// RunOnce does one retention run now and logs what it did.
func (r *Retention) RunOnce(ctx context.Context) (store.RetentionResult, error) {
	res, err := r.db.RunRetention(ctx, r.opts.Now(), r.opts.Months, r.opts.Title, r.warnAt)
	if err != nil {
		return res, fmt.Errorf("retention: %w", err)
	}
	var deleted int64
	for _, n := range res.Deleted {
		deleted += n
	}
	if res.Planned > 0 || len(res.Erased) > 0 || deleted > 0 {
		r.opts.Log.InfoContext(ctx, "retention run", slog.Int("warnings_planned", res.Planned),
			slog.Any("cohorts_erased", res.Erased), slog.Int64("rows_deleted", deleted),
			slog.Int("cohorts_recleaned", res.Recleans), slog.Int("cohorts_waiting_for_warning", res.Waiting))
	}
	if res.Planned > 0 && r.opts.Kick != nil {
		r.opts.Kick()
	}
	return res, nil
}

// warnAt moves a warning due in the cohort's quiet hours, at a weekend or on a holiday to the next moment its
// calendar allows: planned at such a moment, the dispatcher would take it for one put there on purpose.
func (r *Retention) warnAt(ctx context.Context, cohortID int64, at time.Time) (time.Time, error) {
	c, err := r.db.CohortByID(ctx, cohortID)
	if err != nil {
		return at, err
	}
	cal, err := NewCalendar(c)
	if err != nil {
		return at, err
	}
	if cal.Sendable(at) {
		return at, nil
	}
	if next := cal.NextSendable(at); next.After(at) {
		return next, nil
	}
	return at, nil
}

// Run runs the job at start (cron does not catch up a run missed while the bot was down) and then on its cron
// schedule, until ctx ends.
func (r *Retention) Run(ctx context.Context) error {
	logger := cron.PrintfLogger(slog.NewLogLogger(r.opts.Log.Handler(), slog.LevelError))
	// SkipIfStillRunning before Recover: the other order blocks the job for good after one panic.
	c := cron.New(cron.WithChain(cron.SkipIfStillRunning(logger), cron.Recover(logger)))
	job := func() {
		if ctx.Err() != nil {
			return
		}
		if _, err := r.RunOnce(ctx); err != nil {
			r.opts.Log.ErrorContext(ctx, "retention run failed", slog.Any("error", err))
		}
	}
	if _, err := c.AddFunc(r.opts.Spec, job); err != nil {
		return fmt.Errorf("retention: schedule %q: %w", r.opts.Spec, err)
	}
	c.Start()
	// The run at start goes through the same chain as the scheduled ones: one at a time, panics recovered.
	c.Entry(c.Entries()[0].ID).WrappedJob.Run()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}
