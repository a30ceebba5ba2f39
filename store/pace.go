package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"
)

// The rate-limit buckets the replicas of one deployment share (migration 0022, ARCHITECTURE.md "Replicas and
// Slack's budget"): the same generic cell rate algorithm and per-window quotas as the pacer's book in memory, kept
// in one row per key and updated by one call of a PL/pgSQL function, so that a call costs one round trip. Every
// method takes now: the app's clock in tests, or the zero time for the database's own clock (clock_timestamp()),
// which is the one clock all replicas agree on.

// PaceKey is one bucket a call is paced on: a token bucket (Interval, Tolerance) or, with a Window, a quota of
// Burst calls in any Window.
type PaceKey struct {
	Key       string        // the team first: "T123/channel:C456"
	Interval  time.Duration // a token bucket: the time one token takes to come back
	Tolerance time.Duration // a token bucket: how far ahead of the sustained rate a call may go (its burst)
	Window    time.Duration // a quota's window; zero for a token bucket
	Burst     int           // a quota: calls in any Window
}

// PaceSlot is what a reservation took on one key: a slot someone gave back (Reused), a call in a quota's window
// (Quota), or the next slot of a token bucket, which moved its theoretical arrival time from TatBefore (zero: the
// bucket was new) to TatAfter.
type PaceSlot struct {
	Key                 string
	Quota, Reused       bool
	TatBefore, TatAfter time.Time
}

// PaceReservation is the answer to ReservePace: when the call may go, on the clock the reservation was made on
// (Now is that clock's time of the reservation). When Booked is false nothing was booked, because At was further
// ahead than the horizon: ask again when At is within it.
type PaceReservation struct {
	At, Now time.Time
	Booked  bool
	Slots   []PaceSlot
}

// nullTime is now for the functions of migration 0022: NULL asks for the database's clock.
func nullTime(now time.Time) sql.NullTime { return sql.NullTime{Time: now, Valid: !now.IsZero()} }

// fromMicros and toMicros carry a slot's times through arrays of microseconds since 1970; NULL is the zero time.
func fromMicros(us sql.NullInt64) time.Time {
	if !us.Valid {
		return time.Time{}
	}
	return time.UnixMicro(us.Int64)
}

func toMicros(t time.Time) sql.NullInt64 {
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: !t.IsZero()}
}

// sortedPaceKeys returns keys in the one order every reservation locks their rows in.
func sortedPaceKeys(keys []PaceKey) []PaceKey {
	keys = slices.Clone(keys)
	slices.SortFunc(keys, func(a, b PaceKey) int { return strings.Compare(a.Key, b.Key) })
	return keys
}

// ReservePace books a slot on every key at the earliest moment at or after now that all of them allow, unless
// that moment is more than horizon ahead (zero: no bound); one round trip.
func (db *DB) ReservePace(ctx context.Context, now time.Time, keys []PaceKey, horizon time.Duration) (PaceReservation, error) {
	keys = sortedPaceKeys(keys)
	names := make([]string, len(keys))
	interval, tolerance, window := make([]int64, len(keys)), make([]int64, len(keys)), make([]int64, len(keys))
	burst := make([]int64, len(keys))
	for i, k := range keys {
		names[i], burst[i] = k.Key, int64(k.Burst)
		interval[i], tolerance[i], window[i] = k.Interval.Microseconds(), k.Tolerance.Microseconds(), k.Window.Microseconds()
	}
	stmt, err := db.reserve.get(ctx, db, `
		SELECT at, now, booked, reused,
			ARRAY(SELECT (extract(epoch FROM t) * 1000000)::bigint FROM unnest(tat_before) t),
			ARRAY(SELECT (extract(epoch FROM t) * 1000000)::bigint FROM unnest(tat_after) t)
		FROM pace_reserve($1, $2, $3, $4, $5, $6, $7)`)
	if err != nil {
		return PaceReservation{}, fmt.Errorf("reserve pace: %w", FormatError(err))
	}
	var (
		r                   PaceReservation
		reused              []sql.NullBool
		tatBefore, tatAfter []sql.NullInt64 // microseconds since 1970: lib/pq reads no timestamptz[]
	)
	if err := stmt.QueryRowContext(ctx, nullTime(now), pq.Array(names), pq.Array(interval), pq.Array(tolerance),
		pq.Array(window), pq.Array(burst), horizon.Microseconds()).Scan(&r.At, &r.Now, &r.Booked,
		pq.Array(&reused), pq.Array(&tatBefore), pq.Array(&tatAfter)); err != nil {
		return PaceReservation{}, fmt.Errorf("reserve pace: %w", FormatError(err))
	}
	if !r.Booked {
		return r, nil
	}
	if len(reused) != len(keys) || len(tatBefore) != len(keys) || len(tatAfter) != len(keys) {
		return PaceReservation{}, fmt.Errorf("reserve pace: %d keys but %d slots", len(keys), len(reused))
	}
	r.Slots = make([]PaceSlot, len(keys))
	for i, k := range keys {
		r.Slots[i] = PaceSlot{Key: k.Key, Quota: k.Window > 0, Reused: reused[i].Bool, TatBefore: fromMicros(tatBefore[i]),
			TatAfter: fromMicros(tatAfter[i])}
	}
	return r, nil
}

