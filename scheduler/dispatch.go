package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// Renderer builds the message of one delivery for one conversation. recipient is a Slack user ID for DMs, "" for
// the channel. It returns ErrSkip when the recipient has nothing to receive (e.g. an only_pending reminder to
// someone who is done).
type Renderer interface {
	Render(ctx context.Context, c *content.Cohort, d content.Delivery, recipient string) (text string, blocks []slack.Block, err error)
}

// Deliverer is implemented by a Renderer that posts some deliveries itself, because one delivery becomes several
// messages recorded elsewhere: a case reveal posts a message per stage, each claimed in the case_reveals table, so
// that a reveal taken over after a crash never posts a stage twice. handled is false for deliveries left to Render;
// ErrSkip means nothing was due. channelID and ts name the first message posted.
type Deliverer interface {
	Deliver(ctx context.Context, c *content.Cohort, d content.Delivery) (channelID, ts string, handled bool, err error)
}

// ErrSkip is returned by a Renderer when a recipient has nothing to receive; the delivery is then cancelled.
var ErrSkip = errors.New("scheduler: nothing to send")

// Skip returns ErrSkip with the reason the delivery is cancelled for, recorded on its row instead of "niet nodig".
func Skip(reason string) error { return &skipError{reason: reason} }

type skipError struct{ reason string }

func (e *skipError) Error() string        { return ErrSkip.Error() + ": " + e.reason }
func (e *skipError) Is(target error) bool { return target == ErrSkip }

// skipReason is what a cancelled row records: the reason given to Skip, else "niet nodig".
func skipReason(err error) string {
	var se *skipError
	if errors.As(err, &se) {
		return se.reason
	}
	return "niet nodig"
}

// Sender is the part of Slack the dispatcher needs. to is a channel ID (or "#name") or a user ID, meaning the
// user's direct message with the bot.
type Sender interface {
	// Post posts a message carrying key in its metadata and returns the conversation's ID and the message's ts.
	// found is true when the key was already in the conversation (an earlier attempt whose response was lost) and
	// nothing new was posted.
	Post(ctx context.Context, to, text string, blocks []slack.Block, key string) (channelID, ts string, found bool, err error)
	// FindDelivery looks for the message carrying key in the conversation's history, posted after oldest.
	FindDelivery(ctx context.Context, to, key string, oldest time.Time) (channelID, ts string, found bool, err error)
	// Members returns the user IDs of a channel's members.
	Members(ctx context.Context, channel string) ([]string, error)
	// Bots reports for each of userIDs whether it is a bot. The map may hold more people than were asked about
	// (one listing of the workspace answers for everyone); the dispatcher keeps every answer, as a user ID stays a
	// bot or a person for good.
	Bots(ctx context.Context, userIDs []string) (map[string]bool, error)
	// CheckAuth asks Slack whether it accepts the workspace's token (auth.test); a *WorkspaceError says it does not.
	CheckAuth(ctx context.Context) error
}

// PermanentError is a Slack answer that retrying cannot change (channel_not_found, is_archived, invalid_blocks,
// ...): the bot's poster returns it without retrying, after logging it and writing an audit row, and the
// dispatcher fails the delivery with Reason. One that refuses the workspace as a whole (Workspace) is found as a
// *WorkspaceError too, which pauses sending instead (pause.go); any other error is retried.
type PermanentError struct {
	Method  string
	Channel string
	Reason  string   // Slack's error code, e.g. "channel_not_found"
	Details []string // Slack's extra messages, e.g. which block is invalid
}

// Error implements error.
func (e *PermanentError) Error() string {
	s := fmt.Sprintf("slack %s: %s", e.Method, e.Reason)
	if len(e.Details) > 0 {
		s += " (" + strings.Join(e.Details, "; ") + ")"
	}
	return s
}

// Workspace reports whether Slack refused the workspace's token or app as a whole rather than this call: every
// other call fails the same way until someone acts (see workspaceErrors).
func (e *PermanentError) Workspace() bool { return workspaceErrors[e.Reason] }

// As lets a workspace-level refusal be found as a *WorkspaceError, however many layers it came through (a case
// reveal posts through the handlers), so that the dispatcher pauses instead of failing the delivery.
func (e *PermanentError) As(target any) bool {
	t, ok := target.(**WorkspaceError)
	if !ok || !e.Workspace() {
		return false
	}
	*t = &WorkspaceError{Reason: e.Reason, Err: e}
	return true
}

