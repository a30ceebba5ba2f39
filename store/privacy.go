package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Privacy: a person's own data, exported ("/gesprekbot mijn-gegevens") and erased ("/gesprekbot vergeet-mij").
//
// Where a person is named, and how erasure cleans each place, is privacyColumns (privacy_columns.go): every column
// of every table is in it, and TestPrivacyColumns fails on a column that is not, so a table added later that stores
// user IDs cannot slip by unnoticed. The erasure itself reads no more than the person's own rows.

// ErasedActor replaces the user ID of an erased trainer where a row must keep a non-empty author (a case stage they
// revealed, a role card they sent to someone else).
const ErasedActor = "vergeten"

// validUserID is the shape of a Slack user ID (U… or W…): export and erasure refuse anything else, so that an ID
// can be used in a pattern safely, "U1" never matches half of "U12", and audit_log.names (migration 0014) holds it.
var validUserID = regexp.MustCompile(`^[UW][A-Z0-9]{2,31}$`)

// otherUserIDs finds Slack user IDs in text (audit details, delivery keys), to hide other people in an export.
var otherUserIDs = regexp.MustCompile(`\b[UW][A-Z0-9]{5,}\b`)

// namePattern is the POSIX regular expression that finds userID as a whole word in a column's text.
func namePattern(userID string) string {
	return `(^|[^A-Za-z0-9])` + userID + `([^A-Za-z0-9]|$)`
}

func checkUserID(userID string) error {
	if !validUserID.MatchString(userID) {
		return ErrUnknownUser
	}
	return nil
}

// UserHash is what the erased_users tombstone keeps of a person: the SHA-256 of their Slack user ID.
func UserHash(userID string) []byte {
	h := sha256.Sum256([]byte(userID))
	return h[:]
}

// PersonalData is everything stored about one person, as they receive it from "/gesprekbot mijn-gegevens". It
// holds no other person's user ID or scores: where a row involves someone else (a trainer who sent a role card, a
// participant a trainer's action was about), that person is shown as the words the caller gave
// ExportPersonalData (the phrase privacy_other_person).
type PersonalData struct {
	UserID           string                `json:"user_id"`
	ExportedAt       time.Time             `json:"exported_at"`
	Participations   []ExportParticipation `json:"participations"`
	TrainerOf        []ExportCohort        `json:"trainer_of"`
	Progress         []ExportProgress      `json:"progress"`
	Measurements     []ExportMeasurement   `json:"measurements"`
	DevelopmentPlans []ExportPlan          `json:"development_plans"`
	CaseCards        []ExportCaseCard      `json:"case_cards"`
	Deliveries       []ExportDelivery      `json:"deliveries"`
	AuditAbout       []ExportAudit         `json:"audit_about_you"`
	AuditBy          []ExportAudit         `json:"audit_by_you"`
	WorkExport                             // their own work: homework, feedback, evaluation, follow-up (privacy_work.go)
}

// ExportCohort names a cohort in an export.
type ExportCohort struct {
	CohortID int64  `db:"cohort_id" json:"cohort_id"`
	Cohort   string `db:"cohort" json:"cohort"`
}

// ExportParticipation is a participants row: the person in one cohort.
type ExportParticipation struct {
	ExportCohort
	Name     string     `db:"name" json:"name"`
	JoinedAt time.Time  `db:"joined_at" json:"joined_at"`
	LeftAt   *time.Time `db:"left_at" json:"left_at"`
}

// ExportProgress is a reading marked "Gelezen" or homework marked "Klaar".
type ExportProgress struct {
	CohortID int64     `db:"cohort_id" json:"cohort_id"`
	Kind     string    `db:"kind" json:"kind"`
	Item     string    `db:"item" json:"item"`
	Module   int       `db:"module" json:"module"`
	DoneAt   time.Time `db:"done_at" json:"done_at"`
}

