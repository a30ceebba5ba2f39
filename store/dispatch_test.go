package store_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// dispatchFixture stores a cohort with a plan of n channel rows due at due (deadline an hour later) and one
// participants row, and returns the cohort's id.
func dispatchFixture(t *testing.T, db *store.DB, n int, due time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	start := time.Date(2026, 12, 7, 9, 0, 0, 0, loc)
	c := &content.Cohort{Name: "Dispatch", Channel: "C0DISPATCH", Timezone: "Europe/Amsterdam",
		Trainers: []string{"U0TRAINER1"}, Cases: []string{"richard", "johanna"}, Settings: content.DefaultCohortSettings()}
	for i := 1; i <= 4; i++ {
		s := start.AddDate(0, 0, 7*(i-1))
		c.Modules = append(c.Modules, content.CohortModule{Number: i, Start: s, End: s.Add(4 * time.Hour), Location: "zaal 3"})
	}
	deadline := due.Add(time.Hour)
	_, err := db.ApplyCohort(ctx, c, func(c *content.Cohort) ([]content.Delivery, error) {
		var ds []content.Delivery
		for i := 0; i < n; i++ {
			ds = append(ds, content.Delivery{Key: fmt.Sprintf("c%d/r%d/m1", c.ID, i), Kind: "reminder_day",
				RuleID: fmt.Sprintf("r%d", i), Module: 1, Audience: content.AudienceChannel,
				DueAt: due.Add(time.Duration(i) * time.Second), Deadline: &deadline})
		}
		ds = append(ds, content.Delivery{Key: fmt.Sprintf("c%d/homework/m1", c.ID), Kind: "homework",
			RuleID: "homework", Module: 1, Audience: content.AudienceParticipants, DueAt: due, Deadline: &deadline,
			FollowsCalendar: true})
		return ds, nil
	})
	if err != nil {
		t.Fatalf("apply cohort: %v", err)
	}
	return c.ID
}

func claimKeys(cs []store.Claim) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Key)
	}
	sort.Strings(out)
	return out
}

