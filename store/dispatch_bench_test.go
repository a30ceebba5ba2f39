package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// seedPlanned stores a cohort with total planned deliveries, of which due are due at now and the rest spread over
// the coming months, as a database with many cohorts' plans looks; it returns the database.
func seedPlanned(b *testing.B, total, due int, now time.Time) *store.DB {
	b.Helper()
	ctx := context.Background()
	db := storetest.New(b)
	c := &content.Cohort{Name: "Bench", Channel: "C0BENCH01", Timezone: content.DefaultTimezone,
		Trainers: []string{"U0TRAINER1"}, Cases: []string{"richard", "johanna"}, Settings: content.DefaultCohortSettings()}
	start := now.AddDate(0, 0, 14)
	for n := 1; n <= 4; n++ {
		s := start.AddDate(0, 0, 7*(n-1))
		c.Modules = append(c.Modules, content.CohortModule{Number: n, Start: s, End: s.Add(4 * time.Hour), Location: "Zaal 3"})
	}
	id, err := db.SaveCohort(ctx, c)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `
		INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at)
		SELECT 'c' || $1::bigint || '/bench/m1/U' || g, $1::bigint, 'bench', 'reminder_day', 1, 'participant', 'U' || g,
		       CASE WHEN g <= $3 THEN $4::timestamptz - interval '1 minute'
		            ELSE $4::timestamptz + g * interval '1 minute' END
		FROM generate_series(1, $2) AS g`, id, total, due, now); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `ANALYZE deliveries`); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkClaimDue claims a batch of 100 due deliveries among 100,000 planned rows (each batch is given back
// untimed, so every iteration finds the same rows due).
func BenchmarkClaimDue(b *testing.B) {
	now := time.Now()
	db := seedPlanned(b, 100_000, 100, now)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		rows, err := db.ClaimDue(ctx, "bench", now, now.Add(2*time.Minute), 100)
		if err != nil || len(rows) != 100 {
			b.Fatalf("claimed %d rows: %v", len(rows), err)
		}
		b.StopTimer()
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		if _, err := db.ReleaseDeliveries(ctx, "bench", ids, now); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkClaimNothingDue is a tick's claim when nothing is due among 100,000 planned rows: its cost must follow
// the due rows, not the planned ones.
func BenchmarkClaimNothingDue(b *testing.B) {
	now := time.Now()
	db := seedPlanned(b, 100_000, 0, now)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		rows, err := db.ClaimDue(ctx, "bench", now, now.Add(2*time.Minute), 100)
		if err != nil || len(rows) != 0 {
			b.Fatalf("claimed %d rows: %v", len(rows), err)
		}
	}
}

// BenchmarkTickQueriesNothingDue runs each query a dispatcher's tick runs when nothing is due (scheduler.Tick and
// its heartbeat: MarkMissed, TellTrainers, ClaimOrphaned's check HasOrphans, ClaimExpired, ClaimDue, and
// UnresolvedCohorts when a Directory resolves names) with 10,000 and with 1,000,000 rows planned ahead, of which a
// tenth failed long ago and were told (issue 19: a national roll-out). Each must cost the same at both sizes: it
// reads the due rows through an index, never the planned ones. Each size is seeded once, only under -bench.
func BenchmarkTickQueriesNothingDue(b *testing.B) {
	ctx := context.Background()
	for _, planned := range []int{10_000, 1_000_000} {
		now := time.Now()
		db := seedPlanned(b, planned, 0, now)
		if _, err := db.ExecContext(ctx, `
			UPDATE deliveries SET status = 'failed', error = 'not_in_channel', trainers_told = true WHERE id % 10 = 0`); err != nil {
			b.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `VACUUM ANALYZE deliveries`); err != nil {
			b.Fatal(err)
		}
		until := now.Add(2 * time.Minute)
		for _, q := range []struct {
			name string
			run  func() (int, error)
		}{
			{"MarkMissed", func() (int, error) { rows, err := db.MarkMissed(ctx, now, 100); return len(rows), err }},
			{"TellTrainers", func() (int, error) { rows, err := db.TellTrainers(ctx, now, 100); return len(rows), err }},
			{"HasOrphans", func() (int, error) {
				found, err := db.HasOrphans(ctx, "bench", time.Minute)
				if found {
					return 1, err
				}
				return 0, err
			}},
			{"ClaimExpired", func() (int, error) {
				rows, err := db.ClaimExpired(ctx, "bench", now, until, 100)
				return len(rows), err
			}},
			{"ClaimDue", func() (int, error) { rows, err := db.ClaimDue(ctx, "bench", now, until, 100); return len(rows), err }},
			{"UnresolvedCohorts", func() (int, error) { cs, err := db.UnresolvedCohorts(ctx); return len(cs), err }},
		} {
			b.Run(fmt.Sprintf("planned=%d/%s", planned, q.name), func(b *testing.B) {
				for range b.N {
					if n, err := q.run(); err != nil || n != 0 {
						b.Fatalf("found %d: %v", n, err)
					}
				}
			})
		}
	}
}

// BenchmarkTellTrainersNothingUntold is the sweep each tick runs for the trainers' notices when nothing new failed,
// among 100,000 planned rows of which 10,000 failed long ago (told): like the claim, its cost must follow the
// untold rows, not the others.
func BenchmarkTellTrainersNothingUntold(b *testing.B) {
	now := time.Now()
	db := seedPlanned(b, 100_000, 0, now)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `UPDATE deliveries SET status = 'failed', error = 'not_in_channel', trainers_told = true
		WHERE id IN (SELECT id FROM deliveries ORDER BY id LIMIT 10000)`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `ANALYZE deliveries`); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		rows, err := db.TellTrainers(ctx, now, 100)
		if err != nil || len(rows) != 0 {
			b.Fatalf("told %d rows: %v", len(rows), err)
		}
	}
}
