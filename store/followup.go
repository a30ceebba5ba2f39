package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/lib/pq"
)

// ErrFollowUpNoAnswer says a note was added to the follow-up before any answer was chosen.
var ErrFollowUpNoAnswer = errors.New("follow-up has no answer yet")

// FollowUpAnswer is a participant's answer to the follow-up ("Hoe staat het ermee?"): one of
// content.FollowUpAnswers, and a note only they see.
type FollowUpAnswer struct {
	ID         int64     `db:"id"`
	CohortID   int64     `db:"cohort_id"`
	UserID     string    `db:"user_id"`
	Answer     string    `db:"answer"`
	Note       string    `db:"note"`
	Version    int       `db:"version"` // goes up when the answer changes
	AnsweredAt time.Time `db:"answered_at"`
	UpdatedAt  time.Time `db:"updated_at"`
}

// FollowUpEdit is a click on an answer button (Answer set) or a saved note (Note set), or both.
type FollowUpEdit struct {
	CohortID int64
	UserID   string
	Answer   string  // one of content.FollowUpAnswers; "" keeps the stored answer
	Note     *string // nil keeps the stored note
}

// AnswerFollowUp stores e: the answer (its version goes up when it changes; the same click twice changes nothing)
// and the note. A note with no answer stored or given is ErrFollowUpNoAnswer.
func (db *DB) AnswerFollowUp(ctx context.Context, e FollowUpEdit) (FollowUpAnswer, error) {
	if err := checkUserID(e.UserID); err != nil {
		return FollowUpAnswer{}, fmt.Errorf("answer follow-up: %w", err)
	}
	if e.Answer != "" && !slices.Contains(content.FollowUpAnswers, e.Answer) {
		return FollowUpAnswer{}, fmt.Errorf("answer follow-up: unknown answer %q", e.Answer)
	}
	now := db.Now()
	var out []FollowUpAnswer
	var err error
	if e.Answer == "" {
		note := ""
		if e.Note != nil {
			note = *e.Note
		}
		err = db.SelectContext(ctx, &out, `
			UPDATE followup_answers SET note = $3, updated_at = $4
			WHERE cohort_id = $1 AND user_id = $2
			RETURNING id, cohort_id, user_id, answer, note, version, answered_at, updated_at`,
			e.CohortID, e.UserID, note, now)
	} else {
		err = db.SelectContext(ctx, &out, `
			INSERT INTO followup_answers (cohort_id, user_id, answer, note, answered_at, updated_at)
			VALUES ($1, $2, $3, COALESCE($4, ''), $5, $5)
			ON CONFLICT (cohort_id, user_id) DO UPDATE
			SET answer = EXCLUDED.answer,
			    note = COALESCE($4, followup_answers.note),
			    version = followup_answers.version + (followup_answers.answer <> EXCLUDED.answer)::int,
			    answered_at = CASE WHEN followup_answers.answer <> EXCLUDED.answer THEN EXCLUDED.answered_at
			                       ELSE followup_answers.answered_at END,
			    updated_at = EXCLUDED.updated_at
			RETURNING id, cohort_id, user_id, answer, note, version, answered_at, updated_at`,
			e.CohortID, e.UserID, e.Answer, e.Note, now)
	}
	if err != nil {
		return FollowUpAnswer{}, fmt.Errorf("answer follow-up: %w", FormatError(err))
	}
	if len(out) == 0 {
		return FollowUpAnswer{}, fmt.Errorf("answer follow-up: %w", ErrFollowUpNoAnswer)
	}
	return out[0], nil
}

// FollowUpOf returns userID's answer in the cohort; an error with code ENOTFOUND when they have not answered.
func (db *DB) FollowUpOf(ctx context.Context, cohortID int64, userID string) (FollowUpAnswer, error) {
	var a FollowUpAnswer
	if err := db.GetContext(ctx, &a, `
		SELECT id, cohort_id, user_id, answer, note, version, answered_at, updated_at
		FROM followup_answers WHERE cohort_id = $1 AND user_id = $2`, cohortID, userID); err != nil {
		return FollowUpAnswer{}, fmt.Errorf("follow-up of: %w", FormatError(err))
	}
	return a, nil
}

