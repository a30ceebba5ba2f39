package scheduler_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return loc
}()

func local(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, amsterdam)
}

// testRenderer renders every delivery as one short section, and has nothing for the recipients in skip.
type testRenderer struct {
	skip map[string]bool
}

func (r testRenderer) Render(_ context.Context, c *content.Cohort, d content.Delivery, recipient string) (string, []slack.Block, error) {
	if r.skip[recipient] {
		return "", nil, scheduler.ErrSkip
	}
	text := fmt.Sprintf("%s module %d voor %s (%s)", d.Kind, d.Module, recipient, c.Name)
	return text, []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)}, nil
}

// env is one workspace on the Slack fake with a cohort channel (the bot, a trainer, another bot and participants)
// and a real database.
type env struct {
	t       *testing.T
	ctx     context.Context
	db      *store.DB
	dbURL   string
	fake    *slackfake.Server
	clock   *bottest.Clock // the dispatchers', the database handle's and the fake's
	channel string
	trainer string
	people  []string
	cohort  *content.Cohort
	render  testRenderer
	// onChange, when set, is called by the fake after a conversation's messages changed, before the response to
	// the call that changed them has reached the client.
	onChange atomic.Pointer[func(conversationID string)]
}

func newEnv(t *testing.T, participants int, now time.Time, starts ...time.Time) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), clock: bottest.NewClock(now), render: testRenderer{skip: map[string]bool{}}}
	e.fake = slackfake.New(slackfake.Options{Now: e.clock.Now, OnChange: func(id string) {
		if f := e.onChange.Load(); f != nil {
			(*f)(id)
		}
	}})
	t.Cleanup(e.fake.Close)
	e.trainer = e.fake.AddUser(slackfake.User{ID: "U0TRAINER1", Name: "trainer"})
	other := e.fake.AddUser(slackfake.User{ID: "U0OTHERBOT", Name: "agenda", IsBot: true, BotID: "B0OTHER"})
	members := []string{e.fake.BotUserID(), e.trainer, other}
	for i := range participants {
		id := e.fake.AddUser(slackfake.User{ID: fmt.Sprintf("U0P%04d", i), Name: fmt.Sprintf("deelnemer%d", i)})
		e.people = append(e.people, id)
		members = append(members, id)
	}
	e.channel = e.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-test", Members: members})

	db := storetest.New(t)
	db.Now = e.clock.Now
	e.db, e.dbURL = db, storetest.URLOf(t, db)

	if len(starts) == 0 {
		starts = []time.Time{local(2026, 12, 7, 9, 0), local(2026, 12, 14, 9, 0), local(2027, 1, 11, 9, 0), local(2027, 1, 18, 9, 0)}
	}
	c := &content.Cohort{Name: "Testgroep", Channel: e.channel, Timezone: "Europe/Amsterdam", Trainers: []string{e.trainer},
		Cases: []string{"richard", "johanna"}, Settings: content.DefaultCohortSettings()}
	for i, s := range starts {
		c.Modules = append(c.Modules, content.CohortModule{Number: i + 1, Start: s, End: s.Add(4 * time.Hour), Location: "Stadskantoor, zaal 3"})
	}
	e.cohort = c
	return e
}

// apply stores the cohort with its plan for rules and returns the plan.
func (e *env) apply(rules []content.Rule) []content.Delivery {
	e.t.Helper()
	var plan []content.Delivery
	_, err := e.db.ApplyCohort(e.ctx, e.cohort, func(c *content.Cohort) ([]content.Delivery, error) {
		cal, err := scheduler.NewCalendar(c)
		if err != nil {
			return nil, err
		}
		plan, err = scheduler.Plan(c, rules, cal)
		return plan, err
	})
	if err != nil {
		e.t.Fatalf("apply cohort: %v", err)
	}
	return plan
}

func defaultRules(t *testing.T) []content.Rule {
	t.Helper()
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	return course.Rules
}

func (e *env) dispatcher(owner string, opts scheduler.DispatchOptions) *scheduler.Dispatcher {
	return e.dispatcherWith(newFakeSender(e.fake.APIURL(), e.fake.BotToken(), 3), owner, opts)
}

func (e *env) dispatcherWith(s scheduler.Sender, owner string, opts scheduler.DispatchOptions) *scheduler.Dispatcher {
	opts.Now = e.clock.Now
	opts.Owner = owner
	if opts.Log == nil {
		opts.Log = bottest.QuietLog()
	}
	return scheduler.NewDispatcher(e.db, s, e.render, opts)
}

func (e *env) tick(d *scheduler.Dispatcher) scheduler.Result {
	e.t.Helper()
	res, err := d.Tick(e.ctx)
	if err != nil {
		e.t.Fatalf("tick at %s: %v", e.clock.Now().In(amsterdam).Format(time.DateTime), err)
	}
	return res
}

// runUntil moves the clock from one due moment to the next (a pending row's due time, or the end of a lease
// left for a retry), ticking at each, until nothing is left before until.
func (e *env) runUntil(d *scheduler.Dispatcher, until time.Time) {
	e.t.Helper()
	for range 2000 {
		var next *time.Time
		if err := e.db.GetContext(e.ctx, &next, `
			SELECT min(t) FROM (
				SELECT min(due_at) AS t FROM deliveries WHERE status = 'pending'
				UNION ALL
				SELECT min(lease_until) FROM deliveries WHERE status = 'sending') AS x`); err != nil {
			e.t.Fatal(err)
		}
		if next == nil || next.After(until) {
			e.clock.MoveTo(until)
			e.tick(d)
			return
		}
		e.clock.MoveTo(*next)
		e.tick(d)
		if next.Equal(e.clock.Now()) {
			// A row left for a retry at exactly now comes back only once its lease is over.
			e.clock.MoveTo(e.clock.Now().Add(time.Second))
		}
	}
	e.t.Fatal("the course did not finish in 2000 ticks")
}

