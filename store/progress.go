package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
)

// Progress kinds: what a participant can mark done.
const (
	ProgressReading  = "reading"  // a reading of a module's preparation, marked "Gelezen"; Item is the reading id
	ProgressHomework = "homework" // a module's homework, marked "Klaar"; Item is HomeworkItem(module)
)

// Progress is one thing a participant marked done in a cohort, and when.
type Progress struct {
	CohortID int64     `db:"cohort_id"`
	UserID   string    `db:"user_id"`
	Kind     string    `db:"kind"`   // ProgressReading or ProgressHomework
	Item     string    `db:"item"`   // the reading id ("m1_jungmann"), or "m<module>" for homework
	Module   int       `db:"module"` // 1..4
	DoneAt   time.Time `db:"done_at"`
}

// HomeworkItem returns the progress item of module n's homework: "m<n>".
func HomeworkItem(n int) string { return "m" + strconv.Itoa(n) }

// MarkDone records that p.UserID did p.Item (of p.Kind, for p.Module) in cohort p.CohortID, now, together with an
// audit row, in one transaction. It returns the stored record and first=true for the first time; a second call for
// the same item (a double click) changes nothing and returns the first record with first=false.
func (db *DB) MarkDone(ctx context.Context, p Progress) (Progress, bool, error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return Progress{}, false, fmt.Errorf("mark done: %w", FormatError(err))
	}
	defer tx.Rollback()
	now := db.Now()
	var rec Progress
	err = tx.GetContext(ctx, &rec, `
		INSERT INTO progress (cohort_id, user_id, kind, item, module, done_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (cohort_id, user_id, kind, item) DO NOTHING
		RETURNING cohort_id, user_id, kind, item, module, done_at`,
		p.CohortID, p.UserID, p.Kind, p.Item, p.Module, now)
	if err == nil {
		cohortID := p.CohortID
		if err := auditIn(ctx, tx, now, AuditEntry{
			CohortID: &cohortID, Actor: p.UserID, UserID: p.UserID, Action: p.Kind + "_done",
			Detail: map[string]any{"item": p.Item, "module": p.Module},
		}); err != nil {
			return Progress{}, false, fmt.Errorf("mark done: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return Progress{}, false, fmt.Errorf("mark done: commit: %w", FormatError(err))
		}
		return rec, true, nil
	}
	if ferr := FormatError(err); content.ErrorCode(ferr) != content.ENOTFOUND {
		return Progress{}, false, fmt.Errorf("mark done: %w", ferr)
	}
	// No row came back: it was there already. Read the first click's record to say when it was noted.
	if err := tx.GetContext(ctx, &rec, `
		SELECT cohort_id, user_id, kind, item, module, done_at
		FROM progress
		WHERE cohort_id = $1 AND user_id = $2 AND kind = $3 AND item = $4`,
		p.CohortID, p.UserID, p.Kind, p.Item); err != nil {
		return Progress{}, false, fmt.Errorf("mark done: read existing: %w", FormatError(err))
	}
	return rec, false, nil
}

// UserProgress returns what a participant marked done in a cohort, oldest first.
func (db *DB) UserProgress(ctx context.Context, cohortID int64, userID string) ([]Progress, error) {
	var out []Progress
	stmt, err := db.userProgress.get(ctx, db, `
		SELECT cohort_id, user_id, kind, item, module, done_at
		FROM progress
		WHERE cohort_id = $1 AND user_id = $2
		ORDER BY done_at, kind, item`)
	if err != nil {
		return nil, fmt.Errorf("user progress: %w", FormatError(err))
	}
	if err := stmt.SelectContext(ctx, &out, cohortID, userID); err != nil {
		return nil, fmt.Errorf("user progress: %w", FormatError(err))
	}
	return out, nil
}

// CohortProgress returns everything the participants of a cohort marked done, by person, then oldest first; for
// the trainers' completion counts.
func (db *DB) CohortProgress(ctx context.Context, cohortID int64) ([]Progress, error) {
	var out []Progress
	if err := db.SelectContext(ctx, &out, `
		SELECT cohort_id, user_id, kind, item, module, done_at
		FROM progress
		WHERE cohort_id = $1
		ORDER BY user_id, done_at, kind, item`,
		cohortID); err != nil {
		return nil, fmt.Errorf("cohort progress: %w", FormatError(err))
	}
	return out, nil
}

