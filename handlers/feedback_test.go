package handlers_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
)

// lastDM is the last message the bot sent user in their DM.
func (w *workWorld) lastDM(t *testing.T, user string) slackfake.Message {
	t.Helper()
	ms := w.fake.Messages(w.fake.IMWith(user))
	if len(ms) == 0 {
		t.Fatalf("%s got no DM", user)
	}
	return ms[len(ms)-1]
}

// TestFeedbackForms: two observers give feedback to a gespreksvoerder in module 2 — one with /feedback @anna, one
// with the button under the role play — and she reads it, grouped per point with who gave it; nobody else reads
// it; the trainer sees only that it was given, until she shares it.
func TestFeedbackForms(t *testing.T) {
	t.Parallel()
	w := newWorkWorld(t, meterModuleStart(2).Add(time.Hour))
	ctx := context.Background()
	p := w.course.Phrases
	cor := w.fake.AddUser(slackfake.User{Name: "cor", RealName: "Cor Dijk"})
	if err := w.fake.Join(w.channel, cor); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.RecordJoin(ctx, w.cohortID, cor, nil); err != nil {
		t.Fatal(err)
	}
	anna := "<@" + w.anna + "|anna>"

	// Refusals: no form yet is not the case (module 2 started); oneself, and no one named.
	if got := ackSeen(t, w.bot.Command(t, w.anna, w.channel, handlers.CommandFeedback, anna)); !strings.Contains(got, p.FeedbackSelf) {
		t.Errorf("feedback to oneself answered %q", got)
	}
	if got := ackSeen(t, w.bot.Command(t, w.bram, w.channel, handlers.CommandFeedback, "")); !strings.Contains(got, "/feedback") {
		t.Errorf("a bare /feedback from a participant answered %q", got)
	}

	// Bram: /feedback @anna; an empty form stays open with the reason.
	w.bot.Command(t, w.bram, w.channel, handlers.CommandFeedback, anna)
	modal, ok := w.fake.TopModal(w.bram)
	if !ok || modal.CallbackID != handlers.CallbackFeedback || !strings.Contains(viewText(modal), "De gespreksvoerder benoemt doel van het Gesprek.") {
		t.Fatalf("/feedback @anna opened %+v", modal)
	}
	if resp := w.bot.Submit(t, w.bram, "", nil); resp.ResponseAction != "errors" {
		t.Fatalf("an empty form answered %q", resp.ResponseAction)
	}
	w.bot.Submit(t, w.bram, "", map[string]map[string]string{
		"fb/doel/score":   {"feedback_score:doel": "3"},
		"fb/open/comment": {"feedback_comment:open": "Je liet veel ruimte & stilte."},
	})
	if got := seen(w.lastDM(t, w.bram)); !strings.Contains(got, "je feedback is verstuurd") {
		t.Errorf("bram was told %q", got)
	}

	// Cor: the button under the role play, choosing anna in the form.
	ch, ts, err := w.bot.Poster.Post(ctx, w.channel, "rollenspel", []slack.Block{handlers.FeedbackButton(w.course, w.cohortID, 2)})
	if err != nil {
		t.Fatal(err)
	}
	w.bot.Click(t, cor, ch, ts, handlers.ActionFeedbackOpen, "")
	if _, ok := w.fake.TopModal(cor); !ok {
		t.Fatalf("the button opened no form")
	}
	w.bot.Submit(t, cor, "", map[string]map[string]string{
		"feedback/who":  {"feedback_who": w.anna},
		"fb/doel/score": {"feedback_score:doel": "2"},
	})

	// Anna was told twice, and reads it grouped per point, with who gave it.
	told := 0
	for _, m := range w.fake.Messages(w.fake.IMWith(w.anna)) {
		if strings.Contains(m.Text, "heeft je feedback gegeven") {
			told++
		}
	}
	if n := told; n != 2 {
		t.Errorf("anna was told of %d forms, want 2", n)
	}
	w.bot.Click(t, w.anna, w.fake.IMWith(w.anna), w.lastDM(t, w.anna).TS, handlers.ActionFeedbackRead, "")
	read := seen(w.lastDM(t, w.anna))
	for _, want := range []string{"<@" + w.bram + ">: Duidelijk gezien", "<@" + cor + ">: Een beetje gezien",
		"Je liet veel ruimte &amp; stilte.", p.FeedbackReceivedOpen, p.FeedbackShareButton} {
		if !strings.Contains(read, want) {
			t.Errorf("anna's feedback does not show %q:\n%s", want, read)
		}
	}
	doel := read[strings.Index(read, "De gespreksvoerder benoemt doel"):]
	doel = doel[:strings.Index(doel, "De gespreksvoerder benoemt eigen rol")]
	if !strings.Contains(doel, w.bram) || !strings.Contains(doel, cor) {
		t.Errorf("the point 'doel' does not group both observers:\n%s", doel)
	}
	if home := viewText(w.bot.OpenHome(t, w.anna)); !strings.Contains(home, p.FeedbackReadButton) {
		t.Errorf("anna's App Home has no way to read her feedback:\n%s", home)
	}

	// Nobody else reads it: bram's "Lees je feedback" shows his own (none).
	ref := strconv.FormatInt(w.cohortID, 10) + "/2"
	bramDM, bramTS, err := w.bot.Poster.Post(ctx, w.bram, "knop", []slack.Block{slack.NewActionBlock("lees",
		slack.NewButtonBlockElement(handlers.ActionFeedbackRead, ref, plainText("Lees")))})
	if err != nil {
		t.Fatal(err)
	}
	w.bot.Click(t, w.bram, bramDM, bramTS, handlers.ActionFeedbackRead, "")
	if got := seenAll(w.fake.Messages(bramDM)); strings.Contains(got, "ruimte") || !strings.Contains(got, "nog geen feedback") {
		t.Errorf("bram's own feedback view:\n%s", got)
	}

	// The trainer sees that it was given, not what, until anna shares it.
	over := ackSeen(t, w.bot.Command(t, w.tess, w.channel, handlers.CommandFeedback, ""))
	if !strings.Contains(over, "<@"+w.anna+">: feedback van 2 deelnemers") || strings.Contains(over, "ruimte") || strings.Contains(over, "Duidelijk gezien") {
		t.Errorf("the trainer's overview before sharing:\n%s", over)
	}
	w.bot.Click(t, w.anna, w.fake.IMWith(w.anna), w.lastDM(t, w.anna).TS, handlers.ActionFeedbackShare, ref+"/1")
	over = ackSeen(t, w.bot.Command(t, w.tess, w.channel, handlers.CommandFeedback, ""))
	if !strings.Contains(over, "ruimte") || !strings.Contains(over, "<@"+w.bram+">: Duidelijk gezien") {
		t.Errorf("the trainer's overview after sharing:\n%s", over)
	}
}