// posted is a message the bot posted for a delivery key, where it landed.
type posted struct {
	conv slackfake.Conversation
	msg  slackfake.Message
	at   time.Time
}

// delivered returns every message in the fake that carries a delivery key, by key.
func (e *env) delivered() map[string][]posted {
	out := map[string][]posted{}
	for _, c := range e.fake.Conversations() {
		for _, m := range e.fake.Messages(c.ID) {
			if m.Metadata == nil || m.Metadata.EventType != "gesprekbot_delivery" {
				continue
			}
			key := fmt.Sprint(m.Metadata.EventPayload["key"])
			sec, _, _ := strings.Cut(m.TS, ".")
			s, _ := strconv.ParseInt(sec, 10, 64)
			out[key] = append(out[key], posted{conv: c, msg: m, at: time.Unix(s, 0)})
		}
	}
	return out
}

// expectOnce checks that each delivery reached its conversation once, at its due time: a channel row in the
// channel, a row for participants in each participant's DM (and in no one else's).
func (e *env) expectOnce(rows []content.Delivery, people []string) {
	e.t.Helper()
	got := e.delivered()
	want := 0
	for _, r := range rows {
		switch r.Audience {
		case content.AudienceChannel:
			want++
			e.expectOne(got, r.Key, r.DueAt, func(c slackfake.Conversation) bool { return c.ID == e.channel })
		case content.AudienceParticipants:
			for _, p := range people {
				want++
				e.expectOne(got, r.Key+"/"+p, r.DueAt, func(c slackfake.Conversation) bool { return c.IsIM && c.User == p })
			}
			for _, nobody := range []string{e.trainer, "U0OTHERBOT", e.fake.BotUserID()} {
				if len(got[r.Key+"/"+nobody]) > 0 {
					e.t.Errorf("%s went to %s, who is not a participant", r.Key, nobody)
				}
			}
		}
	}
	n := 0
	for _, ps := range got {
		n += len(ps)
	}
	if n != want {
		e.t.Errorf("the fake has %d delivery messages, want %d", n, want)
	}
}

func (e *env) expectOne(got map[string][]posted, key string, due time.Time, where func(slackfake.Conversation) bool) {
	e.t.Helper()
	ps := got[key]
	if len(ps) != 1 {
		e.t.Errorf("%s: %d messages, want exactly 1", key, len(ps))
		return
	}
	if !where(ps[0].conv) {
		e.t.Errorf("%s landed in %s (im %v, user %s), the wrong conversation", key, ps[0].conv.ID, ps[0].conv.IsIM, ps[0].conv.User)
	}
	if !ps[0].at.Equal(due.Truncate(time.Second)) {
		e.t.Errorf("%s posted at %s, due at %s", key, ps[0].at.In(amsterdam).Format(time.DateTime), due.In(amsterdam).Format(time.DateTime))
	}
}

// statuses returns the stored status of every delivery by key.
func (e *env) statuses() map[string]content.Delivery {
	e.t.Helper()
	ds, err := e.db.Deliveries(e.ctx, e.cohort.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]content.Delivery{}
	for _, d := range ds {
		out[d.Key] = d
	}
	return out
}

func TestDispatchCourse(t *testing.T) {
	t.Parallel()
	// Module 2 right after Christmas: the calendar moves DMs off the holidays and the weekend.
	e := newEnv(t, 4, local(2026, 11, 20, 8, 0),
		local(2026, 12, 7, 9, 0), local(2026, 12, 28, 9, 0), local(2027, 1, 11, 9, 0), local(2027, 1, 18, 9, 0))
	plan := e.apply(defaultRules(t))
	d := e.dispatcher("one", scheduler.DispatchOptions{})
	e.runUntil(d, local(2027, 3, 8, 12, 0)) // past the follow-up, six weeks after module 4

	e.expectOnce(plan, e.people)
	cal, _ := scheduler.NewCalendar(e.cohort)
	shifted := 0
	for _, r := range plan {
		if r.Audience == content.AudienceParticipants && r.Note != "" {
			shifted++
		}
	}
	if shifted == 0 {
		t.Error("no DM of this cohort was moved by the calendar; the test does not test a holiday shift")
	}
	for key, ps := range e.delivered() {
		if ps[0].conv.IsIM && !cal.Sendable(ps[0].at) {
			t.Errorf("%s reached a DM at %s: quiet hours, a weekend or a holiday", key, ps[0].at.In(amsterdam).Format("Mon 2006-01-02 15:04"))
		}
	}
	for key, r := range e.statuses() {
		if r.Status != store.StatusSent && r.Status != store.StatusExpanded {
			t.Errorf("%s ended %s (%v), want sent", key, r.Status, r.Error)
		}
	}
	var audits int
	if err := e.db.GetContext(e.ctx, &audits, `SELECT count(*) FROM audit_log WHERE action = 'delivery_sent'`); err != nil {
		t.Fatal(err)
	}
	if msgs := len(e.delivered()); audits != msgs {
		t.Errorf("%d delivery_sent audit rows for %d messages", audits, msgs)
	}
}

