package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
)

// The fuzz targets below run their seed corpus with every "go test"; "go test -fuzz=FuzzParseTrainingMove
// ./handlers" explores further. Whatever a trainer or participant types after a slash command must not panic
// the bot, must get a clear answer (never the generic "er ging iets mis"), and must not change anything it was
// not allowed to change.

func FuzzParseTrainingMove(f *testing.F) {
	for _, s := range []string{
		"2 2026-12-21 09:00", "m2 21-12-2026 9:30", "module 3 14 december 2026 9u30", "4 maandag 14 dec 9",
		"2 31-11 10:00", "2 29-02-2027 10:00", "2 29-02-2028 10:00", "5 21-12-2026 09:00", "0 1-1 0:00",
		"2 21-12-2026 24:00", "2 21-12-2026 9:60", "2", "", "module", "m99999999999999999999 1-1 9",
		"2 21-12-99999 9:00", "2 ١٢-١٢ 9:00", "2 21-13-2026 09:00", "2 0-12-2026 09:00",
	} {
		f.Add(s, int64(1_796_000_000))
	}
	course, err := content.Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string, nowUnix int64) {
		now := time.Unix(nowUnix%(1<<40), 0).In(time.UTC)
		mv, msg := handlers.ParseTrainingMove(course.Phrases, strings.Fields(text), now)
		if msg != "" {
			if !utf8.ValidString(msg) && utf8.ValidString(text) {
				t.Errorf("the answer to %q is not valid text: %q", text, msg)
			}
			return
		}
		// Accepted: a move the planner can use as it is.
		if mv.Module < 1 || mv.Module > 4 {
			t.Errorf("%q: accepted module %d", text, mv.Module)
		}
		if mv.Hour < 0 || mv.Hour > 23 || mv.Minute < 0 || mv.Minute > 59 {
			t.Errorf("%q: accepted time %d:%02d", text, mv.Hour, mv.Minute)
		}
		d := time.Date(mv.Year, mv.Month, mv.Day, 12, 0, 0, 0, time.UTC)
		if d.Year() != mv.Year || d.Month() != mv.Month || d.Day() != mv.Day {
			t.Errorf("%q: accepted a date that does not exist: %d-%d-%d", text, mv.Year, mv.Month, mv.Day)
		}
	})
}

// casusWrites counts the rows by which a /casus command changes what participants have been shown: reveals, role
// cards and their audit rows. (Audit rows of who looked are records of access, not changes.)
func (w *casusWorld) casusWrites(t *testing.T) int {
	t.Helper()
	var n int
	if err := w.db.GetContext(context.Background(), &n, `
		SELECT (SELECT count(*) FROM case_reveals) + (SELECT count(*) FROM case_cards) +
		       (SELECT count(*) FROM audit_log WHERE action = ANY($1))`,
		pq.Array([]string{handlers.AuditCaseRevealed, handlers.AuditCaseRoleCardSent, handlers.AuditCaseActorSent,
			handlers.AuditCaseAutoRevealed})); err != nil {
		t.Fatal(err)
	}
	return n
}

// dmsTo counts the messages in the participants' DMs with the bot.
func (w *casusWorld) dmsTo(users ...string) int {
	n := 0
	for _, u := range users {
		if im := w.fake.IMWith(u); im != "" {
			n += len(w.fake.Messages(im))
		}
	}
	return n
}

func FuzzCasusCommand(f *testing.F) {
	for _, s := range []string{
		"rol moeder johanna <@%s>", "rol johanna moeder <@%s>", "rol <@%s>", "rol", "rol moeder",
		"rol broer richard <@U0NOBODY>", "rol <@%s|anna> mantelzorger richard", "reveal", "reveal richard",
		"status", "acteur johanna", "terug", "", "   ", "RoL MoEdEr JoHaNnA <@%s>", "rol <@>", "rol <@%s",
		"rol \x00 <@%s>", strings.Repeat("rol ", 200),
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	// One world for every input: what an input may do is judged by what it changed (rows written, messages sent),
	// so earlier inputs' roles and reveals are a state like any other the command meets. A world per input cost
	// a bot's start each (38 of them for the seed corpus alone).
	w := newCasusWorld(f, "johanna")
	f.Fuzz(func(t *testing.T, text string, asTrainer bool) {
		text = strings.ReplaceAll(text, "%s", w.anna)
		user := w.bram
		if asTrainer {
			user = w.trainer
		}
		writes, dms, posts := w.casusWrites(t), w.dmsTo(w.anna, w.bram, w.trainer), len(w.fake.Messages(w.channel))
		w.command(t, user, w.channel, text)
		if got := w.lastEphemeral(t, user); strings.Contains(got, w.course.Phrases.ErrorGeneric) {
			t.Errorf("/casus %q by %s: got the generic error %q, want a clear answer", text, user, got)
		}
		wrote := w.casusWrites(t) - writes
		switch {
		case !asTrainer && wrote != 0:
			t.Errorf("/casus %q by a participant wrote %d rows", text, wrote)
		case asTrainer && wrote != 0 && w.dmsTo(w.anna, w.bram, w.trainer) == dms && len(w.fake.Messages(w.channel)) == posts:
			t.Errorf("/casus %q by the trainer wrote %d rows but sent nothing", text, wrote)
		}
	})
}
