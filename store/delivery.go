package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/gesprekbot/gesprekbot/content"
)

// Delivery statuses.
const (
	StatusPending   = "pending"   // planned, not yet due or not yet claimed
	StatusSending   = "sending"   // claimed by a dispatcher under a lease
	StatusSent      = "sent"      // posted; ts recorded
	StatusMissed    = "missed"    // its deadline passed before it could be sent
	StatusFailed    = "failed"    // Slack refused it for good
	StatusCancelled = "cancelled" // no longer in the plan (a rule or setting changed)
)

// PlanResult says what ReplacePlan changed.
type PlanResult struct {
	Added     int // new rows
	Updated   int // rows still pending (or cancelled before) whose time, deadline or title were re-planned
	Kept      int // rows already sending, sent, missed or failed: left as they are
	Cancelled int // pending rows no longer in the plan
}

// ReplacePlan stores a cohort's plan in one transaction. Planned rows are upserted by key: a row that is still
// pending (or was cancelled) takes the new due time, deadline, title and note; a row that is sending, sent,
// missed or failed keeps everything, key included. Pending planned rows whose key is no longer in the plan are
// cancelled. Per-participant rows that the dispatcher made from a planned row (recipient set) are left alone:
// they are already on their way.
func (db *DB) ReplacePlan(ctx context.Context, cohortID int64, plan []content.Delivery) (PlanResult, error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return PlanResult{}, fmt.Errorf("replace plan: %w", FormatError(err))
	}
	defer tx.Rollback()
	res, err := replacePlan(ctx, tx, cohortID, plan, db.Now())
	if err != nil {
		return PlanResult{}, err
	}
	if err := tx.Commit(); err != nil {
		return PlanResult{}, fmt.Errorf("replace plan: commit: %w", FormatError(err))
	}
	return res, nil
}

func replacePlan(ctx context.Context, tx *sqlx.Tx, cohortID int64, plan []content.Delivery, now time.Time) (PlanResult, error) {
	var res PlanResult
	// Lock the cohort's rows so that two re-plans of one cohort run one after the other.
	if _, err := tx.ExecContext(ctx, `SELECT id FROM cohorts WHERE id = $1 FOR UPDATE`, cohortID); err != nil {
		return res, fmt.Errorf("replace plan: lock cohort: %w", FormatError(err))
	}
	keys := make([]string, 0, len(plan))
	for _, d := range plan {
		keys = append(keys, d.Key)
		var outcome string
		err := tx.GetContext(ctx, &outcome, `
			INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at, deadline,
			                        title, note, follows_calendar, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
			ON CONFLICT (key) DO UPDATE SET
				kind             = EXCLUDED.kind,
				audience         = EXCLUDED.audience,
				due_at           = EXCLUDED.due_at,
				deadline         = EXCLUDED.deadline,
				title            = EXCLUDED.title,
				note             = EXCLUDED.note,
				follows_calendar = EXCLUDED.follows_calendar,
				status           = 'pending',
				updated_at       = EXCLUDED.updated_at
			WHERE deliveries.status IN ('pending', 'cancelled')
			RETURNING CASE WHEN xmax = 0 THEN 'added' ELSE 'updated' END`,
			d.Key, cohortID, d.RuleID, d.Kind, d.Module, d.Audience, d.Recipient, d.DueAt, d.Deadline,
			d.Title, d.Note, d.FollowsCalendar, now)
		switch {
		case err == nil && outcome == "added":
			res.Added++
		case err == nil:
			res.Updated++
		case errors.Is(err, sql.ErrNoRows):
			// The row exists and is no longer pending: it keeps its time and its key.
			res.Kept++
		default:
			return res, fmt.Errorf("replace plan: %s: %w", d.Key, FormatError(err))
		}
	}
	r, err := tx.ExecContext(ctx, `
		UPDATE deliveries SET status = 'cancelled', updated_at = $3
		WHERE cohort_id = $1 AND status = 'pending' AND recipient = '' AND NOT (key = ANY($2))
		  AND rule_id <> '`+RetentionWarningRule+`' -- planned by the retention run, not by the rules (retention.go)`,
		cohortID, pq.Array(keys), now)
	if err != nil {
		return res, fmt.Errorf("replace plan: cancel: %w", FormatError(err))
	}
	n, err := r.RowsAffected()
	if err != nil {
		return res, fmt.Errorf("replace plan: cancel: %w", err)
	}
	res.Cancelled = int(n)
	return res, nil
}

// Deliveries returns a cohort's deliveries in order of due time: its timeline, with each row's state.
func (db *DB) Deliveries(ctx context.Context, cohortID int64) ([]content.Delivery, error) {
	var ds []content.Delivery
	if err := db.SelectContext(ctx, &ds, `
		SELECT id, key, cohort_id, rule_id, kind, module, audience, recipient, due_at, deadline, status, attempts,
		       channel_id, ts, error, sent_at, title, note, follows_calendar
		FROM deliveries
		WHERE cohort_id = $1
		ORDER BY due_at, key`, cohortID); err != nil {
		return nil, fmt.Errorf("deliveries of cohort %d: %w", cohortID, FormatError(err))
	}
	return ds, nil
}

// DeliveryCounts returns how many of a cohort's deliveries have each status ("pending", "sent", ...); statuses
// with none are absent. Per-participant rows count one each; the trainers' notices about what did not arrive are
// not the course's messages and do not count.
func (db *DB) DeliveryCounts(ctx context.Context, cohortID int64) (map[string]int, error) {
	var rows []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := db.SelectContext(ctx, &rows, `
		SELECT status, count(*) AS n FROM deliveries WHERE cohort_id = $1 AND kind <> 'trainer_notice' GROUP BY status`, cohortID); err != nil {
		return nil, fmt.Errorf("delivery counts of cohort %d: %w", cohortID, FormatError(err))
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}