func TestDispatchDST(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change time.Time // the day the clocks change
	}{
		{"Autumn2026", local(2026, 10, 25, 12, 0)}, // 03:00 CEST becomes 02:00 CET: 02:30 happens twice
		{"Spring2027", local(2027, 3, 28, 12, 0)},  // 02:00 CET becomes 03:00 CEST: 02:30 does not happen
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Date(tc.change.Year(), tc.change.Month(), tc.change.Day()+2, 9, 0, 0, 0, amsterdam)
			e := newEnv(t, 2, tc.change.AddDate(0, 0, -3),
				start, start.AddDate(0, 0, 7), start.AddDate(0, 0, 14), start.AddDate(0, 0, 21))
			rules := []content.Rule{
				{ID: "night", Kind: "reminder_day", Title: "Nacht", Modules: []int{1}, Anchor: "module_start", Days: -2,
					At: "02:30", Audience: "channel", Deadline: "module_start"},
				{ID: "urgent_dm", Kind: "reminder_day", Title: "Dringend", Modules: []int{1}, Anchor: "module_start",
					Days: -2, At: "02:15", Audience: "participants", Deadline: "module_start", Urgent: true},
				{ID: "morning", Kind: "preparation", Title: "Ochtend", Modules: []int{1}, Anchor: "module_start", Days: -3,
					At: "09:00", Audience: "participants", Deadline: "module_start"},
				{ID: "daily", Kind: "reminder_day", Title: "Dag ervoor", Modules: []int{1}, Anchor: "module_start",
					Days: -1, At: "09:00", Audience: "channel", Deadline: "module_start"},
			}
			plan := e.apply(rules)
			if len(plan) != 4 {
				t.Fatalf("planned %d rows, want 4", len(plan))
			}
			d := e.dispatcher("one", scheduler.DispatchOptions{})
			// A tick every quarter of an hour through the change, as cron would (in real time, not local time).
			for now := e.clock.Now(); now.Before(start); now = now.Add(15 * time.Minute) {
				e.clock.MoveTo(now)
				e.tick(d)
			}
			e.expectOnce(plan, e.people)
		})
	}
}

func TestDispatchReplan(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, local(2026, 11, 20, 8, 0))
	rules := defaultRules(t)
	first := e.apply(rules)
	d := e.dispatcher("one", scheduler.DispatchOptions{})
	e.runUntil(d, local(2026, 12, 8, 12, 0)) // module 1 is over

	// /training verzet 2 2026-12-21 09:00: module 2 a week later; what went out stays, the rest is re-planned.
	if err := e.cohort.MoveModule(2, local(2026, 12, 21, 9, 0)); err != nil {
		t.Fatal(err)
	}
	cal, _ := scheduler.NewCalendar(e.cohort)
	second, err := scheduler.Plan(e.cohort, rules, cal)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ReplacePlan(e.ctx, e.cohort.ID, second); err != nil {
		t.Fatal(err)
	}
	d.Kick() // what /training verzet does; Tick below is the tick it asks for
	// Past the follow-up, six weeks after module 4.
	e.runUntil(d, local(2027, 3, 8, 12, 0))

	// Rows due before the move went out at their first time; the rest at their new time.
	moved := local(2026, 12, 8, 12, 0)
	var want []content.Delivery
	for _, r := range first {
		if !r.DueAt.After(moved) {
			want = append(want, r)
		}
	}
	for _, r := range second {
		if r.DueAt.After(moved) {
			want = append(want, r)
		}
	}
	e.expectOnce(want, e.people)
	prep2 := fmt.Sprintf("c%d/preparation/m2", e.cohort.ID)
	got := e.delivered()[prep2]
	if len(got) != 1 || got[0].at.Before(local(2026, 12, 16, 0, 0)) {
		t.Errorf("preparation for module 2 went out %v, want once, five days before the new date", got)
	}
}

func TestDispatchDowntime(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, local(2026, 11, 20, 8, 0))
	plan := e.apply(defaultRules(t))
	d := e.dispatcher("one", scheduler.DispatchOptions{})

	// The bot was down from before the welcome until the Friday evening before module 1, and again until module 2
	// had started. At each start (both within sending hours: see TestDispatchCalendarAtSendingTime for a start at
	// night) it sends what is still before its deadline and marks the rest missed.
	restarts := []time.Time{local(2026, 12, 4, 20, 0), local(2026, 12, 14, 10, 0)}
	var sent, missed []content.Delivery
	done := map[string]bool{}
	for _, at := range restarts {
		for _, r := range plan {
			if done[r.Key] || r.DueAt.After(at) {
				continue
			}
			done[r.Key] = true
			if r.Deadline == nil || !r.Deadline.Before(at) {
				sent = append(sent, r)
			} else {
				missed = append(missed, r)
			}
		}
	}
	if len(sent) == 0 || len(missed) == 0 {
		t.Fatalf("%d rows to catch up and %d to miss: the test needs both", len(sent), len(missed))
	}
	for _, at := range restarts {
		e.clock.MoveTo(at)
		d = e.dispatcher("restarted-"+at.Format("0102"), scheduler.DispatchOptions{})
		e.tick(d)
	}

	got := e.delivered()
	st := e.statuses()
	for _, r := range missed {
		if st[r.Key].Status != store.StatusMissed {
			t.Errorf("%s is %s, want missed", r.Key, st[r.Key].Status)
		}
		for k := range got {
			if strings.HasPrefix(k, r.Key) {
				t.Errorf("%s was sent late", k)
			}
		}
	}
	// Caught-up rows went out at the restart, once each, in the right conversation.
	for _, r := range sent {
		var at time.Time
		for _, rs := range restarts {
			if !r.DueAt.After(rs) {
				at = rs
				break
			}
		}
		switch r.Audience {
		case content.AudienceChannel:
			e.expectOne(got, r.Key, at, func(c slackfake.Conversation) bool { return c.ID == e.channel })
		case content.AudienceParticipants:
			for _, p := range e.people {
				e.expectOne(got, r.Key+"/"+p, at, func(c slackfake.Conversation) bool { return c.IsIM && c.User == p })
			}
		}
	}
	var audits int
	if err := e.db.GetContext(e.ctx, &audits, `SELECT count(*) FROM audit_log WHERE action = 'delivery_missed'`); err != nil {
		t.Fatal(err)
	}
	if audits != len(missed) {
		t.Errorf("%d delivery_missed audit rows, want %d", audits, len(missed))
	}
}

