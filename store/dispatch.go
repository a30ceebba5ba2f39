package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/gesprekbot/gesprekbot/content"
)

// StatusExpanded is the status of a planned row for "each participant" (or "the trainers") once the dispatcher
// has made one row per recipient out of it. It is never posted itself.
const StatusExpanded = "expanded"

// ErrLeaseLost is returned when a dispatcher records the outcome of a row it no longer holds: its lease expired
// and another dispatcher took the row over (that one checks the conversation's history before sending again).
var ErrLeaseLost = errors.New("delivery lease lost")

// Claim is a delivery a dispatcher holds under a lease.
type Claim struct {
	content.Delivery
	// ClaimedAt is when a dispatcher first took the row: the earliest moment it can have been posted.
	ClaimedAt *time.Time `db:"claimed_at"`
	// AttemptedAt is when a dispatcher last set out to post the row (StartAttempt); nil when none ever did.
	AttemptedAt *time.Time `db:"attempted_at"`
	// Attempted is true when a dispatcher set out to post the row before and did not record the outcome (it died,
	// the post failed, or it gave the row back): it may have been posted already, so the conversation's history
	// must be checked for its key first. A row that was never attempted is posted without that look-up.
	Attempted bool `db:"-"`
}

// markAttempted sets Attempted on claims that were attempted before.
func markAttempted(cs []Claim) []Claim {
	for i := range cs {
		cs[i].Attempted = cs[i].AttemptedAt != nil
	}
	return cs
}

// MarkMissed marks up to limit pending rows whose deadline has passed as missed, oldest first, and returns them.
// Rows another transaction holds are skipped; they are picked up by the next call.
func (db *DB) MarkMissed(ctx context.Context, now time.Time, limit int) ([]Claim, error) {
	var out []Claim
	// deadline >= due_at always holds, so the pending-due index finds these rows without a scan.
	err := db.SelectContext(ctx, &out, `
		UPDATE deliveries SET status = 'missed', error = 'deadline passed', updated_at = $1
		WHERE id IN (
			SELECT id FROM deliveries
			WHERE status = 'pending' AND due_at <= $1 AND deadline < $1
			ORDER BY due_at
			LIMIT $2
			FOR UPDATE SKIP LOCKED)
		RETURNING id, key, cohort_id, rule_id, kind, module, audience, recipient, due_at, deadline, status, attempts,
		          channel_id, ts, error, sent_at, title, note, follows_calendar, claimed_at, attempted_at`,
		now, limit)
	if err != nil {
		return nil, fmt.Errorf("mark missed deliveries: %w", FormatError(err))
	}
	return out, nil
}

// ClaimDue takes up to limit pending rows that are due at now and still before their deadline, oldest first, for
// owner until leaseUntil. Rows that another dispatcher is claiming at the same moment are skipped, so that several
// dispatchers never take the same row.
func (db *DB) ClaimDue(ctx context.Context, owner string, now, leaseUntil time.Time, limit int) ([]Claim, error) {
	var out []Claim
	err := db.SelectContext(ctx, &out, `
		UPDATE deliveries SET status = 'sending', lease_owner = $1, lease_until = $3, attempts = attempts + 1,
		                      claimed_at = COALESCE(claimed_at, $2), updated_at = $2
		WHERE id IN (
			SELECT id FROM deliveries
			WHERE status = 'pending' AND due_at <= $2 AND (deadline IS NULL OR deadline >= $2)
			ORDER BY due_at
			LIMIT $4
			FOR UPDATE SKIP LOCKED)
		RETURNING id, key, cohort_id, rule_id, kind, module, audience, recipient, due_at, deadline, status, attempts,
		          channel_id, ts, error, sent_at, title, note, follows_calendar, claimed_at, attempted_at`,
		owner, now, leaseUntil, limit)
	if err != nil {
		return nil, fmt.Errorf("claim due deliveries: %w", FormatError(err))
	}
	return markAttempted(out), nil
}

