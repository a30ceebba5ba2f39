package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/store/storetest"
)

func TestEventHandled(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	handled := func(id string) bool {
		t.Helper()
		h, err := db.EventHandled(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}

	t.Run("NotBeforeItIsMarked", func(t *testing.T) {
		// Asking is not recording: a handler that never finished leaves the event to be handled on Slack's retry.
		if handled("Ev01") || handled("Ev01") {
			t.Error("Ev01 handled before MarkEventHandled")
		}
	})
	t.Run("MarkedTwice", func(t *testing.T) {
		for range 2 {
			if err := db.MarkEventHandled(ctx, "Ev01"); err != nil {
				t.Fatal(err)
			}
		}
		if !handled("Ev01") || handled("Ev02") {
			t.Error("want Ev01 handled and Ev02 not")
		}
	})
	t.Run("Prune", func(t *testing.T) {
		now = now.Add(2 * time.Hour)
		if err := db.MarkEventHandled(ctx, "Ev03"); err != nil {
			t.Fatal(err)
		}
		n, err := db.PruneEvents(ctx, now.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("pruned %d, want 1", n)
		}
		if handled("Ev01") {
			t.Error("Ev01 still handled after prune")
		}
		if !handled("Ev03") {
			t.Error("Ev03 pruned too early")
		}
	})
}
