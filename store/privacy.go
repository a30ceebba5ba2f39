package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/gesprekbot/gesprekbot/content"
)

// Privacy: a person's own data, exported ("/gesprekbot mijn-gegevens") and erased ("/gesprekbot vergeet-mij").
//
// Where a person is named: participants, progress, meter_measurements (and meter_answers below them), meter_plans,
// case_cards (received, or sent as a trainer), case_reveals (revealed_by), deliveries (recipient and key),
// cohort_trainers, audit_log (user_id, actor, and sometimes inside detail), and the sandbox's saved copies of the
// fake workspace. slack_events holds event ids only, which cannot be attributed to anyone, and is pruned anyway.
// RowsNaming searches every table, so a table added later that stores user IDs cannot slip by unnoticed: an erasure
// that would leave one behind fails instead.

// ErasedActor replaces the user ID of an erased trainer where a row must keep a non-empty author (a case stage they
// revealed, a role card they sent to someone else).
const ErasedActor = "vergeten"

// validUserID is the shape of a Slack user ID: export and erasure refuse anything else, so that an ID can be used in
// a pattern safely and "U1" never matches half of "U12".
var validUserID = regexp.MustCompile(`^[A-Z0-9]{2,32}$`)

// otherUserIDs finds Slack user IDs in text (audit details, delivery keys), to hide other people in an export.
var otherUserIDs = regexp.MustCompile(`\b[UW][A-Z0-9]{5,}\b`)

// textOtherPerson replaces another person's user ID in an export.
const textOtherPerson = "(iemand anders)"

// namePattern is the POSIX regular expression that finds userID as a whole word in a column's text.
func namePattern(userID string) string {
	return `(^|[^A-Za-z0-9])` + userID + `([^A-Za-z0-9]|$)`
}