// ClaimExpired takes over up to limit rows whose lease expired while sending (their dispatcher died, or left them
// to be retried after a backoff), for owner until leaseUntil. Those that were attempted come back with Attempted
// set: whether they were posted is unknown until the conversation's history has been checked.
func (db *DB) ClaimExpired(ctx context.Context, owner string, now, leaseUntil time.Time, limit int) ([]Claim, error) {
	var out []Claim
	err := db.SelectContext(ctx, &out, `
		UPDATE deliveries SET lease_owner = $1, lease_until = $3, attempts = attempts + 1,
		                      claimed_at = COALESCE(claimed_at, $2), updated_at = $2
		WHERE id IN (
			SELECT id FROM deliveries
			WHERE status = 'sending' AND lease_until < $2
			ORDER BY lease_until
			LIMIT $4
			FOR UPDATE SKIP LOCKED)
		RETURNING id, key, cohort_id, rule_id, kind, module, audience, recipient, due_at, deadline, status, attempts,
		          channel_id, ts, error, sent_at, title, note, follows_calendar, claimed_at, attempted_at`,
		owner, now, leaseUntil, limit)
	if err != nil {
		return nil, fmt.Errorf("claim expired deliveries: %w", FormatError(err))
	}
	return markAttempted(out), nil
}

// ClaimOrphaned takes over, for owner until leaseUntil, up to limit rows sending under a registered owner whose
// session is gone (owner.go): the process died, so its leases need not run out first. A row it never attempted is
// taken at once: had the owner only lost its session and still be running, taking the row first makes its
// StartAttempt fail, so it cannot post it. A row it attempted is taken once the owner has not been seen for quiet:
// by then an owner that lost its session has stopped its posts by itself; these come back with Attempted set.
func (db *DB) ClaimOrphaned(ctx context.Context, owner string, now, leaseUntil time.Time, quiet time.Duration, limit int) ([]Claim, error) {
	var out []Claim
	err := db.SelectContext(ctx, &out, `
		WITH dead AS (
			SELECT o.name, o.seen_at FROM owners o
			WHERE o.name <> $1 AND NOT `+liveOwner+`)
		UPDATE deliveries SET lease_owner = $1, lease_until = $3, attempts = attempts + 1,
		                      claimed_at = COALESCE(claimed_at, $2), updated_at = $2
		WHERE id IN (
			SELECT d.id FROM deliveries d JOIN dead ON d.lease_owner = dead.name
			WHERE d.status = 'sending'
			  AND (d.attempted_at IS NULL OR dead.seen_at < now() - make_interval(secs => $5))
			ORDER BY d.lease_until
			LIMIT $4
			FOR UPDATE OF d SKIP LOCKED)
		RETURNING id, key, cohort_id, rule_id, kind, module, audience, recipient, due_at, deadline, status, attempts,
		          channel_id, ts, error, sent_at, title, note, follows_calendar, claimed_at, attempted_at`,
		owner, now, leaseUntil, limit, quiet.Seconds())
	if err != nil {
		return nil, fmt.Errorf("claim orphaned deliveries: %w", FormatError(err))
	}
	return markAttempted(out), nil
}

// StartAttempt extends owner's lease on a row that is still sending and records that it is about to be posted,
// right before the post: from here on, whoever takes the row over looks in the conversation's history first.
// ErrLeaseLost means another dispatcher has taken the row over and this one must not post it.
func (db *DB) StartAttempt(ctx context.Context, id int64, owner string, now, leaseUntil time.Time) error {
	stmt, err := db.startAttempt.get(ctx, db, `
		UPDATE deliveries SET lease_until = $4, attempted_at = $3
		WHERE id = $1 AND status = 'sending' AND lease_owner = $2`)
	if err != nil {
		return fmt.Errorf("start delivery attempt: %w", FormatError(err))
	}
	res, err := stmt.ExecContext(ctx, id, owner, now, leaseUntil)
	return leaseResult("start delivery attempt", res, err)
}

