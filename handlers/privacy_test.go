package handlers_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// seedPrivacy gives Anna and Bram a bit of everything: a reading marked read and a voormeting with scores (Anna's
// all 4, Bram's all 2), shared by Bram with the trainer.
func seedPrivacy(t *testing.T, w *homeWorld) {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for _, s := range w.course.Meter.Statements() {
		ids = append(ids, s.ID)
	}
	mod1, _ := w.course.Module(1)
	for _, u := range []struct {
		id    string
		score int
	}{{w.anna, 4}, {w.bram, 2}} {
		if _, _, err := w.db.MarkDone(ctx, store.Progress{CohortID: w.cohortID, UserID: u.id, Kind: store.ProgressReading,
			Item: mod1.Voorbereiding.Lezen[0].ID, Module: 1}); err != nil {
			t.Fatal(err)
		}
		m, err := w.db.StartMeasurement(ctx, w.cohortID, u.id, content.MeterVoormeting)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if _, err := w.db.AnswerStatement(ctx, store.MeterAnswer{MeasurementID: m.ID, UserID: u.id, Round: 1,
				StatementID: id, Score: u.score, Statements: ids}); err != nil {
				t.Fatal(err)
			}
		}
		if u.id == w.bram {
			if _, err := w.db.ShareMeasurement(ctx, m.ID, u.id); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// gesprekbot types /gesprekbot text as user in channel and waits for the work after the ack.
func (w *homeWorld) gesprekbot(t *testing.T, user, channel, text string) slackfake.Response {
	t.Helper()
	return w.bot.Command(t, user, channel, handlers.CommandGesprekbot, text)
}

// lastEphemeral returns the newest ephemeral message user sees.
func (w *homeWorld) lastEphemeral(t *testing.T, user string) slackfake.Message {
	t.Helper()
	eph := w.fake.Ephemerals(user)
	if len(eph) == 0 {
		t.Fatalf("no ephemeral message for %s", user)
	}
	return eph[len(eph)-1]
}

func TestPrivacyExport(t *testing.T) {
	t.Parallel()
	w := newHomeWorld(t)
	seedPrivacy(t, w)
	for _, user := range []string{"anna", "trainer"} {
		t.Run(user, func(t *testing.T) {
			caller, others := w.anna, []string{w.bram, w.trainer}
			if user == "trainer" {
				caller, others = w.trainer, []string{w.anna, w.bram}
			}
			before := len(w.fake.Files())
			w.gesprekbot(t, caller, w.channel, handlers.SubcommandMijnGegevens)
			files := w.fake.Files()
			if len(files) != before+1 {
				t.Fatalf("%d files uploaded; want one", len(files)-before)
			}
			var f slackfake.File
			for _, x := range files {
				if strings.HasPrefix(x.Name, "gesprekbot-mijn-gegevens-") && len(x.Channels) == 1 && x.Channels[0] == w.fake.IMWith(caller) {
					f = x
				}
			}
			if f.ID == "" {
				t.Fatalf("no export in %s's DM: %+v", user, files)
			}
			data := w.fake.FileBytes(f.ID)
			var export struct {
				UserID       string `json:"user_id"`
				Uitleg       string `json:"uitleg"`
				Measurements []struct {
					Answers map[string]int `json:"answers"`
				} `json:"measurements"`
				Progress []any `json:"progress"`
			}
			if err := json.Unmarshal(data, &export); err != nil {
				t.Fatalf("export is not JSON: %v\n%s", err, data)
			}
			if export.UserID != caller || export.Uitleg == "" {
				t.Fatalf("export header: user %q, uitleg %q", export.UserID, export.Uitleg)
			}
			for _, o := range others {
				if strings.Contains(string(data), o) {
					t.Errorf("%s's export names %s:\n%s", user, o, data)
				}
			}
			if user == "anna" {
				if len(export.Measurements) != 1 || export.Measurements[0].Answers["g1"] != 4 || len(export.Progress) != 1 {
					t.Fatalf("Anna's export misses her own data:\n%s", data)
				}
			} else if len(export.Measurements) != 0 || strings.Contains(string(data), `"answers"`) {
				// Bram shared his scores with the trainer, but they are Bram's data, not the trainer's.
				t.Fatalf("the trainer's export holds scores:\n%s", data)
			}
			if text := shown(w.lastEphemeral(t, caller)); !strings.Contains(text, "privéberichten") {
				t.Errorf("no word on where the file is: %q", text)
			}
		})
	}
}

// fillDM gives user's DM with the bot what an erasure must clean up: two messages of the bot, one of them
// recorded as a sent delivery, a file the bot shared (the export), and a message the user wrote.
func (w *homeWorld) fillDM(t *testing.T, user string) string {
	t.Helper()
	ctx := context.Background()
	dm := w.fake.IMWith(user)
	if _, _, err := w.bot.Poster.Post(ctx, user, "Je voormeting is afgerond.", nil); err != nil {
		t.Fatal(err)
	}
	_, ts, err := w.bot.Poster.Post(ctx, user, "Huiswerk van module 1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.ExecContext(ctx, `
		INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at, status, channel_id, ts, sent_at)
		VALUES ('c' || $1::bigint || '/homework/m1/' || $2, $1::bigint, 'homework', 'homework', 1, 'participant', $2, now(),
		        'sent', $3, $4, now())`, w.cohortID, user, dm, ts); err != nil {
		t.Fatal(err)
	}
	w.gesprekbot(t, user, w.channel, handlers.SubcommandMijnGegevens)
	if _, err := w.fake.Say(ctx, user, dm, "Dank je, ik kijk er morgen naar."); err != nil {
		t.Fatal(err)
	}
	w.bot.Wait(t)
	return dm
}

// botMessages returns the bot's messages in a conversation, and the number of files shared in it.
func (w *homeWorld) botMessages(conv string) (msgs []slackfake.Message, files int) {
	for _, m := range w.fake.Messages(conv) {
		if m.User == w.fake.BotUserID() {
			msgs = append(msgs, m)
		}
	}
	for _, f := range w.fake.Files() {
		if slices.Contains(f.Channels, conv) {
			files++
		}
	}
	return msgs, files
}

func TestPrivacyForget(t *testing.T) {
	t.Parallel()
	w := newHomeWorld(t)
	seedPrivacy(t, w)
	ctx := context.Background()
	w.openHome(t, w.anna)
	annaDM := w.fillDM(t, w.anna)
	bramDM := w.fillDM(t, w.bram)

	ask := func(t *testing.T, user string) slackfake.Message {
		t.Helper()
		w.gesprekbot(t, user, w.channel, handlers.SubcommandVergeetMij)
		m := w.lastEphemeral(t, user)
		if !strings.Contains(shown(m), "Ja, mijn gegevens wissen") || !strings.Contains(shown(m), "Annuleren") {
			t.Fatalf("no confirmation question: %s", shown(m))
		}
		return m
	}
	click := func(t *testing.T, user string, m slackfake.Message, actionID string) {
		t.Helper()
		w.bot.Click(t, user, m.Conversation, m.TS, actionID, "")
	}

	t.Run("AsksFirst", func(t *testing.T) {
		ask(t, w.anna)
		if left := storetest.Find(t, w.db, w.anna); len(left) == 0 {
			t.Fatalf("the question alone erased something: %v", left)
		}
	})
	t.Run("CancelDoesNothing", func(t *testing.T) {
		before := storetest.Find(t, w.db, w.anna)
		m := ask(t, w.anna)
		click(t, w.anna, m, handlers.ActionPrivacyCancel)
		if after := storetest.Find(t, w.db, w.anna); strings.Join(after, ",") != strings.Join(before, ",") {
			t.Fatalf("cancel changed what is stored: before %v, after %v", before, after)
		}
		if strings.Contains(shown(w.lastEphemeral(t, w.anna)), "Ja, wis") {
			t.Fatal("the question is still there after cancel")
		}
		if !strings.Contains(shown(w.lastEphemeral(t, w.anna)), "niets gewist") {
			t.Fatalf("no word that nothing was erased: %s", shown(w.lastEphemeral(t, w.anna)))
		}
	})
	t.Run("Erase", func(t *testing.T) {
		bot, files := w.botMessages(annaDM)
		if len(bot) < 3 || files != 1 {
			t.Fatalf("Anna's DM before: %d messages of the bot, %d files; the test needs some", len(bot), files)
		}
		m := ask(t, w.anna)
		click(t, w.anna, m, handlers.ActionPrivacyErase)

		// At once "bezig met wissen…" in place of the question; when done, that it is done.
		var replies []string
		for _, c := range w.fake.CallsTo("response_url") {
			replies = append(replies, c.Args.Get("body"))
		}
		if all := strings.Join(replies, "\n"); !strings.Contains(all, "Bezig met wissen") {
			t.Errorf("the question was not replaced by \"bezig met wissen…\": %s", all)
		}
		if text := shown(w.lastEphemeral(t, w.anna)); !strings.Contains(text, "Klaar: je gegevens zijn gewist") {
			t.Errorf("the confirmation does not say it is done: %s", text)
		}

		if left := storetest.Find(t, w.db, w.anna); len(left) > 0 {
			t.Fatalf("after erasure Anna is still named in %v", left)
		}
		if left := storetest.Find(t, w.db, annaDM); len(left) > 0 {
			t.Fatalf("after erasure Anna's DM is still named in %v", left)
		}
		// The bot's messages and files in her DM are gone; what she wrote stays; one new message says what
		// was erased and what stays.
		bot, files = w.botMessages(annaDM)
		if len(bot) != 1 || files != 0 {
			t.Fatalf("Anna's DM after: %d messages of the bot, %d files; want only the one saying it is done", len(bot), files)
		}
		note := shown(bot[0])
		for _, want := range []string{"Dit heb ik gewist", "in welke groep je zat", "je antwoorden in de competentiemeter",
			"welke teksten je had gelezen en welk huiswerk je af had", "berichten en bestanden die ik je in dit gesprek stuurde", "Wat blijft",
			"casussen in het kanaal", "back-ups"} {
			if !strings.Contains(note, want) {
				t.Errorf("the last message does not say %q:\n%s", want, note)
			}
		}
		if own := w.fake.Messages(annaDM); !slices.ContainsFunc(own, func(m slackfake.Message) bool { return m.User == w.anna }) {
			t.Error("the message Anna wrote herself was deleted")
		}
		if n := len(w.fake.CallsTo("chat.delete")); n < 3 {
			t.Errorf("%d chat.delete calls, want one per message of the bot", n)
		}
		// Bram's data stays.
		if ms, err := w.db.MeasurementOf(ctx, w.cohortID, w.bram, content.MeterVoormeting); err != nil || !ms.Finished() {
			t.Fatalf("Bram's voormeting after Anna's erasure: %+v, %v", ms, err)
		}
		if bot, files := w.botMessages(bramDM); len(bot) < 3 || files != 1 {
			t.Errorf("Bram's DM after Anna's erasure: %d messages of the bot, %d files", len(bot), files)
		}
		// The Home no longer shows what was erased.
		v, _ := w.fake.Home(w.anna)
		if text := viewText(v); strings.Contains(text, "Voormeting*: afgerond") || !strings.Contains(text, "nog niet vinden") {
			t.Fatalf("Anna's Home after erasure:\n%s", text)
		}
		// The trainer's Home counts only Bram now.
		if text := viewText(w.openHome(t, w.trainer)); !strings.Contains(text, "Deelnemers: 1") {
			t.Fatalf("trainer's Home after erasure:\n%s", text)
		}
	})
	t.Run("AgainIsHarmless", func(t *testing.T) {
		m := ask(t, w.anna)
		click(t, w.anna, m, handlers.ActionPrivacyErase)
		bot, _ := w.botMessages(annaDM)
		if len(bot) != 2 || !strings.Contains(shown(bot[1]), "niets meer van je") ||
			!strings.Contains(shown(bot[0]), "Dit heb ik gewist") {
			var texts []string
			for _, m := range bot {
				texts = append(texts, shown(m))
			}
			t.Fatalf("Anna's DM after a second erasure: %q; want the first message kept and one saying there was nothing left", texts)
		}
	})
	t.Run("OneAtATime", func(t *testing.T) {
		// Bram's erasure is running in another process (its lease has an hour to go).
		m := ask(t, w.bram)
		if _, err := w.db.RequestErasure(ctx, w.bram, "", "other-process", w.bot.Clock.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		click(t, w.bram, m, handlers.ActionPrivacyErase)
		if text := shown(w.lastEphemeral(t, w.bram)); !strings.Contains(text, "worden al gewist") {
			t.Errorf("a second click while the erasure runs: %s", text)
		}
		w.gesprekbot(t, w.bram, w.channel, handlers.SubcommandVergeetMij)
		if text := shown(w.lastEphemeral(t, w.bram)); !strings.Contains(text, "worden al gewist") || strings.Contains(text, "Ja, wis") {
			t.Errorf("asking again while the erasure runs: %s", text)
		}
		if left := storetest.Find(t, w.db, w.bram); len(left) < 3 {
			t.Errorf("the second click erased something itself: Bram is left in %v", left)
		}
	})
	t.Run("ResumedAfterCrash", func(t *testing.T) {
		// The process that ran Bram's erasure died: once its lease runs out, another takes it up.
		if n, err := w.privacy.ResumeErasures(ctx); err != nil || n != 0 {
			t.Fatalf("resumed %d erasures whose lease has not run out (%v)", n, err)
		}
		if _, err := w.db.ExecContext(ctx, `UPDATE erasure_requests SET lease_until = $1`, w.bot.Clock.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n, err := w.privacy.ResumeErasures(ctx); err != nil || n != 1 {
			t.Fatalf("resumed %d erasures, want Bram's (%v)", n, err)
		}
		if left := storetest.Find(t, w.db, w.bram); len(left) > 0 {
			t.Fatalf("after the resumed erasure Bram is still named in %v", left)
		}
		bot, files := w.botMessages(bramDM)
		if len(bot) != 1 || files != 0 || !strings.Contains(shown(bot[0]), "Dit heb ik gewist") {
			t.Fatalf("Bram's DM after the resumed erasure: %d messages of the bot, %d files", len(bot), files)
		}
	})
	t.Run("TrainerOfRunningCohortRefused", func(t *testing.T) {
		w.gesprekbot(t, w.trainer, w.channel, handlers.SubcommandVergeetMij)
		text := shown(w.lastEphemeral(t, w.trainer))
		if !strings.Contains(text, "Home najaar 2026") || strings.Contains(text, "Ja, wis") {
			t.Fatalf("a running cohort's trainer was not refused with the reason: %s", text)
		}
		if erased, _ := w.db.IsErased(ctx, w.trainer); erased {
			t.Fatal("the trainer was erased")
		}
	})
}

func TestHelpNamesPrivacyCommands(t *testing.T) {
	t.Parallel()
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	help := course.Phrases.HelpParticipant
	for _, want := range []string{handlers.CommandGesprekbot + " " + handlers.SubcommandMijnGegevens,
		handlers.CommandGesprekbot + " " + handlers.SubcommandVergeetMij} {
		if !strings.Contains(help, want) {
			t.Errorf("the participant help does not name %s", want)
		}
	}
	// Commands that never existed must not be offered.
	for _, gone := range []string{"/gesprekbot export", "/gesprekbot wis", "/gesprekbot voortgang"} {
		if strings.Contains(help+course.Phrases.HelpTrainer, gone) {
			t.Errorf("the help offers %s, which does not exist", gone)
		}
	}
}
