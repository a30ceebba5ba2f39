package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
)

// meterWorld is a cohort in the Slack fake with a real database and the bot connected over Socket Mode.
type meterWorld struct {
	bot      *bottest.World
	fake     *slackfake.Server
	db       *store.DB
	course   *content.Course
	clock    *bottest.Clock
	channel  string
	cohortID int64
	trainer  string
	users    []string // participants: anna, bram, cor, dina
}

func (w *meterWorld) setClock(t time.Time) { w.clock.Set(t) }

var meterTZ, _ = time.LoadLocation(content.DefaultTimezone)

// meterModuleStart returns the start of module n of the test cohort: Mondays in December 2026.
func meterModuleStart(n int) time.Time {
	return time.Date(2026, 12, 7*n, 9, 0, 0, 0, meterTZ)
}

// saveDecemberCohort stores a cohort in channel with trainer and cases, its modules on the Mondays of
// meterModuleStart in the Stadhuis, and records participants as having joined; it returns the cohort's id.
func saveDecemberCohort(t testing.TB, db *store.DB, name, channel, trainer string, cases []string, participants ...string) int64 {
	t.Helper()
	ctx := context.Background()
	co := &content.Cohort{Name: name, Channel: channel, Timezone: content.DefaultTimezone,
		Trainers: []string{trainer}, Cases: cases, Settings: content.DefaultCohortSettings()}
	for n := 1; n <= 4; n++ {
		start := meterModuleStart(n)
		co.Modules = append(co.Modules, content.CohortModule{Number: n, Start: start, End: start.Add(4 * time.Hour), Location: "Stadhuis"})
	}
	id, err := db.SaveCohort(ctx, co)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range participants {
		if _, err := db.RecordJoin(ctx, id, u, nil); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// newBot returns the bot as cmd/gesprekbot builds it (bottest.World), connected to a fresh Slack fake on a fresh
// database, with its clock at now; and its course and database.
func newBot(t testing.TB, now time.Time, opts ...func(*bottest.Options)) (*content.Course, *store.DB, *bottest.World) {
	t.Helper()
	o := bottest.Options{Now: now}
	for _, f := range opts {
		f(&o)
	}
	w := bottest.New(t, o)
	return w.Course, w.DB, w
}

func newMeterWorld(t *testing.T) *meterWorld {
	t.Helper()
	course, db, b := newBot(t, time.Date(2026, 12, 1, 10, 0, 0, 0, meterTZ))
	w := &meterWorld{bot: b, fake: b.Fake, db: db, course: course, clock: b.Clock}
	w.trainer = w.fake.AddUser(slackfake.User{Name: "tess", RealName: "Tess Trainer"})
	members := []string{w.trainer, w.fake.BotUserID()}
	for _, n := range []string{"anna", "bram", "cor", "dina"} {
		u := w.fake.AddUser(slackfake.User{Name: n, RealName: n})
		w.users = append(w.users, u)
		members = append(members, u)
	}
	w.channel = w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-meter", Members: members})
	w.cohortID = saveDecemberCohort(t, db, "Meter najaar 2026", w.channel, w.trainer, []string{"richard", "johan"}, w.users...)
	return w
}

// command types /competentiemeter as user in channel and waits until the work after the ack is done.
func (w *meterWorld) command(t *testing.T, user, channel, text string) slackfake.Response {
	t.Helper()
	return w.bot.Command(t, user, channel, handlers.CommandMeter, text)
}

// click presses a button as user on the message at ts in channel and waits for the work after the ack.
func (w *meterWorld) click(t *testing.T, user, channel, ts, actionID, value string) slackfake.Response {
	t.Helper()
	return w.bot.Click(t, user, channel, ts, actionID, value)
}

// last returns the newest message in a conversation.
func (w *meterWorld) last(t *testing.T, channel string) slackfake.Message {
	t.Helper()
	ms := w.fake.Messages(channel)
	if len(ms) == 0 {
		t.Fatalf("no messages in %s", channel)
	}
	return ms[len(ms)-1]
}

// shown returns the text a message shows: its text and every "text" in its blocks.
func shown(m slackfake.Message) string {
	var b strings.Builder
	b.WriteString(m.Text)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "text" {
					b.WriteString("\n" + s)
				} else {
					walk(x)
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var blocks []any
	json.Unmarshal(m.Blocks, &blocks)
	walk(blocks)
	return b.String()
}

func (w *meterWorld) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := w.db.GetContext(context.Background(), &n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

// answerAll answers every statement shown in the DM of user by clicking, with score(i) for statement i (0-based),
// checking the progress shown on the way.
func (w *meterWorld) answerAll(t *testing.T, user string, score func(i int) int) {
	t.Helper()
	dm := w.fake.IMWith(user)
	total := len(w.course.Meter.Statements())
	for i := 0; i < total; i++ {
		msg := w.last(t, dm)
		if want := fmt.Sprintf("Stelling %d van %d", i+1, total); !strings.Contains(shown(msg), want) {
			t.Fatalf("message shows %q, want %q", shown(msg), want)
		}
		w.click(t, user, dm, msg.TS, fmt.Sprintf("%s:%d", handlers.ActionMeterScore, score(i)), "")
	}
}

func TestMeterVoormetingAndEindmeting(t *testing.T) {
	t.Parallel()
	w := newMeterWorld(t)
	anna, bram := w.users[0], w.users[1]
	dm := w.fake.IMWith(anna)
	statements := w.course.Meter.Statements()
	voor := func(i int) int { return 1 + i%3 }
	na := func(i int) int { return 3 + i%3 }

	// Started from the channel: the meter goes to the DM.
	resp := w.command(t, anna, w.channel, "")
	if !strings.Contains(string(resp.Payload), "privébericht") {
		t.Errorf("command answer = %s, want a pointer to the DM", resp.Payload)
	}
	first := w.last(t, dm)
	if s := shown(first); !strings.Contains(s, "Stelling 1 van 21") || !strings.Contains(s, statements[0].Text) ||
		!strings.Contains(s, "Gespreksvaardigheden") || !strings.Contains(s, "Nog niet") {
		t.Fatalf("first question shows %q", s)
	}

	t.Run("DoubleClickAndRetryWriteOnce", func(t *testing.T) {
		ctx := context.Background()
		r1, err := w.fake.Click(ctx, anna, dm, first.TS, handlers.ActionMeterScore+":2", "")
		if err != nil {
			t.Fatal(err)
		}
		// The second click of a double click is on the message as it was: the bot may have replaced it already.
		if _, err := w.fake.ClickAgain(ctx, r1); err != nil {
			t.Fatal(err)
		}
		if _, err := w.fake.Redeliver(ctx, r1, "timeout"); err != nil {
			t.Fatal(err)
		}
		w.bot.Wait(t)
		if n := w.count(t, `SELECT count(*) FROM meter_answers`); n != 1 {
			t.Errorf("%d answers after a double click and a retry, want 1", n)
		}
		if s := shown(w.last(t, dm)); !strings.Contains(s, "Stelling 2 van 21") || !strings.Contains(s, "Genoteerd bij stelling 1") {
			t.Errorf("after the answer the message shows %q", s)
		}
	})

	t.Run("SomeoneElseCannotAnswer", func(t *testing.T) {
		before := w.count(t, `SELECT count(*) FROM meter_answers`)
		w.click(t, bram, dm, w.last(t, dm).TS, handlers.ActionMeterScore+":5", "")
		if n := w.count(t, `SELECT count(*) FROM meter_answers`); n != before {
			t.Errorf("someone else's click wrote an answer")
		}
		eph := w.fake.Ephemerals(bram)
		if len(eph) == 0 || !strings.Contains(shown(eph[len(eph)-1]), "van iemand anders") {
			t.Errorf("bram was not told the meter is not his: %v", eph)
		}
	})

	t.Run("PreviousShowsAnswerAndChangeIt", func(t *testing.T) {
		w.click(t, anna, dm, w.last(t, dm).TS, handlers.ActionMeterPrev, "")
		if s := shown(w.last(t, dm)); !strings.Contains(s, "Stelling 1 van 21") || !strings.Contains(s, "✓ Een beetje") {
			t.Fatalf("Vorige shows %q", s)
		}
		w.click(t, anna, dm, w.last(t, dm).TS, handlers.ActionMeterScore+":1", "")
		if n := w.count(t, `SELECT score FROM meter_answers WHERE statement_id = 'g1'`); n != 1 {
			t.Errorf("g1 = %d after changing it, want 1", n)
		}
	})

	t.Run("LeaveAndResume", func(t *testing.T) {
		w.command(t, anna, dm, "")
		if s := shown(w.last(t, dm)); !strings.Contains(s, "Stelling 2 van 21") || !strings.Contains(s, "1 van 21 beantwoord") {
			t.Fatalf("resumed at %q, want statement 2", s)
		}
	})

	// The rest of the voormeting, by clicking; statement 1 keeps its score 1 = voor(0).
	dmMsgs := len(w.fake.Messages(dm))
	for i := 1; i < len(statements); i++ {
		msg := w.last(t, dm)
		w.click(t, anna, dm, msg.TS, fmt.Sprintf("%s:%d", handlers.ActionMeterScore, voor(i)), "")
	}
	if n := len(w.fake.Messages(dm)); n != dmMsgs {
		t.Errorf("answering posted %d new messages; the question should be updated in place", n-dmMsgs)
	}
	result := w.last(t, dm)
	if s := shown(result); !strings.Contains(s, "Stap 2 Krachten en uitdagingen") || !strings.Contains(s, "Krachten") ||
		!strings.Contains(s, "Uitdagingen") || !strings.Contains(s, "Bij gelijke scores") {
		t.Fatalf("result shows %q", s)
	}
	ctx := context.Background()
	if done, err := w.db.MeterDone(ctx, w.cohortID, anna, content.MeterVoormeting); err != nil || !done {
		t.Fatalf("voormeting done = %v, %v", done, err)
	}

	t.Run("ClickOnLockedMeasurement", func(t *testing.T) {
		m, _ := w.db.MeasurementOf(ctx, w.cohortID, anna, content.MeterVoormeting)
		// An old question message of round 1, as it was before it turned into the result.
		var sec int64
		fmt.Sscanf(w.last(t, dm).TS, "%d.", &sec)
		old := slackfake.Message{Conversation: dm, TS: fmt.Sprintf("%d.000000", sec+1), User: w.fake.BotUserID(), Text: "oud"}
		blocks, _ := json.Marshal([]any{map[string]any{"type": "actions", "block_id": "meter_q/r1", "elements": []any{
			map[string]any{"type": "button", "action_id": handlers.ActionMeterScore + ":4",
				"text": map[string]any{"type": "plain_text", "text": "4 · Goed"}, "value": fmt.Sprintf("%d/g5/4", m.ID)}}}})
		old.Blocks = blocks
		if err := w.fake.RestoreMessage(old); err != nil {
			t.Fatal(err)
		}
		w.click(t, anna, dm, old.TS, handlers.ActionMeterScore+":4", "")
		if n := w.count(t, `SELECT score FROM meter_answers WHERE statement_id = 'g5'`); n != voor(4) {
			t.Errorf("a click on a locked measurement changed g5 to %d", n)
		}
		eph := w.fake.Ephemerals(anna)
		if len(eph) == 0 || !strings.Contains(shown(eph[len(eph)-1]), "al afgerond") {
			t.Errorf("anna was not told the measurement is locked")
		}

		// Reopened, the same old message is of an earlier round.
		w.click(t, anna, dm, result.TS, handlers.ActionMeterReopen, "")
		reopened, _ := w.fake.Message(dm, result.TS)
		if s := shown(reopened); !strings.Contains(s, "weer open") || !strings.Contains(s, "Stelling 1 van 21") {
			t.Fatalf("reopened shows %q", s)
		}
		w.click(t, anna, dm, old.TS, handlers.ActionMeterScore+":4", "")
		if n := w.count(t, `SELECT score FROM meter_answers WHERE statement_id = 'g5'`); n != voor(4) {
			t.Errorf("a click on a message of an earlier round changed g5 to %d", n)
		}
		if eph := w.fake.Ephemerals(anna); !strings.Contains(shown(eph[len(eph)-1]), "oud bericht") {
			t.Errorf("anna was not told the message is old")
		}
		w.click(t, anna, dm, result.TS, handlers.ActionMeterFinish, "")
		if done, _ := w.db.MeterDone(ctx, w.cohortID, anna, content.MeterVoormeting); !done {
			t.Fatal("Afronden did not finish the reopened measurement")
		}
	})

	t.Run("DevelopmentPlan", func(t *testing.T) {
		w.click(t, anna, dm, result.TS, handlers.ActionMeterPlan, "")
		modal, ok := w.fake.TopModal(anna)
		if !ok || modal.CallbackID != handlers.CallbackMeterPlan || !strings.Contains(string(modal.JSON), "SMART") {
			t.Fatalf("plan modal = %+v", modal)
		}
		resp := w.bot.Submit(t, anna, "", map[string]map[string]string{"ontwikkelpunten": {"ontwikkelpunten_tekst": " "}})
		if resp.Errors["ontwikkelpunten"] == "" {
			t.Fatalf("empty plan accepted: %+v", resp.Errors)
		}
		w.bot.Submit(t, anna, "", map[string]map[string]string{
			"ontwikkelpunten": {"ontwikkelpunten_tekst": "Het netwerk van de burger in kaart brengen"},
			"aanpak":          {"aanpak_tekst": "Met mijn collega Sam, elke week"}})
		if ok, _ := w.db.DevelopmentPlanExists(ctx, w.cohortID, anna); !ok {
			t.Fatal("plan not saved")
		}
		saved := w.last(t, dm)
		if !strings.Contains(shown(saved), "Met mijn collega Sam") {
			t.Errorf("confirmation shows %q", shown(saved))
		}
		// Editing opens the modal with what was saved.
		w.click(t, anna, dm, saved.TS, handlers.ActionMeterPlan, "")
		modal, _ = w.fake.TopModal(anna)
		if !strings.Contains(string(modal.JSON), "Het netwerk van de burger in kaart brengen") {
			t.Error("the plan modal is not filled with the saved plan")
		}
	})

	t.Run("Eindmeting", func(t *testing.T) {
		resp := w.command(t, anna, dm, "")
		if s := shown(w.last(t, dm)); !strings.Contains(s, "Stap 2") || len(resp.Payload) > 0 && strings.Contains(string(resp.Payload), "eindmeting") {
			t.Fatalf("before module 4 the command shows %q", s)
		}
		w.setClock(meterModuleStart(4).Add(5 * time.Hour))
		w.command(t, anna, dm, "")
		if s := shown(w.last(t, dm)); !strings.Contains(s, "eindmeting") || !strings.Contains(s, "Stelling 1 van 21") {
			t.Fatalf("eindmeting starts with %q", s)
		}
		w.answerAll(t, anna, na)
		if done, _ := w.db.MeterDone(ctx, w.cohortID, anna, content.MeterEindmeting); !done {
			t.Fatal("eindmeting not done")
		}
		var growth slackfake.Message
		for _, m := range w.fake.Messages(dm) {
			if strings.Contains(shown(m), "Jouw groei") {
				growth = m
			}
		}
		if s := shown(growth); !strings.Contains(s, "Jouw groei") || !strings.Contains(s, "Gespreksvaardigheden: 2,0 → 4,0 (+2,0)") {
			t.Errorf("growth report shows %q", s)
		}
		var chart *slackfake.File
		for _, f := range w.fake.Files() {
			if strings.HasSuffix(f.Name, ".png") {
				chart = &f
			}
		}
		if chart == nil || !chart.Shared || len(chart.Channels) != 1 || chart.Channels[0] != dm {
			t.Fatalf("chart not shared in the DM: %+v", chart)
		}
		if _, err := png.Decode(bytes.NewReader(w.fake.FileBytes(chart.ID))); err != nil {
			t.Errorf("chart is not a PNG: %v", err)
		}
	})
}

func TestMeterTrainerOverview(t *testing.T) {
	t.Parallel()
	w := newMeterWorld(t)
	ctx := context.Background()
	ids := make([]string, 0, 21)
	for _, s := range w.course.Meter.Statements() {
		ids = append(ids, s.ID)
	}
	finish := func(user string, score int) content.Measurement {
		m, err := w.db.StartMeasurement(ctx, w.cohortID, user, content.MeterVoormeting)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if _, err := w.db.AnswerStatement(ctx, store.MeterAnswer{MeasurementID: m.ID, UserID: user, Round: 1,
				StatementID: id, Score: score, Statements: ids}); err != nil {
				t.Fatal(err)
			}
		}
		return m
	}
	anna, bram, cor, dina := w.users[0], w.users[1], w.users[2], w.users[3]
	annaM := finish(anna, 5)
	finish(bram, 1)

	t.Run("ParticipantIsRefused", func(t *testing.T) {
		resp := w.command(t, anna, w.channel, "overzicht")
		if !strings.Contains(string(resp.Payload), "trainer") || strings.Contains(string(resp.Payload), "Groepsgemiddelde") {
			t.Errorf("participant got %s", resp.Payload)
		}
	})

	overview := func() string {
		resp := w.command(t, w.trainer, w.channel, "overzicht")
		var p struct {
			Text   string          `json:"text"`
			Blocks json.RawMessage `json:"blocks"`
		}
		json.Unmarshal(resp.Payload, &p)
		return shown(slackfake.Message{Text: p.Text, Blocks: p.Blocks})
	}
	t.Run("UnderThreeNoAveragesNoScores", func(t *testing.T) {
		s := overview()
		if !strings.Contains(s, "2 van 4 afgerond") || !strings.Contains(s, "minstens 3") || strings.Contains(s, "Groepsgemiddelde voormeting") {
			t.Errorf("overview with 2 finished shows %q", s)
		}
		if strings.Contains(s, "5,0") || strings.Contains(s, "1,0") {
			t.Errorf("overview shows individual scores without consent: %q", s)
		}
		if !strings.Contains(s, "<@"+dina+">") {
			t.Errorf("overview does not name who has not started: %q", s)
		}
	})
	t.Run("ThreeFinishedTwoUnseenNoAverages", func(t *testing.T) {
		finish(cor, 3)
		if _, err := w.db.ShareMeasurement(ctx, annaM.ID, anna); err != nil {
			t.Fatal(err)
		}
		s := overview()
		if strings.Contains(s, "Groepsgemiddelde voormeting") || !strings.Contains(s, "van 2 van de deelnemers") {
			t.Errorf("overview with 3 finished, 1 shared shows %q", s)
		}
	})
	t.Run("FourFinishedAveragesAndSharedOnly", func(t *testing.T) {
		finish(dina, 2)
		s := overview()
		if !strings.Contains(s, "Groepsgemiddelde voormeting* (4 deelnemers") || !strings.Contains(s, "Gespreksvaardigheden*: 2,8") {
			t.Errorf("overview with 4 finished shows %q", s)
		}
		if !strings.Contains(s, "<@"+anna+">, voormeting: Gespreksvaardigheden 5,0") {
			t.Errorf("anna's shared scores are missing: %q", s)
		}
		if strings.Contains(s, "<@"+bram+">, voormeting") {
			t.Errorf("bram's scores are shown without his consent: %q", s)
		}
	})
	t.Run("CSVInTrainersDM", func(t *testing.T) {
		var csv []byte
		for _, f := range w.fake.Files() {
			if strings.HasSuffix(f.Name, ".csv") && len(f.Channels) == 1 && f.Channels[0] == w.fake.IMWith(w.trainer) {
				csv = w.fake.FileBytes(f.ID)
			}
		}
		if csv == nil {
			t.Fatal("no CSV in the trainer's DM")
		}
		for _, line := range strings.Split(string(csv), "\n") {
			switch {
			case strings.Contains(line, bram) && strings.HasPrefix(line, "voormeting"):
				if strings.Contains(line, ";1;") || !strings.Contains(line, "afgerond;21;nee") {
					t.Errorf("bram's row shows scores he did not share: %q", line)
				}
			case strings.Contains(line, anna) && strings.HasPrefix(line, "voormeting"):
				if !strings.Contains(line, "ja;5,0;") {
					t.Errorf("anna's shared row = %q", line)
				}
			}
		}
		if !strings.Contains(string(csv), "groepsgemiddelde") {
			t.Error("CSV lacks the group average")
		}
	})
}

func TestStap2Ties(t *testing.T) {
	t.Parallel()
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	ids := func(rs []handlers.RankedStatement) string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Statement.ID)
		}
		return strings.Join(out, " ")
	}
	all := func(score int, except map[string]int) map[string]int {
		a := map[string]int{}
		for _, s := range course.Meter.Statements() {
			a[s.ID] = score
		}
		for k, v := range except {
			a[k] = v
		}
		return a
	}
	tests := []struct {
		name                   string
		answers                map[string]int
		krachten, krachtenTied string
		uitdagingen, uitdTied  string
	}{
		{"Distinct", all(3, map[string]int{"g1": 5, "g2": 5, "l1": 5, "c1": 5, "o4": 5, "g3": 1, "l2": 1, "c2": 1, "c3": 1, "o1": 1}),
			"g1 g2 l1 c1 o4", "", "g3 l2 c2 c3 o1", ""},
		{"TieAtTheCut", all(3, map[string]int{"g1": 5, "g2": 4, "l1": 4, "c1": 4, "c2": 4, "o1": 4, "o4": 1}),
			"g1 g2 l1 c1 c2", "o1", "o4 g3 g4 g5 g6", "l2 l3 l4 l5 c3 c4 c5 c6 o2 o3"},
		{"AllEqualNoOverlap", all(3, nil),
			"g1 g2 g3 g4 g5", "g6 l1 l2 l3 l4 l5 c1 c2 c3 c4 c5 c6 o1 o2 o3 o4",
			"g6 l1 l2 l3 l4", "l5 c1 c2 c3 c4 c5 c6 o1 o2 o3 o4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := handlers.Stap2(course.Meter, tt.answers)
			if got := ids(r.Krachten); got != tt.krachten {
				t.Errorf("krachten = %s, want %s", got, tt.krachten)
			}
			if got := ids(r.KrachtenTied); got != tt.krachtenTied {
				t.Errorf("krachten tied = %s, want %s", got, tt.krachtenTied)
			}
			if got := ids(r.Uitdagingen); got != tt.uitdagingen {
				t.Errorf("uitdagingen = %s, want %s", got, tt.uitdagingen)
			}
			if got := ids(r.UitdagingenTied); got != tt.uitdTied {
				t.Errorf("uitdagingen tied = %s, want %s", got, tt.uitdTied)
			}
		})
	}
}

