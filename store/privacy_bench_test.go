package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// seedPeople stores cohorts of 25 participants, people in all, each with what a participant has after a course: a
// voormeting and an eindmeting with all 21 answers, a plan, 8 readings and homework marked done, 25 deliveries
// (sent DMs, in their DM), a role card and 10 audit rows; each cohort has its trainer. It returns the database and
// the participants' IDs.
func seedPeople(b *testing.B, people int) (*store.DB, []string) {
	b.Helper()
	ctx := context.Background()
	db := storetest.New(b)
	exec := func(q string, args ...any) {
		b.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	cohorts := (people + 24) / 25
	exec(`INSERT INTO cohorts (id, name, channel_id) SELECT g, 'Groep ' || g, 'C' || lpad(g::text, 8, '0') FROM generate_series(1, $1) g`, cohorts)
	exec(`INSERT INTO cohort_modules (cohort_id, number, starts_at, ends_at, location)
	      SELECT c, n, now() + (n * 7) * interval '1 day', now() + (n * 7) * interval '1 day' + interval '4 hours', 'Zaal 3'
	      FROM generate_series(1, $1) c, generate_series(1, 4) n`, cohorts)
	exec(`INSERT INTO cohort_trainers (cohort_id, user_id) SELECT g, 'UT' || lpad(g::text, 8, '0') FROM generate_series(1, $1) g`, cohorts)
	exec(`INSERT INTO participants (cohort_id, user_id, name)
	      SELECT (g - 1) / 25 + 1, 'UP' || lpad(g::text, 8, '0'), 'Deelnemer ' || g FROM generate_series(1, $1) g`, people)
	exec(`INSERT INTO meter_measurements (cohort_id, user_id, kind, started_at, finished_at, locked, updated_at)
	      SELECT p.cohort_id, p.user_id, k, now(), now(), true, now()
	      FROM participants p, unnest(ARRAY['voormeting', 'eindmeting']) k`)
	exec(`INSERT INTO meter_answers (measurement_id, statement_id, score, answered_at)
	      SELECT m.id, 's' || s, 1 + (m.id + s) % 5, now() FROM meter_measurements m, generate_series(1, 21) s`)
	exec(`INSERT INTO meter_plans (cohort_id, user_id, ontwikkelpunten, aanpak, created_at, updated_at)
	      SELECT cohort_id, user_id, 'Beter doorvragen', 'Met een collega oefenen', now(), now() FROM participants`)
	exec(`INSERT INTO progress (cohort_id, user_id, kind, item, module, done_at)
	      SELECT p.cohort_id, p.user_id, CASE WHEN i <= 4 THEN 'reading' ELSE 'homework' END,
	             CASE WHEN i <= 4 THEN 'r' || i ELSE 'm' || (i - 4) END, 1 + (i - 1) % 4, now()
	      FROM participants p, generate_series(1, 8) i`)
	exec(`INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at, status, channel_id, ts, sent_at)
	      SELECT 'c' || p.cohort_id || '/r' || i || '/m1/' || p.user_id, p.cohort_id, 'r' || i, 'homework', 1 + i % 4,
	             'participant', p.user_id, now(), 'sent', 'D' || substr(p.user_id, 2), '1.' || i, now()
	      FROM participants p, generate_series(1, 25) i`)
	exec(`INSERT INTO case_cards (cohort_id, case_id, variant, stage_id, role, user_id, sent_by, sent_at, channel_id, ts)
	      SELECT p.cohort_id, 'richard', 'richard', 'rol', 'moeder', p.user_id, 'UT' || lpad(p.cohort_id::text, 8, '0'),
	             now(), 'D' || substr(p.user_id, 2), '2.1'
	      FROM participants p`)
	exec(`INSERT INTO audit_log (cohort_id, actor, user_id, action, detail)
	      SELECT p.cohort_id, CASE WHEN i % 2 = 0 THEN p.user_id ELSE 'bot' END, p.user_id, 'reading_done',
	             jsonb_build_object('item', 'r' || i, 'module', 1)
	      FROM participants p, generate_series(1, 10) i`)
	exec(`ANALYZE`)
	var ids []string
	if err := db.SelectContext(ctx, &ids, `SELECT user_id FROM participants ORDER BY user_id`); err != nil {
		b.Fatal(err)
	}
	return db, ids
}

// BenchmarkErasePerson erases one participant after another from a database of 10,000 participants with full data
// (the target: under a second each), while a dispatcher claims and marks sent 10 deliveries at a time on
// other rows. It reports the slowest and the 99th percentile of the dispatcher's calls alone and during the
// erasures, and how often a sample every 5 ms found a backend waiting for a lock: erasure takes no table lock, and
// the dispatcher's rows are not the erased person's, so none should.
func BenchmarkErasePerson(b *testing.B) {
	db, ids := seedPeople(b, 10_000)
	ctx := context.Background()
	now := db.Now()
	if _, err := db.ExecContext(ctx, `
		INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at)
		SELECT 'c1/fanout/m2/UX' || g, 1, 'fanout', 'homework', 2, 'participant', 'UX' || g, $1
		FROM generate_series(1, 200000) g`, now.Add(-time.Minute)); err != nil {
		b.Fatal(err)
	}

	// dispatch claims and marks sent until stop is closed, and returns how long each call took.
	dispatch := func(stop <-chan struct{}) <-chan []time.Duration {
		out := make(chan []time.Duration, 1)
		go func() {
			var waits []time.Duration
			defer func() { out <- waits }()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				started := time.Now()
				claims, err := db.ClaimDue(ctx, "dispatcher", now, now.Add(time.Minute), 10)
				if err != nil {
					b.Error(err)
					return
				}
				waits = append(waits, time.Since(started))
				for _, c := range claims {
					started := time.Now()
					if err := db.MarkSent(ctx, c.ID, "dispatcher", "DX", fmt.Sprint(n), now); err != nil {
						b.Error(err)
						return
					}
					waits = append(waits, time.Since(started))
				}
			}
		}()
		return out
	}
	report := func(waits []time.Duration, prefix string) {
		if len(waits) == 0 {
			return
		}
		slices.Sort(waits)
		b.ReportMetric(float64(waits[len(waits)-1].Microseconds())/1000, prefix+"max_ms")
		b.ReportMetric(float64(waits[len(waits)*99/100].Microseconds())/1000, prefix+"p99_ms")
	}
	// The dispatcher alone first, for comparison.
	stop := make(chan struct{})
	alone := dispatch(stop)
	time.Sleep(2 * time.Second)
	close(stop)
	aloneWaits := <-alone

	stop = make(chan struct{})
	during := dispatch(stop)
	// Whether anything waited for a lock meanwhile: a sample every 5 ms of the database's backends.
	lockWaits := make(chan int, 1)
	go func() {
		seen := 0
		defer func() { lockWaits <- seen }()
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			var n int
			if err := db.GetContext(ctx, &n, `
				SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
				b.Error(err)
				return
			}
			seen += n
		}
	}()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		res, err := db.ErasePerson(ctx, ids[i%len(ids)], []string{"D" + ids[i%len(ids)][1:]})
		if err != nil {
			b.Fatal(err)
		}
		if i < len(ids) && res.Deleted["meter_answers"] != 42 {
			b.Fatalf("erased %+v; want 42 answers", res.Deleted)
		}
		i++
	}
	b.StopTimer()
	close(stop)
	report(<-during, "dispatch_")
	b.ReportMetric(float64(<-lockWaits), "lock_waits_seen")
	// After the timer's reset, which drops metrics reported before it.
	report(aloneWaits, "alone_dispatch_")
}
