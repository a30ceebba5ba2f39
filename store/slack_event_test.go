package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/store/storetest"
)

func TestSeenEvent(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }

	steps := []struct {
		name string
		id   string
		want bool
	}{
		{"First", "Ev01", false},
		{"Retry", "Ev01", true},
		{"Other", "Ev02", false},
		{"RetryAgain", "Ev01", true},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			seen, err := db.SeenEvent(ctx, s.id)
			if err != nil {
				t.Fatal(err)
			}
			if seen != s.want {
				t.Errorf("SeenEvent(%s) = %v, want %v", s.id, seen, s.want)
			}
		})
	}

	t.Run("Forget", func(t *testing.T) {
		if err := db.ForgetEvent(ctx, "Ev02"); err != nil {
			t.Fatal(err)
		}
		if seen, err := db.SeenEvent(ctx, "Ev02"); err != nil || seen {
			t.Errorf("Ev02 after forget: seen=%v err=%v, want new", seen, err)
		}
	})

	t.Run("Prune", func(t *testing.T) {
		now = now.Add(2 * time.Hour)
		if _, err := db.SeenEvent(ctx, "Ev03"); err != nil {
			t.Fatal(err)
		}
		n, err := db.PruneEvents(ctx, now.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("pruned %d, want 2", n)
		}
		if seen, _ := db.SeenEvent(ctx, "Ev01"); seen {
			t.Error("Ev01 still seen after prune")
		}
		if seen, _ := db.SeenEvent(ctx, "Ev03"); !seen {
			t.Error("Ev03 pruned too early")
		}
	})
}