// The trainers' view of the follow-up: counts only, never one person's answer. The rule is the competentiemeter's
// (store/meter_figures.go) for what applies to counts, plus one of its own:
//
//   - Only participants count: people recorded as participants of the cohort who are not its trainers.
//   - Counts are shown from MinGroup answers, and never when they are all the same answer: then the counts would
//     say what each one answered.
//   - Counts are a snapshot that moves on only when at least MinChange answers were added, changed or removed
//     since the snapshot trainers saw last, so that no two views differ by one or two people; and not when the
//     answers added or changed since are all the same, which the difference of the two views would give away.
//     Until then trainers see the last snapshot, dated.
//
// Unlike the competentiemeter there is nothing to share with the trainers, so no individual answer is ever known
// to them and no system of equations is needed: a difference of counts is the only way to learn an answer.
// While nothing can be shown, the trainers are not told how many answered either: a count of three or more with
// nothing shown would say the answers are all the same.

// FollowUpSnapshot is a set of counts trainers were shown: how many answers, and how many of each.
type FollowUpSnapshot struct {
	ID      int64          `db:"id"`
	TakenAt time.Time      `db:"taken_at"`
	Members int            `db:"members"`
	Counts  map[string]int `db:"-"` // by answer; every answer present, 0 included
}

// FollowUpFigures is what the trainers of a cohort may see of the follow-up.
type FollowUpFigures struct {
	Participants int               // the cohort's participants, also those who left the channel: their answers count too
	Snapshot     *FollowUpSnapshot // nil: nothing to show yet
	Current      bool              // the snapshot counts the answers as they are now
}

