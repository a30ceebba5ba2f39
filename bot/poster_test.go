package bot_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// posterWorld is a poster on a fake workspace, with a real database for its audit rows.
type posterWorld struct {
	fake    *slackfake.Server
	db      *store.DB
	poster  *bot.Poster
	channel string
	anna    string
}

func newPosterWorld(t *testing.T, strict bool, opts bot.PosterOptions) *posterWorld {
	t.Helper()
	fake := slackfake.New(slackfake.Options{})
	t.Cleanup(fake.Close)
	if strict {
		fake.StrictT(t)
	}
	w := &posterWorld{fake: fake, db: storetest.New(t)}
	w.anna = fake.AddUser(slackfake.User{Name: "anna"})
	w.channel = fake.AddChannel(slackfake.Channel{Name: "cohort-1", Members: []string{w.anna, fake.BotUserID()}})
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
	opts.Log = bottest.QuietLog()
	opts.Audit = w.db
	if opts.BaseBackoff == 0 {
		opts.BaseBackoff = 10 * time.Millisecond
	}
	w.poster = bot.NewPoster(api, opts)
	return w
}

func msg(channel, text string) bot.Message { return bot.Message{Channel: channel, Text: text} }

// postTimes returns the times the fake answered chat.postMessage calls, in order, with their errors.
func (w *posterWorld) postCalls() []slackfake.Call {
	calls := w.fake.CallsTo("chat.postMessage")
	sort.Slice(calls, func(i, j int) bool { return calls[i].Time.Before(calls[j].Time) })
	return calls
}

