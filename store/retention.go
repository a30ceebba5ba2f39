package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// The retention period: a cohort's personal data is deleted a number of months (RETENTION_MONTHS) after its last
// module, by the bot itself (scheduler/retention.go runs RunRetention daily). The cohort's trainers are told a
// month before, by a delivery with a permanent key planned like every other, so that they can export what they
// need first; the data goes no sooner than a month after that message went out. What is kept: the cohort row (its
// name, channel, settings), its modules (dates and places), its trainers, the case stages it saw (the revealing
// trainer replaced by ErasedActor), and in cohort_retention how many participants and trainers it had and its messages by kind and
// state. Which tables are cleaned is retentionSteps: a table added later that holds a person (privacy_columns.go)
// must be added there or to retentionExempt, or TestRetentionCoversEveryPersonalTable fails.

// RetentionWarningRule is the rule id and kind of the DM that tells a cohort's trainers when its data is deleted.
const RetentionWarningRule = "retention_warning"

// RetentionWarningKey is the permanent key of a cohort's retention warning.
func RetentionWarningKey(cohortID int64) string {
	return fmt.Sprintf("c%d/%s/m4", cohortID, RetentionWarningRule)
}

// RetentionNoticeMonths is how long before the deletion the trainers are told, and the least time between telling
// them and the deletion.
const RetentionNoticeMonths = 1

// CohortRetention is a cohort's retention: when its personal data is deleted and, once it is, what was kept.
type CohortRetention struct {
	CohortID    int64      `db:"cohort_id"`
	DeleteAfter time.Time  `db:"delete_after"` // last module's end + the retention period
	ErasedAt    *time.Time `db:"erased_at"`
	// Kept after the deletion: counts without people.
	Participants *int            `db:"participants"`
	Trainers     *int            `db:"trainers"`
	Deliveries   json.RawMessage `db:"deliveries"` // kind -> state -> number of messages
	// The trainers' warning: when it is planned, and when it went out (nil until then, and after the deletion).
	WarnDue  *time.Time `db:"warn_due"`
	WarnedAt *time.Time `db:"warned_at"`
}

// Expected returns when the data is deleted as things stand at now: a month after the warning went out, or after
// it is due, at the earliest on the retention date.
func (r CohortRetention) Expected(now time.Time) time.Time {
	switch {
	case r.ErasedAt != nil:
		return *r.ErasedAt
	case r.WarnedAt != nil:
		return r.DeleteFrom(*r.WarnedAt)
	case r.WarnDue != nil && r.WarnDue.After(now):
		return r.DeleteFrom(*r.WarnDue)
	}
	return r.DeleteFrom(now)
}

// DeleteFrom returns when the data is deleted, at the earliest, if the trainers are told at warnedAt: the retention
// date, or a month after the warning when it goes out late (after an outage, or for a cohort already past its
// date when the retention period was introduced).
func (r CohortRetention) DeleteFrom(warnedAt time.Time) time.Time {
	if notice := warnedAt.AddDate(0, RetentionNoticeMonths, 0); notice.After(r.DeleteAfter) {
		return notice
	}
	return r.DeleteAfter
}

// CohortRetention returns a cohort's retention as the last run recorded it; ENOTFOUND before the first run after
// its modules were stored.
func (db *DB) CohortRetention(ctx context.Context, cohortID int64) (CohortRetention, error) {
	var r CohortRetention
	if err := db.GetContext(ctx, &r, `
		SELECT r.cohort_id, r.delete_after, r.erased_at, r.participants, r.trainers,
		       COALESCE(r.deliveries, 'null') AS deliveries, w.due_at AS warn_due,
		       CASE WHEN w.status NOT IN ('pending', 'sending') THEN COALESCE(w.sent_at, w.updated_at) END AS warned_at
		FROM cohort_retention r
		LEFT JOIN deliveries w ON w.key = 'c' || r.cohort_id || '/`+RetentionWarningRule+`/m4'
		WHERE r.cohort_id = $1`, cohortID); err != nil {
		return r, fmt.Errorf("cohort retention: %w", FormatError(err))
	}
	return r, nil
}

