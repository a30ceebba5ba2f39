package handlers_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
)

// TestErasedMessageListsOwnWork checks that the closing message of an erasure names the participants' own work it
// removed: homework, feedback, evaluation and follow-up answer.
func TestErasedMessageListsOwnWork(t *testing.T) {
	t.Parallel()
	c, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	p := c.Phrases
	msg := handlers.ErasedMessage(p, store.ErasedCounts{"written_work": 1, "feedback": 2, "evaluations": 1, "followup_answers": 1})
	raw, err := json.Marshal(msg.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	all.WriteString(msg.Text)
	all.Write(raw)
	for _, want := range []string{p.PrivacyErasedWork, p.PrivacyErasedFeedback, p.PrivacyErasedEvaluation, p.PrivacyErasedFollowUp} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("the erasure message does not say %q:\n%s", want, all.String())
		}
	}
}

// TestForgetErasesCopiesInOthersConversations: Anna's handed-in report sits in the trainer's DM (a message and the
// file with everyone's), the feedback she gave sits in Bram's DM, and the board with her notes in the channel.
// After her vergeet-mij none of her text is in any conversation or file of the workspace; Bram's work, Cor's
// feedback and Bram's notes on the board remain.
//
// In "Resumed" Slack refuses the first deletion: the erasure stops after the database stage, and the copies it read
// before Anna's rows went are deleted when the request is taken up again (its lease ran out).
func TestForgetErasesCopiesInOthersConversations(t *testing.T) {
	t.Parallel()
	for _, resumed := range []bool{false, true} {
		name := map[bool]string{false: "AtOnce", true: "Resumed"}[resumed]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testForgetCopies(t, resumed)
		})
	}
}

