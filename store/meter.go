package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// measurementCols are the columns of a content.Measurement, in the order of its fields.
const measurementCols = `id, cohort_id, user_id, kind, started_at, finished_at, locked, round, shared_at, updated_at`

// StartMeasurement returns the participant's measurement of kind in a cohort, creating it (open, round 1) the
// first time. Calling it again, or twice at once, returns the same measurement.
func (db *DB) StartMeasurement(ctx context.Context, cohortID int64, userID, kind string) (content.Measurement, error) {
	now := db.Now()
	var m content.Measurement
	// DO UPDATE with an unchanged value makes RETURNING give the existing row too, in one statement.
	err := db.GetContext(ctx, &m, `
		INSERT INTO meter_measurements (cohort_id, user_id, kind, started_at, updated_at)
		VALUES ($1, $2, $3, $4, $4)
		ON CONFLICT (cohort_id, user_id, kind) DO UPDATE SET kind = EXCLUDED.kind
		RETURNING `+measurementCols,
		cohortID, userID, kind, now)
	if err != nil {
		return content.Measurement{}, fmt.Errorf("start measurement: %w", FormatError(err))
	}
	return m, nil
}

// MeasurementByID returns a measurement, or an ENOTFOUND error.
func (db *DB) MeasurementByID(ctx context.Context, id int64) (content.Measurement, error) {
	var m content.Measurement
	if err := db.GetContext(ctx, &m, `SELECT `+measurementCols+` FROM meter_measurements WHERE id = $1`, id); err != nil {
		return content.Measurement{}, fmt.Errorf("measurement %d: %w", id, notFound(err, ErrMeasurementNotFound))
	}
	return m, nil
}

// MeasurementOf returns a participant's measurement of kind in a cohort, or an ENOTFOUND error when it was never
// started.
func (db *DB) MeasurementOf(ctx context.Context, cohortID int64, userID, kind string) (content.Measurement, error) {
	var m content.Measurement
	if err := db.GetContext(ctx, &m, `
		SELECT `+measurementCols+` FROM meter_measurements
		WHERE cohort_id = $1 AND user_id = $2 AND kind = $3`, cohortID, userID, kind); err != nil {
		return content.Measurement{}, fmt.Errorf("measurement of %s: %w", kind, notFound(err, ErrMeasurementNotStarted))
	}
	return m, nil
}

// MeterAnswers returns the scores of a measurement by statement id.
func (db *DB) MeterAnswers(ctx context.Context, measurementID int64) (map[string]int, error) {
	return meterAnswers(ctx, db, measurementID)
}

func meterAnswers(ctx context.Context, q sqlx.QueryerContext, measurementID int64) (map[string]int, error) {
	var rows []struct {
		Statement string `db:"statement_id"`
		Score     int    `db:"score"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT statement_id, score FROM meter_answers WHERE measurement_id = $1`, measurementID); err != nil {
		return nil, fmt.Errorf("meter answers: %w", FormatError(err))
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Statement] = r.Score
	}
	return out, nil
}

// MeterAnswer is one click on a score button.
type MeterAnswer struct {
	MeasurementID int64
	UserID        string // who clicked; must be the measurement's participant
	Round         int    // the round of the message clicked; an earlier round is ErrMeterStale
	StatementID   string
	Score         int      // 1..5
	Statements    []string // every statement id of the meter, in order
}

// AnswerResult says what AnswerStatement did.
type AnswerResult struct {
	Measurement content.Measurement // after the answer
	Answers     map[string]int      // every score of the measurement, this one included
	Changed     bool                // false when the statement had this score already (a double click)
	Finished    bool                // this answer finished the measurement
}