// DispatchOptions configure a Dispatcher. Zero values take the defaults named.
type DispatchOptions struct {
	Now   func() time.Time // the clock deliveries are due on; time.Now
	Log   *slog.Logger     // slog.Default()
	Owner string           // who holds leases: hostname, pid and a random part

	Lease       time.Duration // how long a claimed row is held before another dispatcher may take it over: 2m
	Batch       int           // rows claimed at a time: 100
	Workers     int           // rows handled at once; the Sender's pacing sets the rate: 32
	MaxAttempts int           // tries before a delivery fails: 5
	Backoff     time.Duration // wait after a failed try, doubling each time, capped at 30m: 1m
	Grace       time.Duration // after ctx ends, how long posts in flight may take: 15s
	Spec        string        // the cron schedule: every minute, "* * * * *"
	// HistorySlop bounds the history search of a row taken over after its lease expired to messages from
	// HistorySlop before its first claim. Zero searches the whole history, newest first, which stays right when
	// Slack's clock and the injected one differ (the sandbox's clock jumps); a found key ends the search early.
	HistorySlop time.Duration
	// Directory, when set, looks up at the start of every tick the channels ("#name") and trainers (e-mail
	// addresses) that cohort files named so, and records their IDs (resolve.go). Without it they stay as written.
	Directory Directory

	// TellTrainers has each tick hang the deliveries that failed for good or were missed on their trainers' next
	// notice, a DM at most once an hour per trainer and cohort (failure_notice.go, store.TellTrainers). The
	// Renderer must render store.KindTrainerNotice then.
	TellTrainers bool
	// Observer, when set, is told what becomes of each delivery (metrics).
	Observer Observer

	// Team is the default Slack workspace (SLACK_BOT_TOKEN's, auth.test's team ID): the workspace of a cohort that
	// names none. Each row goes out in its cohort's workspace, and sending pauses per workspace when Slack refuses
	// its token (pause.go).
	Team string
	// ProbeEvery is how often Run asks Slack (auth.test) whether it accepts the token again while sending is
	// paused; every tick asks too: 30s.
	ProbeEvery time.Duration
	// Heartbeat is how often Run shows, through its own PostgreSQL session, that the dispatcher is alive, and looks
	// for rows of dispatchers that died (owner.go): 1s.
	Heartbeat time.Duration
	// OwnerQuiet is how long a dead dispatcher must have been silent before the rows it may have been posting are
	// taken over (rows it never attempted are taken at once); a dispatcher that cannot show it is alive for half of
	// it stops its own posts. Every replica must use the same value: 10s.
	OwnerQuiet time.Duration
}

// Dispatcher sends what is due: each tick it marks rows past their deadline missed, takes over rows whose lease
// expired, claims due rows, expands rows for each participant into one row per recipient, and renders, posts and
// records each one. Several dispatchers may run on one database; every row is posted at most once per lease, and
// a row taken over after a lease expired is first looked for in its conversation's history, so that no one gets a
// message twice.
type Dispatcher struct {
	db     *store.DB
	send   Sender
	render Renderer
	opts   DispatchOptions
	log    *slog.Logger

	tickMu  sync.Mutex  // one tick at a time per dispatcher, also for callers of Tick beside Run
	kicks   kicker      // runs Run's cron job when Kick is called (kick.go)
	bots    sync.Map    // user ID -> bool
	botsMu  sync.Mutex  // one look-up of bots at a time: cohorts fanning out together share one listing
	live    *liveness   // the registration Run keeps alive, and the fence of posts
	orphans atomic.Bool // the heartbeat saw rows of a dead dispatcher to take over

	pmu    sync.Mutex
	pauses map[string]*pause // team ID -> why its sending is paused
}

// NewDispatcher returns a Dispatcher that claims rows in db, renders them with r and posts them with s.
func NewDispatcher(db *store.DB, s Sender, r Renderer, opts DispatchOptions) *Dispatcher {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Owner == "" {
		opts.Owner = newOwner()
	}
	if opts.Lease <= 0 {
		opts.Lease = 2 * time.Minute
	}
	if opts.Batch <= 0 {
		opts.Batch = 100
	}
	if opts.Workers <= 0 {
		opts.Workers = 32
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 5
	}
	if opts.Backoff <= 0 {
		opts.Backoff = time.Minute
	}
	if opts.Grace <= 0 {
		opts.Grace = 15 * time.Second
	}
	if opts.Spec == "" {
		opts.Spec = "* * * * *"
	}
	if opts.ProbeEvery <= 0 {
		opts.ProbeEvery = 30 * time.Second
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = time.Second
	}
	if opts.OwnerQuiet <= 0 {
		opts.OwnerQuiet = 10 * time.Second
	}
	d := &Dispatcher{db: db, send: s, render: r, opts: opts, log: opts.Log.With(slog.String("owner", opts.Owner)),
		live: newLiveness(), pauses: map[string]*pause{}}
	// A dispatcher that just started is often the one replacing a dispatcher that died: its first claim looks.
	d.orphans.Store(true)
	return d
}

func newOwner() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Owner returns the name the dispatcher holds leases under.
func (d *Dispatcher) Owner() string { return d.opts.Owner }

// Result counts what one tick did.
type Result struct {
	Missed    int // pending rows whose deadline had passed, marked missed
	Sent      int // messages posted
	Found     int // rows found already posted (history, or a lost response) and recorded as sent
	Expanded  int // rows for several people turned into one row per recipient
	Skipped   int // rows the Renderer had nothing for (cancelled)
	Failed    int // rows that failed for good
	Retried   int // rows left to be tried again after a backoff
	Lost      int // rows another dispatcher took over while this one held them
	Released  int // rows given back unsent because the dispatcher is stopping
	Reclaimed int // rows taken over after their lease expired, or from a dispatcher that died
	Deferred  int // rows due outside sending hours (quiet hours, weekend, holiday), due again at the next allowed moment
	Paused    int // rows given back untouched because Slack refuses the workspace's token
}

func (r Result) empty() bool { return r == Result{} }

