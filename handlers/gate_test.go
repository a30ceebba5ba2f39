package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/lib/pq"
	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// gateWorld is the whole bot on the Slack fake, wired as cmd/gesprekbot wires it, with one training in channel
// and the people the gate tells apart.
type gateWorld struct {
	bot     *bottest.World
	fake    *slackfake.Server
	db      *store.DB
	course  *content.Course
	cohort  *content.Cohort
	channel string // the training's channel
	nieuw   string // a channel without a training, for /training nieuw
	modal   string // another one, for the modal's submission
	users   map[string]string
	clock   *bottest.Clock
	meter   *handlers.Meter
	render  *handlers.Deliveries
}

// The people of the gate's tables, by role.
const (
	gTrainerByID    = "trainer by ID"
	gTrainerByEmail = "trainer by e-mail, not yet resolved"
	gParticipant    = "participant"
	gStranger       = "stranger"
	gAdmin          = "workspace admin"
	gOwner          = "workspace owner"
	gPrimaryOwner   = "primary owner"
	gCreatorByID    = "TRAINING_CREATORS by ID"
	gCreatorByEmail = "TRAINING_CREATORS by e-mail"
)

const gTrainerEmail = "erik@gemeente.nl"

func newGateWorld(t *testing.T) *gateWorld {
	t.Helper()
	ctx := context.Background()
	// TRAINING_CREATORS names Dirk by his user ID, so he has it before the workspace exists.
	const dirk = "U0CREATOR1"
	course, db, b := newBot(t, trainingNow, func(o *bottest.Options) { o.Creators = []string{dirk, "Carla@Gemeente.nl"} })
	w := &gateWorld{bot: b, fake: b.Fake, db: db, course: course, users: map[string]string{}, clock: b.Clock,
		meter: b.App.Meter, render: b.App.Deliveries}
	for role, u := range map[string]slackfake.User{
		gTrainerByID:    {Name: "tess"},
		gTrainerByEmail: {Name: "erik", Email: "Erik@Gemeente.nl"},
		gParticipant:    {Name: "anna", Email: "anna@gemeente.nl"},
		gStranger:       {Name: "sam", Email: "sam@elders.nl"},
		gAdmin:          {Name: "ada", IsAdmin: true},
		gOwner:          {Name: "otto", IsOwner: true},
		gPrimaryOwner:   {Name: "pia", IsPrimaryOwner: true},
		gCreatorByID:    {ID: dirk, Name: "dirk"},
		gCreatorByEmail: {Name: "carla", Email: "carla@gemeente.nl"},
	} {
		w.users[role] = w.fake.AddUser(u)
	}
	everyone := []string{w.fake.BotUserID()}
	for _, id := range w.users {
		everyone = append(everyone, id)
	}
	w.channel = w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-gate", Members: []string{w.fake.BotUserID(),
		w.users[gTrainerByID], w.users[gTrainerByEmail], w.users[gParticipant]}})
	w.nieuw = w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-nieuw", Members: everyone})
	w.modal = w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-modal", Members: everyone})

	c := trCohort()
	c.Channel, c.Trainers = w.channel, []string{w.users[gTrainerByID], gTrainerEmail}
	if _, err := db.ApplyCohort(ctx, c, func(saved *content.Cohort) ([]content.Delivery, error) {
		cal, err := scheduler.NewCalendar(saved)
		if err != nil {
			return nil, err
		}
		return scheduler.Plan(saved, course.Rules, cal)
	}); err != nil {
		t.Fatal(err)
	}
	w.cohort = c
	if _, err := db.RecordJoin(ctx, c.ID, w.users[gParticipant], nil); err != nil {
		t.Fatal(err)
	}

	return w
}

