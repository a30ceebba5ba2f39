package bot

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// TestSharedBookDeadReplica: a replica that dies (no release, no goodbye: kill -9) leaves behind no more of the
// budget than the horizon it may book ahead, so the others have it back within seconds, not after every call the
// dead one had queued.
func TestSharedBookDeadReplica(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	quiet := slog.New(slog.DiscardHandler)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	keys := []pace{{"T1/channel:C1", Rate{PerSecond: 1, Burst: 1}}}
	ctx := context.Background()

	dead := newPgBook(db, false, quiet)
	booked := 0
	for range 30 { // thirty posts to one channel queued at once, as a fan-out's would be
		if r := dead.reserve(ctx, t0, keys); !r.later {
			booked++
		}
	}
	if booked > 3 {
		t.Errorf("the replica booked %d slots a second apart at once, more than its horizon of %v", booked, sharedHorizon)
	}
	// It dies here. Another replica's post to the channel goes after the slots the dead one took, no later.
	alive := newPgBook(db, false, quiet)
	r := alive.reserve(ctx, t0, keys)
	at := r.at
	if r.later {
		at = at.Add(sharedHorizon) // where its slot is: it asks again when that is within its horizon
	}
	if at.After(t0.Add(sharedHorizon + time.Second)) {
		t.Errorf("the next replica's post waits until %v, want it within %v", at.Sub(t0), sharedHorizon+time.Second)
	}
}

// TestSharedBookHorizon: a caller whose slot is beyond the horizon waits and asks again when it is within, and
// then goes in its turn: the pacer ends up with the same schedule as without a horizon.
func TestSharedBookHorizon(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	b := newPgBook(db, false, slog.New(slog.DiscardHandler))
	keys := []pace{{"T1/channel:C1", Rate{PerSecond: 1, Burst: 1}}}
	ctx := context.Background()
	for range 3 {
		b.reserve(ctx, now, keys) // 0, 1 and 2 s
	}
	r := b.reserve(ctx, now, keys)
	if !r.later || !r.at.Equal(now.Add(3*time.Second-sharedHorizon)) {
		t.Fatalf("the fourth call: later %v, ask again at %v; want later, at %v", r.later, r.at.Sub(now), 3*time.Second-sharedHorizon)
	}
	now = r.at
	if r := b.reserve(ctx, now, keys); r.later || !r.at.Equal(now.Add(sharedHorizon)) {
		t.Errorf("asked again: later %v at %v, want booked at 3s", r.later, r.at)
	}
}

// TestSharedBookPrunes: buckets idle for a minute are deleted, so that channels that came and went leave no rows.
func TestSharedBookPrunes(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	b := newPgBook(db, false, slog.New(slog.DiscardHandler))
	ctx := context.Background()
	for i := range 5 {
		b.reserve(ctx, t0, []pace{{"T1/channel:C" + string(rune('A'+i)), Rate{PerSecond: 1, Burst: 3}}})
	}
	// Two minutes later one call starts a prune of every row idle for over a minute: all but its own.
	b.reserve(ctx, t0.Add(2*time.Minute), []pace{{"T1/channel:CZ", Rate{PerSecond: 1, Burst: 3}}})
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := db.GetContext(ctx, &n, `SELECT count(*) FROM pace_buckets`); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d buckets two minutes after the channels went quiet, want only the one in use", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// countingBook counts the shared book's reservations.
type countingBook struct {
	SharedBook
	reserves int
}

func (c *countingBook) ReservePace(ctx context.Context, now time.Time, keys []store.PaceKey, horizon time.Duration) (store.PaceReservation, error) {
	c.reserves++
	return c.SharedBook.ReservePace(ctx, now, keys, horizon)
}

// TestPacerUnpacedCallsSkipTheBook: a call on no key (a response_url reply, after every click) costs the shared
// book nothing: no round trip on the path of the clicks.
func TestPacerUnpacedCallsSkipTheBook(t *testing.T) {
	t.Parallel()
	db := &countingBook{SharedBook: storetest.New(t)}
	p := newPacer(time.Now, newPgBook(db, true, slog.New(slog.DiscardHandler)))
	if err := p.wait(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if db.reserves != 0 {
		t.Errorf("%d reservations for a call on no key, want none", db.reserves)
	}
}

// TestSharedBookClockOffset: a replica reads the database's clock from its answers, never ahead of it (a call sent
// early by a wrong reading would be over the rate), and keeps the reading whose answer came back quickest, so that
// a slow answer does not make its call late and out of step with the others.
func TestSharedBookClockOffset(t *testing.T) {
	t.Parallel()
	b := newPgBook(nil, true, slog.New(slog.DiscardHandler))
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	const ahead = 5 * time.Second // the database's clock
	ms := time.Millisecond
	for _, tt := range []struct {
		read, back time.Duration // on this machine's clock, after t0: when the database read its clock, and the answer came
		want       time.Duration
	}{
		{0, 30 * ms, ahead - 30*ms},                                                    // the first reading
		{time.Second, time.Second + 2*ms, ahead - 2*ms},                                // a quicker answer: nearer the truth
		{2 * time.Second, 2*time.Second + 50*ms, ahead - 2*ms - 1048*time.Microsecond}, // a slow one: the quick one, aged
	} {
		if got := b.clockOffset(t0.Add(tt.back), t0.Add(tt.read+ahead)); got != tt.want {
			t.Errorf("answer %v after the reading: offset %v, want %v", tt.back-tt.read, got, tt.want)
		}
		if got := b.offset; got > ahead {
			t.Errorf("offset %v, ahead of the database's clock (%v)", got, ahead)
		}
	}
}