// Run ticks at start (sending what is still before its deadline after downtime), then every minute on a cron
// schedule and whenever Kick is called, until ctx ends. Beside that it keeps the dispatcher registered as alive
// (owner.go), takes over the rows of dispatchers that died, and asks Slack while sending is paused. When ctx ends it
// stops claiming, lets posts in flight finish for up to Grace, gives back what it had claimed but not posted,
// unregisters and returns.
func (d *Dispatcher) Run(ctx context.Context) error {
	logger := cronLog{d.log}
	// SkipIfStillRunning before Recover: cron's SkipIfStillRunning gives its slot back only when the job returns, so
	// a panic must be caught inside it, or the job would be skipped for good after one.
	c := cron.New(cron.WithChain(cron.SkipIfStillRunning(logger), cron.Recover(logger)), cron.WithLogger(logger))
	id, err := c.AddFunc(d.opts.Spec, func() { d.ticks(ctx) })
	if err != nil {
		return fmt.Errorf("dispatcher: schedule %q: %w", d.opts.Spec, err)
	}
	// watch registers the dispatcher with its first heartbeat, beside the first tick rather than before it: rows
	// claimed before that are taken over only when their lease runs out, should it die in that moment. The
	// registration goes only after the last tick has given back what it held.
	defer d.unregister()
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		d.watch(ctx)
	}()
	defer func() { <-watched }()
	// Kicks run the entry's chained job itself, so they share its SkipIfStillRunning and Recover.
	d.kicks.start(c.Entry(id).WrappedJob)
	d.Kick()
	c.Start()
	<-ctx.Done()
	stopped := c.Stop()
	kicked := make(chan struct{})
	go func() {
		defer close(kicked)
		d.kicks.stop()
	}()
	// Tick gives posts in flight Grace, then records and releases; this bounds the whole stop.
	limit, cancel := context.WithTimeout(context.Background(), d.opts.Grace+10*time.Second)
	defer cancel()
	for _, ch := range []<-chan struct{}{stopped.Done(), kicked} {
		select {
		case <-ch:
		case <-limit.Done():
			d.log.Error("dispatcher did not stop in time")
			return fmt.Errorf("dispatcher: stop: %w", limit.Err())
		}
	}
	return nil
}

// Kick asks a running dispatcher for a tick now, e.g. after a module moved or the sandbox's clock jumped. A kick
// that comes while a tick runs leads to one more tick after it; kicks that come during one tick are merged into
// that one.
func (d *Dispatcher) Kick() { d.kicks.kick() }

// tick runs Tick and logs what it did.
func (d *Dispatcher) tick(ctx context.Context, why string) {
	if ctx.Err() != nil {
		return
	}
	started := time.Now()
	res, err := d.Tick(ctx)
	if err != nil {
		d.log.ErrorContext(ctx, "dispatch tick failed", slog.String("trigger", why), slog.Any("error", err))
	}
	if !res.empty() {
		d.log.InfoContext(ctx, "dispatch tick", slog.String("trigger", why), slog.Duration("took", time.Since(started)),
			slog.Int("sent", res.Sent), slog.Int("found", res.Found), slog.Int("missed", res.Missed),
			slog.Int("expanded", res.Expanded), slog.Int("skipped", res.Skipped), slog.Int("failed", res.Failed),
			slog.Int("retried", res.Retried), slog.Int("lost", res.Lost), slog.Int("released", res.Released),
			slog.Int("reclaimed", res.Reclaimed), slog.Int("deferred", res.Deferred), slog.Int("paused", res.Paused))
	}
}

// Tick does one round: mark missed, take over expired leases and the rows of dispatchers that died, claim what is
// due, and send it all, batch after batch until nothing is left that is due. Its cost follows the number of due
// rows; it reads no other rows (with a Directory, it first resolves what cohorts still name by hand: one indexed
// query when there is nothing). When ctx ends it stops claiming; posts already on their way get Grace to finish,
// rows not yet posted are given back. While Slack refuses the workspace's token it only marks missed what passed
// its deadline, and asks Slack (auth.test) whether the token is accepted again.
func (d *Dispatcher) Tick(ctx context.Context) (Result, error) {
	d.tickMu.Lock()
	defer d.tickMu.Unlock()
	// Each workspace is paused on its own (pause.go): a paused one's rows are given back untouched, the others go on.
	d.probe(ctx)
	d.resolve(ctx)

	t := &tickRun{d: d, ctx: ctx, cohorts: map[int64]*content.Cohort{}, calendars: map[int64]*Calendar{}}
	// Posts and the records after them must outlive ctx for a while: a message that went out is recorded.
	postCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-ctx.Done():
		case <-finished:
			return
		}
		timer := time.NewTimer(d.opts.Grace)
		defer timer.Stop()
		select {
		case <-timer.C:
			cancel()
		case <-finished:
		}
	}()
	t.postCtx = postCtx

	for {
		now := d.opts.Now()
		missed, err := d.db.MarkMissed(ctx, now, d.opts.Batch)
		if err != nil {
			return t.result(), fmt.Errorf("dispatch tick: %w", err)
		}
		for _, m := range missed {
			t.count(func(r *Result) { r.Missed++ })
			d.observe(m.Kind, store.StatusMissed, m.DueAt)
			d.audit(postCtx, m.Delivery, "delivery_missed", map[string]any{"reason": "deadline passed"})
		}
		if len(missed) < d.opts.Batch {
			break
		}
	}
	d.tellTrainers(ctx)
	for ctx.Err() == nil && !d.fenced() {
		rows, err := d.claim(ctx, d.opts.Batch)
		t.count(func(r *Result) { r.Reclaimed += len(rows.takenOver) })
		all := rows.all()
		if err != nil {
			t.run(all)
			return t.result(), fmt.Errorf("dispatch tick: %w", err)
		}
		if len(all) == 0 {
			break
		}
		t.run(all)
		// What failed in this batch goes on its trainers' notice now, which the next claim then finds due.
		d.tellTrainers(ctx)
	}
	// A workspace on trial with nothing to send: Slack accepts its token (auth.test), nothing says otherwise.
	d.resumeUntried(ctx)
	if err := t.releaseAll(); err != nil {
		return t.result(), fmt.Errorf("dispatch tick: %w", err)
	}
	return t.result(), nil
}

