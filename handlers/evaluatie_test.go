package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
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
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// evalWorld is the bot on the fake with a planned training whose module 4 is on Monday 28 December 2026: trainer
// Tess and four participants in its channel.
type evalWorld struct {
	bot     *bottest.World
	fake    *slackfake.Server
	db      *store.DB
	course  *content.Course
	cohort  *content.Cohort
	channel string
	trainer string
	users   []string // anna, bram, cor, dina
}

func newEvalWorld(t *testing.T) *evalWorld {
	t.Helper()
	course, db, b := newBot(t, time.Date(2026, 12, 27, 12, 0, 0, 0, meterTZ), func(o *bottest.Options) { o.FakeOnClock = true })
	w := &evalWorld{bot: b, fake: b.Fake, db: db, course: course}
	w.trainer = w.fake.AddUser(slackfake.User{Name: "tess", RealName: "Tess Trainer"})
	members := []string{w.trainer, w.fake.BotUserID()}
	for _, n := range []string{"anna", "bram", "cor", "dina"} {
		u := w.fake.AddUser(slackfake.User{Name: n, RealName: n})
		w.users = append(w.users, u)
		members = append(members, u)
	}
	w.channel = w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-evaluatie", Members: members})
	c := &content.Cohort{Name: "Evaluatie najaar 2026", Channel: w.channel, Timezone: content.DefaultTimezone,
		Trainers: []string{w.trainer}, Cases: []string{"richard", "johan"}, Settings: content.DefaultCohortSettings()}
	for n := 1; n <= 4; n++ {
		start := meterModuleStart(n)
		c.Modules = append(c.Modules, content.CohortModule{Number: n, Start: start, End: start.Add(4 * time.Hour), Location: "Stadhuis"})
	}
	ctx := context.Background()
	if _, err := db.ApplyCohort(ctx, c, func(saved *content.Cohort) ([]content.Delivery, error) {
		cal, err := scheduler.NewCalendar(saved)
		if err != nil {
			return nil, err
		}
		return scheduler.Plan(saved, course.Rules, cal)
	}); err != nil {
		t.Fatal(err)
	}
	for _, u := range w.users {
		if _, err := db.RecordJoin(ctx, c.ID, u, nil); err != nil {
			t.Fatal(err)
		}
	}
	w.cohort = c
	return w
}

// at moves the clock to t and lets the dispatcher send what is due.
func (w *evalWorld) at(t *testing.T, when time.Time) {
	t.Helper()
	w.bot.Clock.Set(when)
	w.bot.Tick(t)
}

// dmWith returns the messages in user's DM with the bot that carry the action id.
func (w *evalWorld) dmWith(user, actionID string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range w.fake.Messages(w.fake.IMWith(user)) {
		if strings.Contains(string(m.Blocks), `"action_id":"`+actionID) {
			out = append(out, m)
		}
	}
	return out
}

// lastDM is everything the last message in user's DM shows.
func (w *evalWorld) lastDM(t *testing.T, user string) string {
	t.Helper()
	ms := w.fake.Messages(w.fake.IMWith(user))
	if len(ms) == 0 {
		t.Fatalf("%s has no DM", user)
	}
	return seen(ms[len(ms)-1])
}

// lastEphemeral is what user was last shown privately.
func (w *evalWorld) lastEphemeral(t *testing.T, user string) string {
	t.Helper()
	eph := w.fake.Ephemerals(user)
	if len(eph) == 0 {
		t.Fatalf("%s was shown nothing privately", user)
	}
	return seen(eph[len(eph)-1])
}

