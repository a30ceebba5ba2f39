package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// configVars are every variable LoadConfig reads.
var configVars = []string{"DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL",
	"HTTP_ADDR", "DATA_DIR", "PG_BIN", "COURSE_TZ", "CONTENT_DIR", "LOG_FORMAT", "LOG_LEVEL"}

// envOf is a process environment that holds env's variables alone, as realMain reads its configuration.
func envOf(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// runMain runs realMain with args and returns its exit code, stdout and stderr; it fails the test when realMain
// does not return within a minute (a bot that started when it should have refused).
func runMain(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() { done <- realMain(args, envOf(env), &out, &errb) }()
	select {
	case code := <-done:
		return code, out.String(), errb.String()
	case <-time.After(time.Minute):
		t.Fatalf("gesprekbot %s did not return within a minute; it started instead of refusing:\n%s%s",
			strings.Join(args, " "), out.String(), errb.String())
		return 0, "", ""
	}
}

// oneLine checks that a refusal is one line on stderr that mentions every one of want.
func oneLine(t *testing.T, stderr string, want ...string) {
	t.Helper()
	if strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("want one line on stderr, got:\n%s", stderr)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr does not mention %q:\n%s", w, stderr)
		}
	}
}

// The sandbox does not run on a database a real workspace has used: one line says what to do, and it writes
// nothing (no demo cohort, no clock).
func TestSandboxRefusesSlackDatabase(t *testing.T) {
	t.Parallel()
	url := storetest.URL(t)
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.ClaimSlack(context.Background(), "T0GEMEENTE", "Gemeente Utrecht"); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATABASE_URL": url, "HTTP_ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir()}
	code, _, stderr := runMain(t, env)
	if code != 2 {
		t.Fatalf("exit code %d, want 2; stderr:\n%s", code, stderr)
	}
	oneLine(t, stderr, "used with real Slack (workspace T0GEMEENTE)", "DATABASE_URL", "another database")
	var cohorts, clocks int
	if err := db.GetContext(context.Background(), &cohorts, `SELECT count(*) FROM cohorts`); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(context.Background(), &clocks, `SELECT count(*) FROM sandbox_clock`); err != nil {
		t.Fatal(err)
	}
	if cohorts != 0 || clocks != 0 {
		t.Errorf("the refused sandbox wrote %d cohorts and %d clock rows, want none", cohorts, clocks)
	}
}

// A real deployment does not run on a database the sandbox has run on: one line says what to do, and it neither
// connects to Slack nor sends anything.
func TestSlackRefusesSandboxDatabase(t *testing.T) {
	t.Parallel()
	url := storetest.URL(t)
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.ClaimSandbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	fake := slackfake.New(slackfake.Options{})
	defer fake.Close()
	env := map[string]string{"DATABASE_URL": url, "HTTP_ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir(),
		"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_APP_TOKEN": fake.AppToken(), "SLACK_API_URL": fake.APIURL()}
	code, _, stderr := runMain(t, env, "run")
	if code != 2 {
		t.Fatalf("exit code %d, want 2; stderr:\n%s", code, stderr)
	}
	oneLine(t, stderr, "holds sandbox data", "DATABASE_URL", "another database")
	if n := len(fake.CallsTo("apps.connections.open")) + len(fake.CallsTo("chat.postMessage")); n != 0 {
		t.Errorf("the refused bot made %d Socket Mode or chat calls, want none", n)
	}
	m, err := db.World(context.Background())
	if err != nil || m.Kind != store.WorldSandbox || len(m.Teams) != 0 {
		t.Errorf("world after the refusal: %+v, %v; want still the sandbox's, no workspace", m, err)
	}
}

// A real deployment claims a new database for its workspace; a trainer's own cohort file applied to the sandbox's
// database (how they try it in the sandbox) keeps working.
func TestWorldClaims(t *testing.T) {
	t.Parallel()
	t.Run("RealWorkspace", func(t *testing.T) {
		url := storetest.URL(t)
		fake := slackfake.New(slackfake.Options{TeamID: "T0GEMEENTE", Team: "Gemeente Utrecht"})
		defer fake.Close()
		// Port 0: the system's choice when it listens (a port found free earlier may be taken meanwhile).
		env := map[string]string{"DATABASE_URL": url, "HTTP_ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir(),
			"SLACK_BOT_TOKEN": fake.BotToken(), "SLACK_APP_TOKEN": fake.AppToken(), "SLACK_API_URL": fake.APIURL()}
		cfg, err := LoadConfig(func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		out, log := &syncBuffer{}, &syncBuffer{}
		m := NewMain(cfg, out, log)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- m.Run(ctx, nil) }()
		wctx, wcancel := context.WithTimeout(context.Background(), time.Minute)
		defer wcancel()
		connected := make(chan error, 1)
		go func() { connected <- fake.WaitConnected(wctx, 1) }()
		select {
		case err := <-connected:
			if err != nil {
				t.Fatalf("the bot did not connect: %v\n%s%s", err, out.String(), log.String())
			}
		case err := <-done:
			t.Fatalf("the bot stopped before it connected: %v\n%s%s", err, out.String(), log.String())
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		db, err := store.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		w, err := db.World(context.Background())
		if err != nil || w.Kind != store.WorldSlack || len(w.Teams) != 1 || w.Teams[0].TeamID != "T0GEMEENTE" ||
			w.Teams[0].TeamName != "Gemeente Utrecht" {
			t.Fatalf("world = %+v, %v; want Slack's, with workspace T0GEMEENTE", w, err)
		}
	})

	t.Run("CohortApplyOnSandboxDatabase", func(t *testing.T) {
		url := storetest.URL(t)
		db, err := store.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.ClaimSandbox(context.Background()); err != nil {
			t.Fatal(err)
		}
		env := map[string]string{"DATABASE_URL": url, "DATA_DIR": t.TempDir()}
		code, out, stderr := runMain(t, env, "cohort", "apply", "-f", writeFile(t, "utrecht.yaml", exampleCohortFile), "--allow-past")
		if code != 0 || !strings.Contains(out, `Applied cohort "Utrecht najaar 2026"`) {
			t.Fatalf("cohort apply on the sandbox's database: exit %d\n%s%s", code, out, stderr)
		}
	})
}
