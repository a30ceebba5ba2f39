package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

var meterStatements = []string{"g1", "g2", "g3"}

func TestMeterAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, amsterdam)
	db.Now = func() time.Time { return now }
	c := testCohort("Meter", "C0METER")
	if _, err := db.SaveCohort(ctx, c); err != nil {
		t.Fatal(err)
	}
	m, err := db.StartMeasurement(ctx, c.ID, "U0ANNA", content.MeterVoormeting)
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.StartMeasurement(ctx, c.ID, "U0ANNA", content.MeterVoormeting)
	if err != nil || again.ID != m.ID {
		t.Fatalf("start again: id %d, err %v; want the same measurement %d", again.ID, err, m.ID)
	}
	answer := func(user string, round int, st string, score int) (store.AnswerResult, error) {
		return db.AnswerStatement(ctx, store.MeterAnswer{MeasurementID: m.ID, UserID: user, Round: round,
			StatementID: st, Score: score, Statements: meterStatements})
	}
	steps := []struct {
		name         string
		user         string
		round        int
		st           string
		score        int
		wantErr      error
		wantChanged  bool
		wantFinished bool
	}{
		{"First", "U0ANNA", 1, "g1", 3, nil, true, false},
		{"DoubleClick", "U0ANNA", 1, "g1", 3, nil, false, false},
		{"ClickAgainChanges", "U0ANNA", 1, "g1", 4, nil, true, false},
		{"SomeoneElse", "U0BART", 1, "g2", 5, store.ErrMeterNotYours, false, false},
		{"Second", "U0ANNA", 1, "g2", 2, nil, true, false},
		{"LastFinishes", "U0ANNA", 1, "g3", 5, nil, true, true},
		{"AfterLock", "U0ANNA", 1, "g3", 1, store.ErrMeterLocked, false, false},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			res, err := answer(s.user, s.round, s.st, s.score)
			if s.wantErr != nil {
				if !errors.Is(err, s.wantErr) {
					t.Fatalf("err = %v, want %v", err, s.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Changed != s.wantChanged || res.Finished != s.wantFinished {
				t.Errorf("changed %v finished %v, want %v %v", res.Changed, res.Finished, s.wantChanged, s.wantFinished)
			}
			if res.Answers[s.st] != s.score {
				t.Errorf("answer %s = %d, want %d", s.st, res.Answers[s.st], s.score)
			}
		})
	}
	got, err := db.MeterAnswers(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"g1": 4, "g2": 2, "g3": 5}; len(got) != 3 || got["g1"] != 4 || got["g2"] != 2 || got["g3"] != 5 {
		t.Errorf("answers = %v, want %v", got, want)
	}
	if done, err := db.MeterDone(ctx, c.ID, "U0ANNA", content.MeterVoormeting); err != nil || !done {
		t.Errorf("MeterDone = %v, %v; want true", done, err)
	}
	if done, _ := db.MeterDone(ctx, c.ID, "U0ANNA", content.MeterEindmeting); done {
		t.Error("MeterDone(eindmeting) = true before it was started")
	}

	t.Run("ReopenTooLate", func(t *testing.T) {
		_, err := db.ReopenMeasurement(ctx, m.ID, "U0ANNA", now)
		if content.ErrorCode(err) != content.EINVALID {
			t.Fatalf("err = %v, want EINVALID", err)
		}
	})
	t.Run("Reopen", func(t *testing.T) {
		r, err := db.ReopenMeasurement(ctx, m.ID, "U0ANNA", now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if !r.Reopened || r.Withdrawn || r.Measurement.Locked || r.Measurement.Finished() || r.Measurement.Round != 2 {
			t.Fatalf("reopened = %+v, want open, round 2, nothing withdrawn", r)
		}
		twice, err := db.ReopenMeasurement(ctx, m.ID, "U0ANNA", now.Add(time.Hour))
		if err != nil || twice.Reopened || twice.Measurement.Round != 2 {
			t.Fatalf("reopen twice: %+v, err %v; want round 2, not reopened again", twice, err)
		}
		if done, _ := db.MeterDone(ctx, c.ID, "U0ANNA", content.MeterVoormeting); done {
			t.Error("MeterDone = true while reopened")
		}
	})
	t.Run("OldRoundIsStale", func(t *testing.T) {
		if _, err := answer("U0ANNA", 1, "g1", 1); !errors.Is(err, store.ErrMeterStale) {
			t.Fatalf("err = %v, want ErrMeterStale", err)
		}
	})
	t.Run("ChangeInReopenedDoesNotFinishBeforeLast", func(t *testing.T) {
		res, err := answer("U0ANNA", 2, "g1", 2)
		if err != nil || res.Finished {
			t.Fatalf("finished %v, err %v; want open", res.Finished, err)
		}
		res, err = answer("U0ANNA", 2, "g3", 5)
		if err != nil || !res.Finished {
			t.Fatalf("last statement: finished %v, err %v; want finished", res.Finished, err)
		}
	})
	t.Run("Share", func(t *testing.T) {
		if _, err := db.ShareMeasurement(ctx, m.ID, "U0BART"); !errors.Is(err, store.ErrMeterNotYours) {
			t.Fatalf("share by someone else: %v", err)
		}
		s, err := db.ShareMeasurement(ctx, m.ID, "U0ANNA")
		if err != nil || s.SharedAt == nil {
			t.Fatalf("share: %+v, %v", s, err)
		}
	})
	t.Run("DeleteByUserCascades", func(t *testing.T) {
		if _, err := db.ExecContext(ctx, `DELETE FROM meter_measurements WHERE user_id = 'U0ANNA'`); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.GetContext(ctx, &n, `SELECT count(*) FROM meter_answers`); err != nil || n != 0 {
			t.Fatalf("answers left after erasure: %d, %v", n, err)
		}
	})
}

// TestMeterConcurrentAnswers clicks two statements of one measurement at the same moment, many times over: both
// answers are stored, and the measurement is finished exactly once, when and only when the two complete it.
func TestMeterConcurrentAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	c := testCohort("Tegelijk", "C0TEGELIJK")
	if _, err := db.SaveCohort(ctx, c); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name         string
		before       map[string]int // answered one by one before the race
		race         [2]string      // the statements clicked at once
		wantFinished int            // how many of the two results say they finished it
	}{
		{"FirstTwoStayOpen", nil, [2]string{"g1", "g2"}, 0},
		{"LastTwoFinishOnce", map[string]int{"g1": 2}, [2]string{"g2", "g3"}, 1},
		{"SameStatementFinishesOnce", map[string]int{"g1": 2, "g2": 4}, [2]string{"g3", "g3"}, 1},
	}
	const rounds = 25
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for r := range rounds {
				user := fmt.Sprintf("U0%s%02d", strings.ToUpper(tc.name[:4]), r)
				m, err := db.StartMeasurement(ctx, c.ID, user, content.MeterVoormeting)
				if err != nil {
					t.Fatal(err)
				}
				for _, st := range meterStatements {
					if score, ok := tc.before[st]; ok {
						if _, err := db.AnswerStatement(ctx, store.MeterAnswer{MeasurementID: m.ID, UserID: user,
							Round: 1, StatementID: st, Score: score, Statements: meterStatements}); err != nil {
							t.Fatal(err)
						}
					}
				}
				var (
					wg      sync.WaitGroup
					start   = make(chan struct{})
					results [2]store.AnswerResult
					errs    [2]error
				)
				for i, st := range tc.race {
					wg.Go(func() {
						<-start
						results[i], errs[i] = db.AnswerStatement(ctx, store.MeterAnswer{MeasurementID: m.ID,
							UserID: user, Round: 1, StatementID: st, Score: 5, Statements: meterStatements})
					})
				}
				close(start)
				wg.Wait()
				finished := 0
				for i := range results {
					if tc.race[0] == tc.race[1] && errors.Is(errs[i], store.ErrMeterLocked) {
						// The same score twice: the second click found the measurement finished by the first.
						continue
					}
					if errs[i] != nil {
						t.Fatalf("round %d: answer %s: %v", r, tc.race[i], errs[i])
					}
					if results[i].Finished {
						finished++
					}
				}
				if finished != tc.wantFinished {
					t.Fatalf("round %d: %d answers finished the measurement, want %d", r, finished, tc.wantFinished)
				}
				got, err := db.MeterAnswers(ctx, m.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, st := range tc.race {
					if got[st] != 5 {
						t.Fatalf("round %d: answers %v, want %s = 5: an answer was lost", r, got, st)
					}
				}
				after, err := db.MeasurementByID(ctx, m.ID)
				if err != nil {
					t.Fatal(err)
				}
				if after.Locked != (tc.wantFinished > 0) || after.Finished() != (tc.wantFinished > 0) {
					t.Fatalf("round %d: locked %v finished %v, want both %v", r, after.Locked, after.Finished(), tc.wantFinished > 0)
				}
				var audits int
				if err := db.GetContext(ctx, &audits, `
					SELECT count(*) FROM audit_log WHERE action = 'meter_finished' AND user_id = $1`, user); err != nil {
					t.Fatal(err)
				}
				if audits != tc.wantFinished {
					t.Fatalf("round %d: %d meter_finished audit entries, want %d", r, audits, tc.wantFinished)
				}
			}
		})
	}
}

func TestDevelopmentPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, amsterdam)
	db.Now = func() time.Time { return now }
	c := testCohort("Plan", "C0PLAN")
	if _, err := db.SaveCohort(ctx, c); err != nil {
		t.Fatal(err)
	}
	if ok, err := db.DevelopmentPlanExists(ctx, c.ID, "U0ANNA"); err != nil || ok {
		t.Fatalf("exists before = %v, %v", ok, err)
	}
	if _, err := db.DevelopmentPlanOf(ctx, c.ID, "U0ANNA"); content.ErrorCode(err) != content.ENOTFOUND {
		t.Fatalf("plan before: %v, want ENOTFOUND", err)
	}
	if _, err := db.SaveDevelopmentPlan(ctx, store.DevelopmentPlan{CohortID: c.ID, UserID: "U0ANNA",
		Ontwikkelpunten: "Netwerk in kaart brengen", Aanpak: "Met mijn collega Sam"}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	p, err := db.SaveDevelopmentPlan(ctx, store.DevelopmentPlan{CohortID: c.ID, UserID: "U0ANNA",
		Ontwikkelpunten: "Sociale kaart gebruiken", Aanpak: "Intervisie"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Ontwikkelpunten != "Sociale kaart gebruiken" || !p.UpdatedAt.After(p.CreatedAt) {
		t.Errorf("edited plan = %+v", p)
	}
	if ok, err := db.DevelopmentPlanExists(ctx, c.ID, "U0ANNA"); err != nil || !ok {
		t.Fatalf("exists after = %v, %v", ok, err)
	}
	if _, err := db.SaveDevelopmentPlan(ctx, store.DevelopmentPlan{CohortID: c.ID, UserID: "U0ANNA", Ontwikkelpunten: "  "}); err == nil {
		t.Error("an empty plan was stored")
	}
}

func TestCohortMeter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	c := testCohort("Overzicht", "C0OVERZICHT")
	if _, err := db.SaveCohort(ctx, c); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"U0ANNA", "U0BART"} {
		if _, err := db.RecordJoin(ctx, c.ID, u, nil); err != nil {
			t.Fatal(err)
		}
	}
	m, err := db.StartMeasurement(ctx, c.ID, "U0ANNA", content.MeterVoormeting)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AnswerStatement(ctx, store.MeterAnswer{MeasurementID: m.ID, UserID: "U0ANNA", Round: 1,
		StatementID: "g2", Score: 4, Statements: meterStatements}); err != nil {
		t.Fatal(err)
	}
	recs, err := db.CohortMeter(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].UserID != "U0ANNA" || recs[1].UserID != "U0BART" {
		t.Fatalf("records = %+v", recs)
	}
	if recs[0].Scores[content.MeterVoormeting]["g2"] != 4 || len(recs[1].Measurements) != 0 {
		t.Errorf("records = %+v", recs)
	}
	ids, err := db.MeterCohortsOf(ctx, "U0BART")
	if err != nil || len(ids) != 1 || ids[0] != c.ID {
		t.Errorf("MeterCohortsOf = %v, %v", ids, err)
	}
}
