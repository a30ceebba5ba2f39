package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// noticeCohort is a cohort in w's workspace with trainer as its trainer and anna as participant, in a channel the
// bot is a member of, its modules weeks after the World's clock; its plan is the deliveries plan returns. gone
// makes the trainer a deactivated account, whose DMs Slack refuses.
func noticeCohort(t *testing.T, w *bottest.World, name string, gone bool, plan func(id int64) []content.Delivery) (c *content.Cohort, trainer, anna, channel string) {
	t.Helper()
	ctx := context.Background()
	trainer = w.AddUser(slackfake.User{Name: "trainer-" + name, RealName: "Tineke Trainer", Deleted: gone})
	anna = w.AddUser(slackfake.User{Name: "anna-" + name, RealName: "Anna de Vries"})
	channel = w.AddChannel("groep-"+name, trainer, anna)
	c = &content.Cohort{Name: "Groep " + name, Channel: channel, Timezone: "Europe/Amsterdam", Trainers: []string{trainer},
		Cases: []string{"richard", "johanna"}, Settings: content.DefaultCohortSettings()}
	start := w.Clock.Now().AddDate(0, 0, 21).Truncate(24 * time.Hour).Add(9 * time.Hour)
	for i := range 4 {
		s := start.AddDate(0, 0, 7*i)
		c.Modules = append(c.Modules, content.CohortModule{Number: i + 1, Start: s, End: s.Add(4 * time.Hour), Location: "Zaal 3"})
	}
	if _, err := w.DB.SaveCohort(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.ReplacePlan(ctx, c.ID, plan(c.ID)); err != nil {
		t.Fatal(err)
	}
	return c, trainer, anna, channel
}

// channelReminder is a planned reminder_day post in the channel for module n, due at due.
func channelReminder(id int64, n int, due time.Time) content.Delivery {
	return content.Delivery{Key: fmt.Sprintf("c%d/reminder_day/m%d", id, n), Kind: "reminder_day", RuleID: "reminder_day",
		Module: n, Audience: content.AudienceChannel, DueAt: due, Title: fmt.Sprintf("Herinnering module %d", n)}
}

// blocksText is the text of a message's section blocks, as the reader sees it.
func blocksText(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var blocks []struct {
		Text *struct {
			Text string `json:"text"`
		} `json:"text"`
	}
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatalf("blocks %s: %v", raw, err)
	}
	var parts []string
	for _, b := range blocks {
		if b.Text != nil {
			parts = append(parts, b.Text.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// dms returns the texts of the bot's messages in user's DM.
func dms(t *testing.T, w *bottest.World, user string) []string {
	t.Helper()
	var out []string
	for _, m := range w.Fake.Messages(w.Fake.IMWith(user)) {
		out = append(out, blocksText(t, m.Blocks))
	}
	return out
}

// TestTrainerNoticeBotNotInChannel removes the bot from a cohort's channel: the planned channel post fails, and
// the trainer gets exactly one DM that names it and says to type /invite @gesprekbot in the channel. Two more that
// fail within the hour are not DMed at once but gathered into one DM an hour after the first; /training status
// shows the same reasons.
func TestTrainerNoticeBotNotInChannel(t *testing.T) {
	t.Parallel()
	w := bottest.New(t, bottest.Options{})
	t0 := w.Clock.Now()
	_, trainer, _, channel := noticeCohort(t, w, "kanaal", false, func(id int64) []content.Delivery {
		return []content.Delivery{channelReminder(id, 1, t0), channelReminder(id, 2, t0.Add(10*time.Minute)),
			channelReminder(id, 3, t0.Add(20*time.Minute))}
	})
	if err := w.Fake.Leave(channel, w.Fake.BotUserID()); err != nil {
		t.Fatal(err)
	}

	w.Tick(t)
	got := dms(t, w, trainer)
	if len(got) != 1 {
		t.Fatalf("after the first failure the trainer has %d DMs, want 1: %q", len(got), got)
	}
	for _, want := range []string{"Herinnering module 1", "/invite @gesprekbot", "<#" + channel + ">"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("the DM does not say %q:\n%s", want, got[0])
		}
	}
	if strings.Contains(got[0], "module 2") {
		t.Errorf("the DM names a message that has not failed yet:\n%s", got[0])
	}

	// Two more fail within the hour: no DM now.
	for _, at := range []time.Duration{10 * time.Minute, 20 * time.Minute, 59 * time.Minute} {
		w.Clock.Set(t0.Add(at))
		w.Tick(t)
	}
	if got := dms(t, w, trainer); len(got) != 1 {
		t.Fatalf("within the hour the trainer has %d DMs, want still 1: %q", len(got), got)
	}
	var failed int
	if err := w.DB.GetContext(context.Background(), &failed, `SELECT count(*) FROM deliveries WHERE status = 'failed' AND kind = 'reminder_day'`); err != nil || failed != 3 {
		t.Fatalf("%d failed reminders (%v), want 3", failed, err)
	}

	// An hour after the first DM, the two are told together.
	w.Clock.Set(t0.Add(time.Hour))
	w.Tick(t)
	got = dms(t, w, trainer)
	if len(got) != 2 {
		t.Fatalf("an hour later the trainer has %d DMs, want 2: %q", len(got), got)
	}
	for _, want := range []string{"Herinnering module 2", "Herinnering module 3", "/invite @gesprekbot"} {
		if !strings.Contains(got[1], want) {
			t.Errorf("the second DM does not say %q:\n%s", want, got[1])
		}
	}
	if strings.Contains(got[1], "module 1") {
		t.Errorf("the second DM tells the first failure again:\n%s", got[1])
	}
	w.Clock.Set(t0.Add(3 * time.Hour))
	w.Tick(t)
	if got := dms(t, w, trainer); len(got) != 2 {
		t.Fatalf("with nothing new the trainer has %d DMs, want 2", len(got))
	}

	resp := w.Command(t, trainer, channel, "/training", "status")
	status := statusText(t, w, trainer, resp)
	for _, want := range []string{"Herinnering module 1", "Herinnering module 3", "/invite @gesprekbot"} {
		if !strings.Contains(status, want) {
			t.Errorf("/training status does not say %q:\n%s", want, status)
		}
	}
}

// statusText is what the trainer sees of a command's answer: the ack's message, or the ephemeral it posted.
func statusText(t *testing.T, w *bottest.World, user string, resp slackfake.Response) string {
	t.Helper()
	var ack struct {
		Text   string          `json:"text"`
		Blocks json.RawMessage `json:"blocks"`
	}
	var parts []string
	if len(resp.Payload) > 0 && json.Unmarshal(resp.Payload, &ack) == nil {
		parts = append(parts, ack.Text)
		if len(ack.Blocks) > 0 {
			parts = append(parts, blocksText(t, ack.Blocks))
		}
	}
	for _, m := range w.Fake.Ephemerals(user) {
		parts = append(parts, m.Text)
		if len(m.Blocks) > 0 {
			parts = append(parts, blocksText(t, m.Blocks))
		}
	}
	return strings.Join(parts, "\n")
}

// TestTrainerNoticeMissed has the bot not run while a reminder was due until after its deadline: the reminder is
// marked missed and the trainer gets a DM saying the bot was not running at the planned moment.
func TestTrainerNoticeMissed(t *testing.T) {
	t.Parallel()
	w := bottest.New(t, bottest.Options{})
	t0 := w.Clock.Now()
	_, trainer, _, _ := noticeCohort(t, w, "gemist", false, func(id int64) []content.Delivery {
		d := channelReminder(id, 1, t0.Add(-2*time.Hour))
		deadline := t0.Add(-time.Hour)
		d.Deadline = &deadline
		return []content.Delivery{d}
	})
	w.Tick(t)
	got := dms(t, w, trainer)
	if len(got) != 1 {
		t.Fatalf("the trainer has %d DMs, want 1: %q", len(got), got)
	}
	for _, want := range []string{"Herinnering module 1", "draaide niet op het geplande moment"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("the DM does not say %q:\n%s", want, got[0])
		}
	}
}

// TestTrainerNoticeOwnDMFails has the trainer's own notice refused by Slack (the trainer's account is gone): it
// fails, and is not told again, so that no notice about a notice is ever made; the next failure gets a notice of
// its own.
func TestTrainerNoticeOwnDMFails(t *testing.T) {
	t.Parallel()
	w := bottest.New(t, bottest.Options{})
	t0 := w.Clock.Now()
	c, trainer, _, channel := noticeCohort(t, w, "eigen", true, func(id int64) []content.Delivery {
		return []content.Delivery{channelReminder(id, 1, t0), channelReminder(id, 2, t0.Add(2*time.Hour))}
	})
	if err := w.Fake.Leave(channel, w.Fake.BotUserID()); err != nil {
		t.Fatal(err)
	}
	w.Tick(t)
	for _, at := range []time.Duration{time.Hour, 2 * time.Hour, 4 * time.Hour} {
		w.Clock.Set(t0.Add(at))
		w.Tick(t)
	}
	ds, err := w.DB.Deliveries(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var notices []string
	for _, d := range ds {
		if d.Kind == store.KindTrainerNotice {
			notices = append(notices, d.Status)
		}
	}
	if strings.Join(notices, ",") != "failed,failed" {
		t.Errorf("trainer notices %v, want two failed (about module 1 and module 2), none about a notice", notices)
	}
	_ = trainer
}