// ackSeen is what a command's or click's immediate answer shows.
func ackSeen(t *testing.T, r slackfake.Response) string {
	t.Helper()
	if len(r.Payload) == 0 {
		return ""
	}
	var p struct {
		Text   string          `json:"text"`
		Blocks json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(r.Payload, &p); err != nil {
		return string(r.Payload)
	}
	return seen(slackfake.Message{Text: p.Text, Blocks: p.Blocks})
}

// digest is the content of every table but the event dedupe, the migrations and the rate-limit buckets (every call
// to Slack, a refusal's reply too, books a slot): equal digests, nothing written.
func (w *gateWorld) digest(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var tables []string
	if err := w.db.SelectContext(ctx, &tables, `
		SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
		  AND table_name NOT IN ('schema_migrations', 'slack_events', 'pace_buckets')
		ORDER BY table_name`); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, tbl := range tables {
		var sum string
		q := fmt.Sprintf(`SELECT coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM %s x`, pq.QuoteIdentifier(tbl))
		if err := w.db.GetContext(ctx, &sum, q); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s=%s\n", tbl, sum)
	}
	return b.String()
}

// resolved reports whether the cohort lists the e-mail trainer by user ID now.
func (w *gateWorld) resolved(t *testing.T) bool {
	t.Helper()
	c, err := w.db.CohortByID(context.Background(), w.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	return slices.Contains(c.Trainers, w.users[gTrainerByEmail]) && !slices.Contains(c.Trainers, gTrainerEmail)
}

// unresolve puts the e-mail trainer back as the cohort file wrote them.
func (w *gateWorld) unresolve(t *testing.T) {
	t.Helper()
	if _, err := w.db.ExecContext(context.Background(), `
		UPDATE cohort_trainers SET user_id = $3 WHERE cohort_id = $1 AND user_id = $2`,
		w.cohort.ID, w.users[gTrainerByEmail], gTrainerEmail); err != nil {
		t.Fatal(err)
	}
}

// gateRow is how the table uses one entry point: use it as user and say whether the user got in (for an entry
// point with a trainer part: whether they saw it).
type gateRow func(t *testing.T, w *gateWorld, user string) (allowed bool, seen string)

// TestGate is the one table of every entry point not open to everyone alike: each trainer command, each creator
// command and view, and each entry point with a trainer part, as each kind of person. Who may not is refused and
// nothing is written; a trainer listed by e-mail address gets in (and is resolved to their user ID) like one listed
// by ID. The registry's declared entry points and the table's rows must be the same: a new trainer entry point
// without a row fails this test.
func TestGate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newGateWorld(t)
	trainerRefused := "alleen een trainer"
	command := func(channel, cmd, text, refusal string) gateRow {
		return func(t *testing.T, w *gateWorld, user string) (bool, string) {
			s := ackSeen(t, w.bot.Command(t, user, channel, cmd, text))
			return !strings.Contains(s, refusal), s
		}
	}
	part := func(cmd, text, shows string) gateRow {
		return func(t *testing.T, w *gateWorld, user string) (bool, string) {
			s := ackSeen(t, w.bot.Command(t, user, w.channel, cmd, text))
			return strings.Contains(s, shows), s
		}
	}
	creatorRefused := "Een nieuwe training opzetten kan alleen"
	anna := "<@" + w.users[gParticipant] + "|anna>"

	rows := map[string]gateRow{
		"command /training plan":              command(w.channel, "/training", "plan", trainerRefused),
		"command /training verzet":            command(w.channel, "/training", "verzet 2 15-12-2026 9:00", trainerRefused),
		"command /training status":            command(w.channel, "/training", "status", trainerRefused),
		"command /training huiswerk":          command(w.channel, "/training", "huiswerk 2", trainerRefused),
		"command /casus reveal":               command(w.channel, "/casus", "reveal", trainerRefused),
		"command /casus onthul":               command(w.channel, "/casus", "onthul richard", trainerRefused),
		"command /casus status":               command(w.channel, "/casus", "status", trainerRefused),
		"command /casus rol":                  command(w.channel, "/casus", "rol "+anna+" moeder", trainerRefused),
		"command /casus acteur":               command(w.channel, "/casus", "acteur", trainerRefused),
		"command /competentiemeter overzicht": command(w.channel, "/competentiemeter", "overzicht", trainerRefused),
		"command /gesprekbot help":            part("/gesprekbot", "help", firstLine(w.course.Phrases.HelpTrainer)),
		"command /gesprekbot":                 part("/gesprekbot", "", firstLine(w.course.Phrases.HelpTrainer)),
		"command /casus":                      part("/casus", "help", firstLine(w.course.Phrases.CasusHelpTrainer)),
		"command /feedback":                   part("/feedback", "", "*Feedback bij module 2*"),
		"command /evaluatie bord":             command(w.channel, handlers.CommandEvaluatie, "bord", trainerRefused),
		"command /evaluatie": func(t *testing.T, w *gateWorld, user string) (bool, string) {
			s := ackSeen(t, w.bot.Command(t, user, w.channel, handlers.CommandEvaluatie, ""))
			if _, open := w.fake.TopModal(user); open {
				// A participant gets the evaluation modal, which writes nothing until submitted.
				w.fake.CloseView(ctx, user)
			}
			return strings.Contains(s, w.course.Phrases.EvaluationTrainerHint), s
		},
		"event app_home_opened": func(t *testing.T, w *gateWorld, user string) (bool, string) {
			s := viewText(w.bot.OpenHome(t, user))
			return strings.Contains(s, w.course.Phrases.HomeTrainerHeader), s
		},
		"action module_info": func(t *testing.T, w *gateWorld, user string) (bool, string) {
			ch, ts, err := w.bot.Poster.Post(ctx, user, "module", []slack.Block{slack.NewActionBlock("mi",
				handlers.ModuleInfoButton(w.cohort.ID, 1, w.course.Phrases.ModuleInfoButton))})
			if err != nil {
				t.Fatal(err)
			}
			s := ackSeen(t, w.bot.Click(t, user, ch, ts, handlers.ActionModuleInfo, ""))
			if modal, open := w.fake.TopModal(user); open {
				if user == w.users[gStranger] {
					t.Errorf("a stranger opened another cohort's module window")
				}
				s = viewText(modal)
				w.fake.CloseView(ctx, user)
			}
			return strings.Contains(s, firstLine(w.course.Phrases.ModuleInfoTrainer)), s
		},
		"command /training nieuw": func(t *testing.T, w *gateWorld, user string) (bool, string) {
			s := ackSeen(t, w.bot.Command(t, user, w.nieuw, "/training", "nieuw"))
			modal, open := w.fake.TopModal(user)
			if open != !strings.Contains(s, creatorRefused) {
				t.Errorf("/training nieuw: modal open %v, but the answer was %q", open, s)
			}
			return open && modal.CallbackID == handlers.CallbackTrainingNew, s
		},
		"view training_new": func(t *testing.T, w *gateWorld, user string) (bool, string) {
			view := handlers.TrainingNewView(w.course, w.course.Phrases, w.modal, "het-gesprek-modal", user)
			state := trModalState("Gate "+user, "johanna", nil, [4][4]string{
				{"2026-12-07", "09:00", "13:00", "Stadskantoor"}, {"2026-12-14", "09:00", "13:00", "Stadskantoor"},
				{"2027-01-11", "09:00", "13:00", "Stadskantoor"}, {"2027-01-25", "09:00", "13:00", "Stadskantoor"},
			})
			ack := w.bot.Registry.HandleInteraction(ctx, trSubmission(user, view, state))
			raw, err := json.Marshal(ack.Payload)
			if err != nil {
				t.Fatal(err)
			}
			return !strings.Contains(string(raw), creatorRefused), string(raw)
		},
	}

	declared := w.bot.Registry.Access()
	for entry, access := range declared {
		if rows[entry] == nil {
			t.Errorf("%s (%s) is declared at registration but has no row in TestGate", entry, access)
		}
	}
	for entry := range rows {
		if _, ok := declared[entry]; !ok {
			t.Errorf("TestGate has a row for %s, which is not declared at registration", entry)
		}
	}

	// Refused people first, so that the e-mail trainer is still unresolved when their turn comes.
	people := map[handlers.Access][]struct {
		role  string
		allow bool
	}{
		handlers.AccessTrainer: {{gStranger, false}, {gParticipant, false}, {gTrainerByEmail, true}, {gTrainerByID, true}},
		handlers.AccessCreator: {{gStranger, false}, {gParticipant, false}, {gTrainerByID, false}, {gAdmin, true},
			{gOwner, true}, {gPrimaryOwner, true}, {gCreatorByID, true}, {gCreatorByEmail, true}},
	}
	people[handlers.AccessTrainerPart] = people[handlers.AccessTrainer]

	entries := make([]string, 0, len(rows))
	for e := range rows {
		entries = append(entries, e)
	}
	sort.Strings(entries)
	for _, entry := range entries {
		row, access := rows[entry], declared[entry]
		for _, p := range people[access] {
			t.Run(entry+"/"+p.role, func(t *testing.T) {
				if p.role == gTrainerByEmail {
					w.unresolve(t)
				}
				before := w.digest(t)
				allowed, seen := row(t, w, w.users[p.role])
				if allowed != p.allow {
					t.Fatalf("allowed = %v, want %v; they saw:\n%s", allowed, p.allow, seen)
				}
				if !p.allow {
					if after := w.digest(t); after != before {
						t.Errorf("a refusal wrote to the database:\nbefore %s\nafter  %s", before, after)
					}
				}
				if p.role == gTrainerByEmail && !w.resolved(t) {
					t.Errorf("the e-mail trainer got in but was not stored by user ID")
				}
			})
		}
	}
}

// TestForgedCohortInPayload clicks buttons whose block_id, value or private_metadata carry a cohort the clicker is
// not in (another cohort's id, or one no cohort has), as a forged payload would: each gets the stranger's refusal
// and nothing is written. The same buttons with the clicker's own cohort work, so the refusals are the gate's.
func TestForgedCohortInPayload(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newGateWorld(t)
	anna := w.users[gParticipant]
	bram := w.fake.AddUser(slackfake.User{Name: "bram"})
	other := w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-ander", Members: []string{w.fake.BotUserID(), bram}})
	otherID := saveDecemberCohort(t, w.db, "Ander najaar 2026", other, w.users[gTrainerByID], []string{"richard", "johan"}, bram)
	const noCohort = 999999

	mod1, _ := w.course.Module(1)
	reading := mod1.Voorbereiding.Lezen[0]
	buttons := func(cohortID int64) []slack.Block {
		id := strconv.FormatInt(cohortID, 10)
		return []slack.Block{
			handlers.ReadingBlock(cohortID, 1, 0, reading, w.course.Phrases),
			handlers.HomeworkButton(cohortID, 2, w.course.Phrases),
			slack.NewActionBlock(handlers.ProgressBlockID("meter", cohortID, handlers.MeterVoormeting),
				slack.NewButtonBlockElement(handlers.ActionMeterStart, handlers.MeterVoormeting, plainText("Start"))),
			slack.NewActionBlock("plan/c"+id, slack.NewButtonBlockElement(handlers.ActionMeterPlan, id, plainText("Plan"))),
		}
	}
	post := func(cohortID int64) (string, string) {
		t.Helper()
		ch, ts, err := w.bot.Poster.Post(ctx, anna, "knoppen", buttons(cohortID))
		if err != nil {
			t.Fatal(err)
		}
		return ch, ts
	}
	clicks := []struct{ action, value string }{
		{handlers.ActionReadingDone + ":0", "1/" + reading.ID},
		{handlers.ActionHomeworkDone, "2"},
		{handlers.ActionMeterStart, handlers.MeterVoormeting},
		{handlers.ActionMeterPlan, ""}, // the cohort id, filled in below
	}
	stranger := firstSentence(w.course.Phrases.GateStranger)
	for _, forged := range []struct {
		name string
		id   int64
	}{{"OtherCohort", otherID}, {"NoCohort", noCohort}} {
		dm, ts := post(forged.id)
		for _, c := range clicks {
			value := c.value
			if value == "" {
				value = strconv.FormatInt(forged.id, 10)
			}
			t.Run(forged.name+"/"+c.action, func(t *testing.T) {
				before := w.digest(t)
				w.bot.Click(t, anna, dm, ts, c.action, value)
				if got := w.lastEphemeral(t, anna); !strings.Contains(got, stranger) {
					t.Errorf("anna was told %q, want the stranger's refusal", got)
				}
				if _, open := w.fake.TopModal(anna); open {
					t.Errorf("a modal was opened")
				}
				if after := w.digest(t); after != before {
					t.Errorf("a forged click wrote to the database:\nbefore %s\nafter  %s", before, after)
				}
			})
		}
		t.Run(forged.name+"/PlanSubmission", func(t *testing.T) {
			before := w.digest(t)
			ack := w.bot.Registry.HandleInteraction(ctx, planSubmission(anna, forged.id))
			raw, _ := json.Marshal(ack.Payload)
			if !strings.Contains(string(raw), stranger) {
				t.Errorf("submission answered %s, want the stranger's refusal", raw)
			}
			if w.digest(t) != before {
				t.Errorf("a forged submission wrote to the database")
			}
		})
	}

	// Anna's own cohort: the same buttons count.
	dm, ts := post(w.cohort.ID)
	for _, c := range clicks[:3] {
		w.bot.Click(t, anna, dm, ts, c.action, c.value)
	}
	w.bot.Registry.HandleInteraction(ctx, planSubmission(anna, w.cohort.ID))
	w.bot.Wait(t)
	if _, err := w.db.DevelopmentPlanOf(ctx, w.cohort.ID, anna); err != nil {
		t.Errorf("her own cohort's plan modal: %v", err)
	}
	var progress, measurements int
	if err := w.db.GetContext(ctx, &progress, `SELECT count(*) FROM progress WHERE user_id = $1 AND cohort_id = $2`, anna, w.cohort.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.db.GetContext(ctx, &measurements, `SELECT count(*) FROM meter_measurements WHERE user_id = $1 AND cohort_id = $2`, anna, w.cohort.ID); err != nil {
		t.Fatal(err)
	}
	if progress != 2 || measurements != 1 {
		t.Errorf("her own cohort's buttons: %d progress rows and %d measurements, want 2 and 1", progress, measurements)
	}
}

// planSubmission is user's submission of the development plan modal with cohortID in its private_metadata.
func planSubmission(user string, cohortID int64) slack.InteractionCallback {
	var cb slack.InteractionCallback
	cb.Type, cb.User.ID = slack.InteractionTypeViewSubmission, user
	cb.View.CallbackID, cb.View.PrivateMetadata = handlers.CallbackMeterPlan, strconv.FormatInt(cohortID, 10)
	cb.View.State = &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
		"ontwikkelpunten": {"ontwikkelpunten_tekst": {Value: "Beter doorvragen"}},
		"aanpak":          {"aanpak_tekst": {Value: "Met mijn collega"}},
	}}
	return cb
}

func plainText(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

// lastEphemeral returns what user was last shown privately.
func (w *gateWorld) lastEphemeral(t *testing.T, user string) string {
	t.Helper()
	eph := w.fake.Ephemerals(user)
	if len(eph) == 0 {
		t.Fatalf("%s was shown nothing", user)
	}
	return seen(eph[len(eph)-1])
}
