package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// World is which world a database belongs to: the sandbox's or a real Slack workspace's (migration 0011).
type World string

// The two worlds.
const (
	WorldSandbox World = "sandbox" // the sandbox has run on the database
	WorldSlack   World = "slack"   // a bot token passed auth.test with it
)

// WorldError says the database belongs to the other world; nothing was written.
type WorldError struct {
	Have  World    // what the database belongs to
	Want  World    // what tried to claim it
	Teams []string // with Have == WorldSlack: the workspaces (team IDs) used with it, if known
}

func (e *WorldError) Error() string {
	if e.Have == WorldSlack && len(e.Teams) > 0 {
		return fmt.Sprintf("the database belongs to Slack workspace %s, not to the %s", strings.Join(e.Teams, ", "), e.Want)
	}
	return fmt.Sprintf("the database belongs to the %s, not to the %s", e.Have, e.Want)
}

// WorldMark is what a database says about its world.
type WorldMark struct {
	Kind      World // "" when nothing has claimed the database yet
	ClaimedAt time.Time
	Teams     []SlackTeam // the workspaces used with it, first used first
}

// SlackTeam is a Slack workspace whose bot token passed auth.test on this database.
type SlackTeam struct {
	TeamID      string    `db:"team_id"`
	TeamName    string    `db:"team_name"`
	FirstAuthAt time.Time `db:"first_auth_at"`
	LastAuthAt  time.Time `db:"last_auth_at"`
}

// World returns the database's world and the Slack workspaces used with it.
func (db *DB) World(ctx context.Context) (WorldMark, error) {
	var m WorldMark
	var row struct {
		Kind      string    `db:"kind"`
		ClaimedAt time.Time `db:"claimed_at"`
	}
	err := db.GetContext(ctx, &row, `SELECT kind, claimed_at FROM world WHERE id = 1`)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return m, fmt.Errorf("world: %w", FormatError(err))
	default:
		m.Kind, m.ClaimedAt = World(row.Kind), row.ClaimedAt
	}
	if err := db.SelectContext(ctx, &m.Teams, `
		SELECT team_id, team_name, first_auth_at, last_auth_at FROM world_slack_teams ORDER BY first_auth_at, team_id`); err != nil {
		return m, fmt.Errorf("world: teams: %w", FormatError(err))
	}
	return m, nil
}

// ClaimSandbox marks the database as the sandbox's, unless it belongs to real Slack: then it returns a
// *WorldError and writes nothing. Claiming again is a no-op.
func (db *DB) ClaimSandbox(ctx context.Context) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("claim database for the sandbox: %w", FormatError(err))
	}
	defer tx.Rollback()
	if err := claimWorld(ctx, tx, WorldSandbox); err != nil {
		return fmt.Errorf("claim database for the sandbox: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("claim database for the sandbox: %w", FormatError(err))
	}
	return nil
}

// ClaimSlack marks the database as real Slack's and records the workspace whose bot token passed auth.test,
// unless the database holds sandbox data: then it returns a *WorldError and writes nothing.
func (db *DB) ClaimSlack(ctx context.Context, teamID, teamName string) error {
	if teamID == "" {
		return errors.New("claim database for slack: no team id")
	}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("claim database for slack: %w", FormatError(err))
	}
	defer tx.Rollback()
	if err := claimWorld(ctx, tx, WorldSlack); err != nil {
		return fmt.Errorf("claim database for slack: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO world_slack_teams (team_id, team_name) VALUES ($1, $2)
		ON CONFLICT (team_id) DO UPDATE SET team_name = EXCLUDED.team_name, last_auth_at = now()`,
		teamID, teamName); err != nil {
		return fmt.Errorf("claim database for slack: team: %w", FormatError(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("claim database for slack: %w", FormatError(err))
	}
	return nil
}

// claimWorld claims an unclaimed database for want, or finds it claimed by want already; otherwise *WorldError.
// Two processes claiming at once for different worlds: one insert wins, the other waits for it and then reads
// its row, so exactly one of them starts.
func claimWorld(ctx context.Context, tx *sqlx.Tx, want World) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO world (kind) VALUES ($1) ON CONFLICT (id) DO NOTHING`, string(want)); err != nil {
		return FormatError(err)
	}
	var have string
	// A new statement: in READ COMMITTED it sees a row another transaction committed while the insert waited.
	if err := tx.GetContext(ctx, &have, `SELECT kind FROM world WHERE id = 1 FOR SHARE`); err != nil {
		return FormatError(err)
	}
	if World(have) == want {
		return nil
	}
	werr := &WorldError{Have: World(have), Want: want}
	if werr.Have == WorldSlack {
		if err := tx.SelectContext(ctx, &werr.Teams, `SELECT team_id FROM world_slack_teams ORDER BY first_auth_at, team_id`); err != nil {
			return FormatError(err)
		}
	}
	return werr
}