// TestWorkForgedCohort: buttons of written work and feedback that carry a cohort the clicker is not in (another
// cohort's message, or a forged payload) are refused, and nothing is written or opened.
func TestWorkForgedCohort(t *testing.T) {
	t.Parallel()
	w := newWorkWorld(t, meterModuleStart(2).Add(6*time.Hour))
	ctx := context.Background()
	sam := w.fake.AddUser(slackfake.User{Name: "sam"})
	ref := strconv.FormatInt(w.cohortID, 10)
	buttons := []struct{ action, value string }{
		{handlers.ActionReportOpen, handlers.ReportOpenValue(w.cohortID, "m2_verslag")},
		{handlers.ActionFeedbackOpen, ref + "/2"},
		{handlers.ActionFeedbackRead, ref + "/2"},
		{handlers.ActionFeedbackShare, ref + "/2/1"},
	}
	var blocks []slack.Block
	for i, b := range buttons {
		blocks = append(blocks, slack.NewActionBlock("b"+strconv.Itoa(i), slack.NewButtonBlockElement(b.action, b.value, plainText("Knop"))))
	}
	dm, ts, err := w.bot.Poster.Post(ctx, sam, "knoppen", blocks)
	if err != nil {
		t.Fatal(err)
	}
	stranger := firstSentence(w.course.Phrases.GateStranger)
	for _, b := range buttons {
		t.Run(b.action, func(t *testing.T) {
			var before, after int
			count := `SELECT (SELECT count(*) FROM written_work) + (SELECT count(*) FROM feedback) + (SELECT count(*) FROM audit_log)`
			if err := w.db.GetContext(ctx, &before, count); err != nil {
				t.Fatal(err)
			}
			w.bot.Click(t, sam, dm, ts, b.action, b.value)
			eph := w.fake.Ephemerals(sam)
			if len(eph) == 0 || !strings.Contains(seen(eph[len(eph)-1]), stranger) {
				t.Errorf("sam was not refused as a stranger")
			}
			if _, open := w.fake.TopModal(sam); open {
				t.Errorf("a modal was opened for a stranger")
			}
			if err := w.db.GetContext(ctx, &after, count); err != nil {
				t.Fatal(err)
			}
			if after != before {
				t.Errorf("a stranger's click wrote %d rows", after-before)
			}
		})
	}
}

