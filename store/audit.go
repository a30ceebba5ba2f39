package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// AuditEntry is one row of the audit log: who did what, when, about whom.
type AuditEntry struct {
	CohortID *int64
	Actor    string // a Slack user ID, or "bot" for the scheduler, or "operator" for the command line
	UserID   string // the person the entry is about, if any; erased with them
	Action   string // snake_case, e.g. "cohort_applied", "slack_post_failed"
	Detail   map[string]any
}

// Audit appends e to the audit log.
func (db *DB) Audit(ctx context.Context, e AuditEntry) error {
	return auditIn(ctx, db, db.Now(), e)
}

// auditIn appends e to the audit log through ex; inside a transaction the row commits with what it is about.
func auditIn(ctx context.Context, ex sqlx.ExecerContext, now time.Time, e AuditEntry) error {
	detail := "{}"
	if e.Detail != nil {
		b, err := json.Marshal(e.Detail)
		if err != nil {
			return fmt.Errorf("audit %s: %w", e.Action, err)
		}
		detail = string(b)
	}
	if _, err := ex.ExecContext(ctx, `
		INSERT INTO audit_log (at, cohort_id, actor, user_id, action, detail)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		now, e.CohortID, e.Actor, e.UserID, e.Action, detail); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, FormatError(err))
	}
	return nil
}
