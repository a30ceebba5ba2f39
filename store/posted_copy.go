package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// Kinds of posted copy.
const (
	CopyWork     = "work"     // handed-in homework in a trainer's DM: a message, or the file with everyone's
	CopyFeedback = "feedback" // feedback a giver gave, in the gespreksvoerder's DM
	CopyBoard    = "board"    // a message of the evaluation board in the channel
)

// PostedCopy is a message or file the bot posted in someone else's conversation that holds AboutUser's own text.
// A board posted over several messages has a copy per message and person: PostTS names the post, Part the message.
type PostedCopy struct {
	CohortID  int64  `db:"cohort_id" json:"cohort_id"`
	AboutUser string `db:"about_user" json:"-"`
	Kind      string `db:"kind" json:"kind"`
	Channel   string `db:"channel_id" json:"channel,omitempty"`
	TS        string `db:"ts" json:"ts,omitempty"`
	FileID    string `db:"file_id" json:"file,omitempty"`
	PostTS    string `db:"post_ts" json:"post_ts,omitempty"`
	Part      int    `db:"part" json:"part,omitempty"`
}

// PostedCopies is a list of copies as an erasure request keeps them (JSON).
type PostedCopies []PostedCopy

// Value stores the copies as JSON.
func (c PostedCopies) Value() (driver.Value, error) {
	if c == nil {
		c = PostedCopies{}
	}
	b, err := json.Marshal(c)
	return string(b), err
}

// Scan reads the copies from JSON.
func (c *PostedCopies) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case []byte:
		b = v
	case string:
		b = []byte(v)
	case nil:
		*c = PostedCopies{}
		return nil
	default:
		return fmt.Errorf("posted copies: cannot scan %T", src)
	}
	var out PostedCopies
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("posted copies: %w", err)
	}
	*c = out
	return nil
}

// RecordPostedCopies remembers where the bot posted copies of people's own work, so that erasing one of them
// deletes the copies too.
func (db *DB) RecordPostedCopies(ctx context.Context, copies []PostedCopy) error {
	now := db.Now()
	for _, c := range copies {
		if c.AboutUser == "" || c.CohortID <= 0 {
			return fmt.Errorf("record posted copy: no person or cohort")
		}
		if _, err := db.ExecContext(ctx, `
			INSERT INTO posted_copies (cohort_id, about_user, kind, channel_id, ts, file_id, post_ts, part, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			c.CohortID, c.AboutUser, c.Kind, c.Channel, c.TS, c.FileID, c.PostTS, c.Part, now); err != nil {
			return fmt.Errorf("record posted copy: %w", FormatError(err))
		}
	}
	return nil
}

// BoardPeople returns who is recorded on the board post postTS in channel: those whose notes it showed.
func (db *DB) BoardPeople(ctx context.Context, channel, postTS string) ([]string, error) {
	var out []string
	if err := db.SelectContext(ctx, &out, `
		SELECT DISTINCT about_user FROM posted_copies WHERE kind = 'board' AND channel_id = $1 AND post_ts = $2
		ORDER BY 1`, channel, postTS); err != nil {
		return nil, fmt.Errorf("board people: %w", FormatError(err))
	}
	return out, nil
}

// ForgetBoardPart forgets a board message that erasure deleted, for everyone on it.
func (db *DB) ForgetBoardPart(ctx context.Context, channel, ts string) error {
	if _, err := db.ExecContext(ctx, `
		DELETE FROM posted_copies WHERE channel_id = $1 AND ts = $2`, channel, ts); err != nil {
		return fmt.Errorf("forget board part: %w", FormatError(err))
	}
	return nil
}