// ExportMeasurement is a voormeting or eindmeting with its scores by statement id.
type ExportMeasurement struct {
	ID         int64          `db:"id" json:"-"`
	CohortID   int64          `db:"cohort_id" json:"cohort_id"`
	Kind       string         `db:"kind" json:"kind"`
	StartedAt  time.Time      `db:"started_at" json:"started_at"`
	FinishedAt *time.Time     `db:"finished_at" json:"finished_at"`
	Locked     bool           `db:"locked" json:"locked"`
	Round      int            `db:"round" json:"round"`
	SharedAt   *time.Time     `db:"shared_at" json:"shared_with_trainer_at"`
	Answers    map[string]int `db:"-" json:"answers"`
}

// ExportPlan is the development plan of Stap 3 and 4.
type ExportPlan struct {
	CohortID        int64     `db:"cohort_id" json:"cohort_id"`
	Ontwikkelpunten string    `db:"ontwikkelpunten" json:"ontwikkelpunten"`
	Aanpak          string    `db:"aanpak" json:"aanpak"`
	CreatedAt       time.Time `db:"created_at" json:"created_at"`
	UpdatedAt       time.Time `db:"updated_at" json:"updated_at"`
}

// ExportCaseCard is a role card or actor background the person received.
type ExportCaseCard struct {
	CohortID int64     `db:"cohort_id" json:"cohort_id"`
	CaseID   string    `db:"case_id" json:"case"`
	Variant  string    `db:"variant" json:"variant"`
	StageID  string    `db:"stage_id" json:"stage"`
	Role     string    `db:"role" json:"role"`
	SentAt   time.Time `db:"sent_at" json:"sent_at"`
}

// ExportDelivery is a message planned or sent to the person.
type ExportDelivery struct {
	CohortID int64      `db:"cohort_id" json:"cohort_id"`
	Key      string     `db:"key" json:"key"`
	Kind     string     `db:"kind" json:"kind"`
	Module   int        `db:"module" json:"module"`
	Title    string     `db:"title" json:"title"`
	Status   string     `db:"status" json:"status"`
	DueAt    time.Time  `db:"due_at" json:"due_at"`
	SentAt   *time.Time `db:"sent_at" json:"sent_at"`
}

// ExportAudit is an audit row about the person or by them.
type ExportAudit struct {
	At       time.Time       `db:"at" json:"at"`
	CohortID *int64          `db:"cohort_id" json:"cohort_id"`
	Actor    string          `db:"actor" json:"actor"`
	UserID   string          `db:"user_id" json:"about"`
	Action   string          `db:"action" json:"action"`
	Detail   json.RawMessage `db:"detail" json:"detail"`
}

// exportTx reads an export in one snapshot, writing nothing.
var exportTx = sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}

