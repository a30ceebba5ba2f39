package bot

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"
)

// Rate is how fast calls on one key may go. Without Window it is a token bucket: PerSecond sustained, with bursts
// of up to Burst calls. With Window it is a quota: at most Burst calls in any Window, which may all go at once
// (PerSecond is not used), as Slack counts its Web API tiers in per-minute windows.
type Rate struct {
	PerSecond float64
	Burst     int
	Window    time.Duration
}

// PerMinute returns a Rate of n calls a minute with the given burst.
func PerMinute(n int, burst int) Rate {
	return Rate{PerSecond: float64(n) / 60, Burst: burst}
}

// WithoutLimits returns o with every rate it leaves unset far above what the bot ever sends: for a workspace that
// limits nothing, as the sandbox's fake in the bot's own process does (and a test's).
func WithoutLimits(o PosterOptions) PosterOptions {
	fast := Rate{PerSecond: 5000, Burst: 1000}
	if o.ChannelRate.PerSecond <= 0 {
		o.ChannelRate = fast
	}
	if o.PostRate.PerSecond <= 0 {
		o.PostRate = fast
	}
	tiers := map[int]Rate{1: fast, 2: fast, 3: fast, 4: fast}
	for n, r := range o.Tiers {
		if r.PerSecond > 0 || r.Window > 0 {
			tiers[n] = r
		}
	}
	o.Tiers = tiers
	return o
}

// Quota returns a Rate of at most n calls in any window, spent in a burst if the callers come at once.
func Quota(n int, window time.Duration) Rate {
	return Rate{Burst: n, Window: window}
}

// valid reports whether r limits anything: a zero Rate stands for "not set".
func (r Rate) valid() bool {
	return r.PerSecond > 0 || (r.Window > 0 && r.Burst > 0)
}

// interval is the time one token takes to come back.
func (r Rate) interval() time.Duration {
	if r.PerSecond <= 0 {
		return 0
	}
	return time.Duration(float64(time.Second) / r.PerSecond)
}

// tolerance is how far ahead of the sustained rate a call may go: the burst.
func (r Rate) tolerance() time.Duration {
	return time.Duration(max(r.Burst-1, 0)) * r.interval()
}

// pace is one key (a method, a channel) with its rate.
type pace struct {
	key  string
	rate Rate
}

// slotBook holds the state of the rate-limit buckets: which slots are booked on each key, which were given back,
// and which keys a 429 blocks. One process alone keeps it in memory (memBook); the replicas of a deployment share
// it through PostgreSQL (pgBook). Every method takes now on the pacer's clock; a book with a clock of its own (the
// database's) answers on that clock instead, which is why a reservation says what time it was made at.
type slotBook interface {
	// reserve books a slot on every key at the earliest moment at or after now that all of them allow; or, when
	// that is further ahead than the book books, nothing (later), and when to ask again.
	reserve(ctx context.Context, now time.Time, paces []pace) reservation
	// release gives back a reservation whose caller gave up before using it, so that later callers are not
	// pushed behind a call that never went.
	release(ctx context.Context, now time.Time, r reservation)
	// block keeps every call on the keys back for wait from now (a 429's Retry-After).
	block(ctx context.Context, now time.Time, paces []pace, wait time.Duration)
	// blockedFor returns how long from now the latest Retry-After block among the keys still lasts.
	blockedFor(ctx context.Context, now time.Time, paces []pace) time.Duration
}

// reservation is a booked slot: when the call may go, on the book's clock at the time of booking (now), and what
// it took on each key. A reservation that is later booked nothing: at is when to ask again.
type reservation struct {
	at, now time.Time
	later   bool
	slots   []slot
	// local: a shared book could not reach the database and booked this one in its own memory.
	local bool
}

// slot is what a reservation took on one key: a given-back slot (reused), the next one at the sustained rate,
// which moved the key's theoretical arrival time from tatBefore to tatAfter, or a call in a quota key's window.
type slot struct {
	key                 string
	reused              bool
	quota               bool
	tatBefore, tatAfter time.Time
}

// memBook is the slot book of one process: the generic cell rate algorithm over any number of keys. Each key keeps
// the theoretical arrival time (TAT) of its next call; a call may go once every key it uses allows it. A slot given
// back while still ahead is kept and handed to the next caller, so a crowd of callers that gave up does not leave
// the key's schedule full of calls that never went.
type memBook struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	// horizon bounds how far ahead a slot is booked (zero: no bound), as the shared book bounds it.
	horizon time.Duration
}