// AnswerStatement stores a score for one statement, in one transaction, and finishes (and locks) the measurement
// when the answer completes it: every statement has a score, and either one was missing before this answer, or
// this is the last statement (the way through a reopened measurement ends there). Answering again replaces the
// score; the same score twice changes nothing. A locked measurement gives ErrMeterLocked, a click from an earlier
// round ErrMeterStale, someone else's measurement ErrMeterNotYours, a participant who left the cohort's channel
// ErrParticipantLeft; none of them writes anything. Concurrent
// answers to one measurement take turns on its row lock, so none is lost and the one that completes it finishes it.
func (db *DB) AnswerStatement(ctx context.Context, a MeterAnswer) (AnswerResult, error) {
	if a.Score < 1 || a.Score > 5 || !slices.Contains(a.Statements, a.StatementID) {
		return AnswerResult{}, fmt.Errorf("answer statement: %w", ErrMeterUnknownAnswer)
	}
	var row struct {
		Status string `db:"status"`
		content.Measurement
		Changed    bool           `db:"changed"`
		Finished   bool           `db:"finished"`
		Statements pq.StringArray `db:"statement_ids"`
		Scores     pq.Int64Array  `db:"scores"`
	}
	// One prepared statement in autocommit: meter_answer (sql/meter.sql) locks, checks, writes and reads in one
	// round trip instead of six statements of two round trips each (lib/pq parses an unprepared statement with
	// parameters in a round trip of its own); at 1,000 clicks a second that is the difference between keeping up
	// or not.
	stmt, err := db.answer.get(ctx, db, `
		SELECT status, `+measurementCols+`, changed, finished, statement_ids, scores
		FROM meter_answer($1, $2, $3, $4, $5, $6, $7)`)
	if err != nil {
		return AnswerResult{}, fmt.Errorf("answer statement: prepare: %w", FormatError(err))
	}
	if err := stmt.GetContext(ctx, &row,
		a.MeasurementID, a.UserID, a.Round, a.StatementID, a.Score, pq.StringArray(a.Statements), db.Now()); err != nil {
		return AnswerResult{}, fmt.Errorf("answer statement: %w",
			notFound(err, ErrMeasurementGone))
	}
	if err := meterStatusError(row.Status); err != nil {
		return AnswerResult{}, fmt.Errorf("answer statement: %w", err)
	}
	answers := make(map[string]int, len(row.Statements))
	for i, s := range row.Statements {
		if i < len(row.Scores) {
			answers[s] = int(row.Scores[i])
		}
	}
	return AnswerResult{Measurement: row.Measurement, Answers: answers, Changed: row.Changed, Finished: row.Finished}, nil
}

// preparedStmt is a statement prepared on first use and kept for the life of the DB. database/sql prepares it again
// on each connection that runs it, and again after a connection is lost.
type preparedStmt struct {
	mu   sync.Mutex
	stmt *sqlx.Stmt
}

// get returns the prepared statement for query, preparing it if that was not done yet (or failed before).
func (p *preparedStmt) get(ctx context.Context, db *DB, query string) (*sqlx.Stmt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stmt == nil {
		s, err := db.PreparexContext(ctx, query)
		if err != nil {
			return nil, err
		}
		p.stmt = s
	}
	return p.stmt, nil
}

// meterRow is a measurement as the rule functions of sql/meter.sql return it: a status, and the measurement after
// the call.
type meterRow struct {
	Status string `db:"status"`
	content.Measurement
}

// measurementOf selects the columns of a content.Measurement from the composite column m of a rule function's
// result.
var measurementOf = func() string {
	cols := strings.Split(measurementCols, ", ")
	for i, c := range cols {
		cols[i] = "(f.m)." + c
	}
	return strings.Join(cols, ", ")
}()

// meterStatusError turns a refusal of the rule functions into the store's error; "ok" is nil.
func meterStatusError(status string) error {
	switch status {
	case "ok":
		return nil
	case "not_yours":
		return ErrMeterNotYours
	case "left":
		return ErrParticipantLeft
	case "locked":
		return ErrMeterLocked
	case "stale":
		return ErrMeterStale
	case "incomplete":
		return ErrMeterIncomplete
	case "too_late":
		return ErrMeterReopenTooLate
	case "not_finished":
		return ErrMeterNotFinished
	}
	return fmt.Errorf("unknown meter status %q", status)
}

