package store

import (
	"context"
	"fmt"
	"time"
)

// SeenEvent records a Slack event id (an Events API event_id, or a stable id for an interaction) and reports
// whether it had been recorded before: true means this delivery is a retry of one already handled. The insert
// commits on its own, so two replicas receiving the same retry agree on which one handles it.
func (db *DB) SeenEvent(ctx context.Context, id string) (bool, error) {
	res, err := db.ExecContext(ctx, `
		INSERT INTO slack_events (event_id, received_at)
		VALUES ($1, $2)
		ON CONFLICT (event_id) DO NOTHING`,
		id, db.Now())
	if err != nil {
		return false, fmt.Errorf("record slack event: %w", FormatError(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record slack event: %w", err)
	}
	return n == 0, nil
}

// PruneEvents deletes event ids received before the given time (Slack stops retrying after about an hour; a day
// is a comfortable margin) and returns how many it deleted.
func (db *DB) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.ExecContext(ctx, `DELETE FROM slack_events WHERE received_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("prune slack events: %w", FormatError(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune slack events: %w", err)
	}
	return n, nil
}

// ForgetEvent removes a recorded event id, so that Slack's retry of an event whose handling failed is handled
// again rather than dropped as a duplicate.
func (db *DB) ForgetEvent(ctx context.Context, id string) error {
	if _, err := db.ExecContext(ctx, `DELETE FROM slack_events WHERE event_id = $1`, id); err != nil {
		return fmt.Errorf("forget slack event: %w", FormatError(err))
	}
	return nil
}
