// Package storetest gives each test a migrated database of its own on a real PostgreSQL: the server at
// TEST_DATABASE_URL when set (its user needs CREATEDB), otherwise a throwaway private server started once per test
// binary with the same code the bot uses by default (store.StartLocal) and removed afterwards. That server starts
// from a copy of a cluster initialised once per machine (seed.go), as initdb costs seconds on a busy machine, in
// a folder on a tmpfs when there is one with room (scratch.go). URL copies a fresh database from the template
// with STRATEGY FILE_COPY; New hands out databases that earlier tests emptied, with their connections still open
// (reuse.go), as a new connection costs the server more CPU than most tests' queries.
//
// A package that uses it calls Main from its TestMain:
//
//	func TestMain(m *testing.M) { storetest.Main(m) }
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/gesprekbot/gesprekbot/store"
)

var (
	once     sync.Once
	onceErr  error
	server   *store.LocalServer
	tmpDir   string
	adminURL string  // a URL on the server whose user may create databases
	admin    *sql.DB // connections on adminURL, kept open: each new connection costs the server a process
	// superuser says whether the server's user is one (the throwaway server's is): reset then deletes rows
	// rather than truncating tables (reuse.go).
	superuser bool
	template  string // a migrated database that each test's database is copied from
)

// MainWaiting is Main for a package whose tests mostly wait rather than compute (on child processes, servers, a
// browser, a pace kept in real time): unless -test.parallel is given, four tests per core run at once rather than
// go test's one. (Packages whose tests compute, the handlers' and the store's, gain nothing from it; the scheduler's
// fault tests miss their deadlines under that load.)
func MainWaiting(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", strconv.Itoa(4*runtime.GOMAXPROCS(0)))
	}
	Main(m)
}

// Main runs the tests, then removes the template database and stops the throwaway server, if one was started.
func Main(m *testing.M) {
	code := m.Run()
	cleanup()
	os.Exit(code)
}

func cleanup() {
	closePool()
	if template != "" && admin != nil {
		dropDB(template)
	}
	if admin != nil {
		admin.Close()
	}
	if server != nil {
		server.Stop(context.Background())
	}
	if tmpDir != "" {
		os.RemoveAll(tmpDir)
	}
}

func setup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	adminURL = os.Getenv("TEST_DATABASE_URL")
	if adminURL == "" {
		dir, err := clusterDir("gesprekbot-test-")
		if err != nil {
			return err
		}
		tmpDir = dir
		server, err = startLocal(ctx, dir)
		if err != nil {
			return err
		}
		adminURL = server.URL()
	}
	var err error
	if admin, err = sql.Open("postgres", adminURL); err != nil {
		return err
	}
	// A test creates its database and drops it when it ends; with tests in parallel a few at once.
	admin.SetMaxIdleConns(4)
	if err := chooseStrategy(ctx); err != nil {
		return err
	}
	if err := admin.QueryRowContext(ctx, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&superuser); err != nil {
		return fmt.Errorf("server role: %w", err)
	}
	template = "gesprekbot_tmpl_" + randomSuffix()
	if err := createDB(ctx, template, ""); err != nil {
		return err
	}
	db, err := store.Open(ctx, withDB(adminURL, template))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate template: %w", err)
	}
	return describeTemplate(ctx, db)
}

// startLocal starts a throwaway server in the empty folder dir, from a copy of the seed cluster when there is one.
func startLocal(ctx context.Context, dir string) (*store.LocalServer, error) {
	seeded := fromSeed(ctx, dir)
	srv, err := store.StartLocal(ctx, store.LocalOptions{Dir: dir, BinDir: os.Getenv("PG_BIN"), Throwaway: true})
	if err != nil && seeded {
		// A seed that does not start (say, another PostgreSQL build at the same path) is no reason to fail.
		fmt.Fprintf(os.Stderr, "storetest: the seed cluster did not start (%v); starting from scratch\n", err)
		emptyDir(dir)
		srv, err = store.StartLocal(ctx, store.LocalOptions{Dir: dir, BinDir: os.Getenv("PG_BIN"), Throwaway: true})
	}
	return srv, err
}

// URL creates a fresh, migrated database for t and returns its URL; it is dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(func() { onceErr = setup() })
	if onceErr != nil {
		t.Fatalf("test database: %v", onceErr)
	}
	name := "gesprekbot_test_" + randomSuffix()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := createDB(ctx, name, template); err != nil {
		t.Fatalf("test database: %v", err)
	}
	t.Cleanup(func() {
		dropDB(name)
	})
	return withDB(adminURL, name)
}

// New returns an open handle on a migrated database of t's own, as empty as a fresh one; when t ends the database
// is emptied for the next test, or dropped (reuse.go). Its clock and other fields are t's to set; closing it is
// allowed (the database is then dropped).
func New(t testing.TB) *store.DB {
	t.Helper()
	p := take(t)
	p.lent = p.db.WithNow(time.Now)
	t.Cleanup(func() { give(t, p) })
	return p.lent
}

// AdminURL returns a URL on the test server whose user may create databases (it starts the server if needed).
func AdminURL(t testing.TB) string {
	t.Helper()
	once.Do(func() { onceErr = setup() })
	if onceErr != nil {
		t.Fatalf("test database: %v", onceErr)
	}
	return adminURL
}

// dropDB drops the database name, whoever is still connected to it; a database already gone is no error.
func dropDB(name string) {
	admin.Exec(`DROP DATABASE IF EXISTS ` + pq.QuoteIdentifier(name) + ` WITH (FORCE)`)
}

func createDB(ctx context.Context, name, tmpl string) error {
	q := `CREATE DATABASE ` + pq.QuoteIdentifier(name)
	if tmpl != "" {
		q += ` TEMPLATE ` + pq.QuoteIdentifier(tmpl) + strategy
	}
	// Copying a template fails while anyone else is connected to it; that is brief, so try again.
	var err error
	for i := 0; ; i++ {
		_, err = admin.ExecContext(ctx, q)
		if err == nil || i == 20 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// strategy is how CREATE DATABASE copies the template: FILE_COPY where the server has the choice (PostgreSQL 15
// and later, whose default WAL_LOG suits large databases). For a template as small as ours (9 MB) copying the
// files takes about a third less of the server's CPU than writing every block through the WAL, and it leaves no
// WAL behind: in the handlers tests the server's CPU fell from 33 s to 22 s (README, "Tests").
var strategy string

// chooseStrategy sets strategy for the server at adminURL.
func chooseStrategy(ctx context.Context) error {
	var version int
	if err := admin.QueryRowContext(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&version); err != nil {
		return fmt.Errorf("server version: %w", err)
	}
	if version >= 150000 {
		strategy = ` STRATEGY FILE_COPY`
	}
	return nil
}

func withDB(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + name
	return u.String()
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