// fill submits user's open evaluation modal with notes per place and the board choice.
func (w *evalWorld) fill(t *testing.T, user string, notes map[string]string, board bool) {
	t.Helper()
	modal, ok := w.fake.TopModal(user)
	if !ok || modal.CallbackID != handlers.CallbackEvaluation {
		t.Fatalf("no evaluation modal open for %s: %+v", user, modal)
	}
	values := map[string]map[string]string{}
	for place, text := range notes {
		values["evaluation_"+place] = map[string]string{"notes": text}
	}
	if board {
		values["evaluation_board"] = map[string]string{"on_board": "on_board"}
	}
	if r := w.bot.Submit(t, user, "", values); r.ResponseAction != "" {
		t.Fatalf("submit: %s %v", r.ResponseAction, r.Errors)
	}
}

// TestEvaluationAndFollowUp walks the closing evaluation and the follow-up as a group would: the message at the
// start of module 4, every participant filling in the modal (by its button and by /evaluatie), the trainer posting
// the board with only the notes of those who chose it, the bloem and zaad to take home when the module ends, and
// six weeks later the follow-up, whose answers reach the trainer as counts only.
func TestEvaluationAndFollowUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newEvalWorld(t)
	anna, bram, cor, dina := w.users[0], w.users[1], w.users[2], w.users[3]
	p := w.course.Phrases
	if _, err := w.db.SaveDevelopmentPlan(ctx, store.DevelopmentPlan{CohortID: w.cohort.ID, UserID: anna,
		Ontwikkelpunten: "Samenvatten voor ik verder vraag"}); err != nil {
		t.Fatal(err)
	}

	// The start of module 4: each participant gets the evaluation in their DM, with the manual's four places.
	w.at(t, meterModuleStart(4))
	for _, u := range w.users {
		ms := w.dmWith(u, handlers.ActionEvaluationOpen)
		if len(ms) != 1 {
			t.Fatalf("%s got %d evaluation messages at the start of module 4, want 1", u, len(ms))
		}
		for _, it := range w.course.Evaluation.Items {
			if !strings.Contains(seen(ms[0]), it.Title) {
				t.Errorf("the evaluation message lacks %s", it.Title)
			}
		}
	}
	if ms := w.dmWith(w.trainer, handlers.ActionEvaluationOpen); len(ms) != 0 {
		t.Errorf("the trainer got the participants' evaluation message")
	}

	// Anna opens it with the button, and chooses the board; one line is one note, blank lines are dropped.
	msg := w.dmWith(anna, handlers.ActionEvaluationOpen)[0]
	w.bot.Click(t, anna, msg.Conversation, msg.TS, handlers.ActionEvaluationOpen, "")
	w.fill(t, anna, map[string]string{"bloem": "Goed luisteren\n\n  Doorvragen <b>echt</b>  ", "zaad": "Het netwerk betrekken",
		"prullenmand": "Te snel oplossen"}, true)
	ev, err := w.db.EvaluationOf(ctx, w.cohort.ID, anna)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ev.Notes["bloem"], []string{"Goed luisteren", "Doorvragen <b>echt</b>"}) || !ev.OnBoard || len(ev.Notes["vriezer"]) != 0 {
		t.Errorf("anna's evaluation as stored: %+v", ev)
	}
	if got := w.lastDM(t, anna); !strings.Contains(got, p.EvaluationSaved) {
		t.Errorf("anna was not told it is saved; her DM shows %q", got)
	}

	// She opens it again with /evaluatie in the channel: what she wrote is there, and she adds a vriezer note.
	w.bot.Command(t, anna, w.channel, handlers.CommandEvaluatie, "")
	modal, ok := w.fake.TopModal(anna)
	if !ok || !strings.Contains(string(modal.Blocks), `Goed luisteren\nDoorvragen \u003cb\u003eecht\u003c/b\u003e`) {
		t.Fatalf("the modal does not show what anna wrote: %s", modal.Blocks)
	}
	w.fill(t, anna, map[string]string{"bloem": "Goed luisteren\nDoorvragen <b>echt</b>", "zaad": "Het netwerk betrekken",
		"prullenmand": "Te snel oplossen", "vriezer": "Alles zelf doen"}, true)

	// The others by /evaluatie in their DM; Bram keeps his notes to himself.
	for _, f := range []struct {
		user  string
		notes map[string]string
		board bool
	}{
		{bram, map[string]string{"bloem": "Bram zijn bloem", "zaad": "Bram zijn zaad"}, false},
		{cor, map[string]string{"bloem": "Rust uitstralen", "zaad": "Intervisie"}, true},
		{dina, map[string]string{"zaad": "Vaker de wijk in"}, true},
	} {
		w.bot.Command(t, f.user, w.fake.IMWith(f.user), handlers.CommandEvaluatie, "")
		w.fill(t, f.user, f.notes, f.board)
	}

	// A participant cannot post the board.
	before := len(w.fake.Messages(w.channel))
	if got := ackSeen(t, w.bot.Command(t, cor, w.channel, handlers.CommandEvaluatie, "bord")); !strings.Contains(got, p.EvaluationBoardTrainerOnly) {
		t.Errorf("a participant's /evaluatie bord answered %q", got)
	}
	if len(w.fake.Messages(w.channel)) != before {
		t.Fatal("a participant posted the board")
	}

	// The trainer sees how far the group is, counts only.
	status := ackSeen(t, w.bot.Command(t, w.trainer, w.channel, handlers.CommandEvaluatie, ""))
	if !strings.Contains(status, "Geeltjes geschreven: 4 van 4 deelnemers. Op het bord: 3.") || !strings.Contains(status, p.FollowUpTrainerNotSent) {
		t.Errorf("the trainer's /evaluatie shows %q", status)
	}
	if strings.Contains(status, "Goed luisteren") || strings.Contains(status, "Bram zijn") {
		t.Errorf("the trainer's /evaluatie shows someone's notes: %q", status)
	}

	// The trainer posts the board: anna's, cor's and dina's notes with their names, not bram's.
	w.bot.Command(t, w.trainer, w.channel, handlers.CommandEvaluatie, "bord")
	board := seenAll(w.fake.Messages(w.channel)[before:])
	for _, want := range []string{w.course.Evaluation.Title, "*<@" + anna + ">*", "• Goed luisteren", "• Doorvragen &lt;b&gt;echt&lt;/b&gt;",
		"• Alles zelf doen", "*<@" + cor + ">*", "• Intervisie", "*<@" + dina + ">*", "• Vaker de wijk in"} {
		if !strings.Contains(board, want) {
			t.Errorf("the board lacks %q:\n%s", want, board)
		}
	}
	if strings.Contains(board, "Bram zijn") || strings.Contains(board, bram) {
		t.Errorf("the board shows bram, who kept his notes to himself:\n%s", board)
	}
	if got := w.lastEphemeral(t, w.trainer); !strings.Contains(got, "Deelnemers op het bord: 3.") {
		t.Errorf("the trainer was not told the board is posted: %q", got)
	}

	// When module 4 ends each one takes the bloem and the zaad home, next to their ontwikkelpunten.
	w.at(t, meterModuleStart(4).Add(4*time.Hour))
	home := w.lastDM(t, anna)
	for _, want := range []string{"Je bloem en je zaad", "• Goed luisteren", "• Het netwerk betrekken",
		"Je ontwikkelpunten uit de competentiemeter", "Samenvatten voor ik verder vraag"} {
		if !strings.Contains(home, want) {
			t.Errorf("anna's take-home message lacks %q:\n%s", want, home)
		}
	}
	if strings.Contains(home, "Te snel oplossen") {
		t.Errorf("the take-home message shows the prullenmand too:\n%s", home)
	}
	if got := w.lastDM(t, bram); !strings.Contains(got, "• Bram zijn zaad") || !strings.Contains(got, p.EvaluationNoOntwikkelpunten) {
		t.Errorf("bram's take-home message:\n%s", got)
	}

	// Six weeks later (Monday 8 February 2027, 10:00) the follow-up brings the zaad back.
	w.at(t, time.Date(2027, 2, 8, 10, 0, 0, 0, meterTZ))
	for _, u := range w.users {
		if len(w.dmWith(u, handlers.ActionFollowUpAnswer)) != 1 {
			t.Fatalf("%s got no follow-up", u)
		}
	}
	follow := seen(w.dmWith(anna, handlers.ActionFollowUpAnswer)[0])
	for _, want := range []string{"Hoe staat het ermee?", "• Het netwerk betrekken", "Samenvatten voor ik verder vraag", "Gelukt", "Ermee bezig", "Nog niet"} {
		if !strings.Contains(follow, want) {
			t.Errorf("anna's follow-up lacks %q:\n%s", want, follow)
		}
	}

	answer := func(user, a string) {
		t.Helper()
		m := w.dmWith(user, handlers.ActionFollowUpAnswer)[0]
		id := w.cohort.ID
		w.bot.Click(t, user, m.Conversation, m.TS, handlers.ActionFollowUpAnswer+":"+a, strconv.FormatInt(id, 10)+"/"+a)
	}
	// A note before any answer: she is asked to choose first, and nothing is stored.
	m := w.dmWith(dina, handlers.ActionFollowUpNote)[0]
	w.bot.Click(t, dina, m.Conversation, m.TS, handlers.ActionFollowUpNote, "")
	if got := w.lastEphemeral(t, dina); !strings.Contains(got, p.FollowUpNoteFirst) {
		t.Errorf("dina's note before an answer: %q", got)
	}
	if _, open := w.fake.TopModal(dina); open {
		t.Error("the note modal opened before an answer")
	}

	answer(anna, content.FollowUpGelukt)
	answer(anna, content.FollowUpGelukt) // twice: nothing changes
	if got := w.lastEphemeral(t, anna); !strings.Contains(got, "Genoteerd: Gelukt") {
		t.Errorf("anna's answer was confirmed as %q", got)
	}
	answer(bram, content.FollowUpBezig)

	// Two answers: too few to count without giving them away.
	status = ackSeen(t, w.bot.Command(t, w.trainer, w.channel, handlers.CommandEvaluatie, ""))
	if !strings.Contains(status, content.Fill(p.FollowUpTrainerWithheld, content.Vars{"minimum": "3"})) {
		t.Errorf("with two answers the trainer sees %q", status)
	}

	answer(cor, content.FollowUpNogNiet)
	status = ackSeen(t, w.bot.Command(t, w.trainer, w.channel, handlers.CommandEvaluatie, ""))
	if !strings.Contains(status, "Gelukt: 1 · Ermee bezig: 1 · Nog niet: 1\n3 van 4 deelnemers") {
		t.Errorf("with three answers the trainer sees %q", status)
	}

	// Anna adds a note: only hers, never the trainer's.
	m = w.dmWith(anna, handlers.ActionFollowUpNote)[0]
	w.bot.Click(t, anna, m.Conversation, m.TS, handlers.ActionFollowUpNote, "")
	if modal, ok := w.fake.TopModal(anna); !ok || modal.CallbackID != handlers.CallbackFollowUpNote {
		t.Fatalf("no note modal for anna: %+v", modal)
	}
	w.bot.Submit(t, anna, "", map[string]map[string]string{"followup_note": {"note": "Met mijn teamleider besproken"}})
	a, err := w.db.FollowUpOf(ctx, w.cohort.ID, anna)
	if err != nil || a.Answer != content.FollowUpGelukt || a.Note != "Met mijn teamleider besproken" || a.Version != 1 {
		t.Errorf("anna's follow-up as stored: %+v, %v", a, err)
	}
	if got := w.lastDM(t, anna); !strings.Contains(got, p.FollowUpNoteSaved) {
		t.Errorf("anna was not told her note is saved: %q", got)
	}
	status = ackSeen(t, w.bot.Command(t, w.trainer, w.channel, handlers.CommandEvaluatie, ""))
	if strings.Contains(status, "teamleider") || strings.Contains(status, anna) {
		t.Errorf("the trainer sees a person's answer: %q", status)
	}
}

