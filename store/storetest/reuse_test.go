package storetest

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/store"
)

func TestMain(m *testing.M) { Main(m) }

// fakeT is a test that ends when end is called: New's database goes back to the pool then.
type fakeT struct {
	testing.TB
	cleanups []func()
	failed   bool
}

func (f *fakeT) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeT) Failed() bool      { return f.failed }
func (f *fakeT) end() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

// A database New gives to one test after another is, for the second, as a fresh copy of the template is: no rows,
// sequences from their start. One whose schema changed, or whose test failed or left a connection open, is not
// given again.
func TestNewReusesEmptied(t *testing.T) {
	ctx := context.Background()
	// Both ways of emptying: the rows deleted (the throwaway server's user is a superuser), and TRUNCATE (a
	// server at TEST_DATABASE_URL whose user is not).
	asSetUp := superuser
	t.Cleanup(func() { superuser = asSetUp })
	var db *store.DB
	for _, mode := range []struct {
		name      string
		superuser bool
	}{{"AsSetUp", asSetUp}, {"Truncate", false}} {
		superuser = mode.superuser
		t.Run(mode.name, func(t *testing.T) {
			first := &fakeT{TB: t}
			db = New(first)
			start := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
			id := SeedCohort(t, db, "Utrecht najaar 2026", "C0UTRECHT", "U0TRAINER1", start, []string{"U0ANNA", "U0BRAM"})
			if id != 1 {
				t.Fatalf("the first cohort of a fresh database has id %d, want 1", id)
			}
			// A sequence moves even when no row comes of it (a failed insert, say).
			if _, err := db.ExecContext(ctx, `SELECT nextval('feedback_id_seq')`); err != nil {
				t.Fatal(err)
			}
			name := nameOf(t, db)
			first.end()

			second := &fakeT{TB: t}
			db = New(second)
			if got := nameOf(t, db); got != name {
				t.Fatalf("the second test got database %s, want the emptied %s", got, name)
			}
			var tables []string
			if err := db.SelectContext(ctx, &tables, `SELECT relname FROM pg_class
				WHERE relnamespace = to_regnamespace(current_schema()) AND relkind = 'r' AND relname <> 'schema_migrations'`); err != nil {
				t.Fatal(err)
			}
			for _, table := range tables {
				var n int
				if err := db.GetContext(ctx, &n, `SELECT count(*) FROM `+table); err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Errorf("%s holds %d rows after the reset, want none", table, n)
				}
			}
			var moved []string
			if err := db.SelectContext(ctx, &moved, `SELECT sequencename FROM pg_sequences
				WHERE schemaname = current_schema() AND last_value IS NOT NULL`); err != nil {
				t.Fatal(err)
			}
			if len(moved) > 0 {
				t.Errorf("sequences %v not restarted", moved)
			}
			if id := SeedCohort(t, db, "Zwolle najaar 2026", "C0ZWOLLE", "U0TRAINER2", start, []string{"U0DIRK"}); id != 1 {
				t.Errorf("the first cohort after the reset has id %d, want 1", id)
			}
			var migrations int
			if err := db.GetContext(ctx, &migrations, `SELECT count(*) FROM schema_migrations`); err != nil || migrations == 0 {
				t.Errorf("schema_migrations holds %d rows after the reset (%v), want the template's", migrations, err)
			}
			second.end()
		})
	}
	superuser = asSetUp
	second := &fakeT{TB: t}
	db = New(second)

	// Not given again: a schema the test changed, a failed test, a connection of the test's own still open.
	for _, tc := range []struct {
		name  string
		spoil func(f *fakeT, db string)
	}{
		{"SchemaChanged", func(f *fakeT, _ string) {
			if _, err := db.ExecContext(ctx, `ALTER TABLE cohorts ADD COLUMN extra text`); err != nil {
				t.Fatal(err)
			}
		}},
		{"FunctionChanged", func(f *fakeT, _ string) {
			if _, err := db.ExecContext(ctx, `CREATE FUNCTION extra() RETURNS int LANGUAGE sql AS 'SELECT 1'`); err != nil {
				t.Fatal(err)
			}
		}},
		{"Failed", func(f *fakeT, _ string) { f.failed = true }},
		{"ConnectionLeftOpen", func(f *fakeT, name string) {
			conn, err := sql.Open("postgres", withDB(adminURL, name))
			if err == nil {
				err = conn.Ping()
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { conn.Close() })
		}},
	} {
		name := nameOf(t, db)
		tc.spoil(second, name)
		second.end()
		second = &fakeT{TB: t}
		db = New(second)
		if got := nameOf(t, db); got == name {
			t.Errorf("%s: the next test got the same database %s", tc.name, name)
		}
		var exists bool
		if err := admin.QueryRowContext(ctx, `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
			t.Fatal(err)
		}
		if exists {
			t.Errorf("%s: database %s not dropped", tc.name, name)
		}
	}
	second.end()
}

func nameOf(t *testing.T, db interface {
	GetContext(context.Context, any, string, ...any) error
}) string {
	t.Helper()
	var name string
	if err := db.GetContext(context.Background(), &name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	return name
}
