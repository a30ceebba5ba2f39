package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

func TestMarkDone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, amsterdam)
	db.Now = func() time.Time { return now }
	c := testCohort("Progress", "C0PROGRESS")
	if _, err := db.SaveCohort(ctx, c); err != nil {
		t.Fatal(err)
	}
	read := store.Progress{CohortID: c.ID, UserID: "U0ANNA", Kind: store.ProgressReading, Item: "m1_jungmann", Module: 1}
	homework := store.Progress{CohortID: c.ID, UserID: "U0ANNA", Kind: store.ProgressHomework, Item: store.HomeworkItem(1), Module: 1}
	other := store.Progress{CohortID: c.ID, UserID: "U0BART", Kind: store.ProgressReading, Item: "m1_jungmann", Module: 1}

	steps := []struct {
		name      string
		p         store.Progress
		advance   time.Duration
		wantFirst bool
		wantAt    time.Time
	}{
		{"First", read, 0, true, now},
		{"DoubleClick", read, time.Minute, false, now},
		{"OtherItem", homework, time.Minute, true, now.Add(2 * time.Minute)},
		{"OtherPerson", other, time.Minute, true, now.Add(3 * time.Minute)},
		{"LaterClickAgain", read, time.Hour, false, now},
	}
	clock := now
	db.Now = func() time.Time { return clock }
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			clock = clock.Add(s.advance)
			rec, first, err := db.MarkDone(ctx, s.p)
			if err != nil {
				t.Fatal(err)
			}
			if first != s.wantFirst {
				t.Errorf("first = %v, want %v", first, s.wantFirst)
			}
			if !rec.DoneAt.Equal(s.wantAt) {
				t.Errorf("done at %v, want %v", rec.DoneAt, s.wantAt)
			}
			if rec.Item != s.p.Item || rec.Kind != s.p.Kind || rec.UserID != s.p.UserID || rec.Module != s.p.Module {
				t.Errorf("record = %+v, want %+v", rec, s.p)
			}
		})
	}

	t.Run("UserProgress", func(t *testing.T) {
		got, err := db.UserProgress(ctx, c.ID, "U0ANNA")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Item != "m1_jungmann" || got[1].Item != "m1" {
			t.Errorf("progress of U0ANNA = %+v, want the reading, then the homework", got)
		}
		none, err := db.UserProgress(ctx, c.ID, "U0NOBODY")
		if err != nil || len(none) != 0 {
			t.Errorf("progress of someone who did nothing = %+v, %v", none, err)
		}
	})

	t.Run("CohortProgress", func(t *testing.T) {
		got, err := db.CohortProgress(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].UserID != "U0ANNA" || got[2].UserID != "U0BART" {
			t.Errorf("cohort progress = %+v", got)
		}
	})

	t.Run("AuditOnce", func(t *testing.T) {
		var n int
		if err := db.GetContext(ctx, &n, `SELECT count(*) FROM audit_log WHERE action = 'reading_done' AND user_id = 'U0ANNA'`); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("%d audit rows for a reading clicked three times, want 1", n)
		}
	})

	t.Run("UnknownKindRefused", func(t *testing.T) {
		bad := read
		bad.Kind = "meter"
		if _, _, err := db.MarkDone(ctx, bad); err == nil {
			t.Error("MarkDone accepted an unknown kind")
		}
	})
}

func TestRecordJoin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	now := time.Date(2026, 12, 1, 14, 0, 0, 0, amsterdam)
	db.Now = func() time.Time { return now }
	c := testCohort("Join", "C0JOIN")
	if _, err := db.SaveCohort(ctx, c); err != nil {
		t.Fatal(err)
	}
	catchUp := func(user string) *content.Delivery {
		return &content.Delivery{
			Key: "c" + itoa(int(c.ID)) + "/catchup/m0/" + user, Kind: "catch_up", RuleID: "catch_up",
			Audience: content.AudienceParticipant, Recipient: user, DueAt: now, Title: "Bijpraten",
		}
	}
	countCatchUps := func(t *testing.T, user string) int {
		t.Helper()
		var n int
		if err := db.GetContext(ctx, &n, `SELECT count(*) FROM deliveries WHERE cohort_id = $1 AND recipient = $2 AND kind = 'catch_up'`, c.ID, user); err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("BeforeTheCourse", func(t *testing.T) {
		res, err := db.RecordJoin(ctx, c.ID, "U0EARLY", catchUp("U0EARLY"))
		if err != nil {
			t.Fatal(err)
		}
		if !res.New || res.CatchUp {
			t.Errorf("result = %+v, want a new participant and no catch-up (nothing was sent yet)", res)
		}
		if n := countCatchUps(t, "U0EARLY"); n != 0 {
			t.Errorf("%d catch-up rows before anything was sent", n)
		}
	})

	// The welcome went out: a planned fan-out row expanded into one row per participant.
	mustExec(t, db, `
		INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, due_at, status)
		VALUES ($1, $2, 'welcome', 'welcome', 1, 'participants', $3, 'expanded')`,
		"c"+itoa(int(c.ID))+"/welcome/m1", c.ID, now.Add(-48*time.Hour))

	t.Run("UnderWay", func(t *testing.T) {
		res, err := db.RecordJoin(ctx, c.ID, "U0LATE", catchUp("U0LATE"))
		if err != nil {
			t.Fatal(err)
		}
		if !res.New || !res.CatchUp {
			t.Errorf("result = %+v, want a new participant with a catch-up", res)
		}
		if n := countCatchUps(t, "U0LATE"); n != 1 {
			t.Errorf("%d catch-up rows, want 1", n)
		}
	})

	t.Run("RetriedEvent", func(t *testing.T) {
		res, err := db.RecordJoin(ctx, c.ID, "U0LATE", catchUp("U0LATE"))
		if err != nil {
			t.Fatal(err)
		}
		if res.New || res.CatchUp {
			t.Errorf("result = %+v, want nothing new", res)
		}
		if n := countCatchUps(t, "U0LATE"); n != 1 {
			t.Errorf("%d catch-up rows after a retried event, want 1", n)
		}
	})

	t.Run("EarlyMemberComesBack", func(t *testing.T) {
		mustExec(t, db, `UPDATE participants SET left_at = $3 WHERE cohort_id = $1 AND user_id = $2`, c.ID, "U0EARLY", now)
		res, err := db.RecordJoin(ctx, c.ID, "U0EARLY", catchUp("U0EARLY"))
		if err != nil {
			t.Fatal(err)
		}
		if res.New || res.CatchUp {
			t.Errorf("result = %+v, want a returning participant without catch-up", res)
		}
		var left *time.Time
		if err := db.GetContext(ctx, &left, `SELECT left_at FROM participants WHERE cohort_id = $1 AND user_id = 'U0EARLY'`, c.ID); err != nil {
			t.Fatal(err)
		}
		if left != nil {
			t.Errorf("left_at = %v after coming back, want NULL", left)
		}
	})

	t.Run("RecordOnly", func(t *testing.T) {
		res, err := db.RecordJoin(ctx, c.ID, "U0QUIET", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !res.New || res.CatchUp {
			t.Errorf("result = %+v, want a new participant, no catch-up asked", res)
		}
	})
}