// TestRenderEvaluationGolden renders the evaluation's planned messages and the follow-up for a participant with
// notes (one with markup, which must reach Slack escaped) and ontwikkelpunten, and the take-home message for one
// without a bloem or zaad, which is skipped.
func TestRenderEvaluationGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := fixedCohort("johanna")
	db, d := seededRenderer(t, c)
	if _, err := db.SaveEvaluation(ctx, store.EvaluationEdit{CohortID: c.ID, UserID: "U0ANNA", Notes: store.EvaluationNotes{
		"bloem": {"Goed luisteren", "Doorvragen <zonder> oordeel & geduld"}, "zaad": {"Het netwerk eerder betrekken"},
		"prullenmand": {"Te snel oplossen"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveDevelopmentPlan(ctx, store.DevelopmentPlan{CohortID: c.ID, UserID: "U0ANNA",
		Ontwikkelpunten: "Samenvatten voor ik verder vraag\nVaker stiltes laten vallen"}); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{content.KindEvaluation, content.KindEvaluationTakeHome, content.KindFollowUp} {
		t.Run(kind, func(t *testing.T) {
			text, blocks, err := d.Render(ctx, c, plannedDelivery(c, kind, 4), "U0ANNA")
			if err != nil {
				t.Fatal(err)
			}
			checkBlockKit(t, blocks)
			golden(t, "delivery_"+kind+".json", rendered{Text: text, Blocks: blocks})
		})
	}
	t.Run("TakeHomeWithoutNotes", func(t *testing.T) {
		if _, _, err := d.Render(ctx, c, plannedDelivery(c, content.KindEvaluationTakeHome, 4), "U0BRAM"); !errors.Is(err, scheduler.ErrSkip) {
			t.Errorf("take-home for someone without a bloem or zaad: %v, want ErrSkip", err)
		}
	})
	t.Run("FollowUpWithoutNotes", func(t *testing.T) {
		_, blocks, err := d.Render(ctx, c, plannedDelivery(c, content.KindFollowUp, 4), "U0BRAM")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(blocks)
		if strings.Count(string(raw), "Je schreef hier niets op.") != 2 {
			t.Errorf("a follow-up with nothing written says so for the zaad and the ontwikkelpunten: %s", raw)
		}
	})
}

// TestEvaluationModalGolden is the evaluation modal with notes saved before and the board chosen, and the
// follow-up's note modal.
func TestEvaluationModalGolden(t *testing.T) {
	t.Parallel()
	course := defaultCourse(t)
	modal := handlers.EvaluationModal(course, 7, store.Evaluation{Notes: store.EvaluationNotes{"bloem": {"Goed luisteren", "Doorvragen"}}, OnBoard: true})
	checkModal(t, modal)
	golden(t, "evaluation_modal.json", modal)
	note := handlers.FollowUpNoteModal(course.Phrases, 7, "Besproken met mijn teamleider")
	checkModal(t, note)
	golden(t, "followup_note_modal.json", note)
}

// checkModal fails when Slack would refuse the modal.
func checkModal(t *testing.T, v slack.ModalViewRequest) {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if errs := slackfake.ValidateView(raw); len(errs) > 0 {
		t.Errorf("Slack would refuse the modal: %v", errs)
	}
}

// TestEvaluationForgedCohort clicks the evaluation's and the follow-up's buttons, and submits their modals, with a
// cohort the participant is not in (another group's, or none): each gets the stranger's refusal and nothing is
// written. With her own cohort the same requests are stored, so the refusals are the gate's.
func TestEvaluationForgedCohort(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newGateWorld(t)
	anna := w.users[gParticipant]
	bram := w.fake.AddUser(slackfake.User{Name: "bram"})
	other := w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-elders", Members: []string{w.fake.BotUserID(), bram}})
	otherID := saveDecemberCohort(t, w.db, "Elders najaar 2026", other, w.users[gTrainerByID], []string{"richard", "johan"}, bram)
	stranger := firstSentence(w.course.Phrases.GateStranger)

	post := func(cohortID int64) (string, string) {
		t.Helper()
		msg, err := handlers.FollowUpMessage(w.course, &content.Cohort{ID: cohortID, Name: "x"}, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		blocks := append(msg.Blocks, handlers.EvaluationSavedMessage(w.course.Phrases, cohortID).Blocks...)
		ch, ts, err := w.bot.Poster.Post(ctx, anna, "knoppen", blocks)
		if err != nil {
			t.Fatal(err)
		}
		return ch, ts
	}
	submission := func(callbackID string, cohortID int64) slack.InteractionCallback {
		var cb slack.InteractionCallback
		cb.Type, cb.User.ID = slack.InteractionTypeViewSubmission, anna
		cb.View.CallbackID, cb.View.PrivateMetadata = callbackID, strconv.FormatInt(cohortID, 10)
		cb.View.State = &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
			"evaluation_bloem": {"notes": {Value: "Goed luisteren"}},
			"followup_note":    {"note": {Value: "Mijn notitie"}},
		}}
		return cb
	}
	for _, forged := range []struct {
		name string
		id   int64
	}{{"OtherCohort", otherID}, {"NoCohort", 999999}} {
		dm, ts := post(forged.id)
		id := strconv.FormatInt(forged.id, 10)
		for _, c := range []struct{ action, value string }{
			{handlers.ActionEvaluationOpen, id},
			{handlers.ActionFollowUpAnswer + ":" + content.FollowUpGelukt, id + "/" + content.FollowUpGelukt},
			{handlers.ActionFollowUpNote, id},
		} {
			t.Run(forged.name+"/"+c.action, func(t *testing.T) {
				before := w.digest(t)
				w.bot.Click(t, anna, dm, ts, c.action, c.value)
				if got := w.lastEphemeral(t, anna); !strings.Contains(got, stranger) {
					t.Errorf("anna was told %q, want the stranger's refusal", got)
				}
				if _, open := w.fake.TopModal(anna); open {
					t.Errorf("a modal was opened")
				}
				if w.digest(t) != before {
					t.Errorf("a forged click wrote to the database")
				}
			})
		}
		for _, cb := range []string{handlers.CallbackEvaluation, handlers.CallbackFollowUpNote} {
			t.Run(forged.name+"/"+cb, func(t *testing.T) {
				before := w.digest(t)
				ack := w.bot.Registry.HandleInteraction(ctx, submission(cb, forged.id))
				raw, _ := json.Marshal(ack.Payload)
				if !strings.Contains(string(raw), stranger) {
					t.Errorf("submission answered %s, want the stranger's refusal", raw)
				}
				if w.digest(t) != before {
					t.Errorf("a forged submission wrote to the database")
				}
			})
		}
	}

	// Her own cohort: the same requests are stored.
	dm, ts := post(w.cohort.ID)
	id := strconv.FormatInt(w.cohort.ID, 10)
	w.bot.Click(t, anna, dm, ts, handlers.ActionFollowUpAnswer+":"+content.FollowUpGelukt, id+"/"+content.FollowUpGelukt)
	w.bot.Registry.HandleInteraction(ctx, submission(handlers.CallbackEvaluation, w.cohort.ID))
	w.bot.Registry.HandleInteraction(ctx, submission(handlers.CallbackFollowUpNote, w.cohort.ID))
	w.bot.Wait(t)
	if ev, err := w.db.EvaluationOf(ctx, w.cohort.ID, anna); err != nil || !slices.Equal(ev.Notes["bloem"], []string{"Goed luisteren"}) {
		t.Errorf("her own evaluation: %+v, %v", ev, err)
	}
	if a, err := w.db.FollowUpOf(ctx, w.cohort.ID, anna); err != nil || a.Answer != content.FollowUpGelukt || a.Note != "Mijn notitie" {
		t.Errorf("her own follow-up: %+v, %v", a, err)
	}
}
