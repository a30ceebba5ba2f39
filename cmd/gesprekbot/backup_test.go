package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// emptyDatabase creates a database with nothing in it on the test server and returns its URL; it is dropped when t
// ends.
func emptyDatabase(t *testing.T) string {
	t.Helper()
	admin := storetest.AdminURL(t)
	db, err := sql.Open("postgres", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	name := fmt.Sprintf("gesprekbot_restore_%d", time.Now().UnixNano())
	if _, err := db.Exec(`CREATE DATABASE ` + pq.QuoteIdentifier(name)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if db, err := sql.Open("postgres", admin); err == nil {
			db.Exec(`DROP DATABASE IF EXISTS ` + pq.QuoteIdentifier(name) + ` WITH (FORCE)`)
			db.Close()
		}
	})
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	return u.String()
}

// tableRows reads every table of the database at dbURL, as the catalogue lists them, each row as JSON text,
// sorted: the whole content, to compare two databases with.
func tableRows(t *testing.T, dbURL string) map[string][]string {
	t.Helper()
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.Query(`
		SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	out := map[string][]string{}
	for _, table := range tables {
		rs, err := db.Query(`SELECT to_jsonb(t)::text FROM ` + pq.QuoteIdentifier(table) + ` t ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		out[table] = []string{}
		for rs.Next() {
			var s string
			if err := rs.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], s)
		}
		rs.Close()
	}
	return out
}

// sameTables fails t where want and got differ: a table missing on either side, or a row.
func sameTables(t *testing.T, want, got map[string][]string) {
	t.Helper()
	if len(want) == 0 {
		t.Fatal("the source database has no tables")
	}
	for table, rows := range want {
		g, ok := got[table]
		if !ok {
			t.Errorf("table %s is missing after the restore", table)
			continue
		}
		if !slices.Equal(rows, g) {
			t.Errorf("table %s differs after the restore:\nbacked up (%d rows): %s\nrestored (%d rows): %s",
				table, len(rows), strings.Join(rows, "\n  "), len(g), strings.Join(g, "\n  "))
		}
	}
	for table := range got {
		if _, ok := want[table]; !ok {
			t.Errorf("table %s appeared after the restore", table)
		}
	}
}

// personalTables must hold rows in the round trip, so that comparing them compares something.
var personalTables = []string{"cohorts", "cohort_trainers", "cohort_modules", "participants", "deliveries", "audit_log",
	"progress", "meter_measurements", "meter_answers", "meter_plans", "case_cards", "case_reveals", "world"}

