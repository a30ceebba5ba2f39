package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// ErrWorkClosed says written work can no longer be changed: the next module has started. The error returned is a
// *WorkClosedError, which says since when.
var ErrWorkClosed = errors.New("written work is read-only")

// ErrWorkEmpty says written work was handed in with no text in any section.
var ErrWorkEmpty = errors.New("written work is empty")

// WorkClosedError is ErrWorkClosed with the moment the work became read-only: the start of the next module.
type WorkClosedError struct {
	Since time.Time
}

// Error implements error.
func (e *WorkClosedError) Error() string {
	return fmt.Sprintf("%v since %s", ErrWorkClosed, e.Since.UTC().Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrWorkClosed) true.
func (e *WorkClosedError) Is(target error) bool { return target == ErrWorkClosed }

// Sections is the text of written work per section id of its format. Texts are stored whole, however long.
type Sections map[string]string

// Value implements driver.Valuer: the sections as a JSON object.
func (s Sections) Value() (driver.Value, error) {
	if s == nil {
		return "{}", nil
	}
	return jsonValue(map[string]string(s))
}

// Scan implements sql.Scanner for the jsonb column.
func (s *Sections) Scan(src any) error {
	b, err := jsonBytes(src)
	if err != nil {
		return fmt.Errorf("sections: %w", err)
	}
	m := map[string]string{}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("sections: %w", err)
		}
	}
	*s = m
	return nil
}

