package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// The sandbox (bot/sandbox) runs the bot against the in-repo Slack fake, which keeps everything in memory. What it
// needs to survive a restart lives here: the simulated clock's offset and a copy of what the fake workspace showed.

// SandboxClockOffset returns how far the sandbox's clock is ahead of the real clock; ok is false before the
// sandbox ever ran on this database.
func (db *DB) SandboxClockOffset(ctx context.Context) (offset time.Duration, ok bool, err error) {
	var ms int64
	err = db.GetContext(ctx, &ms, `SELECT offset_ms FROM sandbox_clock WHERE id = 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("sandbox clock offset: %w", FormatError(err))
	}
	return time.Duration(ms) * time.Millisecond, true, nil
}

// SetSandboxClockOffset stores the sandbox clock's offset from the real clock.
func (db *DB) SetSandboxClockOffset(ctx context.Context, offset time.Duration) error {
	_, err := db.ExecContext(ctx, `
		INSERT INTO sandbox_clock (id, offset_ms, updated_at)
		VALUES (1, $1, now())
		ON CONFLICT (id) DO UPDATE SET offset_ms = EXCLUDED.offset_ms, updated_at = now()`,
		offset.Milliseconds())
	if err != nil {
		return fmt.Errorf("set sandbox clock offset: %w", FormatError(err))
	}
	return nil
}

// SandboxConversation is the saved copy of one conversation of the sandbox's fake workspace: its messages as a
// JSON array, oldest first, in the shape the sandbox writes.
type SandboxConversation struct {
	ID       string          `db:"id"`
	Messages json.RawMessage `db:"messages"`
}

// SaveSandboxConversation replaces the saved messages of a conversation.
func (db *DB) SaveSandboxConversation(ctx context.Context, c SandboxConversation) error {
	_, err := db.ExecContext(ctx, `
		INSERT INTO sandbox_conversations (id, messages, updated_at)
		VALUES ($1, $2, now())
		ON CONFLICT (id) DO UPDATE SET messages = EXCLUDED.messages, updated_at = now()`,
		c.ID, string(c.Messages))
	if err != nil {
		return fmt.Errorf("save sandbox conversation %s: %w", c.ID, FormatError(err))
	}
	return nil
}

// SandboxConversations returns every saved conversation, by id.
func (db *DB) SandboxConversations(ctx context.Context) ([]SandboxConversation, error) {
	var cs []SandboxConversation
	if err := db.SelectContext(ctx, &cs, `SELECT id, messages FROM sandbox_conversations ORDER BY id`); err != nil {
		return nil, fmt.Errorf("sandbox conversations: %w", FormatError(err))
	}
	return cs, nil
}

// SandboxHome is the saved App Home view of one user of the sandbox: the view object the bot published.
type SandboxHome struct {
	UserID string          `db:"user_id"`
	ViewID string          `db:"view_id"`
	View   json.RawMessage `db:"view"`
}

// SaveSandboxHome replaces the saved App Home view of a user.
func (db *DB) SaveSandboxHome(ctx context.Context, h SandboxHome) error {
	_, err := db.ExecContext(ctx, `
		INSERT INTO sandbox_homes (user_id, view_id, view, updated_at)
		VALUES ($1, $2, $3, now())
		ON CONFLICT (user_id) DO UPDATE SET view_id = EXCLUDED.view_id, view = EXCLUDED.view, updated_at = now()`,
		h.UserID, h.ViewID, string(h.View))
	if err != nil {
		return fmt.Errorf("save sandbox home of %s: %w", h.UserID, FormatError(err))
	}
	return nil
}

// SandboxHomes returns every saved App Home view.
func (db *DB) SandboxHomes(ctx context.Context) ([]SandboxHome, error) {
	var hs []SandboxHome
	if err := db.SelectContext(ctx, &hs, `SELECT user_id, view_id, view FROM sandbox_homes ORDER BY user_id`); err != nil {
		return nil, fmt.Errorf("sandbox homes: %w", FormatError(err))
	}
	return hs, nil
}

// SandboxFile is a file the bot uploaded in the sandbox, with its bytes.
type SandboxFile struct {
	ID        string         `db:"id"`
	Name      string         `db:"name"`
	Title     string         `db:"title"`
	Channels  pq.StringArray `db:"channels"`
	MessageTS string         `db:"message_ts"`
	Data      []byte         `db:"data"`
}

// SaveSandboxFile keeps an uploaded file; saving the same id again replaces where it was shared.
func (db *DB) SaveSandboxFile(ctx context.Context, f SandboxFile) error {
	channels := f.Channels
	if channels == nil {
		channels = pq.StringArray{}
	}
	_, err := db.ExecContext(ctx, `
		INSERT INTO sandbox_files (id, name, title, channels, message_ts, data)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, channels = EXCLUDED.channels,
			message_ts = EXCLUDED.message_ts`,
		f.ID, f.Name, f.Title, channels, f.MessageTS, f.Data)
	if err != nil {
		return fmt.Errorf("save sandbox file %s: %w", f.ID, FormatError(err))
	}
	return nil
}

// SandboxFiles returns every saved file.
func (db *DB) SandboxFiles(ctx context.Context) ([]SandboxFile, error) {
	var fs []SandboxFile
	if err := db.SelectContext(ctx, &fs, `
		SELECT id, name, title, channels, message_ts, data FROM sandbox_files ORDER BY created_at, id`); err != nil {
		return nil, fmt.Errorf("sandbox files: %w", FormatError(err))
	}
	return fs, nil
}

// UpcomingDelivery is a planned delivery that has not gone out yet, as the sandbox's clock panel lists it.
type UpcomingDelivery struct {
	Key        string     `db:"key" json:"key"`
	CohortID   int64      `db:"cohort_id" json:"cohort_id"`
	CohortName string     `db:"cohort_name" json:"cohort"`
	Kind       string     `db:"kind" json:"kind"`
	Module     int        `db:"module" json:"module"`
	Audience   string     `db:"audience" json:"audience"`
	Recipient  string     `db:"recipient" json:"recipient,omitempty"`
	DueAt      time.Time  `db:"due_at" json:"due_at"`
	Deadline   *time.Time `db:"deadline" json:"deadline"`
	Title      string     `db:"title" json:"title"`
}

// UpcomingDeliveries returns the next n pending deliveries of all cohorts, earliest first. It reads the
// pending-due index only.
func (db *DB) UpcomingDeliveries(ctx context.Context, n int) ([]UpcomingDelivery, error) {
	var ds []UpcomingDelivery
	err := db.SelectContext(ctx, &ds, `
		SELECT d.key, d.cohort_id, c.name AS cohort_name, d.kind, d.module, d.audience, d.recipient,
		       d.due_at, d.deadline, d.title
		FROM deliveries d
		JOIN cohorts c ON c.id = d.cohort_id
		WHERE d.status = 'pending'
		ORDER BY d.due_at, d.id
		LIMIT $1`, n)
	if err != nil {
		return nil, fmt.Errorf("upcoming deliveries: %w", FormatError(err))
	}
	return ds, nil
}