// retentionStep is what the retention run does to one table's rows of a cohort ($1).
type retentionStep struct {
	table      string
	anonymised bool   // rows kept, the person in them replaced
	count      bool   // a SELECT that counts rows a later step deletes by cascade
	sql        string // $1: the cohort's id; $2: ErasedActor
}

// retentionSteps clean a cohort's personal data, table by table, in this order. Every table privacyColumns marks
// as holding a person is here or in retentionExempt.
var retentionSteps = []retentionStep{
	{table: "meter_answers", count: true, sql: `
		SELECT count(*) FROM meter_answers
		WHERE measurement_id IN (SELECT id FROM meter_measurements WHERE cohort_id = $1)`},
	{table: "meter_measurements", sql: `DELETE FROM meter_measurements WHERE cohort_id = $1`},
	{table: "meter_plans", sql: `DELETE FROM meter_plans WHERE cohort_id = $1`},
	// What trainers were shown of the meter guards the measurements from being worked out; with the measurements
	// gone there is nothing left to guard.
	{table: "meter_snapshot_members", count: true, sql: `
		SELECT count(*) FROM meter_snapshot_members
		WHERE snapshot_id IN (SELECT id FROM meter_snapshots WHERE cohort_id = $1)`},
	{table: "meter_snapshots", sql: `DELETE FROM meter_snapshots WHERE cohort_id = $1`},
	{table: "meter_disclosures", sql: `DELETE FROM meter_disclosures WHERE cohort_id = $1`},
	{table: "progress", sql: `DELETE FROM progress WHERE cohort_id = $1`},
	// The participants' own work (issue 17): reports, feedback on the role plays, the evaluation, the follow-up.
	{table: "written_work", sql: `DELETE FROM written_work WHERE cohort_id = $1`},
	{table: "feedback", sql: `DELETE FROM feedback WHERE cohort_id = $1`},
	{table: "evaluations", sql: `DELETE FROM evaluations WHERE cohort_id = $1`},
	// Where the bot posted copies of that work (0019): the record of who is in which message goes with the rest.
	{table: "posted_copies", sql: `DELETE FROM posted_copies WHERE cohort_id = $1`},
	{table: "followup_snapshot_members", count: true, sql: `
		SELECT count(*) FROM followup_snapshot_members
		WHERE snapshot_id IN (SELECT id FROM followup_snapshots WHERE cohort_id = $1)`},
	{table: "followup_snapshots", sql: `DELETE FROM followup_snapshots WHERE cohort_id = $1`},
	{table: "followup_answers", sql: `DELETE FROM followup_answers WHERE cohort_id = $1`},
	{table: "case_cards", sql: `DELETE FROM case_cards WHERE cohort_id = $1`},
	// The stages the group saw stay; who revealed them goes.
	{table: "case_reveals", anonymised: true, sql: `
		UPDATE case_reveals SET revealed_by = $2
		WHERE cohort_id = $1 AND revealed_by <> $2 AND revealed_by ~ '^[UW][A-Z0-9]'`},
	{table: "deliveries", sql: `DELETE FROM deliveries WHERE cohort_id = $1`},
	{table: "participants", sql: `DELETE FROM participants WHERE cohort_id = $1`},
	// Audit rows about or by a person, or naming one; the bot's own rows about the cohort (plans, reveals) stay.
	{table: "audit_log", sql: `
		DELETE FROM audit_log
		WHERE cohort_id = $1 AND (user_id <> '' OR names <> '{}' OR actor ~ '^[UW][A-Z0-9]{2,}$' OR actor LIKE '%@%')`},
}