// claimed is what one claim round took: rows taken over (from a dead owner, or after their lease expired) and rows
// that fell due.
type claimed struct {
	takenOver, due []store.Claim
}

func (c claimed) all() []store.Claim { return append(slices.Clip(c.takenOver), c.due...) }

// claim takes up to limit rows: first those of dispatchers that died (while Run's heartbeat sees any), then those
// whose lease expired, then what is due.
func (d *Dispatcher) claim(ctx context.Context, limit int) (claimed, error) {
	var out claimed
	now := d.opts.Now()
	until := now.Add(d.opts.Lease)
	if d.orphans.Load() {
		// Looking at every session is dearer than the other claims: only while the heartbeat saw a dead owner's rows.
		orphans, err := d.db.ClaimOrphaned(ctx, d.opts.Owner, now, until, d.opts.OwnerQuiet, limit)
		if err != nil {
			return out, err
		}
		if len(orphans) < limit {
			d.orphans.Store(false)
		}
		out.takenOver = orphans
	}
	if n := limit - len(out.takenOver); n > 0 {
		expired, err := d.db.ClaimExpired(ctx, d.opts.Owner, now, until, n)
		if err != nil {
			return out, err
		}
		out.takenOver = append(out.takenOver, expired...)
	}
	if n := limit - len(out.takenOver); n > 0 {
		due, err := d.db.ClaimDue(ctx, d.opts.Owner, now, until, n)
		if err != nil {
			return out, err
		}
		out.due = due
	}
	return out, nil
}

// tickRun is the state of one tick.
type tickRun struct {
	d       *Dispatcher
	ctx     context.Context // ends when the dispatcher stops: no new row is started after
	postCtx context.Context // ends Grace after ctx: posts in flight and their records

	mu        sync.Mutex
	res       Result
	release   []int64 // rows to give back untouched at the end: the dispatcher is stopping, or fenced
	paused    []int64 // the same, because sending is paused
	cohorts   map[int64]*content.Cohort
	calendars map[int64]*Calendar
	queue     map[string][]store.Claim // rows waiting for a worker, per workspace (lane), each in the order they came
	lanes     []string                 // the workspaces with rows waiting, taken in turn
	turn      int                      // the lane the next worker takes a row from
	workers   int                      // workers running, at most Workers
	wg        sync.WaitGroup
}

// releaseAll returns the rows the tick gave up on untouched to pending, for any dispatcher to claim again.
func (t *tickRun) releaseAll() error {
	t.mu.Lock()
	release, paused := t.release, t.paused
	t.mu.Unlock()
	if len(release)+len(paused) == 0 {
		return nil
	}
	d := t.d
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.ctx), 5*time.Second)
	defer cancel()
	n, err := d.db.ReleaseDeliveries(ctx, d.opts.Owner, append(release, paused...), d.opts.Now())
	t.count(func(r *Result) {
		r.Paused += min(n, len(paused))
		r.Released += max(n-len(paused), 0)
	})
	return err
}

func (t *tickRun) count(f func(*Result)) {
	t.mu.Lock()
	f(&t.res)
	t.mu.Unlock()
}

func (t *tickRun) result() Result {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.res
}

// run handles rows on a pool of workers and waits for them, and for the rows made by expanding them.
func (t *tickRun) run(rows []store.Claim) {
	for _, r := range rows {
		t.spawn(r)
	}
	t.wg.Wait()
}

// spawn queues a row for the tick's workers, starting one while fewer than Workers run. Rows wait in the queue, not
// each on a goroutine of its own: a fan-out expands to a row per participant, and 10,000 goroutines parked on a
// semaphore held their stacks (tens of MB) while the pacing let the rows out at 50 a second.
//
// Each workspace's rows wait in a lane of their own, and the workers take from the lanes in turn: Slack paces each
// workspace on its own, so one queue in arrival order (a fan-out expands cohort after cohort) had every worker wait
// on the first workspace's budget while the others' stood unused — 20 workspaces were sent one after the other.
func (t *tickRun) spawn(r store.Claim) {
	t.mu.Lock()
	defer t.mu.Unlock()
	lane := t.laneLocked(r)
	if t.queue == nil {
		t.queue = map[string][]store.Claim{}
	}
	if len(t.queue[lane]) == 0 {
		t.lanes = append(t.lanes, lane)
	}
	t.queue[lane] = append(t.queue[lane], r)
	if t.workers < t.d.opts.Workers {
		t.workers++
		t.wg.Add(1)
		go t.work()
	}
}

