package handlers_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
)

// workWorld is a cohort with modules on the Mondays of December 2026 (meterModuleStart), trainer tess and
// participants anna and bram, on the whole bot.
type workWorld struct {
	bot      *bottest.World
	fake     *slackfake.Server
	db       *store.DB
	course   *content.Course
	channel  string
	cohortID int64
	tess     string
	anna     string
	bram     string
}

func newWorkWorld(t *testing.T, now time.Time) *workWorld {
	t.Helper()
	course, db, b := newBot(t, now)
	w := &workWorld{bot: b, fake: b.Fake, db: db, course: course}
	w.tess = w.fake.AddUser(slackfake.User{Name: "tess", RealName: "Tess Trainer"})
	w.anna = w.fake.AddUser(slackfake.User{Name: "anna", RealName: "Anna de Vries"})
	w.bram = w.fake.AddUser(slackfake.User{Name: "bram", RealName: "Bram Bos"})
	w.channel = w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-werk",
		Members: []string{w.fake.BotUserID(), w.tess, w.anna, w.bram}})
	w.cohortID = saveDecemberCohort(t, db, "Werk december 2026", w.channel, w.tess, []string{"richard", "johan"}, w.anna, w.bram)
	return w
}

// typeIn types text into a field of user's top modal as Slack sends it while typing, and waits for the bot.
func (w *workWorld) typeIn(t *testing.T, user, blockID, actionID, text string) slackfake.Response {
	t.Helper()
	modal, ok := w.fake.TopModal(user)
	if !ok {
		t.Fatalf("%s has no modal open to type in", user)
	}
	ctx, cancel := context.WithTimeout(context.Background(), bottest.Timeout)
	defer cancel()
	resp, err := w.fake.Type(ctx, user, modal.ID, blockID, actionID, text)
	if err != nil {
		t.Fatalf("type in %s: %v", blockID, err)
	}
	if !resp.Acked {
		t.Fatalf("typing in %s was not acknowledged", blockID)
	}
	w.bot.Wait(t)
	return resp
}