// retentionExempt are the tables that hold a person but not as part of a cohort, with why the retention run
// leaves them.
var retentionExempt = map[string]string{
	"sandbox_conversations": "the sandbox's saved copy of its simulated workspace, not a cohort's; empty with real Slack",
	"sandbox_homes":         "the sandbox's saved copy of its simulated workspace, not a cohort's; empty with real Slack",
	"sandbox_files":         "the sandbox's saved copy of its simulated workspace, not a cohort's; empty with real Slack",
	"erasure_requests":      "a person's running erasure, deleted when it is done",
	"pace_buckets":          "Slack's rate-limit state, not a cohort's: every row goes a minute after its last call",
	"workspaces": "the app's installs in Slack workspaces, not a cohort's: the installer's user ID stays while the " +
		"workspace is a customer's, and is replaced by ErasedActor when they are erased with /gesprekbot vergeet-mij",
	"cohort_trainers": "the group's trainers, in their professional role: they keep the cohort, and see in /training " +
		"status that its data was deleted; a trainer is erased with /gesprekbot vergeet-mij once the cohort has ended",
}

// RetentionTables returns the tables the retention run cleans, and those that hold a person but are left, with why:
// TestRetentionCoversEveryPersonalTable holds them to privacyColumns.
func RetentionTables() (cleaned []string, exempt map[string]string) {
	for _, s := range retentionSteps {
		if !slices.Contains(cleaned, s.table) {
			cleaned = append(cleaned, s.table)
		}
	}
	return cleaned, retentionExempt
}

// RetentionResult says what a retention run did.
type RetentionResult struct {
	Planned  int              // retention warnings planned or re-planned (a module moved, the period changed)
	Erased   []int64          // cohorts whose personal data was deleted in this run, for the first time
	Deleted  map[string]int64 // rows deleted (or anonymised) by table, over every cohort
	Waiting  int              // cohorts past their date, waiting for the warning to go out or its month to pass
	Recleans int              // cohorts deleted before that had new rows (a click on an old button), cleaned again
}

// RunRetention is the daily retention run at now, for a retention period of months: it records each cohort's
// retention date (its last module's end plus months), plans the trainers' warning a month before it (title is the
// warning's title in /training plan), and deletes the personal data of every cohort past its date whose warning went
// out at least a month ago, each cohort in one transaction. warnAt, when set, moves a warning's moment to one the
// cohort's calendar allows (not at night, at a weekend or on a holiday). It is idempotent and safe with several replicas: a
// cohort is emptied under its row lock, and a second run finds it done. Cohorts emptied before are cleaned again
// of what was written since (cheap: an indexed lookup per table).
func (db *DB) RunRetention(ctx context.Context, now time.Time, months int, title string, warnAt WarnAt) (RetentionResult, error) {
	res := RetentionResult{Deleted: map[string]int64{}}
	if months < 1 {
		return res, fmt.Errorf("retention: the period must be at least a month, not %d", months)
	}
	planned, err := db.planRetention(ctx, now, months, title, warnAt)
	if err != nil {
		return res, err
	}
	res.Planned = planned
	var due []struct {
		CohortID int64 `db:"cohort_id"`
		Erased   bool  `db:"erased"`
	}
	// Due: past the date, and the warning has gone its way (sent, or failed for good) at least a month ago. A
	// cohort emptied before is looked at again, for rows written since.
	if err := db.SelectContext(ctx, &due, `
		SELECT r.cohort_id, r.erased_at IS NOT NULL AS erased
		FROM cohort_retention r
		LEFT JOIN deliveries w ON w.key = 'c' || r.cohort_id || '/`+RetentionWarningRule+`/m4'
		WHERE r.erased_at IS NOT NULL
		   OR (r.delete_after <= $1
		       AND w.status NOT IN ('pending', 'sending')
		       AND COALESCE(w.sent_at, w.updated_at) <= $1 - make_interval(months => $2))
		ORDER BY r.cohort_id`, now, RetentionNoticeMonths); err != nil {
		return res, fmt.Errorf("retention: due cohorts: %w", FormatError(err))
	}
	if err := db.GetContext(ctx, &res.Waiting, `
		SELECT count(*) FROM cohort_retention WHERE erased_at IS NULL AND delete_after <= $1`, now); err != nil {
		return res, fmt.Errorf("retention: waiting cohorts: %w", FormatError(err))
	}
	for _, c := range due {
		deleted, first, err := db.eraseCohort(ctx, c.CohortID, now)
		if err != nil {
			return res, err
		}
		var n int64
		for table, k := range deleted {
			res.Deleted[table] += k
			n += k
		}
		switch {
		case first:
			res.Erased = append(res.Erased, c.CohortID)
			res.Waiting--
		case n > 0:
			res.Recleans++
		}
	}
	return res, nil
}

