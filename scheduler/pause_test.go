package scheduler_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// A revoked, expired or under-scoped token is Slack refusing the whole workspace: the dispatcher pauses sending
// (deliveries stay planned, keep their deadline, are never failed for it), says so once, and resumes by itself.

// logLines is a slog handler that keeps the messages logged at warning level and above.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelWarn }
func (l *logLines) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	msg := r.Message
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "error" {
			msg += ": " + a.Value.String()
		}
		return true
	})
	l.lines = append(l.lines, msg)
	return nil
}
func (l *logLines) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logLines) WithGroup(string) slog.Handler      { return l }

// count returns how many lines contain s.
func (l *logLines) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}

// nineOClock is a fan-out at Friday 09:00 before a module on Monday: a DM for each participant and a channel
// message, with the module's start as deadline.
func nineOClock() []content.Rule {
	return []content.Rule{
		{ID: "dm", Kind: "homework", Title: "Huiswerk", Modules: []int{1}, Anchor: "module_start", Days: -3, At: "09:00",
			Audience: "participants", Deadline: "module_start"},
		{ID: "ch", Kind: "reminder_day", Title: "Herinnering", Modules: []int{1}, Anchor: "module_start", Days: -3,
			At: "09:00", Audience: "channel", Deadline: "module_start"},
	}
}

// audits counts audit rows by action.
func (e *env) audits(action string) int {
	e.t.Helper()
	var n int
	if err := e.db.GetContext(e.ctx, &n, `SELECT count(*) FROM audit_log WHERE action = $1`, action); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// expectNoneFailed checks that no row failed and that no failure was audited per message.
func (e *env) expectNoneFailed() {
	e.t.Helper()
	for key, r := range e.statuses() {
		if r.Status == store.StatusFailed {
			e.t.Errorf("%s failed (%v)", key, deref(r.Error))
		}
	}
	for _, action := range []string{"delivery_failed", "slack_post_failed"} {
		if n := e.audits(action); n != 0 {
			e.t.Errorf("%d %s audit rows, want none", n, action)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// pausedDispatcher returns a dispatcher on the fake's team that logs into lines, over a poster that audits
// permanent failures into the database and logs into lines too, as the bot wires it.
func (e *env) pausedDispatcher(owner string, lines *logLines, opts scheduler.DispatchOptions) *scheduler.Dispatcher {
	opts.Log = slog.New(lines)
	opts.Team = e.fake.TeamID()
	api := slack.New(e.fake.BotToken(), slack.OptionAPIURL(e.fake.APIURL()))
	p := bot.NewPoster(api, bottest.FastPacing(bot.PosterOptions{Log: opts.Log, Audit: e.db, MaxAttempts: 3,
		BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, AttemptTimeout: 5 * time.Second}))
	return e.dispatcherWith(bot.NewSender(p), owner, opts)
}

func TestDispatchPauseTokenRevoked(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 6, local(2026, 12, 4, 8, 59))
	plan := e.apply(nineOClock())
	lines := &logLines{}
	d := e.pausedDispatcher("one", lines, scheduler.DispatchOptions{})

	// The token is rotated at 08:59 and the old one revoked before the new one is configured.
	e.fake.RevokeBotToken("token_revoked")
	e.tick(d)
	e.clock.MoveTo(local(2026, 12, 4, 9, 0))
	res := e.tick(d)
	if res.Failed != 0 || res.Paused == 0 {
		t.Fatalf("09:00 tick %+v, want the fan-out given back, nothing failed", res)
	}
	ps := d.Paused()
	if len(ps) != 1 || ps[0].Team != e.fake.TeamID() || ps[0].Reason != "token_revoked" || !ps[0].Since.Equal(e.clock.Now()) {
		t.Fatalf("Paused() = %+v, want the workspace paused for token_revoked since 09:00", ps)
	}
	// Every minute until 09:19 the dispatcher asks Slack, posts nothing and fails nothing.
	for m := 1; m < 20; m++ {
		e.clock.MoveTo(local(2026, 12, 4, 9, m))
		if res := e.tick(d); res.Sent+res.Failed+res.Missed != 0 {
			t.Fatalf("tick at 09:%02d while revoked: %+v", m, res)
		}
	}
	if n := len(e.fake.CallsTo("chat.postMessage")); n > 1 {
		t.Errorf("%d posts tried while the token was revoked, want at most the one that found out", n)
	}
	if n := len(e.fake.CallsTo("auth.test")); n < 19 {
		t.Errorf("auth.test asked %d times in 19 paused ticks, want every tick", n)
	}
	for key, r := range e.statuses() {
		if r.Status != store.StatusPending || r.Attempts != 0 {
			t.Errorf("%s is %s after %d attempts while paused, want pending, untouched", key, r.Status, r.Attempts)
		}
	}
	e.expectNoneFailed()
	if n := e.audits("dispatch_paused"); n != 1 {
		t.Errorf("%d dispatch_paused audit rows, want 1", n)
	}
	if n := lines.count("sending paused"); n != 1 {
		t.Errorf("the pause was logged %d times, want once (and once a minute after): %q", n, lines.lines)
	}

	// The new token works from 09:20: the 09:00 fan-out goes out then, once each.
	e.fake.RestoreBotToken()
	e.clock.MoveTo(local(2026, 12, 4, 9, 20))
	res = e.tick(d)
	if res.Sent != 6+1 || res.Failed != 0 {
		t.Errorf("09:20 tick %+v, want 6 DMs and the channel message sent", res)
	}
	if ps := d.Paused(); len(ps) != 0 {
		t.Errorf("still paused after the token works again: %+v", ps)
	}
	resumed := plan[:0:0]
	for _, r := range plan {
		r.DueAt = local(2026, 12, 4, 9, 20)
		resumed = append(resumed, r)
	}
	e.expectOnce(resumed, e.people)
	e.expectNoneFailed()
	if n := e.audits("dispatch_resumed"); n != 1 {
		t.Errorf("%d dispatch_resumed audit rows, want 1", n)
	}
}

func TestDispatchPauseMidFanOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 20, local(2026, 12, 4, 9, 0))
	plan := e.apply(nineOClock())
	// Slack revokes the token once five DMs are out; the posts in flight with it are refused too.
	var posts atomic.Int32
	hook := func(string) {
		if posts.Add(1) == 5 {
			e.fake.RevokeBotToken("invalid_auth")
		}
	}
	e.onChange.Store(&hook)
	d := e.pausedDispatcher("one", &logLines{}, scheduler.DispatchOptions{Workers: 4})
	res := e.tick(d)
	e.onChange.Store(nil)
	if res.Failed != 0 || res.Paused == 0 || len(d.Paused()) != 1 {
		t.Fatalf("tick %+v, paused %+v: want the rest given back and the workspace paused", res, d.Paused())
	}
	sentBefore := len(e.delivered())
	e.clock.MoveTo(e.clock.Now().Add(time.Minute))
	e.tick(d)
	if n := len(e.delivered()); n != sentBefore {
		t.Fatalf("%d more messages while paused", n-sentBefore)
	}

	e.fake.RestoreBotToken()
	e.clock.MoveTo(e.clock.Now().Add(time.Minute))
	e.tick(d)
	e.expectOnceAround(plan)
	e.expectAllSent()
	e.expectNoneFailed()
	for key, r := range e.statuses() {
		// A pause does not count against a delivery's attempts.
		if r.Attempts > 2 {
			t.Errorf("%s took %d attempts", key, r.Attempts)
		}
	}
	// Only rows that were in flight when the token went can have been posted; only they are looked for.
	if n := len(e.fake.CallsTo("conversations.history")); n > 4 {
		t.Errorf("%d history look-ups after the pause, want at most the 4 rows in flight", n)
	}
}

func TestDispatchPauseUntilDeadline(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, local(2026, 12, 4, 9, 0))
	e.apply(nineOClock())
	d := e.pausedDispatcher("one", &logLines{}, scheduler.DispatchOptions{})
	e.fake.RevokeBotToken("account_inactive")
	e.tick(d)
	// Still revoked when the module starts on Monday: the messages are missed, not failed, and not sent late.
	e.clock.MoveTo(local(2026, 12, 7, 9, 1))
	if res := e.tick(d); res.Missed != 2 {
		t.Errorf("tick after the deadline %+v, want the DM fan-out and the channel message missed", res)
	}
	for key, r := range e.statuses() {
		if r.Status != store.StatusMissed {
			t.Errorf("%s is %s, want missed", key, r.Status)
		}
	}
	e.expectNoneFailed()
	e.fake.RestoreBotToken()
	e.clock.MoveTo(e.clock.Now().Add(time.Minute))
	e.tick(d)
	if n := len(e.delivered()); n != 0 {
		t.Errorf("%d messages sent after their deadline", n)
	}
}