// ExportPersonalData returns everything stored about userID, read in one consistent snapshot. Another person's
// user ID is replaced by otherPerson: the caller's words for "someone else" (the store chooses no words).
func (db *DB) ExportPersonalData(ctx context.Context, userID, otherPerson string) (PersonalData, error) {
	if err := checkUserID(userID); err != nil {
		return PersonalData{}, fmt.Errorf("export personal data: %w", err)
	}
	tx, err := db.BeginTxx(ctx, &exportTx)
	if err != nil {
		return PersonalData{}, fmt.Errorf("export personal data: %w", FormatError(err))
	}
	defer tx.Rollback()
	out := PersonalData{UserID: userID, ExportedAt: db.Now()}
	queries := []struct {
		what string
		dest any
		sql  string
	}{
		{"participations", &out.Participations, `
			SELECT p.cohort_id, c.name AS cohort, p.name, p.joined_at, p.left_at
			FROM participants p JOIN cohorts c ON c.id = p.cohort_id
			WHERE p.user_id = $1 ORDER BY p.joined_at, p.cohort_id`},
		{"trainer of", &out.TrainerOf, `
			SELECT t.cohort_id, c.name AS cohort
			FROM cohort_trainers t JOIN cohorts c ON c.id = t.cohort_id
			WHERE t.user_id = $1 ORDER BY t.cohort_id`},
		{"progress", &out.Progress, `
			SELECT cohort_id, kind, item, module, done_at
			FROM progress WHERE user_id = $1 ORDER BY done_at, kind, item`},
		{"measurements", &out.Measurements, `
			SELECT id, cohort_id, kind, started_at, finished_at, locked, round, shared_at
			FROM meter_measurements WHERE user_id = $1 ORDER BY cohort_id, started_at, id`},
		{"development plans", &out.DevelopmentPlans, `
			SELECT cohort_id, ontwikkelpunten, aanpak, created_at, updated_at
			FROM meter_plans WHERE user_id = $1 ORDER BY cohort_id`},
		{"case cards", &out.CaseCards, `
			SELECT cohort_id, case_id, variant, stage_id, role, sent_at
			FROM case_cards WHERE user_id = $1 ORDER BY sent_at, id`},
		{"deliveries", &out.Deliveries, `
			SELECT cohort_id, key, kind, module, title, status, due_at, sent_at
			FROM deliveries WHERE recipient = $1 ORDER BY due_at, key`},
		{"audit about", &out.AuditAbout, `
			SELECT at, cohort_id, actor, user_id, action, detail
			FROM audit_log WHERE user_id = $1 ORDER BY at, id`},
		{"audit by", &out.AuditBy, `
			SELECT at, cohort_id, actor, user_id, action, detail
			FROM audit_log WHERE actor = $1 AND user_id <> $1 ORDER BY at, id`},
	}
	for _, q := range queries {
		if err := tx.SelectContext(ctx, q.dest, q.sql, userID); err != nil {
			return PersonalData{}, fmt.Errorf("export personal data: %s: %w", q.what, FormatError(err))
		}
	}
	if err := exportWork(ctx, tx, userID, otherPerson, &out.WorkExport); err != nil {
		return PersonalData{}, fmt.Errorf("export personal data: %w", err)
	}
	for i := range out.Measurements {
		answers, err := meterAnswers(ctx, tx, out.Measurements[i].ID)
		if err != nil {
			return PersonalData{}, fmt.Errorf("export personal data: %w", err)
		}
		out.Measurements[i].Answers = answers
	}
	for _, rows := range [][]ExportAudit{out.AuditAbout, out.AuditBy} {
		for i := range rows {
			rows[i].Actor = hideOthers(rows[i].Actor, userID, otherPerson)
			rows[i].UserID = hideOthers(rows[i].UserID, userID, otherPerson)
			rows[i].Detail = json.RawMessage(hideOthers(string(rows[i].Detail), userID, otherPerson))
		}
	}
	return out, nil
}

// hideOthers replaces every user ID in s other than userID by other.
func hideOthers(s, userID, other string) string {
	return otherUserIDs.ReplaceAllStringFunc(s, func(id string) string {
		if id == userID {
			return id
		}
		return other
	})
}

// ErasureResult says what ErasePerson removed (by table, rows deleted) and anonymised (rows that keep what they are
// about, with the person replaced by ErasedActor), and which of the bot's messages in the person's DM the database
// had recorded.
type ErasureResult struct {
	Deleted    map[string]int64
	Anonymised map[string]int64
	// Messages are the ts of the bot's messages in the given conversations that deliveries and role cards
	// recorded, read before those rows went: the erasure deletes them in Slack too.
	Messages []string
	// Copies are the person's work the bot posted in other people's conversations (posted_copies), read before
	// those rows went: the erasure deletes them in Slack too.
	Copies PostedCopies
}

// Total is the number of rows deleted or anonymised.
func (r ErasureResult) Total() int64 {
	var n int64
	for _, v := range r.Deleted {
		n += v
	}
	for _, v := range r.Anonymised {
		n += v
	}
	return n
}