// FinishMeasurement closes and locks an open measurement whose statements are all answered (the "Afronden" button
// of a reopened measurement), by the rules of a click (meter_finish_measurement in sql/meter.sql). A measurement
// with unanswered statements is ErrMeterIncomplete.
func (db *DB) FinishMeasurement(ctx context.Context, id int64, userID string, round int, statements []string) (content.Measurement, error) {
	var row meterRow
	if err := db.GetContext(ctx, &row, `
		SELECT f.status, `+measurementOf+` FROM meter_finish_measurement($1, $2, $3, $4, $5) f`,
		id, userID, round, pq.StringArray(statements), db.Now()); err != nil {
		return content.Measurement{}, fmt.Errorf("finish measurement: %w", notFound(err, ErrMeasurementGone))
	}
	if err := meterStatusError(row.Status); err != nil {
		return content.Measurement{}, fmt.Errorf("finish measurement: %w", err)
	}
	return row.Measurement, nil
}

// ReopenResult says what ReopenMeasurement did.
type ReopenResult struct {
	Measurement content.Measurement // after the reopen
	Reopened    bool                // false: it was open already (a double click), nothing changed
	// Withdrawn: the measurement was shared with the trainers, and the reopen withdrew that: consent to share
	// covers the answers as they were, not the ones the participant may change now.
	Withdrawn bool
}

// ReopenMeasurement unlocks a finished measurement of userID for changes and starts its next round, so that the
// buttons of earlier messages no longer count; a share with the trainers is withdrawn (and recorded). until is the
// last moment reopening is allowed (the handler derives it from the cohort's dates); after it it is
// ErrMeterReopenTooLate. A measurement that is open already is returned as it is. The rules are meter_reopen's
// (sql/meter.sql).
func (db *DB) ReopenMeasurement(ctx context.Context, id int64, userID string, until time.Time) (ReopenResult, error) {
	var row struct {
		meterRow
		Reopened  bool `db:"reopened"`
		Withdrawn bool `db:"withdrawn"`
	}
	if err := db.GetContext(ctx, &row, `
		SELECT f.status, f.reopened, f.withdrawn, `+measurementOf+` FROM meter_reopen($1, $2, $3, $4) f`,
		id, userID, until, db.Now()); err != nil {
		return ReopenResult{}, fmt.Errorf("reopen measurement: %w", notFound(err, ErrMeasurementNotFound))
	}
	if err := meterStatusError(row.Status); err != nil {
		return ReopenResult{}, fmt.Errorf("reopen measurement: %w", err)
	}
	return ReopenResult{Measurement: row.Measurement, Reopened: row.Reopened, Withdrawn: row.Withdrawn}, nil
}

// ShareMeasurement records that the participant shares a finished measurement's scores with the cohort's trainers
// ("Delen met trainer"), as they are now: a reopen withdraws it. Sharing twice keeps the first moment. An unfinished
// measurement is ErrMeterNotFinished. The rules are meter_share's (sql/meter.sql). Whether trainers are shown the
// scores is decided when they look (MeterFigures): never when, together with group figures they saw, they would
// give someone else's answers away.
func (db *DB) ShareMeasurement(ctx context.Context, id int64, userID string) (content.Measurement, error) {
	var row meterRow
	if err := db.GetContext(ctx, &row, `
		SELECT f.status, `+measurementOf+` FROM meter_share($1, $2, $3) f`, id, userID, db.Now()); err != nil {
		return content.Measurement{}, fmt.Errorf("share measurement: %w", notFound(err, ErrMeasurementNotFound))
	}
	if err := meterStatusError(row.Status); err != nil {
		return content.Measurement{}, fmt.Errorf("share measurement: %w", err)
	}
	return row.Measurement, nil
}

