package handlers_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
)

// homeWorld is a cohort in the Slack fake with a real database and the bot connected over Socket Mode, with the
// App Home, the privacy commands, the progress buttons and the competentiemeter registered, wired as cmd does.
type homeWorld struct {
	bot      *bottest.World
	fake     *slackfake.Server
	db       *store.DB
	course   *content.Course
	channel  string
	cohortID int64
	trainer  string
	anna     string
	bram     string
	privacy  *handlers.Privacy
}

func newHomeWorld(t *testing.T) *homeWorld {
	t.Helper()
	course, db, b := newBot(t, time.Date(2026, 12, 1, 10, 0, 0, 0, meterTZ))
	w := &homeWorld{bot: b, fake: b.Fake, db: db, course: course, privacy: b.App.Privacy}
	w.trainer = w.fake.AddUser(slackfake.User{Name: "tess", RealName: "Tess Trainer"})
	w.anna = w.fake.AddUser(slackfake.User{Name: "anna", RealName: "Anna de Vries"})
	w.bram = w.fake.AddUser(slackfake.User{Name: "bram", RealName: "Bram Bos"})
	w.channel = w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-home",
		Members: []string{w.trainer, w.anna, w.bram, w.fake.BotUserID()}})
	w.cohortID = saveDecemberCohort(t, db, "Home najaar 2026", w.channel, w.trainer, []string{"richard", "johan"}, w.anna, w.bram)

	return w
}

// openHome opens user's App Home tab and returns what it shows.
func (w *homeWorld) openHome(t *testing.T, user string) slackfake.View {
	t.Helper()
	return w.bot.OpenHome(t, user)
}

// viewText is everything a view shows: every "text" in its blocks.
func viewText(v slackfake.View) string {
	return shown(slackfake.Message{Blocks: v.Blocks})
}