// CheckErasable refuses, with an EFORBIDDEN error that gives the reason, to erase a trainer of a cohort that is
// still running (it has no modules yet, or its last module has not ended): the cohort's planning, case reveals and
// overview need its trainers.
func (db *DB) CheckErasable(ctx context.Context, userID string) error {
	return checkErasable(ctx, db, userID, db.Now())
}

func checkErasable(ctx context.Context, q sqlx.QueryerContext, userID string, now time.Time) error {
	var running []string
	if err := sqlx.SelectContext(ctx, q, &running, `
		SELECT c.name FROM cohort_trainers t JOIN cohorts c ON c.id = t.cohort_id
		WHERE t.user_id = $1
		  AND COALESCE((SELECT max(m.ends_at) FROM cohort_modules m WHERE m.cohort_id = c.id), 'infinity') > $2
		ORDER BY c.name`, userID, now); err != nil {
		return fmt.Errorf("check erasable: %w", FormatError(err))
	}
	if len(running) > 0 {
		return &TrainerOfRunningCohortError{Cohorts: running}
	}
	return nil
}

// defaultEraseWait is DB.EraseWait when unset.
const defaultEraseWait = 5 * time.Second

// ErasePerson erases everything stored about userID: participants, progress, the competentiemeter (measurements,
// answers, plans), case cards they received, deliveries to them, audit rows about them, by them or naming them,
// their trainer rows of finished cohorts, and the sandbox's saved copies (their App Home, the given conversations
// — their DM with the bot — and every saved message or file naming them). Where a row belongs to others as well
// (a case stage they revealed as a trainer, a role card they sent), they are replaced by ErasedActor. A trainer of
// a running cohort is refused (CheckErasable). privacyColumns says, for every column of every table, how this
// covers it; TestPrivacyColumns and TestErasePersonLeavesNoTrace hold it to that.
//
// It takes no table lock and no long transaction, so the dispatcher's writes never wait for it: first a tombstone
// (erased_users: the ID's hash and the day) is committed, from when on the fan-out and a late joiner's catch-up
// skip the person; then it waits (at most DB.EraseWait) for the transactions that began before the
// tombstone, which could still add a row for them; then each table is cleaned by one statement on an indexed
// column. Each step can be repeated: erasing someone again finds nothing and succeeds, cheaply.
func (db *DB) ErasePerson(ctx context.Context, userID string, conversations []string) (ErasureResult, error) {
	if err := checkUserID(userID); err != nil {
		return ErasureResult{}, fmt.Errorf("erase person: %w", err)
	}
	now := db.Now()
	if err := checkErasable(ctx, db, userID, now); err != nil {
		return ErasureResult{}, fmt.Errorf("erase person: %w", err)
	}
	if _, err := db.ExecContext(ctx, `
		INSERT INTO erased_users (user_hash, erased_on) VALUES ($1, $2::date)
		ON CONFLICT (user_hash) DO NOTHING`, UserHash(userID), now.UTC().Format(time.DateOnly)); err != nil {
		return ErasureResult{}, fmt.Errorf("erase person: tombstone: %w", FormatError(err))
	}
	// The server's clock once the tombstone is committed: a transaction that began later sees it.
	var since time.Time
	if err := db.GetContext(ctx, &since, `SELECT now()`); err != nil {
		return ErasureResult{}, fmt.Errorf("erase person: %w", FormatError(err))
	}
	wait := db.EraseWait
	if wait <= 0 {
		wait = defaultEraseWait
	}
	if err := db.awaitOlderTransactions(ctx, since, wait); err != nil {
		return ErasureResult{}, fmt.Errorf("erase person: %w", err)
	}
	if conversations == nil {
		conversations = []string{}
	}
	res := ErasureResult{Deleted: map[string]int64{}, Anonymised: map[string]int64{}}
	if err := db.SelectContext(ctx, &res.Messages, `
		SELECT ts FROM deliveries WHERE recipient = $1 AND channel_id = ANY($2) AND ts IS NOT NULL
		UNION
		SELECT ts FROM case_cards WHERE user_id = $1 AND channel_id = ANY($2) AND ts <> ''
		ORDER BY 1`, userID, pq.Array(conversations)); err != nil {
		return ErasureResult{}, fmt.Errorf("erase person: recorded messages: %w", FormatError(err))
	}
	if err := db.SelectContext(ctx, &res.Copies, `
		SELECT cohort_id, about_user, kind, channel_id, ts, file_id, post_ts, part FROM posted_copies
		WHERE about_user = $1 AND NOT (channel_id = ANY($2))
		ORDER BY id`, userID, pq.Array(conversations)); err != nil {
		return ErasureResult{}, fmt.Errorf("erase person: posted copies: %w", FormatError(err))
	}
	pattern := namePattern(userID)
	steps := []struct {
		table      string
		anonymised bool
		sql        string
		args       []any
	}{
		// meter_answers go with their measurement (ON DELETE CASCADE); count them first.
		{"meter_answers", false, `
			SELECT count(*) FROM meter_answers
			WHERE measurement_id IN (SELECT id FROM meter_measurements WHERE user_id = $1)`, []any{userID}},
		{"meter_measurements", false, `DELETE FROM meter_measurements WHERE user_id = $1`, []any{userID}},
		{"meter_plans", false, `DELETE FROM meter_plans WHERE user_id = $1`, []any{userID}},
		{"progress", false, `DELETE FROM progress WHERE user_id = $1`, []any{userID}},
		{"written_work", false, `DELETE FROM written_work WHERE user_id = $1`, []any{userID}},
		{"feedback", false, `DELETE FROM feedback WHERE giver = $1 OR receiver = $1`, []any{userID}},
		{"evaluations", false, `DELETE FROM evaluations WHERE user_id = $1`, []any{userID}},
		{"followup_answers", false, `DELETE FROM followup_answers WHERE user_id = $1`, []any{userID}},
		// Copies of their work in others' conversations (read above), and the record of what the bot posted in
		// their own DM, which is cleaned up whole.
		{"posted_copies", false, `
			DELETE FROM posted_copies WHERE about_user = $1 OR channel_id = ANY($2)`, []any{userID, pq.Array(conversations)}},
		{"case_cards", false, `DELETE FROM case_cards WHERE user_id = $1`, []any{userID}},
		{"case_cards", true, `UPDATE case_cards SET sent_by = $2 WHERE sent_by = $1`, []any{userID, ErasedActor}},
		{"case_reveals", true, `UPDATE case_reveals SET revealed_by = $2 WHERE revealed_by = $1`, []any{userID, ErasedActor}},
		// The workspace keeps its install; the person who approved it is forgotten.
		{"workspaces", true, `UPDATE workspaces SET installed_by = $2 WHERE installed_by = $1`, []any{userID, ErasedActor}},
		// A row for one person has them as recipient; its key ends in their ID.
		{"deliveries", false, `DELETE FROM deliveries WHERE recipient = $1`, []any{userID}},
		{"participants", false, `DELETE FROM participants WHERE user_id = $1`, []any{userID}},
		{"cohort_trainers", false, `DELETE FROM cohort_trainers WHERE user_id = $1`, []any{userID}},
		{"audit_log", false, `
			DELETE FROM audit_log WHERE user_id = $1 OR actor = $1 OR names @> ARRAY[$1]::text[]`, []any{userID}},
		// The rate-limit bucket of a post to them by user ID or to their DM (pace.go): it names the conversation,
		// and would go a minute after its last call anyway.
		{"pace_buckets", false, `DELETE FROM pace_buckets WHERE split_part(key, '/channel:', 2) = ANY($1)`,
			[]any{pq.Array(slices.Concat([]string{userID}, conversations))}},
		// The sandbox's copies of the fake workspace. These tables are empty with real Slack; in the sandbox
		// they hold a few demo conversations, so reading them through is cheap.
		{"sandbox_homes", false, `DELETE FROM sandbox_homes WHERE user_id = $1`, []any{userID}},
		{"sandbox_conversations", false, `DELETE FROM sandbox_conversations WHERE id = ANY($1)`, []any{pq.Array(conversations)}},
		// Other saved conversations keep their messages, less those the person wrote or that name them.
		{"sandbox_conversations", true, `
			UPDATE sandbox_conversations SET messages = (
				SELECT COALESCE(jsonb_agg(m ORDER BY i), '[]'::jsonb)
				FROM jsonb_array_elements(messages) WITH ORDINALITY AS x(m, i)
				WHERE m::text !~ $1),
				updated_at = now()
			WHERE messages::text ~ $1`, []any{pattern}},
		{"sandbox_files", false, `
			DELETE FROM sandbox_files
			WHERE channels && $1 OR name ~ $2 OR title ~ $2 OR position(convert_to($3, 'UTF8') IN data) > 0`,
			[]any{pq.Array(conversations), pattern, userID}},
	}
	for _, s := range steps {
		var n int64
		if strings.HasPrefix(strings.TrimSpace(s.sql), "SELECT") {
			if err := db.GetContext(ctx, &n, s.sql, s.args...); err != nil {
				return ErasureResult{}, fmt.Errorf("erase person: %s: %w", s.table, FormatError(err))
			}
		} else {
			r, err := db.ExecContext(ctx, s.sql, s.args...)
			if err != nil {
				return ErasureResult{}, fmt.Errorf("erase person: %s: %w", s.table, FormatError(err))
			}
			if n, err = r.RowsAffected(); err != nil {
				return ErasureResult{}, fmt.Errorf("erase person: %s: %w", s.table, err)
			}
		}
		if n == 0 {
			continue
		}
		if s.anonymised {
			res.Anonymised[s.table] += n
		} else {
			res.Deleted[s.table] += n
		}
	}
	if res.Total() > 0 {
		// The operator can see that an erasure happened, and how much it removed, but not whom it was about.
		if err := auditIn(ctx, db, now, AuditEntry{Actor: "privacy", Action: "person_erased",
			Detail: map[string]any{"deleted": res.Deleted, "anonymised": res.Anonymised}}); err != nil {
			return ErasureResult{}, fmt.Errorf("erase person: %w", err)
		}
	}
	return res, nil
}

