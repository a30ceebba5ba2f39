package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/lib/pq"
)

// Backups: a dump of the bot's database in pg_dump's custom format, and its restore into an empty database. The
// dump runs while the bot runs: pg_dump reads one snapshot, so what it writes is consistent without stopping
// anything. cmd/gesprekbot's "backup" and "restore" commands drive these.

// ErrLocalNotRunning means no private PostgreSQL server runs on the data directory.
var ErrLocalNotRunning = errors.New("the private PostgreSQL is not running")

// RunningLocalURL returns the connection URL of the private server that a running bot started in dir (its
// DATA_DIR): the port comes from the server's postmaster.pid, the password from dir/postgres.pw. It returns
// ErrLocalNotRunning when no server runs there, so that the caller can start one briefly instead.
func RunningLocalURL(dir string) (string, error) {
	pgdata := filepath.Join(dir, "postgres")
	b, err := os.ReadFile(filepath.Join(pgdata, "postmaster.pid"))
	if errors.Is(err, os.ErrNotExist) {
		return "", ErrLocalNotRunning
	} else if err != nil {
		return "", fmt.Errorf("read postmaster.pid: %w", err)
	}
	// postmaster.pid: pid, data directory, start time, port, socket directory, listen address, ... (one a line).
	lines := strings.Split(string(b), "\n")
	if len(lines) < 4 {
		return "", ErrLocalNotRunning // the server is still writing it, or it is left from a crash
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(lines[0]))
	if pid <= 0 || !isPostgresOn(pid, pgdata) {
		return "", ErrLocalNotRunning
	}
	port, err := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err != nil || port <= 0 {
		return "", fmt.Errorf("postmaster.pid in %s names no port", pgdata)
	}
	pw, err := os.ReadFile(filepath.Join(dir, "postgres.pw"))
	if err != nil {
		return "", fmt.Errorf("the private database's password file: %w", err)
	}
	return (&url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(localUser, strings.TrimSpace(string(pw))),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Path:     "/" + localUser,
		RawQuery: "sslmode=disable",
	}).String(), nil
}

// HasLocalCluster reports whether dir (a DATA_DIR) holds an initialised private database.
func HasLocalCluster(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "postgres", "PG_VERSION"))
	return err == nil
}

// FindClientTool returns the path of a PostgreSQL client program (pg_dump, pg_restore): the one beside the server
// binaries in binDir when there is one (what the private server runs), else the one on PATH, else the one in the
// newest /usr/lib/postgresql/*/bin.
func FindClientTool(name, binDir string) (string, error) {
	if binDir != "" {
		p := filepath.Join(binDir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	if d, err := FindPostgres(""); err == nil {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found: install PostgreSQL's client programs (e.g. apt-get install postgresql-client) "+
		"or set PG_BIN to the folder holding them", name)
}

var toolVersion = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

// ToolMajor returns the major version of a PostgreSQL program ("pg_dump (PostgreSQL) 15.8" is 15).
func ToolMajor(ctx context.Context, tool string) (int, error) {
	out, err := exec.CommandContext(ctx, tool, "--version").Output()
	if err != nil {
		return 0, fmt.Errorf("%s --version: %w", tool, err)
	}
	m := toolVersion.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("%s --version: cannot read the version in %q", tool, strings.TrimSpace(string(out)))
	}
	v, _ := strconv.Atoi(string(m[1]))
	return v, nil
}

// ServerMajor returns the major version of the server at dbURL.
func ServerMajor(ctx context.Context, dbURL string) (int, error) {
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return 0, fmt.Errorf("server version: %w", err)
	}
	defer db.Close()
	var num int
	if err := db.QueryRowContext(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&num); err != nil {
		return 0, fmt.Errorf("server version: %w", FormatError(err))
	}
	return num / 10000, nil
}

// pgEnv returns dbURL without its password, and the environment that passes the password to a PostgreSQL
// program: a password on the command line would show in ps.
func pgEnv(dbURL string) (string, []string, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", nil, fmt.Errorf("database URL: %w", err)
	}
	env := os.Environ()
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	return u.String(), env, nil
}

// Dump writes the database at dbURL to w in pg_dump's custom format, with the pg_dump at tool. pg_dump reads the
// whole database in one snapshot: the bot may go on writing meanwhile.
func Dump(ctx context.Context, tool, dbURL string, w io.Writer) error {
	dsn, env, err := pgEnv(dbURL)
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, tool, "--format=custom", "--no-password", "--dbname="+dsn)
	cmd.Env, cmd.Stdout, cmd.Stderr, cmd.Dir = env, w, &stderr, "/"
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_dump: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// DumpTables lists the tables in a dump file (pg_restore --list), to check that it is a dump pg_restore can read
// and that it is the bot's.
func DumpTables(ctx context.Context, tool, file string) ([]string, error) {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, tool, "--list", file)
	cmd.Stderr, cmd.Dir = &stderr, "/"
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("pg_restore --list: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	// Lines like "215; 1259 16390 TABLE public cohorts gesprekbot" (its data: "TABLE DATA public cohorts ...").
	var tables []string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) >= 6 && strings.HasSuffix(f[0], ";") && f[3] == "TABLE" && f[4] != "DATA" {
			tables = append(tables, f[5])
		}
	}
	return tables, nil
}

