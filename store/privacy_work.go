package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// WorkExport is the participants' own work in "/gesprekbot mijn-gegevens": their written homework, the feedback
// they gave and received, their closing evaluation and their answer to the follow-up. Like the rest of the export
// it names no one else: the other side of a feedback form is the caller's words for another person.
type WorkExport struct {
	WrittenWork      []ExportWrittenWork `json:"written_work"`
	FeedbackGiven    []ExportFeedback    `json:"feedback_given"`
	FeedbackReceived []ExportFeedback    `json:"feedback_received"`
	Evaluations      []ExportEvaluation  `json:"evaluations"`
	FollowUps        []ExportFollowUp    `json:"follow_up"`
}

// ExportWrittenWork is a homework text, draft or handed in.
type ExportWrittenWork struct {
	CohortID   int64      `db:"cohort_id" json:"cohort_id"`
	TaskID     string     `db:"task_id" json:"task"`
	Module     int        `db:"module" json:"module"`
	Sections   Sections   `db:"sections" json:"sections"`
	HandedInAt *time.Time `db:"handed_in_at" json:"handed_in_at"`
	UpdatedAt  time.Time  `db:"updated_at" json:"updated_at"`
}

// ExportFeedback is a feedback form the person gave or received.
type ExportFeedback struct {
	CohortID  int64          `db:"cohort_id" json:"cohort_id"`
	Module    int            `db:"module" json:"module"`
	Giver     string         `db:"giver" json:"giver"`
	Receiver  string         `db:"receiver" json:"gespreksvoerder"`
	Points    FeedbackPoints `db:"points" json:"points"`
	SharedAt  *time.Time     `db:"shared_at" json:"shared_with_trainer_at"`
	UpdatedAt time.Time      `db:"updated_at" json:"updated_at"`
}

// ExportEvaluation is the closing evaluation: notes per place, and the board choice.
type ExportEvaluation struct {
	CohortID  int64           `db:"cohort_id" json:"cohort_id"`
	Notes     EvaluationNotes `db:"notes" json:"notes"`
	OnBoard   bool            `db:"on_board" json:"on_board"`
	UpdatedAt time.Time       `db:"updated_at" json:"updated_at"`
}

// ExportFollowUp is the answer to "Hoe staat het ermee?".
type ExportFollowUp struct {
	CohortID   int64     `db:"cohort_id" json:"cohort_id"`
	Answer     string    `db:"answer" json:"answer"`
	Note       string    `db:"note" json:"note"`
	AnsweredAt time.Time `db:"answered_at" json:"answered_at"`
}

// exportWork reads userID's own work into out, in the export's snapshot tx.
func exportWork(ctx context.Context, tx *sqlx.Tx, userID, otherPerson string, out *WorkExport) error {
	queries := []struct {
		what string
		dest any
		sql  string
	}{
		{"written work", &out.WrittenWork, `
			SELECT cohort_id, task_id, module, sections, handed_in_at, updated_at
			FROM written_work WHERE user_id = $1 ORDER BY cohort_id, module, task_id`},
		{"feedback given", &out.FeedbackGiven, `
			SELECT cohort_id, module, giver, receiver, points, shared_at, updated_at
			FROM feedback WHERE giver = $1 ORDER BY cohort_id, module, created_at, id`},
		{"feedback received", &out.FeedbackReceived, `
			SELECT cohort_id, module, giver, receiver, points, shared_at, updated_at
			FROM feedback WHERE receiver = $1 ORDER BY cohort_id, module, created_at, id`},
		{"evaluations", &out.Evaluations, `
			SELECT cohort_id, notes, on_board, updated_at
			FROM evaluations WHERE user_id = $1 ORDER BY cohort_id`},
		{"follow-up", &out.FollowUps, `
			SELECT cohort_id, answer, note, answered_at
			FROM followup_answers WHERE user_id = $1 ORDER BY cohort_id`},
	}
	for _, q := range queries {
		if err := tx.SelectContext(ctx, q.dest, q.sql, userID); err != nil {
			return fmt.Errorf("%s: %w", q.what, FormatError(err))
		}
	}
	for _, fs := range [][]ExportFeedback{out.FeedbackGiven, out.FeedbackReceived} {
		for i := range fs {
			fs[i].Giver = hideOthers(fs[i].Giver, userID, otherPerson)
			fs[i].Receiver = hideOthers(fs[i].Receiver, userID, otherPerson)
			// A comment may mention someone (<@U…>) like any text typed in Slack.
			for id, p := range fs[i].Points {
				p.Comment = hideOthers(p.Comment, userID, otherPerson)
				fs[i].Points[id] = p
			}
		}
	}
	return nil
}