// fanOutRules returns rules that all fall due at once: several messages for each participant and a few for the
// channel.
func fanOutRules() []content.Rule {
	var rules []content.Rule
	for i := range 4 {
		rules = append(rules, content.Rule{ID: fmt.Sprintf("dm%d", i), Kind: "homework", Title: "Huiswerk", Modules: []int{1},
			Anchor: "module_start", Days: -1, At: "10:00", Audience: "participants", Deadline: "module_start", Urgent: true})
	}
	for i := range 2 {
		rules = append(rules, content.Rule{ID: fmt.Sprintf("ch%d", i), Kind: "reminder_day", Title: "Herinnering", Modules: []int{1},
			Anchor: "module_start", Days: -1, At: "10:00", Audience: "channel", Deadline: "module_start"})
	}
	return rules
}

func TestDispatchReplicas(t *testing.T) {
	t.Parallel()
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprintf("%dDispatchers", n), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, 25, local(2026, 12, 6, 10, 0))
			plan := e.apply(fanOutRules())
			var ds []*scheduler.Dispatcher
			for i := range n {
				// Small batches, so that the replicas take turns claiming.
				ds = append(ds, e.dispatcher(fmt.Sprintf("replica%d", i), scheduler.DispatchOptions{Batch: 2, Workers: 4}))
			}
			var wg sync.WaitGroup
			results := make([]scheduler.Result, n)
			for i, d := range ds {
				wg.Go(func() { results[i] = e.tick(d) })
			}
			wg.Wait()
			e.expectOnce(plan, e.people)
			total, expanded := 0, 0
			for _, r := range results {
				total += r.Sent
				expanded += r.Expanded
			}
			if total != 4*25+2 || expanded != 4 {
				t.Errorf("results %+v: %d sent and %d expanded, want %d and 4", results, total, expanded, 4*25+2)
			}
		})
	}
}

func TestDispatchLostResponse(t *testing.T) {
	t.Parallel()
	t.Run("PosterFindsIt", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, 2, local(2026, 12, 6, 10, 0))
		plan := e.apply(fanOutRules())
		e.fake.FailNext("chat.postMessage", 3, slackfake.FaultLostResponse)
		res := e.tick(e.dispatcher("one", scheduler.DispatchOptions{Workers: 1}))
		e.expectOnce(plan, e.people)
		if res.Sent != 4*2+2-3 || res.Found != 3 {
			t.Errorf("result %+v, want the 3 lost posts found by the Poster and the rest sent", res)
		}
	})
	t.Run("DispatcherFindsItLater", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, 2, local(2026, 12, 6, 10, 0))
		plan := e.apply(fanOutRules())
		// The Poster gives up at once: the dispatcher leaves the rows for a retry, which looks in the history first.
		d := e.dispatcherWith(newFakeSender(e.fake.APIURL(), e.fake.BotToken(), 1), "one", scheduler.DispatchOptions{Workers: 1})
		e.fake.FailNext("chat.postMessage", 3, slackfake.FaultLostResponse)
		res := e.tick(d)
		if res.Retried != 3 {
			t.Fatalf("first tick %+v, want 3 rows left for a retry", res)
		}
		e.clock.MoveTo(e.clock.Now().Add(2 * time.Minute))
		res = e.tick(d)
		if res.Found != 3 || res.Sent != 0 {
			t.Errorf("retry tick %+v, want the 3 lost posts found in the history, nothing posted", res)
		}
		e.expectOnceAround(plan)
	})
}

// expectOnceAround is expectOnce for rows that may have gone out after their due time (retries).
func (e *env) expectOnceAround(plan []content.Delivery) {
	e.t.Helper()
	got := e.delivered()
	for _, r := range plan {
		keys := []string{r.Key}
		if r.Audience == content.AudienceParticipants {
			keys = keys[:0]
			for _, p := range e.people {
				keys = append(keys, r.Key+"/"+p)
			}
		}
		for _, k := range keys {
			if len(got[k]) != 1 {
				e.t.Errorf("%s: %d messages, want exactly 1", k, len(got[k]))
			}
		}
	}
}

