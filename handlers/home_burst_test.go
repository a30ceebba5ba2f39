package handlers_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
)

// openHomes opens the App Home of each of users n times, from at most 100 goroutines at once, and returns the
// opens the bot did not acknowledge.
func openHomes(fake *slackfake.Server, users []string, n int) []string {
	var (
		mu     sync.Mutex
		failed []string
		wg     sync.WaitGroup
	)
	slots := make(chan struct{}, 100)
	for i := range n {
		for _, u := range users {
			slots <- struct{}{}
			wg.Go(func() {
				defer func() { <-slots }()
				ctx, cancel := context.WithTimeout(context.Background(), bottest.Timeout)
				defer cancel()
				resp, err := fake.OpenHome(ctx, u)
				if err != nil || !resp.Acked {
					mu.Lock()
					failed = append(failed, fmt.Sprintf("%s #%d: %v", u, i, err))
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	return failed
}

// TestHomeOpenBurst: with Slack's own limits on the fake and in the Poster, 1,000 App Home opens come in at once
// (100 people opening the tab ten times), and then a participant clicks a button that opens a modal. Every open is
// acknowledged (an event that is not comes back from Slack as a retry), the modal opens before its trigger id
// expires, and no App Home publish went over views.publish's limit.
func TestHomeOpenBurst(t *testing.T) {
	// The fake waits up to 10 s for an ack: a safety net; Slack itself waits 3.
	w := bottest.New(t, bottest.Options{Now: time.Date(2026, 12, 1, 10, 0, 0, 0, meterTZ),
		Fake: slackfake.Options{AckTimeout: bottest.Timeout},
		Poster: bot.PosterOptions{Tiers: bot.PublishedTiers(), ChannelRate: bot.Rate{PerSecond: 1, Burst: 3},
			PostRate: bot.PerMinute(600, 20)}})
	course, db := w.Course, w.DB
	// What this test proves is settled by its last check; the App Home publishes still waiting their turn in
	// views.publish's limit then would keep the bot's shutdown waiting its full 20 s for them. Cancel them first,
	// as the shutdown itself does once that wait gives up (this cleanup runs before bottest's, which closes the bot).
	t.Cleanup(w.Inbound.Close)
	w.Fake.UseSlackLimits()
	trainer := w.Fake.AddUser(slackfake.User{Name: "tess"})
	anna := w.Fake.AddUser(slackfake.User{Name: "anna"})
	var people []string
	for i := range 100 {
		people = append(people, w.Fake.AddUser(slackfake.User{Name: fmt.Sprintf("deelnemer%d", i)}))
	}
	channel := w.Fake.AddChannel(slackfake.Channel{Name: "het-gesprek-druk", Members: append([]string{trainer, anna, w.Fake.BotUserID()}, people...)})
	cohortID := saveDecemberCohort(t, db, "Druk najaar 2026", channel, trainer, []string{"richard", "johan"}, append([]string{anna}, people[:50]...)...)

	// Anna's button that opens the modal of her development plan, as the competentiemeter's result shows it.
	ctx := context.Background()
	button := slack.NewButtonBlockElement(handlers.ActionMeterPlan, strconv.FormatInt(cohortID, 10),
		slack.NewTextBlockObject(slack.PlainTextType, course.Phrases.MeterPlanButton, false, false))
	dm, ts, err := w.Poster.Post(ctx, anna, "Je ontwikkelpunten", []slack.Block{slack.NewActionBlock("plan", button)})
	if err != nil {
		t.Fatal(err)
	}

	if failed := openHomes(w.Fake, people, 10); len(failed) > 0 {
		t.Fatalf("%d of 1000 App Home opens not acknowledged, e.g. %s", len(failed), failed[0])
	}
	cctx, cancel := context.WithTimeout(ctx, bottest.Timeout)
	defer cancel()
	resp, err := w.Fake.Click(cctx, anna, dm, ts, handlers.ActionMeterPlan, strconv.FormatInt(cohortID, 10))
	if err != nil || !resp.Acked {
		t.Fatalf("the click on the plan button: %v (acked %v)", err, resp.Acked)
	}
	if _, ok := w.Fake.TopModal(anna); !ok {
		opens := w.Fake.CallsTo("views.open")
		t.Fatalf("no modal open for anna after her click; views.open calls: %v", callErrors(opens))
	}
	for _, c := range w.Fake.Calls() {
		if c.Status == 429 {
			t.Errorf("%s answered 429: the Poster went over Slack's limit", c.Method)
		}
	}
	if n := len(w.Fake.CallsTo("views.publish")); n == 0 {
		t.Error("no App Home was published")
	}
}

func callErrors(calls []slackfake.Call) []string {
	var out []string
	for _, c := range calls {
		out = append(out, fmt.Sprintf("%s ok=%v %s", c.Method, c.OK, c.Error))
	}
	return out
}

// TestHomePublishDebounced: someone who opens their App Home thirty times while a publish of theirs waits for
// views.publish's limit gets one more publish, not thirty; it shows what they did in the meantime.
func TestHomePublishDebounced(t *testing.T) {
	// One publish every 3 seconds: the first goes at once, the rest queue.
	w := bottest.New(t, bottest.Options{Now: time.Date(2026, 12, 1, 10, 0, 0, 0, meterTZ),
		Poster: bot.PosterOptions{Tiers: map[int]bot.Rate{4: bot.PerMinute(20, 1)}}})
	course, db := w.Course, w.DB
	trainer := w.Fake.AddUser(slackfake.User{Name: "tess"})
	anna := w.Fake.AddUser(slackfake.User{Name: "anna"})
	channel := w.Fake.AddChannel(slackfake.Channel{Name: "het-gesprek-home", Members: []string{trainer, anna, w.Fake.BotUserID()}})
	cohortID := saveDecemberCohort(t, db, "Home najaar 2026", channel, trainer, []string{"richard", "johan"}, anna)

	first := w.OpenHome(t, anna)
	if n := len(w.Fake.CallsTo("views.publish")); n != 1 {
		t.Fatalf("%d views.publish calls after the first open, want 1", n)
	}
	mod1, _ := course.Module(1)
	reading := mod1.Voorbereiding.Lezen[0]
	if strings.Contains(viewText(first), "✓ Gelezen door") {
		t.Fatal("the first Home already shows a reading as read")
	}
	// While views.publish is spent for 3 seconds, Anna marks a reading done elsewhere and opens the tab again and
	// again.
	if _, _, err := db.MarkDone(context.Background(), store.Progress{CohortID: cohortID, UserID: anna,
		Kind: store.ProgressReading, Item: reading.ID, Module: 1}); err != nil {
		t.Fatal(err)
	}
	if failed := openHomes(w.Fake, []string{anna}, 30); len(failed) > 0 {
		t.Fatalf("%d opens not acknowledged, e.g. %s", len(failed), failed[0])
	}
	w.Wait(t)
	// One publish queued behind the first took every open that came while it waited; an open that came after it
	// had started (on a slow machine) may add one more.
	if n := len(w.Fake.CallsTo("views.publish")); n < 2 || n > 3 {
		t.Errorf("%d views.publish calls for 31 opens, want 2 (or 3)", n)
	}
	home, _ := w.Fake.Home(anna)
	if text := viewText(home); !strings.Contains(text, "✓ Gelezen door <@"+anna+">") {
		t.Errorf("the last Home published does not show the reading Anna marked done:\n%s", text)
	}
}