func TestPosterPacesPerChannel(t *testing.T) {
	const interval = 200 * time.Millisecond
	w := newPosterWorld(t, true, bot.PosterOptions{ChannelRate: bot.Rate{PerSecond: 5, Burst: 2}})
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Go(func() {
			if _, err := w.poster.Send(context.Background(), bot.Message{Channel: w.channel, Text: "bericht"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var calls []slackfake.Call
	for _, c := range w.postCalls() {
		if c.Channel == w.channel {
			calls = append(calls, c)
		}
	}
	if len(calls) != 6 {
		t.Fatalf("%d posts to the channel, want 6", len(calls))
	}
	// Burst 2, then one per interval: post i (from 0) goes no earlier than (i-1) intervals after the first.
	// The fake stamps answers, not arrivals, so allow a little for the first answer being late.
	const slack = 40 * time.Millisecond
	for i := 2; i < len(calls); i++ {
		if got, min := calls[i].Time.Sub(calls[0].Time), time.Duration(i-1)*interval-slack; got < min {
			t.Errorf("post %d only %v after the first, want at least %v", i, got, min)
		}
	}
}

// TestPosterChannelBudgets: each channel has a budget of its own, so a channel whose budget is spent holds up no
// other channel (a cohort's busy channel does not delay another cohort's reminder).
func TestPosterChannelBudgets(t *testing.T) {
	w := newPosterWorld(t, true, bot.PosterOptions{ChannelRate: bot.PerMinute(1, 1)})
	other := w.fake.AddChannel(slackfake.Channel{Name: "cohort-2", Members: []string{w.fake.BotUserID()}})
	ctx := context.Background()
	if _, err := w.poster.Send(ctx, msg(w.channel, "eerste")); err != nil {
		t.Fatal(err)
	}
	// The channel has used its one post a minute: the next one to it waits, and gives up with its caller.
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := w.poster.Send(short, msg(w.channel, "tweede")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a second post to the channel within the minute: %v, want it to wait past its deadline", err)
	}
	// Another channel's post goes at once. The bound only keeps a broken poster from hanging the test: on a
	// budget shared with the first channel this post would wait most of a minute.
	bounded, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := w.poster.Send(bounded, msg(other, "elders")); err != nil {
		t.Fatalf("a post to another channel while the first channel's budget is spent: %v", err)
	}
	if n, m := len(w.fake.Messages(w.channel)), len(w.fake.Messages(other)); n != 1 || m != 1 {
		t.Errorf("%d messages in the first channel and %d in the other, want 1 and 1", n, m)
	}
}

func TestPosterWaitsRetryAfter(t *testing.T) {
	w := newPosterWorld(t, true, bot.PosterOptions{})
	w.fake.SetRateLimit("chat.postMessage", 60, 1)
	for i := 0; i < 2; i++ {
		if _, err := w.poster.Send(context.Background(), msg(w.channel, "na elkaar")); err != nil {
			t.Fatal(err)
		}
	}
	calls := w.postCalls()
	if len(calls) != 3 || calls[1].Status != 429 || !calls[2].OK {
		t.Fatalf("calls %+v, want ok, 429, ok", summary(calls))
	}
	// Retry-After is at least one second, and the fake stamps the 429 before the bot even sees it.
	if gap := calls[2].Time.Sub(calls[1].Time); gap < time.Second {
		t.Errorf("posted again %v after the 429, before Retry-After had passed", gap)
	}
	if n := len(w.fake.Messages(w.channel)); n != 2 {
		t.Errorf("%d messages, want 2", n)
	}
}

func summary(calls []slackfake.Call) []string {
	var out []string
	for _, c := range calls {
		s := c.Method
		if c.Error != "" {
			s += ":" + c.Error
		}
		out = append(out, s)
	}
	return out
}

func TestPosterRetriesTransientFailures(t *testing.T) {
	tests := []struct {
		name  string
		fault slackfake.Fault
		n     int
	}{
		{"500", slackfake.Fault500, 2},
		{"503", slackfake.Fault503, 1},
		{"Timeout", slackfake.FaultTimeout, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newPosterWorld(t, true, bot.PosterOptions{AttemptTimeout: 300 * time.Millisecond})
			w.fake.FailNext("chat.postMessage", tt.n, tt.fault)
			posted, err := w.poster.Send(context.Background(), msg(w.channel, "hou vol"))
			if err != nil {
				t.Fatal(err)
			}
			if calls := w.postCalls(); len(calls) != tt.n+1 {
				t.Errorf("calls %v, want %d failures then ok", summary(calls), tt.n)
			}
			if msgs := w.fake.Messages(w.channel); len(msgs) != 1 || msgs[0].TS != posted.TS {
				t.Errorf("messages %+v, want exactly the posted one", msgs)
			}
		})
	}
}

func TestPosterGivesUpAfterMaxAttempts(t *testing.T) {
	w := newPosterWorld(t, true, bot.PosterOptions{MaxAttempts: 3})
	w.fake.FailNext("chat.postMessage", 5, slackfake.Fault500)
	_, err := w.poster.Send(context.Background(), msg(w.channel, "helaas"))
	if err == nil || bot.IsPermanent(err) {
		t.Fatalf("err %v, want a transient failure", err)
	}
	if n := len(w.postCalls()); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
}

func TestPosterLostResponseNotPostedTwice(t *testing.T) {
	for _, dm := range []bool{false, true} {
		name := map[bool]string{false: "Channel", true: "DM"}[dm]
		t.Run(name, func(t *testing.T) {
			w := newPosterWorld(t, true, bot.PosterOptions{AttemptTimeout: time.Second})
			to := w.channel
			if dm {
				to = w.anna
			}
			w.fake.FailNext("chat.postMessage", 1, slackfake.FaultLostResponse)
			m := msg(to, "voorbereiding module 1")
			m.DeliveryKey = "cohort-1/prep/1/" + w.anna
			posted, err := w.poster.Send(context.Background(), m)
			if err != nil {
				t.Fatal(err)
			}
			conv := w.channel
			if dm {
				conv = w.fake.IMWith(w.anna)
			}
			msgs := w.fake.Messages(conv)
			if len(msgs) != 1 {
				t.Fatalf("%d messages, want 1 (no duplicate)", len(msgs))
			}
			if !posted.Found || posted.TS != msgs[0].TS || posted.Channel != conv {
				t.Errorf("posted %+v, want found at %s in %s", posted, msgs[0].TS, conv)
			}
			md := msgs[0].Metadata
			if md == nil || md.EventType != bot.DeliveryEventType || md.EventPayload["key"] != m.DeliveryKey {
				t.Errorf("metadata %+v, want the delivery key", md)
			}
		})
	}
}

func TestPosterPermanentErrors(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(w *posterWorld) bot.Message
		reason string
	}{
		{"ChannelNotFound", func(w *posterWorld) bot.Message { return msg("C0NOTHERE", "hallo") }, "channel_not_found"},
		{"Archived", func(w *posterWorld) bot.Message {
			c := w.fake.AddChannel(slackfake.Channel{Name: "oud", Archived: true, Members: []string{w.fake.BotUserID()}})
			return msg(c, "hallo")
		}, "is_archived"},
		{"NotInChannel", func(w *posterWorld) bot.Message {
			w.fake.FailNextError("chat.postMessage", 1, "not_in_channel")
			return msg(w.channel, "hallo")
		}, "not_in_channel"},
		{"InvalidBlocks", func(w *posterWorld) bot.Message {
			m := msg(w.channel, "te lang")
			m.Blocks = []slack.Block{slack.NewSectionBlock(
				slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("x", 3001), false, false), nil, nil)}
			return m
		}, "invalid_blocks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newPosterWorld(t, false, bot.PosterOptions{})
			m := tt.setup(w)
			m.DeliveryKey = "key-" + tt.name
			m.UserID = w.anna
			_, err := w.poster.Send(context.Background(), m)
			var pe *scheduler.PermanentError
			if !errors.As(err, &pe) || pe.Reason != tt.reason {
				t.Fatalf("err %v, want permanent %s", err, tt.reason)
			}
			if n := len(w.postCalls()); n != 1 {
				t.Errorf("%d calls, want 1 (no retry)", n)
			}
			var rows []struct {
				Reason string `db:"reason"`
				Key    string `db:"key"`
				UserID string `db:"user_id"`
			}
			if err := w.db.SelectContext(context.Background(), &rows, `
				SELECT detail->>'reason' AS reason, detail->>'delivery_key' AS key, user_id
				FROM audit_log WHERE action = 'slack_post_failed'`); err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 || rows[0].Reason != tt.reason || rows[0].Key != m.DeliveryKey || rows[0].UserID != w.anna {
				t.Errorf("audit rows %+v, want one for %s", rows, tt.reason)
			}
		})
	}
}

