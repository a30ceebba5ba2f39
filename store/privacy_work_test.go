package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// privacyWorkFixture gives Anna and Bram of privacyFixture's cohort their own work: homework, feedback to and from
// each other, an evaluation and a follow-up answer. Anna's texts hold privMarker.
func privacyWorkFixture(t *testing.T, db *store.DB, id int64) {
	t.Helper()
	ctx := context.Background()
	yes := true
	for _, u := range []string{privAnna, privBram} {
		text := "Verslag van " + u
		if u == privAnna {
			text += " " + privMarker
		}
		if _, err := db.SaveWrittenWork(ctx, store.WorkEdit{CohortID: id, UserID: u, TaskID: "m1_contact", Module: 1,
			Sections: store.Sections{"doel": text}, HandIn: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveEvaluation(ctx, store.EvaluationEdit{CohortID: id, UserID: u,
			Notes: store.EvaluationNotes{"zaad": {text}}, OnBoard: &yes}); err != nil {
			t.Fatal(err)
		}
		note := text
		if _, err := db.AnswerFollowUp(ctx, store.FollowUpEdit{CohortID: id, UserID: u, Answer: content.FollowUpBezig, Note: &note}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range [][2]string{{privAnna, privBram}, {privBram, privAnna}} {
		if _, _, err := db.GiveFeedback(ctx, store.Feedback{CohortID: id, Module: 2, Giver: f[0], Receiver: f[1],
			Points: store.FeedbackPoints{"doel": {Score: 2, Comment: "Van " + f[0]}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.GiveFeedback(ctx, store.Feedback{CohortID: id, Module: 2, Giver: privBram, Receiver: "U0CEES",
		Points: store.FeedbackPoints{"open": {Score: 3}}}); err != nil {
		t.Fatal(err)
	}
	// Copies the bot posted: Anna's and Bram's work in the trainer's DM and the file with both, Anna's feedback in
	// Bram's DM, the board with both of them in the channel, and Bram's feedback in Anna's own DM.
	if err := db.RecordPostedCopies(ctx, []store.PostedCopy{
		{CohortID: id, AboutUser: privAnna, Kind: store.CopyWork, Channel: "D0TRAINER", TS: "9.1"},
		{CohortID: id, AboutUser: privBram, Kind: store.CopyWork, Channel: "D0TRAINER", TS: "9.2"},
		{CohortID: id, AboutUser: privAnna, Kind: store.CopyWork, Channel: "D0TRAINER", FileID: "F0WORK"},
		{CohortID: id, AboutUser: privBram, Kind: store.CopyWork, Channel: "D0TRAINER", FileID: "F0WORK"},
		{CohortID: id, AboutUser: privAnna, Kind: store.CopyFeedback, Channel: "D0BRAM", TS: "9.3"},
		{CohortID: id, AboutUser: privAnna, Kind: store.CopyBoard, Channel: "C0DISPATCH", TS: "9.4", PostTS: "9.4"},
		{CohortID: id, AboutUser: privBram, Kind: store.CopyBoard, Channel: "C0DISPATCH", TS: "9.4", PostTS: "9.4"},
		{CohortID: id, AboutUser: privBram, Kind: store.CopyFeedback, Channel: "D0ANNA", TS: "9.5"},
	}); err != nil {
		t.Fatal(err)
	}
}

func TestPrivacyWork(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	id := privacyFixture(t, db)
	privacyWorkFixture(t, db, id)

	t.Run("MijnGegevens", func(t *testing.T) {
		d, err := db.ExportPersonalData(ctx, privAnna, otherPerson)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.WrittenWork) != 1 || !strings.Contains(d.WrittenWork[0].Sections["doel"], privMarker) ||
			len(d.Evaluations) != 1 || len(d.FollowUps) != 1 || d.FollowUps[0].Answer != content.FollowUpBezig ||
			len(d.FeedbackGiven) != 1 || len(d.FeedbackReceived) != 1 {
			t.Fatalf("Anna's export lacks her work: %+v", d.WorkExport)
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		// Her own work is there; nobody else is named, and nothing of Bram's own texts.
		for _, want := range []string{`"written_work"`, `"feedback_received"`, `"follow_up"`, privMarker} {
			if !strings.Contains(string(b), want) {
				t.Errorf("export lacks %s", want)
			}
		}
		for _, other := range []string{"U0CEES", privBram} {
			if strings.Contains(string(b), other) {
				t.Errorf("Anna's export names %s", other)
			}
		}
		if d.FeedbackReceived[0].Giver == privBram || d.FeedbackGiven[0].Receiver == privBram {
			t.Errorf("the other side of a feedback form is named: %+v %+v", d.FeedbackReceived[0], d.FeedbackGiven[0])
		}
	})
	t.Run("VergeetMij", func(t *testing.T) {
		res, err := db.ErasePerson(ctx, privAnna, []string{"D0ANNA"})
		if err != nil {
			t.Fatal(err)
		}
		// Her copies in others' conversations are handed to the erasure to delete in Slack; the record of the one
		// in her own DM goes with it (the DM is cleaned whole); Bram's stay recorded.
		var got []string
		for _, c := range res.Copies {
			got = append(got, c.Kind+" "+c.Channel+" "+c.TS+c.FileID)
		}
		if want := []string{"work D0TRAINER 9.1", "work D0TRAINER F0WORK", "feedback D0BRAM 9.3", "board C0DISPATCH 9.4"}; !slices.Equal(got, want) {
			t.Errorf("copies to delete %q, want %q", got, want)
		}
		if people, err := db.BoardPeople(ctx, "C0DISPATCH", "9.4"); err != nil || !slices.Equal(people, []string{privBram}) {
			t.Errorf("on the board after Anna's erasure: %v %v, want Bram", people, err)
		}
		for table, want := range map[string]int64{"written_work": 1, "feedback": 2, "evaluations": 1, "followup_answers": 1, "posted_copies": 5} {
			if res.Deleted[table] != want {
				t.Errorf("erased %d rows of %s, want %d", res.Deleted[table], table, want)
			}
		}
		if left := storetest.Find(t, db, privAnna); len(left) > 0 {
			t.Errorf("after erasure Anna is named in %v", left)
		}
		if left := storetest.Find(t, db, privMarker); len(left) > 0 {
			t.Errorf("after erasure Anna's text is in %v", left)
		}
		d, err := db.ExportPersonalData(ctx, privBram, otherPerson)
		if err != nil {
			t.Fatal(err)
		}
		// Bram keeps his own work; the feedback between him and Anna is gone, his to Cees stays.
		if len(d.WrittenWork) != 1 || len(d.Evaluations) != 1 || len(d.FollowUps) != 1 || len(d.FeedbackGiven) != 1 ||
			len(d.FeedbackReceived) != 0 {
			t.Errorf("Bram's work after Anna's erasure: %+v", d.WorkExport)
		}
	})
}