// FollowUpCounts decides what the trainers of a cohort may see now of the follow-up, records it as seen, and
// returns it. Call it only to show the counts to a trainer: what it returns counts as shown.
func (db *DB) FollowUpCounts(ctx context.Context, cohortID int64) (FollowUpFigures, error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return FollowUpFigures{}, fmt.Errorf("follow-up counts: %w", FormatError(err))
	}
	defer tx.Rollback()
	// Two trainers (or replicas) looking at once take turns, so that each decides knowing what the other showed.
	if _, err := tx.ExecContext(ctx, `
		SELECT pg_advisory_xact_lock(hashtextextended('followup_counts/' || $1::text, 0))`, cohortID); err != nil {
		return FollowUpFigures{}, fmt.Errorf("follow-up counts: lock: %w", FormatError(err))
	}
	var out FollowUpFigures
	if err := tx.GetContext(ctx, &out.Participants, `
		SELECT count(*) FROM participants p
		WHERE p.cohort_id = $1
		  AND NOT EXISTS (SELECT 1 FROM cohort_trainers t WHERE t.cohort_id = p.cohort_id AND t.user_id = p.user_id)`,
		cohortID); err != nil {
		return FollowUpFigures{}, fmt.Errorf("follow-up counts: participants: %w", FormatError(err))
	}
	var answers []struct {
		ID      int64  `db:"id"`
		Version int    `db:"version"`
		Answer  string `db:"answer"`
	}
	if err := tx.SelectContext(ctx, &answers, `
		SELECT a.id, a.version, a.answer
		FROM followup_answers a
		JOIN participants p ON p.cohort_id = a.cohort_id AND p.user_id = a.user_id
		WHERE a.cohort_id = $1
		  AND NOT EXISTS (SELECT 1 FROM cohort_trainers t WHERE t.cohort_id = a.cohort_id AND t.user_id = a.user_id)
		ORDER BY a.id`, cohortID); err != nil {
		return FollowUpFigures{}, fmt.Errorf("follow-up counts: answers: %w", FormatError(err))
	}

	last, members, err := lastFollowUpSnapshot(ctx, tx, cohortID)
	if err != nil {
		return FollowUpFigures{}, fmt.Errorf("follow-up counts: %w", err)
	}
	// What changed since the last snapshot: answers added or changed (with their answer now), and removed.
	changed, removed := []string{}, 0
	now := map[int64]bool{}
	for _, a := range answers {
		now[a.ID] = true
		if v, ok := members[a.ID]; !ok || v != a.Version {
			changed = append(changed, a.Answer)
		}
	}
	for id := range members {
		if !now[id] {
			removed++
		}
	}
	out.Snapshot = last
	if last != nil && len(changed)+removed == 0 {
		out.Current = true
		return out, nil
	}
	counts := map[string]int{}
	for _, a := range content.FollowUpAnswers {
		counts[a] = 0
	}
	for _, a := range answers {
		counts[a.Answer]++
	}
	switch {
	case len(answers) < MinGroup:
		return out, nil
	case uniform(counts):
		return out, nil
	case last != nil && len(changed)+removed < MinChange:
		return out, nil
	case last != nil && len(changed) > 0 && allSame(changed):
		return out, nil
	}

	snap := &FollowUpSnapshot{TakenAt: db.Now(), Members: len(answers), Counts: counts}
	b, err := json.Marshal(counts)
	if err != nil {
		return FollowUpFigures{}, fmt.Errorf("follow-up counts: %w", err)
	}
	if err := tx.GetContext(ctx, &snap.ID, `
		INSERT INTO followup_snapshots (cohort_id, taken_at, members, counts)
		VALUES ($1, $2, $3, $4) RETURNING id`, cohortID, snap.TakenAt, snap.Members, string(b)); err != nil {
		return FollowUpFigures{}, fmt.Errorf("follow-up counts: snapshot: %w", FormatError(err))
	}
	ids, versions := make([]int64, len(answers)), make([]int64, len(answers))
	for i, a := range answers {
		ids[i], versions[i] = a.ID, int64(a.Version)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO followup_snapshot_members (snapshot_id, answer_id, version)
		SELECT $1, unnest($2::bigint[]), unnest($3::int[])`, snap.ID, pq.Array(ids), pq.Array(versions)); err != nil {
		return FollowUpFigures{}, fmt.Errorf("follow-up counts: snapshot members: %w", FormatError(err))
	}
	if err := tx.Commit(); err != nil {
		return FollowUpFigures{}, fmt.Errorf("follow-up counts: commit: %w", FormatError(err))
	}
	out.Snapshot, out.Current = snap, true
	return out, nil
}

// uniform reports whether all answers counted are the same answer.
func uniform(counts map[string]int) bool {
	kinds := 0
	for _, n := range counts {
		if n > 0 {
			kinds++
		}
	}
	return kinds <= 1
}

func allSame(answers []string) bool {
	for _, a := range answers[1:] {
		if a != answers[0] {
			return false
		}
	}
	return true
}

// lastFollowUpSnapshot returns the cohort's latest snapshot and its members (answer id -> version); nil when
// trainers were never shown counts.
func lastFollowUpSnapshot(ctx context.Context, tx interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}, cohortID int64) (*FollowUpSnapshot, map[int64]int, error) {
	var rows []struct {
		FollowUpSnapshot
		Counts []byte `db:"counts"`
	}
	if err := tx.SelectContext(ctx, &rows, `
		SELECT id, taken_at, members, counts FROM followup_snapshots
		WHERE cohort_id = $1 ORDER BY id DESC LIMIT 1`, cohortID); err != nil {
		return nil, nil, fmt.Errorf("last snapshot: %w", FormatError(err))
	}
	if len(rows) == 0 {
		return nil, map[int64]int{}, nil
	}
	s := rows[0].FollowUpSnapshot
	if err := json.Unmarshal(rows[0].Counts, &s.Counts); err != nil {
		return nil, nil, fmt.Errorf("last snapshot: counts: %w", err)
	}
	var ms []struct {
		AnswerID int64 `db:"answer_id"`
		Version  int   `db:"version"`
	}
	if err := tx.SelectContext(ctx, &ms, `
		SELECT answer_id, version FROM followup_snapshot_members WHERE snapshot_id = $1`, s.ID); err != nil {
		return nil, nil, fmt.Errorf("last snapshot: members: %w", FormatError(err))
	}
	members := make(map[int64]int, len(ms))
	for _, m := range ms {
		members[m.AnswerID] = m.Version
	}
	return &s, members, nil
}