func TestPosterOtherMethods(t *testing.T) {
	w := newPosterWorld(t, true, bot.PosterOptions{})
	ctx := context.Background()
	posted, err := w.poster.Send(ctx, msg(w.channel, "eerste versie"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.poster.Update(ctx, w.channel, posted.TS, msg("", "tweede versie")); err != nil {
		t.Fatal(err)
	}
	if m, _ := w.fake.Message(w.channel, posted.TS); m.Text != "tweede versie" {
		t.Errorf("after update: %q", m.Text)
	}
	if err := w.poster.PostEphemeral(ctx, w.channel, w.anna, msg("", "alleen voor jou")); err != nil {
		t.Fatal(err)
	}
	if e := w.fake.Ephemerals(w.anna); len(e) != 1 || e[0].Text != "alleen voor jou" {
		t.Errorf("ephemerals %+v", e)
	}
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "Jouw voortgang", false, false), nil, nil)}}}
	if err := w.poster.PublishHome(ctx, w.anna, home); err != nil {
		t.Fatal(err)
	}
	if _, ok := w.fake.Home(w.anna); !ok {
		t.Error("no home view published")
	}
	id, err := w.poster.UploadFile(ctx, w.channel, "export.json", "Je gegevens", []byte(`{"naam":"Anna"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(w.fake.FileBytes(id)); got != `{"naam":"Anna"}` {
		t.Errorf("file bytes %q", got)
	}
	if err := w.poster.Delete(ctx, w.channel, posted.TS); err != nil {
		t.Fatal(err)
	}
	if _, ok := w.fake.Message(w.channel, posted.TS); ok {
		t.Error("message not deleted")
	}
	if _, found, err := w.poster.FindDelivery(ctx, w.channel, "nooit-gepost", time.Time{}); err != nil || found {
		t.Errorf("FindDelivery of an unknown key: found=%v err=%v", found, err)
	}
}

func TestPosterDMWithoutOpening(t *testing.T) {
	// Slack's conversations.open is tier 3 (50 a minute): a DM for each of 1,000 participants must not wait on it.
	fast := bot.Rate{PerSecond: 1000, Burst: 100}
	w := newPosterWorld(t, true, bot.PosterOptions{ChannelRate: fast, PostRate: fast})
	ctx := context.Background()
	bram := w.fake.AddUser(slackfake.User{Name: "bram"})
	for i, u := range []string{w.anna, bram, w.anna} {
		p, err := w.poster.Send(ctx, bot.Message{Channel: u, Text: "hoi", DeliveryKey: "c1/dm/m1/" + u + string(rune('a'+i))})
		if err != nil {
			t.Fatal(err)
		}
		if im := w.fake.IMWith(u); p.Channel != im {
			t.Errorf("posted to %s, want %s's IM %s", p.Channel, u, im)
		}
	}
	if n := len(w.fake.CallsTo("conversations.open")); n != 0 {
		t.Errorf("%d conversations.open calls for three DMs, want none", n)
	}
	// A lost response to a first DM: the retry opens the IM to look, finds the message, and does not post again.
	cor := w.fake.AddUser(slackfake.User{Name: "cor"})
	w.fake.FailNext("chat.postMessage", 1, slackfake.FaultLostResponse)
	p, err := w.poster.Send(ctx, bot.Message{Channel: cor, Text: "hoi", DeliveryKey: "c1/dm/m1/" + cor})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Found || len(w.fake.Messages(w.fake.IMWith(cor))) != 1 {
		t.Errorf("after a lost response: %+v, %d messages; want it found and posted once", p, len(w.fake.Messages(w.fake.IMWith(cor))))
	}
}

// TestPosterBucketPerMethod: Slack counts its limits per method, so a method whose bucket is empty (App Home
// publishes) holds up no other method of the same tier (a modal, an ephemeral reply).
func TestPosterBucketPerMethod(t *testing.T) {
	w := newPosterWorld(t, true, bot.PosterOptions{Tiers: map[int]bot.Rate{4: bot.PerMinute(1, 1)}})
	ctx := context.Background()
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "Jouw voortgang", false, false), nil, nil)}}}
	if err := w.poster.PublishHome(ctx, w.anna, home); err != nil {
		t.Fatal(err)
	}
	// views.publish has used its one call a minute: the next one waits, and gives up with its caller.
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := w.poster.PublishHome(short, w.anna, home); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a second publish within the minute: %v, want it to wait past its deadline", err)
	}
	// chat.postEphemeral is tier 4 too, with a bucket of its own.
	bounded, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := w.poster.PostEphemeral(bounded, w.channel, w.anna, msg("", "alleen voor jou")); err != nil {
		t.Fatalf("an ephemeral after the App Home publish: %v", err)
	}
	if n := len(w.fake.CallsTo("views.publish")); n != 1 {
		t.Errorf("%d views.publish calls, want 1", n)
	}
}
