package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// CloseStatements closes what a handle prepared on its connections and leaves them open for the handles after it.
func TestCloseStatements(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one session, whose prepared statements the test can see
	prepared := func() int {
		t.Helper()
		var n int
		if err := db.GetContext(ctx, &n, `SELECT count(*) FROM pg_prepared_statements`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	h := db.WithNow(time.Now)
	if _, err := h.ReservePace(ctx, time.Now(), []store.PaceKey{{Key: "T0/channel:C0", Interval: time.Second}}, 0); err != nil {
		t.Fatal(err)
	}
	if n := prepared(); n != 1 {
		t.Fatalf("%d statements prepared after a reservation, want 1", n)
	}
	if err := h.CloseStatements(); err != nil {
		t.Fatal(err)
	}
	if n := prepared(); n != 0 {
		t.Errorf("%d statements still prepared after CloseStatements, want none", n)
	}
	if _, err := db.WithNow(time.Now).ReservePace(ctx, time.Now(), []store.PaceKey{{Key: "T0/channel:C0", Interval: time.Second}}, 0); err != nil {
		t.Errorf("the connections after CloseStatements: %v", err)
	}
}
