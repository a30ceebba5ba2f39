package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// notices returns each trainer_notice row of cohort id as "recipient status due" with its number of items.
func notices(t *testing.T, db *store.DB, id int64) []struct {
	Recipient string    `db:"recipient"`
	Status    string    `db:"status"`
	DueAt     time.Time `db:"due_at"`
	Items     int       `db:"items"`
} {
	t.Helper()
	var out []struct {
		Recipient string    `db:"recipient"`
		Status    string    `db:"status"`
		DueAt     time.Time `db:"due_at"`
		Items     int       `db:"items"`
	}
	if err := db.SelectContext(context.Background(), &out, `
		SELECT n.recipient, n.status, n.due_at, (SELECT count(*) FROM trainer_notice_items i WHERE i.notice_id = n.id) AS items
		FROM deliveries n WHERE n.cohort_id = $1 AND n.kind = 'trainer_notice' ORDER BY n.recipient, n.id`, id); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTellTrainers fails one delivery and misses another, then has two replicas tell the trainers at once: each
// of the two trainers gets one notice holding both, and telling again adds nothing. A failure while the notice
// waits joins it; one after the notice was claimed goes on a new notice an hour after it.
func TestTellTrainers(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	id := dispatchFixture(t, db, 4, now.Add(-2*time.Hour))
	if _, err := db.ExecContext(ctx, `INSERT INTO cohort_trainers (cohort_id, user_id, position) VALUES ($1, 'U0TRAINER2', 1), ($1, 'tess@gemeente.nl', 2)`, id); err != nil {
		t.Fatal(err)
	}
	// r0 is missed (deadline passed), r1 claimed and failed.
	missed, err := db.MarkMissed(ctx, now, 1)
	if err != nil || len(missed) != 1 {
		t.Fatalf("mark missed: %v %v", missed, err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE deliveries SET deadline = NULL WHERE cohort_id = $1 AND status = 'pending'`, id); err != nil {
		t.Fatal(err)
	}
	fail := func(at time.Time) {
		t.Helper()
		cs, err := db.ClaimDue(ctx, "test", at, at.Add(time.Minute), 1)
		if err != nil || len(cs) != 1 {
			t.Fatalf("claim: %v %v", cs, err)
		}
		if err := db.FinishDelivery(ctx, cs[0].ID, "test", store.StatusFailed, "not_in_channel", at); err != nil {
			t.Fatal(err)
		}
	}
	fail(now)

	var wg sync.WaitGroup
	told := make([]int, 2)
	for i := range told {
		wg.Go(func() {
			rows, err := db.TellTrainers(ctx, now, 100)
			if err != nil {
				t.Error(err)
			}
			told[i] = len(rows)
		})
	}
	wg.Wait()
	if told[0]+told[1] != 2 {
		t.Errorf("the two replicas took %v rows, want 2 in all", told)
	}
	ns := notices(t, db, id)
	if len(ns) != 2 || ns[0].Recipient != "U0TRAINER1" || ns[1].Recipient != "U0TRAINER2" {
		t.Fatalf("notices %+v, want one for each trainer with a Slack account", ns)
	}
	for _, n := range ns {
		if n.Items != 2 || n.Status != store.StatusPending || !n.DueAt.Equal(now) {
			t.Errorf("notice %+v, want pending, due now, with both rows", n)
		}
	}
	if rows, err := db.TellTrainers(ctx, now, 100); err != nil || len(rows) != 0 {
		t.Errorf("telling again took %v (%v), want nothing", rows, err)
	}

	// Another failure while the notices wait joins them.
	fail(now.Add(time.Minute))
	if _, err := db.TellTrainers(ctx, now.Add(time.Minute), 100); err != nil {
		t.Fatal(err)
	}
	if ns := notices(t, db, id); len(ns) != 2 || ns[0].Items != 3 || ns[1].Items != 3 {
		t.Errorf("after a failure while the notices wait: %+v, want the same two with 3 rows each", ns)
	}

	// The dispatcher claims the notices; a failure after that goes on a new one, due an hour after the first.
	for range 2 {
		if _, err := db.ExecContext(ctx, `UPDATE deliveries SET status = 'sending', lease_owner = 'x', lease_until = $2
			WHERE cohort_id = $1 AND kind = 'trainer_notice' AND status = 'pending'`, id, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	fail(now.Add(2 * time.Minute))
	if _, err := db.TellTrainers(ctx, now.Add(2*time.Minute), 100); err != nil {
		t.Fatal(err)
	}
	ns = notices(t, db, id)
	if len(ns) != 4 {
		t.Fatalf("notices %+v, want a second one for each trainer", ns)
	}
	for _, n := range []int{1, 3} {
		if ns[n].Status != store.StatusPending || ns[n].Items != 1 || !ns[n].DueAt.Equal(now.Add(time.Hour)) {
			t.Errorf("second notice %+v, want pending, due an hour after the first, with the new failure only", ns[n])
		}
	}
}