// planRetention records every cohort's retention date and plans its warning, where either is new or changed.
func (db *DB) planRetention(ctx context.Context, now time.Time, months int, title string, warnAt WarnAt) (int, error) {
	var changed []struct {
		CohortID    int64     `db:"cohort_id"`
		DeleteAfter time.Time `db:"delete_after"`
	}
	if err := db.SelectContext(ctx, &changed, `
		WITH last AS (
			SELECT m.cohort_id, max(m.ends_at) + make_interval(months => $1) AS delete_after
			FROM cohort_modules m GROUP BY m.cohort_id
		)
		SELECT l.cohort_id, l.delete_after
		FROM last l LEFT JOIN cohort_retention r ON r.cohort_id = l.cohort_id
		WHERE r.cohort_id IS NULL
		   OR (r.erased_at IS NULL AND r.delete_after <> l.delete_after)
		   -- a warning that went missing (deleted by hand): without it the deletion would wait for ever
		   OR (r.erased_at IS NULL AND NOT EXISTS (
		       SELECT 1 FROM deliveries w WHERE w.key = 'c' || l.cohort_id || '/`+RetentionWarningRule+`/m4'))
		ORDER BY l.cohort_id`, months); err != nil {
		return 0, fmt.Errorf("retention: plan: %w", FormatError(err))
	}
	for _, c := range changed {
		at := c.DeleteAfter.AddDate(0, -RetentionNoticeMonths, 0)
		if warnAt != nil {
			var err error
			if at, err = warnAt(ctx, c.CohortID, at); err != nil {
				return 0, fmt.Errorf("retention: plan cohort %d: %w", c.CohortID, err)
			}
		}
		if err := db.planCohortRetention(ctx, c.CohortID, c.DeleteAfter, at, now, title); err != nil {
			return 0, err
		}
	}
	return len(changed), nil
}

// WarnAt moves the moment a cohort's retention warning is planned at to one its calendar allows.
type WarnAt func(ctx context.Context, cohortID int64, at time.Time) (time.Time, error)

