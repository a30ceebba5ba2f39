package scheduler_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// benchDue is how many rows the "due" ticks find due: few, so that what a tick costs beside sending them shows.
const benchDue = 10

// BenchmarkTick is a dispatcher's tick (mark missed, tell the trainers, take over expired leases, claim what is
// due, send it) with 10,000 and with 1,000,000 rows planned ahead (issue 19: a national roll-out), when nothing
// is due and when 10 channel messages are due: its cost must follow the due rows, not the planned ones, so both
// sizes should cost about the same. Each size is seeded once, with one INSERT … SELECT generate_series, only
// under -bench; the 10 rows are made due again, untimed, after each tick.
func BenchmarkTick(b *testing.B) {
	for _, planned := range []int{10_000, 1_000_000} {
		ctx := context.Background()
		now := time.Now()
		fake := slackfake.New(slackfake.Options{})
		b.Cleanup(fake.Close)
		trainer := fake.AddUser(slackfake.User{ID: "U0TRAINER1", Name: "trainer"})
		channel := fake.AddChannel(slackfake.Channel{Name: "het-gesprek-bench", Members: []string{fake.BotUserID(), trainer}})
		db := storetest.New(b)
		c := &content.Cohort{Name: "Bench", Channel: channel, Timezone: content.DefaultTimezone,
			Trainers: []string{trainer}, Cases: []string{"richard", "johanna"}, Settings: content.DefaultCohortSettings()}
		for n := 1; n <= 4; n++ {
			s := now.AddDate(0, 0, 7*n)
			c.Modules = append(c.Modules, content.CohortModule{Number: n, Start: s, End: s.Add(4 * time.Hour), Location: "Zaal 3"})
		}
		id, err := db.SaveCohort(ctx, c)
		if err != nil {
			b.Fatal(err)
		}
		// The planned rows fall due over the coming months, a minute apart per 100 (a national roll-out's many
		// cohorts plan the same moments); each has a deadline, as most rules do.
		if _, err := db.ExecContext(ctx, `
			INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at, deadline)
			SELECT 'c' || $1::bigint || '/bench/m1/U' || g, $1::bigint, 'bench', 'reminder_day', 1, 'participant',
			       'U' || g, $3::timestamptz + (1 + g / 100) * interval '1 minute',
			       $3::timestamptz + (1 + g / 100) * interval '1 minute' + interval '1 day'
			FROM generate_series(1, $2) AS g`, id, planned, now); err != nil {
			b.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `
			INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at)
			SELECT 'c' || $1::bigint || '/due' || g || '/m1', $1::bigint, 'due' || g, 'reminder_day', 1, 'channel', '',
			       $2::timestamptz + interval '1 hour'
			FROM generate_series(1, $3) AS g`, id, now, benchDue); err != nil {
			b.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `VACUUM ANALYZE deliveries`); err != nil {
			b.Fatal(err)
		}
		// makeDue sets the 10 rows pending and due at now (dueAt), or an hour ahead, as if never sent.
		makeDue := func(dueAt time.Time) {
			if _, err := db.ExecContext(ctx, `
				UPDATE deliveries SET status = 'pending', due_at = $1, attempts = 0, channel_id = NULL, ts = NULL,
				                      sent_at = NULL, lease_owner = NULL, lease_until = NULL, claimed_at = NULL,
				                      attempted_at = NULL, error = NULL
				WHERE rule_id LIKE 'due%'`, dueAt); err != nil {
				b.Fatal(err)
			}
		}
		for _, due := range []int{0, benchDue} {
			b.Run(fmt.Sprintf("planned=%d/due=%d", planned, due), func(b *testing.B) {
				d := scheduler.NewDispatcher(db, newFakeSender(fake.APIURL(), fake.BotToken(), 1), testRenderer{},
					scheduler.DispatchOptions{Now: func() time.Time { return now }, Log: bottest.QuietLog()})
				want := scheduler.Result{Sent: due}
				if due > 0 {
					makeDue(now)
				}
				b.ResetTimer()
				for range b.N {
					res, err := d.Tick(ctx)
					if err != nil || res != want {
						b.Fatalf("tick did %+v, want %+v: %v", res, want, err)
					}
					if due > 0 {
						b.StopTimer()
						makeDue(now)
						b.StartTimer()
					}
				}
				b.StopTimer()
				makeDue(now.Add(time.Hour))
			})
		}
		var pending int
		if err := db.GetContext(ctx, &pending, `SELECT count(*) FROM deliveries WHERE status = $1 AND rule_id = 'bench'`,
			store.StatusPending); err != nil || pending != planned {
			b.Fatalf("%d planned rows pending after the ticks (%v), want all %d", pending, err, planned)
		}
	}
}
