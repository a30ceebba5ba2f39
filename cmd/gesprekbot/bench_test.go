package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/store/storetest"
)

func TestParseBenchFlags(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string // error text; "" for none
	}{
		{"Defaults", nil, ""},
		{"All", []string{"--participants", "10", "--cohorts", "2", "--rate", "5", "--duration", "2s", "--format", "json"}, ""},
		{"MoreCohortsThanPeople", []string{"--participants", "2", "--cohorts", "3"}, "--cohorts"},
		{"NoRate", []string{"--rate", "0"}, "--rate"},
		{"BadDuration", []string{"--duration", "soon"}, "invalid value"},
		{"BadFormat", []string{"--format", "xml"}, "--format"},
		{"NothingToMeasure", []string{"--skip-acks", "--skip-fanout"}, "nothing to measure"},
		{"Argument", []string{"now"}, "unexpected argument"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseBenchFlags(tt.args)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want one about %s", err, tt.want)
			}
			if tt.name == "Defaults" && (o.Participants != 1000 || o.Cohorts != 50 || o.Rate != 200 ||
				o.Duration != 30*time.Second || o.Format != "text") {
				t.Errorf("defaults %+v, want the issue's targets: 1,000 participants, 50 cohorts, 200/s for 30 s", o)
			}
		})
	}
}

func TestFanoutFloor(t *testing.T) {
	o := benchOptions{WorkspaceRate: 50, WorkspaceBurst: 10, ChannelRate: 1, ChannelBurst: 3}
	for _, tt := range []struct {
		name       string
		total      int
		perChannel []int
		want       float64
	}{
		{"WorkspaceBinds", 1050, []int{1, 1, 1}, (1050 - 10) / 50.0},
		{"ChannelBinds", 30, []int{30}, 27},
		{"WithinTheBursts", 3, []int{3}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := fanoutFloor(tt.total, tt.perChannel, o); got != tt.want {
				t.Errorf("floor %g s, want %g s", got, tt.want)
			}
		})
	}
}

func TestQuantile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if p50, p99 := quantileMS(d, 0.5), quantileMS(d, 0.99); p50 != 50 || p99 != 99 {
		t.Errorf("p50 %g, p99 %g; want 50 and 99", p50, p99)
	}
	if quantileMS(nil, 0.99) != 0 {
		t.Error("quantile of nothing is not 0")
	}
}

// TestBench runs a small bench with the built binary, on its own private Postgres and on DATABASE_URL, and checks
// that it prints every figure, lost nothing, and leaves no database behind.
func TestBench(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the bench")
	}
	bin := buildBot(t)
	admin := storetest.AdminURL(t)
	for _, tt := range []struct {
		name  string
		dbURL string
	}{
		{"PrivatePostgres", ""},
		{"DatabaseURL", admin},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, "bench", "--participants", "20", "--cohorts", "2", "--rate", "50",
				"--duration", "2s", "--format", "json")
			cmd.Env = append(os.Environ(), "DATABASE_URL="+tt.dbURL, "LOG_LEVEL=warn")
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