type bucket struct {
	tat       time.Time   // theoretical arrival time of the next call at the sustained rate
	notBefore time.Time   // set by a 429: nothing goes before this
	free      []time.Time // slots given back, still ahead, oldest first
	sent      []time.Time // a quota key's booked calls within the last window and ahead, in order
}

// nextInWindow returns the earliest moment at or after at that a quota key allows: not before its last booked call
// (so that the booked calls stay in order and only the last window needs checking), and a full window after the
// call Burst calls back.
func (b *bucket) nextInWindow(at time.Time, r Rate) time.Time {
	if n := len(b.sent); n > 0 && b.sent[n-1].After(at) {
		at = b.sent[n-1]
	}
	if n, burst := len(b.sent), max(r.Burst, 1); n >= burst {
		if t := b.sent[n-burst].Add(r.Window); t.After(at) {
			at = t
		}
	}
	return at
}

// forgetWindow drops a quota key's calls that a call at now or later can no longer share a window with.
func (b *bucket) forgetWindow(now time.Time, r Rate) {
	n := 0
	for n < len(b.sent) && !b.sent[n].Add(r.Window).After(now) {
		n++
	}
	if n > 0 {
		b.sent = slices.Delete(b.sent, 0, n)
	}
}

func newMemBook() *memBook { return &memBook{buckets: map[string]*bucket{}} }

func (m *memBook) bucket(key string) *bucket {
	b, ok := m.buckets[key]
	if !ok {
		b = &bucket{}
		m.buckets[key] = b
	}
	return b
}

// forget drops given-back slots that have passed, or that a 429 block has overtaken.
func (b *bucket) forget(now time.Time) {
	n := 0
	for n < len(b.free) && (b.free[n].Before(now) || b.free[n].Before(b.notBefore)) {
		n++
	}
	if n > 0 {
		b.free = slices.Delete(b.free, 0, n)
	}
}

func (m *memBook) reserve(_ context.Context, now time.Time, paces []pace) reservation {
	m.mu.Lock()
	defer m.mu.Unlock()
	at := now
	for _, pc := range paces {
		b := m.bucket(pc.key)
		b.forget(now)
		if b.notBefore.After(at) {
			at = b.notBefore
		}
		if pc.rate.Window > 0 {
			b.forgetWindow(now, pc.rate)
			at = b.nextInWindow(at, pc.rate)
			continue
		}
		earliest := b.tat.Add(-pc.rate.tolerance())
		if len(b.free) > 0 && b.free[0].Before(earliest) {
			earliest = b.free[0]
		}
		if earliest.After(at) {
			at = earliest
		}
	}
	if m.horizon > 0 && at.After(now.Add(m.horizon)) {
		return reservation{at: at.Add(-m.horizon), now: now, later: true}
	}
	r := reservation{at: at, now: now, slots: make([]slot, 0, len(paces))}
	for _, pc := range paces {
		b := m.bucket(pc.key)
		if pc.rate.Window > 0 {
			// at is not before the key's last booked call: appending keeps the calls in order.
			b.sent = append(b.sent, at)
			r.slots = append(r.slots, slot{key: pc.key, quota: true})
			continue
		}
		if b.tat.Add(-pc.rate.tolerance()).After(at) {
			// The key allows at only through a slot someone gave back: take the latest one not after at, so that
			// the call goes as close to its slot as it can.
			i := sort.Search(len(b.free), func(i int) bool { return b.free[i].After(at) })
			b.free = slices.Delete(b.free, i-1, i)
			r.slots = append(r.slots, slot{key: pc.key, reused: true})
			continue
		}
		s := slot{key: pc.key, tatBefore: b.tat}
		start := b.tat
		if at.After(start) {
			start = at
		}
		b.tat = start.Add(pc.rate.interval())
		s.tatAfter = b.tat
		r.slots = append(r.slots, s)
	}
	return r
}

func (m *memBook) release(_ context.Context, now time.Time, r reservation) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range r.slots {
		b := m.bucket(s.key)
		if s.quota {
			// The call never went: it takes nothing of the window. The calls booked after it keep their times,
			// which only leaves them more room.
			if i := slices.IndexFunc(b.sent, r.at.Equal); i >= 0 {
				b.sent = slices.Delete(b.sent, i, i+1)
			}
			continue
		}
		if !s.reused && b.tat.Equal(s.tatAfter) {
			// Nothing was booked after it: as if it had never been booked.
			b.tat = s.tatBefore
			continue
		}
		// Later callers hold the slots after it; this one is free for the next caller, while it is still ahead.
		if r.at.Before(now) || r.at.Before(b.notBefore) {
			continue
		}
		i, _ := slices.BinarySearchFunc(b.free, r.at, time.Time.Compare)
		b.free = slices.Insert(b.free, i, r.at)
	}
}

