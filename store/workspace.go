package store

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
)

// The workspaces the app is installed in (migration 0020): the Slack workspaces that went through the OAuth v2
// install (/slack/install), each with its bot token sealed by the DB's Keys (seal.go). The deployment's own
// workspace, whose token is SLACK_BOT_TOKEN, needs no row.

var (
	// ErrWorkspaceGone: the app was uninstalled from the workspace, or its tokens were revoked; nothing more is
	// sent to it until it is installed again.
	ErrWorkspaceGone = &Error{Code: content.EFORBIDDEN, Reason: "workspace uninstalled or its token revoked"}
	// ErrNoWorkspace: the app was never installed in the workspace with OAuth.
	ErrNoWorkspace = &Error{Code: content.ENOTFOUND, Reason: "workspace not installed"}
)

// Workspace is an install of the app in a Slack workspace, without its token.
type Workspace struct {
	TeamID        string     `db:"team_id"`
	TeamName      string     `db:"team_name"`
	BotUserID     string     `db:"bot_user_id"`
	AppID         string     `db:"app_id"`
	Scopes        string     `db:"scopes"`
	InstalledBy   string     `db:"installed_by"` // the Slack user who approved the install
	InstalledAt   time.Time  `db:"installed_at"` // the last install (a reinstall moves it)
	UpdatedAt     time.Time  `db:"updated_at"`
	UninstalledAt *time.Time `db:"uninstalled_at"` // nil while installed
	KeyID         *string    `db:"key_id"`         // the key the token is sealed with; nil once uninstalled
}

// Install is what Slack's oauth.v2.access answered for a workspace: SaveInstall seals BotToken.
type Install struct {
	TeamID, TeamName, BotUserID, AppID, Scopes, InstalledBy string
	BotToken                                                string
}

// keys returns the keyring, or ErrTokenKeyMissing.
func (db *DB) keys() (*Keyring, error) {
	if db.Keys == nil {
		return nil, ErrTokenKeyMissing
	}
	return db.Keys, nil
}

// SaveInstall stores an install: a new workspace, or a reinstall of one (uninstalled or not), whose token then
// replaces the old one. The token is sealed for the team; the audit row says who installed the app where, never
// the token.
func (db *DB) SaveInstall(ctx context.Context, in Install) error {
	keys, err := db.keys()
	if err != nil {
		return fmt.Errorf("save install: %w", err)
	}
	if in.TeamID == "" || in.BotToken == "" {
		return errors.New("save install: no team id or no bot token")
	}
	sealed, keyID, err := keys.Seal(in.TeamID, in.BotToken)
	if err != nil {
		return fmt.Errorf("save install: %w", err)
	}
	now := db.Now()
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save install: %w", FormatError(err))
	}
	defer tx.Rollback()
	var reinstall bool
	if err := tx.GetContext(ctx, &reinstall, `
		INSERT INTO workspaces (team_id, team_name, bot_user_id, app_id, sealed_token, key_id, scopes, installed_by,
		                        installed_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
		ON CONFLICT (team_id) DO UPDATE SET
			team_name = EXCLUDED.team_name, bot_user_id = EXCLUDED.bot_user_id, app_id = EXCLUDED.app_id,
			sealed_token = EXCLUDED.sealed_token, key_id = EXCLUDED.key_id, scopes = EXCLUDED.scopes,
			installed_by = EXCLUDED.installed_by, installed_at = EXCLUDED.installed_at,
			updated_at = EXCLUDED.updated_at, uninstalled_at = NULL
		RETURNING xmax <> 0`,
		in.TeamID, in.TeamName, in.BotUserID, in.AppID, sealed, keyID, in.Scopes, in.InstalledBy, now); err != nil {
		return fmt.Errorf("save install: %w", FormatError(err))
	}
	action := "workspace_installed"
	if reinstall {
		action = "workspace_reinstalled"
	}
	if err := auditIn(ctx, tx, now, AuditEntry{Actor: in.InstalledBy, Action: action,
		Detail: map[string]any{"team_id": in.TeamID, "team_name": in.TeamName, "scopes": in.Scopes}}); err != nil {
		return fmt.Errorf("save install: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save install: %w", FormatError(err))
	}
	return nil
}

