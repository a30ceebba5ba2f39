package bot_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// scoreOf finds the score button for score on the question message at ts and returns its action_id and value.
func scoreOf(t *testing.T, f *slackfake.Server, channel, ts string, score string) (string, string) {
	t.Helper()
	msg, ok := f.Message(channel, ts)
	if !ok {
		t.Fatalf("no message %s in %s", ts, channel)
	}
	var blocks []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(msg.Blocks, &blocks); err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		for _, e := range b.Elements {
			if handlers.ActionKey(e.ActionID) == handlers.ActionMeterScore && strings.HasSuffix(e.Value, "/"+score) {
				return e.ActionID, e.Value
			}
		}
	}
	t.Fatalf("no score button %s on the message: %s", score, msg.Blocks)
	return "", ""
}

// TestFaultInteractionDatabaseDown clicks a competentiemeter answer while PostgreSQL is down: the click is acked
// in time, the participant is told to try again shortly, nothing pretends to be saved, and the same click after
// the restart is stored.
func TestFaultInteractionDatabaseDown(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts and restarts a PostgreSQL server")
	}
	ctx := context.Background()
	pg := storetest.NewRestartable(t)
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	w := bottest.New(t, bottest.Options{DatabaseURL: pg.URL(), Course: course})
	db := w.DB
	anna := w.Fake.AddUser(slackfake.User{Name: "anna", RealName: "Anna de Vries"})
	trainer := w.Fake.AddUser(slackfake.User{Name: "trainer"})
	channel := w.Fake.AddChannel(slackfake.Channel{Name: "het-gesprek", Members: []string{anna, trainer, w.Fake.BotUserID()}})
	start := time.Now().AddDate(0, 0, 14).Truncate(24 * time.Hour).Add(9 * time.Hour)
	c := &content.Cohort{Name: "Storing", Channel: channel, Timezone: "Europe/Amsterdam", Trainers: []string{trainer},
		Cases: []string{"richard", "johanna"}, Settings: content.DefaultCohortSettings()}
	for i := range 4 {
		s := start.AddDate(0, 0, 7*i)
		c.Modules = append(c.Modules, content.CohortModule{Number: i + 1, Start: s, End: s.Add(4 * time.Hour), Location: "Zaal 3"})
	}
	if _, err := db.SaveCohort(ctx, c); err != nil {
		t.Fatal(err)
	}
	// The question message as the meter posts it; the click goes to the bot's own meter.
	meter := handlers.RegisterMeter(handlers.NewRegistry(course.Phrases, w.Log), handlers.MeterDeps{Course: course, Store: db, Log: w.Log})

	ms, err := db.StartMeasurement(ctx, c.ID, anna, content.MeterVoormeting)
	if err != nil {
		t.Fatal(err)
	}
	q, err := meter.QuestionMessage(ms, nil, 0, "", true)
	if err != nil {
		t.Fatal(err)
	}
	dm, ts, err := w.Poster.Post(ctx, anna, q.Text, q.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	first := course.Meter.Statements()[0].ID

	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	action, value := scoreOf(t, w.Fake, dm, ts, "4")
	before := len(w.Fake.Ephemerals(anna))
	resp := w.Click(t, anna, dm, ts, action, value)
	if !resp.Acked {
		t.Fatal("the click was not acknowledged while the database was down")
	}
	eph := w.Fake.Ephemerals(anna)
	if len(eph) != before+1 {
		t.Fatalf("%d new ephemeral messages, want the one that says to try again", len(eph)-before)
	}
	if got := eph[len(eph)-1].Text; got != course.Phrases.TryAgain || !strings.Contains(strings.ToLower(got), "probeer het zo opnieuw") {
		t.Errorf("the participant was told %q, want %q", got, course.Phrases.TryAgain)
	}
	if msg, _ := w.Fake.Message(dm, ts); msg.Edited {
		t.Error("the question message changed as if the answer had been saved")
	}

	pg.Start()
	// The same click again, once the database is back, is stored and moves the message on.
	w.Click(t, anna, dm, ts, action, value)
	answers, err := db.MeterAnswers(ctx, ms.ID)
	if err != nil {
		t.Fatal(err)
	}
	if answers[first] != 4 {
		t.Errorf("after the restart the answer is %d, want 4", answers[first])
	}
	if msg, _ := w.Fake.Message(dm, ts); !msg.Edited {
		t.Error("after the restart the question message did not move on")
	}
}
