package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

func TestParticipantLeavesAndRejoins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	clock := time.Date(2026, 12, 2, 10, 0, 0, 0, amsterdam)
	db.Now = func() time.Time { return clock }
	c := testCohort("Leave", "C0LEAVE")
	if _, err := db.SaveCohort(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordJoin(ctx, c.ID, "U0ANNA", nil); err != nil {
		t.Fatal(err)
	}
	markDone(t, db, c.ID, "U0ANNA")
	audits := func(action string) int {
		t.Helper()
		var n int
		if err := db.GetContext(ctx, &n, `SELECT count(*) FROM audit_log WHERE action = $1 AND user_id = 'U0ANNA'`, action); err != nil {
			t.Fatal(err)
		}
		return n
	}
	present := func(t *testing.T, wantLeft bool) {
		t.Helper()
		p, err := db.Participation(ctx, c.ID, "U0ANNA")
		if err != nil {
			t.Fatal(err)
		}
		if p.Left() != wantLeft {
			t.Errorf("left = %v (left_at %v), want %v", p.Left(), p.LeftAt, wantLeft)
		}
		left, err := db.LeftParticipants(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(left, "U0ANNA") != wantLeft {
			t.Errorf("LeftParticipants = %v, want Anna in it: %v", left, wantLeft)
		}
		ids, err := db.CaseCohortsOfUser(ctx, "U0ANNA")
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(ids, c.ID) == wantLeft {
			t.Errorf("CaseCohortsOfUser = %v; a participant who left must not be in it, one who is back must", ids)
		}
	}

	t.Run("Leave", func(t *testing.T) {
		clock = clock.Add(time.Hour)
		changed, err := db.RecordLeave(ctx, c.ID, "U0ANNA")
		if err != nil || !changed {
			t.Fatalf("RecordLeave = %v, %v; want a change", changed, err)
		}
		present(t, true)
		if n := audits("participant_left"); n != 1 {
			t.Errorf("%d participant_left audit rows, want 1", n)
		}
	})
	t.Run("LeaveAgainChangesNothing", func(t *testing.T) {
		changed, err := db.RecordLeave(ctx, c.ID, "U0ANNA")
		if err != nil || changed {
			t.Fatalf("RecordLeave again = %v, %v; want no change", changed, err)
		}
		if n := audits("participant_left"); n != 1 {
			t.Errorf("%d participant_left audit rows, want still 1", n)
		}
	})
	t.Run("StrangerChangesNothing", func(t *testing.T) {
		changed, err := db.RecordLeave(ctx, c.ID, "U0NOBODY")
		if err != nil || changed {
			t.Fatalf("RecordLeave of someone never recorded = %v, %v; want no change", changed, err)
		}
		if _, err := db.Participation(ctx, c.ID, "U0NOBODY"); content.ErrorCode(err) != content.ENOTFOUND {
			t.Errorf("Participation of someone never recorded: err %v, want ENOTFOUND", err)
		}
	})
	t.Run("StoredIsKept", func(t *testing.T) {
		ps, err := db.UserProgress(ctx, c.ID, "U0ANNA")
		if err != nil || len(ps) != 1 {
			t.Errorf("progress after leaving = %v, %v; want the one record kept", ps, err)
		}
	})
	t.Run("Rejoin", func(t *testing.T) {
		res, err := db.RecordJoin(ctx, c.ID, "U0ANNA", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Rejoined || res.New {
			t.Errorf("RecordJoin = %+v, want rejoined, not new", res)
		}
		present(t, false)
		if n := audits("participant_rejoined"); n != 1 {
			t.Errorf("%d participant_rejoined audit rows, want 1", n)
		}
		ps, err := db.ParticipationsOf(ctx, "U0ANNA")
		if err != nil || len(ps) != 1 || ps[0].CohortID != c.ID || ps[0].Left() {
			t.Errorf("ParticipationsOf = %+v, %v; want one present participation", ps, err)
		}
	})
}

func markDone(t *testing.T, db *store.DB, cohortID int64, user string) {
	t.Helper()
	if _, _, err := db.MarkDone(context.Background(), store.Progress{CohortID: cohortID, UserID: user,
		Kind: store.ProgressReading, Item: "m1_jungmann", Module: 1}); err != nil {
		t.Fatal(err)
	}
}

// A participant who left cannot change their competentiemeter through an old score button, and nothing is
// written; back in the channel, the same click counts.
func TestMeterAnswerAfterLeaving(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	db.Now = func() time.Time { return time.Date(2026, 11, 20, 10, 0, 0, 0, amsterdam) }
	c := testCohort("Meter left", "C0METERLEFT")
	if _, err := db.SaveCohort(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordJoin(ctx, c.ID, "U0ANNA", nil); err != nil {
		t.Fatal(err)
	}
	m, err := db.StartMeasurement(ctx, c.ID, "U0ANNA", content.MeterVoormeting)
	if err != nil {
		t.Fatal(err)
	}
	answer := func() error {
		_, err := db.AnswerStatement(ctx, store.MeterAnswer{MeasurementID: m.ID, UserID: "U0ANNA", Round: 1,
			StatementID: "g1", Score: 4, Statements: meterStatements})
		return err
	}
	if _, err := db.RecordLeave(ctx, c.ID, "U0ANNA"); err != nil {
		t.Fatal(err)
	}
	if err := answer(); !errors.Is(err, store.ErrParticipantLeft) {
		t.Fatalf("answer after leaving: err %v, want ErrParticipantLeft", err)
	}
	if got, err := db.MeterAnswers(ctx, m.ID); err != nil || len(got) != 0 {
		t.Errorf("answers after a refused click = %v, %v; want none", got, err)
	}
	if _, err := db.RecordJoin(ctx, c.ID, "U0ANNA", nil); err != nil {
		t.Fatal(err)
	}
	if err := answer(); err != nil {
		t.Fatalf("answer after rejoining: %v", err)
	}
	if got, _ := db.MeterAnswers(ctx, m.ID); got["g1"] != 4 {
		t.Errorf("answers after rejoining = %v, want g1 = 4", got)
	}
}