// MeterDone reports whether a participant finished the measurement of kind in a cohort; the renderer of
// only_pending meter reminders skips those who did.
func (db *DB) MeterDone(ctx context.Context, cohortID int64, userID, kind string) (bool, error) {
	var done bool
	if err := db.GetContext(ctx, &done, `
		SELECT EXISTS (SELECT 1 FROM meter_measurements
		               WHERE cohort_id = $1 AND user_id = $2 AND kind = $3 AND finished_at IS NOT NULL)`,
		cohortID, userID, kind); err != nil {
		return false, fmt.Errorf("meter done: %w", FormatError(err))
	}
	return done, nil
}

// MeterCohortsOf returns the ids of the cohorts a user takes part in as a participant (not left), newest first:
// where a /competentiemeter typed in a DM belongs.
func (db *DB) MeterCohortsOf(ctx context.Context, userID string) ([]int64, error) {
	var ids []int64
	if err := db.SelectContext(ctx, &ids, `
		SELECT p.cohort_id FROM participants p
		JOIN cohorts c ON c.id = p.cohort_id
		LEFT JOIN cohort_modules m ON m.cohort_id = p.cohort_id AND m.number = 1
		WHERE p.user_id = $1 AND p.left_at IS NULL AND ($2 = '' OR c.team_id = $2)
		ORDER BY m.starts_at DESC NULLS LAST, p.cohort_id DESC`, userID, TeamFrom(ctx)); err != nil {
		return nil, fmt.Errorf("meter cohorts of user: %w", FormatError(err))
	}
	return ids, nil
}

// DevelopmentPlan is a participant's Stap 3 (ontwikkelpunten) and Stap 4 (how, and with whom, they work on them).
type DevelopmentPlan struct {
	CohortID        int64     `db:"cohort_id"`
	UserID          string    `db:"user_id"`
	Ontwikkelpunten string    `db:"ontwikkelpunten"`
	Aanpak          string    `db:"aanpak"`
	CreatedAt       time.Time `db:"created_at"`
	UpdatedAt       time.Time `db:"updated_at"`
}

// SaveDevelopmentPlan creates or replaces a participant's development plan in a cohort and returns it.
func (db *DB) SaveDevelopmentPlan(ctx context.Context, p DevelopmentPlan) (DevelopmentPlan, error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return DevelopmentPlan{}, fmt.Errorf("save development plan: %w", FormatError(err))
	}
	defer tx.Rollback()
	now := db.Now()
	var out DevelopmentPlan
	if err := tx.GetContext(ctx, &out, `
		INSERT INTO meter_plans (cohort_id, user_id, ontwikkelpunten, aanpak, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5)
		ON CONFLICT (cohort_id, user_id) DO UPDATE
		SET ontwikkelpunten = EXCLUDED.ontwikkelpunten, aanpak = EXCLUDED.aanpak, updated_at = EXCLUDED.updated_at
		RETURNING cohort_id, user_id, ontwikkelpunten, aanpak, created_at, updated_at`,
		p.CohortID, p.UserID, p.Ontwikkelpunten, p.Aanpak, now); err != nil {
		return DevelopmentPlan{}, fmt.Errorf("save development plan: %w", FormatError(err))
	}
	cohortID := p.CohortID
	if err := auditIn(ctx, tx, now, AuditEntry{CohortID: &cohortID, Actor: p.UserID, UserID: p.UserID,
		Action: "development_plan_saved"}); err != nil {
		return DevelopmentPlan{}, fmt.Errorf("save development plan: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return DevelopmentPlan{}, fmt.Errorf("save development plan: commit: %w", FormatError(err))
	}
	return out, nil
}

// DevelopmentPlanOf returns a participant's development plan in a cohort, or an ENOTFOUND error.
func (db *DB) DevelopmentPlanOf(ctx context.Context, cohortID int64, userID string) (DevelopmentPlan, error) {
	var p DevelopmentPlan
	if err := db.GetContext(ctx, &p, `
		SELECT cohort_id, user_id, ontwikkelpunten, aanpak, created_at, updated_at
		FROM meter_plans WHERE cohort_id = $1 AND user_id = $2`, cohortID, userID); err != nil {
		return DevelopmentPlan{}, fmt.Errorf("development plan: %w", notFound(err, ErrNoDevelopmentPlan))
	}
	return p, nil
}

