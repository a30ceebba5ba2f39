package app_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// TestReadyzSendingPaused revokes the bot token before a message is due: /readyz answers 503 naming the reason
// and since when while sending is paused, and "ready" again once Slack accepts the token.
func TestReadyzSendingPaused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	now := time.Date(2026, 12, 4, 8, 59, 3, 0, loc)
	w := bottest.New(t, bottest.Options{Now: now, Fake: slackfake.Options{Now: func() time.Time { return now }}})
	fake, db := w.Fake, w.DB
	channel := w.AddChannel("het-gesprek")
	c := &content.Cohort{Name: "Gereed", Channel: channel, Timezone: "Europe/Amsterdam", Trainers: []string{"U0TRAINER1"},
		Cases: []string{"richard", "johanna"}, Settings: content.DefaultCohortSettings()}
	for i := range 4 {
		s := time.Date(2026, 12, 8, 9, 0, 0, 0, loc).AddDate(0, 0, 7*i)
		c.Modules = append(c.Modules, content.CohortModule{Number: i + 1, Start: s, End: s.Add(4 * time.Hour), Location: "Zaal 3"})
	}
	if _, err := db.ApplyCohort(ctx, c, func(c *content.Cohort) ([]content.Delivery, error) {
		return []content.Delivery{{Key: "c1/reminder_day/m1", Kind: "reminder_day", RuleID: "reminder_day", Module: 1,
			Audience: content.AudienceChannel, DueAt: now, Deadline: &c.Modules[0].Start, Title: "Herinnering"}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	// /readyz as a load balancer asks it, on the bot's own HTTP server.
	readyz := func() (int, string) {
		resp, err := http.Get("http://" + w.App.Addr() + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(body))
	}
	if code, body := readyz(); code != http.StatusOK || body != "ready" {
		t.Fatalf("before: %d %q, want 200 ready", code, body)
	}

	fake.RevokeBotToken("token_revoked")
	w.Tick(t)
	want := "not ready: slack token_revoked since 2026-12-04T08:59:03+01:00; sending paused"
	if code, body := readyz(); code != http.StatusServiceUnavailable || body != want {
		t.Errorf("while revoked: %d %q, want 503 %q", code, body, want)
	}

	fake.RestoreBotToken()
	w.Tick(t)
	if code, body := readyz(); code != http.StatusOK || body != "ready" {
		t.Errorf("after the token works again: %d %q, want 200 ready", code, body)
	}
	if n := len(fake.Messages(channel)); n != 1 {
		t.Errorf("%d messages in the channel, want the reminder once", n)
	}
}

func TestMain(m *testing.M) { storetest.Main(m) }
