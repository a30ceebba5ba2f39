package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/gesprekbot/gesprekbot/content"
)

// SaveCohort creates the cohort, or updates the one with the same name, in one transaction: its channel, time zone,
// cases and settings, and its trainers and modules replaced by c's. It returns the cohort's id and sets c.ID.
// The channel and trainers are stored as given ("#name", e-mail addresses included) until the bot resolves them
// through Slack. A channel that belongs to another cohort is an ECONFLICT error.
func (db *DB) SaveCohort(ctx context.Context, c *content.Cohort) (int64, error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("save cohort: %w", FormatError(err))
	}
	defer tx.Rollback()
	id, team, err := saveCohort(ctx, tx, c, db.saveTeam(ctx, c), db.Now())
	if err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("save cohort: commit: %w", FormatError(err))
	}
	c.ID, c.TeamID = id, team
	return id, nil
}

// saveTeam is the workspace a cohort is saved in: its own TeamID (the cohort file's "team"), else the request's
// (store.TeamFrom), else the deployment's default workspace; "" when this process does not know that one (the
// command line), and saveCohort takes the workspace the bot last started with.
func (db *DB) saveTeam(ctx context.Context, c *content.Cohort) string {
	if c.TeamID != "" {
		return c.TeamID
	}
	if t := TeamFrom(ctx); t != "" {
		return t
	}
	return db.DefaultTeam
}

// AdoptCohorts gives the cohorts saved before cohorts had a workspace (team_id ”) the deployment's one, the team
// SLACK_BOT_TOKEN names; the bot calls it at start-up, after auth.test.
func (db *DB) AdoptCohorts(ctx context.Context, teamID string) (int64, error) {
	if teamID == "" {
		return 0, errors.New("adopt cohorts: no team id")
	}
	res, err := db.ExecContext(ctx, `UPDATE cohorts SET team_id = $1 WHERE team_id = ''`, teamID)
	if err != nil {
		return 0, fmt.Errorf("adopt cohorts: %w", FormatError(err))
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// ApplyCohort saves the cohort like SaveCohort and stores its plan like ReplacePlan, in one transaction, so that
// a cohort is never stored with a plan made for other dates. plan is called with the saved cohort (its ID set,
// for the delivery keys) and returns its deliveries.
func (db *DB) ApplyCohort(ctx context.Context, c *content.Cohort, plan func(*content.Cohort) ([]content.Delivery, error)) (PlanResult, error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return PlanResult{}, fmt.Errorf("apply cohort: %w", FormatError(err))
	}
	defer tx.Rollback()
	now := db.Now()
	id, team, err := saveCohort(ctx, tx, c, db.saveTeam(ctx, c), now)
	if err != nil {
		return PlanResult{}, err
	}
	saved := *c
	saved.ID, saved.TeamID = id, team
	ds, err := plan(&saved)
	if err != nil {
		return PlanResult{}, fmt.Errorf("apply cohort: plan: %w", err)
	}
	res, err := replacePlan(ctx, tx, id, ds, now)
	if err != nil {
		return PlanResult{}, err
	}
	if err := tx.Commit(); err != nil {
		return PlanResult{}, fmt.Errorf("apply cohort: commit: %w", FormatError(err))
	}
	c.ID, c.TeamID = id, team
	return res, nil
}

func saveCohort(ctx context.Context, tx *sqlx.Tx, c *content.Cohort, team string, now time.Time) (int64, string, error) {
	// Participants know the cases by the name they were shown with: after a reveal they stay (store/case_reveal.go).
	if err := checkCaseChange(ctx, tx, c.Name, c.Cases); err != nil {
		return 0, "", err
	}
	settings, err := json.Marshal(c.Settings)
	if err != nil {
		return 0, "", fmt.Errorf("save cohort: settings: %w", err)
	}
	tz := c.Timezone
	if tz == "" {
		tz = content.DefaultTimezone
	}
	var row struct {
		ID   int64  `db:"id"`
		Team string `db:"team_id"`
	}
	// A name is the cohort's across workspaces (the operator's command line names cohorts by it): a cohort of
	// another workspace with the same name is never updated from here, the name is taken. A row of before
	// cohorts had a workspace ('') is taken over by the workspace that saves it.
	err = tx.GetContext(ctx, &row, `
		INSERT INTO cohorts (name, channel_id, timezone, cases, settings, created_at, updated_at, team_id)
		VALUES ($1, $2, $3, $4, $5, $6, $6, COALESCE(NULLIF($7, ''),
			(SELECT team_id FROM world_slack_teams ORDER BY last_auth_at DESC LIMIT 1), ''))
		ON CONFLICT (name) DO UPDATE SET
			channel_id = EXCLUDED.channel_id,
			timezone   = EXCLUDED.timezone,
			cases      = EXCLUDED.cases,
			settings   = EXCLUDED.settings,
			updated_at = EXCLUDED.updated_at,
			team_id    = EXCLUDED.team_id
		WHERE cohorts.team_id IN (EXCLUDED.team_id, '')
		RETURNING id, team_id`,
		c.Name, c.Channel, tz, pq.Array(c.Cases), string(settings), now, team)
	id := row.ID
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("save cohort: %w", &NameTakenError{Name: c.Name})
	}
	if err != nil {
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && pqErr.Code == "23505" && pqErr.Constraint == "cohorts_channel_id_key" {
			return 0, "", fmt.Errorf("save cohort: %w", &ChannelTakenError{Channel: c.Channel})
		}
		return 0, "", fmt.Errorf("save cohort: %w", FormatError(err))
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM cohort_trainers WHERE cohort_id = $1`, id); err != nil {
		return 0, "", fmt.Errorf("save cohort: trainers: %w", FormatError(err))
	}
	for i, t := range c.Trainers {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO cohort_trainers (cohort_id, user_id, position) VALUES ($1, $2, $3)`,
			id, t, i); err != nil {
			return 0, "", fmt.Errorf("save cohort: trainer %s: %w", t, FormatError(err))
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM cohort_modules WHERE cohort_id = $1`, id); err != nil {
		return 0, "", fmt.Errorf("save cohort: modules: %w", FormatError(err))
	}
	for _, m := range c.Modules {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO cohort_modules (cohort_id, number, starts_at, ends_at, location)
			VALUES ($1, $2, $3, $4, $5)`,
			id, m.Number, m.Start, m.End, m.Location); err != nil {
			return 0, "", fmt.Errorf("save cohort: module %d: %w", m.Number, FormatError(err))
		}
	}
	return id, row.Team, nil
}