// Empty reports whether no section holds more than white space.
func (s Sections) Empty() bool {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func jsonBytes(src any) ([]byte, error) {
	switch v := src.(type) {
	case []byte:
		return v, nil
	case string:
		return []byte(v), nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("cannot scan %T", src)
}

// WrittenWork is a participant's written homework for one task: the text per section, and whether and when it was
// handed in.
type WrittenWork struct {
	CohortID   int64      `db:"cohort_id"`
	UserID     string     `db:"user_id"`
	TaskID     string     `db:"task_id"`
	Module     int        `db:"module"`
	Sections   Sections   `db:"sections"`
	HandedInAt *time.Time `db:"handed_in_at"` // nil: a draft
	CreatedAt  time.Time  `db:"created_at"`
	UpdatedAt  time.Time  `db:"updated_at"`
}

// WorkEdit is a change to written work: the sections typed (merged into what is stored: a section not named keeps
// its text), and whether this hands it in.
type WorkEdit struct {
	CohortID int64
	UserID   string
	TaskID   string
	Module   int // the module whose huiswerk holds the task: the work is read-only once module+1 has started
	Sections Sections
	HandIn   bool
}

var sectionID = regexp.MustCompile(`^[a-z0-9_]+$`)

// SaveWrittenWork stores e's sections as typed (a draft, or the handed-in work edited) and, with e.HandIn, hands the
// work in: handed_in_at is set the first time, and the module's homework counts as done (progress), in the same
// transaction. Saving the same text twice changes nothing but updated_at. It returns the work as stored.
//
// Errors: a *WorkClosedError (errors.Is ErrWorkClosed) once module e.Module+1 has started — nothing is written —
// and ErrWorkEmpty when handing in work with no text in any section.
func (db *DB) SaveWrittenWork(ctx context.Context, e WorkEdit) (WrittenWork, error) {
	if err := checkUserID(e.UserID); err != nil {
		return WrittenWork{}, fmt.Errorf("save written work: %w", err)
	}
	if !sectionID.MatchString(e.TaskID) || e.Module < 1 || e.Module > 4 {
		return WrittenWork{}, fmt.Errorf("save written work: bad task %q of module %d", e.TaskID, e.Module)
	}
	for id := range e.Sections {
		if !sectionID.MatchString(id) {
			return WrittenWork{}, fmt.Errorf("save written work: bad section id %q", id)
		}
	}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return WrittenWork{}, fmt.Errorf("save written work: %w", FormatError(err))
	}
	defer tx.Rollback()
	now := db.Now()
	if err := workOpen(ctx, tx, e.CohortID, e.Module, now); err != nil {
		return WrittenWork{}, fmt.Errorf("save written work: %w", err)
	}
	var w WrittenWork
	if err := tx.GetContext(ctx, &w, `
		INSERT INTO written_work (cohort_id, user_id, task_id, module, sections, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (cohort_id, user_id, task_id) DO UPDATE
		SET sections = written_work.sections || EXCLUDED.sections, updated_at = EXCLUDED.updated_at
		RETURNING cohort_id, user_id, task_id, module, sections, handed_in_at, created_at, updated_at`,
		e.CohortID, e.UserID, e.TaskID, e.Module, e.Sections, now); err != nil {
		return WrittenWork{}, fmt.Errorf("save written work: %w", FormatError(err))
	}
	if e.HandIn {
		if w.Sections.Empty() {
			return WrittenWork{}, fmt.Errorf("save written work: %w", ErrWorkEmpty)
		}
		if w.HandedInAt == nil {
			if err := tx.GetContext(ctx, &w.HandedInAt, `
				UPDATE written_work SET handed_in_at = $4
				WHERE cohort_id = $1 AND user_id = $2 AND task_id = $3
				RETURNING handed_in_at`, e.CohortID, e.UserID, e.TaskID, now); err != nil {
				return WrittenWork{}, fmt.Errorf("save written work: hand in: %w", FormatError(err))
			}
			// Handing in the written work counts as the module's homework done, as "Klaar" does.
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO progress (cohort_id, user_id, kind, item, module, done_at)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (cohort_id, user_id, kind, item) DO NOTHING`,
				e.CohortID, e.UserID, ProgressHomework, HomeworkItem(e.Module), e.Module, now); err != nil {
				return WrittenWork{}, fmt.Errorf("save written work: homework done: %w", FormatError(err))
			}
			cohortID := e.CohortID
			if err := auditIn(ctx, tx, now, AuditEntry{CohortID: &cohortID, Actor: e.UserID, UserID: e.UserID,
				Action: "work_handed_in", Detail: map[string]any{"task": e.TaskID, "module": e.Module}}); err != nil {
				return WrittenWork{}, fmt.Errorf("save written work: %w", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return WrittenWork{}, fmt.Errorf("save written work: commit: %w", FormatError(err))
	}
	return w, nil
}

// workOpen returns a *WorkClosedError when module+1 of the cohort has started at now. The module's row is locked
// for share, so that a move of that module waits for the save (and the save sees the module where it is).
func workOpen(ctx context.Context, tx *sqlx.Tx, cohortID int64, module int, now time.Time) error {
	var starts time.Time
	err := tx.GetContext(ctx, &starts, `
		SELECT starts_at FROM cohort_modules WHERE cohort_id = $1 AND number = $2 FOR SHARE`, cohortID, module+1)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // module 4's homework, or a cohort without that module: no next module closes it
	} else if err != nil {
		return fmt.Errorf("next module: %w", FormatError(err))
	}
	if !now.Before(starts) {
		return &WorkClosedError{Since: starts}
	}
	return nil
}

// WrittenWorkDeadline returns when module's written work of the cohort becomes read-only (the start of the next
// module); ok is false when nothing closes it.
func (db *DB) WrittenWorkDeadline(ctx context.Context, cohortID int64, module int) (deadline time.Time, ok bool, err error) {
	err = db.GetContext(ctx, &deadline, `
		SELECT starts_at FROM cohort_modules WHERE cohort_id = $1 AND number = $2`, cohortID, module+1)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	} else if err != nil {
		return time.Time{}, false, fmt.Errorf("written work deadline: %w", FormatError(err))
	}
	return deadline, true, nil
}

// WrittenWorkOf returns userID's work for taskID in the cohort; an error with code ENOTFOUND when they have not
// started it.
func (db *DB) WrittenWorkOf(ctx context.Context, cohortID int64, userID, taskID string) (WrittenWork, error) {
	var w WrittenWork
	if err := db.GetContext(ctx, &w, `
		SELECT cohort_id, user_id, task_id, module, sections, handed_in_at, created_at, updated_at
		FROM written_work WHERE cohort_id = $1 AND user_id = $2 AND task_id = $3`,
		cohortID, userID, taskID); err != nil {
		return WrittenWork{}, fmt.Errorf("written work of: %w", FormatError(err))
	}
	return w, nil
}

// UserWrittenWork returns all of userID's written work in the cohort (drafts too), by module and task: what the
// participant sees on their App Home.
func (db *DB) UserWrittenWork(ctx context.Context, cohortID int64, userID string) ([]WrittenWork, error) {
	var out []WrittenWork
	if err := db.SelectContext(ctx, &out, `
		SELECT cohort_id, user_id, task_id, module, sections, handed_in_at, created_at, updated_at
		FROM written_work WHERE cohort_id = $1 AND user_id = $2 ORDER BY module, task_id`,
		cohortID, userID); err != nil {
		return nil, fmt.Errorf("user written work: %w", FormatError(err))
	}
	return out, nil
}

// HandedInWork returns the work handed in for module's tasks in the cohort by its participants, by task and
// hand-in time: what the trainers read. Drafts are the participant's own and are not returned; neither is work
// of someone who is not (or no longer) recorded as a participant of the cohort.
func (db *DB) HandedInWork(ctx context.Context, cohortID int64, module int) ([]WrittenWork, error) {
	var out []WrittenWork
	if err := db.SelectContext(ctx, &out, `
		SELECT w.cohort_id, w.user_id, w.task_id, w.module, w.sections, w.handed_in_at, w.created_at, w.updated_at
		FROM written_work w
		JOIN participants p ON p.cohort_id = w.cohort_id AND p.user_id = w.user_id
		WHERE w.cohort_id = $1 AND w.module = $2 AND w.handed_in_at IS NOT NULL
		ORDER BY w.task_id, w.handed_in_at, w.user_id`, cohortID, module); err != nil {
		return nil, fmt.Errorf("handed in work: %w", FormatError(err))
	}
	return out, nil
}
