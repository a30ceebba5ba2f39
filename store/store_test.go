package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestMigrate(t *testing.T) {
	t.Parallel()
	t.Run("Twice", func(t *testing.T) {
		db := storetest.New(t) // migrated once already
		ctx := context.Background()
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		if err := db.Ready(ctx); err != nil {
			t.Fatalf("ready after migrate: %v", err)
		}
		var n int
		if err := db.GetContext(ctx, &n, `SELECT count(*) FROM schema_migrations WHERE version = 1`); err != nil || n != 1 {
			t.Fatalf("migration 1 recorded %d times (err %v), want once", n, err)
		}
	})
	t.Run("RulesReappliedOnEveryStart", func(t *testing.T) {
		// The meter's rules are sql/meter.sql, not a migration: a database that holds an older meter_answer (as
		// migration 0013 left it, or a broken one) gets the file's version back from Migrate.
		db := storetest.New(t)
		ctx := context.Background()
		if _, err := db.ExecContext(ctx, `
			CREATE OR REPLACE FUNCTION meter_round_refusal(p_locked boolean, p_current int, p_round int) RETURNS text
			LANGUAGE sql IMMUTABLE AS $$ SELECT 'old'::text $$`); err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var got *string
		if err := db.GetContext(ctx, &got, `SELECT meter_round_refusal(false, 1, 1)`); err != nil || got != nil {
			t.Fatalf("meter_round_refusal after Migrate = %v, %v; want NULL (sql/meter.sql)", got, err)
		}
	})
	t.Run("NotReadyBeforeMigrate", func(t *testing.T) {
		ctx := context.Background()
		db := storetest.New(t)
		if _, err := db.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = 1`); err != nil {
			t.Fatal(err)
		}
		if err := db.Ready(ctx); err == nil {
			t.Fatal("Ready reported a database with a missing migration as ready")
		}
	})
}

func TestUniqueKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	var cohortID int64
	if err := db.GetContext(ctx, &cohortID, `
		INSERT INTO cohorts (name, channel_id) VALUES ('Utrecht najaar 2026', 'C0UTRECHT') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	insertDelivery := func(key, recipient string) error {
		_, err := db.ExecContext(ctx, `
			INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at)
			VALUES ($1, $2, 'homework', 'homework', 1, 'participants', $3, now())`, key, cohortID, recipient)
		return store.FormatError(err)
	}
	tests := []struct {
		name string
		err  func() error
	}{
		{"CohortName", func() error {
			_, err := db.ExecContext(ctx, `INSERT INTO cohorts (name, channel_id) VALUES ('Utrecht najaar 2026', 'C0OTHER')`)
			return store.FormatError(err)
		}},
		{"CohortChannel", func() error {
			_, err := db.ExecContext(ctx, `INSERT INTO cohorts (name, channel_id) VALUES ('Ander', 'C0UTRECHT')`)
			return store.FormatError(err)
		}},
		{"DeliveryKey", func() error { return insertDelivery("c1/homework/m1/U1", "U2") }},
		{"DeliveryCohortRuleModuleRecipient", func() error { return insertDelivery("another-key", "U1") }},
		{"EventID", func() error {
			_, err := db.ExecContext(ctx, `INSERT INTO slack_events (event_id) VALUES ('Ev1')`)
			return store.FormatError(err)
		}},
	}
	if err := insertDelivery("c1/homework/m1/U1", "U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO slack_events (event_id) VALUES ('Ev1')`); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if code := content.ErrorCode(err); code != content.ECONFLICT {
				t.Fatalf("duplicate accepted or wrong error: code %q, err %v", code, err)
			}
		})
	}
	t.Run("ModuleRange", func(t *testing.T) {
		_, err := db.ExecContext(ctx, `INSERT INTO cohort_modules (cohort_id, number, starts_at, ends_at) VALUES ($1, 5, now(), now() + interval '1 hour')`, cohortID)
		if err == nil {
			t.Fatal("module 5 accepted")
		}
	})
	t.Run("ForeignKey", func(t *testing.T) {
		_, err := db.ExecContext(ctx, `INSERT INTO participants (cohort_id, user_id) VALUES (999999, 'U1')`)
		if err == nil {
			t.Fatal("participant of a missing cohort accepted")
		}
	})
}

func TestFormatError(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	var id int64
	err := store.FormatError(db.GetContext(context.Background(), &id, `SELECT id FROM cohorts WHERE name = 'none'`))
	if content.ErrorCode(err) != content.ENOTFOUND {
		t.Fatalf("no rows gave %v, want ENOTFOUND", err)
	}
}

func TestAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	if err := db.Audit(ctx, store.AuditEntry{Actor: "U1", UserID: "U2", Action: "role_card_sent", Detail: map[string]any{"role": "moeder"}}); err != nil {
		t.Fatal(err)
	}
	var role string
	if err := db.GetContext(ctx, &role, `SELECT detail->>'role' FROM audit_log WHERE action = 'role_card_sent' AND user_id = 'U2'`); err != nil || role != "moeder" {
		t.Fatalf("audit row: role %q, err %v", role, err)
	}
}

// TestLocalServer starts the private server the bot uses by default, writes a row, restarts it, and reads the row
// back; then it leaves a stale postmaster.pid behind and checks that the next start is not blocked by it.
func TestLocalServer(t *testing.T) {
	t.Parallel()
	if os.Getenv("TEST_DATABASE_URL") != "" && testing.Short() {
		t.Skip("short mode with an external test database")
	}
	ctx := context.Background()
	dir := tempDir(t)
	start := func() *store.LocalServer {
		t.Helper()
		s, err := store.StartLocal(ctx, store.LocalOptions{Dir: filepath.Join(dir, "data"), Throwaway: true})
		if err != nil {
			t.Fatalf("start local postgres: %v", err)
		}
		return s
	}
	s := start()
	db, err := store.Open(ctx, s.URL())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO cohorts (name, channel_id) VALUES ('blijft', 'C1')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if processAlive(s.PID()) {
		t.Fatalf("postgres pid %d still running after Stop", s.PID())
	}

	// A crash leaves postmaster.pid behind, naming a pid that may by now belong to anyone (here: ourselves).
	pidFile := filepath.Join(s.DataDir(), "postmaster.pid")
	if err := os.WriteFile(pidFile, []byte(itoa(os.Getpid())+"\n"+s.DataDir()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s = start()
	defer s.Stop(ctx)
	db, err = store.Open(ctx, s.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.GetContext(ctx, &n, `SELECT count(*) FROM cohorts WHERE name = 'blijft'`); err != nil || n != 1 {
		t.Fatalf("row after restart: count %d, err %v", n, err)
	}
}

func TestFindPostgres(t *testing.T) {
	t.Parallel()
	t.Run("BadPGBin", func(t *testing.T) {
		_, err := store.FindPostgres(t.TempDir())
		if err == nil {
			t.Fatal("an empty folder accepted as PG_BIN")
		}
	})
}

func processAlive(pid int) bool {
	_, err := os.Stat("/proc/" + itoa(pid))
	if err != nil {
		return false
	}
	b, _ := os.ReadFile("/proc/" + itoa(pid) + "/stat")
	// a zombie has state Z; it is gone for our purposes
	for i := len(b) - 1; i > 0; i-- {
		if b[i] == ')' && i+2 < len(b) {
			return b[i+2] != 'Z'
		}
	}
	return true
}

func itoa(i int) string { return strconv.Itoa(i) }

// tempDir is a t.TempDir for a cluster of the test's own, that the postgres system user can enter when the test
// runs as root.
func tempDir(t *testing.T) string { return storetest.ClusterDir(t) }