// laneLocked is the lane of a row: its cohort's workspace when this tick loaded the cohort (every row an expansion
// made), else "": the rows claimed as they are, a few per cohort, whose workers load the cohort first.
func (t *tickRun) laneLocked(r store.Claim) string {
	if c, ok := t.cohorts[r.CohortID]; ok {
		return t.d.teamOf(c)
	}
	return ""
}

// nextLocked takes the next row from the lanes in turn; ok is false when no row waits.
func (t *tickRun) nextLocked() (r store.Claim, ok bool) {
	if len(t.lanes) == 0 {
		return store.Claim{}, false
	}
	if t.turn >= len(t.lanes) {
		t.turn = 0
	}
	lane := t.lanes[t.turn]
	q := t.queue[lane]
	r = q[0]
	q[0] = store.Claim{}
	if len(q) == 1 {
		// The lane's backing array (a large fan-out's) goes with it; the next lane moves into this turn.
		delete(t.queue, lane)
		t.lanes = slices.Delete(t.lanes, t.turn, t.turn+1)
	} else {
		t.queue[lane] = q[1:]
		t.turn++
	}
	return r, true
}

// work handles queued rows until the queue is empty. A worker that expands a row queues its recipients' rows while
// it still counts in wg, so run's Wait cannot return before they are handled.
func (t *tickRun) work() {
	defer t.wg.Done()
	for {
		t.mu.Lock()
		r, ok := t.nextLocked()
		if !ok {
			t.workers--
			t.mu.Unlock()
			return
		}
		t.mu.Unlock()
		t.handle(r)
	}
}

// cohort returns a row's cohort, loaded once per tick.
func (t *tickRun) cohort(id int64) (*content.Cohort, error) {
	t.mu.Lock()
	c, ok := t.cohorts[id]
	t.mu.Unlock()
	if ok {
		return c, nil
	}
	c, err := t.d.db.CohortByID(t.postCtx, id)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	t.cohorts[id] = c
	t.mu.Unlock()
	return c, nil
}

// teamOfRow is the workspace of a row whose cohort this tick loaded (handle loads it first).
func (t *tickRun) teamOfRow(r store.Claim) string {
	t.mu.Lock()
	c := t.cohorts[r.CohortID]
	t.mu.Unlock()
	return t.d.teamOf(c)
}

// handle takes one claimed row to its end: expanded, sent, found, skipped, failed, missed, deferred to the next
// moment the calendar allows, given back while sending is paused, or left for a retry.
func (t *tickRun) handle(r store.Claim) {
	d := t.d
	if t.ctx.Err() != nil || d.fenced() {
		// Stopping, or this dispatcher cannot show it is alive: give the row back untouched, for any dispatcher to
		// claim later. One that may have been posted keeps its attempted_at, and is looked for in the history then.
		t.mu.Lock()
		t.release = append(t.release, r.ID)
		t.mu.Unlock()
		return
	}
	log := d.log.With(slog.String("delivery_key", r.Key))
	c, err := t.cohort(r.CohortID)
	if err != nil {
		t.retry(r, fmt.Errorf("load cohort: %w", err))
		return
	}
	// The row goes out in its cohort's workspace, with that workspace's token (store.WithTeam); while Slack refuses
	// that workspace it is given back untouched, and the other workspaces' rows go on.
	team := d.teamOf(c)
	ok, trial, wait := d.takeTrial(team)
	for wait != nil {
		// Another row of the workspace is trying whether Slack takes posts again: its outcome decides this one's.
		select {
		case <-wait:
		case <-t.ctx.Done():
		}
		if t.ctx.Err() != nil {
			break
		}
		ok, trial, wait = d.takeTrial(team)
	}
	if !ok {
		t.mu.Lock()
		t.paused = append(t.paused, r.ID)
		t.mu.Unlock()
		return
	}
	if trial {
		defer d.endTrial(t.postCtx, team)
	}
	ctx := store.WithTeam(t.postCtx, team)
	parent := r.Recipient == "" && (r.Audience == content.AudienceParticipants || r.Audience == content.AudienceTrainers)
	if strings.HasPrefix(c.Channel, "#") && (parent || r.Audience == content.AudienceChannel) {
		// The cohort file named the channel; until the bot has looked up its ID there is no one to send to. Waiting
		// is not failing: store.ResolveCohortChannel finds the row by this reason and makes it due again.
		t.retry(r, fmt.Errorf("%s: %s", store.ChannelUnresolved, c.Channel))
		return
	}
	if parent && r.Attempts > d.opts.MaxAttempts {
		t.fail(r, fmt.Sprintf("gave up after %d attempts: %s", r.Attempts-1, deref(r.Error)))
		return
	}
	if parent {
		if !t.calendarHolds(c, r) {
			t.expand(c, r)
		}
		return
	}
	to := r.Recipient
	if r.Audience == content.AudienceChannel {
		to = c.Channel
	}
	if r.Attempted {
		// A dispatcher set out to post the row and never recorded how it went: it may have been posted. Look
		// before posting again.
		oldest := time.Time{}
		if r.ClaimedAt != nil && d.opts.HistorySlop > 0 {
			oldest = r.ClaimedAt.Add(-d.opts.HistorySlop)
		}
		ch, ts, found, err := d.send.FindDelivery(ctx, to, r.Key, oldest)
		if err != nil {
			t.failOrRetry(r, fmt.Errorf("find delivery: %w", err))
			return
		}
		if found {
			t.sent(r, ch, ts, true)
			return
		}
		if r.Attempts > d.opts.MaxAttempts {
			t.fail(r, fmt.Sprintf("gave up after %d attempts: %s", r.Attempts-1, deref(r.Error)))
			return
		}
		if now := d.opts.Now(); r.Deadline != nil && r.Deadline.Before(now) {
			if err := d.db.FinishDelivery(ctx, r.ID, d.opts.Owner, store.StatusMissed, "deadline passed", now); err != nil {
				t.recordErr(r, err)
				return
			}
			t.count(func(res *Result) { res.Missed++ })
			d.observe(r.Kind, store.StatusMissed, r.DueAt)
			d.audit(ctx, r.Delivery, "delivery_missed", map[string]any{"reason": "deadline passed"})
			return
		}
	}
	if t.calendarHolds(c, r) {
		return
	}
	if dv, ok := d.render.(Deliverer); ok {
		a, ok := t.startAttempt(r)
		if !ok {
			return
		}
		ch, ts, handled, err := dv.Deliver(a.ctx, c, r.Delivery)
		a.cancel()
		if handled && err != nil && a.cut() {
			t.giveBack(r)
			return
		}
		if handled {
			t.delivered(r, ch, ts, err)
			return
		}
	}
	text, blocks, err := d.render.Render(ctx, c, r.Delivery, r.Recipient)
	if errors.Is(err, ErrSkip) {
		if err := d.db.FinishDelivery(ctx, r.ID, d.opts.Owner, store.StatusCancelled, skipReason(err), d.opts.Now()); err != nil {
			t.recordErr(r, err)
			return
		}
		t.count(func(res *Result) { res.Skipped++ })
		d.observe(r.Kind, store.StatusCancelled, r.DueAt)
		return
	}
	if err != nil {
		t.retry(r, fmt.Errorf("render: %w", err))
		return
	}
	a, ok := t.startAttempt(r)
	if !ok {
		return
	}
	ch, ts, found, err := d.send.Post(a.ctx, to, text, blocks, r.Key)
	a.cancel()
	if err != nil && a.cut() {
		t.giveBack(r)
		return
	}
	if err != nil {
		var we *WorkspaceError
		if !errors.As(err, &we) {
			log.WarnContext(ctx, "post delivery failed", slog.Any("error", err))
		}
		t.failOrRetry(r, fmt.Errorf("post: %w", err))
		return
	}
	t.sent(r, ch, ts, found)
}