func TestClaimDue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	lease := now.Add(2 * time.Minute)

	t.Run("OnlyDueRows", func(t *testing.T) {
		db := storetest.New(t)
		dispatchFixture(t, db, 3, now.Add(-time.Second)) // r0 due a second ago, r1 now, r2 in a second
		got, err := db.ClaimDue(ctx, "a", now, lease, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 { // r0, r1 and the homework row
			t.Fatalf("claimed %v, want r0, r1 and homework", claimKeys(got))
		}
		for _, c := range got {
			if c.Status != store.StatusSending || c.Attempts != 1 || c.ClaimedAt == nil || c.Attempted {
				t.Errorf("%s: status %s attempts %d claimed_at %v attempted %v", c.Key, c.Status, c.Attempts, c.ClaimedAt, c.Attempted)
			}
		}
		again, err := db.ClaimDue(ctx, "b", now, lease, 100)
		if err != nil || len(again) != 0 {
			t.Fatalf("second claim took %v (err %v), want nothing: the rows are sending", claimKeys(again), err)
		}
	})

	t.Run("ConcurrentClaimsNeverShareARow", func(t *testing.T) {
		db := storetest.New(t)
		dispatchFixture(t, db, 200, now.Add(-time.Hour))
		var mu sync.Mutex
		seen := map[string]string{}
		var wg sync.WaitGroup
		for _, owner := range []string{"a", "b", "c"} {
			wg.Go(func() {
				for {
					got, err := db.ClaimDue(ctx, owner, now, lease, 7)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, c := range got {
						if prev, ok := seen[c.Key]; ok {
							t.Errorf("%s claimed by %s and %s", c.Key, prev, owner)
						}
						seen[c.Key] = owner
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != 201 {
			t.Errorf("claimed %d rows, want 201", len(seen))
		}
	})
}

func TestMarkMissed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	dispatchFixture(t, db, 2, now.Add(-2*time.Hour)) // deadline an hour ago
	missed, err := db.MarkMissed(ctx, now, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(missed) != 3 {
		t.Fatalf("missed %v, want all three rows", claimKeys(missed))
	}
	got, err := db.ClaimDue(ctx, "a", now, now.Add(time.Minute), 100)
	if err != nil || len(got) != 0 {
		t.Errorf("claimed %v after their deadline (err %v)", claimKeys(got), err)
	}
	counts, _ := db.DeliveryCounts(ctx, missed[0].CohortID)
	if counts[store.StatusMissed] != 3 {
		t.Errorf("counts %v, want 3 missed", counts)
	}
}

func TestLease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

	t.Run("ExpiredIsReclaimedAndOldOwnerLosesIt", func(t *testing.T) {
		db := storetest.New(t)
		dispatchFixture(t, db, 1, now)
		got, _ := db.ClaimDue(ctx, "a", now, now.Add(time.Minute), 1)
		if len(got) != 1 {
			t.Fatalf("claimed %d", len(got))
		}
		none, err := db.ClaimExpired(ctx, "b", now.Add(30*time.Second), now.Add(2*time.Minute), 10)
		if err != nil || len(none) != 0 {
			t.Fatalf("reclaimed %v before the lease ended (err %v)", claimKeys(none), err)
		}
		if err := db.StartAttempt(ctx, got[0].ID, "a", now, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		later := now.Add(2 * time.Minute)
		re, err := db.ClaimExpired(ctx, "b", later, later.Add(time.Minute), 10)
		if err != nil || len(re) != 1 || !re[0].Attempted || re[0].Attempts != 2 || !re[0].ClaimedAt.Equal(now) {
			t.Fatalf("reclaim = %+v (err %v), want the row, attempted, attempt 2, first claimed at %v", re, err, now)
		}
		if err := db.MarkSent(ctx, got[0].ID, "a", "C0DISPATCH", "1.000001", later); !errors.Is(err, store.ErrLeaseLost) {
			t.Errorf("old owner MarkSent = %v, want ErrLeaseLost", err)
		}
		if err := db.StartAttempt(ctx, got[0].ID, "a", later, later.Add(time.Minute)); !errors.Is(err, store.ErrLeaseLost) {
			t.Errorf("old owner StartAttempt = %v, want ErrLeaseLost", err)
		}
		if err := db.MarkSent(ctx, re[0].ID, "b", "C0DISPATCH", "1.000002", later); err != nil {
			t.Fatalf("new owner MarkSent: %v", err)
		}
		ds := deliveriesByKey(t, db, re[0].CohortID)
		d := ds[re[0].Key]
		if d.Status != store.StatusSent || *d.TS != "1.000002" || *d.ChannelID != "C0DISPATCH" {
			t.Errorf("row after MarkSent: %+v", d)
		}
	})

	t.Run("RetryComesBackAsExpired", func(t *testing.T) {
		db := storetest.New(t)
		dispatchFixture(t, db, 1, now)
		got, _ := db.ClaimDue(ctx, "a", now, now.Add(time.Minute), 1)
		if err := db.RetryDelivery(ctx, got[0].ID, "a", "http_503", now.Add(10*time.Second), now); err != nil {
			t.Fatal(err)
		}
		re, _ := db.ClaimExpired(ctx, "a", now.Add(11*time.Second), now.Add(time.Minute), 10)
		if len(re) != 1 || re[0].Error == nil || *re[0].Error != "http_503" {
			t.Fatalf("reclaimed %+v, want the retried row with its error", re)
		}
	})

	t.Run("ReleaseGoesBackToPending", func(t *testing.T) {
		db := storetest.New(t)
		dispatchFixture(t, db, 2, now)
		got, _ := db.ClaimDue(ctx, "a", now, now.Add(time.Minute), 10)
		ids := []int64{got[0].ID, got[1].ID}
		if n, err := db.ReleaseDeliveries(ctx, "b", ids, now); err != nil || n != 0 {
			t.Errorf("another owner released %d (err %v)", n, err)
		}
		if n, err := db.ReleaseDeliveries(ctx, "a", ids, now); err != nil || n != 2 {
			t.Fatalf("released %d (err %v), want 2", n, err)
		}
		again, _ := db.ClaimDue(ctx, "b", now, now.Add(time.Minute), 10)
		if len(again) != 2 || again[0].Attempts != 1 {
			t.Errorf("claimed after release: %+v, want the 2 rows at attempt 1", again)
		}
	})

	t.Run("FinishNeedsAnEndState", func(t *testing.T) {
		db := storetest.New(t)
		dispatchFixture(t, db, 1, now)
		got, _ := db.ClaimDue(ctx, "a", now, now.Add(time.Minute), 1)
		if err := db.FinishDelivery(ctx, got[0].ID, "a", store.StatusSent, "", now); err == nil {
			t.Error("FinishDelivery accepted status sent")
		}
		if err := db.FinishDelivery(ctx, got[0].ID, "a", store.StatusFailed, "channel_not_found", now); err != nil {
			t.Fatal(err)
		}
		d := deliveriesByKey(t, db, got[0].CohortID)[got[0].Key]
		if d.Status != store.StatusFailed || *d.Error != "channel_not_found" {
			t.Errorf("row %+v, want failed with the reason", d)
		}
	})
}

func TestExpandDelivery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	lease := now.Add(time.Minute)
	db := storetest.New(t)
	cohortID := dispatchFixture(t, db, 0, now)
	got, _ := db.ClaimDue(ctx, "a", now, lease, 10)
	if len(got) != 1 || got[0].Audience != content.AudienceParticipants {
		t.Fatalf("claimed %+v, want the homework row", got)
	}
	parent := got[0]

	kids, err := db.ExpandDelivery(ctx, parent, "a", []string{"U1", "U2"}, true, now, lease)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{parent.Key + "/U1", parent.Key + "/U2"}
	if fmt.Sprint(claimKeys(kids)) != fmt.Sprint(want) {
		t.Fatalf("children %v, want %v", claimKeys(kids), want)
	}
	for _, k := range kids {
		if k.Status != store.StatusSending || k.Audience != content.AudienceParticipant || k.RuleID != "homework" ||
			!k.DueAt.Equal(parent.DueAt) || k.Deadline == nil || !k.Deadline.Equal(*parent.Deadline) ||
			!parent.FollowsCalendar || !k.FollowsCalendar || k.Attempted {
			t.Errorf("child %+v does not carry its parent's rule, times, calendar and a lease", k)
		}
	}
	if _, err := db.ExpandDelivery(ctx, parent, "a", []string{"U3"}, true, now, lease); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("expanding an expanded row = %v, want ErrLeaseLost", err)
	}

	// A crash after the expansion commits leaves the parent expanded; a replica that expands the same planned row
	// under its own lease (after re-planning made it pending again) adds only who is new.
	mustExec(t, db, `UPDATE deliveries SET status = 'sending', lease_owner = 'b', lease_until = $2 WHERE id = $1`, parent.ID, lease)
	more, err := db.ExpandDelivery(ctx, parent, "b", []string{"U1", "U2", "U3"}, true, now, lease)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(claimKeys(more)) != fmt.Sprint([]string{parent.Key + "/U3"}) {
		t.Errorf("second expansion added %v, want only U3", claimKeys(more))
	}
	var n int
	if err := db.GetContext(ctx, &n, `SELECT count(*) FROM participants WHERE cohort_id = $1`, cohortID); err != nil || n != 3 {
		t.Errorf("%d participants recorded (err %v), want 3", n, err)
	}
	people, err := db.Participants(ctx, cohortID)
	if err != nil || fmt.Sprint(people) != "[U1 U2 U3]" {
		t.Errorf("participants %v (err %v), want U1 U2 U3", people, err)
	}
	counts, _ := db.DeliveryCounts(ctx, cohortID)
	if counts[store.StatusExpanded] != 1 || counts[store.StatusSending] != 3 {
		t.Errorf("counts %v, want 1 expanded and 3 sending", counts)
	}
}