// planCohortRetention records one cohort's retention date and plans, or moves, its warning at warnAt.
func (db *DB) planCohortRetention(ctx context.Context, cohortID int64, deleteAfter, warnAt, now time.Time, title string) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("retention: plan cohort %d: %w", cohortID, FormatError(err))
	}
	defer tx.Rollback()
	// The cohort's row lock orders this with a re-plan of the cohort and with another replica's run.
	if _, err := tx.ExecContext(ctx, `SELECT id FROM cohorts WHERE id = $1 FOR UPDATE`, cohortID); err != nil {
		return fmt.Errorf("retention: plan cohort %d: %w", cohortID, FormatError(err))
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO cohort_retention (cohort_id, delete_after) VALUES ($1, $2)
		ON CONFLICT (cohort_id) DO UPDATE SET delete_after = EXCLUDED.delete_after
		WHERE cohort_retention.erased_at IS NULL`, cohortID, deleteAfter)
	if err != nil {
		return fmt.Errorf("retention: plan cohort %d: %w", cohortID, FormatError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // emptied meanwhile
	}
	// A DM to the trainers, keeping to the cohort's calendar, with no deadline: the deletion waits for it. Once
	// it is on its way or sent it keeps its time.
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at, deadline, title,
		                        note, follows_calendar, created_at, updated_at)
		VALUES ($1, $2, $3, $3, 4, 'trainers', '', $4, NULL, $5, '', true, $6, $6)
		ON CONFLICT (key) DO UPDATE SET due_at = EXCLUDED.due_at, title = EXCLUDED.title, note = '',
		                                status = 'pending', updated_at = EXCLUDED.updated_at
		WHERE deliveries.status IN ('pending', 'cancelled')`,
		RetentionWarningKey(cohortID), cohortID, RetentionWarningRule, warnAt, title, now); err != nil {
		return fmt.Errorf("retention: plan warning of cohort %d: %w", cohortID, FormatError(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("retention: plan cohort %d: %w", cohortID, FormatError(err))
	}
	return nil
}

// eraseCohort deletes a cohort's personal data in one transaction, under the cohort's row lock; the first time it
// also records what is kept. It returns the rows deleted by table and whether this was the first time.
func (db *DB) eraseCohort(ctx context.Context, cohortID int64, now time.Time) (map[string]int64, bool, error) {
	deleted := map[string]int64{}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, false, fmt.Errorf("retention: cohort %d: %w", cohortID, FormatError(err))
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT id FROM cohorts WHERE id = $1 FOR UPDATE`, cohortID); err != nil {
		return nil, false, fmt.Errorf("retention: cohort %d: %w", cohortID, FormatError(err))
	}
	var erasedAt sql.NullTime
	if err := tx.GetContext(ctx, &erasedAt, `SELECT erased_at FROM cohort_retention WHERE cohort_id = $1`, cohortID); errors.Is(err, sql.ErrNoRows) {
		return deleted, false, nil // the cohort went meanwhile
	} else if err != nil {
		return nil, false, fmt.Errorf("retention: cohort %d: %w", cohortID, FormatError(err))
	}
	first := !erasedAt.Valid
	if first {
		// What stays: counts without people.
		if _, err := tx.ExecContext(ctx, `
			UPDATE cohort_retention SET
				erased_at    = $2,
				participants = (SELECT count(*) FROM participants WHERE cohort_id = $1),
				trainers     = (SELECT count(*) FROM cohort_trainers WHERE cohort_id = $1),
				deliveries   = COALESCE((
					SELECT jsonb_object_agg(kind, states) FROM (
						SELECT kind, jsonb_object_agg(status, n) AS states FROM (
							SELECT kind, status, count(*) AS n FROM deliveries
							WHERE cohort_id = $1 AND status <> 'expanded' AND rule_id <> '`+RetentionWarningRule+`'
							GROUP BY kind, status) s
						GROUP BY kind) k), '{}')
			WHERE cohort_id = $1`, cohortID, now); err != nil {
			return nil, false, fmt.Errorf("retention: cohort %d: keep counts: %w", cohortID, FormatError(err))
		}
	}
	for _, s := range retentionSteps {
		var n int64
		if s.count {
			if err := tx.GetContext(ctx, &n, s.sql, cohortID); err != nil {
				return nil, false, fmt.Errorf("retention: cohort %d: %s: %w", cohortID, s.table, FormatError(err))
			}
		} else {
			args := []any{cohortID}
			if s.anonymised {
				args = append(args, ErasedActor)
			}
			r, err := tx.ExecContext(ctx, s.sql, args...)
			if err != nil {
				return nil, false, fmt.Errorf("retention: cohort %d: %s: %w", cohortID, s.table, FormatError(err))
			}
			if n, err = r.RowsAffected(); err != nil {
				return nil, false, fmt.Errorf("retention: cohort %d: %s: %w", cohortID, s.table, err)
			}
		}
		if n > 0 {
			deleted[s.table] += n
		}
	}
	if first || len(deleted) > 0 {
		// For the operator: that it happened and how much went, about no one.
		cid := cohortID
		if err := auditIn(ctx, tx, now, AuditEntry{CohortID: &cid, Actor: "bot", Action: "cohort_data_deleted",
			Detail: map[string]any{"deleted": deleted, "first": first}}); err != nil {
			return nil, false, fmt.Errorf("retention: cohort %d: %w", cohortID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, false, fmt.Errorf("retention: cohort %d: commit: %w", cohortID, FormatError(err))
	}
	return deleted, first, nil
}
