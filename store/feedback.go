package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrFeedbackSelf says someone tried to give feedback to themselves.
var ErrFeedbackSelf = errors.New("feedback to oneself")

// ErrFeedbackEmpty says a feedback form had no score and no comment at all.
var ErrFeedbackEmpty = errors.New("feedback is empty")

// PointFeedback is what an observer filled in for one point of a Feedbackformulier: a score on the point's scale
// (0: left open, "voor zover mogelijk") and a comment (may be empty).
type PointFeedback struct {
	Score   int    `json:"score,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// FeedbackPoints is a feedback form's content by point id.
type FeedbackPoints map[string]PointFeedback

// Value implements driver.Valuer: the points as a JSON object.
func (p FeedbackPoints) Value() (driver.Value, error) {
	if p == nil {
		return "{}", nil
	}
	return jsonValue(map[string]PointFeedback(p))
}

// Scan implements sql.Scanner for the jsonb column.
func (p *FeedbackPoints) Scan(src any) error {
	b, err := jsonBytes(src)
	if err != nil {
		return fmt.Errorf("feedback points: %w", err)
	}
	m := map[string]PointFeedback{}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("feedback points: %w", err)
		}
	}
	*p = m
	return nil
}

// Feedback is one observer's Feedbackformulier about one gespreksvoerder in a module's role play.
type Feedback struct {
	ID        int64          `db:"id"`
	CohortID  int64          `db:"cohort_id"`
	Module    int            `db:"module"`
	Giver     string         `db:"giver"`
	Receiver  string         `db:"receiver"` // the gespreksvoerder
	Points    FeedbackPoints `db:"points"`
	SharedAt  *time.Time     `db:"shared_at"` // the receiver shared it with the trainers, as it was then
	CreatedAt time.Time      `db:"created_at"`
	UpdatedAt time.Time      `db:"updated_at"`
}

// GiveFeedback stores f (its CohortID, Module, Giver, Receiver and Points) as the giver's form about the receiver
// in that module: a second time replaces the first (a double submit or a correction keeps one form). A change to a
// form the receiver had shared withdraws the sharing of that form: the consent covered it as it was. It returns the
// stored form and whether it was new.
func (db *DB) GiveFeedback(ctx context.Context, f Feedback) (Feedback, bool, error) {
	if err := checkUserID(f.Giver); err != nil {
		return Feedback{}, false, fmt.Errorf("give feedback: %w", err)
	}
	if err := checkUserID(f.Receiver); err != nil {
		return Feedback{}, false, fmt.Errorf("give feedback: %w", err)
	}
	if f.Giver == f.Receiver {
		return Feedback{}, false, fmt.Errorf("give feedback: %w", ErrFeedbackSelf)
	}
	empty := true
	for id, p := range f.Points {
		if !sectionID.MatchString(id) || p.Score < 0 {
			return Feedback{}, false, fmt.Errorf("give feedback: bad point %q (score %d)", id, p.Score)
		}
		empty = empty && p.Score == 0 && strings.TrimSpace(p.Comment) == ""
	}
	if empty {
		return Feedback{}, false, fmt.Errorf("give feedback: %w", ErrFeedbackEmpty)
	}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return Feedback{}, false, fmt.Errorf("give feedback: %w", FormatError(err))
	}
	defer tx.Rollback()
	now := db.Now()
	var out struct {
		Feedback
		New bool `db:"new"`
	}
	if err := tx.GetContext(ctx, &out, `
		INSERT INTO feedback (cohort_id, module, giver, receiver, points, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (cohort_id, module, giver, receiver) DO UPDATE
		SET points = EXCLUDED.points,
		    updated_at = EXCLUDED.updated_at,
		    shared_at = CASE WHEN feedback.points = EXCLUDED.points THEN feedback.shared_at END
		RETURNING id, cohort_id, module, giver, receiver, points, shared_at, created_at, updated_at,
		          (xmax = 0) AS new`,
		f.CohortID, f.Module, f.Giver, f.Receiver, f.Points, now); err != nil {
		return Feedback{}, false, fmt.Errorf("give feedback: %w", FormatError(err))
	}
	if out.New {
		cohortID := f.CohortID
		if err := auditIn(ctx, tx, now, AuditEntry{CohortID: &cohortID, Actor: f.Giver, UserID: f.Receiver,
			Action: "feedback_given", Detail: map[string]any{"module": f.Module}}); err != nil {
			return Feedback{}, false, fmt.Errorf("give feedback: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Feedback{}, false, fmt.Errorf("give feedback: commit: %w", FormatError(err))
	}
	return out.Feedback, out.New, nil
}

// GivenFeedback returns the form giver filled in about receiver in the cohort's module, to show it again for a
// correction; an error with code ENOTFOUND when there is none.
func (db *DB) GivenFeedback(ctx context.Context, cohortID int64, module int, giver, receiver string) (Feedback, error) {
	var f Feedback
	if err := db.GetContext(ctx, &f, `
		SELECT id, cohort_id, module, giver, receiver, points, shared_at, created_at, updated_at
		FROM feedback WHERE cohort_id = $1 AND module = $2 AND giver = $3 AND receiver = $4`,
		cohortID, module, giver, receiver); err != nil {
		return Feedback{}, fmt.Errorf("given feedback: %w", FormatError(err))
	}
	return f, nil
}

// ReceivedFeedback returns the feedback about receiver in the cohort's module, oldest first, with who gave it.
// Only the receiver reads it this way: the query is by receiver, so pass the ID of the person asking.
func (db *DB) ReceivedFeedback(ctx context.Context, cohortID int64, module int, receiver string) ([]Feedback, error) {
	var out []Feedback
	if err := db.SelectContext(ctx, &out, `
		SELECT id, cohort_id, module, giver, receiver, points, shared_at, created_at, updated_at
		FROM feedback WHERE receiver = $1 AND cohort_id = $2 AND module = $3
		ORDER BY created_at, id`, receiver, cohortID, module); err != nil {
		return nil, fmt.Errorf("received feedback: %w", FormatError(err))
	}
	return out, nil
}

// ShareFeedback shares (share true) the feedback about receiver in the cohort's module with the trainers, as it is
// now, or withdraws that (share false). Feedback given or changed later is not shared until they share again. It
// returns how many forms are shared now.
func (db *DB) ShareFeedback(ctx context.Context, cohortID int64, module int, receiver string, share bool) (int, error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("share feedback: %w", FormatError(err))
	}
	defer tx.Rollback()
	now := db.Now()
	res, err := tx.ExecContext(ctx, `
		UPDATE feedback SET shared_at = CASE WHEN $4 THEN COALESCE(shared_at, $5::timestamptz) END
		WHERE receiver = $1 AND cohort_id = $2 AND module = $3`, receiver, cohortID, module, share, now)
	if err != nil {
		return 0, fmt.Errorf("share feedback: %w", FormatError(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("share feedback: %w", err)
	}
	action := "feedback_shared"
	if !share {
		action, n = "feedback_unshared", 0
	}
	if err := auditIn(ctx, tx, now, AuditEntry{CohortID: &cohortID, Actor: receiver, UserID: receiver,
		Action: action, Detail: map[string]any{"module": module}}); err != nil {
		return 0, fmt.Errorf("share feedback: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("share feedback: commit: %w", FormatError(err))
	}
	return int(n), nil
}

// FeedbackReceiverSummary is what the trainers see of the feedback about one gespreksvoerder in a module: how many
// gave it, and the forms the gespreksvoerder shared (with their content and givers).
type FeedbackReceiverSummary struct {
	Receiver string
	Forms    int        // how many observers gave feedback
	Shared   []Feedback // the forms shared with the trainers, as they were shared
}

// FeedbackOverview returns, per gespreksvoerder of the cohort's module who received feedback, what the trainers
// may see: that feedback was given (how many forms), and only the content the gespreksvoerder shared.
func (db *DB) FeedbackOverview(ctx context.Context, cohortID int64, module int) ([]FeedbackReceiverSummary, error) {
	var rows []Feedback
	if err := db.SelectContext(ctx, &rows, `
		SELECT id, cohort_id, module, giver, receiver,
		       CASE WHEN shared_at IS NOT NULL THEN points ELSE '{}'::jsonb END AS points,
		       shared_at, created_at, updated_at
		FROM feedback WHERE cohort_id = $1 AND module = $2
		ORDER BY receiver, created_at, id`, cohortID, module); err != nil {
		return nil, fmt.Errorf("feedback overview: %w", FormatError(err))
	}
	var out []FeedbackReceiverSummary
	for _, f := range rows {
		if len(out) == 0 || out[len(out)-1].Receiver != f.Receiver {
			out = append(out, FeedbackReceiverSummary{Receiver: f.Receiver})
		}
		s := &out[len(out)-1]
		s.Forms++
		if f.SharedAt != nil {
			s.Shared = append(s.Shared, f)
		}
	}
	return out, nil
}