// block lets only one call through at until, for every key: the bucket restarts empty rather than with a fresh
// burst, and the slots given back before until are gone. A quota key, whose count Slack has just shown to be off
// (another replica or app spends the same quota), restarts as if the last window had been spent evenly: after
// until its calls go at the sustained rate until the calls a window back leave room again.
func (m *memBook) block(_ context.Context, now time.Time, paces []pace, wait time.Duration) {
	until := now.Add(wait)
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, pc := range paces {
		b := m.bucket(pc.key)
		if until.After(b.notBefore) {
			b.notBefore = until
		}
		if pc.rate.Window > 0 {
			burst := max(pc.rate.Burst, 1)
			step := pc.rate.Window / time.Duration(burst)
			even := make([]time.Time, 0, burst+len(b.sent))
			for i := range burst {
				even = append(even, until.Add(-pc.rate.Window+time.Duration(i)*step))
			}
			// Calls booked after until still go (their callers see the block has passed): keep counting them.
			for _, t := range b.sent {
				if t.After(until) {
					even = append(even, t)
				}
			}
			slices.SortFunc(even, time.Time.Compare)
			b.sent = even
			continue
		}
		if t := until.Add(pc.rate.tolerance()); t.After(b.tat) {
			b.tat = t
		}
		b.forget(until)
	}
}

func (m *memBook) blockedFor(_ context.Context, now time.Time, paces []pace) time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	var until time.Time
	for _, pc := range paces {
		if b := m.bucket(pc.key); b.notBefore.After(until) {
			until = b.notBefore
		}
	}
	return max(until.Sub(now), 0)
}

// pacer spaces calls over the keys of a slot book on the clock now.
type pacer struct {
	now  func() time.Time
	book slotBook
	// lead is how long before its slot a waiting call asks whether a 429 came in meanwhile: zero for the book in
	// memory, which answers at once; with the shared book, long enough for the round trip to be done by the slot,
	// so that the call still goes at its slot and not a round trip (of varying length) after it.
	lead time.Duration
}

func newPacer(now func() time.Time, book slotBook) *pacer {
	p := &pacer{now: now, book: book}
	if book == nil {
		p.book = newMemBook()
	} else {
		p.lead = blockCheckLead
	}
	return p
}

// blockCheckLead is the pacer's lead with the shared book.
const blockCheckLead = 100 * time.Millisecond

// wait blocks until a call on these keys may go, honouring ctx. A caller that gives up gives its slot back. A
// 429 that arrives while waiting pushes the call back behind its Retry-After. A call that may go at once costs
// the book one reservation (with a shared book, one round trip); only one that waited asks again about blocks.
func (p *pacer) wait(ctx context.Context, paces []pace) error {
	if len(paces) == 0 {
		// Nothing to pace (a response_url reply): no need to ask the book, which may be a round trip away.
		return ctx.Err()
	}
	for {
		r := p.book.reserve(ctx, p.now(), paces)
		d := r.at.Sub(r.now)
		if r.later {
			if err := sleepFor(ctx, d); err != nil {
				return err
			}
			continue
		}
		if d <= 0 {
			// The reservation has just seen every block.
			if err := ctx.Err(); err != nil {
				p.book.release(context.WithoutCancel(ctx), p.now(), r)
				return err
			}
			return nil
		}
		slot := time.Now().Add(d)
		err := sleepFor(ctx, d-p.lead)
		blocked := time.Duration(0)
		if err == nil && p.lead <= 0 {
			blocked = p.book.blockedFor(ctx, p.now(), paces)
		} else if err == nil {
			// The answer is awaited only until the slot: a slow one must not make the call late (it would go out of
			// step with the calls booked after it); a 429 it would have shown is then met at Slack, and shared.
			answer := make(chan time.Duration, 1)
			go func() { answer <- p.book.blockedFor(ctx, p.now(), paces) }()
			if err = sleepFor(ctx, time.Until(slot)); err == nil {
				select {
				case blocked = <-answer:
				default:
				}
			}
		}
		if err != nil {
			p.book.release(context.WithoutCancel(ctx), p.now(), r)
			return err
		}
		if blocked <= 0 {
			return nil
		}
		p.book.release(ctx, p.now(), r)
	}
}

// block keeps every call on the keys back for wait (a 429's Retry-After).
func (p *pacer) block(ctx context.Context, paces []pace, wait time.Duration) {
	p.book.block(ctx, p.now(), paces, wait)
}

// sleepFor sleeps for d, or until ctx ends.
func sleepFor(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
