package store

import (
	"context"
	"fmt"
	"time"
)

// An Events API event counts as handled only once its handler has run to the end: the dispatcher asks
// EventHandled before it runs the handler, and calls MarkEventHandled after it succeeded. A process that dies in
// the middle of a handler has recorded nothing, so Slack's retry is handled; a retry after success is dropped.
// Two replicas that receive the same retry at the same moment may both run the handler; the handlers are
// idempotent for that.

// EventHandled reports whether an event id (an Events API event_id) was recorded as handled: true means this
// delivery is a retry of an event already handled.
func (db *DB) EventHandled(ctx context.Context, id string) (bool, error) {
	var handled bool
	if err := db.GetContext(ctx, &handled, `
		SELECT EXISTS (SELECT 1 FROM slack_events WHERE event_id = $1)`, id); err != nil {
		return false, fmt.Errorf("read slack event: %w", FormatError(err))
	}
	return handled, nil
}

// MarkEventHandled records that the handler of an event id ran to the end. Recording it twice is harmless.
func (db *DB) MarkEventHandled(ctx context.Context, id string) error {
	if _, err := db.ExecContext(ctx, `
		INSERT INTO slack_events (event_id, received_at)
		VALUES ($1, $2)
		ON CONFLICT (event_id) DO NOTHING`,
		id, db.Now()); err != nil {
		return fmt.Errorf("record slack event: %w", FormatError(err))
	}
	return nil
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
