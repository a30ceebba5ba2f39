package slackfake_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
)

func TestViews(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Unix(1_733_212_345, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	w := newWorkspace(t, slackfake.Options{WallNow: clock})
	w.fake.StrictT(t)
	bot := startBot(t, w)
	ctx := context.Background()

	t.Run("HomeAndClick", func(t *testing.T) {
		home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewActionBlock("export", slack.NewButtonBlockElement("mijn_gegevens", "export",
				slack.NewTextBlockObject("plain_text", "Download mijn gegevens", false, false)))}}}
		res, err := w.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: w.anna, View: home})
		if err != nil {
			t.Fatal(err)
		}
		got, ok := w.fake.Home(w.anna)
		if !ok || got.ID != res.ID || got.Type != "home" {
			t.Fatalf("home = %+v", got)
		}
		if _, err := w.fake.ClickHome(ctx, w.anna, "mijn_gegevens", ""); err != nil {
			t.Fatal(err)
		}
		bot.mu.Lock()
		cb := bot.clicks[len(bot.clicks)-1]
		bot.mu.Unlock()
		if cb.Container.Type != "view" || cb.View.ID != res.ID || cb.ActionCallback.BlockActions[0].Value != "export" {
			t.Errorf("home click = %+v", cb)
		}
		stale := "1.stale"
		_, err = w.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: w.anna, View: home, Hash: &stale})
		if slackErr(err) != "hash_conflict" {
			t.Errorf("stale hash: %v", err)
		}
		_, err = w.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0NOPE", View: home})
		if slackErr(err) != "user_not_found" {
			t.Errorf("unknown user: %v", err)
		}
	})

	t.Run("TriggerExpiresAfterThreeSeconds", func(t *testing.T) {
		resp, err := w.fake.Command(ctx, w.anna, w.channel, "/gesprekbot", "help")
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		now = now.Add(3*time.Second + time.Millisecond)
		mu.Unlock()
		_, err = w.api.OpenViewContext(ctx, resp.TriggerID, scoreModal())
		if slackErr(err) != "expired_trigger_id" {
			t.Errorf("late views.open: %v", err)
		}
	})

	t.Run("PushUpdateAndClose", func(t *testing.T) {
		resp, err := w.fake.Command(ctx, w.anna, w.channel, "/gesprekbot", "help")
		if err != nil {
			t.Fatal(err)
		}
		first, err := w.api.OpenViewContext(ctx, resp.TriggerID, scoreModal())
		if err != nil {
			t.Fatal(err)
		}
		click, err := w.fake.ClickView(ctx, w.anna, first.ID, "score_select", "4")
		if err != nil {
			t.Fatal(err)
		}
		second := scoreModal()
		second.Title = slack.NewTextBlockObject("plain_text", "Stap 2", false, false)
		pushed, err := w.api.PushViewContext(ctx, click.TriggerID, second)
		if err != nil {
			t.Fatal(err)
		}
		if pushed.PreviousViewID != first.ID || pushed.RootViewID != first.ID || len(w.fake.Views(w.anna)) != 3 {
			t.Errorf("push = prev %s root %s, views %d", pushed.PreviousViewID, pushed.RootViewID, len(w.fake.Views(w.anna)))
		}
		second.Title = slack.NewTextBlockObject("plain_text", "Stap 3", false, false)
		if _, err := w.api.UpdateViewContext(ctx, second, "", pushed.Hash, pushed.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.api.UpdateViewContext(ctx, second, "", pushed.Hash, pushed.ID); slackErr(err) != "hash_conflict" {
			t.Errorf("update with an old hash: %v", err)
		}
		if top, _ := w.fake.TopModal(w.anna); top.Title != "Stap 3" {
			t.Errorf("top modal = %q", top.Title)
		}
		if _, err := w.fake.CloseView(ctx, w.anna); err != nil {
			t.Fatal(err)
		}
		if top, _ := w.fake.TopModal(w.anna); top.ID != first.ID {
			t.Errorf("after close the top is %s, want %s", top.ID, first.ID)
		}
	})
}

func TestConcurrentPosts(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, slackfake.Options{})
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 25 {
				if _, _, err := w.api.PostMessageContext(ctx, w.channel, slack.MsgOptionText(fmt.Sprintf("%d-%d", g, i), false)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	msgs := w.fake.Messages(w.channel)
	if len(msgs) != 200 {
		t.Fatalf("%d messages, want 200", len(msgs))
	}
	for i := 1; i < len(msgs); i++ {
		if msgs[i].TS <= msgs[i-1].TS {
			t.Fatalf("ts not increasing at %d: %s <= %s", i, msgs[i].TS, msgs[i-1].TS)
		}
	}
}