func checkUserID(userID string) error {
	if !validUserID.MatchString(userID) {
		return content.Errorf(content.EINVALID, "Dit is geen Slack-gebruiker die ik ken.")
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
// participant a trainer's action was about), that person is shown as "(iemand anders)".
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

// ExportPersonalData returns everything stored about userID, read in one consistent snapshot.
func (db *DB) ExportPersonalData(ctx context.Context, userID string) (PersonalData, error) {
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
	for i := range out.Measurements {
		answers, err := meterAnswers(ctx, tx, out.Measurements[i].ID)
		if err != nil {
			return PersonalData{}, fmt.Errorf("export personal data: %w", err)
		}
		out.Measurements[i].Answers = answers
	}
	for _, rows := range [][]ExportAudit{out.AuditAbout, out.AuditBy} {
		for i := range rows {
			rows[i].Actor = hideOthers(rows[i].Actor, userID)
			rows[i].UserID = hideOthers(rows[i].UserID, userID)
			rows[i].Detail = json.RawMessage(hideOthers(string(rows[i].Detail), userID))
		}
	}
	return out, nil
}

// hideOthers replaces every user ID in s other than userID.
func hideOthers(s, userID string) string {
	return otherUserIDs.ReplaceAllStringFunc(s, func(id string) string {
		if id == userID {
			return id
		}
		return textOtherPerson
	})
}

// ErasureResult says what ErasePerson removed (by table, rows deleted) and anonymised (rows that keep what they are
// about, with the person replaced by ErasedActor).
type ErasureResult struct {
	Deleted    map[string]int64
	Anonymised map[string]int64
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
		return content.Errorf(content.EFORBIDDEN, "Je bent trainer van %s, en die training loopt nog. Zolang dat zo is, "+
			"kan ik je gegevens niet wissen: de groep heeft je nodig voor de planning, de casussen en het overzicht. "+
			"Laat je als trainer uit de groep halen (`/training nieuw` of het groepsbestand), of vraag het opnieuw "+
			"als de laatste bijeenkomst voorbij is.", strings.Join(running, ", "))
	}
	return nil
}

// ErasePerson erases everything stored about userID, in one transaction: participants, progress, the
// competentiemeter (measurements, answers, plans), case cards they received, deliveries to them, audit rows about
// them, by them or naming them, their trainer rows of finished cohorts, and the sandbox's saved copies (their App
// Home, the given conversations — their DM with the bot — and every saved message or file naming them). Where a
// row belongs to others as well (a case stage they revealed as a trainer, a role card they sent), they are replaced
// by ErasedActor. A tombstone (erased_users: the ID's hash and the day) keeps the dispatcher from messaging them
// again of its own accord. A trainer of a running cohort is refused (CheckErasable).
//
// Before it commits it searches every table for the ID (RowsNaming); if anything is left, nothing is erased and an
// error names the table and column, so that a table added later cannot keep personal data unnoticed. Erasing
// someone again finds nothing and succeeds.
func (db *DB) ErasePerson(ctx context.Context, userID string, conversations []string) (ErasureResult, error) {
	if err := checkUserID(userID); err != nil {
		return ErasureResult{}, fmt.Errorf("erase person: %w", err)
	}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return ErasureResult{}, fmt.Errorf("erase person: %w", FormatError(err))
	}
	defer tx.Rollback()
	// The dispatcher's fan-out and a late joiner's catch-up insert rows naming people in these tables. Holding this
	// lock until commit means none of them is half-way (committed after this snapshot, and so missed); once the
	// tombstone is committed they skip the person. Dispatch writes wait for the few milliseconds this takes.
	if _, err := tx.ExecContext(ctx, `LOCK TABLE deliveries, participants IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return ErasureResult{}, fmt.Errorf("erase person: lock: %w", FormatError(err))
	}
	now := db.Now()
	if err := checkErasable(ctx, tx, userID, now); err != nil {
		return ErasureResult{}, fmt.Errorf("erase person: %w", err)
	}
	pattern := namePattern(userID)
	if conversations == nil {
		conversations = []string{}
	}
	res := ErasureResult{Deleted: map[string]int64{}, Anonymised: map[string]int64{}}
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
		{"case_cards", false, `DELETE FROM case_cards WHERE user_id = $1`, []any{userID}},
		{"case_cards", true, `UPDATE case_cards SET sent_by = $2 WHERE sent_by = $1`, []any{userID, ErasedActor}},
		{"case_reveals", true, `UPDATE case_reveals SET revealed_by = $2 WHERE revealed_by = $1`, []any{userID, ErasedActor}},
		{"deliveries", false, `DELETE FROM deliveries WHERE recipient = $1 OR key ~ $2`, []any{userID, pattern}},
		{"participants", false, `DELETE FROM participants WHERE user_id = $1`, []any{userID}},
		{"cohort_trainers", false, `DELETE FROM cohort_trainers WHERE user_id = $1`, []any{userID}},
		{"audit_log", false, `
			DELETE FROM audit_log WHERE user_id = $1 OR actor = $1 OR detail::text ~ $2`, []any{userID, pattern}},
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
			if err := tx.GetContext(ctx, &n, s.sql, s.args...); err != nil {
				return ErasureResult{}, fmt.Errorf("erase person: %s: %w", s.table, FormatError(err))
			}
		} else {
			r, err := tx.ExecContext(ctx, s.sql, s.args...)
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
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO erased_users (user_hash, erased_on) VALUES ($1, $2::date)
		ON CONFLICT (user_hash) DO NOTHING`, UserHash(userID), now.UTC().Format(time.DateOnly)); err != nil {
		return ErasureResult{}, fmt.Errorf("erase person: tombstone: %w", FormatError(err))
	}
	// The operator can see that an erasure happened, and how much it removed, but not whom it was about.
	if err := auditIn(ctx, tx, now, AuditEntry{Actor: "privacy", Action: "person_erased",
		Detail: map[string]any{"deleted": res.Deleted, "anonymised": res.Anonymised}}); err != nil {
		return ErasureResult{}, fmt.Errorf("erase person: %w", err)
	}
	left, err := rowsNaming(ctx, tx, userID)
	if err != nil {
		return ErasureResult{}, fmt.Errorf("erase person: %w", err)
	}
	if len(left) > 0 {
		return ErasureResult{}, fmt.Errorf("erase person: still named in %s after erasure; nothing was erased",
			strings.Join(left, ", "))
	}
	if err := tx.Commit(); err != nil {
		return ErasureResult{}, fmt.Errorf("erase person: commit: %w", FormatError(err))
	}
	return res, nil
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

// RowsNaming searches every column of every table that can hold text (text, varchar, char, json, jsonb, text
// arrays, bytea) for userID as a whole word, and returns "table.column (n)" for each column where it is found,
// sorted. The tables and columns come from information_schema, so a table added later is searched too.
func (db *DB) RowsNaming(ctx context.Context, userID string) ([]string, error) {
	if err := checkUserID(userID); err != nil {
		return nil, fmt.Errorf("rows naming: %w", err)
	}
	return rowsNaming(ctx, db, userID)
}

func rowsNaming(ctx context.Context, q sqlx.QueryerContext, userID string) ([]string, error) {
	var cols []struct {
		Table  string `db:"table_name"`
		Column string `db:"column_name"`
		Type   string `db:"data_type"`
		UDT    string `db:"udt_name"`
	}
	if err := sqlx.SelectContext(ctx, q, &cols, `
		SELECT c.table_name, c.column_name, c.data_type, c.udt_name
		FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		  AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')
		       OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar', '_bpchar')))
		ORDER BY c.table_name, c.ordinal_position`); err != nil {
		return nil, fmt.Errorf("rows naming: columns: %w", FormatError(err))
	}
	var out []string
	for _, c := range cols {
		ident := pq.QuoteIdentifier(c.Table) + "." + pq.QuoteIdentifier(c.Column)
		cond := ident + `::text ~ $1`
		arg := any(namePattern(userID))
		if c.Type == "bytea" {
			cond = `position(convert_to($1, 'UTF8') IN ` + ident + `) > 0`
			arg = userID
		}
		var n int64
		if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM `+pq.QuoteIdentifier(c.Table)+` WHERE `+cond, arg); err != nil {
			return nil, fmt.Errorf("rows naming: %s: %w", ident, FormatError(err))
		}
		if n > 0 {
			out = append(out, fmt.Sprintf("%s.%s (%d)", c.Table, c.Column, n))
		}
	}
	sort.Strings(out)
	return out, nil
}
