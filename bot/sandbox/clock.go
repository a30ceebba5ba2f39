package sandbox

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Clock is the sandbox's simulated time: the real clock plus an offset that only grows. The bot's dispatcher,
// store and the fake all read it (Now), so moving it makes the course happen sooner. Safe for concurrent use.
type Clock struct {
	mu     sync.RWMutex
	offset time.Duration
	real   func() time.Time
}

// OffsetLoader reads the persisted clock offset; *store.DB implements it.
type OffsetLoader interface {
	SandboxClockOffset(ctx context.Context) (time.Duration, bool, error)
}

// NewClock returns a clock that runs offset ahead of real time.
func NewClock(offset time.Duration) *Clock {
	return &Clock{offset: offset, real: time.Now}
}

// LoadClock returns the clock with the offset saved by an earlier run, or at real time on the first start.
func LoadClock(ctx context.Context, db OffsetLoader) (*Clock, error) {
	off, _, err := db.SandboxClockOffset(ctx)
	if err != nil {
		return nil, fmt.Errorf("load sandbox clock: %w", err)
	}
	return NewClock(off), nil
}

// Now returns the simulated time.
func (c *Clock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.real().Add(c.offset)
}

// Offset returns how far the clock runs ahead of real time.
func (c *Clock) Offset() time.Duration {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.offset
}

// Advance moves the clock forward by d; a negative d is refused.
func (c *Clock) Advance(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("the clock only moves forward, not by %s", d)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
	return nil
}

// Set moves the clock to t, which must not be before the current simulated time: messages already sent keep
// their order, and nothing planned is replayed.
func (c *Clock) Set(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.real()
	if t.Before(now.Add(c.offset)) {
		return fmt.Errorf("the clock only moves forward: %s is before %s", t.Format(time.RFC3339), now.Add(c.offset).Format(time.RFC3339))
	}
	c.offset = t.Sub(now)
	return nil
}
