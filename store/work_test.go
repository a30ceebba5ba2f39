package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// workCohort saves testCohort (modules on 7, 14, 21 and 28 December 2026, 09:00) with the given participants, and
// sets the clock to now.
func workCohort(t *testing.T, db *store.DB, now *time.Time, participants ...string) int64 {
	t.Helper()
	ctx := context.Background()
	db.Now = func() time.Time { return *now }
	c := testCohort("Werk", "C0WERK")
	id, err := db.SaveCohort(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range participants {
		if _, err := db.RecordJoin(ctx, id, u, nil); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func TestWrittenWork(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	now := time.Date(2026, 12, 15, 10, 0, 0, 0, amsterdam) // after module 2, before module 3 (21 December 09:00)
	id := workCohort(t, db, &now, "U0ANNA", "U0BRAM")
	edit := func(user string, s store.Sections, handIn bool) store.WorkEdit {
		return store.WorkEdit{CohortID: id, UserID: user, TaskID: "m2_verslag", Module: 2, Sections: s, HandIn: handIn}
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.GetContext(ctx, &n, q, args...); err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("DraftUpsertTwiceIsOneRow", func(t *testing.T) {
		for range 2 {
			w, err := db.SaveWrittenWork(ctx, edit("U0ANNA", store.Sections{"doel": "Kennismaken"}, false))
			if err != nil {
				t.Fatal(err)
			}
			if w.HandedInAt != nil || w.Sections["doel"] != "Kennismaken" {
				t.Errorf("draft = %+v", w)
			}
		}
		if n := count(`SELECT count(*) FROM written_work WHERE user_id = 'U0ANNA'`); n != 1 {
			t.Errorf("%d rows after saving twice, want 1", n)
		}
	})
	t.Run("SectionsMergeAndLongTextsStayWhole", func(t *testing.T) {
		long := strings.Repeat("Richard vertelt over zijn dagbesteding. ", 2000) // 80,000 characters
		w, err := db.SaveWrittenWork(ctx, edit("U0ANNA", store.Sections{"situatie": long}, false))
		if err != nil {
			t.Fatal(err)
		}
		if w.Sections["doel"] != "Kennismaken" || w.Sections["situatie"] != long {
			t.Errorf("sections after a second field: doel %q, situatie %d characters; want the first kept and all %d of the second",
				w.Sections["doel"], len(w.Sections["situatie"]), len(long))
		}
	})
	t.Run("EmptyHandInRefused", func(t *testing.T) {
		_, err := db.SaveWrittenWork(ctx, edit("U0BRAM", store.Sections{"doel": "  "}, true))
		if !errors.Is(err, store.ErrWorkEmpty) {
			t.Fatalf("hand in empty work: %v, want ErrWorkEmpty", err)
		}
		if n := count(`SELECT count(*) FROM written_work WHERE user_id = 'U0BRAM'`); n != 0 {
			t.Errorf("a refused hand-in left %d rows", n)
		}
	})
	t.Run("HandInCountsAsDone", func(t *testing.T) {
		w, err := db.SaveWrittenWork(ctx, edit("U0ANNA", nil, true))
		if err != nil {
			t.Fatal(err)
		}
		if w.HandedInAt == nil || !w.HandedInAt.Equal(now) {
			t.Fatalf("handed in at %v, want %v", w.HandedInAt, now)
		}
		if n := count(`SELECT count(*) FROM progress WHERE user_id = 'U0ANNA' AND kind = 'homework' AND item = 'm2'`); n != 1 {
			t.Errorf("homework of module 2 done: %d rows, want 1", n)
		}
		// Edited and handed in again later: the first hand-in stays, the text is the new one.
		now = now.Add(time.Hour)
		w, err = db.SaveWrittenWork(ctx, edit("U0ANNA", store.Sections{"doel": "Kennismaken en doel"}, true))
		if err != nil {
			t.Fatal(err)
		}
		if !w.HandedInAt.Equal(now.Add(-time.Hour)) || w.Sections["doel"] != "Kennismaken en doel" || !w.UpdatedAt.Equal(now) {
			t.Errorf("after an edit: %+v", w)
		}
	})
	t.Run("OnlyHandedInWorkForTrainers", func(t *testing.T) {
		if _, err := db.SaveWrittenWork(ctx, edit("U0BRAM", store.Sections{"doel": "Concept"}, false)); err != nil {
			t.Fatal(err)
		}
		// A trainer's own try is not a participant's work.
		if _, err := db.SaveWrittenWork(ctx, edit("U0TRAINER1", store.Sections{"doel": "Voorbeeld"}, true)); err != nil {
			t.Fatal(err)
		}
		ws, err := db.HandedInWork(ctx, id, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(ws) != 1 || ws[0].UserID != "U0ANNA" {
			t.Errorf("handed in work = %+v, want only Anna's", ws)
		}
		own, err := db.UserWrittenWork(ctx, id, "U0BRAM")
		if err != nil {
			t.Fatal(err)
		}
		if len(own) != 1 || own[0].HandedInAt != nil || own[0].Sections["doel"] != "Concept" {
			t.Errorf("Bram's own work = %+v, want his draft", own)
		}
	})
	t.Run("ReadOnlyAfterNextModuleStarts", func(t *testing.T) {
		deadline, ok, err := db.WrittenWorkDeadline(ctx, id, 2)
		if err != nil || !ok || !deadline.Equal(time.Date(2026, 12, 21, 9, 0, 0, 0, amsterdam)) {
			t.Fatalf("deadline %v %v %v, want module 3's start", deadline, ok, err)
		}
		now = deadline
		_, err = db.SaveWrittenWork(ctx, edit("U0ANNA", store.Sections{"doel": "Te laat"}, false))
		var closed *store.WorkClosedError
		if !errors.Is(err, store.ErrWorkClosed) || !errors.As(err, &closed) || !closed.Since.Equal(deadline) {
			t.Fatalf("save at module 3's start: %v, want a WorkClosedError since %v", err, deadline)
		}
		w, err := db.WrittenWorkOf(ctx, id, "U0ANNA", "m2_verslag")
		if err != nil {
			t.Fatal(err)
		}
		if w.Sections["doel"] != "Kennismaken en doel" {
			t.Errorf("a refused save changed the text to %q", w.Sections["doel"])
		}
		// Module 3's homework is still open until module 4.
		if _, err := db.SaveWrittenWork(ctx, store.WorkEdit{CohortID: id, UserID: "U0ANNA", TaskID: "m3_sociale_kaart", Module: 3,
			Sections: store.Sections{"netwerk": "Wijkteam"}}); err != nil {
			t.Errorf("module 3's homework: %v", err)
		}
	})
	t.Run("NotStarted", func(t *testing.T) {
		_, err := db.WrittenWorkOf(ctx, id, "U0BRAM", "m3_sociale_kaart")
		if content.ErrorCode(err) != content.ENOTFOUND {
			t.Errorf("work not started: %v, want not found", err)
		}
	})
}

func TestFeedback(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	now := time.Date(2026, 12, 14, 11, 0, 0, 0, amsterdam)
	id := workCohort(t, db, &now, "U0ANNA", "U0BRAM", "U0CEES")
	give := func(giver, receiver string, pts store.FeedbackPoints) (store.Feedback, bool) {
		t.Helper()
		f, isNew, err := db.GiveFeedback(ctx, store.Feedback{CohortID: id, Module: 2, Giver: giver, Receiver: receiver, Points: pts})
		if err != nil {
			t.Fatal(err)
		}
		return f, isNew
	}

	t.Run("GiveTwiceIsOneForm", func(t *testing.T) {
		_, first := give("U0BRAM", "U0ANNA", store.FeedbackPoints{"doel": {Score: 3}})
		f, again := give("U0BRAM", "U0ANNA", store.FeedbackPoints{"doel": {Score: 2, Comment: "Doel kwam laat"}})
		if !first || again {
			t.Errorf("new = %v then %v, want true then false", first, again)
		}
		if f.Points["doel"].Score != 2 || f.Points["doel"].Comment != "Doel kwam laat" {
			t.Errorf("form after a correction = %+v", f.Points)
		}
		var n int
		db.GetContext(ctx, &n, `SELECT count(*) FROM feedback WHERE giver = 'U0BRAM'`)
		if n != 1 {
			t.Errorf("%d forms, want 1", n)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		if _, _, err := db.GiveFeedback(ctx, store.Feedback{CohortID: id, Module: 2, Giver: "U0ANNA", Receiver: "U0ANNA",
			Points: store.FeedbackPoints{"doel": {Score: 3}}}); !errors.Is(err, store.ErrFeedbackSelf) {
			t.Errorf("feedback to oneself: %v", err)
		}
		if _, _, err := db.GiveFeedback(ctx, store.Feedback{CohortID: id, Module: 2, Giver: "U0CEES", Receiver: "U0ANNA",
			Points: store.FeedbackPoints{"doel": {Comment: " "}}}); !errors.Is(err, store.ErrFeedbackEmpty) {
			t.Errorf("empty feedback: %v", err)
		}
	})
	t.Run("OnlyTheReceiverReadsIt", func(t *testing.T) {
		give("U0CEES", "U0ANNA", store.FeedbackPoints{"open": {Score: 3, Comment: "Heel open"}})
		give("U0ANNA", "U0BRAM", store.FeedbackPoints{"open": {Score: 1}})
		anna, err := db.ReceivedFeedback(ctx, id, 2, "U0ANNA")
		if err != nil {
			t.Fatal(err)
		}
		if len(anna) != 2 || anna[0].Giver != "U0BRAM" || anna[1].Giver != "U0CEES" {
			t.Errorf("Anna received %+v, want Bram's and Cees's", anna)
		}
		cees, err := db.ReceivedFeedback(ctx, id, 2, "U0CEES")
		if err != nil || len(cees) != 0 {
			t.Errorf("Cees received %+v (%v), want nothing: he gave, he did not receive", cees, err)
		}
		if other, _ := db.ReceivedFeedback(ctx, id, 3, "U0ANNA"); len(other) != 0 {
			t.Errorf("module 3 holds %+v, want nothing", other)
		}
	})
	t.Run("TrainersSeeThatNotWhat", func(t *testing.T) {
		ov, err := db.FeedbackOverview(ctx, id, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(ov) != 2 || ov[0].Receiver != "U0ANNA" || ov[0].Forms != 2 || len(ov[0].Shared) != 0 || ov[1].Forms != 1 {
			t.Fatalf("overview = %+v, want Anna 2 forms and Bram 1, nothing shared", ov)
		}
		if n, err := db.ShareFeedback(ctx, id, 2, "U0ANNA", true); err != nil || n != 2 {
			t.Fatalf("share: %d %v", n, err)
		}
		ov, _ = db.FeedbackOverview(ctx, id, 2)
		if len(ov[0].Shared) != 2 || ov[0].Shared[1].Points["open"].Comment != "Heel open" || len(ov[1].Shared) != 0 {
			t.Errorf("after Anna shares: %+v, want her two forms with content and nothing of Bram's", ov)
		}
		// A changed form was not part of what Anna agreed to share.
		give("U0CEES", "U0ANNA", store.FeedbackPoints{"open": {Score: 2, Comment: "Toch wat gesloten"}})
		ov, _ = db.FeedbackOverview(ctx, id, 2)
		if len(ov[0].Shared) != 1 || ov[0].Shared[0].Giver != "U0BRAM" {
			t.Errorf("after Cees changed his form: shared %+v, want only Bram's", ov[0].Shared)
		}
		// The same form again keeps the sharing.
		give("U0BRAM", "U0ANNA", store.FeedbackPoints{"doel": {Score: 2, Comment: "Doel kwam laat"}})
		if ov, _ = db.FeedbackOverview(ctx, id, 2); len(ov[0].Shared) != 1 {
			t.Errorf("an unchanged resubmit withdrew the sharing: %+v", ov[0].Shared)
		}
		if _, err := db.ShareFeedback(ctx, id, 2, "U0ANNA", false); err != nil {
			t.Fatal(err)
		}
		if ov, _ = db.FeedbackOverview(ctx, id, 2); len(ov[0].Shared) != 0 {
			t.Errorf("after withdrawing: shared %+v", ov[0].Shared)
		}
	})
}

func TestEvaluation(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	now := time.Date(2026, 12, 28, 11, 0, 0, 0, amsterdam)
	id := workCohort(t, db, &now, "U0ANNA", "U0BRAM", "U0CEES")
	yes, no := true, false
	save := func(e store.EvaluationEdit) store.Evaluation {
		t.Helper()
		e.CohortID = id
		ev, err := db.SaveEvaluation(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}

	t.Run("SaveTwiceIsOneRow", func(t *testing.T) {
		for range 2 {
			save(store.EvaluationEdit{UserID: "U0ANNA", Notes: store.EvaluationNotes{"bloem": {"Luisteren", " ", "Doorvragen "}}})
		}
		ev, err := db.EvaluationOf(ctx, id, "U0ANNA")
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(ev.Notes["bloem"], "|"); got != "Luisteren|Doorvragen" || ev.OnBoard {
			t.Errorf("evaluation = %+v, want two notes in order, blanks left out, not on the board", ev)
		}
		var n int
		db.GetContext(ctx, &n, `SELECT count(*) FROM evaluations WHERE user_id = 'U0ANNA'`)
		if n != 1 {
			t.Errorf("%d rows, want 1", n)
		}
	})
	t.Run("PlacesReplaceTheirOwnNotes", func(t *testing.T) {
		ev := save(store.EvaluationEdit{UserID: "U0ANNA", Notes: store.EvaluationNotes{"zaad": {"Netwerk kennen, met hulp van het wijkteam"}}, OnBoard: &yes})
		if len(ev.Notes["bloem"]) != 2 || len(ev.Notes["zaad"]) != 1 || !ev.OnBoard {
			t.Errorf("after adding the zaad: %+v", ev)
		}
		ev = save(store.EvaluationEdit{UserID: "U0ANNA", Notes: store.EvaluationNotes{"bloem": {}}})
		if _, ok := ev.Notes["bloem"]; ok || !ev.OnBoard {
			t.Errorf("after emptying the bloem: %+v, want it gone and the board choice kept", ev)
		}
	})
	t.Run("BoardHoldsOnlyThoseWhoChoseIt", func(t *testing.T) {
		save(store.EvaluationEdit{UserID: "U0BRAM", Notes: store.EvaluationNotes{"prullenmand": {"Meteen oplossen"}}, OnBoard: &no})
		save(store.EvaluationEdit{UserID: "U0CEES", Notes: store.EvaluationNotes{"vriezer": {"Vaste vragenlijst"}}, OnBoard: &yes})
		save(store.EvaluationEdit{UserID: "U0TRAINER1", Notes: store.EvaluationNotes{"bloem": {"Trainersnotitie"}}, OnBoard: &yes})
		if _, err := db.RecordLeave(ctx, id, "U0CEES"); err != nil {
			t.Fatal(err)
		}
		board, err := db.EvaluationBoard(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(board) != 1 || board[0].UserID != "U0ANNA" || board[0].Notes["zaad"][0] != "Netwerk kennen, met hulp van het wijkteam" {
			t.Errorf("board = %+v, want only Anna (Bram chose not to, Cees left, the trainer is no participant)", board)
		}
	})
}

func TestFollowUpAnswer(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	now := time.Date(2027, 2, 8, 10, 0, 0, 0, amsterdam)
	id := workCohort(t, db, &now, "U0ANNA")
	note := "Intervisie loopt"
	if _, err := db.AnswerFollowUp(ctx, store.FollowUpEdit{CohortID: id, UserID: "U0ANNA", Note: &note}); !errors.Is(err, store.ErrFollowUpNoAnswer) {
		t.Errorf("a note before an answer: %v, want ErrFollowUpNoAnswer", err)
	}
	a, err := db.AnswerFollowUp(ctx, store.FollowUpEdit{CohortID: id, UserID: "U0ANNA", Answer: content.FollowUpBezig})
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.AnswerFollowUp(ctx, store.FollowUpEdit{CohortID: id, UserID: "U0ANNA", Answer: content.FollowUpBezig})
	if err != nil || again.ID != a.ID || again.Version != 1 {
		t.Errorf("the same click twice: %+v %v, want the same row, version 1", again, err)
	}
	withNote, err := db.AnswerFollowUp(ctx, store.FollowUpEdit{CohortID: id, UserID: "U0ANNA", Note: &note})
	if err != nil || withNote.Note != note || withNote.Answer != content.FollowUpBezig || withNote.Version != 1 {
		t.Errorf("after a note: %+v %v, want the answer kept and the version too", withNote, err)
	}
	changed, err := db.AnswerFollowUp(ctx, store.FollowUpEdit{CohortID: id, UserID: "U0ANNA", Answer: content.FollowUpGelukt})
	if err != nil || changed.Version != 2 || changed.Note != note {
		t.Errorf("after changing the answer: %+v %v, want version 2 and the note kept", changed, err)
	}
	if _, err := db.AnswerFollowUp(ctx, store.FollowUpEdit{CohortID: id, UserID: "U0ANNA", Answer: "misschien"}); err == nil {
		t.Error("an unknown answer was stored")
	}
}

// TestFollowUpCounts walks a cohort through answers and checks that trainers never see counts from which one
// person's answer follows.
func TestFollowUpCounts(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	now := time.Date(2027, 2, 8, 10, 0, 0, 0, amsterdam)
	var people []string
	for i := range 9 {
		people = append(people, fmt.Sprintf("U0P%d", i))
	}
	id := workCohort(t, db, &now, people...)
	answer := func(u, a string) {
		t.Helper()
		if _, err := db.AnswerFollowUp(ctx, store.FollowUpEdit{CohortID: id, UserID: u, Answer: a}); err != nil {
			t.Fatal(err)
		}
	}
	participants := 9
	look := func() store.FollowUpFigures {
		t.Helper()
		now = now.Add(time.Minute)
		f, err := db.FollowUpCounts(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if f.Participants != participants {
			t.Errorf("participants %d, want %d", f.Participants, participants)
		}
		return f
	}
	counts := func(f store.FollowUpFigures) string {
		if f.Snapshot == nil {
			return "none"
		}
		return fmt.Sprintf("%d/%d/%d of %d", f.Snapshot.Counts[content.FollowUpGelukt], f.Snapshot.Counts[content.FollowUpBezig],
			f.Snapshot.Counts[content.FollowUpNogNiet], f.Snapshot.Members)
	}
	steps := []struct {
		name        string
		do          func()
		want        string
		wantCurrent bool
	}{
		{"NoneYet", func() {}, "none", false},
		{"TwoAnswers", func() { answer("U0P0", content.FollowUpGelukt); answer("U0P1", content.FollowUpNogNiet) }, "none", false},
		// Trainers (even one recorded as a participant too) and people who are not participants do not count.
		{"TrainerDoesNotCount", func() {
			if _, err := db.ExecContext(ctx, `INSERT INTO participants (cohort_id, user_id) VALUES ($1, 'U0TRAINER1')`, id); err != nil {
				t.Fatal(err)
			}
			answer("U0TRAINER1", content.FollowUpBezig)
			answer("U0STRANGER", content.FollowUpBezig)
		}, "none", false},
		{"ThreeAllTheSame", func() { answer("U0P1", content.FollowUpGelukt); answer("U0P2", content.FollowUpGelukt) }, "none", false},
		{"ThreeMixed", func() { answer("U0P2", content.FollowUpBezig) }, "2/1/0 of 3", true},
		{"LookAgain", func() {}, "2/1/0 of 3", true},
		// One or two more would tell the trainer what they answered: the old counts stay.
		{"OneMore", func() { answer("U0P3", content.FollowUpNogNiet) }, "2/1/0 of 3", false},
		{"TwoMore", func() { answer("U0P4", content.FollowUpGelukt) }, "2/1/0 of 3", false},
		{"ThreeMoreMixed", func() { answer("U0P5", content.FollowUpGelukt) }, "4/1/1 of 6", true},
		// Three more that all gave the same answer: the difference of the two views would say so.
		{"ThreeMoreAlike", func() {
			answer("U0P6", content.FollowUpBezig)
			answer("U0P7", content.FollowUpBezig)
			answer("U0P8", content.FollowUpBezig)
		}, "4/1/1 of 6", false},
		// Together with a changed answer they are no longer alike.
		{"AChangeMakesItMixed", func() { answer("U0P0", content.FollowUpNogNiet) }, "3/4/2 of 9", true},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.do()
			f := look()
			if got := counts(f); got != s.want || f.Current != s.wantCurrent {
				t.Errorf("trainers see %s (current %v), want %s (current %v)", got, f.Current, s.want, s.wantCurrent)
			}
		})
	}
	t.Run("LeftStillCounts", func(t *testing.T) {
		if _, err := db.RecordLeave(ctx, id, "U0P7"); err != nil {
			t.Fatal(err)
		}
		if f := look(); counts(f) != "3/4/2 of 9" || !f.Current {
			t.Errorf("after U0P7 left the channel trainers see %s (current %v), want the same counts, current", counts(f), f.Current)
		}
	})
	t.Run("ErasureIsAChangeToo", func(t *testing.T) {
		if _, err := db.ErasePerson(ctx, "U0P8", nil); err != nil {
			t.Fatal(err)
		}
		participants--
		if f := look(); counts(f) != "3/4/2 of 9" || f.Current {
			t.Errorf("after one erasure trainers see %s (current %v), want the last counts, not current", counts(f), f.Current)
		}
	})
}
