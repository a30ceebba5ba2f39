package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

var johanSteps = []store.CaseStep{{"aanmelding", 1}, {"gedrag", 2}, {"rol", 3}, {"ondersteuningsplan", 4}}

func revealReq(cohortID int64, by string, at time.Time) store.RevealRequest {
	return store.RevealRequest{CohortID: cohortID, CaseID: "johan", Variant: "johanna", Steps: johanSteps, By: by, At: at}
}

func TestRevealNext(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	id, err := db.SaveCohort(ctx, testCohort("Deventer", "C0DEVENTER"))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

	t.Run("Sequence", func(t *testing.T) {
		tests := []struct {
			name    string
			by      string
			at      time.Time
			outcome string
			stage   string
		}{
			{"First", "U0TRAINER1", t0, store.RevealNew, "aanmelding"},
			{"DoubleSubmit", "U0TRAINER1", t0.Add(2 * time.Second), store.RevealRepeat, "aanmelding"},
			{"LaterMovesOn", "U0TRAINER1", t0.Add(time.Minute), store.RevealNew, "gedrag"},
			{"OtherTrainerSameMoment", "U0TRAINER2", t0.Add(time.Minute + time.Second), store.RevealRepeat, "gedrag"},
			{"OtherTrainerLater", "U0TRAINER2", t0.Add(2 * time.Minute), store.RevealNew, "rol"},
			{"Bot", "bot", t0.Add(time.Hour), store.RevealNew, "ondersteuningsplan"},
			{"Done", "U0TRAINER1", t0.Add(2 * time.Hour), store.RevealDone, ""},
		}
		for _, tt := range tests {
			res, err := db.RevealNext(ctx, revealReq(id, tt.by, tt.at))
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if res.Outcome != tt.outcome || res.Reveal.StageID != tt.stage {
				t.Errorf("%s: outcome %s stage %q, want %s %q", tt.name, res.Outcome, res.Reveal.StageID, tt.outcome, tt.stage)
			}
			if res.Outcome == store.RevealNew {
				if err := db.SetRevealMessage(ctx, res.Reveal.ID, "C0DEVENTER", "1.000"+tt.stage); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, err := db.CaseReveals(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 || got[0].StageID != "aanmelding" || got[3].StageID != "ondersteuningsplan" ||
			got[3].RevealedBy != "bot" || got[0].Variant != "johanna" || got[1].TS == nil || *got[1].TS != "1.000gedrag" {
			t.Errorf("reveals = %+v", got)
		}
	})

	t.Run("MaxModule", func(t *testing.T) {
		req := revealReq(id, "bot", t0)
		req.CaseID = "richard"
		req.Variant = "richard"
		req.MaxModule = 1
		if res, err := db.RevealNext(ctx, req); err != nil || res.Outcome != store.RevealNew || res.Reveal.StageID != "aanmelding" {
			t.Fatalf("first = %+v, %v", res, err)
		}
		req.Catchup = true
		res, err := db.RevealNext(ctx, req)
		if err != nil || res.Outcome != store.RevealLater || res.Next.StageID != "gedrag" {
			t.Errorf("beyond module 1 = %+v, %v; want later, gedrag", res, err)
		}
	})

	t.Run("UndoReveal", func(t *testing.T) {
		req := revealReq(id, "U0TRAINER1", t0)
		req.CaseID, req.Variant = "emma", "tom"
		res, err := db.RevealNext(ctx, req)
		if err != nil || res.Outcome != store.RevealNew {
			t.Fatalf("reveal = %+v, %v", res, err)
		}
		if err := db.UndoReveal(ctx, res.Reveal.ID); err != nil {
			t.Fatal(err)
		}
		// The failed post is forgotten, so the same stage comes again, even right away.
		again, err := db.RevealNext(ctx, req)
		if err != nil || again.Outcome != store.RevealNew || again.Reveal.StageID != "aanmelding" {
			t.Errorf("after undo = %+v, %v", again, err)
		}
	})
}

func TestRevealNextConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	id, err := db.SaveCohort(ctx, testCohort("Zutphen", "C0ZUTPHEN"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	const n = 8
	results := make([]store.RevealResult, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Different callers, so that only the unique key can stop the second post.
			results[i], errs[i] = db.RevealNext(ctx, revealReq(id, "U0TRAINER"+string(rune('A'+i)), at))
		}()
	}
	wg.Wait()
	posted := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if results[i].Outcome == store.RevealNew {
			posted++
		}
	}
	reveals, _ := db.CaseReveals(ctx, id)
	if len(reveals) != 1 || reveals[0].StageID != "aanmelding" {
		t.Errorf("reveals = %+v, want only aanmelding", reveals)
	}
	if posted != 1 {
		t.Errorf("%d callers were told to post, want 1", posted)
	}
}

func TestCaseChangeLocked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	c := testCohort("Hengelo", "C0HENGELO")
	id, err := db.SaveCohort(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if locked, err := db.CasesLocked(ctx, id); err != nil || locked {
		t.Fatalf("CasesLocked before a reveal = %v, %v", locked, err)
	}
	if err := db.CheckCaseChange(ctx, c.Name, []string{"richard", "tom"}); err != nil {
		t.Errorf("change before a reveal: %v", err)
	}
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	if _, err := db.RevealNext(ctx, revealReq(id, "U0TRAINER1", at)); err != nil {
		t.Fatal(err)
	}
	if locked, err := db.CasesLocked(ctx, id); err != nil || !locked {
		t.Errorf("CasesLocked after a reveal = %v, %v", locked, err)
	}
	tests := []struct {
		name  string
		cases []string
		code  string
	}{
		{"Unchanged", []string{"richard", "johanna"}, ""},
		{"OtherOrder", []string{"johanna", "Richard"}, ""},
		{"OtherVariant", []string{"richard", "johan"}, content.ECONFLICT},
		{"OtherCase", []string{"richard", "emma"}, content.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.CheckCaseChange(ctx, c.Name, tt.cases)
			if content.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
				t.Fatalf("err = %v, want code %q", err, tt.code)
			}
			var ce *store.CaseChangeError
			if tt.code != "" && (!errors.As(err, &ce) || ce.Cohort != c.Name || ce.Case != "Johanna" || ce.Stage == "" ||
				!ce.RevealedAt.Equal(at)) {
				t.Errorf("err = %v, want a CaseChangeError with the cohort, the case as revealed, its stage and when", err)
			}
		})
	}
	changed := testCohort("Hengelo", "C0HENGELO")
	changed.Cases = []string{"richard", "tom"}
	if _, err := db.SaveCohort(ctx, changed); content.ErrorCode(err) != content.ECONFLICT {
		t.Errorf("SaveCohort with other cases after a reveal: %v, want ECONFLICT", err)
	}
	if got, _ := db.CohortByID(ctx, id); len(got.Cases) != 2 || got.Cases[1] != "johanna" {
		t.Errorf("cases after a refused save = %v", got.Cases)
	}
	if _, err := db.SaveCohort(ctx, testCohort("Hengelo", "C0HENGELO")); err != nil {
		t.Errorf("saving the same cases again after a reveal: %v", err)
	}
	if err := db.CheckCaseChange(ctx, "Nieuwe groep", []string{"richard", "emma"}); err != nil {
		t.Errorf("a new cohort: %v", err)
	}
}

func TestCaseCards(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	id, err := db.SaveCohort(ctx, testCohort("Almelo", "C0ALMELO"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 21, 10, 0, 0, 0, time.UTC)
	card := store.CaseCard{CohortID: id, CaseID: "johan", Variant: "johanna", StageID: "rol", Role: "moeder",
		UserID: "U0ANNA", SentBy: "U0TRAINER1", SentAt: at, ChannelID: "D0ANNA", TS: "1.0001"}
	if _, err := db.RecordCaseCard(ctx, card); err != nil {
		t.Fatal(err)
	}
	got, err := db.CaseCards(ctx, id)
	if err != nil || len(got) != 1 || got[0].UserID != "U0ANNA" || got[0].Role != "moeder" || !got[0].SentAt.Equal(at) {
		t.Errorf("cards = %+v, %v", got, err)
	}
}