func TestGrowthFigures(t *testing.T) {
	t.Parallel()
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	voor, na := map[string]int{}, map[string]int{}
	for _, s := range course.Meter.Statements() {
		voor[s.ID], na[s.ID] = 2, 3
	}
	na["g1"] = 5 // +3: the biggest growth
	na["l2"] = 5 // +3 too
	na["c4"] = 2 // no growth, still low
	na["o1"] = 1 // fell, still low
	r := handlers.Growth(course.Meter, voor, na)
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"AreaCount", len(r.Areas), 4},
		{"GespreksvaardighedenVoor", r.Areas[0].Voor, 2.0},
		{"GespreksvaardighedenNa", fmt.Sprintf("%.3f", r.Areas[0].Na), fmt.Sprintf("%.3f", (5+3*5)/6.0)},
		{"OntwikkelingsgerichtNa", r.Areas[3].Na, (1 + 3*3) / 4.0},
		{"Biggest", fmt.Sprintf("%d %s %s", len(r.Biggest), r.Biggest[0].Statement.ID, r.Biggest[len(r.Biggest)-1].Statement.ID), "2 g1 l2"},
		{"StillLow", fmt.Sprintf("%d %s %s", len(r.StillLow), r.StillLow[0].Statement.ID, r.StillLow[1].Statement.ID), "2 c4 o1"},
		{"Fell", r.Statements[17].Delta(), -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

// TestMeterGolden checks the competentiemeter's messages and modal against golden JSON (go test -update rewrites).
func TestMeterGolden(t *testing.T) {
	t.Parallel()
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	now := meterModuleStart(1).Add(-48 * time.Hour)
	reg := handlers.NewRegistry(course.Phrases, bottest.QuietLog())
	m := handlers.RegisterMeter(reg, handlers.MeterDeps{Course: course, Now: func() time.Time { return now }})
	c := &content.Cohort{ID: 7, Name: "Meter najaar 2026", Channel: "C0METER", Timezone: content.DefaultTimezone,
		Trainers: []string{"U0TESS"}}
	for n := 1; n <= 4; n++ {
		start := meterModuleStart(n)
		c.Modules = append(c.Modules, content.CohortModule{Number: n, Start: start, End: start.Add(4 * time.Hour), Location: "Stadhuis"})
	}
	finished := now.Add(-time.Hour)
	ms := content.Measurement{ID: 42, CohortID: 7, UserID: "U0ANNA", Kind: content.MeterVoormeting, Round: 1}
	voor, na := map[string]int{}, map[string]int{}
	for i, s := range course.Meter.Statements() {
		voor[s.ID], na[s.ID] = 1+i%5, 2+i%4
	}
	partial := map[string]int{"g1": 3, "g2": 4, "g3": 2, "g4": 4, "g5": 5, "g6": 3}

	question, err := m.QuestionMessage(ms, partial, 6, "✓ Genoteerd bij stelling 6: *Redelijk*. Je kunt een antwoord altijd nog veranderen met *Vorige*.", false)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "meter_question.json", question)
	first, err := m.QuestionMessage(ms, nil, 0, "", true)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "meter_question_first.json", first)
	done := ms
	done.FinishedAt, done.Locked = &finished, true
	result, err := m.ResultMessage(done, c, voor)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "meter_result.json", result)
	golden(t, "meter_plan_modal.json", m.PlanModal(7, store.DevelopmentPlan{Ontwikkelpunten: "Netwerk in kaart brengen"}))
	growth, err := m.GrowthMessage(handlers.Growth(course.Meter, voor, na))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "meter_growth.json", growth)
	recs := []store.MeterRecord{
		{UserID: "U0ANNA", Measurements: map[string]content.Measurement{content.MeterVoormeting: {Kind: content.MeterVoormeting, FinishedAt: &finished, SharedAt: &finished}}, Scores: map[string]map[string]int{content.MeterVoormeting: voor}, HasPlan: true},
		{UserID: "U0BRAM", Measurements: map[string]content.Measurement{content.MeterVoormeting: {Kind: content.MeterVoormeting, FinishedAt: &finished}}, Scores: map[string]map[string]int{content.MeterVoormeting: na}},
		{UserID: "U0COR", Measurements: map[string]content.Measurement{content.MeterVoormeting: {Kind: content.MeterVoormeting, FinishedAt: &finished}}, Scores: map[string]map[string]int{content.MeterVoormeting: voor}},
		{UserID: "U0DINA", Measurements: map[string]content.Measurement{content.MeterVoormeting: {Kind: content.MeterVoormeting}}, Scores: map[string]map[string]int{content.MeterVoormeting: partial}},
		{UserID: "U0EVA", Measurements: map[string]content.Measurement{}, Scores: map[string]map[string]int{}},
	}
	sums := map[string]int{}
	for _, scores := range []map[string]int{voor, na, voor} {
		for id, v := range scores {
			sums[id] += v
		}
	}
	// Voormeting: figures of an earlier look, one change since; Anna's share shown, Bram's withheld.
	figures := []store.MeterFigures{
		{Kind: content.MeterVoormeting, Finished: 3, Snapshot: &store.MeterSnapshot{ID: 1, TakenAt: finished.Add(-24 * time.Hour), Members: 3, Sums: sums},
			Pending: 2, Shared: []store.SharedMeasurement{{UserID: "U0ANNA", SharedAt: finished, Scores: voor}},
			Withheld: []store.SharedMeasurement{{UserID: "U0BRAM", SharedAt: finished}}},
		{Kind: content.MeterEindmeting, Hidden: store.FiguresTooFew},
	}
	overview, err := m.OverviewMessage(c, handlers.BuildMeterOverview(recs, c.Trainers, figures))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "meter_overview.json", overview)
	// Both kinds without figures for the other reasons: 1 unseen; and figures that cannot move on yet.
	figures[0] = store.MeterFigures{Kind: content.MeterVoormeting, Finished: 3, Hidden: store.FiguresUnseen, Unseen: 1,
		Shared: []store.SharedMeasurement{{UserID: "U0ANNA", SharedAt: finished, Scores: voor}, {UserID: "U0BRAM", SharedAt: finished, Scores: na}}}
	figures[1] = store.MeterFigures{Kind: content.MeterEindmeting, Finished: 4, Snapshot: &store.MeterSnapshot{ID: 2, TakenAt: finished, Members: 3, Sums: sums}}
	hidden, err := m.OverviewMessage(c, handlers.BuildMeterOverview(recs, c.Trainers, figures))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "meter_overview_hidden.json", hidden)

	for name, msg := range map[string]handlers.Message{"question": question, "first": first, "result": result, "growth": growth, "overview": overview, "hidden": hidden} {
		raw, _ := json.Marshal(msg.Blocks)
		if errs := slackfake.ValidateMessageBlocks(raw); len(errs) > 0 {
			t.Errorf("%s: Slack would refuse the blocks: %v", name, errs)
		}
	}
	raw, _ := json.Marshal(m.PlanModal(7, store.DevelopmentPlan{}))
	if errs := slackfake.ValidateView(raw); len(errs) > 0 {
		t.Errorf("plan modal: Slack would refuse it: %v", errs)
	}
}

