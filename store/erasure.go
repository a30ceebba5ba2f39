package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Stages of an erasure request, in order.
const (
	ErasureStageDatabase = "database" // erase the person's rows (ErasePerson)
	ErasureStageSlack    = "slack"    // delete the bot's messages and files in their DM
	ErasureStageTell     = "tell"     // tell them, in a new message, what was erased and what stays
)

// ErrErasureRunning says the person's erasure was asked for already and is not finished.
var ErrErasureRunning = errors.New("erasure already running")

// ErasureRequest is a "/gesprekbot vergeet-mij" that was confirmed and is not finished: who, how far it got, and
// what it erased so far. It holds the person's user ID only as long as it runs.
type ErasureRequest struct {
	UserID      string         `db:"user_id"`
	RequestedAt time.Time      `db:"requested_at"`
	Stage       string         `db:"stage"`
	DMChannel   string         `db:"dm_channel"`
	MessageTS   pq.StringArray `db:"message_ts"`
	Erased      ErasedCounts   `db:"erased"`
	ResponseURL string         `db:"response_url"`
	Attempts    int            `db:"attempts"`
	// TeamID is the workspace the person asked in (store.TeamFrom when they confirmed); "" for the default one.
	TeamID string `db:"team_id"`
	// Copies are the person's work the bot posted in other people's conversations, read before their rows went:
	// the Slack stage deletes them (or redraws the board without them).
	Copies PostedCopies `db:"copies"`
}

// ErasedCounts are how many things of each kind an erasure removed: rows by table ("meter_measurements"), and
// "slack_messages" and "slack_files" for what it deleted in Slack.
type ErasedCounts map[string]int64

// Add adds every count of o.
func (c ErasedCounts) Add(o map[string]int64) {
	for k, v := range o {
		c[k] += v
	}
}

// Value implements driver.Valuer: the counts as a JSON object.
func (c ErasedCounts) Value() (driver.Value, error) {
	if c == nil {
		return "{}", nil
	}
	return jsonValue(map[string]int64(c))
}

// Scan implements sql.Scanner for the jsonb column.
func (c *ErasedCounts) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case []byte:
		b = v
	case string:
		b = []byte(v)
	case nil:
		*c = ErasedCounts{}
		return nil
	default:
		return fmt.Errorf("erased counts: cannot scan %T", src)
	}
	m := map[string]int64{}
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("erased counts: %w", err)
	}
	*c = m
	return nil
}

// RequestErasure records that userID confirmed their erasure, held by owner until leaseUntil, and returns the
// request. ErrErasureRunning means one is running already (one erasure per person at a time).
func (db *DB) RequestErasure(ctx context.Context, userID, responseURL, owner string, leaseUntil time.Time) (ErasureRequest, error) {
	if err := checkUserID(userID); err != nil {
		return ErasureRequest{}, fmt.Errorf("request erasure: %w", err)
	}
	var out []ErasureRequest
	if err := db.SelectContext(ctx, &out, `
		INSERT INTO erasure_requests (user_id, requested_at, response_url, attempts, lease_owner, lease_until, team_id)
		VALUES ($1, $2, $3, 1, $4, $5, $6)
		ON CONFLICT (user_id) DO NOTHING
		RETURNING user_id, requested_at, stage, dm_channel, message_ts, erased, response_url, attempts, copies, team_id`,
		userID, db.Now(), responseURL, owner, leaseUntil, TeamFrom(ctx)); err != nil {
		return ErasureRequest{}, fmt.Errorf("request erasure: %w", FormatError(err))
	}
	if len(out) == 0 {
		return ErasureRequest{}, fmt.Errorf("request erasure: %w", ErrErasureRunning)
	}
	return out[0], nil
}

// ErasureRunning reports whether userID's erasure was asked for and is not finished.
func (db *DB) ErasureRunning(ctx context.Context, userID string) (bool, error) {
	var ok bool
	if err := db.GetContext(ctx, &ok, `
		SELECT EXISTS (SELECT 1 FROM erasure_requests WHERE user_id = $1)`, userID); err != nil {
		return false, fmt.Errorf("erasure running: %w", FormatError(err))
	}
	return ok, nil
}

// ClaimErasures takes over up to limit requests whose lease ran out (the process running them stopped), for owner
// until leaseUntil, oldest first. Requests another process is claiming at the same moment are skipped.
func (db *DB) ClaimErasures(ctx context.Context, owner string, now, leaseUntil time.Time, limit int) ([]ErasureRequest, error) {
	var out []ErasureRequest
	if err := db.SelectContext(ctx, &out, `
		UPDATE erasure_requests SET lease_owner = $1, lease_until = $3, attempts = attempts + 1
		WHERE user_id IN (
			SELECT user_id FROM erasure_requests
			WHERE lease_until IS NULL OR lease_until < $2
			ORDER BY requested_at
			LIMIT $4
			FOR UPDATE SKIP LOCKED)
		RETURNING user_id, requested_at, stage, dm_channel, message_ts, erased, response_url, attempts, copies, team_id`,
		owner, now, leaseUntil, limit); err != nil {
		return nil, fmt.Errorf("claim erasures: %w", FormatError(err))
	}
	return out, nil
}

// AdvanceErasure records how far owner's request got (its stage, the DM, the recorded messages, the counts so far)
// and extends the lease to leaseUntil. ErrLeaseLost means another process has taken the request over.
func (db *DB) AdvanceErasure(ctx context.Context, r ErasureRequest, owner string, leaseUntil time.Time) error {
	switch r.Stage {
	case ErasureStageDatabase, ErasureStageSlack, ErasureStageTell:
	default:
		return fmt.Errorf("advance erasure: unknown stage %q", r.Stage)
	}
	if r.MessageTS == nil {
		r.MessageTS = pq.StringArray{}
	}
	res, err := db.ExecContext(ctx, `
		UPDATE erasure_requests SET stage = $3, dm_channel = $4, message_ts = $5, erased = $6, lease_until = $7,
			copies = $8
		WHERE user_id = $1 AND lease_owner = $2`,
		r.UserID, owner, r.Stage, r.DMChannel, r.MessageTS, r.Erased, leaseUntil, r.Copies)
	return leaseResult("advance erasure", res, err)
}

// RenewErasure extends owner's lease on userID's request; ErrLeaseLost means another process has it now.
func (db *DB) RenewErasure(ctx context.Context, userID, owner string, leaseUntil time.Time) error {
	res, err := db.ExecContext(ctx, `
		UPDATE erasure_requests SET lease_until = $3 WHERE user_id = $1 AND lease_owner = $2`,
		userID, owner, leaseUntil)
	return leaseResult("renew erasure", res, err)
}

// FinishErasure removes owner's finished request: what stays of the person is the tombstone in erased_users.
func (db *DB) FinishErasure(ctx context.Context, userID, owner string) error {
	// The closing message to them booked a rate-limit bucket named by their ID or DM (pace.go): it goes now,
	// not when it has been idle for a minute.
	if _, err := db.ExecContext(ctx, `
		DELETE FROM pace_buckets
		WHERE split_part(key, '/channel:', 2) = $1
		   OR split_part(key, '/channel:', 2) IN (SELECT dm_channel FROM erasure_requests WHERE user_id = $1)`,
		userID); err != nil {
		return fmt.Errorf("finish erasure: %w", FormatError(err))
	}
	res, err := db.ExecContext(ctx, `
		DELETE FROM erasure_requests WHERE user_id = $1 AND lease_owner = $2`, userID, owner)
	return leaseResult("finish erasure", res, err)
}
