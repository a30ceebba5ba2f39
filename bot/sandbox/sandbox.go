package sandbox

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

//go:embed web
var webFS embed.FS

// Store is everything the sandbox keeps in or reads from Postgres; *store.DB implements it.
type Store interface {
	SnapshotStore
	CohortStore
	SetSandboxClockOffset(ctx context.Context, offset time.Duration) error
	UpcomingDeliveries(ctx context.Context, n int) ([]store.UpcomingDelivery, error)
}

// Options configure a Sandbox.
type Options struct {
	Fake   *slackfake.Server // the fake workspace the bot is connected to, created with Now: Clock.Now
	Clock  *Clock            // the simulated time the bot, the store and the fake all read
	Store  Store
	Course *content.Course // its schedule rules plan the demo cohort
	// Tick runs one round of the dispatcher (due deliveries are claimed and posted); the sandbox calls it after
	// every move of the clock. Nil: the clock moves and nothing is sent until the dispatcher's own next tick.
	Tick func(ctx context.Context) error
	Log  *slog.Logger
	// SaveInterval is how often what changed in the fake is saved to Postgres (default 1s).
	SaveInterval time.Duration
}

// Sandbox serves the sandbox page and its JSON API over a fake workspace, and keeps that workspace's state.
type Sandbox struct {
	opts  Options
	fake  *slackfake.Server
	snap  *snapshotter
	token string // made at each start; every request must carry it (guard.go)

	clockMu sync.Mutex // one clock move at a time

	mu         sync.Mutex
	viewErrors map[string]map[string]string // view ID -> block ID -> validation message from the last submit
	saveMu     sync.Mutex                   // one save at a time

	saveNow   chan struct{}
	stop      chan struct{}
	done      chan struct{}
	startOnce sync.Once
	started   atomic.Bool
	closeOnce sync.Once
}

// New returns a sandbox; Start prepares the workspace, and Handler serves the page and the API.
func New(opts Options) *Sandbox {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.SaveInterval <= 0 {
		opts.SaveInterval = time.Second
	}
	return &Sandbox{
		opts:       opts,
		fake:       opts.Fake,
		token:      newToken(),
		snap:       newSnapshotter(opts.Fake, opts.Store, opts.Log),
		viewErrors: map[string]map[string]string{},
		saveNow:    make(chan struct{}, 1),
		stop:       make(chan struct{}),
		done:       make(chan struct{}),
	}
}

// Start creates the demo workspace in the fake (the same users, channel and direct-message IDs on every start),
// loads back what an earlier run saved, creates and plans the demo cohort on the first start, and starts saving
// changes. Call it before the bot connects to the fake and before the dispatcher runs.
func (s *Sandbox) Start(ctx context.Context) error {
	setUpWorkspace(s.fake)
	if err := s.snap.restore(ctx); err != nil {
		return err
	}
	created, err := seedCohort(ctx, s.opts.Store, s.opts.Course, s.opts.Clock.Now())
	if err != nil {
		return err
	}
	if created {
		s.opts.Log.Info("sandbox demo cohort created", slog.String("cohort", DemoCohortName))
	}
	if err := s.opts.Store.SetSandboxClockOffset(ctx, s.opts.Clock.Offset()); err != nil {
		return err
	}
	s.startOnce.Do(func() {
		s.started.Store(true)
		go s.saveLoop()
	})
	return nil
}

// Close stops saving, after one last save of what changed.
func (s *Sandbox) Close() {
	s.closeOnce.Do(func() {
		close(s.stop)
		if !s.started.Load() {
			return
		}
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			s.opts.Log.Warn("sandbox: last save did not finish in time")
		}
	})
}

func (s *Sandbox) saveLoop() {
	defer close(s.done)
	t := time.NewTicker(s.opts.SaveInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			s.save(ctx)
			cancel()
			return
		case <-t.C:
		case <-s.saveNow:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		s.save(ctx)
		cancel()
	}
}

// Save writes what changed in the fake workspace to Postgres now.
func (s *Sandbox) Save(ctx context.Context) error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	if err := s.snap.save(ctx); err != nil {
		return fmt.Errorf("save sandbox: %w", err)
	}
	return nil
}

func (s *Sandbox) save(ctx context.Context) {
	if err := s.Save(ctx); err != nil {
		s.opts.Log.Error("sandbox save failed", slog.Any("error", err))
	}
}

