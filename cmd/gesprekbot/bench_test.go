package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// TestBench runs a small bench with the built binary, on its own private Postgres and on DATABASE_URL, and checks
// that it prints every figure, lost nothing, and leaves no database behind.
func TestBench(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the bot and the bench as child processes")
	}
	bin := botProgram(t)
	admin := storetest.AdminURL(t)
	for _, tt := range []struct {
		name       string
		dbURL      string
		args       []string
		workspaces float64
	}{
		{"DatabaseURL", admin, nil, 1},
		// On its own private server, with two workspaces: the second installed as OAuth installs are (a workspaces
		// row, its token sealed); every message must reach its person from their own workspace's bot, or it counts
		// as lost.
		{"PrivatePostgresTwoWorkspaces", "", []string{"--workspaces", "2"}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each bench has its own database and fake
			cmd := exec.Command(bin, append([]string{"bench", "--participants", "20", "--cohorts", "2", "--rate", "50",
				"--duration", "2s", "--format", "json"}, tt.args...)...)
			cmd.Env = botEnv("DATABASE_URL="+tt.dbURL, "LOG_LEVEL=warn")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("bench: %v\n%s", err, stderr.String())
			}
			var got map[string]float64
			if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
				t.Fatalf("bench printed %q: %v", stdout.String(), err)
			}
			for _, k := range []string{"ack_p50_ms", "ack_p95_ms", "ack_p99_ms", "ack_max_ms", "interactions", "errors",
				"fanout_messages", "fanout_seconds", "fanout_floor_seconds", "fanout_ratio", "ratelimited",
				"duplicates", "lost", "rss_mb"} {
				if _, ok := got[k]; !ok {
					t.Errorf("no %s in %s", k, stdout.String())
				}
			}
			if got["interactions"] != 100 || got["fanout_messages"] != 22 {
				t.Errorf("%g interactions and %g fan-out messages, want 100 and 22", got["interactions"], got["fanout_messages"])
			}
			if got["errors"] != 0 || got["duplicates"] != 0 || got["lost"] != 0 {
				t.Errorf("errors %g, duplicates %g, lost %g; want none\n%s", got["errors"], got["duplicates"], got["lost"], stderr.String())
			}
			if got["ack_p50_ms"] <= 0 || got["fanout_seconds"] <= 0 || got["rss_mb"] <= 0 {
				t.Errorf("figures missing: %s", stdout.String())
			}
			if got["workspaces"] != tt.workspaces {
				t.Errorf("%g workspaces, want %g", got["workspaces"], tt.workspaces)
			}
			if tt.dbURL == "" {
				return
			}
			db, err := sql.Open("postgres", admin)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var left int
			if err := db.QueryRow(`SELECT count(*) FROM pg_database WHERE datname LIKE 'gesprekbot_bench_%'`).Scan(&left); err != nil {
				t.Fatal(err)
			}
			if left != 0 {
				t.Errorf("%d bench databases left on DATABASE_URL's server", left)
			}
		})
	}
}