// attempt is a post under way: its context, and the fence that cuts it when the dispatcher cannot show it is alive.
type attempt struct {
	ctx    context.Context
	cancel context.CancelFunc
	fence  context.Context
}

// cut reports whether the fence ended the post: the row then goes back untouched (it may have been posted; its
// attempted_at says so), not to a retry after a backoff.
func (a attempt) cut() bool { return a.fence.Err() != nil }

// startAttempt makes sure the row is still ours, for long enough, and records that it is being posted, right before
// the post (the row may have waited in the pool). The post's context ends well before the lease does (a post still
// running then could land after another dispatcher took the row over and found nothing in the history), or as soon
// as this dispatcher cannot show it is alive (owner.go). ok is false when the row must not be posted now; it has
// then been dealt with.
func (t *tickRun) startAttempt(r store.Claim) (attempt, bool) {
	d := t.d
	fence, alive := d.live.attempt(d.fenceAfter())
	if !alive {
		// Others may take the row over soon: start no post that could race them.
		t.giveBack(r)
		return attempt{}, false
	}
	now := d.opts.Now()
	if err := d.db.StartAttempt(t.postCtx, r.ID, d.opts.Owner, now, now.Add(d.opts.Lease)); err != nil {
		t.recordErr(r, err)
		return attempt{}, false
	}
	pctx, cancel := context.WithTimeout(store.WithTeam(t.postCtx, t.teamOfRow(r)), d.opts.Lease*3/4)
	stop := context.AfterFunc(fence, cancel)
	return attempt{ctx: pctx, cancel: func() { stop(); cancel() }, fence: fence}, true
}

// giveBack has the tick give the row back untouched when it ends.
func (t *tickRun) giveBack(r store.Claim) {
	t.mu.Lock()
	t.release = append(t.release, r.ID)
	t.mu.Unlock()
}

