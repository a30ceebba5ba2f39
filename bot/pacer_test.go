package bot

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// eachBook runs a test of the slot book's behaviour against both books: one process's in memory, and the one the
// replicas share in PostgreSQL (on the test's clock). newBook returns an empty book.
func eachBook(t *testing.T, run func(t *testing.T, newBook func() testBook)) {
	t.Run("Memory", func(t *testing.T) {
		run(t, func() testBook { return testBook{newMemBook()} })
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		db := storetest.New(t)
		run(t, func() testBook {
			if _, err := db.ExecContext(context.Background(), `DELETE FROM pace_buckets`); err != nil {
				t.Fatal(err)
			}
			b := newPgBook(db, false, slog.New(slog.DiscardHandler))
			b.horizon = 0 // as the memory book: TestSharedBookHorizon tests the bound
			return testBook{b}
		})
	})
}

// testBook calls a book as the tests of the memory book always have: no context, and a block until a moment.
type testBook struct{ slotBook }

func (b testBook) reserve(now time.Time, paces []pace) reservation {
	return b.slotBook.reserve(context.Background(), now, paces)
}

func (b testBook) release(now time.Time, r reservation) {
	b.slotBook.release(context.Background(), now, r)
}

func (b testBook) block(paces []pace, until time.Time) {
	b.slotBook.block(context.Background(), until, paces, 0)
}

func TestPacerReserve(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	perSec := Rate{PerSecond: 1, Burst: 3}
	tests := []struct {
		name  string
		now   []int // when each call arrives, ms after t0
		block int   // a 429 after the second call blocks until this ms (0: none)
		want  []int // when each call may go
	}{
		{"Burst", []int{0, 0, 0}, 0, []int{0, 0, 0}},
		{"AfterBurstOnePerSecond", []int{0, 0, 0, 0, 0}, 0, []int{0, 0, 0, 1000, 2000}},
		{"RefillsWhileIdle", []int{0, 0, 0, 5000, 5000, 5000, 5000}, 0, []int{0, 0, 0, 5000, 5000, 5000, 6000}},
		{"RetryAfterBlocksAndRestartsEmpty", []int{0, 0, 0, 0}, 4000, []int{0, 0, 4000, 5000}},
	}
	eachBook(t, func(t *testing.T, newBook func() testBook) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				b := newBook()
				keys := []pace{{"channel:C1", perSec}}
				for i, at := range tt.now {
					if i == 2 && tt.block > 0 {
						b.block(keys, ms(tt.block))
					}
					if got := b.reserve(ms(at), keys).at; !got.Equal(ms(tt.want[i])) {
						t.Errorf("call %d at %dms may go at %v, want %dms", i, at, got.Sub(t0), tt.want[i])
					}
				}
			})
		}
	})
}

func TestPacerSeveralKeys(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	eachBook(t, func(t *testing.T, newBook func() testBook) {
		b := newBook()
		shared := pace{"method:chat.postMessage", Rate{PerSecond: 2, Burst: 1}}
		a := []pace{{"channel:A", Rate{PerSecond: 1, Burst: 1}}, shared}
		c := []pace{{"channel:B", Rate{PerSecond: 1, Burst: 1}}, shared}
		got := []time.Duration{b.reserve(t0, a).at.Sub(t0), b.reserve(t0, c).at.Sub(t0), b.reserve(t0, a).at.Sub(t0), b.reserve(t0, c).at.Sub(t0)}
		// The shared key allows one call per 500ms; each channel one per second.
		want := []time.Duration{0, 500 * time.Millisecond, time.Second, 1500 * time.Millisecond}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("call %d at %v, want %v", i, got[i], want[i])
			}
		}
	})
}

// TestPacerGivesBackSlots: a caller that gave up before its slot gives the slot back, so that the callers after it
// are not pushed behind a call that never went.
func TestPacerGivesBackSlots(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	sec := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
	perSec := Rate{PerSecond: 1, Burst: 1}
	keys := []pace{{"method:views.publish", perSec}}
	eachBook(t, func(t *testing.T, newBook func() testBook) {
		t.Run("TheLastOne", func(t *testing.T) {
			b := newBook()
			b.reserve(t0, keys)
			r := b.reserve(t0, keys)
			b.release(t0, r)
			if got := b.reserve(t0, keys).at; !got.Equal(sec(1)) {
				t.Errorf("after the last booking was given back the next call goes at %v, want 1s", got.Sub(t0))
			}
		})
		t.Run("OneInTheMiddle", func(t *testing.T) {
			b := newBook()
			var rs []reservation
			for range 5 {
				rs = append(rs, b.reserve(t0, keys)) // at 0, 1, 2, 3 and 4s
			}
			b.release(t0, rs[1])
			b.release(t0, rs[3])
			want := []int{1, 3, 5}
			for i, w := range want {
				if got := b.reserve(t0, keys).at; !got.Equal(sec(w)) {
					t.Errorf("call %d after two gave up goes at %v, want %ds", i, got.Sub(t0), w)
				}
			}
		})
		t.Run("PassedSlotsAreNotReused", func(t *testing.T) {
			b := newBook()
			var rs []reservation
			for range 3 {
				rs = append(rs, b.reserve(t0, keys)) // at 0, 1 and 2s
			}
			b.release(t0, rs[1])
			// At 1.5s the given-back slot at 1s has passed: calling now would be a second call within that second.
			if got := b.reserve(sec(1).Add(500*time.Millisecond), keys).at; !got.Equal(sec(3)) {
				t.Errorf("a call at 1.5s goes at %v, want 3s", got.Sub(t0))
			}
		})
		t.Run("CallersWhoseContextEnded", func(t *testing.T) {
			// A thousand callers that gave up while waiting (as App Home opens whose events timed out did): the next
			// caller goes right after the one call that went, not a thousand seconds later.
			now := t0
			b := newBook()
			p := &pacer{now: func() time.Time { return now }, book: b.slotBook}
			if err := p.wait(context.Background(), keys); err != nil {
				t.Fatal(err)
			}
			gone, cancel := context.WithCancel(context.Background())
			cancel()
			for range 1000 {
				if err := p.wait(gone, keys); err == nil {
					t.Fatal("a caller whose context had ended was let through")
				}
			}
			if got := b.reserve(now, keys).at; !got.Equal(sec(1)) {
				t.Errorf("the next call goes at %v, want 1s", got.Sub(t0))
			}
		})
		t.Run("OnEveryKey", func(t *testing.T) {
			b := newBook()
			channel := []pace{{"channel:C1", perSec}, {"method:chat.postMessage", Rate{PerSecond: 2, Burst: 1}}}
			b.reserve(t0, channel)
			r := b.reserve(t0, channel) // at 1s
			b.reserve(t0, channel)      // at 2s
			b.release(t0, r)
			if got := b.reserve(t0, channel).at; !got.Equal(sec(1)) {
				t.Errorf("the next call goes at %v, want the slot given back at 1s", got.Sub(t0))
			}
		})
	})
}

