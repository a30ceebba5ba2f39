package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/gesprekbot/gesprekbot/content"
)

// ErrParticipantLeft means the person left the cohort's channel: what they ask to change is the group's, and they
// are no longer in it. Nothing was written.
var ErrParticipantLeft = errors.New("participant left the cohort's channel")

// Participation returns userID's participation in a cohort, or an ENOTFOUND error when the bot never recorded them
// there.
func (db *DB) Participation(ctx context.Context, cohortID int64, userID string) (content.Participation, error) {
	var p content.Participation
	stmt, err := db.participation.get(ctx, db, `
		SELECT cohort_id, user_id, joined_at, left_at FROM participants
		WHERE cohort_id = $1 AND user_id = $2`)
	if err != nil {
		return content.Participation{}, fmt.Errorf("participation: %w", FormatError(err))
	}
	if err := stmt.GetContext(ctx, &p, cohortID, userID); err != nil {
		return content.Participation{}, fmt.Errorf("participation: %w", notFound(err, ErrNotEnrolled))
	}
	return p, nil
}

// ParticipationsOf returns every cohort userID was recorded in, present or left, oldest cohort first.
func (db *DB) ParticipationsOf(ctx context.Context, userID string) ([]content.Participation, error) {
	var out []content.Participation
	if err := db.SelectContext(ctx, &out, `
		SELECT p.cohort_id, p.user_id, p.joined_at, p.left_at FROM participants p JOIN cohorts c ON c.id = p.cohort_id
		WHERE p.user_id = $1 AND ($2 = '' OR c.team_id = $2) ORDER BY p.cohort_id`, userID, TeamFrom(ctx)); err != nil {
		return nil, fmt.Errorf("participations of user: %w", FormatError(err))
	}
	return out, nil
}

// LeftParticipants returns the user IDs of the people who left a cohort's channel, by user ID: the trainers'
// overviews show them as left.
func (db *DB) LeftParticipants(ctx context.Context, cohortID int64) ([]string, error) {
	var out []string
	if err := db.SelectContext(ctx, &out, `
		SELECT user_id FROM participants
		WHERE cohort_id = $1 AND left_at IS NOT NULL ORDER BY user_id`, cohortID); err != nil {
		return nil, fmt.Errorf("left participants of cohort %d: %w", cohortID, FormatError(err))
	}
	return out, nil
}

// RecordLeave records that a participant left (or was removed from) a cohort's channel, with an audit row, in one
// transaction. Nothing about them is deleted. It reports whether anything changed: a retried event, someone who had
// left already, or someone the bot never recorded as a participant (a trainer, a bot) changes nothing.
func (db *DB) RecordLeave(ctx context.Context, cohortID int64, userID string) (bool, error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("record leave: %w", FormatError(err))
	}
	defer tx.Rollback()
	now := db.Now()
	res, err := tx.ExecContext(ctx, `
		UPDATE participants SET left_at = $3
		WHERE cohort_id = $1 AND user_id = $2 AND left_at IS NULL`,
		cohortID, userID, now)
	if err != nil {
		return false, fmt.Errorf("record leave: %w", FormatError(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record leave: %w", err)
	}
	if n == 0 {
		return false, nil
	}
	if err := auditIn(ctx, tx, now, AuditEntry{CohortID: &cohortID, Actor: userID, UserID: userID,
		Action: "participant_left"}); err != nil {
		return false, fmt.Errorf("record leave: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("record leave: commit: %w", FormatError(err))
	}
	return true, nil
}
