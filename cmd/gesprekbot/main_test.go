package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// asMainEnv, set in a child's environment, makes this test binary run main instead of the tests (see TestMain):
// the tests that run the bot as a child process run it so, rather than linking a second copy of the same program
// with go build, which costs seconds of CPU per test on a busy machine. The bench's own child (this binary again,
// through os.Executable) inherits it and is the bot too.
const asMainEnv = "GESPREKBOT_TEST_AS_MAIN"

// botProgram returns the gesprekbot program for the tests that run it as a child process: this binary, which runs
// main when asMainEnv is set, as botEnv does.
func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) != "" {
		main() // the bot in a child process of a test: botProgram
	}
	storetest.MainWaiting(m) // the bot's child processes, private servers, a browser
}

func botProgram(t *testing.T) string {
	t.Helper()
	bin, err := os.Executable()
	if err != nil {
		t.Fatalf("the test binary: %v", err)
	}
	return bin
}

// botEnv is the environment of the bot's child process: this one's, asMainEnv, and extra.
func botEnv(extra ...string) []string {
	return append(append(os.Environ(), asMainEnv+"=1"), extra...)
}

// botProcess is the bot running as a child process on its default private Postgres.
type botProcess struct {
	cmd  *exec.Cmd
	addr string
	out  *strings.Builder
}

func startBot(t *testing.T, bin, dataDir string) *botProcess {
	t.Helper()
	cmd := exec.Command(bin)
	// Port 0: the system's choice when it listens (a port found free earlier may be taken meanwhile); the bot prints
	// where it listens before it says it is ready.
	cmd.Env = botEnv("DATA_DIR="+dataDir, "HTTP_ADDR=127.0.0.1:0", "DATABASE_URL=", "SLACK_BOT_TOKEN=", "SLACK_APP_TOKEN=", "SLACK_SIGNING_SECRET=")
	var addr string
	out := &strings.Builder{}
	pr, pw, _ := os.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		signalled := false
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
			if h, ok := strings.CutPrefix(sc.Text(), "health: http://"); ok && addr == "" {
				addr = strings.TrimSuffix(h, "/readyz")
			}
			if !signalled && strings.HasPrefix(sc.Text(), "ready") {
				close(ready)
				signalled = true
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(90 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("bot did not become ready:\n%s", out)
	}
	p := &botProcess{cmd: cmd, addr: addr, out: out}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return p
}

// postmaster reads the server's pid and port from the cluster's postmaster.pid.
func postmaster(t *testing.T, dataDir string) (pid int, port string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, "postgres", "postmaster.pid"))
	if err != nil {
		t.Fatalf("read postmaster.pid: %v", err)
	}
	lines := strings.Split(string(b), "\n")
	pid, _ = strconv.Atoi(strings.TrimSpace(lines[0]))
	return pid, strings.TrimSpace(lines[3])
}

func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return i < 0 || i+2 >= len(b) || b[i+2] != 'Z' // a zombie has exited
}

func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("postgres (pid %d) still running", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBotPrivateDatabase runs the bot with no settings as a child process: it starts its own Postgres, answers
// /readyz, keeps a row across a kill -9 and a restart, leaves no server behind after either, and stops cleanly on
// SIGTERM.
func TestBotPrivateDatabase(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the bot as a child process")
	}
	bin := botProgram(t)
	dataDir := filepath.Join(storetest.ClusterDir(t), "data")

	bot := startBot(t, bin, dataDir)
	if !strings.Contains(bot.out.String(), "database: private PostgreSQL in "+filepath.Join(dataDir, "postgres")) {
		t.Errorf("start-up does not say where the database lives:\n%s", bot.out)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get("http://" + bot.addr + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}
	pid, port := postmaster(t, dataDir)
	pw, _ := os.ReadFile(filepath.Join(dataDir, "postgres.pw"))
	db, err := sql.Open("postgres", fmt.Sprintf("postgres://gesprekbot:%s@127.0.0.1:%s/gesprekbot?sslmode=disable", strings.TrimSpace(string(pw)), port))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(context.Background(), `INSERT INTO cohorts (name, channel_id) VALUES ('Groningen voorjaar', 'C0GRON')`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	bot.cmd.Process.Signal(syscall.SIGKILL)
	bot.cmd.Wait()
	waitGone(t, pid)

	bot = startBot(t, bin, dataDir)
	pid2, port := postmaster(t, dataDir)
	db, err = sql.Open("postgres", fmt.Sprintf("postgres://gesprekbot:%s@127.0.0.1:%s/gesprekbot?sslmode=disable", strings.TrimSpace(string(pw)), port))
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM cohorts WHERE name = 'Groningen voorjaar'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("row after kill -9 and restart: %d, %v", n, err)
	}
	db.Close()

	bot.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- bot.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("bot exited with %v after SIGTERM:\n%s", err, bot.out)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("bot did not stop within 30 s of SIGTERM")
	}
	waitGone(t, pid2)
}

