package scheduler_test

import (
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// resolving returns a dispatcher with the real Directory on the fake, on the test's clock.
func (e *env) resolving(owner string) *scheduler.Dispatcher {
	p, _ := newFakePoster(e.fake.APIURL(), e.fake.BotToken(), 3)
	dir := bot.NewDirectory(p, bot.DirectoryOptions{Now: e.clock.Now})
	return e.dispatcherWith(bot.NewSender(p), owner, scheduler.DispatchOptions{Directory: dir})
}

// auditCount counts the cohort's audit rows with action, and among them those about ref.
func (e *env) auditCount(action, ref string) (all, about int) {
	e.t.Helper()
	if err := e.db.GetContext(e.ctx, &all, `SELECT count(*) FROM audit_log WHERE action = $1`, action); err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.GetContext(e.ctx, &about, `
		SELECT count(*) FROM audit_log WHERE action = $1 AND cohort_id = $2 AND detail->>'ref' = $3`,
		action, e.cohort.ID, ref); err != nil {
		e.t.Fatal(err)
	}
	return all, about
}

func (e *env) stored() *content.Cohort {
	e.t.Helper()
	c, err := e.db.CohortByID(e.ctx, e.cohort.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func TestResolveOnTick(t *testing.T) {
	t.Parallel()
	t.Run("ChannelAndTrainerByEmail", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, 2, local(2026, 12, 6, 10, 0))
		e.fake.AddUser(slackfake.User{ID: e.trainer, Name: "trainer", Email: "m.devries@gemeente.nl"})
		e.cohort.Channel = "#Het-Gesprek-Test"
		e.cohort.Trainers = []string{"m.devries@gemeente.nl"}
		rules := fanOutRules()
		plan := e.apply([]content.Rule{rules[0], rules[4]})

		d := e.resolving("one")
		res := e.tick(d)
		// The channel message in the channel, and a DM to each participant but not to the trainer: the trainer is
		// known by user ID before the fan-out.
		if res.Sent != 3 || res.Expanded != 1 || res.Retried != 0 {
			t.Errorf("result %+v, want the channel message and 2 DMs sent on the first tick", res)
		}
		e.expectOnce(plan, e.people)
		c := e.stored()
		if c.Channel != e.channel || len(c.Trainers) != 1 || c.Trainers[0] != e.trainer {
			t.Errorf("stored channel %s trainers %v, want %s and [%s]", c.Channel, c.Trainers, e.channel, e.trainer)
		}
		if _, n := e.auditCount("channel_resolved", "#Het-Gesprek-Test"); n != 1 {
			t.Errorf("%d channel_resolved audit rows, want 1", n)
		}
		if n, _ := e.auditCount("trainer_resolved", ""); n != 1 {
			t.Errorf("%d trainer_resolved audit rows, want 1", n)
		}
		ids, err := e.db.TrainerCohorts(e.ctx, e.trainer)
		if err != nil || len(ids) != 1 {
			t.Errorf("TrainerCohorts(%s) = %v, %v; want the cohort once resolved", e.trainer, ids, err)
		}

		// Resolved is resolved: later ticks ask Slack nothing more.
		lists, lookups := len(e.fake.CallsTo("conversations.list")), len(e.fake.CallsTo("users.lookupByEmail"))
		e.clock.MoveTo(e.clock.Now().Add(time.Minute))
		e.tick(d)
		if l, u := len(e.fake.CallsTo("conversations.list")), len(e.fake.CallsTo("users.lookupByEmail")); l != lists || u != lookups {
			t.Errorf("a later tick listed channels %d and looked up e-mail %d more times, want 0", l-lists, u-lookups)
		}
	})

	t.Run("UnknownChannelReportedOnceThenFound", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, 2, local(2026, 12, 6, 10, 0))
		e.cohort.Channel = "#het-gesprek-later"
		e.cohort.Trainers = []string{e.trainer, "niemand@gemeente.nl"}
		rules := fanOutRules()
		plan := e.apply([]content.Rule{rules[0], rules[4]})
		d := e.resolving("one")
		// Ticks ten minutes apart: the rows' backoff grows past their fifth try.
		for i := range 8 {
			if i > 0 {
				e.clock.MoveTo(e.clock.Now().Add(10 * time.Minute))
			}
			e.tick(d)
		}
		if n := len(e.fake.CallsTo("chat.postMessage")); n != 0 {
			t.Fatalf("%d posts while the channel is unknown, want none", n)
		}
		// Looked for on every tick, reported once.
		if n := len(e.fake.CallsTo("conversations.list")); n != 8 {
			t.Errorf("channel listed %d times in 8 ticks, want 8", n)
		}
		if all, n := e.auditCount("channel_not_found", "#het-gesprek-later"); all != 1 || n != 1 {
			t.Errorf("%d channel_not_found audit rows (%d about the channel), want 1", all, n)
		}
		if all, n := e.auditCount("trainer_not_found", "niemand@gemeente.nl"); all != 1 || n != 1 {
			t.Errorf("%d trainer_not_found audit rows (%d about the address), want 1", all, n)
		}
		if c := e.stored(); c.Channel != "#het-gesprek-later" {
			t.Errorf("stored channel %s, want it still unresolved", c.Channel)
		}
		// Waiting is not failing: after more than five tries nothing has given up.
		for k, r := range e.statuses() {
			if r.Status != store.StatusSending {
				t.Errorf("%s is %s (%v), want it waiting for the channel", k, r.Status, r.Error)
			}
		}

		// The trainer creates the channel and invites the bot: the next tick resolves it and sends what waited,
		// though the rows' backoff runs for another twenty minutes.
		e.fake.AddChannel(slackfake.Channel{ID: "C0LATER", Name: "het-gesprek-later",
			Members: append([]string{e.fake.BotUserID(), e.trainer}, e.people...)})
		e.channel = "C0LATER"
		e.clock.MoveTo(e.clock.Now().Add(40 * time.Second))
		res := e.tick(d)
		if res.Sent != 3 {
			t.Errorf("result %+v on the tick that found the channel, want the 3 waiting messages sent", res)
		}
		e.expectOnceAround(plan)
		for _, m := range e.fake.Messages("C0LATER") {
			if m.Metadata == nil || m.Metadata.EventType != bot.DeliveryEventType {
				t.Errorf("unexpected message in the channel: %+v", m)
			}
		}
		if n := len(e.fake.Messages("C0LATER")); n != 1 {
			t.Errorf("%d messages in the channel, want the reminder once", n)
		}
		if all, _ := e.auditCount("channel_not_found", ""); all != 1 {
			t.Errorf("%d channel_not_found audit rows in all, want still 1", all)
		}
	})

	t.Run("ParentPastDeadlineIsMissed", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, 2, local(2026, 12, 6, 10, 0))
		e.cohort.Channel = "#het-gesprek-laat"
		plan := e.apply(fanOutRules()[:1]) // a DM to each participant, deadline the start of module 1
		d := e.resolving("one")
		e.tick(d)
		e.clock.MoveTo(local(2026, 12, 7, 9, 30))
		e.fake.AddChannel(slackfake.Channel{ID: "C0LAAT", Name: "het-gesprek-laat",
			Members: append([]string{e.fake.BotUserID()}, e.people...)})
		e.tick(d)
		if n := len(e.fake.CallsTo("chat.postMessage")); n != 0 {
			t.Errorf("%d posts after the deadline, want none", n)
		}
		if st := e.statuses()[plan[0].Key]; st.Status != store.StatusMissed {
			t.Errorf("row is %s, want missed", st.Status)
		}
		var n int
		e.db.GetContext(e.ctx, &n, `SELECT count(*) FROM audit_log WHERE action = 'delivery_missed'`)
		if n != 1 {
			t.Errorf("%d delivery_missed audit rows, want 1", n)
		}
	})

	t.Run("TokenRevokedPauses", func(t *testing.T) {
		t.Parallel()
		// A look-up refused for the token is not "channel not found": sending pauses, nothing is reported to the
		// trainer, and the look-up succeeds once the token works again.
		e := newEnv(t, 1, local(2026, 12, 6, 10, 0))
		e.cohort.Channel = "#het-gesprek-test"
		plan := e.apply(fanOutRules()[4:5])
		d := e.resolving("one")
		e.fake.RevokeBotToken("token_revoked")
		e.tick(d)
		e.tick(d)
		if ps := d.Paused(); len(ps) != 1 || ps[0].Reason != "token_revoked" {
			t.Fatalf("Paused() = %+v, want paused for token_revoked", ps)
		}
		if all, _ := e.auditCount("channel_not_found", "#het-gesprek-test"); all != 0 {
			t.Errorf("%d channel_not_found audit rows for a revoked token", all)
		}
		if n := len(e.fake.CallsTo("conversations.list")); n != 1 {
			t.Errorf("%d channel look-ups while paused, want only the one that found out", n)
		}
		e.fake.RestoreBotToken()
		e.tick(d)
		e.expectOnceAround(plan)
	})

	t.Run("ChannelOfAnotherCohort", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, 0, local(2026, 12, 6, 10, 0))
		other := *e.cohort
		other.Name = "Andere groep"
		if _, err := e.db.SaveCohort(e.ctx, &other); err != nil {
			t.Fatal(err)
		}
		e.cohort.Channel = "#het-gesprek-test"
		e.apply(fanOutRules()[4:5])
		d := e.resolving("one")
		e.tick(d)
		e.clock.MoveTo(e.clock.Now().Add(time.Minute))
		e.tick(d)
		if all, n := e.auditCount("channel_conflict", "#het-gesprek-test"); all != 1 || n != 1 {
			t.Errorf("%d channel_conflict audit rows (%d about the channel), want 1", all, n)
		}
		if c := e.stored(); c.Channel != "#het-gesprek-test" {
			t.Errorf("stored channel %s, want it left unresolved", c.Channel)
		}
	})
}

// The Directory must fit the dispatcher's interface.
var _ scheduler.Directory = (*bot.Directory)(nil)