func TestDispatchExpiredLease(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0, local(2026, 12, 6, 10, 0))
	rules := fanOutRules()[4:] // the two channel messages
	plan := e.apply(rules)
	now := e.clock.Now()

	// A dispatcher claimed both, set out to post the first, posted it and died before recording it; it never got to
	// the second.
	claimed, err := e.db.ClaimDue(e.ctx, "dead", now, now.Add(2*time.Minute), 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claim: %v, %d rows", err, len(claimed))
	}
	sort.Slice(claimed, func(i, j int) bool { return claimed[i].Key < claimed[j].Key })
	if err := e.db.StartAttempt(e.ctx, claimed[0].ID, "dead", now, now.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	s := newFakeSender(e.fake.APIURL(), e.fake.BotToken(), 3)
	_, ts, _, err := s.Post(e.ctx, e.channel, "van de vorige", nil, claimed[0].Key)
	if err != nil {
		t.Fatal(err)
	}

	d := e.dispatcher("heir", scheduler.DispatchOptions{})
	if res := e.tick(d); res != (scheduler.Result{}) {
		t.Fatalf("tick before the lease ended did %+v, want nothing", res)
	}
	e.clock.MoveTo(now.Add(2*time.Minute + time.Second))
	res := e.tick(d)
	if res.Reclaimed != 2 || res.Found != 1 || res.Sent != 1 {
		t.Errorf("tick after the lease ended: %+v, want 2 taken over, 1 found in the history, 1 sent", res)
	}
	// Only the row that was attempted needed a look in the history.
	if n := len(e.fake.CallsTo("conversations.history")); n != 1 {
		t.Errorf("%d history look-ups, want 1: the row never attempted is posted directly", n)
	}
	got := e.delivered()
	for _, r := range plan {
		if len(got[r.Key]) != 1 {
			t.Errorf("%s: %d messages, want 1", r.Key, len(got[r.Key]))
		}
	}
	if st := e.statuses()[claimed[0].Key]; st.Status != store.StatusSent || st.TS == nil || *st.TS != ts {
		t.Errorf("found row recorded as %s ts %v, want sent with the earlier message's ts %s", st.Status, st.TS, ts)
	}
}

func TestDispatchOutcomes(t *testing.T) {
	t.Parallel()
	t.Run("ArchivedChannelFails", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, 0, local(2026, 12, 6, 10, 0))
		e.apply(fanOutRules()[4:5])
		e.fake.Archive(e.channel)
		res := e.tick(e.dispatcher("one", scheduler.DispatchOptions{}))
		if res.Failed != 1 {
			t.Fatalf("result %+v, want 1 failed", res)
		}
		for _, r := range e.statuses() {
			if r.Status != store.StatusFailed || r.Error == nil || *r.Error != "is_archived" {
				t.Errorf("%s: %s %v, want failed with is_archived", r.Key, r.Status, r.Error)
			}
		}
		var n int
		e.db.GetContext(e.ctx, &n, `SELECT count(*) FROM audit_log WHERE action = 'delivery_failed' AND detail->>'reason' = 'is_archived'`)
		if n != 1 {
			t.Errorf("%d delivery_failed audit rows, want 1", n)
		}
	})
	t.Run("NothingToSendIsCancelled", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, 3, local(2026, 12, 6, 10, 0))
		e.apply(fanOutRules()[:1])
		e.render.skip[e.people[1]] = true
		res := e.tick(e.dispatcher("one", scheduler.DispatchOptions{}))
		if res.Sent != 2 || res.Skipped != 1 {
			t.Errorf("result %+v, want 2 sent and 1 skipped", res)
		}
		got := e.delivered()
		for i, p := range e.people {
			if n := len(got[fmt.Sprintf("c%d/dm0/m1/%s", e.cohort.ID, p)]); n != map[bool]int{true: 0, false: 1}[i == 1] {
				t.Errorf("%s got %d messages", p, n)
			}
		}
		if st := e.statuses()[fmt.Sprintf("c%d/dm0/m1/%s", e.cohort.ID, e.people[1])]; st.Status != store.StatusCancelled {
			t.Errorf("skipped row is %s, want cancelled", st.Status)
		}
	})
	t.Run("SlackDownIsRetriedOnce", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, 0, local(2026, 12, 6, 10, 0))
		plan := e.apply(fanOutRules()[4:5])
		d := e.dispatcherWith(newFakeSender(e.fake.APIURL(), e.fake.BotToken(), 2), "one", scheduler.DispatchOptions{})
		e.fake.FailNext("chat.postMessage", 2, slackfake.Fault503)
		if res := e.tick(d); res.Retried != 1 {
			t.Fatalf("result %+v, want 1 retried", res)
		}
		if res := e.tick(d); res != (scheduler.Result{}) {
			t.Errorf("tick during the backoff did %+v, want nothing", res)
		}
		e.clock.MoveTo(e.clock.Now().Add(time.Minute + time.Second))
		if res := e.tick(d); res.Sent != 1 || res.Reclaimed != 1 {
			t.Errorf("tick after the backoff: %+v, want it sent", res)
		}
		e.expectOnceAround(plan)
	})
	t.Run("UnresolvedChannelWaits", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, 2, local(2026, 12, 6, 10, 0))
		e.cohort.Channel = "#het-gesprek-test"
		rules := fanOutRules()
		plan := e.apply([]content.Rule{rules[0], rules[4]})
		d := e.dispatcher("one", scheduler.DispatchOptions{})
		if res := e.tick(d); res.Retried != 2 || len(e.fake.CallsTo("chat.postMessage")) != 0 {
			t.Fatalf("result %+v, want both rows waiting for the channel's ID and nothing posted", res)
		}
		if err := e.db.SetCohortChannel(e.ctx, e.cohort.ID, e.channel); err != nil {
			t.Fatal(err)
		}
		e.clock.MoveTo(e.clock.Now().Add(time.Minute + time.Second))
		if res := e.tick(d); res.Sent != 3 || res.Expanded != 1 {
			t.Errorf("result %+v once the channel is known, want the channel message and 2 DMs sent", res)
		}
		e.expectOnceAround(plan)
	})
	t.Run("GivesUpAfterMaxAttempts", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, 0, local(2026, 12, 6, 10, 0))
		e.apply(fanOutRules()[4:5])
		d := e.dispatcherWith(newFakeSender(e.fake.APIURL(), e.fake.BotToken(), 1), "one", scheduler.DispatchOptions{MaxAttempts: 2})
		e.fake.FailNext("chat.postMessage", 10, slackfake.Fault500)
		for range 4 {
			e.tick(d)
			e.clock.MoveTo(e.clock.Now().Add(10 * time.Minute))
		}
		for _, r := range e.statuses() {
			if r.Status != store.StatusFailed || r.Error == nil || !strings.HasPrefix(*r.Error, "gave up after 2 attempts") {
				t.Errorf("%s: %s %v, want failed after 2 attempts", r.Key, r.Status, r.Error)
			}
		}
		if n := len(e.fake.CallsTo("chat.postMessage")); n != 2 {
			t.Errorf("%d posts tried, want 2", n)
		}
	})
}