// ReleasePace gives back a reservation whose caller gave up before using it, so that later callers are not pushed
// behind a call that never went.
func (db *DB) ReleasePace(ctx context.Context, now time.Time, r PaceReservation) error {
	if !r.Booked || len(r.Slots) == 0 {
		return nil
	}
	n := len(r.Slots)
	names, quota, reused := make([]string, n), make([]bool, n), make([]bool, n)
	tatBefore, tatAfter := make([]sql.NullInt64, n), make([]sql.NullInt64, n)
	for i, s := range r.Slots {
		names[i], quota[i], reused[i] = s.Key, s.Quota, s.Reused
		tatBefore[i], tatAfter[i] = toMicros(s.TatBefore), toMicros(s.TatAfter)
	}
	if _, err := db.ExecContext(ctx, `
		SELECT pace_release($1, $2, $3, $4, $5,
			ARRAY(SELECT 'epoch'::timestamptz + t * interval '1 microsecond' FROM unnest($6::bigint[]) t),
			ARRAY(SELECT 'epoch'::timestamptz + t * interval '1 microsecond' FROM unnest($7::bigint[]) t))`,
		nullTime(now), r.At, pq.Array(names), pq.Array(quota), pq.Array(reused), pq.GenericArray{A: tatBefore},
		pq.GenericArray{A: tatAfter}); err != nil {
		return fmt.Errorf("release pace: %w", FormatError(err))
	}
	return nil
}

// BlockPace keeps every call on the keys back for wait from now (a 429's Retry-After), for every replica: a token
// bucket restarts empty, a quota as if its last window had been spent evenly. It returns when the block ends.
func (db *DB) BlockPace(ctx context.Context, now time.Time, keys []PaceKey, wait time.Duration) (time.Time, error) {
	keys = sortedPaceKeys(keys)
	names := make([]string, len(keys))
	tolerance, window, burst := make([]int64, len(keys)), make([]int64, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		names[i], tolerance[i], window[i], burst[i] = k.Key, k.Tolerance.Microseconds(), k.Window.Microseconds(), int64(k.Burst)
	}
	var until time.Time
	if err := db.QueryRowContext(ctx, `SELECT pace_block($1, $2, $3, $4, $5, $6)`, nullTime(now), wait.Microseconds(),
		pq.Array(names), pq.Array(tolerance), pq.Array(window), pq.Array(burst)).Scan(&until); err != nil {
		return time.Time{}, fmt.Errorf("block pace: %w", FormatError(err))
	}
	return until, nil
}

// PaceBlockedFor returns how long from now the latest 429 block among the keys still lasts (zero: none).
func (db *DB) PaceBlockedFor(ctx context.Context, now time.Time, keys []string) (time.Duration, error) {
	var us int64
	if err := db.QueryRowContext(ctx, `
		SELECT coalesce((extract(epoch FROM max(not_before) - coalesce($1, clock_timestamp())) * 1000000)::bigint, 0)
		FROM pace_buckets WHERE key = ANY($2)`, nullTime(now), pq.Array(keys)).Scan(&us); err != nil {
		return 0, fmt.Errorf("pace blocked: %w", FormatError(err))
	}
	return max(time.Duration(us)*time.Microsecond, 0), nil
}

// PrunePace deletes the buckets that have been idle for a minute (their channel may be gone; a row absent means
// the same as one whose times have all passed), and returns how many.
func (db *DB) PrunePace(ctx context.Context, now time.Time) (int, error) {
	res, err := db.ExecContext(ctx, `
		DELETE FROM pace_buckets WHERE idle_at < coalesce($1, clock_timestamp()) - interval '1 minute'`, nullTime(now))
	if err != nil {
		return 0, fmt.Errorf("prune pace: %w", FormatError(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune pace: %w", err)
	}
	return int(n), nil
}
