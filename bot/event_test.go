package bot_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack/slackevents"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// Slack retries an Events API event that was not acknowledged: after a crash in the middle of its handler, the retry
// must be handled; after the handler succeeded, a retry must not be handled again.

// eventChildEnv starts the test binary as TestEventKilledMidHandler's helper: the value is the database URL.
const eventChildEnv = "GESPREKBOT_EVENT_CHILD"

// joined is the member_joined_channel event the tests deliver, and its event_id.
const joinedID = "Ev0JOINED01"

func joined() slackevents.EventsAPIEvent {
	return slackevents.EventsAPIEvent{Type: slackevents.CallbackEvent, InnerEvent: slackevents.EventsAPIInnerEvent{
		Type: "member_joined_channel", Data: &slackevents.MemberJoinedChannelEvent{User: "U0ANNA", Channel: "C0COHORT"}}}
}

// eventInbound is the bot's inbound side over db with one member_joined_channel handler.
func eventInbound(db *store.DB, h handlers.EventHandler) *bot.Inbound {
	reg := handlers.NewRegistry(testPhrases(), bottest.QuietLog())
	reg.Event("member_joined_channel", h)
	return bot.NewInbound(bot.InboundOptions{Registry: reg, Events: db, Log: bottest.QuietLog()})
}

func auditRows(t *testing.T, db *store.DB, action string) int {
	t.Helper()
	var n int
	if err := db.GetContext(context.Background(), &n, `SELECT count(*) FROM audit_log WHERE action = $1`, action); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestEventKilledMidHandlerChild is the helper process of TestEventKilledMidHandler, not a test of its own: the bot
// receiving the event, whose handler writes that it started and then hangs until the process is killed.
func TestEventKilledMidHandlerChild(t *testing.T) {
	t.Parallel()
	url := os.Getenv(eventChildEnv)
	if url == "" {
		t.Skip("helper process of TestEventKilledMidHandler")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	d := eventInbound(db, func(ctx context.Context, _ slackevents.EventsAPIEvent) error {
		if err := db.Audit(context.WithoutCancel(ctx), store.AuditEntry{Actor: "test", Action: "test_handler_started"}); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		select {} // the process is killed here, in the middle of the handler
	})
	d.Event(ctx, joined(), joinedID)
	fmt.Fprintln(os.Stderr, "the handler returned; it should have hung")
	os.Exit(1)
}

func TestEventKilledMidHandler(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a helper process")
	}
	url := storetest.URL(t)
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	child := exec.Command(exe, "-test.run=^TestEventKilledMidHandlerChild$")
	child.Env = append(os.Environ(), eventChildEnv+"="+url)
	var stderr strings.Builder
	child.Stderr = &stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for auditRows(t, db, "test_handler_started") == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the helper's handler did not start within 30 s; stderr: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()

	// Slack retries the event it never got an ack for; the restarted bot handles it.
	handled := 0
	d := eventInbound(db, func(ctx context.Context, _ slackevents.EventsAPIEvent) error {
		handled++
		return db.Audit(ctx, store.AuditEntry{Actor: "test", Action: "test_handler_done"})
	})
	if err := d.Event(ctx, joined(), joinedID); err != nil {
		t.Fatalf("retry after the crash: %v", err)
	}
	if handled != 1 || auditRows(t, db, "test_handler_done") != 1 {
		t.Fatalf("the retry after the crash ran the handler %d times, want once: the event was dropped", handled)
	}
	// A further retry of the event now handled is dropped.
	if err := d.Event(ctx, joined(), joinedID); err != nil {
		t.Fatalf("retry after success: %v", err)
	}
	if handled != 1 {
		t.Errorf("a retry after success ran the handler again (%d runs)", handled)
	}
}

func TestEventHandlerPanics(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	ctx := context.Background()
	runs := 0
	d := eventInbound(db, func(ctx context.Context, _ slackevents.EventsAPIEvent) error {
		runs++
		if runs == 1 {
			panic("half-way")
		}
		return nil
	})
	if err := d.Event(ctx, joined(), joinedID); !errors.Is(err, bot.ErrEventFailed) {
		t.Fatalf("event whose handler panicked: %v, want ErrEventFailed (not acknowledged, so Slack retries)", err)
	}
	for range 2 {
		if err := d.Event(ctx, joined(), joinedID); err != nil {
			t.Fatalf("retry: %v", err)
		}
	}
	if runs != 2 {
		t.Errorf("handler ran %d times over the event and two retries, want 2: once failing, once for the retry", runs)
	}
}