// cohortRow is a row of the cohorts table.
type cohortRow struct {
	ID       int64          `db:"id"`
	TeamID   string         `db:"team_id"`
	Name     string         `db:"name"`
	Channel  string         `db:"channel_id"`
	Timezone string         `db:"timezone"`
	Cases    pq.StringArray `db:"cases"`
	Settings []byte         `db:"settings"`
}

// CohortByID returns the cohort with the given id, or an ENOTFOUND error.
func (db *DB) CohortByID(ctx context.Context, id int64) (*content.Cohort, error) {
	var r cohortRow
	err := db.GetContext(ctx, &r, `
		SELECT id, team_id, name, channel_id, timezone, cases, settings FROM cohorts WHERE id = $1 AND ($2 = '' OR team_id = $2)`, id, TeamFrom(ctx))
	if err != nil {
		return nil, fmt.Errorf("cohort %d: %w", id, notFound(err, ErrCohortNotFound))
	}
	return db.loadCohort(ctx, r)
}

// CohortByName returns the cohort with the given name, or an ENOTFOUND error.
func (db *DB) CohortByName(ctx context.Context, name string) (*content.Cohort, error) {
	var r cohortRow
	err := db.GetContext(ctx, &r, `
		SELECT id, team_id, name, channel_id, timezone, cases, settings FROM cohorts WHERE name = $1 AND ($2 = '' OR team_id = $2)`, name, TeamFrom(ctx))
	if err != nil {
		return nil, fmt.Errorf("cohort %q: %w", name, notFound(err, &NoCohortNamedError{Name: name}))
	}
	return db.loadCohort(ctx, r)
}

