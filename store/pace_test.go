package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// TestPaceBook: the shared book's rows, on the test's clock: a booking, a give-back, a block, the horizon.
func TestPaceBook(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ch := store.PaceKey{Key: "T1/channel:C1", Interval: time.Second}
	quota := store.PaceKey{Key: "T1/method:views.publish", Window: time.Minute, Burst: 2}
	keys := []store.PaceKey{ch, quota}
	var got []time.Duration
	var rs []store.PaceReservation
	for range 3 {
		r, err := db.ReservePace(ctx, t0, keys, 0)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
		got = append(got, r.At.Sub(t0))
	}
	if want := []time.Duration{0, time.Second, time.Minute}; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("three calls at %v, want %v", got, want)
	}
	if err := db.ReleasePace(ctx, t0, rs[2]); err != nil {
		t.Fatal(err)
	}
	r, err := db.ReservePace(ctx, t0, keys, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if r.Booked || !r.At.Equal(t0.Add(time.Minute)) {
		t.Errorf("a call a minute ahead with a horizon of 2s: booked %v at %v", r.Booked, r.At.Sub(t0))
	}
	until, err := db.BlockPace(ctx, t0, []store.PaceKey{ch}, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := db.PaceBlockedFor(ctx, t0.Add(time.Second), []string{ch.Key, quota.Key}); err != nil || d != 4*time.Second || !until.Equal(t0.Add(5*time.Second)) {
		t.Errorf("blocked for %v (%v) until %v, want 4s until 5s", d, err, until.Sub(t0))
	}
	if n, err := db.PrunePace(ctx, t0.Add(10*time.Minute)); err != nil || n != 2 {
		t.Errorf("pruned %d rows (%v), want both", n, err)
	}
}
