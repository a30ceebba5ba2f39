package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// RevealRepeatWindow is how long after a reveal of a case the next reveal of the same case counts as the same
// command arriving twice (a retry, a double submit, or two trainers of one group typing it at once): it posts
// nothing. A reveal after it moves on.
const RevealRepeatWindow = 5 * time.Second

// CaseReveal is one stage of a case revealed in a cohort.
type CaseReveal struct {
	ID         int64     `db:"id"`
	CohortID   int64     `db:"cohort_id"`
	CaseID     string    `db:"case_id"`  // "richard", "johan", "emma"
	Variant    string    `db:"variant"`  // the name variant it was shown with, e.g. "johanna"
	StageID    string    `db:"stage_id"` // "aanmelding", "gedrag", ...
	Position   int       `db:"position"` // its place in the case's line of revealable stages, from 0
	Module     int       `db:"module"`
	RevealedBy string    `db:"revealed_by"` // a trainer's Slack user ID, or "bot" for the scheduler
	RevealedAt time.Time `db:"revealed_at"`
	ChannelID  *string   `db:"channel_id"` // where it was posted; nil until the post is recorded
	TS         *string   `db:"ts"`
}

// CaseStep is one revealable stage of a case, in the order of the manual's doorlopende lijn.
type CaseStep struct {
	StageID string
	Module  int
}

// RevealRequest asks RevealNext for the next stage of one case of a cohort.
type RevealRequest struct {
	CohortID  int64
	CaseID    string     // "johan"
	Variant   string     // "johanna"
	Steps     []CaseStep // the case's revealable stages, in order
	MaxModule int        // reveal only a stage of this module or an earlier one; 0: any
	By        string     // the trainer's Slack user ID, or "bot"
	At        time.Time
	// Catchup reveals the next stage even right after another one: the scheduler catching up several stages in
	// one run, whose delivery key already makes the run happen once. The unique key still holds.
	Catchup bool
}

// Outcomes of RevealNext.
const (
	RevealNew    = "new"    // this call revealed the stage: the caller posts it and records the message
	RevealRepeat = "repeat" // the case had a stage revealed a moment ago (within RevealRepeatWindow, or a race): post nothing
	RevealDone   = "done"   // every stage of the case is revealed
	RevealLater  = "later"  // the next stage belongs to a module after MaxModule
)

// RevealResult says what RevealNext did. Reveal is the new stage (RevealNew) or the one revealed a moment ago
// (RevealRepeat); Next is the stage that was not revealed yet (RevealLater).
type RevealResult struct {
	Outcome string
	Reveal  CaseReveal
	Next    CaseStep
}

// RevealNext reveals the next stage of a case in a cohort: the first of req.Steps not revealed yet. The unique key
// (cohort, case, stage) decides, whatever races: of two calls that want the same stage one inserts it and gets
// RevealNew, the other gets RevealRepeat. A call within RevealRepeatWindow of the case's last reveal is a repeat
// too, so a retried or double-submitted command posts once; a later call moves on.
func (db *DB) RevealNext(ctx context.Context, req RevealRequest) (RevealResult, error) {
	if len(req.Steps) == 0 || req.By == "" {
		return RevealResult{}, fmt.Errorf("reveal %s: no steps or no actor", req.CaseID)
	}
	revealed, err := db.caseReveals(ctx, req.CohortID, req.CaseID)
	if err != nil {
		return RevealResult{}, fmt.Errorf("reveal %s: %w", req.CaseID, err)
	}
	done := map[string]bool{}
	for _, r := range revealed {
		done[r.StageID] = true
		if !req.Catchup && !r.RevealedAt.Before(req.At.Add(-RevealRepeatWindow)) && !r.RevealedAt.After(req.At) {
			return RevealResult{Outcome: RevealRepeat, Reveal: r}, nil
		}
	}
	pos := -1
	for i, s := range req.Steps {
		if !done[s.StageID] {
			pos = i
			break
		}
	}
	if pos < 0 {
		return RevealResult{Outcome: RevealDone}, nil
	}
	step := req.Steps[pos]
	if req.MaxModule > 0 && step.Module > req.MaxModule {
		return RevealResult{Outcome: RevealLater, Next: step}, nil
	}
	r := CaseReveal{CohortID: req.CohortID, CaseID: req.CaseID, Variant: req.Variant, StageID: step.StageID,
		Position: pos, Module: step.Module, RevealedBy: req.By, RevealedAt: req.At}
	err = db.GetContext(ctx, &r.ID, `
		INSERT INTO case_reveals (cohort_id, case_id, variant, stage_id, position, module, revealed_by, revealed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT DO NOTHING
		RETURNING id`,
		r.CohortID, r.CaseID, r.Variant, r.StageID, r.Position, r.Module, r.RevealedBy, r.RevealedAt)
	if errors.Is(err, sql.ErrNoRows) {
		// Someone revealed this stage between our read and our insert: theirs is the one that is posted.
		var other CaseReveal
		if err := db.GetContext(ctx, &other, `
			SELECT id, cohort_id, case_id, variant, stage_id, position, module, revealed_by, revealed_at, channel_id, ts
			FROM case_reveals WHERE cohort_id = $1 AND case_id = $2 AND (stage_id = $3 OR position = $4)
			ORDER BY id LIMIT 1`, r.CohortID, r.CaseID, r.StageID, r.Position); err != nil {
			return RevealResult{}, fmt.Errorf("reveal %s: read the other reveal: %w", req.CaseID, FormatError(err))
		}
		return RevealResult{Outcome: RevealRepeat, Reveal: other}, nil
	}
	if err != nil {
		return RevealResult{}, fmt.Errorf("reveal %s: %w", req.CaseID, FormatError(err))
	}
	return RevealResult{Outcome: RevealNew, Reveal: r}, nil
}