func (w *workWorld) work(t *testing.T, user, task string) (store.WrittenWork, bool) {
	t.Helper()
	wk, err := w.db.WrittenWorkOf(context.Background(), w.cohortID, user, task)
	if content.ErrorCode(err) == content.ENOTFOUND {
		return store.WrittenWork{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return wk, true
}

// modalInputs returns the block ids of the input blocks of a view, and whether it has a submit button.
func modalInputs(t *testing.T, v slackfake.View) (inputs []string, submit bool) {
	t.Helper()
	var raw struct {
		Submit *struct{} `json:"submit"`
		Blocks []struct {
			Type    string `json:"type"`
			BlockID string `json:"block_id"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(v.JSON, &raw); err != nil {
		t.Fatal(err)
	}
	for _, b := range raw.Blocks {
		if b.Type == "input" {
			inputs = append(inputs, b.BlockID)
		}
	}
	return inputs, raw.Submit != nil
}

// TestWrittenWork walks the module 2 report as a participant writes it: /huiswerk opens it, typing saves a draft
// that survives closing the modal, handing it in marks the homework done, an edit after that is kept, a long text
// gets a second field, and once module 3 has started the work is read-only (nothing saved, the modal says so).
func TestWrittenWork(t *testing.T) {
	t.Parallel()
	afterM2 := meterModuleStart(2).Add(6 * time.Hour)
	w := newWorkWorld(t, afterM2)
	ctx := context.Background()
	p := w.course.Phrases

	// The homework message of module 2 carries the button; /huiswerk opens the one task open now.
	w.bot.Command(t, w.anna, w.channel, handlers.CommandHuiswerk, "")
	modal, ok := w.fake.TopModal(w.anna)
	if !ok || modal.CallbackID != handlers.CallbackReport {
		t.Fatalf("/huiswerk opened no report modal (%+v)", modal)
	}
	inputs, submit := modalInputs(t, modal)
	if !submit || !slices.Contains(inputs, "report/doel/0") || !slices.Contains(inputs, "report/verder_verkennen/0") {
		t.Fatalf("modal inputs %v (submit %v), want a field per section and Inleveren", inputs, submit)
	}
	if !strings.Contains(viewText(modal), "Hoe verwoord je het doel van het gesprek") {
		t.Errorf("the modal does not show the manual's guidance:\n%s", viewText(modal))
	}

	// Saved as typed: a draft, not handed in.
	w.typeIn(t, w.anna, "report/doel/0", "report_typed:doel:0", "Ik stel mezelf voor & leg uit <waarom>.")
	wk, ok := w.work(t, w.anna, "m2_verslag")
	if !ok || wk.Sections["doel"] != "Ik stel mezelf voor & leg uit <waarom>." || wk.HandedInAt != nil {
		t.Fatalf("after typing: %+v (found %v), want a draft with the text", wk, ok)
	}
	w.typeIn(t, w.anna, "report/vraag/0", "report_typed:vraag:0", "De vraag achter de vraag is rust.")

	// Closing keeps the draft; opening again shows it.
	if _, err := w.fake.CloseView(ctx, w.anna); err != nil {
		t.Fatal(err)
	}
	w.bot.Wait(t)
	w.bot.Command(t, w.anna, w.channel, handlers.CommandHuiswerk, "")
	modal, _ = w.fake.TopModal(w.anna)
	if s := string(modal.JSON); !strings.Contains(s, "De vraag achter de vraag is rust.") || !strings.Contains(s, "Ik stel mezelf voor") {
		t.Fatalf("the draft did not survive closing the modal:\n%s", viewText(modal))
	}

	// Handing in: done, confirmed in the DM, homework marked done.
	w.bot.Submit(t, w.anna, "", map[string]map[string]string{
		"report/situatie/0": {"report_typed:situatie:0": "Moeder en zoon wonen samen."}})
	wk, _ = w.work(t, w.anna, "m2_verslag")
	if wk.HandedInAt == nil || wk.Sections["situatie"] != "Moeder en zoon wonen samen." || wk.Sections["vraag"] == "" {
		t.Fatalf("after Inleveren: %+v, want it handed in with every section typed", wk)
	}
	dm := w.fake.IMWith(w.anna)
	if got := seenAll(w.fake.Messages(dm)); !strings.Contains(got, "is ingeleverd") {
		t.Errorf("anna's DM after handing in:\n%s", got)
	}
	progress, err := w.db.UserProgress(ctx, w.cohortID, w.anna)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(progress, func(p store.Progress) bool {
		return p.Kind == store.ProgressHomework && p.Item == store.HomeworkItem(2)
	}) {
		t.Errorf("handing in did not mark module 2's homework done: %+v", progress)
	}

	// Editing after handing in: kept, still handed in; a long text gets a second field.
	w.bot.Command(t, w.anna, w.channel, handlers.CommandHuiswerk, "")
	long := strings.Repeat("Zij vertelt over haar werk en haar buren. ", 60) // 2460 characters
	w.typeIn(t, w.anna, "report/levensgebieden/0", "report_typed:levensgebieden:0", long)
	modal, _ = w.fake.TopModal(w.anna)
	inputs, _ = modalInputs(t, modal)
	if !slices.Contains(inputs, "report/levensgebieden/1") {
		t.Fatalf("a nearly full field got no second field: %v", inputs)
	}
	w.typeIn(t, w.anna, "report/levensgebieden/1", "report_typed:levensgebieden:1", "En over school.")
	wk, _ = w.work(t, w.anna, "m2_verslag")
	if wk.HandedInAt == nil || wk.Sections["levensgebieden"] != long+"En over school." {
		t.Fatalf("the edit after handing in: handed in %v, levensgebieden %d characters", wk.HandedInAt, len(wk.Sections["levensgebieden"]))
	}

	// Module 3 starts: read-only. Handing in is refused with the reason; typing saves nothing and turns the modal
	// read-only.
	w.bot.Clock.Set(meterModuleStart(3))
	readOnly := content.Fill(p.ReportReadOnly, content.Vars{"module": "3", "datum": "maandag 21 december om 09:00"})
	resp := w.bot.Submit(t, w.anna, "", nil)
	if resp.ResponseAction != "push" || !strings.Contains(string(resp.Payload), readOnly) {
		t.Errorf("handing in after module 3 started answered %q %s", resp.ResponseAction, resp.Payload)
	}
	if _, err := w.fake.CloseView(ctx, w.anna); err != nil { // the notice
		t.Fatal(err)
	}
	w.typeIn(t, w.anna, "report/doel/0", "report_typed:doel:0", "Te laat.")
	wk2, _ := w.work(t, w.anna, "m2_verslag")
	if wk2.Sections["doel"] != wk.Sections["doel"] || !wk2.UpdatedAt.Equal(wk.UpdatedAt) {
		t.Errorf("typing after module 3 started changed the work: %q", wk2.Sections["doel"])
	}
	modal, _ = w.fake.TopModal(w.anna)
	if inputs, submit := modalInputs(t, modal); len(inputs) > 0 || submit {
		t.Errorf("after module 3 started the modal still has %v inputs (submit %v)", inputs, submit)
	}
	if !strings.Contains(viewText(modal), readOnly) || !strings.Contains(viewText(modal), "Moeder en zoon wonen samen.") {
		t.Errorf("the read-only modal:\n%s", viewText(modal))
	}

	// The App Home lists it as handed in, with a button to read it.
	home := viewText(w.bot.OpenHome(t, w.anna))
	if !strings.Contains(home, firstLine(p.ReportHomeHeading)) || !strings.Contains(home, "ingeleverd op") {
		t.Errorf("anna's App Home does not show her handed-in work:\n%s", home)
	}
	w.bot.ClickHome(t, w.anna, handlers.ActionReportOpen, handlers.ReportOpenValue(w.cohortID, "m2_verslag"))
	modal, _ = w.fake.TopModal(w.anna)
	if inputs, _ := modalInputs(t, modal); len(inputs) > 0 || !strings.Contains(viewText(modal), "En over school.") {
		t.Errorf("the App Home's button did not open the work read-only:\n%s", viewText(modal))
	}
}

// TestWrittenWorkHandInEmpty keeps the modal open with the reason when nothing was written, and writes nothing
// handed in.
func TestWrittenWorkHandInEmpty(t *testing.T) {
	t.Parallel()
	w := newWorkWorld(t, meterModuleStart(2).Add(6*time.Hour))
	w.bot.Command(t, w.anna, w.channel, handlers.CommandHuiswerk, "")
	resp := w.bot.Submit(t, w.anna, "", nil)
	if resp.ResponseAction != "errors" || !strings.Contains(resp.Errors["report/doel/0"], "nog leeg") {
		t.Fatalf("an empty hand-in answered %q %v", resp.ResponseAction, resp.Errors)
	}
	if wk, _ := w.work(t, w.anna, "m2_verslag"); wk.HandedInAt != nil {
		t.Errorf("empty work was handed in")
	}
}

// TestWrittenWorkButtonAndTrainer: the homework message of module 2 has "Huiswerk schrijven"; the trainer's
// `/training huiswerk 2` says who handed in and sends each participant's work (one message each, long work split,
// not cut) and a file with all of it, to the trainer alone.
func TestWrittenWorkButtonAndTrainer(t *testing.T) {
	t.Parallel()
	w := newWorkWorld(t, meterModuleStart(2).Add(6*time.Hour))
	ctx := context.Background()
	c, err := w.db.CohortByID(ctx, w.cohortID)
	if err != nil {
		t.Fatal(err)
	}
	v, err := handlers.NewModuleView(w.course, c, 2)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := handlers.HomeworkMessage(v, w.anna, handlers.HomeworkState{})
	if err != nil {
		t.Fatal(err)
	}
	ch, ts, err := w.bot.Poster.Post(ctx, w.anna, msg.Text, msg.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	w.bot.Click(t, w.anna, ch, ts, handlers.ActionReportOpen, handlers.ReportOpenValue(w.cohortID, "m2_verslag"))
	if m, ok := w.fake.TopModal(w.anna); !ok || m.CallbackID != handlers.CallbackReport {
		t.Fatalf("the homework message's button opened no report modal")
	}
	long := strings.Repeat("Een lange zin over de situatie van het gezin. ", 300) // 13,800 characters: several fields
	values := map[string]map[string]string{"report/doel/0": {"report_typed:doel:0": "Mijn doel."}}
	w.bot.Submit(t, w.anna, "", values)
	if _, err := w.db.SaveWrittenWork(ctx, store.WorkEdit{CohortID: w.cohortID, UserID: w.anna, TaskID: "m2_verslag",
		Module: 2, Sections: store.Sections{"situatie": long}}); err != nil {
		t.Fatal(err)
	}

	resp := w.bot.Command(t, w.tess, w.channel, handlers.CommandTraining, "huiswerk 2")
	got := ackSeen(t, resp)
	for _, want := range []string{"Ingeleverd: 1 van 2", "<@" + w.anna + ">", "Nog niet ingeleverd: <@" + w.bram + ">"} {
		if !strings.Contains(got, want) {
			t.Errorf("/training huiswerk 2 answered without %q:\n%s", want, got)
		}
	}
	dm := seenAll(w.fake.Messages(w.fake.IMWith(w.tess)))
	if !strings.Contains(dm, "Mijn doel.") || !strings.Contains(dm, "vervolg (2 van") {
		t.Errorf("the trainer's DM does not hold anna's work, split:\n%.2000s", dm)
	}
	if n := strings.Count(dm, "Een lange zin over de situatie van het gezin."); n != 300 {
		t.Errorf("the trainer's DM shows the long section's sentence %d times, want 300 (split, never cut)", n)
	}
	var file []byte
	for _, f := range w.fake.Files() {
		if slices.Contains(f.Channels, w.fake.IMWith(w.tess)) {
			file = w.fake.FileBytes(f.ID)
		}
	}
	if !strings.Contains(string(file), "Anna de Vries") || strings.Count(string(file), "Een lange zin") != 300 {
		t.Errorf("the trainer's file: %.500s", file)
	}
	for _, u := range []string{w.anna, w.bram} {
		if strings.Contains(seenAll(w.fake.Messages(w.fake.IMWith(u))), "Mijn doel.") && u == w.bram {
			t.Errorf("bram's DM shows anna's work")
		}
	}

	// A participant cannot read it: the trainer command refuses them and writes nothing.
	got = ackSeen(t, w.bot.Command(t, w.bram, w.channel, handlers.CommandTraining, "huiswerk 2"))
	if strings.Contains(got, "Mijn doel.") || !strings.Contains(got, "alleen een trainer") {
		t.Errorf("bram's /training huiswerk 2: %s", got)
	}
	if got := ackSeen(t, w.bot.Command(t, w.tess, w.channel, handlers.CommandTraining, "huiswerk 1")); !strings.Contains(got, "Schrijfhuiswerk is er bij module 2 en 3") {
		t.Errorf("/training huiswerk 1: %s", got)
	}
}

// TestReportFieldParts: a section's text split over fields joins back to the same text; and the fields a
// participant fills join without running two words into one.
func TestReportFieldParts(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("woord ", 1200) + "einde"
	parts := handlers.FieldParts(text, 3000)
	if len(parts) != 3 || strings.Join(parts, "") != text {
		t.Fatalf("%d parts, joined equal %v", len(parts), strings.Join(parts, "") == text)
	}
	if got := handlers.JoinParts(parts); got != text {
		t.Errorf("JoinParts(FieldParts(text)) differs")
	}
	if got := handlers.JoinParts([]string{"eerste", "", "tweede"}); got != "eerste\ntweede" {
		t.Errorf("JoinParts = %q", got)
	}
}

// TestWrittenWorkClosedKeepsDraft: closing the modal (view_closed, notify_on_close) saves what it holds, also the
// last words typed that Slack had not sent yet; after the next module started, a close writes nothing.
func TestWrittenWorkClosedKeepsDraft(t *testing.T) {
	t.Parallel()
	w := newWorkWorld(t, meterModuleStart(2).Add(6*time.Hour))
	ctx := context.Background()
	closeWith := func(text string) {
		t.Helper()
		cb := slack.InteractionCallback{Type: slack.InteractionTypeViewClosed, User: slack.User{ID: w.anna},
			View: slack.View{CallbackID: handlers.CallbackReport, PrivateMetadata: handlers.ReportOpenValue(w.cohortID, "m2_verslag"),
				State: &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
					"report/vraag/0": {"report_typed:vraag:0": {Value: text}}}}}}
		if ack := w.bot.Registry.HandleInteraction(ctx, cb); !ack.Known {
			t.Fatal("view_closed of the report modal was not handled")
		}
	}
	closeWith("Rust in huis.")
	if wk, ok := w.work(t, w.anna, "m2_verslag"); !ok || wk.Sections["vraag"] != "Rust in huis." || wk.HandedInAt != nil {
		t.Fatalf("after closing: %+v (found %v), want the draft", wk, ok)
	}
	w.bot.Clock.Set(meterModuleStart(3))
	closeWith("Te laat.")
	if wk, _ := w.work(t, w.anna, "m2_verslag"); wk.Sections["vraag"] != "Rust in huis." {
		t.Errorf("a close after module 3 started changed the work: %q", wk.Sections["vraag"])
	}
}
