package scheduler_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/store"
)

// The tests that stop a dispatcher the way an operating system does (SIGKILL, SIGTERM) run it in a child process:
// the test binary started again, told in an environment variable where the parent's database and fake are.

// childArgs is what the parent passes to its child: the database, the fake's API and the moment at which the
// child's clock stands still.
type childArgs struct {
	dbURL, apiURL, token string
	now                  time.Time
}

// readChildArgs reads the "db URL|fake API URL|token|clock" that startChild put in the environment variable name.
func readChildArgs(name string) (childArgs, error) {
	parts := strings.Split(os.Getenv(name), "|")
	if len(parts) != 4 {
		return childArgs{}, fmt.Errorf("bad %s", name)
	}
	now, err := time.Parse(time.RFC3339, parts[3])
	if err != nil {
		return childArgs{}, err
	}
	return childArgs{dbURL: parts[0], apiURL: parts[1], token: parts[2], now: now}, nil
}

// open connects to the parent's database, its clock stopped at the parent's time.
func (a childArgs) open(ctx context.Context) (*store.DB, error) {
	db, err := store.Open(ctx, a.dbURL)
	if err != nil {
		return nil, err
	}
	db.Now = func() time.Time { return a.now }
	return db, nil
}

// child is the test binary started again as a dispatcher that posts to the parent's fake.
type child struct {
	cmd    *exec.Cmd
	stderr strings.Builder
}

// startChild starts the test binary again, running the tests that match run, with e's database, fake and clock in
// the environment variable name. When the test ends the child is killed, and its stderr logged if the test failed.
func startChild(t *testing.T, e *env, name, run string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: exec.Command(exe, "-test.run="+run)}
	c.cmd.Env = append(os.Environ(), name+"="+strings.Join([]string{e.dbURL, e.fake.APIURL(), e.fake.BotToken(),
		e.clock.Now().Format(time.RFC3339)}, "|"))
	c.cmd.Stderr = &c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		c.cmd.Wait()
		if t.Failed() {
			t.Logf("helper stderr: %s", c.stderr.String())
		}
	})
	return c
}

// signalAt sends sig to the child as soon as the fake has stored its nth message, before the answer to that post
// reaches the child, and fails the test if that does not happen within the given time. It returns how many
// messages the fake had stored by the time the signal was sent and seen; the hook stays on e.onChange until the
// caller clears it.
func (c *child) signalAt(t *testing.T, e *env, n int32, sig os.Signal, within time.Duration) int {
	t.Helper()
	var posts atomic.Int32
	var once sync.Once
	signalled := make(chan struct{})
	hook := func(string) {
		if posts.Add(1) == n {
			once.Do(func() {
				c.cmd.Process.Signal(sig)
				close(signalled)
			})
		}
	}
	e.onChange.Store(&hook)
	select {
	case <-signalled:
	case <-time.After(within):
		t.Fatalf("the helper did not post %d messages in %s; stderr: %s", n, within, c.stderr.String())
	}
	return int(posts.Load())
}
