// Package store keeps everything the bot knows in PostgreSQL: cohorts, planned deliveries, answers, the audit log.
// It runs the embedded migrations and, for the default set-up, a private PostgreSQL server (localpg.go).
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// rulesSQL holds the functions that are the competentiemeter's rules (sql/meter.sql). Migrate re-creates them on
// every start, after the migrations, so that a fix to a rule is an edit of that file and not a migration.
//
//go:embed sql/meter.sql
var rulesSQL string

// DB is the bot's database handle.
type DB struct {
	*sqlx.DB

	// Now returns the current time; tests and the sandbox move it.
	Now func() time.Time

	// EraseWait bounds how long ErasePerson waits for the transactions that began before its tombstone
	// (privacy.go): 5 seconds when zero.
	EraseWait time.Duration

	// answer is the prepared call of meter_answer (meter.go), made on first use.
	answer preparedStmt
	// reserve is the prepared call of pace_reserve (pace.go): every call to Slack makes one.
	reserve preparedStmt
	// The statements every DM of a fan-out runs (dispatch.go, participant.go, progress.go), prepared on first use:
	// an unprepared statement is two round trips and a fresh plan each time, and at a national roll-out's
	// fan-out PostgreSQL's share of the CPU is what bounds the messages a second.
	startAttempt, markSent, participation, userProgress preparedStmt
	// botToken reads a workspace's sealed token (workspace.go): the Poster asks for it on every call in a workspace
	// installed with OAuth.
	botToken preparedStmt

	// Keys seal and open the workspaces' bot tokens (workspace.go); nil when TOKEN_ENCRYPTION_KEY is not set.
	Keys *Keyring
	// DefaultTeam is the deployment's own Slack workspace (the team SLACK_BOT_TOKEN names): a cohort saved
	// without a team, by a request without one, belongs to it.
	DefaultTeam string

	// url is where the database was opened, for the session an owner holds open of its own (owner.go).
	url string
}

// Open connects to the database at url and checks that it answers.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pq.NewConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// A query with arguments in one round trip (Parse, Bind, Execute) rather than two (lib/pq otherwise first asks
	// the server for the parameters' types): a round trip is a wake-up of the server's process and of ours (the
	// tests of store, handlers, scheduler and bot take 7 % less CPU). []byte arguments then travel in binary form,
	// which suits bytea; JSON for a jsonb column is passed as a string (jsonValue).
	cfg.BinaryParameters = true
	conn, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	x := sqlx.NewDb(sql.OpenDB(conn), "postgres")
	// A handful of connections is plenty for a bot; more only adds contention on 2 cores.
	x.SetMaxOpenConns(16)
	x.SetMaxIdleConns(16)
	x.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := x.PingContext(pingCtx); err != nil {
		x.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &DB{DB: x, Now: time.Now, url: url}, nil
}

// statements are the handle's prepared statements, every preparedStmt field of DB (TestCloseStatements counts them).
func (db *DB) statements() []*preparedStmt {
	return []*preparedStmt{&db.answer, &db.reserve, &db.startAttempt, &db.markSent, &db.participation,
		&db.userProgress, &db.botToken}
}

// CloseStatements closes the statements this handle prepared and leaves its connections open: for a handle made by
// WithNow on connections that outlive it (a test's database, lent to a bot and then to the next test). Close
// closes them with the connections.
func (db *DB) CloseStatements() error {
	var errs []error
	for _, p := range db.statements() {
		p.mu.Lock()
		if p.stmt != nil {
			errs = append(errs, p.stmt.Close())
			p.stmt = nil
		}
		p.mu.Unlock()
	}
	return errors.Join(errs...)
}

// WithNow returns a handle on db's connections that reads the time from now: the sandbox's moved clock, a test's.
// The wiring makes it before anything uses the database, so that no part ever reads another clock.
func (db *DB) WithNow(now func() time.Time) *DB {
	return &DB{DB: db.DB, Now: now, EraseWait: db.EraseWait, Keys: db.Keys, DefaultTeam: db.DefaultTeam, url: db.url}
}

// migration is one embedded numbered .sql file.
type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration %q: name must be NNNN_name.sql", name)
		}
		b, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share a number", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// migrateLockID is the advisory lock that keeps two replicas from migrating at the same time.
const migrateLockID = 0x6765737072656b // "gesprek"

// Migrate applies every embedded migration not yet recorded in schema_migrations, each in its own transaction.
// It is safe to run again, and from several processes at once.
func (db *DB) Migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	conn, err := db.Connx(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrateLockID); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLockID)

	if _, err := conn.ExecContext(ctx, `
		CREATE TABLE IF NOT EXISTS schema_migrations (
			version    int         PRIMARY KEY,
			name       text        NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	for _, m := range ms {
		if err := applyMigration(ctx, conn, m); err != nil {
			return err
		}
	}
	// Under the same advisory lock: replicas starting together do not replace the functions at the same moment.
	if _, err := conn.ExecContext(ctx, rulesSQL); err != nil {
		return fmt.Errorf("migrate: sql/meter.sql: %w", err)
	}
	return nil
}

func applyMigration(ctx context.Context, conn *sqlx.Conn, m migration) error {
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.version); err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
		return fmt.Errorf("migrate %s: record: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: commit: %w", m.name, err)
	}
	return nil
}

// Ready reports whether the database answers and every embedded migration has been applied.
func (db *DB) Ready(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	var applied []int
	if err := db.SelectContext(ctx, &applied, `SELECT version FROM schema_migrations ORDER BY version`); err != nil {
		return fmt.Errorf("read schema_migrations: %w", err)
	}
	have := make(map[int]bool, len(applied))
	for _, v := range applied {
		have[v] = true
	}
	for _, m := range ms {
		if !have[m.version] {
			return fmt.Errorf("migration %s not applied", m.name)
		}
	}
	return nil
}

// FormatError turns driver errors into domain errors, in one place: no rows becomes ENOTFOUND, a unique
// violation ECONFLICT, a lost connection EUNAVAILABLE. Other errors pass through unchanged.
func FormatError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch {
		case pqErr.Code == "23505":
			return ErrExists
		case pqErr.Code.Class() == "08" || pqErr.Code.Class() == "57":
			// connection exceptions and operator intervention (admin shutdown, crash recovery)
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
	}
	// A server that shut down (or a proxy in front of one) ends the connection: lib/pq returns the bare io.EOF.
	if errors.Is(err, sql.ErrConnDone) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || isConnRefused(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

func isConnRefused(err error) bool {
	s := err.Error()
	return strings.Contains(s, "connection refused") || strings.Contains(s, "driver: bad connection") ||
		strings.Contains(s, "broken pipe") || strings.Contains(s, "connection reset")
}

// jsonValue is v as JSON for a jsonb parameter. It is text: the connections send a []byte in binary form (Open),
// and jsonb's binary form is not JSON's bytes.
func jsonValue(v any) (driver.Value, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