// BotToken returns the bot token of the workspace teamID, opened with the DB's Keys: an error wrapping
// ErrWorkspaceGone once it was uninstalled or its tokens revoked, ErrNoWorkspace when it was never installed.
// Errors never hold the token.
func (db *DB) BotToken(ctx context.Context, teamID string) (string, error) {
	var row struct {
		Sealed        []byte     `db:"sealed_token"`
		KeyID         *string    `db:"key_id"`
		UninstalledAt *time.Time `db:"uninstalled_at"`
	}
	// Prepared: the Poster asks for the token of every call it makes in an installed workspace.
	stmt, err := db.botToken.get(ctx, db, `SELECT sealed_token, key_id, uninstalled_at FROM workspaces WHERE team_id = $1`)
	if err == nil {
		err = stmt.GetContext(ctx, &row, teamID)
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", fmt.Errorf("bot token of %s: %w", teamID, ErrNoWorkspace)
	case err != nil:
		return "", fmt.Errorf("bot token of %s: %w", teamID, FormatError(err))
	case row.UninstalledAt != nil || row.KeyID == nil:
		return "", fmt.Errorf("bot token of %s: %w", teamID, ErrWorkspaceGone)
	}
	keys, err := db.keys()
	if err != nil {
		return "", fmt.Errorf("bot token of %s: %w", teamID, err)
	}
	token, err := keys.Open(teamID, *row.KeyID, row.Sealed)
	if err != nil {
		return "", fmt.Errorf("bot token of %s: %w", teamID, err)
	}
	return token, nil
}