func TestHomeEndToEnd(t *testing.T) {
	t.Parallel()
	w := newHomeWorld(t)
	ctx := context.Background()
	mod1, _ := w.course.Module(1)
	reading := mod1.Voorbereiding.Lezen[0]

	t.Run("Participant", func(t *testing.T) {
		v := w.openHome(t, w.anna)
		text := viewText(v)
		for _, want := range []string{"Volgende bijeenkomst: module 1", "maandag 7 december, 09:00–13:00", "Stadhuis",
			"Voorbereiding module 1", "*Voormeting*: nog niet ingevuld.", "Er is nog niets van de casussen gedeeld"} {
			if !strings.Contains(text, want) {
				t.Errorf("Anna's Home lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "Je groepen als trainer") {
			t.Error("a participant sees the trainer part")
		}
	})

	t.Run("GelezenOnTheHome", func(t *testing.T) {
		w.bot.ClickHome(t, w.anna, handlers.ActionReadingDone+":0", "1/"+reading.ID)
		ps, err := w.db.UserProgress(ctx, w.cohortID, w.anna)
		if err != nil || len(ps) != 1 || ps[0].Item != reading.ID {
			t.Fatalf("progress after the Home's Gelezen: %+v, %v", ps, err)
		}
		v, _ := w.fake.Home(w.anna)
		if text := viewText(v); !strings.Contains(text, "✓ Gelezen door <@"+w.anna+">") {
			t.Fatalf("the Home was not redrawn with the tick:\n%s", text)
		}
		// The next reading still has its button; the one read has none.
		if _, err := w.fake.ClickHome(ctx, w.anna, handlers.ActionReadingDone+":0", "1/"+reading.ID); err == nil {
			t.Error("the Home still shows the Gelezen button of a reading marked read")
		}
	})

	t.Run("MeterProgress", func(t *testing.T) {
		m, err := w.db.StartMeasurement(ctx, w.cohortID, w.anna, content.MeterVoormeting)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, s := range w.course.Meter.Statements() {
			ids = append(ids, s.ID)
		}
		for _, id := range ids[:7] {
			if _, err := w.db.AnswerStatement(ctx, store.MeterAnswer{MeasurementID: m.ID, UserID: w.anna, Round: 1,
				StatementID: id, Score: 3, Statements: ids}); err != nil {
				t.Fatal(err)
			}
		}
		if text := viewText(w.openHome(t, w.anna)); !strings.Contains(text, "bezig, 7 van 21 stellingen beantwoord") {
			t.Fatalf("Home does not show the meter's progress:\n%s", text)
		}
	})

	t.Run("Trainer", func(t *testing.T) {
		text := viewText(w.openHome(t, w.trainer))
		for _, want := range []string{"Je groepen als trainer", "Home najaar 2026", "Deelnemers: 2",
			"Voormeting afgerond: 0 van 2", "/competentiemeter overzicht"} {
			if !strings.Contains(text, want) {
				t.Errorf("trainer's Home lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "Voorbereiding module") || strings.Contains(text, w.anna) {
			t.Errorf("trainer's Home shows a participant's view or names one:\n%s", text)
		}
	})

	t.Run("NoCohort", func(t *testing.T) {
		stranger := w.fake.AddUser(slackfake.User{Name: "sam"})
		if text := viewText(w.openHome(t, stranger)); !strings.Contains(text, "Ik kan je nog niet vinden in een training") {
			t.Fatalf("a stranger's Home:\n%s", text)
		}
	})
}

// homeFixture is a participant's and a trainer's state in the middle of the course (after module 1, before module
// 2), for the golden views.
func homeFixture(t *testing.T) (*content.Course, time.Time, *content.Cohort, handlers.ParticipantHome) {
	t.Helper()
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := &content.Cohort{ID: 7, Name: "Utrecht najaar 2026", Channel: "C0UTRECHT", Timezone: content.DefaultTimezone,
		Trainers: []string{"UTRAINER"}, Cases: []string{"richard", "johan"}, Settings: content.DefaultCohortSettings()}
	for n := 1; n <= 4; n++ {
		start := meterModuleStart(n)
		c.Modules = append(c.Modules, content.CohortModule{Number: n, Start: start, End: start.Add(4 * time.Hour), Location: "Stadhuis, zaal 3"})
	}
	now := time.Date(2026, 12, 10, 12, 0, 0, 0, meterTZ)
	mod2, _ := course.Module(2)
	done := time.Date(2026, 12, 9, 20, 15, 0, 0, meterTZ)
	finished := time.Date(2026, 12, 4, 21, 0, 0, 0, meterTZ)
	answers := map[string]int{}
	for i, s := range course.Meter.Statements() {
		answers[s.ID] = 1 + i%5
	}
	p := handlers.ParticipantHome{
		Cohort: c,
		Progress: map[string]store.Progress{
			"reading/" + mod2.Voorbereiding.Lezen[0].ID: {Kind: store.ProgressReading, Item: mod2.Voorbereiding.Lezen[0].ID, Module: 2, DoneAt: done},
		},
		HasPlan: true,
		Voormeting: handlers.MeterState{Kind: content.MeterVoormeting, Answers: answers,
			Measurement: &content.Measurement{ID: 11, CohortID: 7, UserID: "UANNA", Kind: content.MeterVoormeting, FinishedAt: &finished, Locked: true, Round: 1}},
		Eindmeting: handlers.MeterState{Kind: content.MeterEindmeting},
	}
	rc, _ := course.Case("richard")
	rs, err := rc.Stages("richard")
	if err != nil || len(rs) == 0 {
		t.Fatalf("stages of richard: %v", err)
	}
	st := rs[0]
	title, _ := rc.TitleFor("richard")
	p.Stages = []handlers.RevealedStage{{CaseTitle: title, Stage: st, At: time.Date(2026, 12, 7, 11, 0, 0, 0, meterTZ)}}
	return course, now, c, p
}

func TestHomeViewGolden(t *testing.T) {
	t.Parallel()
	course, now, c, p := homeFixture(t)
	t.Run("Participant", func(t *testing.T) {
		v, err := handlers.HomeView(course, now, "UANNA", nil, &p)
		if err != nil {
			t.Fatal(err)
		}
		checkView(t, v)
		golden(t, "home_participant.json", v)
	})
	t.Run("Trainer", func(t *testing.T) {
		v, err := handlers.HomeView(course, now, "UTRAINER", []handlers.TrainerCohortHome{{Cohort: c, Participants: 12,
			VoormetingDone: 9, HomeworkDone: map[int]int{1: 7}, Failed: 1}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkView(t, v)
		golden(t, "home_trainer.json", v)
	})
	t.Run("NoCohort", func(t *testing.T) {
		v, err := handlers.HomeView(course, now, "USTRANGER", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkView(t, v)
		golden(t, "home_no_cohort.json", v)
	})
}

func TestHomeViewFitsSlack(t *testing.T) {
	t.Parallel()
	course, now, c, p := homeFixture(t)
	// Every stage of every case revealed, many times over: far more than a view holds.
	var stages []handlers.RevealedStage
	for i := 0; i < 6; i++ {
		for _, id := range c.Cases {
			cs, _ := course.Case(id)
			title, _ := cs.TitleFor(id)
			all, err := cs.Stages(id)
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range all {
				if st.Audience == content.StageChannel {
					stages = append(stages, handlers.RevealedStage{CaseTitle: title, Stage: st, At: now})
				}
			}
		}
	}
	p.Stages = stages
	var trained []handlers.TrainerCohortHome
	for i := 0; i < 120; i++ {
		trained = append(trained, handlers.TrainerCohortHome{Cohort: c, Participants: 10})
	}
	for _, tc := range []struct {
		name    string
		trained []handlers.TrainerCohortHome
		part    *handlers.ParticipantHome
		pointer string
	}{
		{"ManyStages", nil, &p, "Typ `/casus` om alles terug te lezen"},
		{"ManyCohorts", trained, nil, "Je hebt meer groepen dan hier passen"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := handlers.HomeView(course, now, "UANNA", tc.trained, tc.part)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(v.Blocks.BlockSet); n != 100 {
				t.Fatalf("%d blocks; want exactly Slack's 100 (trimmed to fit, not shorter)", n)
			}
			checkView(t, v)
			if !strings.Contains(viewText(slackfake.View{Blocks: viewJSON(t, v.Blocks)}), tc.pointer) {
				t.Fatalf("trimmed view has no pointer %q", tc.pointer)
			}
		})
	}
}

// checkView fails when v breaks one of Slack's Block Kit limits, as the fake (and Slack) would refuse it.
func checkView(t *testing.T, v slack.HomeTabViewRequest) {
	t.Helper()
	if errs := slackfake.ValidateView(viewJSON(t, v)); len(errs) > 0 {
		t.Fatalf("invalid view: %v", errs)
	}
}

func viewJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHomeAfterTheCourse: once module 4 is over, the homework on the App Home is that of modules 1 to 3, each with
// its Klaar; module 4's closing task is the eindmeting, which the Home shows with the competentiemeter, so nobody
// is asked to click Klaar for it as well, and the trainer sees no homework count for it.
func TestHomeAfterTheCourse(t *testing.T) {
	t.Parallel()
	course, _, c, p := homeFixture(t)
	after := c.Modules[3].End.Add(24 * time.Hour)
	v, err := handlers.HomeView(course, after, "UANNA", nil, &p)
	if err != nil {
		t.Fatal(err)
	}
	raw := mustJSON(t, v)
	for n := 1; n <= 3; n++ {
		if id := handlers.ProgressBlockID(store.ProgressHomework, c.ID, store.HomeworkItem(n)); !strings.Contains(raw, `"`+id+`"`) {
			t.Errorf("the homework of module %d is not on the Home", n)
		}
	}
	m4, _ := course.Module(4)
	if id := handlers.ProgressBlockID(store.ProgressHomework, c.ID, store.HomeworkItem(4)); strings.Contains(raw, `"`+id+`"`) ||
		strings.Contains(raw, m4.Huiswerk[0].Title) {
		t.Error("module 4's eindmeting is on the Home as homework with its own Klaar")
	}
	if !strings.Contains(raw, course.Phrases.ButtonStartEindmeting) {
		t.Error("the eindmeting is not on the Home")
	}

	tv, err := handlers.HomeView(course, after, "UTRAINER", []handlers.TrainerCohortHome{{Cohort: c, Participants: 3,
		HomeworkDone: map[int]int{1: 2, 3: 1, 4: 1}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustJSON(t, tv); !strings.Contains(got, "module 3: 1 van 3") || strings.Contains(got, "module 4:") {
		t.Errorf("trainer's homework counts: %s", got)
	}
}