// JoinResult says what RecordJoin did.
type JoinResult struct {
	New      bool // the person was not a participant of the cohort before
	CatchUp  bool // the catch-up delivery was planned for them
	Rejoined bool // the person had left the channel and is back: a participant again
}

// RecordJoin records that a person joined a cohort's channel, in one transaction. Someone seen before (a retried
// event, or a participant who left and came back) is marked present again and gets nothing new. A new participant
// of a cohort that is under way (a planned message has gone out: sent, or expanded into one per person) also gets
// catchUp, when given, planned in the
// deliveries table with its key, so that the dispatcher sends it exactly once; without sent deliveries the regular
// fan-out reaches them and catchUp is not stored.
func (db *DB) RecordJoin(ctx context.Context, cohortID int64, userID string, catchUp *content.Delivery) (JoinResult, error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return JoinResult{}, fmt.Errorf("record join: %w", FormatError(err))
	}
	defer tx.Rollback()
	// Someone who asked to be forgotten is not recorded, nor caught up, when the bot sees them again
	// (store/privacy.go).
	var erased bool
	if err := tx.GetContext(ctx, &erased, `
		SELECT EXISTS (SELECT 1 FROM erased_users WHERE user_hash = $1)`, UserHash(userID)); err != nil {
		return JoinResult{}, fmt.Errorf("record join: %w", FormatError(err))
	}
	if erased {
		return JoinResult{}, nil
	}
	now := db.Now()
	res, err := tx.ExecContext(ctx, `
		INSERT INTO participants (cohort_id, user_id, joined_at)
		VALUES ($1, $2, $3)
		ON CONFLICT (cohort_id, user_id) DO NOTHING`,
		cohortID, userID, now)
	if err != nil {
		return JoinResult{}, fmt.Errorf("record join: %w", FormatError(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return JoinResult{}, fmt.Errorf("record join: %w", err)
	}
	if n == 0 {
		res, err := tx.ExecContext(ctx, `
			UPDATE participants SET left_at = NULL
			WHERE cohort_id = $1 AND user_id = $2 AND left_at IS NOT NULL`,
			cohortID, userID)
		if err != nil {
			return JoinResult{}, fmt.Errorf("record join: rejoin: %w", FormatError(err))
		}
		back, err := res.RowsAffected()
		if err != nil {
			return JoinResult{}, fmt.Errorf("record join: rejoin: %w", err)
		}
		if back > 0 {
			if err := auditIn(ctx, tx, now, AuditEntry{CohortID: &cohortID, Actor: userID, UserID: userID,
				Action: "participant_rejoined"}); err != nil {
				return JoinResult{}, fmt.Errorf("record join: %w", err)
			}
		}
		if err := tx.Commit(); err != nil {
			return JoinResult{}, fmt.Errorf("record join: commit: %w", FormatError(err))
		}
		return JoinResult{Rejoined: back > 0}, nil
	}

	out := JoinResult{New: true}
	if catchUp != nil {
		var underway bool
		if err := tx.GetContext(ctx, &underway, `
			SELECT EXISTS (SELECT 1 FROM deliveries
			               WHERE cohort_id = $1 AND recipient = '' AND status IN ('sent', 'expanded'))`,
			cohortID); err != nil {
			return JoinResult{}, fmt.Errorf("record join: course under way: %w", FormatError(err))
		}
		if underway {
			res, err := tx.ExecContext(ctx, `
				INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at, deadline,
				                        title, note, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
				ON CONFLICT DO NOTHING`,
				catchUp.Key, cohortID, catchUp.RuleID, catchUp.Kind, catchUp.Module, catchUp.Audience,
				catchUp.Recipient, catchUp.DueAt, catchUp.Deadline, catchUp.Title, catchUp.Note, now)
			if err != nil {
				return JoinResult{}, fmt.Errorf("record join: plan catch-up: %w", FormatError(err))
			}
			n, err := res.RowsAffected()
			if err != nil {
				return JoinResult{}, fmt.Errorf("record join: plan catch-up: %w", err)
			}
			out.CatchUp = n > 0
		}
	}
	if err := auditIn(ctx, tx, now, AuditEntry{
		CohortID: &cohortID, Actor: userID, UserID: userID, Action: "participant_joined",
		Detail: map[string]any{"catch_up": out.CatchUp},
	}); err != nil {
		return JoinResult{}, fmt.Errorf("record join: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return JoinResult{}, fmt.Errorf("record join: commit: %w", FormatError(err))
	}
	return out, nil
}