// UninstallWorkspace marks the workspace teamID uninstalled and deletes its sealed token at once (Slack's
// app_uninstalled or tokens_revoked; why is the event's type, for the audit log). It reports whether anything
// changed: false for a workspace never installed with OAuth, or one uninstalled already (a retried event). The
// workspace's cohorts and their people are not touched: they follow the retention rules like any other.
func (db *DB) UninstallWorkspace(ctx context.Context, teamID, why string) (bool, error) {
	now := db.Now()
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("uninstall workspace: %w", FormatError(err))
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `
		UPDATE workspaces SET sealed_token = NULL, key_id = NULL, uninstalled_at = $2, updated_at = $2
		WHERE team_id = $1 AND uninstalled_at IS NULL`, teamID, now)
	if err != nil {
		return false, fmt.Errorf("uninstall workspace: %w", FormatError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if err := auditIn(ctx, tx, now, AuditEntry{Actor: "bot", Action: "workspace_uninstalled",
		Detail: map[string]any{"team_id": teamID, "event": why}}); err != nil {
		return false, fmt.Errorf("uninstall workspace: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("uninstall workspace: %w", FormatError(err))
	}
	return true, nil
}

// Workspaces lists every install, installed ones first, without tokens.
func (db *DB) Workspaces(ctx context.Context) ([]Workspace, error) {
	var out []Workspace
	if err := db.SelectContext(ctx, &out, `
		SELECT team_id, team_name, bot_user_id, app_id, scopes, installed_by, installed_at, updated_at,
		       uninstalled_at, key_id
		FROM workspaces ORDER BY uninstalled_at IS NOT NULL, team_name, team_id`); err != nil {
		return nil, fmt.Errorf("list workspaces: %w", FormatError(err))
	}
	return out, nil
}

// RotateTokenKey re-seals with the current key every token sealed with another (the previous key), in one
// transaction, and returns how many it re-sealed. A token that does not open fails the whole rotation with its
// team named, and nothing is changed: the operator still has both keys to find out why.
func (db *DB) RotateTokenKey(ctx context.Context) (int, error) {
	keys, err := db.keys()
	if err != nil {
		return 0, fmt.Errorf("rotate token key: %w", err)
	}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("rotate token key: %w", FormatError(err))
	}
	defer tx.Rollback()
	var rows []struct {
		TeamID string `db:"team_id"`
		Sealed []byte `db:"sealed_token"`
		KeyID  string `db:"key_id"`
	}
	if err := tx.SelectContext(ctx, &rows, `
		SELECT team_id, sealed_token, key_id FROM workspaces
		WHERE key_id IS NOT NULL AND key_id <> $1 ORDER BY team_id FOR UPDATE`, keys.KeyID()); err != nil {
		return 0, fmt.Errorf("rotate token key: %w", FormatError(err))
	}
	for _, r := range rows {
		token, err := keys.Open(r.TeamID, r.KeyID, r.Sealed)
		if err != nil {
			return 0, fmt.Errorf("rotate token key: workspace %s: %w", r.TeamID, err)
		}
		sealed, keyID, err := keys.Seal(r.TeamID, token)
		if err != nil {
			return 0, fmt.Errorf("rotate token key: workspace %s: %w", r.TeamID, err)
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE workspaces SET sealed_token = $2, key_id = $3, updated_at = $4 WHERE team_id = $1`,
			r.TeamID, sealed, keyID, db.Now()); err != nil {
			return 0, fmt.Errorf("rotate token key: workspace %s: %w", r.TeamID, FormatError(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("rotate token key: %w", FormatError(err))
	}
	return len(rows), nil
}

// The OAuth states: why a callback is refused.
var (
	// ErrStateUnknown: a state this deployment never issued (forged, or pruned long after it expired).
	ErrStateUnknown = &Error{Code: content.EINVALID, Reason: "oauth state unknown"}
	// ErrStateUsed: the state finished an install already (a replayed callback).
	ErrStateUsed = &Error{Code: content.ECONFLICT, Reason: "oauth state used already"}
	// ErrStateExpired: the state is older than its lifetime.
	ErrStateExpired = &Error{Code: content.EINVALID, Reason: "oauth state expired"}
	// ErrStateOtherBrowser: the callback came without the cookie of the browser that started the install.
	ErrStateOtherBrowser = &Error{Code: content.EFORBIDDEN, Reason: "oauth state started in another browser"}
)

// CreateOAuthState records an install under way: state goes to Slack and comes back in the callback, browser is
// the random value of the cookie set in the browser that started it. Both are stored as SHA-256 only. States that
// expired a day ago are pruned on the way.
func (db *DB) CreateOAuthState(ctx context.Context, state, browser string, ttl time.Duration) error {
	if state == "" || browser == "" {
		return errors.New("create oauth state: empty state or browser")
	}
	now := db.Now()
	if _, err := db.ExecContext(ctx, `DELETE FROM oauth_states WHERE expires_at < $1`, now.Add(-24*time.Hour)); err != nil {
		return fmt.Errorf("create oauth state: prune: %w", FormatError(err))
	}
	s, b := sha256.Sum256([]byte(state)), sha256.Sum256([]byte(browser))
	if _, err := db.ExecContext(ctx, `
		INSERT INTO oauth_states (state_hash, browser_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		s[:], b[:], now, now.Add(ttl)); err != nil {
		return fmt.Errorf("create oauth state: %w", FormatError(err))
	}
	return nil
}

// ConsumeOAuthState checks a callback's state and the browser's cookie value and uses the state up: once only,
// before it expires, from the browser that started the install. A refusal is ErrStateUnknown, ErrStateUsed,
// ErrStateExpired or ErrStateOtherBrowser; the last leaves the state unused, so that a stranger holding a victim's
// state cannot spend it.
func (db *DB) ConsumeOAuthState(ctx context.Context, state, browser string) error {
	now := db.Now()
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("consume oauth state: %w", FormatError(err))
	}
	defer tx.Rollback()
	s := sha256.Sum256([]byte(state))
	var row struct {
		Browser   []byte     `db:"browser_hash"`
		ExpiresAt time.Time  `db:"expires_at"`
		UsedAt    *time.Time `db:"used_at"`
	}
	err = tx.GetContext(ctx, &row, `SELECT browser_hash, expires_at, used_at FROM oauth_states WHERE state_hash = $1 FOR UPDATE`, s[:])
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrStateUnknown
	case err != nil:
		return fmt.Errorf("consume oauth state: %w", FormatError(err))
	case row.UsedAt != nil:
		return ErrStateUsed
	case !now.Before(row.ExpiresAt):
		return ErrStateExpired
	}
	b := sha256.Sum256([]byte(browser))
	if browser == "" || subtle.ConstantTimeCompare(b[:], row.Browser) != 1 {
		return ErrStateOtherBrowser
	}
	if _, err := tx.ExecContext(ctx, `UPDATE oauth_states SET used_at = $2 WHERE state_hash = $1`, s[:], now); err != nil {
		return fmt.Errorf("consume oauth state: %w", FormatError(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("consume oauth state: %w", FormatError(err))
	}
	return nil
}
