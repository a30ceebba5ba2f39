package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

func TestSandboxClockOffset(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	if _, ok, err := db.SandboxClockOffset(ctx); err != nil || ok {
		t.Fatalf("fresh database: ok=%v err=%v, want no offset", ok, err)
	}
	for _, want := range []time.Duration{36 * time.Hour, 36*time.Hour + 90*time.Minute} {
		if err := db.SetSandboxClockOffset(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, ok, err := db.SandboxClockOffset(ctx)
		if err != nil || !ok || got != want {
			t.Errorf("offset = %v, %v, %v; want %v", got, ok, err, want)
		}
	}
}

func TestSandboxSnapshot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)

	t.Run("Conversations", func(t *testing.T) {
		for _, msgs := range []string{`[{"ts":"1.000001"}]`, `[{"ts":"1.000001"},{"ts":"2.000001"}]`} {
			if err := db.SaveSandboxConversation(ctx, store.SandboxConversation{ID: "C0DEMO", Messages: json.RawMessage(msgs)}); err != nil {
				t.Fatal(err)
			}
		}
		cs, err := db.SandboxConversations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].ID != "C0DEMO" {
			t.Fatalf("conversations = %+v, want one C0DEMO", cs)
		}
		var got []map[string]string
		if err := json.Unmarshal(cs[0].Messages, &got); err != nil || len(got) != 2 {
			t.Errorf("messages = %s (%v), want the second save", cs[0].Messages, err)
		}
	})
	t.Run("Homes", func(t *testing.T) {
		h := store.SandboxHome{UserID: "U0DEMO1", ViewID: "V1", View: json.RawMessage(`{"type":"home","blocks":[]}`)}
		if err := db.SaveSandboxHome(ctx, h); err != nil {
			t.Fatal(err)
		}
		h.ViewID = "V2"
		if err := db.SaveSandboxHome(ctx, h); err != nil {
			t.Fatal(err)
		}
		hs, err := db.SandboxHomes(ctx)
		if err != nil || len(hs) != 1 || hs[0].ViewID != "V2" {
			t.Errorf("homes = %+v, %v; want one with view V2", hs, err)
		}
	})
	t.Run("Files", func(t *testing.T) {
		f := store.SandboxFile{ID: "F1", Name: "groei.pdf", Data: []byte("%PDF-1.4")}
		if err := db.SaveSandboxFile(ctx, f); err != nil {
			t.Fatal(err)
		}
		f.Channels, f.MessageTS = []string{"D1"}, "3.000001"
		if err := db.SaveSandboxFile(ctx, f); err != nil {
			t.Fatal(err)
		}
		fs, err := db.SandboxFiles(ctx)
		if err != nil || len(fs) != 1 || string(fs[0].Data) != "%PDF-1.4" || len(fs[0].Channels) != 1 || fs[0].MessageTS != "3.000001" {
			t.Errorf("files = %+v, %v", fs, err)
		}
	})
}

func TestUpcomingDeliveries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	c := testCohort("Sandbox", "C0SANDBOX")
	_, err := db.ApplyCohort(ctx, c, func(c *content.Cohort) ([]content.Delivery, error) {
		var ds []content.Delivery
		for i, m := range c.Modules {
			ds = append(ds, content.Delivery{Key: fmt.Sprintf("c%d/reminder_day/m%d", c.ID, m.Number), Kind: "reminder_day",
				RuleID: "reminder_day", Module: m.Number, Audience: content.AudienceChannel,
				DueAt: m.Start.AddDate(0, 0, -1), Title: fmt.Sprintf("Herinnering %d", i+1)})
		}
		return ds, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := db.UpcomingDeliveries(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(c.Modules) {
		t.Fatalf("%d upcoming, want %d", len(all), len(c.Modules))
	}
	for i := 1; i < len(all); i++ {
		if all[i].DueAt.Before(all[i-1].DueAt) {
			t.Errorf("not in due order: %v before %v", all[i-1].DueAt, all[i].DueAt)
		}
	}
	if all[0].CohortName != "Sandbox" || all[0].Title != "Herinnering 1" {
		t.Errorf("first = %+v", all[0])
	}
	two, err := db.UpcomingDeliveries(ctx, 2)
	if err != nil || len(two) != 2 {
		t.Errorf("limit 2: %d rows, %v", len(two), err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE deliveries SET status = 'missed' WHERE key = $1`, all[0].Key); err != nil {
		t.Fatal(err)
	}
	rest, err := db.UpcomingDeliveries(ctx, 100)
	if err != nil || len(rest) != len(all)-1 || rest[0].Key != all[1].Key {
		t.Errorf("after one missed: %+v, %v", rest, err)
	}
}
