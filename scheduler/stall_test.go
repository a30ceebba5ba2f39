package scheduler_test

import (
	"slices"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/scheduler"
)

// TestFaultStalledCalls: in the middle of a fan-out Slack never answers the first conversations.members, the first
// users.list (ten members nobody has recorded are looked up with one listing) and the post to one participant. No
// call waits for ever: each stalled call is given up after the Poster's attempt timeout and tried again, the other
// deliveries go out, and everyone gets their message once.
func TestFaultStalledCalls(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 8, local(2026, 12, 6, 10, 0))
	plan := e.apply(append(fanOutRules()[:1], fanOutRules()[4]))
	stalled := e.people[3]
	e.fake.FailNextIn("conversations.members", e.channel, 1, slackfake.FaultTimeout)
	e.fake.FailNext("users.list", 1, slackfake.FaultTimeout)
	e.fake.FailNextIn("chat.postMessage", stalled, 1, slackfake.FaultTimeout)

	api := slack.New(e.fake.BotToken(), slack.OptionAPIURL(e.fake.APIURL()))
	p := bot.NewPoster(api, bottest.FastPacing(bot.PosterOptions{Log: bottest.QuietLog(), MaxAttempts: 3,
		AttemptTimeout: 500 * time.Millisecond, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}))
	d := e.dispatcherWith(bot.NewSender(p), "stalled", scheduler.DispatchOptions{})

	// On its own goroutine, so that a tick that hangs fails the test instead of holding it up: the fake then lets
	// the held calls go, and the tick can end before the test does.
	settled := make(chan struct{})
	go func() {
		defer close(settled)
		deadline := time.Now().Add(faultDeadline)
		for time.Now().Before(deadline) {
			e.clock.MoveTo(e.clock.Now().Add(5 * time.Minute))
			if _, err := d.Tick(e.ctx); err != nil {
				return
			}
			if e.unfinishedNoFail() == 0 {
				return
			}
		}
	}()
	select {
	case <-settled:
	case <-time.After(faultDeadline):
		e.fake.ReleaseHeld()
		<-settled
		t.Fatalf("a tick still waited on a stalled call after %s", faultDeadline)
	}
	if n := e.unfinished(); n != 0 {
		t.Fatalf("%d deliveries still pending or sending", n)
	}
	e.expectOnceAround(plan)
	e.expectAllSent()

	// Each stalled call was given up (the fake recorded it unanswered) and tried again.
	// The retried post goes to the DM's own ID, which the retry opened to look for the first one.
	for _, c := range []struct {
		method string
		about  []string
	}{
		{"conversations.members", []string{e.channel}}, {"users.list", []string{""}},
		{"chat.postMessage", []string{stalled, e.fake.IMWith(stalled)}},
	} {
		var got []string
		for _, call := range e.fake.CallsTo(c.method) {
			if slices.Contains(c.about, call.Channel) || slices.Contains(c.about, call.Args.Get("user")) {
				got = append(got, call.Error)
			}
		}
		// The fake records a call when it ends, and two ticks' calls may run side by side: an answered call may be
		// recorded before the stalled one it stands in for. What matters is that the stall happened and was got past.
		if !slices.Contains(got, slackfake.FaultTimeout.String()) || !slices.Contains(got, "") {
			t.Errorf("%s about %s: calls ended %q, want the stalled one and an answered one", c.method, c.about, got)
		}
	}
}

// unfinishedNoFail counts rows still pending or sending; -1 when the database cannot say.
func (e *env) unfinishedNoFail() int {
	var n int
	if err := e.db.GetContext(e.ctx, &n, `SELECT count(*) FROM deliveries WHERE status IN ('pending', 'sending')`); err != nil {
		return -1
	}
	return n
}