// awaitOlderTransactions waits until no transaction of this database that began before since is still open, or
// until max has passed. A fan-out or a join that began before the tombstone was committed may still write a row
// for the person, and only once it has ended can the erasure see that row to delete it. Transactions that begin
// later see the tombstone. The bot's transactions last milliseconds; one that stays open longer (an operator's
// psql session) is not waited for beyond max, and the erasure's second pass after the Slack clean-up catches a
// row written meanwhile.
func (db *DB) awaitOlderTransactions(ctx context.Context, since time.Time, max time.Duration) error {
	deadline := time.Now().Add(max)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		var open int
		if err := db.GetContext(ctx, &open, `
			SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
			  AND xact_start < $1`, since); err != nil {
			return fmt.Errorf("await older transactions: %w", FormatError(err))
		}
		if open == 0 || time.Now().After(deadline) {
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("await older transactions: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// IsErased reports whether userID asked to be forgotten (the erased_users tombstone).
func (db *DB) IsErased(ctx context.Context, userID string) (bool, error) {
	var ok bool
	if err := db.GetContext(ctx, &ok, `
		SELECT EXISTS (SELECT 1 FROM erased_users WHERE user_hash = $1)`, UserHash(userID)); err != nil {
		return false, fmt.Errorf("is erased: %w", FormatError(err))
	}
	return ok, nil
}