// TestStap2TiedWording: the statements left out with the same score are named in the plural when there are
// several ("op de stellingen 9, 14 en 19") and in the singular when there is one ("op stelling 6").
func TestStap2TiedWording(t *testing.T) {
	t.Parallel()
	course := defaultCourse(t)
	reg := handlers.NewRegistry(course.Phrases, bottest.QuietLog())
	m := handlers.RegisterMeter(reg, handlers.MeterDeps{Course: course})
	c := &content.Cohort{ID: 7, Name: "Meter najaar 2026", Channel: "C0METER", Timezone: content.DefaultTimezone, Trainers: []string{"U0TESS"}}
	for n := 1; n <= 4; n++ {
		start := meterModuleStart(n)
		c.Modules = append(c.Modules, content.CohortModule{Number: n, Start: start, End: start.Add(4 * time.Hour), Location: "Stadhuis"})
	}
	// Four statements score 5 and two score 4: the fifth kracht is statement 5, and only statement 6 ties with it.
	// The other fifteen score 1: five are uitdagingen and ten tie.
	answers := map[string]int{}
	for i, s := range course.Meter.Statements() {
		switch {
		case i < 4:
			answers[s.ID] = 5
		case i < 6:
			answers[s.ID] = 4
		default:
			answers[s.ID] = 1
		}
	}
	finished := meterModuleStart(1).Add(-time.Hour)
	msg, err := m.ResultMessage(content.Measurement{ID: 1, CohortID: 7, UserID: "U0ANNA", Kind: content.MeterVoormeting, Round: 1,
		FinishedAt: &finished, Locked: true}, c, answers)
	if err != nil {
		t.Fatal(err)
	}
	got := shown(slackfake.Message{Blocks: []byte(mustJSON(t, msg.Blocks))})
	if !strings.Contains(got, "scoorde je ook op stelling 6._") {
		t.Errorf("one tied statement is not named in the singular:\n%s", got)
	}
	if !strings.Contains(got, "scoorde je ook op de stellingen 12, 13, 14, 15, 16, 17, 18, 19, 20 en 21._") {
		t.Errorf("several tied statements are not named in the plural:\n%s", got)
	}
}

