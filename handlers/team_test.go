package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// twoWorkspaces is one bot installed in two municipalities' workspaces, Noord (the default one, SLACK_BOT_TOKEN's)
// and Zuid, each with a cohort. Tess trains Noord's; Zuid's cohort lists Piet and, by e-mail address, a trainer
// with the address Tess has in Noord — the same person may well train in two municipalities, and in Zuid she is
// someone else's business until she has an account there.
type twoWorkspaces struct {
	bot                 *bottest.World
	db                  *store.DB
	zuid                slackfake.Team
	tess, anna          string // Noord
	piet, zoe           string // Zuid
	noordCh, zuidCh     string
	noordID, zuidID     int64
	noordName, zuidName string
}

const tessEmail = "tess@trainersbureau.nl"

func newTwoWorkspaces(t *testing.T) *twoWorkspaces {
	t.Helper()
	_, db, b := newBot(t, time.Date(2026, 12, 7, 11, 0, 0, 0, time.UTC), func(o *bottest.Options) {
		o.Fake.Teams = []slackfake.Team{{ID: "T0NOORD001", Name: "Gemeente Noord", Domain: "noord"},
			{ID: "T0ZUID0001", Name: "Gemeente Zuid", Domain: "zuid"}}
	})
	w := &twoWorkspaces{bot: b, db: db, zuid: b.Fake.Teams()[1], noordName: "Noord voorjaar 2027", zuidName: "Zuid voorjaar 2027"}
	w.tess = b.Fake.AddUser(slackfake.User{Name: "tess", RealName: "Tess Trainer", Email: tessEmail})
	w.anna = b.Fake.AddUser(slackfake.User{Name: "anna", RealName: "Anna de Vries"})
	w.noordCh = b.AddChannel("het-gesprek-noord", w.tess, w.anna)
	w.noordID = saveDecemberCohort(t, db, w.noordName, w.noordCh, w.tess, []string{"richard", "johan"}, w.anna)

	w.piet = b.Fake.AddUser(slackfake.User{Team: w.zuid.ID, Name: "piet", RealName: "Piet Zuidema"})
	w.zoe = b.Fake.AddUser(slackfake.User{Team: w.zuid.ID, Name: "zoe", RealName: "Zoë Zuid"})
	w.zuidCh = b.AddTeamChannel(w.zuid.ID, "het-gesprek-zuid", w.piet, w.zoe)
	co := &content.Cohort{TeamID: w.zuid.ID, Name: w.zuidName, Channel: w.zuidCh, Timezone: content.DefaultTimezone,
		Trainers: []string{w.piet, tessEmail}, Cases: []string{"richard", "emma"}, Settings: content.DefaultCohortSettings()}
	for n := 1; n <= 4; n++ {
		start := meterModuleStart(n)
		co.Modules = append(co.Modules, content.CohortModule{Number: n, Start: start, End: start.Add(4 * time.Hour), Location: "Raadhuis"})
	}
	ctx := context.Background()
	id, err := db.SaveCohort(ctx, co)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordJoin(ctx, id, w.zoe, nil); err != nil {
		t.Fatal(err)
	}
	w.zuidID = id
	return w
}

// TestRoutingByTeam: a command typed in Zuid acts on Zuid's cohort and posts with Zuid's token, in Zuid's channel
// only; the same command in Noord acts on Noord's.
func TestRoutingByTeam(t *testing.T) {
	t.Parallel()
	w := newTwoWorkspaces(t)
	fake := w.bot.Fake

	w.bot.Command(t, w.piet, w.zuidCh, "/casus", "reveal")
	zuidMsgs := fake.Messages(w.zuidCh)
	if len(zuidMsgs) == 0 {
		t.Fatalf("Piet's /casus reveal in Zuid posted nothing in Zuid's channel; ephemerals: %+v", fake.Ephemerals(w.piet))
	}
	if n := len(fake.Messages(w.noordCh)); n != 0 {
		t.Errorf("Zuid's reveal posted %d messages in Noord's channel", n)
	}
	for _, c := range fake.CallsTo("chat.postMessage") {
		if c.Team != w.zuid.ID {
			t.Errorf("chat.postMessage in %s acted in %q, want Zuid's token (%s)", c.Channel, c.Team, w.zuid.ID)
		}
	}
	reveals, err := w.db.CaseReveals(context.Background(), w.zuidID)
	if err != nil || len(reveals) == 0 {
		t.Errorf("Zuid's cohort has reveals %+v, %v; want those Piet made", reveals, err)
	}
	if reveals, _ := w.db.CaseReveals(context.Background(), w.noordID); len(reveals) != 0 {
		t.Errorf("Noord's cohort has reveals %+v after a command in Zuid", reveals)
	}

	w.bot.Command(t, w.tess, w.noordCh, "/casus", "reveal")
	if len(fake.Messages(w.noordCh)) == 0 {
		t.Error("Tess's /casus reveal in Noord posted nothing in Noord's channel")
	}
	if reveals, _ := w.db.CaseReveals(context.Background(), w.noordID); len(reveals) == 0 {
		t.Errorf("Noord's cohort has no reveals after Tess's")
	}
}