// SetRevealMessage records the message that showed a revealed stage.
func (db *DB) SetRevealMessage(ctx context.Context, revealID int64, channelID, ts string) error {
	res, err := db.ExecContext(ctx, `
		UPDATE case_reveals SET channel_id = $2, ts = $3 WHERE id = $1`, revealID, channelID, ts)
	if err != nil {
		return fmt.Errorf("set reveal message: %w", FormatError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set reveal message: %w", ErrStageNotRevealed)
	}
	return nil
}

// UndoReveal removes a reveal whose message could not be posted, so that the next reveal tries the stage again.
// A reveal with a recorded message is kept.
func (db *DB) UndoReveal(ctx context.Context, revealID int64) error {
	if _, err := db.ExecContext(ctx, `
		DELETE FROM case_reveals WHERE id = $1 AND ts IS NULL`, revealID); err != nil {
		return fmt.Errorf("undo reveal: %w", FormatError(err))
	}
	return nil
}

// CaseReveals returns the stages revealed in a cohort, per case in the order of their line.
func (db *DB) CaseReveals(ctx context.Context, cohortID int64) ([]CaseReveal, error) {
	var out []CaseReveal
	if err := db.SelectContext(ctx, &out, `
		SELECT id, cohort_id, case_id, variant, stage_id, position, module, revealed_by, revealed_at, channel_id, ts
		FROM case_reveals WHERE cohort_id = $1 ORDER BY case_id, position`, cohortID); err != nil {
		return nil, fmt.Errorf("case reveals of cohort %d: %w", cohortID, FormatError(err))
	}
	return out, nil
}

func (db *DB) caseReveals(ctx context.Context, cohortID int64, caseID string) ([]CaseReveal, error) {
	var out []CaseReveal
	if err := db.SelectContext(ctx, &out, `
		SELECT id, cohort_id, case_id, variant, stage_id, position, module, revealed_by, revealed_at, channel_id, ts
		FROM case_reveals WHERE cohort_id = $1 AND case_id = $2 ORDER BY position`, cohortID, caseID); err != nil {
		return nil, FormatError(err)
	}
	return out, nil
}

// CaseCohortsOfUser returns the ids of the cohorts a user takes part in (not left) or trains, oldest first: the
// cohorts whose revealed case stages the user may read.
func (db *DB) CaseCohortsOfUser(ctx context.Context, userID string) ([]int64, error) {
	var ids []int64
	if err := db.SelectContext(ctx, &ids, `
		SELECT id FROM cohorts
		WHERE id IN (SELECT cohort_id FROM participants WHERE user_id = $1 AND left_at IS NULL)
		   OR id IN (SELECT cohort_id FROM cohort_trainers WHERE user_id = $1)
		ORDER BY id`, userID); err != nil {
		return nil, fmt.Errorf("cohorts of user: %w", FormatError(err))
	}
	return ids, nil
}

// CaseCard is a role card (for the participant who plays the mother, father or begeleider) or the actor
// background (for a trainer), sent privately to one person.
type CaseCard struct {
	ID        int64     `db:"id"`
	CohortID  int64     `db:"cohort_id"`
	CaseID    string    `db:"case_id"`
	Variant   string    `db:"variant"`
	StageID   string    `db:"stage_id"`
	Role      string    `db:"role"`    // "moeder", "vader", "begeleider"; "" for the actor background
	UserID    string    `db:"user_id"` // who received it
	SentBy    string    `db:"sent_by"`
	SentAt    time.Time `db:"sent_at"`
	ChannelID string    `db:"channel_id"` // the DM it was posted in
	TS        string    `db:"ts"`
}

// RecordCaseCard records a card that was sent and returns its id.
func (db *DB) RecordCaseCard(ctx context.Context, c CaseCard) (int64, error) {
	var id int64
	if err := db.GetContext(ctx, &id, `
		INSERT INTO case_cards (cohort_id, case_id, variant, stage_id, role, user_id, sent_by, sent_at, channel_id, ts)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		RETURNING id`,
		c.CohortID, c.CaseID, c.Variant, c.StageID, c.Role, c.UserID, c.SentBy, c.SentAt, c.ChannelID, c.TS); err != nil {
		return 0, fmt.Errorf("record case card: %w", FormatError(err))
	}
	return id, nil
}

// CaseCards returns the cards sent in a cohort, oldest first.
func (db *DB) CaseCards(ctx context.Context, cohortID int64) ([]CaseCard, error) {
	var out []CaseCard
	if err := db.SelectContext(ctx, &out, `
		SELECT id, cohort_id, case_id, variant, stage_id, role, user_id, sent_by, sent_at, channel_id, ts
		FROM case_cards WHERE cohort_id = $1 ORDER BY sent_at, id`, cohortID); err != nil {
		return nil, fmt.Errorf("case cards of cohort %d: %w", cohortID, FormatError(err))
	}
	return out, nil
}

// CasesLocked reports whether a cohort's cases can no longer change: a stage of one of them has been revealed.
func (db *DB) CasesLocked(ctx context.Context, cohortID int64) (bool, error) {
	var locked bool
	if err := db.GetContext(ctx, &locked, `
		SELECT EXISTS (SELECT 1 FROM case_reveals WHERE cohort_id = $1)`, cohortID); err != nil {
		return false, fmt.Errorf("cases locked: %w", FormatError(err))
	}
	return locked, nil
}

// CheckCaseChange refuses, with an ECONFLICT error that gives the reason, to change the cases or name variants of
// the cohort called name once a stage of its cases has been revealed: participants already read that case with
// that name. A new cohort, unchanged cases (in any order) or a cohort with nothing revealed pass.
func (db *DB) CheckCaseChange(ctx context.Context, name string, cases []string) error {
	return checkCaseChange(ctx, db, name, cases)
}

// checkCaseChange is CheckCaseChange on q, so that saving a cohort can run it in its own transaction.
func checkCaseChange(ctx context.Context, q sqlx.QueryerContext, name string, cases []string) error {
	var row struct {
		Cases      pq.StringArray `db:"cases"`
		Case       string         `db:"case_id"`
		Variant    string         `db:"variant"`
		Stage      string         `db:"stage_id"`
		RevealedAt time.Time      `db:"revealed_at"`
	}
	err := sqlx.GetContext(ctx, q, &row, `
		SELECT c.cases, r.case_id, r.variant, r.stage_id, r.revealed_at
		FROM cohorts c JOIN case_reveals r ON r.cohort_id = c.id
		WHERE c.name = $1
		ORDER BY r.revealed_at, r.id LIMIT 1`, name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check case change: %w", FormatError(err))
	}
	if sameCases(row.Cases, cases) {
		return nil
	}
	return fmt.Errorf("check case change: %w", &CaseChangeError{Cohort: name, RevealedAt: row.RevealedAt,
		Case: nameOf(row.Variant), Stage: row.Stage})
}

func sameCases(a, b []string) bool {
	norm := func(s []string) []string {
		out := make([]string, 0, len(s))
		for _, v := range s {
			out = append(out, strings.ToLower(strings.TrimSpace(v)))
		}
		sort.Strings(out)
		return out
	}
	x, y := norm(a), norm(b)
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

// nameOf writes a variant id as the name participants know ("johanna" -> "Johanna").
func nameOf(variant string) string {
	if variant == "" {
		return variant
	}
	return strings.ToUpper(variant[:1]) + variant[1:]
}