// TestMethodTiersMatchTheFake: the Poster paces each method at the tier the fake (and Slack's method pages) put it
// in; a method in the wrong tier is paced too slowly or answered 429.
func TestMethodTiersMatchTheFake(t *testing.T) {
	tierOf := map[int]int{slackfake.Tier1: 1, slackfake.Tier2: 2, slackfake.Tier3: 3, slackfake.Tier4: 4}
	for method, perMinute := range slackfake.SlackTiers {
		if method == "apps.connections.open" {
			continue // Socket Mode's own call, not the Poster's
		}
		if got, want := methodTiers[method], tierOf[perMinute]; got != want {
			t.Errorf("%s is paced as tier %d, want tier %d", method, got, want)
		}
	}
	for method := range methodTiers {
		if _, ok := slackfake.SlackTiers[method]; !ok {
			t.Errorf("%s has a tier in the Poster but not in the fake", method)
		}
	}
}

// TestPacerSpendsTheTierQuotaAtOnce: Slack counts a tier's calls per minute, so a fan-out may spend the minute's
// quota at once (50 cohorts' conversations.members go out together) and only a call over the quota waits, until the
// call a quota back has left its window.
func TestPacerSpendsTheTierQuotaAtOnce(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tier4 := PublishedTiers()[4]
	keys := []pace{{"method:conversations.members", tier4}}
	window := tier4.Window
	eachBook(t, func(t *testing.T, newBook func() testBook) {
		t.Run("FanOut", func(t *testing.T) {
			b := newBook()
			for i := range 50 {
				if got := b.reserve(t0, keys).at; !got.Equal(t0) {
					t.Fatalf("conversations.members call %d of a fan-out of 50 waits until %v", i+1, got.Sub(t0))
				}
			}
		})
		t.Run("OverTheQuotaWaits", func(t *testing.T) {
			if window < time.Minute {
				t.Fatalf("tier 4 window = %v, shorter than Slack's minute", window)
			}
			b := newBook()
			for i := range 100 {
				if got := b.reserve(t0.Add(time.Duration(i)*100*time.Millisecond), keys).at; got.After(t0.Add(time.Duration(i) * 100 * time.Millisecond)) {
					t.Fatalf("call %d of the minute's 100 waits", i+1)
				}
			}
			// The 101st, 20 s in, waits until the first has left its window; the 102nd until the second has.
			if got, want := b.reserve(t0.Add(20*time.Second), keys).at, t0.Add(window); !got.Equal(want) {
				t.Errorf("call 101 goes at %v, want %v", got.Sub(t0), want.Sub(t0))
			}
			if got, want := b.reserve(t0.Add(20*time.Second), keys).at, t0.Add(window+100*time.Millisecond); !got.Equal(want) {
				t.Errorf("call 102 goes at %v, want %v", got.Sub(t0), want.Sub(t0))
			}
		})
		t.Run("NewWindow", func(t *testing.T) {
			b := newBook()
			for range 100 {
				b.reserve(t0, keys)
			}
			later := t0.Add(window)
			for i := range 100 {
				if got := b.reserve(later, keys).at; !got.Equal(later) {
					t.Fatalf("call %d a window later waits until %v", i+1, got.Sub(t0))
				}
			}
		})
		t.Run("GivenBack", func(t *testing.T) {
			b := newBook()
			for range 99 {
				b.reserve(t0, keys)
			}
			r := b.reserve(t0, keys)
			b.release(t0, r)
			if got := b.reserve(t0, keys).at; !got.Equal(t0) {
				t.Errorf("after a caller gave its call back the 100th waits until %v", got.Sub(t0))
			}
		})
		t.Run("RetryAfterRestartsAtTheSustainedRate", func(t *testing.T) {
			b := newBook()
			b.reserve(t0, keys)
			until := t0.Add(10 * time.Second)
			b.block(keys, until)
			step := window / 100
			for i := range 3 {
				if got, want := b.reserve(t0, keys).at, until.Add(time.Duration(i)*step); !got.Equal(want) {
					t.Errorf("call %d after a 429 goes at %v, want %v", i+1, got.Sub(t0), want.Sub(t0))
				}
			}
		})
	})
}