// Restore loads a custom-format dump into the database at dbURL with the pg_restore at tool, in one transaction:
// on any error nothing is restored. Objects take the connecting user as owner, so that a dump of the private
// database restores into a database of another user, and the other way round.
func Restore(ctx context.Context, tool, dbURL, file string) error {
	dsn, env, err := pgEnv(dbURL)
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, tool, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
		"--no-password", "--dbname="+dsn, file)
	cmd.Env, cmd.Stderr, cmd.Dir = env, &stderr, "/"
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_restore: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// Contents is what a database holds outside PostgreSQL's own schemas: its tables with their rows, and the other
// objects (views, sequences, functions, types) found.
type Contents struct {
	Tables  []TableRows
	Objects int // relations other than tables, functions and types
}

// TableRows is a table and how many rows it holds.
type TableRows struct {
	Name string
	Rows int64
}

// Empty reports whether the database holds nothing at all.
func (c Contents) Empty() bool { return len(c.Tables) == 0 && c.Objects == 0 }

// Summary says in one line what the database holds: the tables with rows first.
func (c Contents) Summary() string {
	var withRows, empty []string
	for _, t := range c.Tables {
		if t.Rows > 0 {
			withRows = append(withRows, fmt.Sprintf("%s (%d rows)", t.Name, t.Rows))
		} else {
			empty = append(empty, t.Name)
		}
	}
	var parts []string
	if len(withRows) > 0 {
		parts = append(parts, fmt.Sprintf("%d tables with rows: %s", countRows(c.Tables), strings.Join(withRows, ", ")))
	}
	if len(empty) > 0 {
		parts = append(parts, fmt.Sprintf("%d empty tables", len(empty)))
	}
	if c.Objects > 0 {
		parts = append(parts, fmt.Sprintf("%d other objects (views, sequences, functions, types)", c.Objects))
	}
	return strings.Join(parts, "; ")
}

func countRows(ts []TableRows) int {
	n := 0
	for _, t := range ts {
		if t.Rows > 0 {
			n++
		}
	}
	return n
}

// ReadContents lists what the database at dbURL holds in every schema but PostgreSQL's own: each table with its
// number of rows, and the number of other objects. Restore refuses a database where this is not empty.
func ReadContents(ctx context.Context, dbURL string) (Contents, error) {
	var c Contents
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return c, fmt.Errorf("read database contents: %w", err)
	}
	defer db.Close()
	const userSchema = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'`
	rows, err := db.QueryContext(ctx, `
		SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND `+userSchema+`
		ORDER BY n.nspname, c.relname`)
	if err != nil {
		return c, fmt.Errorf("read database contents: %w", FormatError(err))
	}
	for rows.Next() {
		var schema, name string
		if err := rows.Scan(&schema, &name); err != nil {
			rows.Close()
			return c, fmt.Errorf("read database contents: %w", err)
		}
		if schema != "public" {
			name = schema + "." + name
		}
		c.Tables = append(c.Tables, TableRows{Name: name})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("read database contents: %w", FormatError(err))
	}
	for i, t := range c.Tables {
		schema, name, ok := strings.Cut(t.Name, ".")
		if !ok {
			schema, name = "public", t.Name
		}
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+pq.QuoteIdentifier(schema)+`.`+pq.QuoteIdentifier(name)).
			Scan(&c.Tables[i].Rows); err != nil {
			return c, fmt.Errorf("read database contents: count %s: %w", t.Name, FormatError(err))
		}
	}
	// Anything else a dump would bring along and collide with: views, sequences of their own, functions, types.
	if err := db.QueryRowContext(ctx, `
		SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		        WHERE c.relkind IN ('v', 'm', 'S', 'f') AND `+userSchema+`)
		     + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		        WHERE `+userSchema+` AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e'))
		     + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
		        WHERE t.typtype IN ('c', 'e', 'd', 'r') AND `+userSchema+`
		          AND NOT EXISTS (SELECT 1 FROM pg_class r WHERE r.reltype = t.oid))`).Scan(&c.Objects); err != nil {
		return c, fmt.Errorf("read database contents: objects: %w", FormatError(err))
	}
	return c, nil
}

// LatestMigration is the number of the newest migration this binary carries.
func LatestMigration() (int, error) {
	ms, err := migrations()
	if err != nil {
		return 0, err
	}
	if len(ms) == 0 {
		return 0, nil
	}
	return ms[len(ms)-1].version, nil
}
