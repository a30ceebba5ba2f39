package store_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

func TestWorld(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("Unclaimed", func(t *testing.T) {
		t.Parallel()
		db := storetest.New(t)
		m, err := db.World(ctx)
		if err != nil || m.Kind != "" || len(m.Teams) != 0 {
			t.Fatalf("fresh database: %+v, %v; want unclaimed", m, err)
		}
	})

	t.Run("SandboxRefusesSlackDatabase", func(t *testing.T) {
		t.Parallel()
		db := storetest.New(t)
		if err := db.ClaimSlack(ctx, "T0GEMEENTE", "Gemeente Utrecht"); err != nil {
			t.Fatal(err)
		}
		if err := db.ClaimSlack(ctx, "T0GEMEENTE", "Gemeente Utrecht Sociaal Domein"); err != nil {
			t.Fatalf("the same workspace again: %v", err)
		}
		err := db.ClaimSandbox(ctx)
		var we *store.WorldError
		if !errors.As(err, &we) || we.Have != store.WorldSlack || !reflect.DeepEqual(we.Teams, []string{"T0GEMEENTE"}) {
			t.Fatalf("sandbox on a Slack database: %v; want a WorldError naming T0GEMEENTE", err)
		}
		m, err := db.World(ctx)
		if err != nil || m.Kind != store.WorldSlack || len(m.Teams) != 1 || m.Teams[0].TeamName != "Gemeente Utrecht Sociaal Domein" {
			t.Fatalf("world after the refusal: %+v, %v", m, err)
		}
	})

	t.Run("SlackRefusesSandboxDatabase", func(t *testing.T) {
		t.Parallel()
		db := storetest.New(t)
		if err := db.ClaimSandbox(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.ClaimSandbox(ctx); err != nil {
			t.Fatalf("the sandbox again: %v", err)
		}
		err := db.ClaimSlack(ctx, "T0GEMEENTE", "Gemeente Utrecht")
		var we *store.WorldError
		if !errors.As(err, &we) || we.Have != store.WorldSandbox || we.Want != store.WorldSlack {
			t.Fatalf("Slack on a sandbox database: %v; want a WorldError", err)
		}
		if m, err := db.World(ctx); err != nil || m.Kind != store.WorldSandbox || len(m.Teams) != 0 {
			t.Fatalf("world after the refusal: %+v, %v; want the sandbox's, no team recorded", m, err)
		}
	})

	// A sandbox and a real deployment starting on one unclaimed database at the same moment: exactly one starts.
	t.Run("ConcurrentClaims", func(t *testing.T) {
		t.Parallel()
		for range 10 {
			db := storetest.New(t)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			wg.Add(2)
			go func() { defer wg.Done(); errs[0] = db.ClaimSandbox(ctx) }()
			go func() { defer wg.Done(); errs[1] = db.ClaimSlack(ctx, "T0GEMEENTE", "") }()
			wg.Wait()
			if (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("sandbox: %v, slack: %v; want exactly one refused", errs[0], errs[1])
			}
			for _, err := range errs {
				if _, ok := errors.AsType[*store.WorldError](err); err != nil && !ok {
					t.Fatalf("refusal is not a WorldError: %v", err)
				}
			}
		}
	})
}

// A database from before the world marker is claimed by what ran on it: the sandbox's clock, or messages sent
// without the sandbox.
func TestWorldMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name string
		data string // run before migration 0011 is applied again
		want store.World
	}{
		{"Empty", ``, ""},
		{"CohortOnly", `INSERT INTO cohorts (name, channel_id) VALUES ('Eigen groep', 'C0EIGEN')`, ""},
		{"SandboxRan", `
			INSERT INTO sandbox_clock (offset_ms) VALUES (3600000);
			INSERT INTO cohorts (id, name, channel_id) VALUES (1, 'Demo', 'C0DEMO');
			INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, due_at, status, ts)
			VALUES ('c1/welcome/m1', 1, 'welcome', 'welcome', 1, 'channel', now(), 'sent', '1.000001')`, store.WorldSandbox},
		{"SlackSent", `
			INSERT INTO cohorts (id, name, channel_id) VALUES (1, 'Utrecht', 'C0UTRECHT');
			INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, due_at, status, ts)
			VALUES ('c1/welcome/m1', 1, 'welcome', 'welcome', 1, 'channel', now(), 'sent', '1.000001')`, store.WorldSlack},
		{"SlackEvent", `INSERT INTO slack_events (event_id) VALUES ('Ev1')`, store.WorldSlack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := storetest.New(t)
			if _, err := db.ExecContext(ctx, `
				DROP TABLE world, world_slack_teams;
				DELETE FROM schema_migrations WHERE version = 11`); err != nil {
				t.Fatal(err)
			}
			if tt.data != "" {
				if _, err := db.ExecContext(ctx, tt.data); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			m, err := db.World(ctx)
			if err != nil || m.Kind != tt.want {
				t.Fatalf("world = %q, %v; want %q", m.Kind, err, tt.want)
			}
		})
	}
}
