package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/gesprekbot/gesprekbot/content"
)

// KindTrainerNotice is the kind of the delivery that tells a trainer, in a DM, which messages of their cohort did
// not arrive and why. It is itself a delivery (claimed, paced, effectively once like every other); one that fails
// is not told again, so that a trainer whose own DM fails does not start a loop.
const KindTrainerNotice = "trainer_notice"

// TrainerNoticeInterval is the least time between two notices to one trainer about one cohort: what fails in
// between is gathered into the next one.
const TrainerNoticeInterval = time.Hour

// TellTrainers hangs up to limit failed or missed deliveries that their trainers were not yet told about on each
// trainer's next notice, creating that notice when there is none waiting, and marks them told, in one transaction.
// It returns the rows it took, for the operator's log; the caller calls again while there are limit of them.
//
// A trainer's next notice is due at now, or TrainerNoticeInterval after their previous one about the cohort went
// out. A notice that is no longer pending (a dispatcher claimed it and may have rendered it) takes nothing more:
// the next one does. Rows are taken FOR UPDATE SKIP LOCKED, so that replicas share them, and each notice is
// created under a lock per cohort and trainer, taken in one order, so that two replicas never make two.
func (db *DB) TellTrainers(ctx context.Context, now time.Time, limit int) ([]Untold, error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("tell trainers: %w", FormatError(err))
	}
	defer tx.Rollback()
	var rows []Untold
	if err := tx.SelectContext(ctx, &rows, `
		SELECT id, cohort_id, kind, status, COALESCE(error, '') AS error FROM deliveries
		WHERE status IN ('failed', 'missed') AND NOT trainers_told
		ORDER BY id
		LIMIT $1
		FOR UPDATE SKIP LOCKED`, limit); err != nil {
		return nil, fmt.Errorf("tell trainers: %w", FormatError(err))
	}
	if len(rows) == 0 {
		return nil, nil
	}
	byCohort := map[int64][]int64{}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ID)
		// A notice that failed is not told: its trainer would get a notice about a notice, which may fail again.
		if r.Kind != KindTrainerNotice {
			byCohort[r.CohortID] = append(byCohort[r.CohortID], r.ID)
		}
	}
	cohorts := make([]int64, 0, len(byCohort))
	for c := range byCohort {
		cohorts = append(cohorts, c)
	}
	slices.Sort(cohorts)
	for _, c := range cohorts {
		var trainers []string
		// Trainers named by e-mail address are not known in Slack yet (scheduler/resolve.go): no one to DM.
		if err := tx.SelectContext(ctx, &trainers, `
			SELECT user_id FROM cohort_trainers WHERE cohort_id = $1 AND user_id ~ '^[UW][A-Z0-9]+$'
			ORDER BY user_id`, c); err != nil {
			return nil, fmt.Errorf("tell trainers: cohort %d: %w", c, FormatError(err))
		}
		for _, trainer := range trainers {
			notice, err := nextTrainerNotice(ctx, tx, c, trainer, now)
			if err != nil {
				return nil, err
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO trainer_notice_items (notice_id, delivery_id)
				SELECT $1, d FROM unnest($2::bigint[]) AS d
				ON CONFLICT DO NOTHING`, notice, pq.Array(byCohort[c])); err != nil {
				return nil, fmt.Errorf("tell trainers: cohort %d: %w", c, FormatError(err))
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET trainers_told = true WHERE id = ANY($1)`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("tell trainers: mark told: %w", FormatError(err))
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("tell trainers: commit: %w", FormatError(err))
	}
	return rows, nil
}

// Untold is a delivery that failed or was missed, as TellTrainers took it: no person, no text.
type Untold struct {
	ID       int64  `db:"id"`
	CohortID int64  `db:"cohort_id"`
	Kind     string `db:"kind"`
	Status   string `db:"status"` // failed or missed
	Error    string `db:"error"`  // Slack's error code, or why it was missed
}

// nextTrainerNotice returns the id of trainer's pending notice about cohort, locked for the transaction (a
// dispatcher cannot claim it before the items are on it), or creates it.
func nextTrainerNotice(ctx context.Context, tx *sqlx.Tx, cohortID int64, trainer string, now time.Time) (int64, error) {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`,
		"trainer_notice/"+strconv.FormatInt(cohortID, 10)+"/"+trainer); err != nil {
		return 0, fmt.Errorf("tell trainers: lock: %w", FormatError(err))
	}
	var pending []int64
	// FOR UPDATE waits for a claim of the row in progress and then sees it no longer pending.
	if err := tx.SelectContext(ctx, &pending, `
		SELECT id FROM deliveries
		WHERE cohort_id = $1 AND kind = $2 AND recipient = $3 AND status = 'pending'
		ORDER BY id LIMIT 1
		FOR UPDATE`, cohortID, KindTrainerNotice, trainer); err != nil {
		return 0, fmt.Errorf("tell trainers: pending notice: %w", FormatError(err))
	}
	if len(pending) > 0 {
		return pending[0], nil
	}
	var prev struct {
		N    int        `db:"n"`
		Last *time.Time `db:"last"`
	}
	// A notice that found nothing left to tell (cancelled) did not reach the trainer: it does not hold the next.
	if err := tx.GetContext(ctx, &prev, `
		SELECT count(*) AS n, max(COALESCE(sent_at, due_at)) FILTER (WHERE status <> 'cancelled') AS last
		FROM deliveries WHERE cohort_id = $1 AND kind = $2 AND recipient = $3`,
		cohortID, KindTrainerNotice, trainer); err != nil {
		return 0, fmt.Errorf("tell trainers: previous notice: %w", FormatError(err))
	}
	due := now
	if prev.Last != nil && prev.Last.Add(TrainerNoticeInterval).After(due) {
		due = prev.Last.Add(TrainerNoticeInterval)
	}
	rule := KindTrainerNotice + "/" + strconv.Itoa(prev.N+1)
	var id int64
	// A DM like any other: not at night, at weekends or on holidays (the dispatcher holds it until it may go).
	if err := tx.GetContext(ctx, &id, `
		INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at, title,
		                        follows_calendar, created_at, updated_at)
		VALUES ('c' || $1::bigint || '/' || $2 || '/' || $3, $1, $2, $4, 0, 'participant', $3, $5, '', true, $6, $6)
		RETURNING id`,
		cohortID, rule, trainer, KindTrainerNotice, due, now); err != nil {
		return 0, fmt.Errorf("tell trainers: new notice: %w", FormatError(err))
	}
	return id, nil
}

// TrainerNoticeItems returns the deliveries the notice with key tells about, in order of due time.
func (db *DB) TrainerNoticeItems(ctx context.Context, key string) ([]content.Delivery, error) {
	var ds []content.Delivery
	if err := db.SelectContext(ctx, &ds, `
		SELECT d.id, d.key, d.cohort_id, d.rule_id, d.kind, d.module, d.audience, d.recipient, d.due_at, d.deadline,
		       d.status, d.attempts, d.channel_id, d.ts, d.error, d.sent_at, d.title, d.note, d.follows_calendar
		FROM deliveries n
		JOIN trainer_notice_items i ON i.notice_id = n.id
		JOIN deliveries d ON d.id = i.delivery_id
		WHERE n.key = $1
		ORDER BY d.due_at, d.key`, key); err != nil {
		return nil, fmt.Errorf("trainer notice items: %w", FormatError(err))
	}
	return ds, nil
}