// calendarHolds applies the cohort's calendar at sending time to a row that follows it: in the quiet hours, at a
// weekend or on a holiday the row goes back to pending, due at the next moment the calendar allows, or is marked
// missed when that moment is not before its deadline. It reports whether it held the row back. A row the planner
// put outside sending hours on purpose (there was no better moment before its deadline) goes out as planned.
func (t *tickRun) calendarHolds(c *content.Cohort, r store.Claim) bool {
	d := t.d
	if !r.FollowsCalendar {
		return false
	}
	cal, err := t.calendar(c)
	if err != nil {
		d.log.ErrorContext(t.postCtx, "cohort calendar", slog.Int64("cohort_id", c.ID), slog.Any("error", err))
		return false
	}
	now := d.opts.Now()
	if cal.Sendable(now) || !cal.Sendable(r.DueAt) {
		return false
	}
	next := cal.NextSendable(now)
	if !next.After(now) {
		// No allowed moment in the coming weeks: the calendar cannot be kept, and a message is better than none.
		return false
	}
	why := cal.Why(now)
	ctx := t.postCtx
	if r.Deadline != nil && !next.Before(*r.Deadline) {
		reason := "deadline passed before the next sending time (" + why + ")"
		if err := d.db.FinishDelivery(ctx, r.ID, d.opts.Owner, store.StatusMissed, reason, now); err != nil {
			t.recordErr(r, err)
			return true
		}
		t.count(func(res *Result) { res.Missed++ })
		d.observe(r.Kind, store.StatusMissed, r.DueAt)
		d.audit(ctx, r.Delivery, "delivery_missed", map[string]any{"reason": reason})
		return true
	}
	next = next.In(cal.loc())
	if err := d.db.DeferDelivery(ctx, r.ID, d.opts.Owner, next, movedLater(why), now); err != nil {
		t.recordErr(r, err)
		return true
	}
	t.count(func(res *Result) { res.Deferred++ })
	d.audit(ctx, r.Delivery, "delivery_deferred", map[string]any{"reason": why, "due_at": next.Format(time.RFC3339)})
	return true
}

// calendar returns a cohort's calendar, made once per tick.
func (t *tickRun) calendar(c *content.Cohort) (Calendar, error) {
	t.mu.Lock()
	cal, ok := t.calendars[c.ID]
	t.mu.Unlock()
	if ok {
		return *cal, nil
	}
	made, err := NewCalendar(c)
	if err != nil {
		return Calendar{}, err
	}
	t.mu.Lock()
	t.calendars[c.ID] = &made
	t.mu.Unlock()
	return made, nil
}

// expand resolves the recipients of a row for several people and sends each their own row.
func (t *tickRun) expand(c *content.Cohort, r store.Claim) {
	d := t.d
	ctx := store.WithTeam(t.postCtx, d.teamOf(c))
	var recipients []string
	if r.Audience == content.AudienceTrainers {
		recipients = slices.Clone(c.Trainers)
	} else {
		var err error
		recipients, err = d.participants(ctx, c)
		if err != nil {
			t.failOrRetry(r, fmt.Errorf("resolve recipients: %w", err))
			return
		}
	}
	now := d.opts.Now()
	kids, err := d.db.ExpandDelivery(ctx, r, d.opts.Owner, recipients, r.Audience == content.AudienceParticipants, now, now.Add(d.opts.Lease))
	if err != nil {
		t.recordErr(r, err)
		return
	}
	t.count(func(res *Result) { res.Expanded++ })
	for _, k := range kids {
		t.spawn(k)
	}
}