// TestMeterCSVWordsArePhrases: the CSV's column names and a participant's status and "shared" come from the
// phrases, so that a CONTENT_DIR changes them.
func TestMeterCSVWordsArePhrases(t *testing.T) {
	t.Parallel()
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	p := course.Phrases
	p.MeterCSVColMeting, p.MeterCSVColDeelnemer, p.MeterCSVColGedeeld = "Welke meting", "Wie", "Gedeeld?"
	p.MeterCSVDone, p.MeterCSVBusy, p.MeterCSVNotStarted, p.MeterCSVNo = "klaar", "halverwege", "nog niet", "neen"
	o := handlers.MeterOverview{Total: 3, Kinds: []handlers.KindOverview{{Kind: content.MeterVoormeting,
		Done: []string{"U0ANNA"}, Busy: []string{"U0BRAM"}, Answered: map[string]int{"U0BRAM": 2}, NotStarted: []string{"U0CAROLA"}}}}
	b, err := handlers.MeterCSV(course.Meter, p, time.UTC, o)
	if err != nil {
		t.Fatal(err)
	}
	csv := string(b)
	for _, want := range []string{"Welke meting;Wie;status;beantwoord;Gedeeld?", "U0ANNA;klaar;21;neen", "U0BRAM;halverwege;2;neen", "U0CAROLA;nog niet;0;neen"} {
		if !strings.Contains(csv, want) {
			t.Errorf("CSV lacks %q:\n%s", want, csv)
		}
	}
}