// requestSave asks the save loop to save soon, without waiting.
func (s *Sandbox) requestSave() {
	select {
	case s.saveNow <- struct{}{}:
	default:
	}
}

// ErrNothingPlanned is MoveToNext's answer when no delivery is planned any more.
var ErrNothingPlanned = errors.New("nothing is planned any more")

// MoveToNext moves the clock to the next planned delivery and sends it: the page's "Volgende levering". A
// delivery the cohort's calendar holds back when it falls due (one due at once while it is evening waits for the
// morning's first sending time) is followed to the moment it goes, so that the button brings the next message
// rather than "0 berichten bezorgd". It returns how many messages arrived in the workspace.
func (s *Sandbox) MoveToNext(ctx context.Context) (delivered int, err error) {
	for range 3 {
		up, err := s.opts.Store.UpcomingDeliveries(ctx, 1)
		if err != nil {
			return delivered, err
		}
		if len(up) == 0 {
			if delivered == 0 {
				return 0, ErrNothingPlanned
			}
			return delivered, nil
		}
		target := up[0].DueAt
		if now := s.opts.Clock.Now(); target.Before(now) {
			target = now
		}
		n, err := s.MoveClock(ctx, target)
		delivered += n
		if err != nil || delivered > 0 {
			return delivered, err
		}
		// Nothing arrived. Only a delivery that was put off is worth following; one still due as it was is held
		// for a reason the clock does not change (a paused workspace), and the next press tries again.
		after, err := s.opts.Store.UpcomingDeliveries(ctx, 1)
		if err != nil || len(after) == 0 || (after[0].Key == up[0].Key && !after[0].DueAt.After(up[0].DueAt)) {
			return delivered, err
		}
	}
	return delivered, nil
}

// maxClockSteps bounds the planned deliveries one move of the clock walks through.
const maxClockSteps = 500

// MoveClock moves the simulated time to target, stopping at each planned delivery due on the way so that it goes
// out at its own time (a reminder "one hour before" is sent, not missed), and runs the dispatcher after each step.
// It returns how many messages arrived in the workspace meanwhile. A target that has just passed (the next
// delivery was due already) leaves the clock where it is and sends what is due; one further back is refused.
func (s *Sandbox) MoveClock(ctx context.Context, target time.Time) (delivered int, err error) {
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	if now := s.opts.Clock.Now(); target.Before(now.Add(-time.Minute)) {
		return 0, fmt.Errorf("the clock only moves forward: %s is before %s", target.Format(time.RFC3339),
			now.Format(time.RFC3339))
	}
	before := s.messageCount()
	defer func() {
		if perr := s.opts.Store.SetSandboxClockOffset(context.WithoutCancel(ctx), s.opts.Clock.Offset()); perr != nil && err == nil {
			err = perr
		}
		delivered = s.messageCount() - before
		s.requestSave()
	}()
	for range maxClockSteps {
		next, err := s.opts.Store.UpcomingDeliveries(ctx, 1)
		if err != nil {
			return 0, err
		}
		if len(next) == 0 || next[0].DueAt.After(target) {
			break
		}
		if next[0].DueAt.After(s.opts.Clock.Now()) {
			if err := s.opts.Clock.Set(next[0].DueAt); err != nil {
				return 0, err
			}
		}
		if err := s.tick(ctx); err != nil {
			return 0, err
		}
		after, err := s.opts.Store.UpcomingDeliveries(ctx, 1)
		if err != nil {
			return 0, err
		}
		if len(after) > 0 && after[0].Key == next[0].Key && after[0].DueAt.Equal(next[0].DueAt) {
			// The dispatcher left it pending (no dispatcher wired, or it is waiting for something): go on to the
			// target rather than spin.
			break
		}
	}
	if target.After(s.opts.Clock.Now()) {
		if err := s.opts.Clock.Set(target); err != nil {
			return 0, err
		}
	}
	return 0, s.tick(ctx)
}

func (s *Sandbox) tick(ctx context.Context) error {
	if s.opts.Tick == nil {
		return nil
	}
	if err := s.opts.Tick(ctx); err != nil {
		return fmt.Errorf("dispatcher tick: %w", err)
	}
	return nil
}

// messageCount counts the messages in every conversation of the workspace.
func (s *Sandbox) messageCount() int {
	n := 0
	for _, c := range s.fake.Conversations() {
		n += len(s.fake.Messages(c.ID))
	}
	return n
}