func testForgetCopies(t *testing.T, resumed bool) {
	w := newWorkWorld(t, meterModuleStart(2).Add(time.Hour))
	ctx := context.Background()
	cor := w.fake.AddUser(slackfake.User{Name: "cor", RealName: "Cor Dijk"})
	if err := w.fake.Join(w.channel, cor); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.RecordJoin(ctx, w.cohortID, cor, nil); err != nil {
		t.Fatal(err)
	}
	const (
		annaWork, bramWork   = "Annawerk-zeldzaam", "Bramwerk-zeldzaam"
		annaNote, bramNote   = "Annabloem-zeldzaam", "Brambloem-zeldzaam"
		annaFB, corFB        = "Annafeedback-zeldzaam", "Corfeedback-zeldzaam"
		annaMention          = "<@"
		workTask, workModule = "m2_verslag", 2
	)
	yes := true
	for _, u := range []struct{ id, work, note string }{{w.anna, annaWork, annaNote}, {w.bram, bramWork, bramNote}} {
		if _, err := w.db.SaveWrittenWork(ctx, store.WorkEdit{CohortID: w.cohortID, UserID: u.id, TaskID: workTask,
			Module: workModule, Sections: store.Sections{"doel": u.work}, HandIn: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.SaveEvaluation(ctx, store.EvaluationEdit{CohortID: w.cohortID, UserID: u.id,
			Notes: store.EvaluationNotes{"bloem": {u.note}}, OnBoard: &yes}); err != nil {
			t.Fatal(err)
		}
	}
	// Anna and Cor give Bram feedback; Bram reads it.
	for _, g := range []struct{ id, comment string }{{w.anna, annaFB}, {cor, corFB}} {
		w.bot.Command(t, g.id, w.channel, handlers.CommandFeedback, "<@"+w.bram+">")
		w.bot.Submit(t, g.id, "", map[string]map[string]string{
			"fb/doel/score":   {"feedback_score:doel": "3"},
			"fb/doel/comment": {"feedback_comment:doel": g.comment},
		})
	}
	bramDM := w.fake.IMWith(w.bram)
	w.bot.Click(t, w.bram, bramDM, w.lastDM(t, w.bram).TS, handlers.ActionFeedbackRead, "")
	// The trainer reads the reports and posts the board.
	w.bot.Command(t, w.tess, w.channel, handlers.CommandTraining, handlers.TrainingHuiswerk+" 2")
	w.bot.Command(t, w.tess, w.channel, handlers.CommandEvaluatie, "bord")

	// everywhere is all the text of every conversation and file of the workspace.
	everywhere := func() string {
		var b strings.Builder
		for _, c := range w.fake.Conversations() {
			for _, m := range w.fake.Messages(c.ID) {
				b.WriteString(seen(m))
				b.WriteString("\n")
			}
		}
		for _, f := range w.fake.Files() {
			b.WriteString(f.Name + " " + f.Title + "\n")
			b.Write(w.fake.FileBytes(f.ID))
			b.WriteString("\n")
		}
		return b.String()
	}
	before := everywhere()
	for _, want := range []string{annaWork, bramWork, annaNote, bramNote, annaFB, corFB} {
		if !strings.Contains(before, want) {
			t.Fatalf("before the erasure %q is nowhere in the workspace; the test needs it", want)
		}
	}
	if strings.Count(before, annaWork) < 2 {
		t.Fatalf("Anna's report is not both in a message and in the file:\n%s", before)
	}

	w.bot.Command(t, w.anna, w.channel, handlers.CommandGesprekbot, handlers.SubcommandVergeetMij)
	eph := w.fake.Ephemerals(w.anna)
	if len(eph) == 0 {
		t.Fatal("no confirmation question")
	}
	q := eph[len(eph)-1]
	if resumed {
		w.fake.FailNextError("files.delete", 1, "restricted_action")
	}
	w.bot.Click(t, w.anna, q.Conversation, q.TS, handlers.ActionPrivacyErase, "")
	if resumed {
		if running, err := w.db.ErasureRunning(ctx, w.anna); err != nil || !running {
			t.Fatalf("the erasure finished although Slack refused to delete the file (%v)", err)
		}
		if !strings.Contains(everywhere(), annaWork) {
			t.Fatal("Anna's report is gone although Slack refused to delete the file; the test does not test the resumption")
		}
		if _, err := w.db.ExecContext(ctx, `UPDATE erasure_requests SET lease_until = $1`, w.bot.Clock.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n, err := w.bot.App.Privacy.ResumeErasures(ctx); err != nil || n != 1 {
			t.Fatalf("resumed %d erasures, want Anna's (%v)", n, err)
		}
		w.bot.Wait(t)
	}

	after := everywhere()
	for _, gone := range []string{annaWork, annaNote, annaFB} {
		if strings.Contains(after, gone) {
			t.Errorf("after Anna's erasure %q is still in the workspace:\n%s", gone, after)
		}
	}
	if strings.Contains(after, annaMention+w.anna) {
		t.Errorf("after Anna's erasure a message still names her:\n%s", after)
	}
	if last := seen(w.lastDM(t, w.anna)); !strings.Contains(last, w.course.Phrases.PrivacyErasedCopies) {
		t.Errorf("Anna's closing message does not say the copies of her work were erased:\n%s", last)
	}
	// Bram's report stays in the trainer's DM, the board stays in the channel with Bram's notes, and Cor's feedback
	// stays for Bram, who reads it again without Anna's.
	if msgs := seenAll(w.fake.Messages(w.fake.IMWith(w.tess))); !strings.Contains(msgs, bramWork) {
		t.Errorf("Bram's report left the trainer's DM:\n%s", msgs)
	}
	if board := seenAll(w.fake.Messages(w.channel)); !strings.Contains(board, bramNote) || !strings.Contains(board, w.course.Evaluation.Title) {
		t.Errorf("the board in the channel lost Bram's notes:\n%s", board)
	}
	w.bot.Click(t, w.bram, bramDM, w.lastDM(t, w.bram).TS, handlers.ActionFeedbackRead, "")
	if read := seen(w.lastDM(t, w.bram)); !strings.Contains(read, corFB) || strings.Contains(read, annaFB) {
		t.Errorf("Bram's feedback read again after Anna's erasure:\n%s", read)
	}
}
