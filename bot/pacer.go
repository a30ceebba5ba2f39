package bot

import (
	"context"
	"sync"
	"time"
)

// Rate is a token bucket: PerSecond sustained, with bursts of up to Burst calls.
type Rate struct {
	PerSecond float64
	Burst     int
}

// PerMinute returns a Rate of n calls a minute with the given burst.
func PerMinute(n int, burst int) Rate {
	return Rate{PerSecond: float64(n) / 60, Burst: burst}
}

// interval is the time one token takes to come back.
func (r Rate) interval() time.Duration {
	if r.PerSecond <= 0 {
		return 0
	}
	return time.Duration(float64(time.Second) / r.PerSecond)
}

// pacer spaces calls over any number of keys (a channel, a method tier) with the generic cell rate algorithm:
// each key keeps the theoretical arrival time of its next call; a call may go once every key it uses allows it.
// A 429 blocks a key until its Retry-After has passed.
type pacer struct {
	now func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tat       time.Time // theoretical arrival time of the next call at the sustained rate
	notBefore time.Time // set by a 429: nothing goes before this
}

// pace is one key with its rate.
type pace struct {
	key  string
	rate Rate
}

func newPacer(now func() time.Time) *pacer {
	return &pacer{now: now, buckets: map[string]*bucket{}}
}

// reserve books a slot on every key at the earliest time all of them allow, and returns that time.
func (p *pacer) reserve(paces []pace) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	at := now
	for _, pc := range paces {
		b := p.bucket(pc.key)
		if b.notBefore.After(at) {
			at = b.notBefore
		}
		tau := time.Duration(max(pc.rate.Burst-1, 0)) * pc.rate.interval()
		if earliest := b.tat.Add(-tau); earliest.After(at) {
			at = earliest
		}
	}
	for _, pc := range paces {
		b := p.bucket(pc.key)
		start := b.tat
		if at.After(start) {
			start = at
		}
		b.tat = start.Add(pc.rate.interval())
	}
	return at
}

// blockedUntil returns the latest Retry-After block among the keys.
func (p *pacer) blockedUntil(paces []pace) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	var until time.Time
	for _, pc := range paces {
		if b := p.bucket(pc.key); b.notBefore.After(until) {
			until = b.notBefore
		}
	}
	return until
}

// block keeps every call on the keys back until until (a 429's Retry-After), and lets only one call through at
// that moment: the bucket restarts empty rather than with a fresh burst.
func (p *pacer) block(paces []pace, until time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pc := range paces {
		b := p.bucket(pc.key)
		if until.After(b.notBefore) {
			b.notBefore = until
		}
		tau := time.Duration(max(pc.rate.Burst-1, 0)) * pc.rate.interval()
		if t := until.Add(tau); t.After(b.tat) {
			b.tat = t
		}
	}
}

func (p *pacer) bucket(key string) *bucket {
	b, ok := p.buckets[key]
	if !ok {
		b = &bucket{}
		p.buckets[key] = b
	}
	return b
}

// wait blocks until a call on these keys may go, honouring ctx. A 429 that arrives while waiting pushes the call
// back behind its Retry-After.
func (p *pacer) wait(ctx context.Context, paces []pace) error {
	at := p.reserve(paces)
	for {
		if err := sleepUntil(ctx, p.now, at); err != nil {
			return err
		}
		until := p.blockedUntil(paces)
		if !until.After(p.now()) {
			return nil
		}
		at = p.reserve(paces)
	}
}

// sleepUntil sleeps until now() reaches at, or ctx ends.
func sleepUntil(ctx context.Context, now func() time.Time, at time.Time) error {
	d := at.Sub(now())
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