// A cohort with participants, answers, plans, deliveries and audit rows goes through backup and restore unchanged,
// every table of the catalogue row by row, while another connection writes: the dump holds a consistent snapshot
// (each of the writer's transactions entirely or not at all, and none after a missing one).
func TestBackupRestoreRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srcURL := storetest.URL(t)
	src, err := store.Open(ctx, srcURL)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	start := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	a := storetest.SeedCohort(t, src, "Utrecht najaar 2026", "C0UTRECHT", "U0TRAINER1", start, []string{"U0ANNA", "U0BRAM", "U0CEES"})
	storetest.SeedCohort(t, src, "Zwolle najaar 2026", "C0ZWOLLE", "U0TRAINER2", start.AddDate(0, 0, 1), []string{"U0DIRK", "U0EVA"})
	if err := src.ClaimSlack(ctx, "T0GEMEENTE", "Gemeente Utrecht"); err != nil {
		t.Fatal(err)
	}

	// A writer on a connection of its own, like the running bot: each transaction writes an audit row and a
	// progress row, numbered.
	conn, err := src.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var written atomic.Int64
	stop := make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		for n := int64(1); ; n++ {
			select {
			case <-stop:
				writerDone <- nil
				return
			default:
			}
			tx, err := conn.BeginTxx(ctx, nil)
			if err != nil {
				writerDone <- err
				return
			}
			if _, err := tx.Exec(`INSERT INTO audit_log (cohort_id, actor, action, detail) VALUES ($1, 'writer', 'writer', jsonb_build_object('n', $2::bigint))`, a, n); err != nil {
				tx.Rollback()
				writerDone <- err
				return
			}
			if _, err := tx.Exec(`INSERT INTO progress (cohort_id, user_id, kind, item, module, done_at) VALUES ($1, 'U0WRITER', 'reading', 'w' || $2::bigint, 1, now())`, a, n); err != nil {
				tx.Rollback()
				writerDone <- err
				return
			}
			if err := tx.Commit(); err != nil {
				writerDone <- err
				return
			}
			written.Store(n)
		}
	}()
	for deadline := time.Now().Add(10 * time.Second); written.Load() < 5; {
		select {
		case err := <-writerDone:
			t.Fatalf("writer: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the writer wrote nothing within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}

	file := filepath.Join(t.TempDir(), "gesprekbot.dump")
	env := map[string]string{"DATABASE_URL": srcURL, "DATA_DIR": t.TempDir()}
	code, stdout, stderr := runMain(t, env, "backup", file)
	before := written.Load()
	close(stop)
	if err := <-writerDone; err != nil {
		t.Fatalf("writer: %v", err)
	}
	if code != 0 {
		t.Fatalf("backup: exit code %d\n%s%s", code, stdout, stderr)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, mode %v; want it readable by its owner only", err, fi.Mode())
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".*partial")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	dstURL := emptyDatabase(t)
	env = map[string]string{"DATABASE_URL": dstURL, "DATA_DIR": t.TempDir()}
	code, stdout, stderr = runMain(t, env, "restore", file)
	if code != 0 {
		t.Fatalf("restore: exit code %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "2 cohorts") || !strings.Contains(stdout, "workspace T0GEMEENTE") {
		t.Errorf("restore does not say what it restored and whose it is:\n%s", stdout)
	}

	// The snapshot: the writer's first k transactions, whole.
	dst, err := store.Open(ctx, dstURL)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	var audits, progress []int64
	if err := dst.Select(&audits, `SELECT (detail->>'n')::bigint FROM audit_log WHERE action = 'writer' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	if err := dst.Select(&progress, `SELECT substr(item, 2)::bigint FROM progress WHERE user_id = 'U0WRITER' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	k := int64(len(audits))
	if k < 5 || k > before+1 {
		t.Errorf("the dump holds %d of the writer's transactions; %d were written before the backup started and %d when it ended", k, 5, before)
	}
	for i, n := range audits {
		if n != int64(i+1) || i >= len(progress) || progress[i] != n {
			t.Fatalf("not a consistent snapshot: writer's audit rows %v, progress rows %v", audits, progress)
		}
	}
	if len(progress) != len(audits) {
		t.Fatalf("not a consistent snapshot: %d audit rows but %d progress rows of the writer", len(audits), len(progress))
	}
	// What the writer wrote after the snapshot is not in the dump; take it out of the source, then every table must
	// be equal, row by row.
	if _, err := src.Exec(`DELETE FROM audit_log WHERE action = 'writer' AND (detail->>'n')::bigint > $1`, k); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Exec(`DELETE FROM progress WHERE user_id = 'U0WRITER' AND substr(item, 2)::bigint > $1`, k); err != nil {
		t.Fatal(err)
	}
	want, got := tableRows(t, srcURL), tableRows(t, dstURL)
	sameTables(t, want, got)
	for _, table := range personalTables {
		if len(got[table]) == 0 {
			t.Errorf("table %s is empty: the round trip compared nothing there", table)
		}
	}

	// The restored database is one the bot runs on: migrated, and its sequences go on after the restored rows.
	if err := dst.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := dst.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	if err := dst.Audit(ctx, store.AuditEntry{Actor: "operator", Action: "restored"}); err != nil {
		t.Fatalf("a new row after the restore: %v", err)
	}
}

// A restore refuses a database that holds anything — rows, or only the bot's tables — says what it found and what
// to do, and leaves it exactly as it was.
func TestRestoreRefusesNonEmpty(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srcURL := storetest.URL(t)
	src, err := store.Open(ctx, srcURL)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	storetest.SeedCohort(t, src, "Utrecht najaar 2026", "C0UTRECHT", "U0TRAINER1", time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), []string{"U0ANNA"})
	file := filepath.Join(t.TempDir(), "gesprekbot.dump")
	env := map[string]string{"DATABASE_URL": srcURL, "DATA_DIR": t.TempDir()}
	if code, stdout, stderr := runMain(t, env, "backup", file); code != 0 {
		t.Fatalf("backup: exit code %d\n%s%s", code, stdout, stderr)
	}

	withRows := storetest.URL(t)
	other, err := store.Open(ctx, withRows)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	storetest.SeedCohort(t, other, "Zwolle voorjaar 2027", "C0ZWOLLE", "U0TRAINER2", time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC), []string{"U0DIRK"})
	for _, tc := range []struct {
		name, url string
		want      []string
	}{
		{"WithRows", withRows, []string{"cohorts (1 rows)", "participants (1 rows)", "createdb"}},
		{"SchemaOnly", storetest.URL(t), []string{"schema_migrations (", "empty tables", "createdb"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tableRows(t, tc.url)
			env := map[string]string{"DATABASE_URL": tc.url, "DATA_DIR": t.TempDir()}
			code, stdout, stderr := runMain(t, env, "restore", file)
			if code != 2 {
				t.Fatalf("restore into a database that is not empty: exit code %d, want 2\n%s%s", code, stdout, stderr)
			}
			oneLine(t, stderr, append([]string{"not empty", "nothing was restored"}, tc.want...)...)
			sameTables(t, before, tableRows(t, tc.url))
		})
	}
}

// The private database: a backup while the bot's server runs goes through that server (found by its
// postmaster.pid); a restore goes into an empty DATA_DIR, initialised for it, and is refused on a DATA_DIR a bot
// runs on, or one that holds data; the restored database holds what the backed-up one did.
func TestBackupRestorePrivate(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts three private PostgreSQL servers")
	}
	ctx := context.Background()
	base := storetest.ClusterDir(t)
	running, fresh := filepath.Join(base, "running"), filepath.Join(base, "fresh")

	// The bot's server, as "gesprekbot run" starts it.
	local, err := store.StartLocal(ctx, store.LocalOptions{Dir: running, BinDir: os.Getenv("PG_BIN"), Throwaway: true})
	if err != nil {
		t.Fatal(err)
	}
	defer local.Stop(context.Background())
	src, err := store.Open(ctx, local.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := src.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	storetest.SeedCohort(t, src, "Utrecht najaar 2026", "C0UTRECHT", "U0TRAINER1", time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), []string{"U0ANNA", "U0BRAM"})
	if err := src.ClaimSandbox(ctx); err != nil {
		t.Fatal(err)
	}

	file := filepath.Join(base, "nightly.dump")
	env := map[string]string{"DATA_DIR": running}
	code, stdout, stderr := runMain(t, env, "backup", file)
	if code != 0 {
		t.Fatalf("backup: exit code %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "the running private PostgreSQL in "+running) {
		t.Errorf("backup did not use the running bot's server:\n%s", stdout)
	}

	code, stdout, stderr = runMain(t, env, "restore", file)
	if code != 2 {
		t.Fatalf("restore into the running bot's DATA_DIR: exit code %d, want 2\n%s%s", code, stdout, stderr)
	}
	oneLine(t, stderr, "a bot is running", running, "empty DATA_DIR")

	env = map[string]string{"DATA_DIR": fresh}
	code, stdout, stderr = runMain(t, env, "restore", file)
	if code != 0 {
		t.Fatalf("restore into an empty DATA_DIR: exit code %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "1 cohorts") || !strings.Contains(stdout, "belongs to the sandbox") {
		t.Errorf("restore does not say what it restored and whose it is:\n%s", stdout)
	}
	if _, err := store.RunningLocalURL(fresh); err != store.ErrLocalNotRunning {
		t.Errorf("the server started for the restore still runs: %v", err)
	}
	code, stdout, stderr = runMain(t, env, "restore", file)
	if code != 2 {
		t.Fatalf("a second restore into the same DATA_DIR: exit code %d, want 2\n%s%s", code, stdout, stderr)
	}
	oneLine(t, stderr, "not empty", "cohorts (1 rows)")

	restored, err := store.StartLocal(ctx, store.LocalOptions{Dir: fresh, BinDir: os.Getenv("PG_BIN"), Throwaway: true})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Stop(context.Background())
	sameTables(t, tableRows(t, local.URL()), tableRows(t, restored.URL()))
}

// A pg_dump older than the server is refused before anything is written, with what to install; an existing FILE is
// kept unless --force is given.
func TestBackupRefuses(t *testing.T) {
	t.Parallel()
	srcURL := storetest.URL(t)
	old := t.TempDir()
	if err := os.WriteFile(filepath.Join(old, "pg_dump"), []byte("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "gesprekbot.dump")

	env := map[string]string{"DATABASE_URL": srcURL, "DATA_DIR": t.TempDir(), "PG_BIN": old}
	code, stdout, stderr := runMain(t, env, "backup", file)
	if code != 2 {
		t.Fatalf("backup with an old pg_dump: exit code %d, want 2\n%s%s", code, stdout, stderr)
	}
	oneLine(t, stderr, "is PostgreSQL 9 and the server is PostgreSQL", "at least the server's version", "PG_BIN")
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused backup left %v", entries)
	}

	if err := os.WriteFile(file, []byte("yesterday's dump"), 0o600); err != nil {
		t.Fatal(err)
	}
	env = map[string]string{"DATABASE_URL": srcURL, "DATA_DIR": t.TempDir()}
	code, stdout, stderr = runMain(t, env, "backup", file)
	if code != 2 {
		t.Fatalf("backup onto an existing file: exit code %d, want 2\n%s%s", code, stdout, stderr)
	}
	oneLine(t, stderr, "exists", "--force")
	if b, _ := os.ReadFile(file); string(b) != "yesterday's dump" {
		t.Fatalf("the existing file was changed")
	}
	if code, stdout, stderr = runMain(t, env, "backup", "--force", file); code != 0 {
		t.Fatalf("backup --force: exit code %d\n%s%s", code, stdout, stderr)
	}
	if b, _ := os.ReadFile(file); string(b) == "yesterday's dump" {
		t.Fatalf("--force did not replace the file")
	}
}