// TestDispatchUnrecordedCohort: a cohort whose members nobody has recorded yet (a new cohort, everyone added to
// the channel at once) is told from its bots with one listing of the workspace, not a users.info call per member:
// at Slack's 100 users.info calls a minute, a fan-out to 1,000 such people would wait ten minutes. Four rows of the
// cohort expand at once and share that one listing.
func TestDispatchUnrecordedCohort(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 30, local(2026, 12, 6, 10, 0))
	rules := fanOutRules()[:4]
	e.apply(rules)
	// The listing takes a while, as a real one of a large workspace does, so that the four rows' look-ups overlap.
	slow := &slowBots{Sender: newFakeSender(e.fake.APIURL(), e.fake.BotToken(), 3), delay: 300 * time.Millisecond}
	if res := e.tick(e.dispatcherWith(slow, "one", scheduler.DispatchOptions{})); res.Expanded != len(rules) || res.Sent != len(rules)*len(e.people) {
		t.Errorf("result %+v, want %d rows expanded and %d DMs sent", res, len(rules), len(rules)*len(e.people))
	}
	if n := len(e.fake.CallsTo("users.info")); n != 0 {
		t.Errorf("the fan-out asked users.info %d times, want none: one listing answers for everyone", n)
	}
	if n := len(e.fake.CallsTo("users.list")); n != 1 {
		t.Errorf("the fan-out listed the workspace %d times, want once for all four rows", n)
	}
	got := e.delivered()
	for _, p := range e.people {
		for _, rule := range rules {
			if n := len(got[fmt.Sprintf("c%d/%s/m1/%s", e.cohort.ID, rule.ID, p)]); n != 1 {
				t.Errorf("%s %s: %d messages, want 1", rule.ID, p, n)
			}
		}
	}
	for key := range got {
		if strings.HasSuffix(key, "/U0OTHERBOT") || strings.HasSuffix(key, "/"+e.fake.BotUserID()) {
			t.Errorf("%s: a bot got a DM", key)
		}
	}
}

// slowBots is a Sender whose look-ups of bots take delay longer.
type slowBots struct {
	scheduler.Sender
	delay time.Duration
}

func (s *slowBots) Bots(ctx context.Context, userIDs []string) (map[string]bool, error) {
	time.Sleep(s.delay)
	return s.Sender.Bots(ctx, userIDs)
}

func TestDispatchKnownParticipants(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, local(2026, 12, 6, 10, 0))
	rules := fanOutRules()
	e.apply(rules[:1])
	e.tick(e.dispatcher("first", scheduler.DispatchOptions{}))
	// Asked about the three participants and the two bots; the trainer is known from the cohort.
	if n := len(e.fake.CallsTo("users.info")); n != 5 {
		t.Errorf("first fan-out asked users.info %d times, want 5", n)
	}
	e.apply(rules[:2])
	e.tick(e.dispatcher("second", scheduler.DispatchOptions{}))
	// A new process knows the participants from the database, and asks only about the bots again.
	if n := len(e.fake.CallsTo("users.info")); n != 5+2 {
		t.Errorf("second fan-out asked users.info %d times in all, want 7", n)
	}
	got := e.delivered()
	for _, p := range e.people {
		for _, rule := range []string{"dm0", "dm1"} {
			if n := len(got[fmt.Sprintf("c%d/%s/m1/%s", e.cohort.ID, rule, p)]); n != 1 {
				t.Errorf("%s %s: %d messages, want 1", rule, p, n)
			}
		}
	}
}

func TestDispatchRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3, local(2026, 12, 6, 10, 0))
	plan := e.apply(fanOutRules())
	d := e.dispatcher("runner", scheduler.DispatchOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- d.Run(ctx) }()

	// The tick at start sends what is due.
	waitFor(t, func() bool { return len(e.delivered()) == 4*3+2 })
	// A kick sends what became due since, without waiting for the minute.
	e.clock.MoveTo(local(2026, 12, 7, 9, 0))
	_, err := e.db.ExecContext(e.ctx, `
		INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at)
		VALUES ($1, $2, 'extra', 'reminder_hour', 1, 'channel', '', $3)`,
		fmt.Sprintf("c%d/extra/m1", e.cohort.ID), e.cohort.ID, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	d.Kick()
	waitFor(t, func() bool { return len(e.delivered()) == 4*3+2+1 })
	cancel()
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not stop")
	}
	e.expectOnceAround(plan)
}

func TestDispatchStopReleases(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 10, local(2026, 12, 6, 10, 0))
	plan := e.apply(fanOutRules()[:1])
	gate := &counting{Sender: newFakeSender(e.fake.APIURL(), e.fake.BotToken(), 3), posts: make(chan struct{})}
	d := e.dispatcherWith(gate, "stopping", scheduler.DispatchOptions{Workers: 2, Grace: 5 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan scheduler.Result, 1)
	go func() {
		res, _ := d.Tick(ctx)
		done <- res
	}()
	// Let three posts through, then stop while two more wait at the gate.
	for range 3 {
		<-gate.posts
	}
	cancel()
	go func() {
		for range 2 {
			select {
			case <-gate.posts:
			case <-time.After(10 * time.Second):
			}
		}
	}()
	res := <-done
	if res.Sent < 3 || res.Released == 0 || res.Sent+res.Released+res.Retried != 10 {
		t.Fatalf("stopped tick %+v: want the posts in flight finished, the rest released", res)
	}
	st := e.statuses()
	pending := 0
	for _, r := range st {
		if r.Status == store.StatusPending {
			pending++
		}
	}
	if pending != res.Released {
		t.Errorf("%d rows pending after the stop, %d released", pending, res.Released)
	}
	// Another dispatcher finishes the fan-out: one message per participant.
	e.tick(e.dispatcher("next", scheduler.DispatchOptions{}))
	e.clock.MoveTo(e.clock.Now().Add(time.Second))
	e.tick(e.dispatcher("next", scheduler.DispatchOptions{}))
	e.expectOnceAround(plan)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 20s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// childEnv starts the test binary as a dispatcher helper process: the value is "db URL|fake API URL|token|clock".
const childEnv = "GESPREKBOT_DISPATCH_CHILD"

// dispatchChild is the helper process of TestDispatchKilled: a dispatcher that posts slowly to the parent's fake
// until it is killed.
func dispatchChild() int {
	args, err := readChildArgs(childEnv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx := context.Background()
	db, err := args.open(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// Posts are slow, so that the parent can kill it in the middle of the fan-out.
	d := scheduler.NewDispatcher(db, slowSender(args.apiURL, args.token, 20, 3), testRenderer{}, scheduler.DispatchOptions{
		Now: func() time.Time { return args.now }, Owner: "child", Log: bottest.QuietLog(), Workers: 8, Batch: 10})
	for {
		if _, err := d.Tick(ctx); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDispatchKilled(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a helper process")
	}
	e := newEnv(t, 40, local(2026, 12, 6, 10, 0))
	plan := e.apply(fanOutRules()[:2])
	// TestMain runs the child, so it runs no tests.
	c := startChild(t, e, childEnv, "^$")

	// Kill it with -9 right after the fake stored its 15th message, before the answer to that post reached it: the
	// message is in Slack, but the dispatcher never learnt its ts.
	c.signalAt(t, e, 15, syscall.SIGKILL, 30*time.Second)
	c.cmd.Wait()
	e.onChange.Store(nil)
	before := len(e.delivered())
	if before >= 80 {
		t.Fatalf("the helper sent all %d messages before it was killed; the test did not kill it mid-fan-out", before)
	}
	var unrecorded int
	if err := e.db.GetContext(e.ctx, &unrecorded, `SELECT count(*) FROM deliveries WHERE status = 'sent'`); err != nil {
		t.Fatal(err)
	}
	if unrecorded >= before {
		t.Fatalf("%d messages in Slack and %d recorded as sent: no post was left unrecorded by the kill", before, unrecorded)
	}
	t.Logf("killed after %d of 80 messages", before)

	// Restarted after its leases ran out, a dispatcher sends the rest, and nothing twice.
	e.clock.MoveTo(e.clock.Now().Add(3 * time.Minute))
	d := e.dispatcher("restarted", scheduler.DispatchOptions{})
	e.tick(d)
	e.expectOnceAround(plan)
	for key, r := range e.statuses() {
		if r.Status != store.StatusSent && r.Status != store.StatusExpanded {
			t.Errorf("%s ended %s", key, r.Status)
		}
	}
}

// deliverRenderer posts channel rows itself, the way the case reveal does, and renders the rest.
type deliverRenderer struct {
	testRenderer
	deliver func(c *content.Cohort, d content.Delivery) (string, string, error)
}

func (r deliverRenderer) Deliver(_ context.Context, c *content.Cohort, d content.Delivery) (string, string, bool, error) {
	if d.Audience != content.AudienceChannel {
		return "", "", false, nil
	}
	ch, ts, err := r.deliver(c, d)
	return ch, ts, true, err
}

func TestDispatchDeliverer(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		err    error
		status string
	}{
		{"PostedItself", nil, store.StatusSent},
		{"NothingDue", scheduler.ErrSkip, store.StatusCancelled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, 0, local(2026, 12, 6, 10, 0))
			e.apply(fanOutRules()[4:5])
			api := slack.New(e.fake.BotToken(), slack.OptionAPIURL(e.fake.APIURL()))
			calls := 0
			r := deliverRenderer{testRenderer: e.render, deliver: func(c *content.Cohort, d content.Delivery) (string, string, error) {
				calls++
				if tt.err != nil {
					return "", "", tt.err
				}
				return api.PostMessage(c.Channel, slack.MsgOptionText("zelf gepost", false))
			}}
			d := scheduler.NewDispatcher(e.db, newFakeSender(e.fake.APIURL(), e.fake.BotToken(), 3), r,
				scheduler.DispatchOptions{Now: e.clock.Now, Owner: "one", Log: bottest.QuietLog()})
			e.tick(d)
			e.tick(d)
			if calls != 1 {
				t.Fatalf("Deliver called %d times over two ticks, want once", calls)
			}
			for _, row := range e.statuses() {
				if row.Status != tt.status {
					t.Errorf("%s is %s, want %s", row.Key, row.Status, tt.status)
				}
				if tt.status == store.StatusSent {
					msgs := e.fake.Messages(e.channel)
					if len(msgs) != 1 || row.TS == nil || *row.TS != msgs[0].TS {
						t.Errorf("channel has %d messages; row ts %v; want the one Deliver posted", len(msgs), row.TS)
					}
				}
			}
		})
	}
}

// TestDispatchCalendarAtSendingTime starts the bot after downtime at night: DMs that became due while it was down
// wait for the next morning instead of going out at 22:30, and so does the preparation in the channel, which keeps
// to the calendar; a message whose next allowed moment is its deadline is missed, not sent at night.
func TestDispatchCalendarAtSendingTime(t *testing.T) {
	t.Parallel()
	// Module 1 on Thursday 10 December: the welcome on Thursday 3 December, the preparation and its checklist on
	// Friday 4 December (the Saturday before, moved back), the voormeting reminder on Tuesday 8 December.
	starts := []time.Time{local(2026, 12, 10, 9, 0), local(2026, 12, 17, 9, 0), local(2027, 1, 14, 9, 0), local(2027, 1, 21, 9, 0)}
	before := func(plan []content.Delivery, at time.Time) []content.Delivery {
		var out []content.Delivery
		for _, r := range plan {
			if !r.DueAt.After(at) {
				out = append(out, r)
			}
		}
		return out
	}

	t.Run("WaitsForTheMorning", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, 3, local(2026, 12, 8, 22, 30), starts...)
		plan := e.apply(defaultRules(t))
		late := before(plan, e.clock.Now())
		if len(late) < 4 {
			t.Fatalf("%d rows due during the downtime; the test needs the welcome, the preparation and the reminder", len(late))
		}
		d := e.dispatcher("one", scheduler.DispatchOptions{})
		res := e.tick(d)
		if res.Sent != 0 || res.Deferred != len(late) {
			t.Fatalf("tick at 22:30: %+v, want the %d late rows deferred, nothing sent", res, len(late))
		}
		morning := local(2026, 12, 9, 9, 0)
		for _, r := range late {
			st := e.statuses()[r.Key]
			if st.Status != store.StatusPending || !st.DueAt.Equal(morning) || st.Note != "verschoven: nachtrust" {
				t.Errorf("%s is %s due %s (%q), want pending until Wednesday 09:00", r.Key, st.Status,
					st.DueAt.In(amsterdam).Format(time.DateTime), st.Note)
			}
		}
		if n := len(e.delivered()); n != 0 {
			t.Fatalf("%d messages at 22:30", n)
		}
		e.clock.MoveTo(morning)
		e.tick(d)
		for i := range late {
			late[i].DueAt = morning
		}
		e.expectOnce(late, e.people)
		if n := e.audits("delivery_deferred"); n != len(late) {
			t.Errorf("%d delivery_deferred audit rows, want %d", n, len(late))
		}
	})

	t.Run("MissedAtTheDeadline", func(t *testing.T) {
		t.Parallel()
		// Down until 22:30 the evening before the module: the next allowed moment is the module's start.
		e := newEnv(t, 3, local(2026, 12, 9, 22, 30), starts...)
		plan := e.apply(defaultRules(t))
		d := e.dispatcher("one", scheduler.DispatchOptions{})
		if res := e.tick(d); res.Missed < 4 {
			t.Errorf("tick at 22:30: %+v, want the welcome, the preparation, its checklist and the reminder missed", res)
		}
		st := e.statuses()
		for _, r := range before(plan, e.clock.Now()) {
			if r.Audience == content.AudienceChannel && r.RuleID != "preparation" {
				// The reminder the day before keeps its time, late or not.
				if len(e.delivered()[r.Key]) != 1 {
					t.Errorf("%s was not sent at 22:30", r.Key)
				}
				continue
			}
			if st[r.Key].Status != store.StatusMissed {
				t.Errorf("%s is %s, want missed: no sending time before its deadline", r.Key, st[r.Key].Status)
			}
		}
		for key, ps := range e.delivered() {
			if ps[0].conv.IsIM {
				t.Errorf("%s reached a DM at 22:30", key)
			}
		}
	})
}