// DeferDelivery gives a row owner holds back to pending, due again at dueAt with note saying why (the calendar
// does not allow it now), without counting the attempt. dueAt must not be after the row's deadline.
func (db *DB) DeferDelivery(ctx context.Context, id int64, owner string, dueAt time.Time, note string, now time.Time) error {
	res, err := db.ExecContext(ctx, `
		UPDATE deliveries SET status = 'pending', due_at = $3, note = $4, lease_owner = NULL, lease_until = NULL,
		                      attempts = GREATEST(attempts - 1, 0), updated_at = $5
		WHERE id = $1 AND status = 'sending' AND lease_owner = $2`,
		id, owner, dueAt, note, now)
	return leaseResult("defer delivery", res, err)
}

// ExpandDelivery turns a claimed planned row for several people into one row per recipient, in one transaction:
// the parent becomes expanded, and each recipient gets a row keyed "<parent key>/<user ID>" with audience
// "participant", already claimed by owner until leaseUntil. A recipient who has a row already (an earlier
// expansion that crashed, or a replica's) gets none: permanent keys make this idempotent. Only the new rows are
// returned. participant says whether the recipients are participants, who are then recorded as members of the
// cohort. ErrLeaseLost means another dispatcher holds the parent now.
func (db *DB) ExpandDelivery(ctx context.Context, parent Claim, owner string, recipients []string, participant bool, now, leaseUntil time.Time) ([]Claim, error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("expand delivery %s: %w", parent.Key, FormatError(err))
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `
		UPDATE deliveries SET status = 'expanded', lease_owner = NULL, lease_until = NULL, error = NULL,
		                      updated_at = $3
		WHERE id = $1 AND status = 'sending' AND lease_owner = $2`,
		parent.ID, owner, now)
	if err := leaseResult("expand delivery "+parent.Key, res, err); err != nil {
		return nil, err
	}
	var out []Claim
	if err := tx.SelectContext(ctx, &out, `
		INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at, deadline,
		                        title, note, follows_calendar, status, attempts, lease_owner, lease_until,
		                        claimed_at, created_at, updated_at)
		SELECT p.key || '/' || r.user_id, p.cohort_id, p.rule_id, p.kind, p.module, 'participant', r.user_id,
		       p.due_at, p.deadline, p.title, p.note, p.follows_calendar, 'sending', 1, $3, $5, $4, $4, $4
		FROM deliveries p, unnest($2::text[]) AS r(user_id)
		WHERE p.id = $1
		  -- someone who asked to be forgotten is not messaged again (store/privacy.go)
		  AND NOT EXISTS (SELECT 1 FROM erased_users e WHERE e.user_hash = sha256(convert_to(r.user_id, 'UTF8')))
		ON CONFLICT DO NOTHING
		RETURNING id, key, cohort_id, rule_id, kind, module, audience, recipient, due_at, deadline, status, attempts,
		          channel_id, ts, error, sent_at, title, note, follows_calendar, claimed_at, attempted_at`,
		parent.ID, pq.Array(recipients), owner, now, leaseUntil); err != nil {
		return nil, fmt.Errorf("expand delivery %s: %w", parent.Key, FormatError(err))
	}
	if participant && len(recipients) > 0 {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO participants (cohort_id, user_id, joined_at)
			SELECT $1, r.user_id, $3 FROM unnest($2::text[]) AS r(user_id)
			WHERE NOT EXISTS (SELECT 1 FROM erased_users e WHERE e.user_hash = sha256(convert_to(r.user_id, 'UTF8')))
			ON CONFLICT (cohort_id, user_id) DO UPDATE SET left_at = NULL
			WHERE participants.left_at IS NOT NULL`,
			parent.CohortID, pq.Array(recipients), now); err != nil {
			return nil, fmt.Errorf("expand delivery %s: participants: %w", parent.Key, FormatError(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("expand delivery %s: commit: %w", parent.Key, FormatError(err))
	}
	return out, nil
}

// Participants returns the user IDs of everyone recorded as a participant of a cohort, present or gone: people
// the bot has seen in the channel, who are known not to be bots.
func (db *DB) Participants(ctx context.Context, cohortID int64) ([]string, error) {
	var out []string
	if err := db.SelectContext(ctx, &out, `
		SELECT user_id FROM participants WHERE cohort_id = $1 ORDER BY user_id`, cohortID); err != nil {
		return nil, fmt.Errorf("participants of cohort %d: %w", cohortID, FormatError(err))
	}
	return out, nil
}

// MarkSent records that owner posted a row: where (the conversation's ID) and its Slack ts.
func (db *DB) MarkSent(ctx context.Context, id int64, owner, channelID, ts string, now time.Time) error {
	stmt, err := db.markSent.get(ctx, db, `
		UPDATE deliveries SET status = 'sent', channel_id = $3, ts = $4, sent_at = $5, error = NULL,
		                      lease_owner = NULL, lease_until = NULL, updated_at = $5
		WHERE id = $1 AND status = 'sending' AND lease_owner = $2`)
	if err != nil {
		return fmt.Errorf("mark delivery sent: %w", FormatError(err))
	}
	res, err := stmt.ExecContext(ctx, id, owner, channelID, ts, now)
	return leaseResult("mark delivery sent", res, err)
}

// FinishDelivery ends a row owner holds with status failed, missed or cancelled, and the reason why.
func (db *DB) FinishDelivery(ctx context.Context, id int64, owner, status, reason string, now time.Time) error {
	switch status {
	case StatusFailed, StatusMissed, StatusCancelled:
	default:
		return fmt.Errorf("finish delivery: status %q is not an end state", status)
	}
	res, err := db.ExecContext(ctx, `
		UPDATE deliveries SET status = $3, error = $4, lease_owner = NULL, lease_until = NULL, updated_at = $5
		WHERE id = $1 AND status = 'sending' AND lease_owner = $2`,
		id, owner, status, reason, now)
	return leaseResult("finish delivery", res, err)
}

// RetryDelivery leaves a row that owner could not send in "sending" with its lease ending at retryAt: it is then
// taken over as expired, and its conversation's history is checked before it is posted again, because a failed
// attempt may have been posted after all.
func (db *DB) RetryDelivery(ctx context.Context, id int64, owner, reason string, retryAt, now time.Time) error {
	res, err := db.ExecContext(ctx, `
		UPDATE deliveries SET lease_until = $3, error = $4, updated_at = $5
		WHERE id = $1 AND status = 'sending' AND lease_owner = $2`,
		id, owner, retryAt, reason, now)
	return leaseResult("retry delivery", res, err)
}

// ReleaseDeliveries gives rows that owner holds back to pending, for any dispatcher to claim again, without
// counting the attempt: rows it claimed and never tried (it is stopping), or rows Slack refused for the whole
// workspace (sending is paused). A row keeps its attempted_at, so that one that may have been posted is looked for
// in the history when it is claimed again. It returns how many it released.
func (db *DB) ReleaseDeliveries(ctx context.Context, owner string, ids []int64, now time.Time) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	res, err := db.ExecContext(ctx, `
		UPDATE deliveries SET status = 'pending', lease_owner = NULL, lease_until = NULL,
		                      attempts = GREATEST(attempts - 1, 0), updated_at = $3
		WHERE id = ANY($1) AND status = 'sending' AND lease_owner = $2`,
		pq.Array(ids), owner, now)
	if err != nil {
		return 0, fmt.Errorf("release deliveries: %w", FormatError(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("release deliveries: %w", err)
	}
	return int(n), nil
}

func leaseResult(op string, res interface{ RowsAffected() (int64, error) }, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", op, FormatError(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", op, ErrLeaseLost)
	}
	return nil
}
