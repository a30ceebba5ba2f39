package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// kill ends an owner's session the way the kernel does when its process dies: its backend goes away.
func kill(t *testing.T, db *store.DB, owner string) {
	t.Helper()
	var ok bool
	if err := db.GetContext(context.Background(), &ok, `
		SELECT pg_terminate_backend(backend_pid) FROM owners WHERE name = $1`, owner); err != nil || !ok {
		t.Fatalf("terminate %s's session: %v (%v)", owner, err, ok)
	}
	// pg_terminate_backend only signals; wait until the backend is gone.
	deadline := time.Now().Add(10 * time.Second)
	for {
		live, err := db.LiveOwners(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(live) == fmt.Sprint(without(live, owner)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still alive 10 s after its session was terminated", owner)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func without(list []string, s string) []string {
	var out []string
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

func register(t *testing.T, db *store.DB, name string) *store.OwnerSession {
	t.Helper()
	s, err := db.RegisterOwner(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func TestOwnerLiveness(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	a := register(t, db, "a")
	register(t, db, "b")
	if live, err := db.LiveOwners(ctx); err != nil || fmt.Sprint(live) != "[a b]" {
		t.Fatalf("live owners %v (err %v), want a and b", live, err)
	}
	kill(t, db, "a")
	if live, _ := db.LiveOwners(ctx); fmt.Sprint(live) != "[b]" {
		t.Fatalf("live owners %v after a died, want b", live)
	}
	// An owner whose session was cut but that is still running comes back on its next heartbeat.
	if err := a.Beat(ctx); err != nil {
		t.Fatalf("beat after the session was cut: %v", err)
	}
	if live, _ := db.LiveOwners(ctx); fmt.Sprint(live) != "[a b]" {
		t.Errorf("live owners %v after a's heartbeat, want a and b", live)
	}
	if err := a.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.GetContext(ctx, &n, `SELECT count(*) FROM owners WHERE name = 'a'`); err != nil || n != 0 {
		t.Errorf("%d registrations of a after Close (err %v), want none", n, err)
	}
}

func TestClaimOrphaned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	lease := now.Add(2 * time.Minute)
	const quiet = time.Hour

	t.Run("DeadOwnersUnattemptedRowsAtOnce", func(t *testing.T) {
		db := storetest.New(t)
		dispatchFixture(t, db, 3, now)
		register(t, db, "a")
		register(t, db, "b")
		got, err := db.ClaimDue(ctx, "a", now.Add(time.Minute), lease, 10)
		if err != nil || len(got) != 4 {
			t.Fatalf("claimed %v (err %v)", claimKeys(got), err)
		}
		if err := db.StartAttempt(ctx, got[0].ID, "a", now, lease); err != nil {
			t.Fatal(err)
		}
		if re, err := db.ClaimOrphaned(ctx, "b", now, lease, quiet, 10); err != nil || len(re) != 0 {
			t.Fatalf("took %v (err %v) from a live owner", claimKeys(re), err)
		}
		kill(t, db, "a")
		if has, err := db.HasOrphans(ctx, "b", quiet); err != nil || !has {
			t.Errorf("HasOrphans = %v (err %v), want true", has, err)
		}
		if has, _ := db.HasOrphans(ctx, "a", quiet); has {
			t.Error("HasOrphans offers a its own rows")
		}
		// Long before the leases run out, b takes what a never attempted; the row a set out to post stays with a
		// until a has been silent for the quiet time.
		re, err := db.ClaimOrphaned(ctx, "b", now, lease, quiet, 10)
		if err != nil || len(re) != 3 {
			t.Fatalf("took %v (err %v), want the 3 rows a never attempted", claimKeys(re), err)
		}
		for _, c := range re {
			if c.ID == got[0].ID || c.Attempted || c.Attempts != 2 {
				t.Errorf("took %s attempted=%v attempts=%d", c.Key, c.Attempted, c.Attempts)
			}
		}
		if err := db.StartAttempt(ctx, re[0].ID, "a", now, lease); err == nil {
			t.Error("the dead owner could still start an attempt on a row taken over")
		}
		if has, _ := db.HasOrphans(ctx, "b", quiet); has {
			t.Error("HasOrphans still true with only an attempted row inside the quiet time")
		}
		re, err = db.ClaimOrphaned(ctx, "b", now, lease, 0, 10)
		if err != nil || len(re) != 1 || re[0].ID != got[0].ID || !re[0].Attempted {
			t.Fatalf("after the quiet time took %+v (err %v), want the attempted row, marked attempted", re, err)
		}
	})

	t.Run("UnregisteredOwnersWaitForTheirLease", func(t *testing.T) {
		db := storetest.New(t)
		dispatchFixture(t, db, 1, now)
		if got, _ := db.ClaimDue(ctx, "tick-only", now, lease, 10); len(got) != 2 {
			t.Fatalf("claimed %d", len(got))
		}
		if re, err := db.ClaimOrphaned(ctx, "b", now, lease, 0, 10); err != nil || len(re) != 0 {
			t.Errorf("took %v (err %v) from an owner that never registered", claimKeys(re), err)
		}
	})

	t.Run("ForgottenWhenTheirRowsAreTaken", func(t *testing.T) {
		db := storetest.New(t)
		dispatchFixture(t, db, 1, now)
		register(t, db, "a")
		db.ClaimDue(ctx, "a", now, lease, 10)
		kill(t, db, "a")
		register(t, db, "b")
		if n, err := db.ForgetDeadOwners(ctx); err != nil || n != 0 {
			t.Fatalf("forgot %d (err %v) while the dead owner still holds rows", n, err)
		}
		if _, err := db.ClaimOrphaned(ctx, "b", now, lease, 0, 10); err != nil {
			t.Fatal(err)
		}
		if n, err := db.ForgetDeadOwners(ctx); err != nil || n != 1 {
			t.Errorf("forgot %d (err %v), want the dead owner without rows", n, err)
		}
		if live, _ := db.LiveOwners(ctx); fmt.Sprint(live) != "[b]" {
			t.Errorf("live owners %v, want b", live)
		}
	})
}

func TestAttemptAndDefer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	lease := now.Add(2 * time.Minute)
	db := storetest.New(t)
	dispatchFixture(t, db, 1, now) // a channel row and a homework row
	got, _ := db.ClaimDue(ctx, "a", now.Add(time.Minute), lease, 2)
	if len(got) != 2 {
		t.Fatalf("claimed %d", len(got))
	}
	// One row was set out to post and given back (a pause); it comes back attempted, at the same attempt count.
	if err := db.StartAttempt(ctx, got[0].ID, "a", now, lease); err != nil {
		t.Fatal(err)
	}
	if n, err := db.ReleaseDeliveries(ctx, "a", []int64{got[0].ID}, now); err != nil || n != 1 {
		t.Fatalf("released %d (err %v)", n, err)
	}
	// The other is due outside sending hours: back to pending, due later, with a note.
	later := now.Add(30 * time.Minute) // before its deadline
	if err := db.DeferDelivery(ctx, got[1].ID, "a", later, "verschoven: nachtrust", now); err != nil {
		t.Fatal(err)
	}
	again, err := db.ClaimDue(ctx, "b", now.Add(2*time.Minute), lease, 10)
	if err != nil || len(again) != 1 || again[0].ID != got[0].ID || !again[0].Attempted || again[0].Attempts != 1 {
		t.Fatalf("claimed %+v (err %v), want the released row, attempted, attempt 1", again, err)
	}
	d := deliveriesByKey(t, db, got[1].CohortID)[got[1].Key]
	if d.Status != store.StatusPending || !d.DueAt.Equal(later) || d.Note != "verschoven: nachtrust" || d.Attempts != 0 {
		t.Errorf("deferred row %+v, want pending at %v with its note and no attempt counted", d, later)
	}
	if err := db.DeferDelivery(ctx, got[1].ID, "a", later, "", now); err == nil {
		t.Error("DeferDelivery of a row not held succeeded")
	}
}
