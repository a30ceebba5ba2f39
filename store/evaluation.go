package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"
)

// EvaluationNotes are a participant's notes of the closing evaluation per place id ("bloem", "zaad", …), in their
// order: one thought per note, as on the geeltjes.
type EvaluationNotes map[string][]string

// Value implements driver.Valuer: the notes as a JSON object.
func (n EvaluationNotes) Value() (driver.Value, error) {
	if n == nil {
		return "{}", nil
	}
	return jsonValue(map[string][]string(n))
}

// Scan implements sql.Scanner for the jsonb column.
func (n *EvaluationNotes) Scan(src any) error {
	b, err := jsonBytes(src)
	if err != nil {
		return fmt.Errorf("evaluation notes: %w", err)
	}
	m := map[string][]string{}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("evaluation notes: %w", err)
		}
	}
	*n = m
	return nil
}

// Evaluation is a participant's closing evaluation: the notes per place, and whether they go on the group's board.
type Evaluation struct {
	CohortID  int64           `db:"cohort_id"`
	UserID    string          `db:"user_id"`
	Notes     EvaluationNotes `db:"notes"`
	OnBoard   bool            `db:"on_board"`
	CreatedAt time.Time       `db:"created_at"`
	UpdatedAt time.Time       `db:"updated_at"`
}

// EvaluationEdit is a change to a participant's evaluation: the places in Notes replace what is stored for them
// (other places keep their notes); OnBoard, when set, the board choice.
type EvaluationEdit struct {
	CohortID int64
	UserID   string
	Notes    EvaluationNotes
	OnBoard  *bool
}

// SaveEvaluation stores e: each place's notes as given, blank notes left out and each note trimmed; a place with no
// notes left is removed. Saving the same twice changes nothing but updated_at. It returns the evaluation as stored.
func (db *DB) SaveEvaluation(ctx context.Context, e EvaluationEdit) (Evaluation, error) {
	if err := checkUserID(e.UserID); err != nil {
		return Evaluation{}, fmt.Errorf("save evaluation: %w", err)
	}
	set, drop := EvaluationNotes{}, []string{}
	for place, notes := range e.Notes {
		if !sectionID.MatchString(place) {
			return Evaluation{}, fmt.Errorf("save evaluation: bad place %q", place)
		}
		var kept []string
		for _, n := range notes {
			if n = strings.TrimSpace(n); n != "" {
				kept = append(kept, n)
			}
		}
		if len(kept) == 0 {
			drop = append(drop, place)
		} else {
			set[place] = kept
		}
	}
	now := db.Now()
	var ev Evaluation
	if err := db.GetContext(ctx, &ev, `
		INSERT INTO evaluations (cohort_id, user_id, notes, on_board, created_at, updated_at)
		VALUES ($1, $2, $3, COALESCE($5, false), $6, $6)
		ON CONFLICT (cohort_id, user_id) DO UPDATE
		SET notes = (evaluations.notes - $4::text[]) || EXCLUDED.notes,
		    on_board = COALESCE($5, evaluations.on_board),
		    updated_at = EXCLUDED.updated_at
		RETURNING cohort_id, user_id, notes, on_board, created_at, updated_at`,
		e.CohortID, e.UserID, set, pq.Array(drop), e.OnBoard, now); err != nil {
		return Evaluation{}, fmt.Errorf("save evaluation: %w", FormatError(err))
	}
	return ev, nil
}

// EvaluationOf returns userID's evaluation in the cohort; an error with code ENOTFOUND when they have not started it.
func (db *DB) EvaluationOf(ctx context.Context, cohortID int64, userID string) (Evaluation, error) {
	var ev Evaluation
	if err := db.GetContext(ctx, &ev, `
		SELECT cohort_id, user_id, notes, on_board, created_at, updated_at
		FROM evaluations WHERE cohort_id = $1 AND user_id = $2`, cohortID, userID); err != nil {
		return Evaluation{}, fmt.Errorf("evaluation of: %w", FormatError(err))
	}
	return ev, nil
}

// BoardEntry is one participant's notes on the group's board, with the name the bot knows them by.
type BoardEntry struct {
	UserID string          `db:"user_id"`
	Name   string          `db:"name"`
	Notes  EvaluationNotes `db:"notes"`
}

// EvaluationBoard returns the notes of the cohort's participants who chose to put them on the board and are still
// in the channel, in the order they joined: what the trainer posts to the channel. Nobody else's notes are in it.
func (db *DB) EvaluationBoard(ctx context.Context, cohortID int64) ([]BoardEntry, error) {
	var out []BoardEntry
	if err := db.SelectContext(ctx, &out, `
		SELECT e.user_id, p.name, e.notes
		FROM evaluations e
		JOIN participants p ON p.cohort_id = e.cohort_id AND p.user_id = e.user_id AND p.left_at IS NULL
		WHERE e.cohort_id = $1 AND e.on_board AND e.notes <> '{}'::jsonb
		ORDER BY p.joined_at, e.user_id`, cohortID); err != nil {
		return nil, fmt.Errorf("evaluation board: %w", FormatError(err))
	}
	return out, nil
}

// EvaluationTally is what trainers see of the closing evaluation besides the board: how many of the cohort's
// participants (still in the channel, not its trainers) wrote notes, and how many of those chose the board.
type EvaluationTally struct {
	Participants int `db:"participants"`
	Written      int `db:"written"`
	OnBoard      int `db:"on_board"`
}

// EvaluationTally counts the cohort's evaluations for its trainers; no one's notes are in it.
func (db *DB) EvaluationTally(ctx context.Context, cohortID int64) (EvaluationTally, error) {
	var t EvaluationTally
	if err := db.GetContext(ctx, &t, `
		SELECT count(*) AS participants,
		       count(e.user_id) FILTER (WHERE e.notes <> '{}'::jsonb) AS written,
		       count(e.user_id) FILTER (WHERE e.notes <> '{}'::jsonb AND e.on_board) AS on_board
		FROM participants p
		LEFT JOIN evaluations e ON e.cohort_id = p.cohort_id AND e.user_id = p.user_id
		WHERE p.cohort_id = $1 AND p.left_at IS NULL
		  AND NOT EXISTS (SELECT 1 FROM cohort_trainers t WHERE t.cohort_id = p.cohort_id AND t.user_id = p.user_id)`,
		cohortID); err != nil {
		return EvaluationTally{}, fmt.Errorf("evaluation tally: %w", FormatError(err))
	}
	return t, nil
}
