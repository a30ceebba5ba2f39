package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/scheduler"
)

// The trainers' retention warning as Block Kit.
func TestRetentionWarningMessage(t *testing.T) {
	course := defaultCourse(t)
	c := trCohort()
	msg, err := handlers.RetentionWarningMessage(course.Phrases, c, c.Modules[3].End,
		time.Date(2028, 1, 27, 9, 0, 0, 0, deliveryTZ), deliveryTZ)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "retention_warning.json", rendered{Text: msg.Text, Blocks: msg.Blocks})
}

// A month before a cohort's data is deleted, each of its trainers gets one DM, through the dispatcher and the Slack
// fake, saying from when and how to export the group overview first — once, however often the retention job and
// the dispatcher run. /training status says the same, and, after the deletion, that it happened.
func TestRetentionWarningSentOnce(t *testing.T) {
	ctx := context.Background()
	w := newGateWorld(t)
	tess, erik := w.users[gTrainerByID], w.users[gTrainerByEmail]
	if err := w.db.SetCohortTrainer(ctx, w.cohort.ID, gTrainerEmail, erik); err != nil {
		t.Fatal(err)
	}
	// Only the warning is of interest here: the course's own messages are not planned.
	if _, err := w.db.Exec(`DELETE FROM deliveries WHERE cohort_id = $1`, w.cohort.ID); err != nil {
		t.Fatal(err)
	}
	retention := scheduler.NewRetention(w.db, scheduler.RetentionOptions{Months: 12,
		Title: w.course.Phrases.RetentionWarningTitle, Now: w.clock.Now, Log: w.bot.Log})
	disp := scheduler.NewDispatcher(w.db, bot.NewSender(w.bot.Poster), w.render,
		scheduler.DispatchOptions{Now: w.clock.Now, Log: w.bot.Log})
	run := func(at time.Time) {
		t.Helper()
		w.clock.Set(at)
		if _, err := retention.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := disp.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	warnings := func(user string) []string {
		t.Helper()
		var out []string
		for _, m := range w.fake.Messages(w.fake.IMWith(user)) {
			if strings.Contains(m.Text+string(m.Blocks), "worden binnenkort gewist") {
				out = append(out, seen(m))
			}
		}
		return out
	}

	// The last module ends Monday 25 January 2027; twelve months later, less one, is Saturday 25 December 2027
	// (Eerste Kerstdag): the DM waits for Monday the 27th, 09:00, and the data stays until a month after that.
	run(time.Date(2027, 12, 1, 3, 17, 0, 0, deliveryTZ))
	run(time.Date(2027, 12, 25, 13, 5, 0, 0, deliveryTZ))
	if n := len(warnings(tess)); n != 0 {
		t.Fatalf("%d warnings on Christmas Day; want none before Monday", n)
	}
	run(time.Date(2027, 12, 27, 9, 1, 0, 0, deliveryTZ))
	run(time.Date(2027, 12, 27, 10, 0, 0, 0, deliveryTZ))
	run(time.Date(2027, 12, 28, 3, 17, 0, 0, deliveryTZ))
	for _, u := range []string{tess, erik} {
		got := warnings(u)
		if len(got) != 1 {
			t.Fatalf("trainer %s got %d warnings; want exactly one:\n%s", u, len(got), strings.Join(got, "\n---\n"))
		}
		for _, want := range []string{w.cohort.Name, "maandag 25 januari 2027", "donderdag 27 januari 2028",
			"/competentiemeter overzicht", "CSV"} {
			if !strings.Contains(got[0], want) {
				t.Errorf("the warning to %s does not say %q:\n%s", u, want, got[0])
			}
		}
	}
	if n := len(w.fake.Messages(w.fake.IMWith(w.users[gParticipant]))); n != 0 {
		t.Errorf("a participant got %d messages; the warning is for the trainers", n)
	}

	status := ackSeen(t, w.bot.Command(t, tess, w.channel, handlers.CommandTraining, "status"))
	if !strings.Contains(status, "vanaf donderdag 27 januari 2028 wis ik de gegevens") {
		t.Errorf("/training status does not say when the data goes:\n%s", status)
	}

	// A month after the warning, the retention job empties the cohort; the status says so.
	run(time.Date(2028, 1, 28, 3, 17, 0, 0, deliveryTZ))
	if n, err := w.db.Participants(ctx, w.cohort.ID); err != nil || len(n) != 0 {
		t.Fatalf("participants after the retention date: %v, %v; want none", n, err)
	}
	status = ackSeen(t, w.bot.Command(t, tess, w.channel, handlers.CommandTraining, "status"))
	if !strings.Contains(status, "op vrijdag 28 januari 2028 heb ik de gegevens van de deelnemers gewist") {
		t.Errorf("/training status after the deletion does not say it happened:\n%s", status)
	}
}