// CohortByChannel returns the cohort of a channel (its ID, or "#name" as long as that is what is stored), or an
// ENOTFOUND error.
func (db *DB) CohortByChannel(ctx context.Context, channel string) (*content.Cohort, error) {
	var r cohortRow
	err := db.GetContext(ctx, &r, `
		SELECT id, team_id, name, channel_id, timezone, cases, settings FROM cohorts WHERE channel_id = $1 AND ($2 = '' OR team_id = $2)`, channel,
		TeamFrom(ctx))
	if err != nil {
		return nil, fmt.Errorf("cohort of channel %s: %w", channel, notFound(err, ErrNoCohortInChannel))
	}
	return db.loadCohort(ctx, r)
}

// Cohorts returns every cohort, by name.
func (db *DB) Cohorts(ctx context.Context) ([]*content.Cohort, error) {
	var rows []cohortRow
	if err := db.SelectContext(ctx, &rows, `
		SELECT id, team_id, name, channel_id, timezone, cases, settings FROM cohorts WHERE $1 = '' OR team_id = $1 ORDER BY name`,
		TeamFrom(ctx)); err != nil {
		return nil, fmt.Errorf("cohorts: %w", FormatError(err))
	}
	out := make([]*content.Cohort, 0, len(rows))
	for _, r := range rows {
		c, err := db.loadCohort(ctx, r)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// SetCohortChannel records the channel ID the bot resolved a cohort's "#name" to.
func (db *DB) SetCohortChannel(ctx context.Context, cohortID int64, channelID string) error {
	res, err := db.ExecContext(ctx, `
		UPDATE cohorts SET channel_id = $2, updated_at = $3 WHERE id = $1`, cohortID, channelID, db.Now())
	if err != nil {
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && pqErr.Code == "23505" {
			return fmt.Errorf("set cohort channel: %w", &ChannelTakenError{Channel: channelID})
		}
		return fmt.Errorf("set cohort channel: %w", FormatError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set cohort channel: %w", ErrCohortNotFound)
	}
	return nil
}

// SetCohortTrainer records the Slack user ID the bot resolved a trainer's e-mail address (ref) to. When that ID is
// listed already, the e-mail address is dropped as a duplicate of it.
func (db *DB) SetCohortTrainer(ctx context.Context, cohortID int64, ref, userID string) error {
	if ref == userID {
		return nil
	}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set cohort trainer: %w", FormatError(err))
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `
		UPDATE cohort_trainers SET user_id = $3
		WHERE cohort_id = $1 AND user_id = $2
		  AND NOT EXISTS (SELECT 1 FROM cohort_trainers WHERE cohort_id = $1 AND user_id = $3)`,
		cohortID, ref, userID); err != nil {
		return fmt.Errorf("set cohort trainer: %w", FormatError(err))
	}
	if _, err := tx.ExecContext(ctx, `
		DELETE FROM cohort_trainers WHERE cohort_id = $1 AND user_id = $2`, cohortID, ref); err != nil {
		return fmt.Errorf("set cohort trainer: %w", FormatError(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("set cohort trainer: commit: %w", FormatError(err))
	}
	return nil
}

func (db *DB) loadCohort(ctx context.Context, r cohortRow) (*content.Cohort, error) {
	c := &content.Cohort{ID: r.ID, TeamID: r.TeamID, Name: r.Name, Channel: r.Channel, Timezone: r.Timezone, Cases: []string(r.Cases),
		Settings: content.DefaultCohortSettings()}
	if len(r.Settings) > 0 {
		if err := json.Unmarshal(r.Settings, &c.Settings); err != nil {
			return nil, fmt.Errorf("cohort %d: settings: %w", r.ID, err)
		}
	}
	loc, err := c.Location()
	if err != nil {
		return nil, fmt.Errorf("cohort %d: %w", r.ID, err)
	}
	if err := db.SelectContext(ctx, &c.Trainers, `
		SELECT user_id FROM cohort_trainers WHERE cohort_id = $1 ORDER BY position, user_id`, r.ID); err != nil {
		return nil, fmt.Errorf("cohort %d: trainers: %w", r.ID, FormatError(err))
	}
	var mods []struct {
		Number   int       `db:"number"`
		Start    time.Time `db:"starts_at"`
		End      time.Time `db:"ends_at"`
		Location string    `db:"location"`
	}
	if err := db.SelectContext(ctx, &mods, `
		SELECT number, starts_at, ends_at, location FROM cohort_modules WHERE cohort_id = $1 ORDER BY number`, r.ID); err != nil {
		return nil, fmt.Errorf("cohort %d: modules: %w", r.ID, FormatError(err))
	}
	for _, m := range mods {
		c.Modules = append(c.Modules, content.CohortModule{Number: m.Number, Start: m.Start.In(loc), End: m.End.In(loc), Location: m.Location})
	}
	return c, nil
}

// notFound turns "no rows" into the store's error for what was not found; other errors go through FormatError.
func notFound(err error, what error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return what
	}
	return FormatError(err)
}

// TrainerCohorts returns the ids of the cohorts that list userID (a Slack user ID) as a trainer, oldest first. A
// trainer a cohort still lists by e-mail address is not among them until the address is resolved (EmailTrainers).
func (db *DB) TrainerCohorts(ctx context.Context, userID string) ([]int64, error) {
	var ids []int64
	if err := db.SelectContext(ctx, &ids, `
		SELECT t.cohort_id FROM cohort_trainers t JOIN cohorts c ON c.id = t.cohort_id
		WHERE t.user_id = $1 AND ($2 = '' OR c.team_id = $2) ORDER BY t.cohort_id`, userID, TeamFrom(ctx)); err != nil {
		return nil, fmt.Errorf("trainer cohorts: %w", FormatError(err))
	}
	return ids, nil
}

// TrainerRef is a trainer as a cohort lists them: a Slack user ID, or an e-mail address not yet resolved.
type TrainerRef struct {
	CohortID int64  `db:"cohort_id"`
	Ref      string `db:"user_id"`
}

// EmailTrainers returns every trainer that a cohort still lists by e-mail address, by cohort. The partial index of
// migration 0009 holds just those rows, so that asking costs nothing once all are resolved.
func (db *DB) EmailTrainers(ctx context.Context) ([]TrainerRef, error) {
	var out []TrainerRef
	if err := db.SelectContext(ctx, &out, `
		SELECT t.cohort_id, t.user_id FROM cohort_trainers t JOIN cohorts c ON c.id = t.cohort_id
		WHERE t.user_id LIKE '%@%' AND ($1 = '' OR c.team_id = $1)
		ORDER BY t.cohort_id, t.position, t.user_id`, TeamFrom(ctx)); err != nil {
		return nil, fmt.Errorf("e-mail trainers: %w", FormatError(err))
	}
	return out, nil
}

// UnresolvedCohort is a cohort that still names its channel or some of its trainers as the cohort file wrote them,
// for the bot to look up in Slack.
type UnresolvedCohort struct {
	ID       int64          `db:"id"`
	TeamID   string         `db:"team_id"` // the workspace to look the references up in
	Name     string         `db:"name"`
	Channel  string         `db:"channel"`  // the "#name" still to look up, or "" when the channel's ID is known
	Trainers pq.StringArray `db:"trainers"` // trainers listed by e-mail address, in the cohort's order
	// Reported are the references (a "#name" or an e-mail address) already reported as not found since the cohort
	// last changed (its audit rows "channel_not_found", "channel_conflict" and "trainer_not_found"), so that each
	// is reported once, not once per tick.
	Reported pq.StringArray `db:"reported"`
}

// UnresolvedCohorts returns the cohorts whose channel is still a "#name" or that list a trainer by e-mail address,
// by id. Partial indexes (migration 0009) hold just those rows, so that a dispatcher can ask every tick: when all
// is resolved, the answer costs nothing.
func (db *DB) UnresolvedCohorts(ctx context.Context) ([]UnresolvedCohort, error) {
	var out []UnresolvedCohort
	if err := db.SelectContext(ctx, &out, `
		WITH unresolved AS (
			SELECT id FROM cohorts WHERE channel_id LIKE '#%'
			UNION
			SELECT cohort_id FROM cohort_trainers WHERE user_id LIKE '%@%'
		)
		SELECT c.id, c.team_id, c.name,
		       CASE WHEN c.channel_id LIKE '#%' THEN c.channel_id ELSE '' END AS channel,
		       ARRAY(SELECT t.user_id FROM cohort_trainers t
		             WHERE t.cohort_id = c.id AND t.user_id LIKE '%@%'
		             ORDER BY t.position, t.user_id) AS trainers,
		       ARRAY(SELECT DISTINCT a.detail->>'ref' FROM audit_log a
		             WHERE a.cohort_id = c.id AND a.at >= c.updated_at
		               AND a.action IN ('channel_not_found', 'channel_conflict', 'trainer_not_found')
		               AND a.detail ? 'ref') AS reported
		FROM cohorts c JOIN unresolved u ON u.id = c.id
		ORDER BY c.id`); err != nil {
		return nil, fmt.Errorf("unresolved cohorts: %w", FormatError(err))
	}
	return out, nil
}

// ChannelUnresolved starts the reason a dispatcher records on a delivery it leaves waiting because the cohort still
// names its channel "#name"; ResolveCohortChannel finds the waiting rows by it.
const ChannelUnresolved = "channel not resolved to a Slack channel ID yet"

// ChannelResolution says what ResolveCohortChannel did.
type ChannelResolution struct {
	Changed bool               // the cohort now has the channel's ID; false when it had one already or names another channel
	Retried int                // deliveries that were waiting for the channel, due again at once
	Missed  []content.Delivery // deliveries for several people that waited past their deadline, marked missed
}

// ResolveCohortChannel records the channel ID the bot found for a cohort's "#name" (ref), only if the cohort still
// names its channel ref, and in the same transaction makes the deliveries that were waiting for it due again: their
// lease ends at their due time, which has passed, so that the tick that resolved the channel takes them over (with
// its history check) right away, and their attempts start over, because waiting for the channel was not a failed
// try. A row for several people whose
// deadline passed while it waited is marked missed instead: it was never posted, and would otherwise go out late.
// A channel that belongs to another cohort is an ECONFLICT error.
func (db *DB) ResolveCohortChannel(ctx context.Context, cohortID int64, ref, channelID string) (ChannelResolution, error) {
	var out ChannelResolution
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return out, fmt.Errorf("resolve cohort channel: %w", FormatError(err))
	}
	defer tx.Rollback()
	now := db.Now()
	res, err := tx.ExecContext(ctx, `
		UPDATE cohorts SET channel_id = $3, updated_at = $4 WHERE id = $1 AND channel_id = $2`,
		cohortID, ref, channelID, now)
	if err != nil {
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && pqErr.Code == "23505" {
			return out, fmt.Errorf("resolve cohort channel: %w", &ChannelTakenError{Channel: ref})
		}
		return out, fmt.Errorf("resolve cohort channel: %w", FormatError(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return out, fmt.Errorf("resolve cohort channel: %w", err)
	}
	if n == 0 {
		return out, nil
	}
	out.Changed = true
	waiting := ChannelUnresolved + "%"
	if err := tx.SelectContext(ctx, &out.Missed, `
		UPDATE deliveries SET status = 'missed', error = 'deadline passed', lease_owner = NULL, lease_until = NULL,
		                      updated_at = $2
		WHERE cohort_id = $1 AND status = 'sending' AND error LIKE $3
		  AND recipient = '' AND audience IN ('participants', 'trainers') AND deadline < $2
		RETURNING id, key, cohort_id, rule_id, kind, module, audience, recipient, due_at, deadline, status, attempts,
		          channel_id, ts, error, sent_at, title, note`,
		cohortID, now, waiting); err != nil {
		return out, fmt.Errorf("resolve cohort channel: missed deliveries: %w", FormatError(err))
	}
	res, err = tx.ExecContext(ctx, `
		UPDATE deliveries SET lease_until = due_at, attempts = 0, updated_at = $2
		WHERE cohort_id = $1 AND status = 'sending' AND error LIKE $3`,
		cohortID, now, waiting)
	if err != nil {
		return out, fmt.Errorf("resolve cohort channel: waiting deliveries: %w", FormatError(err))
	}
	n, err = res.RowsAffected()
	if err != nil {
		return out, fmt.Errorf("resolve cohort channel: waiting deliveries: %w", err)
	}
	out.Retried = int(n)
	if err := tx.Commit(); err != nil {
		return ChannelResolution{}, fmt.Errorf("resolve cohort channel: commit: %w", FormatError(err))
	}
	return out, nil
}