// TestWorkspaceIsolation: Tess of Noord, whose e-mail address Zuid's cohort lists as a trainer, sees and changes
// nothing of Zuid's: not in her App Home, not with a forged button carrying Zuid's cohort id, and the address is
// not taken as hers; Piet of Zuid sees nothing of Noord's.
func TestWorkspaceIsolation(t *testing.T) {
	t.Parallel()
	w := newTwoWorkspaces(t)
	fake := w.bot.Fake
	ctx := context.Background()

	home := viewText(w.bot.OpenHome(t, w.tess))
	if !strings.Contains(home, w.noordName) || strings.Contains(home, w.zuidName) {
		t.Errorf("Tess's App Home in Noord should show Noord's cohort only:\n%s", home)
	}
	home = viewText(w.bot.OpenHome(t, w.piet))
	if !strings.Contains(home, w.zuidName) || strings.Contains(home, w.noordName) {
		t.Errorf("Piet's App Home in Zuid should show Zuid's cohort only:\n%s", home)
	}

	// Forged buttons in Noord with Zuid's cohort in their value (a message in Tess's DM, as any client can make).
	for _, action := range []string{handlers.ActionEvaluationOpen, handlers.ActionMeterPlan, handlers.ActionFollowUpNote} {
		value := strconv.FormatInt(w.zuidID, 10)
		dm, ts, err := w.bot.API.PostMessage(w.tess, slack.MsgOptionText("knop", false), slack.MsgOptionBlocks(
			slack.NewActionBlock("vals", slack.NewButtonBlockElement(action, value,
				slack.NewTextBlockObject(slack.PlainTextType, "Open", false, false)))))
		if err != nil {
			t.Fatal(err)
		}
		w.bot.Click(t, w.tess, dm, ts, action, value)
		if v, ok := fake.TopModal(w.tess); ok && strings.Contains(viewText(v), w.zuidName) {
			t.Errorf("a forged %s button opened Zuid's cohort for Tess of Noord:\n%s", action, viewText(v))
		}
	}

	zuid, err := w.db.CohortByID(ctx, w.zuidID)
	if err != nil {
		t.Fatal(err)
	}
	if zuid.TeamID != w.zuid.ID || !slices.Contains(zuid.Trainers, tessEmail) || slices.Contains(zuid.Trainers, w.tess) {
		t.Errorf("Zuid's cohort (team %s) has trainers %v: Tess's Noord account must not be taken for its e-mail trainer",
			zuid.TeamID, zuid.Trainers)
	}
	if msgs := fake.Messages(w.zuidCh); len(msgs) != 0 {
		t.Errorf("Zuid's channel got %d messages from Noord's clicks", len(msgs))
	}
	var n int
	if err := w.db.GetContext(ctx, &n, `SELECT count(*) FROM audit_log WHERE cohort_id = $1 AND actor = $2`, w.zuidID, w.tess); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d audit rows of Tess's in Zuid's cohort", n)
	}
}

