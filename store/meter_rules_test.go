package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// TestMeterRules pins the competentiemeter's rules, which live in sql/meter.sql: each case is one rule, on a
// measurement of its own, through the store's API (score clicks, "Afronden", "Heropenen", "Delen met trainer").
func TestMeterRules(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, amsterdam)
	db.Now = func() time.Time { return now }
	c := testCohort("Meterregels", "C0REGELS")
	if _, err := db.SaveCohort(ctx, c); err != nil {
		t.Fatal(err)
	}
	n := 0
	// fresh starts a measurement of a new participant; answered statements get score 3.
	fresh := func(t *testing.T, answered ...string) (int64, string) {
		t.Helper()
		n++
		user := fmt.Sprintf("U0REGEL%02d", n)
		if _, err := db.RecordJoin(ctx, c.ID, user, nil); err != nil {
			t.Fatal(err)
		}
		m, err := db.StartMeasurement(ctx, c.ID, user, content.MeterVoormeting)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range answered {
			if _, err := db.AnswerStatement(ctx, store.MeterAnswer{MeasurementID: m.ID, UserID: user, Round: 1,
				StatementID: s, Score: 3, Statements: meterStatements}); err != nil {
				t.Fatal(err)
			}
		}
		return m.ID, user
	}
	answer := func(id int64, user string, round int, st string, score int) (store.AnswerResult, error) {
		return db.AnswerStatement(ctx, store.MeterAnswer{MeasurementID: id, UserID: user, Round: round,
			StatementID: st, Score: score, Statements: meterStatements})
	}
	count := func(t *testing.T, query string, args ...any) int {
		t.Helper()
		var n int
		if err := db.GetContext(ctx, &n, query, args...); err != nil {
			t.Fatal(err)
		}
		return n
	}
	answers := func(t *testing.T, id int64) int {
		return count(t, `SELECT count(*) FROM meter_answers WHERE measurement_id = $1`, id)
	}
	leave := func(t *testing.T, user string) {
		t.Helper()
		if _, err := db.ExecContext(ctx, `UPDATE participants SET left_at = $3 WHERE cohort_id = $1 AND user_id = $2`,
			c.ID, user, now); err != nil {
			t.Fatal(err)
		}
	}
	later := now.Add(time.Hour)

	t.Run("ClickBySomeoneElseWritesNothing", func(t *testing.T) {
		id, _ := fresh(t)
		if _, err := answer(id, "U0ANDER", 1, "g1", 4); !errors.Is(err, store.ErrMeterNotYours) {
			t.Fatalf("err = %v, want ErrMeterNotYours", err)
		}
		if answers(t, id) != 0 {
			t.Error("an answer was written")
		}
	})
	t.Run("ClickAfterLeavingWritesNothing", func(t *testing.T) {
		id, user := fresh(t)
		leave(t, user)
		if _, err := answer(id, user, 1, "g1", 4); !errors.Is(err, store.ErrParticipantLeft) {
			t.Fatalf("err = %v, want ErrParticipantLeft", err)
		}
		if answers(t, id) != 0 {
			t.Error("an answer was written")
		}
	})
	t.Run("ClickOnLockedWritesNothing", func(t *testing.T) {
		id, user := fresh(t, meterStatements...)
		if _, err := answer(id, user, 1, "g1", 5); !errors.Is(err, store.ErrMeterLocked) {
			t.Fatalf("err = %v, want ErrMeterLocked", err)
		}
		if count(t, `SELECT score FROM meter_answers WHERE measurement_id = $1 AND statement_id = 'g1'`, id) != 3 {
			t.Error("the score changed")
		}
	})
	t.Run("ClickOfAnEarlierRoundWritesNothing", func(t *testing.T) {
		id, user := fresh(t, meterStatements...)
		if _, err := db.ReopenMeasurement(ctx, id, user, later); err != nil {
			t.Fatal(err)
		}
		if _, err := answer(id, user, 1, "g1", 5); !errors.Is(err, store.ErrMeterStale) {
			t.Fatalf("err = %v, want ErrMeterStale", err)
		}
	})
	t.Run("SameScoreTwiceChangesNothing", func(t *testing.T) {
		id, user := fresh(t, "g1")
		res, err := answer(id, user, 1, "g1", 3)
		if err != nil || res.Changed {
			t.Fatalf("changed %v, err %v; want no change", res.Changed, err)
		}
	})
	t.Run("LastMissingAnswerFinishes", func(t *testing.T) {
		id, user := fresh(t, "g1", "g3")
		res, err := answer(id, user, 1, "g2", 4)
		if err != nil || !res.Finished || !res.Measurement.Locked || res.Measurement.FinishedAt == nil {
			t.Fatalf("finished %v, measurement %+v, err %v; want finished and locked", res.Finished, res.Measurement, err)
		}
		if count(t, `SELECT count(*) FROM audit_log WHERE action = 'meter_finished' AND user_id = $1
			AND detail = '{"kind": "voormeting", "round": 1}'`, user) != 1 {
			t.Error("no audit entry meter_finished with kind and round")
		}
		if count(t, `SELECT version FROM meter_measurements WHERE id = $1`, id) != 1 {
			t.Error("version not 1 after the first finish")
		}
	})
	t.Run("ReopenedFinishesAtTheLastStatementOnly", func(t *testing.T) {
		id, user := fresh(t, meterStatements...)
		if _, err := db.ReopenMeasurement(ctx, id, user, later); err != nil {
			t.Fatal(err)
		}
		if res, err := answer(id, user, 2, "g1", 5); err != nil || res.Finished {
			t.Fatalf("changing g1 of a reopened measurement: finished %v, err %v; want open", res.Finished, err)
		}
		if res, err := answer(id, user, 2, "g3", 3); err != nil || !res.Finished {
			t.Fatalf("the last statement: finished %v, err %v; want finished", res.Finished, err)
		}
		if count(t, `SELECT version FROM meter_measurements WHERE id = $1`, id) != 2 {
			t.Error("version not 2 after a finish with other answers")
		}
	})
	t.Run("FinishRefusesAnIncompleteMeasurement", func(t *testing.T) {
		id, user := fresh(t, "g1")
		if _, err := db.FinishMeasurement(ctx, id, user, 1, meterStatements); !errors.Is(err, store.ErrMeterIncomplete) {
			t.Fatalf("err = %v, want ErrMeterIncomplete", err)
		}
	})
	t.Run("FinishWithTheSameAnswersKeepsTheVersion", func(t *testing.T) {
		id, user := fresh(t, meterStatements...)
		if _, err := db.ReopenMeasurement(ctx, id, user, later); err != nil {
			t.Fatal(err)
		}
		m, err := db.FinishMeasurement(ctx, id, user, 2, meterStatements)
		if err != nil || !m.Locked {
			t.Fatalf("finish: %+v, %v", m, err)
		}
		if count(t, `SELECT version FROM meter_measurements WHERE id = $1`, id) != 1 {
			t.Error("version went up although no answer changed")
		}
	})
	t.Run("FinishFollowsTheRulesOfAClick", func(t *testing.T) {
		id, user := fresh(t, meterStatements...)
		if _, err := db.ReopenMeasurement(ctx, id, user, later); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			user  string
			round int
			want  error
		}{{"U0ANDER", 2, store.ErrMeterNotYours}, {user, 1, store.ErrMeterStale}} {
			if _, err := db.FinishMeasurement(ctx, id, tt.user, tt.round, meterStatements); !errors.Is(err, tt.want) {
				t.Errorf("finish by %s in round %d: %v, want %v", tt.user, tt.round, err, tt.want)
			}
		}
		if _, err := db.FinishMeasurement(ctx, id, user, 2, meterStatements); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FinishMeasurement(ctx, id, user, 2, meterStatements); !errors.Is(err, store.ErrMeterLocked) {
			t.Errorf("finish twice: %v, want ErrMeterLocked", err)
		}
	})
	t.Run("ReopenUntilTheNextSession", func(t *testing.T) {
		id, user := fresh(t, meterStatements...)
		if _, err := db.ReopenMeasurement(ctx, id, user, now); !errors.Is(err, store.ErrMeterReopenTooLate) {
			t.Fatalf("err = %v, want ErrMeterReopenTooLate", err)
		}
		if _, err := db.ReopenMeasurement(ctx, id, "U0ANDER", later); !errors.Is(err, store.ErrMeterNotYours) {
			t.Fatalf("err = %v, want ErrMeterNotYours", err)
		}
		if count(t, `SELECT round FROM meter_measurements WHERE id = $1 AND locked`, id) != 1 {
			t.Error("a refused reopen changed the measurement")
		}
	})
	t.Run("ReopenWithdrawsTheShare", func(t *testing.T) {
		id, user := fresh(t, meterStatements...)
		if _, err := db.ShareMeasurement(ctx, id, user); err != nil {
			t.Fatal(err)
		}
		res, err := db.ReopenMeasurement(ctx, id, user, later)
		if err != nil || !res.Reopened || !res.Withdrawn || res.Measurement.Round != 2 || res.Measurement.Locked ||
			res.Measurement.SharedAt != nil || res.Measurement.FinishedAt != nil {
			t.Fatalf("reopen: %+v, %v; want round 2, open, not shared, withdrawn", res, err)
		}
		if count(t, `SELECT count(*) FROM audit_log WHERE user_id = $1 AND action IN ('meter_reopened', 'meter_share_withdrawn')`, user) != 2 {
			t.Error("want the audit entries meter_reopened and meter_share_withdrawn")
		}
		again, err := db.ReopenMeasurement(ctx, id, user, later)
		if err != nil || again.Reopened || again.Measurement.Round != 2 {
			t.Errorf("reopen of an open measurement: %+v, %v; want it as it is", again, err)
		}
	})
	t.Run("ShareOnlyFinishedAndOnce", func(t *testing.T) {
		id, user := fresh(t, "g1")
		if _, err := db.ShareMeasurement(ctx, id, user); !errors.Is(err, store.ErrMeterNotFinished) {
			t.Fatalf("err = %v, want ErrMeterNotFinished", err)
		}
		for _, s := range meterStatements[1:] {
			if _, err := answer(id, user, 1, s, 2); err != nil {
				t.Fatal(err)
			}
		}
		first, err := db.ShareMeasurement(ctx, id, user)
		if err != nil || first.SharedAt == nil {
			t.Fatalf("share: %+v, %v", first, err)
		}
		now := now
		db.Now = func() time.Time { return now.Add(time.Minute) }
		defer func() { db.Now = func() time.Time { return now } }()
		second, err := db.ShareMeasurement(ctx, id, user)
		if err != nil || !second.SharedAt.Equal(*first.SharedAt) {
			t.Errorf("share twice: %+v, %v; want the first moment kept", second, err)
		}
		if _, err := db.ShareMeasurement(ctx, id, "U0ANDER"); !errors.Is(err, store.ErrMeterNotYours) {
			t.Errorf("share by someone else: %v, want ErrMeterNotYours", err)
		}
	})
	t.Run("NothingAfterLeaving", func(t *testing.T) {
		id, user := fresh(t, meterStatements...)
		leave(t, user)
		if _, err := db.ReopenMeasurement(ctx, id, user, later); !errors.Is(err, store.ErrParticipantLeft) {
			t.Errorf("reopen: %v, want ErrParticipantLeft", err)
		}
		if _, err := db.ShareMeasurement(ctx, id, user); !errors.Is(err, store.ErrParticipantLeft) {
			t.Errorf("share: %v, want ErrParticipantLeft", err)
		}
	})
	t.Run("Unknown", func(t *testing.T) {
		if _, err := answer(999999, "U0X", 1, "g1", 3); !errors.Is(err, store.ErrMeasurementGone) {
			t.Errorf("answer: %v, want ErrMeasurementGone", err)
		}
		if _, err := db.FinishMeasurement(ctx, 999999, "U0X", 1, meterStatements); !errors.Is(err, store.ErrMeasurementGone) {
			t.Errorf("finish: %v, want ErrMeasurementGone", err)
		}
		if _, err := db.ReopenMeasurement(ctx, 999999, "U0X", later); !errors.Is(err, store.ErrMeasurementNotFound) {
			t.Errorf("reopen: %v, want ErrMeasurementNotFound", err)
		}
	})
}
