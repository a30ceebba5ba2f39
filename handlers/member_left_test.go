package handlers_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// TestMemberLeftChannel follows a participant who leaves the cohort's channel and comes back, through the Slack
// fake: while gone she gets no DMs, her old buttons and /casus, /competentiemeter and the App Home tell her she is
// no longer in the group (and change nothing), and the trainer sees her as left; nothing about her is deleted,
// and rejoining restores everything.
func TestMemberLeftChannel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newGateWorld(t)
	anna, tess := w.users[gParticipant], w.users[gTrainerByID]
	if err := w.db.SetCohortTrainer(ctx, w.cohort.ID, gTrainerEmail, w.users[gTrainerByEmail]); err != nil {
		t.Fatal(err)
	}
	bram := w.fake.AddUser(slackfake.User{Name: "bram"})
	if err := w.fake.Join(w.channel, bram); err != nil {
		t.Fatal(err)
	}
	w.bot.Wait(t)
	dm := w.fake.IMWith(anna)
	const left = "Je zit niet meer in het kanaal van de training"

	// Before she leaves: her voormeting is under way (one answer), and she has a checklist with Gelezen buttons.
	w.bot.Command(t, anna, w.channel, handlers.CommandMeter, "")
	question := w.fake.Messages(dm)[0].TS
	w.bot.Click(t, anna, dm, question, handlers.ActionMeterScore+":3", "")
	mod1, _ := w.course.Module(1)
	text, blocks, err := w.render.Render(ctx, w.cohort, plannedDelivery(w.cohort, "preparation_checklist", 1), anna)
	if err != nil {
		t.Fatal(err)
	}
	_, checklist, err := w.bot.Poster.Post(ctx, anna, text, blocks)
	if err != nil {
		t.Fatal(err)
	}
	gelezen := "1/" + mod1.Voorbereiding.Lezen[0].ID
	answers := func() map[string]int {
		t.Helper()
		ms, err := w.db.MeasurementOf(ctx, w.cohort.ID, anna, content.MeterVoormeting)
		if err != nil {
			t.Fatal(err)
		}
		a, err := w.db.MeterAnswers(ctx, ms.ID)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	progress := func() int {
		t.Helper()
		ps, err := w.db.UserProgress(ctx, w.cohort.ID, anna)
		if err != nil {
			t.Fatal(err)
		}
		return len(ps)
	}
	if n := len(answers()); n != 1 {
		t.Fatalf("%d answers before leaving, want 1", n)
	}

	// A dispatcher on the fake, and a DM planned for her alone (as a late joiner's catch-up is).
	disp := scheduler.NewDispatcher(w.db, bot.NewSender(w.bot.Poster), w.render,
		scheduler.DispatchOptions{Now: w.clock.Now, Log: w.bot.Log})
	planFor := func(user, key string, module int) {
		t.Helper()
		if _, err := w.db.ExecContext(ctx, `
			INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at, title)
			VALUES ($1, $2, 'catch_up', 'catch_up', $5, 'participant', $3, $4, 'Bijpraten')`,
			key, w.cohort.ID, user, w.clock.Now().Add(-time.Minute), module); err != nil {
			t.Fatal(err)
		}
	}
	tick := func() {
		t.Helper()
		if _, err := disp.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}

	if err := w.fake.Leave(w.channel, anna); err != nil {
		t.Fatal(err)
	}
	w.bot.Wait(t)

	t.Run("Recorded", func(t *testing.T) {
		p, err := w.db.Participation(ctx, w.cohort.ID, anna)
		if err != nil || !p.Left() {
			t.Fatalf("participation = %+v, %v; want left", p, err)
		}
		// Slack retries events: a second one changes nothing.
		if _, err := w.fake.Event(ctx, map[string]any{"type": "member_left_channel", "user": anna, "channel": w.channel}); err != nil {
			t.Fatal(err)
		}
		w.bot.Wait(t)
		var n int
		if err := w.db.GetContext(ctx, &n, `SELECT count(*) FROM audit_log WHERE action = 'participant_left' AND user_id = $1`, anna); err != nil || n != 1 {
			t.Errorf("%d participant_left audit rows (err %v), want 1", n, err)
		}
	})
	t.Run("NoMoreDMs", func(t *testing.T) {
		before := len(w.fake.Messages(dm))
		planFor(anna, "left/anna", 0)
		planFor(bram, "left/bram", 0)
		tick()
		if n := len(w.fake.Messages(dm)); n != before {
			t.Errorf("%d new DMs to her after she left, want none", n-before)
		}
		if len(w.fake.Messages(w.fake.IMWith(bram))) == 0 {
			t.Errorf("bram, still in the channel, got nothing")
		}
		var status, reason string
		if err := w.db.QueryRowContext(ctx, `SELECT status, error FROM deliveries WHERE key = 'left/anna'`).Scan(&status, &reason); err != nil {
			t.Fatal(err)
		}
		if status != store.StatusCancelled || reason != handlers.SkipReasonLeft {
			t.Errorf("her DM is %s (%q), want cancelled because she left", status, reason)
		}
		if _, _, err := w.render.Render(ctx, w.cohort, plannedDelivery(w.cohort, "homework", 1), anna); !errors.Is(err, scheduler.ErrSkip) {
			t.Errorf("render for her: err %v, want ErrSkip", err)
		}
	})
	t.Run("SheIsTold", func(t *testing.T) {
		if got := ackSeen(t, w.bot.Command(t, anna, dm, handlers.CommandCasus, "")); !strings.Contains(got, left) {
			t.Errorf("/casus: %q", got)
		}
		if got := ackSeen(t, w.bot.Command(t, anna, dm, handlers.CommandMeter, "")); !strings.Contains(got, left) {
			t.Errorf("/competentiemeter: %q", got)
		}
		w.bot.Click(t, anna, dm, question, handlers.ActionMeterScore+":4", "")
		if got := w.lastEphemeral(t, anna); !strings.Contains(got, left) {
			t.Errorf("a score click: %q", got)
		}
		w.bot.Click(t, anna, dm, checklist, handlers.ActionReadingDone+":0", gelezen)
		if got := w.lastEphemeral(t, anna); !strings.Contains(got, left) {
			t.Errorf("Gelezen: %q", got)
		}
		home := viewText(w.bot.OpenHome(t, anna))
		if !strings.Contains(home, left) || strings.Contains(home, firstLine(w.course.Phrases.HomeMeter)) {
			t.Errorf("her App Home shows:\n%s", home)
		}
		if n := len(answers()); n != 1 {
			t.Errorf("%d answers after her clicks, want still 1", n)
		}
		if n := progress(); n != 0 {
			t.Errorf("%d progress rows after her click, want none", n)
		}
	})
	t.Run("TrainerSeesLeft", func(t *testing.T) {
		mention := "<@" + anna + ">"
		status := ackSeen(t, w.bot.Command(t, tess, w.channel, handlers.CommandTraining, "status"))
		if !strings.Contains(status, "Het kanaal verlaten:* "+mention) {
			t.Errorf("/training status:\n%s", status)
		}
		overview := ackSeen(t, w.bot.Command(t, tess, w.channel, handlers.CommandMeter, "overzicht"))
		if !strings.Contains(overview, mention+" (1/21) (kanaal verlaten)") || !strings.Contains(overview, "Het kanaal verlaten: "+mention) {
			t.Errorf("/competentiemeter overzicht:\n%s", overview)
		}
		if home := viewText(w.bot.OpenHome(t, tess)); !strings.Contains(home, "Het kanaal verlaten: 1") || !strings.Contains(home, "Deelnemers: 1") {
			t.Errorf("the trainer's App Home:\n%s", home)
		}
	})

	if err := w.fake.Join(w.channel, anna); err != nil {
		t.Fatal(err)
	}
	w.bot.Wait(t)

	t.Run("Rejoined", func(t *testing.T) {
		if p, err := w.db.Participation(ctx, w.cohort.ID, anna); err != nil || p.Left() {
			t.Fatalf("participation = %+v, %v; want present again", p, err)
		}
		if got := ackSeen(t, w.bot.Command(t, anna, dm, handlers.CommandCasus, "")); strings.Contains(got, left) {
			t.Errorf("/casus after rejoining: %q", got)
		}
		w.bot.Click(t, anna, dm, question, handlers.ActionMeterScore+":4", "")
		if a := answers(); len(a) != 2 {
			t.Errorf("answers after rejoining = %v, want the one from before and the new one", a)
		}
		w.bot.Click(t, anna, dm, checklist, handlers.ActionReadingDone+":0", gelezen)
		if n := progress(); n != 1 {
			t.Errorf("%d progress rows after Gelezen, want 1", n)
		}
		if home := viewText(w.bot.OpenHome(t, anna)); strings.Contains(home, left) || !strings.Contains(home, firstLine(w.course.Phrases.HomeMeter)) {
			t.Errorf("her App Home after rejoining:\n%s", home)
		}
		before := len(w.fake.Messages(dm))
		planFor(anna, "back/anna", 1)
		tick()
		if n := len(w.fake.Messages(dm)); n != before+1 {
			t.Errorf("%d new DMs after she came back, want 1", n-before)
		}
	})
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}