func TestDispatchPauseMissingScope(t *testing.T) {
	t.Parallel()
	// auth.test passes for a token that lacks a scope, while every post fails: one delivery is tried after each
	// probe, and the pause goes on without a new pause or resume being reported each time.
	e := newEnv(t, 2, local(2026, 12, 4, 9, 0))
	plan := e.apply(nineOClock()[1:])
	d := e.pausedDispatcher("one", &logLines{}, scheduler.DispatchOptions{})
	e.fake.FailNextError("chat.postMessage", 100, "missing_scope")
	for range 5 {
		if res := e.tick(d); res.Failed != 0 {
			t.Fatalf("tick %+v: the message failed for a missing scope", res)
		}
		e.clock.MoveTo(e.clock.Now().Add(time.Minute))
	}
	if ps := d.Paused(); len(ps) != 1 || ps[0].Reason != "missing_scope" || !ps[0].Since.Equal(local(2026, 12, 4, 9, 0)) {
		t.Fatalf("Paused() = %+v, want missing_scope since 09:00", ps)
	}
	if n := len(e.fake.CallsTo("chat.postMessage")); n != 5 {
		t.Errorf("%d posts in 5 ticks, want one trial each", n)
	}
	if p, r := e.audits("dispatch_paused"), e.audits("dispatch_resumed"); p != 1 || r != 0 {
		t.Errorf("%d pauses and %d resumes audited, want one pause", p, r)
	}
	e.fake.ClearFaults() // the app is reinstalled with the scope
	e.tick(d)
	e.expectOnceAround(plan)
	e.expectNoneFailed()
	if r := e.audits("dispatch_resumed"); r != 1 || len(d.Paused()) != 0 {
		t.Errorf("%d resumes audited, paused %+v: want resumed", r, d.Paused())
	}
}

func TestDispatchPauseRunResumesByItself(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, local(2026, 12, 4, 9, 0))
	plan := e.apply(nineOClock())
	e.fake.RevokeBotToken("token_expired")
	d := e.pausedDispatcher("runner", &logLines{}, scheduler.DispatchOptions{ProbeEvery: 50 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- d.Run(ctx) }()
	waitFor(t, func() bool { return len(d.Paused()) == 1 })
	// No cron minute passes in this test: the dispatcher asks Slack again by itself, and sends once it may.
	e.fake.RestoreBotToken()
	waitFor(t, func() bool { return len(e.delivered()) == 3+1 })
	cancel()
	if err := <-stopped; err != nil {
		t.Errorf("Run: %v", err)
	}
	e.expectOnceAround(plan)
	if ps := d.Paused(); len(ps) != 0 {
		t.Errorf("still paused: %+v", ps)
	}
}