// participants returns the channel's members who are not trainers and not bots, as they are now.
func (d *Dispatcher) participants(ctx context.Context, c *content.Cohort) ([]string, error) {
	members, err := d.send.Members(ctx, c.Channel)
	if err != nil {
		return nil, err
	}
	// People recorded as participants before are human: asking Slack about each again (users.info, 100 calls a
	// minute) would hold up a large fan-out.
	known, err := d.db.Participants(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	slices.Sort(known)
	var unknown []string
	for _, m := range members {
		if slices.Contains(c.Trainers, m) {
			continue
		}
		if _, ok := slices.BinarySearch(known, m); !ok {
			unknown = append(unknown, m)
		}
	}
	if err := d.lookUpBots(ctx, unknown); err != nil {
		return nil, err
	}
	var out []string
	for _, m := range members {
		if slices.Contains(c.Trainers, m) {
			continue
		}
		if _, ok := slices.BinarySearch(known, m); ok {
			out = append(out, m)
			continue
		}
		if bot, ok := d.bots.Load(m); ok && !bot.(bool) {
			out = append(out, m)
		}
	}
	return out, nil
}

// lookUpBots asks Slack, all at once, whether the people of userIDs that the dispatcher has not met yet are bots,
// and keeps the answers. One look-up runs at a time: the cohorts of a fan-out expand together, and the first one's
// listing of the workspace answers for the others too.
func (d *Dispatcher) lookUpBots(ctx context.Context, userIDs []string) error {
	d.botsMu.Lock()
	defer d.botsMu.Unlock()
	var ask []string
	for _, id := range userIDs {
		if _, ok := d.bots.Load(id); !ok {
			ask = append(ask, id)
		}
	}
	if len(ask) == 0 {
		return nil
	}
	got, err := d.send.Bots(ctx, ask)
	if err != nil {
		return err
	}
	for id, bot := range got {
		d.bots.Store(id, bot)
	}
	for _, id := range ask {
		if _, ok := got[id]; !ok {
			return fmt.Errorf("no answer whether %s is a bot", id)
		}
	}
	return nil
}

// sent records a posted (or found) row.
func (t *tickRun) sent(r store.Claim, channelID, ts string, found bool) {
	d := t.d
	ctx := t.postCtx
	if err := d.db.MarkSent(ctx, r.ID, d.opts.Owner, channelID, ts, d.opts.Now()); err != nil {
		// Posted, but another dispatcher holds the row now: it finds the message in the history.
		t.recordErr(r, err)
		return
	}
	if found {
		t.count(func(res *Result) { res.Found++ })
	} else {
		t.count(func(res *Result) { res.Sent++ })
	}
	d.observe(r.Kind, store.StatusSent, r.DueAt)
	d.audit(ctx, r.Delivery, "delivery_sent", map[string]any{"channel": channelID, "ts": ts, "found": found, "attempt": r.Attempts})
}

// delivered records the outcome of a delivery its Deliverer posted itself.
func (t *tickRun) delivered(r store.Claim, channelID, ts string, err error) {
	switch {
	case errors.Is(err, ErrSkip):
		if err := t.d.db.FinishDelivery(t.postCtx, r.ID, t.d.opts.Owner, store.StatusCancelled, skipReason(err), t.d.opts.Now()); err != nil {
			t.recordErr(r, err)
			return
		}
		t.count(func(res *Result) { res.Skipped++ })
		t.d.observe(r.Kind, store.StatusCancelled, r.DueAt)
	case err != nil:
		t.failOrRetry(r, fmt.Errorf("deliver: %w", err))
	default:
		t.sent(r, channelID, ts, false)
	}
}

// failOrRetry gives the row back and pauses sending when Slack refused the whole workspace, fails the row when
// Slack refused it for good, and leaves it for a retry otherwise.
func (t *tickRun) failOrRetry(r store.Claim, err error) {
	var we *WorkspaceError
	if errors.As(err, &we) {
		// Not this row's fault: give it back untouched and pause the workspace (pause.go).
		t.d.pauseFor(t.postCtx, t.teamOfRow(r), we)
		t.mu.Lock()
		t.paused = append(t.paused, r.ID)
		t.mu.Unlock()
		return
	}
	var pe *PermanentError
	if errors.As(err, &pe) {
		t.fail(r, pe.Reason)
		return
	}
	t.retry(r, err)
}

func (t *tickRun) fail(r store.Claim, reason string) {
	d := t.d
	ctx := t.postCtx
	if err := d.db.FinishDelivery(ctx, r.ID, d.opts.Owner, store.StatusFailed, reason, d.opts.Now()); err != nil {
		t.recordErr(r, err)
		return
	}
	t.count(func(res *Result) { res.Failed++ })
	d.observe(r.Kind, store.StatusFailed, r.DueAt)
	d.log.ErrorContext(ctx, "delivery failed", slog.Int64("delivery_id", r.ID), slog.String("kind", r.Kind),
		slog.String("delivery_key", r.Key), slog.String("reason", reason))
	d.audit(ctx, r.Delivery, "delivery_failed", map[string]any{"reason": reason, "attempt": r.Attempts})
}

// retry leaves the row in "sending" with its lease ending after a backoff; it is then taken over as expired, so
// that its history is checked first: a failed post may have landed after all.
func (t *tickRun) retry(r store.Claim, cause error) {
	d := t.d
	ctx := t.postCtx
	now := d.opts.Now()
	wait := d.opts.Backoff << min(max(r.Attempts-1, 0), 10)
	wait = min(wait, 30*time.Minute)
	if t.ctx.Err() != nil {
		// Stopping: another dispatcher may take it over as soon as it likes.
		wait = 0
	}
	if err := d.db.RetryDelivery(ctx, r.ID, d.opts.Owner, cause.Error(), now.Add(wait), now); err != nil {
		t.recordErr(r, err)
		return
	}
	t.count(func(res *Result) { res.Retried++ })
	d.log.WarnContext(ctx, "delivery will be retried", slog.String("delivery_key", r.Key), slog.Int("attempt", r.Attempts),
		slog.Duration("backoff", wait), slog.Any("error", cause))
	d.audit(ctx, r.Delivery, "delivery_retry", map[string]any{"reason": cause.Error(), "attempt": r.Attempts})
}

// recordErr handles a failure to record an outcome: a lost lease is expected now and then, anything else is logged
// (the lease then expires, and the row is taken over with a history check).
func (t *tickRun) recordErr(r store.Claim, err error) {
	if errors.Is(err, store.ErrLeaseLost) {
		t.count(func(res *Result) { res.Lost++ })
		t.d.log.WarnContext(t.postCtx, "delivery lease lost", slog.String("delivery_key", r.Key))
		return
	}
	t.d.log.ErrorContext(t.postCtx, "record delivery", slog.String("delivery_key", r.Key), slog.Any("error", err))
}

// audit writes an audit row about a delivery, with its recipient as the person it is about.
func (d *Dispatcher) audit(ctx context.Context, r content.Delivery, action string, detail map[string]any) {
	detail["key"] = r.Key
	detail["kind"] = r.Kind
	detail["module"] = r.Module
	cohortID := r.CohortID
	if err := d.db.Audit(ctx, store.AuditEntry{CohortID: &cohortID, Actor: "bot", UserID: r.Recipient, Action: action,
		Detail: detail}); err != nil {
		d.log.ErrorContext(ctx, "audit delivery", slog.String("delivery_key", r.Key), slog.String("action", action),
			slog.Any("error", err))
	}
}

// auditWorkspace writes an audit row about the dispatcher and the workspace, not about one delivery.
func (d *Dispatcher) auditWorkspace(ctx context.Context, action string, detail map[string]any) {
	detail["owner"] = d.opts.Owner
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := d.db.Audit(actx, store.AuditEntry{Actor: "bot", Action: action, Detail: detail}); err != nil {
		d.log.ErrorContext(ctx, "audit dispatcher", slog.String("action", action), slog.Any("error", err))
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