// TestFeedbackButtonUnderRolePlay: the channel post of the role-play stage (module 3) carries "Feedback geven"
// for module 3's form; the other stages' posts do not.
func TestFeedbackButtonUnderRolePlay(t *testing.T) {
	t.Parallel()
	w := newCasusWorld(t, "johanna")
	for i := 0; i < 3; i++ {
		w.command(t, w.trainer, w.channel, "reveal")
		w.later()
	}
	with := 0
	for _, m := range w.fake.Messages(w.channel) {
		if strings.Contains(string(m.Blocks), handlers.ActionFeedbackOpen) {
			with++
			if !strings.Contains(string(m.Blocks), `"value":"`+strconv.FormatInt(w.cohortID, 10)+`/3"`) ||
				!strings.Contains(seen(m), w.course.Phrases.CasusRoleNote[:20]) {
				t.Errorf("a post with the feedback button is not module 3's role play:\n%s", seen(m))
			}
		}
	}
	if with != 2 {
		t.Errorf("%d channel posts carry the feedback button, want 2 (the role play of each case)", with)
	}
}

// TestWorkModalsWithinLimits renders every Feedbackformulier (empty and filled) and every written-work format (empty,
// long, and read-only) as Slack would get them, and checks them against Slack's Block Kit limits.
func TestWorkModalsWithinLimits(t *testing.T) {
	t.Parallel()
	course := defaultCourse(t)
	c := fixedCohort("johanna")
	c.ID = 7
	check := func(name string, v slack.ModalViewRequest) {
		t.Helper()
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if errs := slackfake.ValidateView(raw); len(errs) > 0 {
			t.Errorf("%s: %v", name, errs)
		}
	}
	for _, form := range course.Feedback.Forms {
		filled := store.FeedbackPoints{}
		for _, pt := range form.Points {
			filled[pt.ID] = store.PointFeedback{Score: 2, Comment: strings.Repeat("opmerking ", 290)}
		}
		check(form.Title+" empty, who to choose", handlers.FeedbackModal(course, c.ID, &form, "", nil))
		check(form.Title+" filled", handlers.FeedbackModal(course, c.ID, &form, "U0ANNA", filled))
	}
	for _, r := range course.Reports {
		mod, _ := course.Module(r.Module)
		var task content.Task
		for _, tk := range mod.Huiswerk {
			if tk.ID == r.Task {
				task = tk
			}
		}
		long := store.WrittenWork{Sections: store.Sections{}}
		for _, s := range r.Sections {
			long.Sections[s.ID] = strings.Repeat("Een zin in het verslag. ", 400) // 9,600 characters: four fields
		}
		start := c.Modules[r.Module-1].End
		check(r.Task+" empty", handlers.ReportModal(course, c, &r, task, store.WrittenWork{}, start))
		check(r.Task+" long", handlers.ReportModal(course, c, &r, task, long, start))
		if next, ok := c.Module(r.Module + 1); ok {
			check(r.Task+" read-only", handlers.ReportModal(course, c, &r, task, long, next.Start))
		}
	}
}
