package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// TestReadyzSendingPaused revokes the bot token before a message is due: /readyz answers 503 naming the reason
// and since when while sending is paused, and "ready" again once Slack accepts the token.
func TestReadyzSendingPaused(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	now := time.Date(2026, 12, 4, 8, 59, 3, 0, loc)
	db.Now = func() time.Time { return now }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	fake := slackfake.New(slackfake.Options{Now: func() time.Time { return now }})
	t.Cleanup(fake.Close)
	channel := fake.AddChannel(slackfake.Channel{Name: "het-gesprek", Members: []string{fake.BotUserID()}})
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
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

	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
	poster := bot.NewPoster(api, bot.PosterOptions{Log: log})
	d := scheduler.NewDispatcher(db, bot.NewSender(poster), handlers.NewDeliveries(course, db),
		scheduler.DispatchOptions{Now: func() time.Time { return now }, Log: log, Team: fake.TeamID()})
	m := &Main{DB: db, Logger: log, Slack: &slackSide{scheduler: d}}
	readyz := func() (int, string) {
		rec := httptest.NewRecorder()
		m.readyz(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec.Code, strings.TrimSpace(rec.Body.String())
	}
	if code, body := readyz(); code != http.StatusOK || body != "ready" {
		t.Fatalf("before: %d %q, want 200 ready", code, body)
	}

	fake.RevokeBotToken("token_revoked")
	if _, err := d.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	want := "not ready: slack token_revoked since 2026-12-04T08:59:03+01:00; sending paused"
	if code, body := readyz(); code != http.StatusServiceUnavailable || body != want {
		t.Errorf("while revoked: %d %q, want 503 %q", code, body, want)
	}

	fake.RestoreBotToken()
	if _, err := d.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if code, body := readyz(); code != http.StatusOK || body != "ready" {
		t.Errorf("after the token works again: %d %q, want 200 ready", code, body)
	}
	if n := len(fake.Messages(channel)); n != 1 {
		t.Errorf("%d messages in the channel, want the reminder once", n)
	}
}
