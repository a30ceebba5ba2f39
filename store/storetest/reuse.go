package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/gesprekbot/gesprekbot/store"
)

// New's databases are used again, one test after another, with their connections kept open: each new connection
// costs the server a process that then loads the catalogue it needs from scratch (30–40 ms of CPU on these
// machines, more than a test's queries), and a world test opens four. A database goes back to the pool only as
// empty as a fresh copy of the template: its tables emptied, its sequences restarted, its schema and migrations
// unchanged, no connection of the test's own left open, and the test passed. Anything else is dropped.
var (
	reuseMu sync.Mutex
	free    []*pooled // emptied databases, ready for the next test
	all     []*pooled // every database New opened, to close and drop at the end
)

// pooled is one of New's databases and the handle whose connections stay open.
type pooled struct {
	name string
	db   *store.DB
	// lent is the handle New gave the test: the statements it prepared are closed when the test ends.
	lent *store.DB
	// The two questions of every reset, prepared once: planning them took longer than answering them.
	schema, used *sqlx.Stmt
}

// schemaQuery describes the database's schema and the migrations it has applied; a database whose description
// differs from the template's was changed by its test and is not used again. (Names, types and function bodies
// only: the catalogue's own text functions would make it the costliest query of a reset.)
const schemaQuery = `
	SELECT md5(string_agg(x, E'\n' ORDER BY x)) FROM (
		SELECT 'r ' || c.relname || ' ' || c.relkind::text || ' ' || a.attnum || ' ' || a.attname || ' '
			|| a.atttypid::int || ' ' || a.atttypmod || ' ' || a.attnotnull::text || ' ' || a.atthasdef::text
		FROM pg_class c LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		WHERE c.relnamespace = to_regnamespace(current_schema())
		UNION ALL
		SELECT 'c ' || conrelid::int || ' ' || conname || ' ' || contype::text FROM pg_constraint
		WHERE connamespace = to_regnamespace(current_schema())
		UNION ALL
		SELECT 'f ' || proname || ' ' || md5(prosrc) FROM pg_proc WHERE pronamespace = to_regnamespace(current_schema())
		UNION ALL
		SELECT 't ' || tgrelid::int || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal
		UNION ALL
		SELECT 'm ' || string_agg(version::text, ',' ORDER BY version) FROM schema_migrations
	) s(x)`

// usedTables answers the names of the tables that may hold rows: a table that never held a row has no page yet.
// (Asking each table whether it holds a row takes longer to plan. A table emptied with DELETE keeps its pages and
// stays on the list: deleting nothing from it is cheap.)
const usedTables = `
	SELECT relname FROM pg_class
	WHERE relnamespace = to_regnamespace(current_schema()) AND relkind IN ('r', 'p')
	  AND relname <> 'schema_migrations' AND pg_relation_size(oid) > 0`

// templateSchema is schemaQuery's answer on the template.
var templateSchema string

// describeTemplate reads what resetting a database compares with, once, from the template.
func describeTemplate(ctx context.Context, db *store.DB) error {
	if err := db.GetContext(ctx, &templateSchema, schemaQuery); err != nil {
		return fmt.Errorf("describe the template: %w", err)
	}
	return nil
}

// take returns an emptied database from the pool, or a fresh copy of the template with its handle opened.
func take(t testing.TB) *pooled {
	t.Helper()
	once.Do(func() { onceErr = setup() })
	if onceErr != nil {
		t.Fatalf("test database: %v", onceErr)
	}
	reuseMu.Lock()
	if n := len(free); n > 0 {
		p := free[n-1]
		free = free[:n-1]
		reuseMu.Unlock()
		return p
	}
	reuseMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p := &pooled{name: "gesprekbot_test_" + randomSuffix()}
	if err := createDB(ctx, p.name, template); err != nil {
		t.Fatalf("test database: %v", err)
	}
	db, err := store.Open(ctx, withDB(adminURL, p.name))
	if err != nil {
		dropDB(p.name)
		t.Fatalf("open test database: %v", err)
	}
	p.db = db
	if p.schema, err = db.PreparexContext(ctx, schemaQuery); err == nil {
		p.used, err = db.PreparexContext(ctx, usedTables)
	}
	if err != nil {
		discard(p)
		t.Fatalf("test database: %v", err)
	}
	reuseMu.Lock()
	all = append(all, p)
	reuseMu.Unlock()
	return p
}

// URLOf returns the URL of the database New returned db on, for a child process or a session of the test's own to
// connect with (they must be closed when the test ends, or the database is not used again).
func URLOf(t testing.TB, db *store.DB) string {
	t.Helper()
	reuseMu.Lock()
	defer reuseMu.Unlock()
	for _, p := range all {
		if p.db.DB == db.DB {
			return withDB(adminURL, p.name)
		}
	}
	t.Fatal("storetest.URLOf: not a database of storetest.New")
	return ""
}

// give takes p back when t ends: emptied into the pool when it can be, dropped otherwise.
func give(t testing.TB, p *pooled) {
	p.lent.CloseStatements() // on connections the next test keeps using
	if !t.Failed() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := reset(ctx, p)
		cancel()
		if err == nil {
			reuseMu.Lock()
			free = append(free, p)
			reuseMu.Unlock()
			return
		}
	}
	discard(p)
}

// discard closes p's handle and drops its database.
func discard(p *pooled) {
	reuseMu.Lock()
	for i, q := range all {
		if q == p {
			all = append(all[:i], all[i+1:]...)
			break
		}
	}
	reuseMu.Unlock()
	p.db.Close()
	dropDB(p.name)
}

// reset empties p as a fresh copy of the template is, or says why it cannot.
func reset(ctx context.Context, p *pooled) error {
	// The test's own connections must be gone (closed by its cleanups): only the handle's may remain.
	var others int
	open := p.db.Stats().OpenConnections
	if err := admin.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = $1`, p.name).Scan(&others); err != nil {
		return err
	}
	if others > open {
		return errors.New("connections of the test still open")
	}
	var schema string
	if err := p.schema.GetContext(ctx, &schema); err != nil {
		return err // among others: the test closed the handle
	}
	if schema != templateSchema {
		return errors.New("schema or migrations changed")
	}
	var used []string
	if err := p.used.SelectContext(ctx, &used); err != nil {
		return err
	}
	if len(used) > 0 {
		for i, t := range used {
			used[i] = pq.QuoteIdentifier(t)
		}
		if superuser {
			// Deleting the rows costs the server a fraction of a TRUNCATE, which gives each table and index a new
			// file and makes every connection reload its catalogue entries. As the replication role, no foreign
			// key is checked row by row (every table that holds a row is in the list) and no trigger fires.
			q := "BEGIN; SET LOCAL session_replication_role = replica;"
			for _, t := range used {
				q += " DELETE FROM " + t + ";"
			}
			if _, err := p.db.ExecContext(ctx, q+" COMMIT"); err != nil {
				return err
			}
		} else {
			// CASCADE: rows of a table that refers to one of these are gone too (it held rows, so it is listed).
			if _, err := p.db.ExecContext(ctx, `TRUNCATE `+strings.Join(used, ", ")+` CASCADE`); err != nil {
				return err
			}
		}
	}
	// A sequence moves even when its insert fails; every one that moved starts again.
	_, err := p.db.ExecContext(ctx, `
		SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false)
		FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL`)
	return err
}

// closePool closes and drops every database New opened.
func closePool() {
	reuseMu.Lock()
	ps := append([]*pooled(nil), all...)
	free = nil
	reuseMu.Unlock()
	for _, p := range ps {
		discard(p)
	}
}
