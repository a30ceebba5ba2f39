package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/gesprekbot/gesprekbot/store"
)

// SharedBook is the slot book the replicas of one deployment share, so that together they stay within Slack's
// limits as one process does; *store.DB implements it (store/pace.go). A zero now asks for the database's clock.
type SharedBook interface {
	ReservePace(ctx context.Context, now time.Time, keys []store.PaceKey, horizon time.Duration) (store.PaceReservation, error)
	ReleasePace(ctx context.Context, now time.Time, r store.PaceReservation) error
	BlockPace(ctx context.Context, now time.Time, keys []store.PaceKey, wait time.Duration) (time.Time, error)
	PaceBlockedFor(ctx context.Context, now time.Time, keys []string) (time.Duration, error)
	PrunePace(ctx context.Context, now time.Time) (int, error)
}

// sharedHorizon is how far ahead a replica books a slot on a shared key. A replica that dies leaves at most this
// much of its bookings behind (no slot further ahead was ever taken), so the others have the budget back within
// it; a caller whose slot would be further ahead waits and asks again when it is within. It is well above what a
// fan-out books ahead at Slack's rates with the dispatcher's workers (32 posts at 50 a second: 0.64 s).
const sharedHorizon = 2 * time.Second

// pruneEvery is how often a replica deletes the buckets that have been idle for a minute.
const pruneEvery = time.Minute

// pgBook is the slotBook over a SharedBook. Its clock is the database's unless the Poster was given one (a
// test's): every replica then reads the one clock. Should the database fail, it books in memory (this replica
// paced on its own, as before there were replicas) and says so in the log, once a minute at most.
type pgBook struct {
	db      SharedBook
	dbClock bool
	horizon time.Duration // sharedHorizon; zero (the book's tests) books any distance ahead
	log     *slog.Logger
	local   *memBook

	mu              sync.Mutex
	lastPrune, warn time.Time
	// offset is the database's clock less this machine's, as the reservations lately showed it; offsetAt is when
	// it was last updated, from when it ages (see clockOffset).
	offset   time.Duration
	offsetAt time.Time
}

func newPgBook(db SharedBook, dbClock bool, log *slog.Logger) *pgBook {
	return &pgBook{db: db, dbClock: dbClock, horizon: sharedHorizon, log: log, local: newMemBook()}
}

// clock returns now as the store takes it: the zero time for the database's clock.
func (b *pgBook) clock(now time.Time) time.Time {
	if b.dbClock {
		return time.Time{}
	}
	return now
}

func paceKeys(paces []pace) []store.PaceKey {
	keys := make([]store.PaceKey, len(paces))
	for i, pc := range paces {
		keys[i] = store.PaceKey{Key: pc.key, Interval: pc.rate.interval(), Tolerance: pc.rate.tolerance(),
			Window: pc.rate.Window, Burst: pc.rate.Burst}
		if pc.rate.Window <= 0 {
			keys[i].Burst = 0
		}
	}
	return keys
}

// failed logs a failure of the database, once a minute at most: while it lasts every call would say the same.
func (b *pgBook) failed(ctx context.Context, op string, err error) {
	if ctx.Err() != nil {
		return
	}
	b.mu.Lock()
	now := time.Now()
	quiet := now.Sub(b.warn) < time.Minute
	if !quiet {
		b.warn = now
	}
	b.mu.Unlock()
	if !quiet {
		b.log.WarnContext(ctx, "shared rate limits unavailable, pacing this replica on its own", slog.String("op", op),
			slog.Any("error", err))
	}
}

func (b *pgBook) reserve(ctx context.Context, now time.Time, paces []pace) reservation {
	b.prune(ctx, now)
	sr, err := b.db.ReservePace(ctx, b.clock(now), paceKeys(paces), b.horizon)
	back := time.Now()
	if err != nil {
		b.failed(ctx, "reserve", err)
		r := b.local.reserve(ctx, now, paces)
		r.local = true
		return r
	}
	if b.dbClock {
		// The database's time as this answer arrives, as near as the recent answers tell.
		sr.Now = back.Add(b.clockOffset(back, sr.Now))
	}
	if !sr.Booked {
		return reservation{at: sr.At.Add(-b.horizon), now: sr.Now, later: true}
	}
	r := reservation{at: sr.At, now: sr.Now, slots: make([]slot, len(sr.Slots))}
	for i, s := range sr.Slots {
		r.slots[i] = slot{key: s.Key, quota: s.Quota, reused: s.Reused, tatBefore: s.TatBefore, tatAfter: s.TatAfter}
	}
	return r
}

// clockOffset takes a reading of the database's clock, dbNow, whose answer arrived at back on this machine's
// clock, and returns the offset between the two clocks. dbNow was read before back, by the time the answer took to
// come back: dbNow − back is never above the true offset, and the highest reading lately is the nearest to it. So
// a call sleeps until its slot on this machine's clock, late by the quickest answer's way back rather than each
// answer's own, which varies with the load and would put the calls out of step with each other (and over Slack's
// burst). The kept reading loses a millisecond a second, so that the offset follows the clocks when they drift.
func (b *pgBook) clockOffset(back, dbNow time.Time) time.Duration {
	sample := dbNow.Sub(back)
	b.mu.Lock()
	defer b.mu.Unlock()
	if aged := b.offset - back.Sub(b.offsetAt)/1000; b.offsetAt.IsZero() || sample >= aged {
		b.offset, b.offsetAt = sample, back
	} else {
		b.offset, b.offsetAt = aged, back
	}
	return b.offset
}

func (b *pgBook) release(ctx context.Context, now time.Time, r reservation) {
	if r.local {
		b.local.release(ctx, now, r)
		return
	}
	sr := store.PaceReservation{At: r.at, Now: r.now, Booked: true, Slots: make([]store.PaceSlot, len(r.slots))}
	for i, s := range r.slots {
		sr.Slots[i] = store.PaceSlot{Key: s.key, Quota: s.quota, Reused: s.reused, TatBefore: s.tatBefore, TatAfter: s.tatAfter}
	}
	if err := b.db.ReleasePace(ctx, b.clock(now), sr); err != nil {
		b.failed(ctx, "release", err)
	}
}

func (b *pgBook) block(ctx context.Context, now time.Time, paces []pace, wait time.Duration) {
	// The local book too: should the database fail next, this replica still honours the 429 it saw.
	b.local.block(ctx, now, paces, wait)
	if _, err := b.db.BlockPace(ctx, b.clock(now), paceKeys(paces), wait); err != nil {
		b.failed(ctx, "block", err)
	}
}

func (b *pgBook) blockedFor(ctx context.Context, now time.Time, paces []pace) time.Duration {
	keys := make([]string, len(paces))
	for i, pc := range paces {
		keys[i] = pc.key
	}
	d, err := b.db.PaceBlockedFor(ctx, b.clock(now), keys)
	if err != nil {
		b.failed(ctx, "blocked", err)
		return b.local.blockedFor(ctx, now, paces)
	}
	return d
}

// prune deletes the idle buckets every pruneEvery, beside the call that noticed it was time, so that the call
// does not wait for it.
func (b *pgBook) prune(ctx context.Context, now time.Time) {
	b.mu.Lock()
	due := now.Sub(b.lastPrune) >= pruneEvery
	if due {
		b.lastPrune = now
	}
	b.mu.Unlock()
	if !due {
		return
	}
	go func() {
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if _, err := b.db.PrunePace(pctx, b.clock(now)); err != nil {
			b.failed(pctx, "prune", err)
		}
	}()
}