func TestBadConfigExitCode(t *testing.T) {
	t.Parallel()
	var out, errOut strings.Builder
	if code := realMain([]string{"run"}, envOf(map[string]string{"LOG_FORMAT": "xml"}), &out, &errOut); code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
	if !strings.Contains(errOut.String(), "LOG_FORMAT") || strings.Count(strings.TrimSpace(errOut.String()), "\n") != 0 {
		t.Fatalf("want one line naming LOG_FORMAT, got %q", errOut.String())
	}
}

func TestUnknownCommand(t *testing.T) {
	t.Parallel()
	var out, errOut strings.Builder
	if code := realMain([]string{"frobnicate"}, envOf(nil), &out, &errOut); code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
}

// An invalid CONTENT_DIR stops run before anything starts, listing what is wrong.
func TestRunRejectsInvalidContentDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var out, errOut strings.Builder
	if code := contentCmd([]string{"export", dir}, &out, &errOut); code != 0 {
		t.Fatalf("export: %d %s", code, errOut.String())
	}
	if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte("- id: x\n  kind: nonsense\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CONTENT_DIR": dir, "DATA_DIR": t.TempDir()}
	out.Reset()
	errOut.Reset()
	// The bare command: with no Slack tokens "run" would refuse before it looks at the content.
	if code := realMain(nil, envOf(env), &out, &errOut); code != 1 {
		t.Fatalf("exit code %d, want 1; stderr:\n%s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "CONTENT_DIR") || !strings.Contains(errOut.String(), "rules.yaml") {
		t.Fatalf("the error does not name CONTENT_DIR and the broken file:\n%s", errOut.String())
	}
	if strings.Contains(out.String(), "database:") {
		t.Fatalf("a database was started before the content was checked:\n%s", out.String())
	}
}

// "gesprekbot run" is what the Procfile and every deployment use: with no Slack tokens (secrets that failed to
// load) it refuses to start, rather than come up as a sandbox on the production database and address.
func TestRunWithoutTokensRefuses(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": storetest.URL(t), "HTTP_ADDR": "127.0.0.1:0", "DATA_DIR": t.TempDir()}
	code, stdout, stderr := runMain(t, env, "run")
	if code != 2 {
		t.Fatalf("exit code %d, want 2; stderr:\n%s", code, stderr)
	}
	oneLine(t, stderr, "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "sandbox", "no arguments")
	if strings.Contains(stdout, "database:") || strings.Contains(stdout, "sandbox:") {
		t.Errorf("something started before the refusal:\n%s", stdout)
	}
}

// The sandbox has no login: it refuses an address other machines can reach, before anything starts.
func TestSandboxRefusesPublicAddr(t *testing.T) {
	t.Parallel()
	// The port is held on 127.0.0.1 meanwhile, so that a bot that wrongly went ahead could not listen on every
	// interface of this machine either: it would fail at its listen, later, with another exit code.
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	port := strconv.Itoa(held.Addr().(*net.TCPAddr).Port)
	for _, host := range []string{"0.0.0.0", "[::]", "192.0.2.1", "gesprekbot.example.nl"} {
		addr := host + ":" + port
		t.Run(host, func(t *testing.T) {
			env := map[string]string{"DATABASE_URL": storetest.URL(t), "HTTP_ADDR": addr, "DATA_DIR": t.TempDir()}
			code, stdout, stderr := runMain(t, env)
			if code != 2 {
				t.Fatalf("exit code %d, want 2; stderr:\n%s", code, stderr)
			}
			oneLine(t, stderr, "HTTP_ADDR "+addr, "not a loopback address", "HTTP_ADDR=127.0.0.1:"+port)
			if strings.Contains(stdout, "database:") {
				t.Errorf("a database was opened before the refusal:\n%s", stdout)
			}
		})
	}
}