// planReminders stores a cohort's plan as two channel reminders, of module 2 due at first and of module 3 due an
// hour later.
func (w *twoWorkspaces) planReminders(t *testing.T, cohortID int64, first time.Time) {
	t.Helper()
	ctx := context.Background()
	c, err := w.db.CohortByID(ctx, cohortID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.ApplyCohort(ctx, c, func(saved *content.Cohort) ([]content.Delivery, error) {
		var plan []content.Delivery
		for i, m := range []int{2, 3} {
			plan = append(plan, content.Delivery{Key: fmt.Sprintf("%d/ch/m%d", saved.ID, m), Kind: "reminder_day",
				RuleID: "ch", Module: m, Audience: content.AudienceChannel, DueAt: first.Add(time.Duration(i) * time.Hour),
				Title: "Herinnering"})
		}
		return plan, nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestDispatchPerTeam: the dispatcher sends each workspace's deliveries in its channel with its own token, and
// a token Slack refuses in one workspace pauses that workspace only.
func TestDispatchPerTeam(t *testing.T) {
	t.Parallel()
	w := newTwoWorkspaces(t)
	fake := w.bot.Fake
	now := w.bot.Clock.Now()
	w.planReminders(t, w.noordID, now)
	w.planReminders(t, w.zuidID, now)

	w.bot.Tick(t)
	if n, m := len(fake.Messages(w.noordCh)), len(fake.Messages(w.zuidCh)); n != 1 || m != 1 {
		t.Fatalf("after the first tick Noord's channel has %d messages and Zuid's %d, want 1 each", n, m)
	}
	for _, c := range fake.CallsTo("chat.postMessage") {
		want := "T0NOORD001"
		if c.Channel == w.zuidCh {
			want = w.zuid.ID
		}
		if !c.OK || c.Team != want {
			t.Errorf("chat.postMessage in %s: ok %v with the token of %q, want %s's", c.Channel, c.OK, c.Team, want)
		}
	}

	// Zuid uninstalls the app (its token is refused); Noord's module 3 reminder still goes out.
	fake.RevokeTeamBotToken(w.zuid.ID, "token_revoked")
	w.bot.Clock.Add(time.Hour)
	w.bot.Tick(t)
	if n := len(fake.Messages(w.noordCh)); n != 2 {
		t.Errorf("Noord's channel has %d messages after Zuid's token was refused, want its second reminder too", n)
	}
	if n := len(fake.Messages(w.zuidCh)); n != 1 {
		t.Errorf("Zuid's channel has %d messages while its token is refused", n)
	}
	ps := w.bot.App.Dispatcher.Paused()
	if len(ps) != 1 || ps[0].Team != w.zuid.ID || ps[0].Reason != "token_revoked" {
		t.Errorf("paused workspaces = %+v, want Zuid's alone", ps)
	}
	// The bot stays ready for Noord; /readyz and the metrics name the paused workspace.
	for _, check := range []struct{ path, want string }{
		{"/readyz", "ready; sending paused for workspace " + w.zuid.ID},
		{"/metrics", `gesprekbot_dispatch_paused_team{team="` + w.zuid.ID + `"} 1`},
	} {
		resp, err := http.Get("http://" + w.bot.App.Addr() + check.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), check.want) {
			t.Errorf("GET %s while Zuid is paused: %d, want 200 with %q:\n%.2000s", check.path, resp.StatusCode, check.want, body)
		}
	}
	var status string
	if err := w.db.GetContext(context.Background(), &status, `SELECT status FROM deliveries WHERE key = $1`,
		fmt.Sprintf("%d/ch/m3", w.zuidID)); err != nil || status != store.StatusPending {
		t.Errorf("Zuid's module 3 reminder is %q (%v), want pending until Zuid's token works again", status, err)
	}

	// Zuid's token works again: its reminder goes out, and nothing is paused.
	fake.RestoreTeamBotToken(w.zuid.ID)
	w.bot.Clock.Add(time.Minute)
	w.bot.Tick(t)
	if n := len(fake.Messages(w.zuidCh)); n != 2 {
		t.Errorf("Zuid's channel has %d messages after its token works again, want 2", n)
	}
	if ps := w.bot.App.Dispatcher.Paused(); len(ps) != 0 {
		t.Errorf("still paused: %+v", ps)
	}
}

// TestErasureResumedInItsWorkspace: an erasure asked for in Zuid and taken over after its process died runs in
// Zuid: the closing message goes to the person's DM there, with Zuid's token.
func TestErasureResumedInItsWorkspace(t *testing.T) {
	t.Parallel()
	w := newTwoWorkspaces(t)
	ctx := context.Background()
	if _, err := w.db.RequestErasure(store.WithTeam(ctx, w.zuid.ID), w.zoe, "", "a-process-that-died",
		w.bot.Clock.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n, err := w.bot.App.Privacy.ResumeErasures(ctx); err != nil || n != 1 {
		t.Fatalf("resumed %d erasures (%v), want Zoë's", n, err)
	}
	if left := storetest.Find(t, w.db, w.zoe); len(left) > 0 {
		t.Errorf("after the erasure Zoë is still named in %v", left)
	}
	msgs := w.bot.Fake.Messages(w.bot.Fake.IMWith(w.zoe))
	if len(msgs) != 1 || msgs[0].User != w.zuid.BotUserID {
		t.Errorf("Zoë's DM in Zuid after her erasure: %+v, want the closing message of Zuid's bot", msgs)
	}
	for _, c := range w.bot.Fake.CallsTo("chat.postMessage") {
		if c.Team != w.zuid.ID {
			t.Errorf("the erasure posted with the token of %q, want Zuid's", c.Team)
		}
	}
}
