package scheduler_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// BenchmarkTickNothingDue is a dispatcher's tick (mark missed, take over expired leases, claim what is due) when
// nothing is due, with 1,000 and with 100,000 rows planned ahead: its cost must follow the due rows,
// not all rows, so both should cost about the same.
func BenchmarkTickNothingDue(b *testing.B) {
	for _, planned := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("planned=%d", planned), func(b *testing.B) {
			ctx := context.Background()
			now := time.Now()
			db := storetest.New(b)
			c := &content.Cohort{Name: "Bench", Channel: "C0BENCH01", Timezone: content.DefaultTimezone,
				Trainers: []string{"U0TRAINER1"}, Cases: []string{"richard", "johanna"}, Settings: content.DefaultCohortSettings()}
			for n := 1; n <= 4; n++ {
				s := now.AddDate(0, 0, 7*n)
				c.Modules = append(c.Modules, content.CohortModule{Number: n, Start: s, End: s.Add(4 * time.Hour), Location: "Zaal 3"})
			}
			id, err := db.SaveCohort(ctx, c)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `
				INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at)
				SELECT 'c' || $1::bigint || '/bench/m1/U' || g, $1::bigint, 'bench', 'reminder_day', 1, 'participant',
				       'U' || g, $3::timestamptz + g * interval '1 minute'
				FROM generate_series(1, $2) AS g`, id, planned, now); err != nil {
				b.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `ANALYZE deliveries`); err != nil {
				b.Fatal(err)
			}
			d := scheduler.NewDispatcher(db, newFakeSender("http://127.0.0.1:1/api/", "xoxb-unused", 1), testRenderer{},
				scheduler.DispatchOptions{Now: func() time.Time { return now }, Log: bottest.QuietLog()})
			b.ResetTimer()
			for range b.N {
				res, err := d.Tick(ctx)
				if err != nil || res != (scheduler.Result{}) {
					b.Fatalf("tick did %+v: %v", res, err)
				}
			}
			b.StopTimer()
			var pending int
			if err := db.GetContext(ctx, &pending, `SELECT count(*) FROM deliveries WHERE status = $1`, store.StatusPending); err != nil || pending != planned {
				b.Fatalf("%d rows pending after the ticks (%v), want all %d", pending, err, planned)
			}
		})
	}
}
