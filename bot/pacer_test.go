package bot

import (
	"testing"
	"time"
)

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
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0
			p := newPacer(func() time.Time { return now })
			keys := []pace{{"channel:C1", perSec}}
			for i, at := range tt.now {
				now = ms(at)
				if i == 2 && tt.block > 0 {
					p.block(keys, ms(tt.block))
				}
				if got := p.reserve(keys); !got.Equal(ms(tt.want[i])) {
					t.Errorf("call %d at %dms may go at %v, want %dms", i, at, got.Sub(t0), tt.want[i])
				}
			}
		})
	}
}

func TestPacerSeveralKeys(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	p := newPacer(func() time.Time { return t0 })
	tier := pace{"tier3", Rate{PerSecond: 2, Burst: 1}}
	a := []pace{{"channel:A", Rate{PerSecond: 1, Burst: 1}}, tier}
	b := []pace{{"channel:B", Rate{PerSecond: 1, Burst: 1}}, tier}
	got := []time.Duration{p.reserve(a).Sub(t0), p.reserve(b).Sub(t0), p.reserve(a).Sub(t0), p.reserve(b).Sub(t0)}
	// The shared tier allows one call per 500ms; each channel one per second.
	want := []time.Duration{0, 500 * time.Millisecond, time.Second, 1500 * time.Millisecond}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("call %d at %v, want %v", i, got[i], want[i])
		}
	}
}