// DevelopmentPlanExists reports whether a participant wrote a development plan in a cohort: the homework of module 1
// (Stap 3 and 4 of the competentiemeter) counts as done when it does.
func (db *DB) DevelopmentPlanExists(ctx context.Context, cohortID int64, userID string) (bool, error) {
	var ok bool
	if err := db.GetContext(ctx, &ok, `
		SELECT EXISTS (SELECT 1 FROM meter_plans WHERE cohort_id = $1 AND user_id = $2)`, cohortID, userID); err != nil {
		return false, fmt.Errorf("development plan exists: %w", FormatError(err))
	}
	return ok, nil
}

// MeterRecord is one participant's state in a cohort's competentiemeter, for the trainers' overview: the
// measurements they started, with their scores, and whether they wrote a plan. Scores are personal: the caller
// shows them only for a measurement the participant shared.
type MeterRecord struct {
	UserID       string
	Measurements map[string]content.Measurement // by kind; absent: not started
	Scores       map[string]map[string]int      // by kind, then statement id
	HasPlan      bool
}

// CohortMeter returns the competentiemeter state of every participant of a cohort (not left) and of anyone else who
// started a measurement in it, by user id.
func (db *DB) CohortMeter(ctx context.Context, cohortID int64) ([]MeterRecord, error) {
	var users []string
	if err := db.SelectContext(ctx, &users, `
		SELECT user_id FROM participants WHERE cohort_id = $1 AND left_at IS NULL
		UNION
		SELECT user_id FROM meter_measurements WHERE cohort_id = $1
		ORDER BY user_id`, cohortID); err != nil {
		return nil, fmt.Errorf("cohort meter: participants: %w", FormatError(err))
	}
	byUser := make(map[string]*MeterRecord, len(users))
	out := make([]MeterRecord, len(users))
	for i, u := range users {
		out[i] = MeterRecord{UserID: u, Measurements: map[string]content.Measurement{}, Scores: map[string]map[string]int{}}
		byUser[u] = &out[i]
	}
	var ms []content.Measurement
	if err := db.SelectContext(ctx, &ms, `
		SELECT `+measurementCols+` FROM meter_measurements WHERE cohort_id = $1`, cohortID); err != nil {
		return nil, fmt.Errorf("cohort meter: measurements: %w", FormatError(err))
	}
	kindOf := make(map[int64]content.Measurement, len(ms))
	for _, m := range ms {
		kindOf[m.ID] = m
		byUser[m.UserID].Measurements[m.Kind] = m
		byUser[m.UserID].Scores[m.Kind] = map[string]int{}
	}
	var answers []struct {
		Measurement int64  `db:"measurement_id"`
		Statement   string `db:"statement_id"`
		Score       int    `db:"score"`
	}
	if err := db.SelectContext(ctx, &answers, `
		SELECT a.measurement_id, a.statement_id, a.score
		FROM meter_answers a JOIN meter_measurements m ON m.id = a.measurement_id
		WHERE m.cohort_id = $1`, cohortID); err != nil {
		return nil, fmt.Errorf("cohort meter: answers: %w", FormatError(err))
	}
	for _, a := range answers {
		m := kindOf[a.Measurement]
		byUser[m.UserID].Scores[m.Kind][a.Statement] = a.Score
	}
	var planners []string
	if err := db.SelectContext(ctx, &planners, `SELECT user_id FROM meter_plans WHERE cohort_id = $1`, cohortID); err != nil {
		return nil, fmt.Errorf("cohort meter: plans: %w", FormatError(err))
	}
	for _, u := range planners {
		if r, ok := byUser[u]; ok {
			r.HasPlan = true
		}
	}
	return out, nil
}
