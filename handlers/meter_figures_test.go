package handlers_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
)

// The attacks of issue 14, played by a trainer against `/competentiemeter overzicht` and its CSV: what they can
// compute from what they were shown must never be one participant's scores.

// trainerView is what a trainer was shown by one `/competentiemeter overzicht`: the message and the CSV.
type trainerView struct {
	text string
	csv  [][]string
}

// group returns the voormeting's group row of the CSV: the number of measurements and the average per statement
// id; ok is false when there is none.
func (v trainerView) group(t *testing.T, statements []string) (n int, avg map[string]float64, ok bool) {
	t.Helper()
	header := v.csv[0]
	for _, row := range v.csv[1:] {
		if row[0] != content.MeterVoormeting || row[1] != "groepsgemiddelde" {
			continue
		}
		if _, err := fmt.Sscanf(row[2], "%d", &n); err != nil {
			t.Fatalf("group row status %q: %v", row[2], err)
		}
		avg = map[string]float64{}
		for i, col := range header {
			for _, s := range statements {
				if col == s {
					f, err := strconv.ParseFloat(strings.Replace(row[i], ",", ".", 1), 64)
					if err != nil {
						t.Fatalf("group average of %s = %q: %v", s, row[i], err)
					}
					avg[s] = f
				}
			}
		}
		return n, avg, true
	}
	return 0, nil, false
}

// sharedScores returns the scores per statement id of user's voormeting row; nil when the row shows none.
func (v trainerView) sharedScores(user string, statements []string) map[string]int {
	header := v.csv[0]
	for _, row := range v.csv[1:] {
		if row[0] != content.MeterVoormeting || row[1] != user {
			continue
		}
		out := map[string]int{}
		for i, col := range header {
			for _, s := range statements {
				if col == s && row[i] != "" {
					out[s], _ = strconv.Atoi(row[i])
				}
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return nil
}

// figuresWorld is a meterWorld with more participants, for the attacks.
type figuresWorld struct {
	*meterWorld
	ids    []string
	byName map[string]string
}

func newFiguresWorld(t *testing.T, extra ...string) *figuresWorld {
	t.Helper()
	w := &figuresWorld{meterWorld: newMeterWorld(t), byName: map[string]string{}}
	for _, s := range w.course.Meter.Statements() {
		w.ids = append(w.ids, s.ID)
	}
	for i, n := range []string{"anna", "bram", "cor", "dina"} {
		w.byName[n] = w.users[i]
	}
	for _, n := range extra {
		u := w.fake.AddUser(slackfake.User{Name: n, RealName: n})
		if _, err := w.db.RecordJoin(context.Background(), w.cohortID, u, nil); err != nil {
			t.Fatal(err)
		}
		w.byName[n] = u
	}
	return w
}

// scores gives statement i the score base+i%3, capped to 1..5: a different profile per base.
func (w *figuresWorld) scores(base int) map[string]int {
	out := map[string]int{}
	for i, id := range w.ids {
		out[id] = min(5, max(1, base+i%3-1))
	}
	return out
}

// finish fills in name's voormeting with scores through the store (the clicks are tested elsewhere).
func (w *figuresWorld) finish(t *testing.T, user string, scores map[string]int) {
	t.Helper()
	ctx := context.Background()
	m, err := w.db.StartMeasurement(ctx, w.cohortID, user, content.MeterVoormeting)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range w.ids {
		if _, err := w.db.AnswerStatement(ctx, store.MeterAnswer{MeasurementID: m.ID, UserID: user, Round: m.Round,
			StatementID: id, Score: scores[id], Statements: w.ids}); err != nil {
			t.Fatal(err)
		}
	}
	if done, _ := w.db.MeterDone(ctx, w.cohortID, user, content.MeterVoormeting); !done {
		t.Fatalf("%s did not finish", user)
	}
}

func (w *figuresWorld) share(t *testing.T, user string) {
	t.Helper()
	m, err := w.db.MeasurementOf(context.Background(), w.cohortID, user, content.MeterVoormeting)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.ShareMeasurement(context.Background(), m.ID, user); err != nil {
		t.Fatal(err)
	}
}

// view types `/competentiemeter overzicht` as the trainer and returns the message and the CSV sent after it.
func (w *figuresWorld) view(t *testing.T) trainerView {
	t.Helper()
	before := len(w.fake.Files())
	resp := w.command(t, w.trainer, w.channel, "overzicht")
	var p struct {
		Text   string          `json:"text"`
		Blocks json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(resp.Payload, &p); err != nil {
		t.Fatal(err)
	}
	v := trainerView{text: shown(slackfake.Message{Text: p.Text, Blocks: p.Blocks})}
	files := w.fake.Files()
	if len(files) != before+1 || !strings.HasSuffix(files[len(files)-1].Name, ".csv") {
		t.Fatalf("no new CSV after the overview (%d files before, %d after)", before, len(files))
	}
	data := w.fake.FileBytes(files[len(files)-1].ID)
	if twoDecimals := regexp.MustCompile(`;\d+,\d\d`); twoDecimals.Match(data) {
		t.Errorf("the CSV shows figures with more than one decimal: %s", twoDecimals.Find(data))
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
	r.Comma = ';'
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	v.csv = rows
	return v
}

// groupSection returns the voormeting's group figures as the overview shows them, with their date ("" when it shows
// none).
func groupSection(text string) string {
	i := strings.Index(text, "*Groepsgemiddelde voormeting*")
	if i < 0 {
		return ""
	}
	// The figures end where a note (in italics) or the eindmeting begins.
	text = text[i:]
	for _, stop := range []string{"\n_", "\n*Eindmeting*"} {
		if end := strings.Index(text, stop); end >= 0 {
			text = text[:end]
		}
	}
	return text
}

// derive is the attacker's arithmetic: n·avg minus the known scores, per statement, rounded.
func derive(n int, avg map[string]float64, known ...map[string]int) map[string]int {
	out := map[string]int{}
	for s, a := range avg {
		v := float64(n) * a
		for _, k := range known {
			v -= float64(k[s])
		}
		out[s] = int(v + 0.5)
		if v < 0 {
			out[s] = int(v - 0.5)
		}
	}
	return out
}

func sameScores(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestMeterFiguresTwoSharedOneUnshared(t *testing.T) {
	t.Parallel()
	w := newFiguresWorld(t, "eva")
	anna, bram, cor, dina, eva := w.byName["anna"], w.byName["bram"], w.byName["cor"], w.byName["dina"], w.byName["eva"]
	w.finish(t, anna, w.scores(5))
	w.finish(t, bram, w.scores(1))
	corScores := w.scores(3)
	w.finish(t, cor, corScores)
	w.share(t, anna)
	w.share(t, bram)

	v := w.view(t)
	if _, _, ok := v.group(t, w.ids); ok || groupSection(v.text) != "" {
		t.Fatalf("3 finished of whom 2 shared: group figures shown, and 3·avg − s₁ − s₂ gives cor's scores:\n%s", v.text)
	}
	if !strings.Contains(v.text, "van 2 van de deelnemers") && !strings.Contains(v.text, "van 1 van de deelnemers") {
		t.Errorf("the overview does not say why there are no figures: %q", v.text)
	}
	if !sameScores(v.sharedScores(anna, w.ids), w.scores(5)) || v.sharedScores(cor, w.ids) != nil {
		t.Errorf("shared rows: anna %v, cor %v", v.sharedScores(anna, w.ids), v.sharedScores(cor, w.ids))
	}

	// A fourth who does not share leaves two the trainer has not seen: their sum would show. A fifth makes three.
	w.finish(t, dina, w.scores(2))
	if v := w.view(t); groupSection(v.text) != "" || !strings.Contains(v.text, "van 2 van de deelnemers") {
		t.Fatalf("2 shared, 2 unshared: %q", v.text)
	}
	w.finish(t, eva, w.scores(4))
	v = w.view(t)
	n, avg, ok := v.group(t, w.ids)
	if !ok || n != 5 {
		t.Fatalf("2 shared, 3 unshared: group row %v (n %d), want figures of 5", ok, n)
	}
	if got := derive(n, avg, v.sharedScores(anna, w.ids), v.sharedScores(bram, w.ids)); sameScores(got, corScores) {
		t.Errorf("5·avg − anna − bram gives cor's scores %v", got)
	}
}

func TestMeterFiguresThreeThenFour(t *testing.T) {
	t.Parallel()
	w := newFiguresWorld(t, "eva", "fay")
	for i, n := range []string{"anna", "bram", "cor"} {
		w.finish(t, w.byName[n], w.scores(2+i))
	}
	v3 := w.view(t)
	n3, avg3, ok := v3.group(t, w.ids)
	if !ok || n3 != 3 {
		t.Fatalf("3 finished, none shared: group row %v, n %d; want figures of 3", ok, n3)
	}
	dinaScores := w.scores(5)
	w.finish(t, w.byName["dina"], dinaScores)
	v4 := w.view(t)
	n4, avg4, ok := v4.group(t, w.ids)
	if !ok {
		t.Fatal("the figures disappeared when a fourth finished")
	}
	if got := derive(1, subtract(n4, avg4, n3, avg3)); n4 != n3 || sameScores(got, dinaScores) {
		t.Fatalf("n = 3 then n = %d: n₄·avg₄ − 3·avg₃ = %v, dina's scores are %v", n4, got, dinaScores)
	}
	if groupSection(v4.text) != groupSection(v3.text) {
		t.Errorf("the group figures moved on after one more measurement:\n%s\n---\n%s", groupSection(v3.text), groupSection(v4.text))
	}
	if !strings.Contains(v4.text, "<@"+w.byName["dina"]+">") || !strings.Contains(v4.text, "(nu 1)") {
		t.Errorf("the overview should list dina as finished and say 1 of 3 changes happened: %q", v4.text)
	}
	// Two more: three new since the snapshot, and the figures move on to all six.
	w.finish(t, w.byName["eva"], w.scores(1))
	w.finish(t, w.byName["fay"], w.scores(3))
	v6 := w.view(t)
	if n6, _, ok := v6.group(t, w.ids); !ok || n6 != 6 || groupSection(v6.text) == groupSection(v3.text) {
		t.Fatalf("after three more: group row %v, n %d; want figures of 6", ok, n6)
	}
}

// subtract returns a·x − b·y per statement.
func subtract(a int, x map[string]float64, b int, y map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for s := range x {
		out[s] = float64(a)*x[s] - float64(b)*y[s]
	}
	return out
}

func TestMeterFiguresReopenAndChange(t *testing.T) {
	t.Parallel()
	w := newFiguresWorld(t)
	anna := w.byName["anna"]
	for i, n := range []string{"anna", "bram", "cor", "dina"} {
		w.finish(t, w.byName[n], w.scores(1+i))
	}
	w.share(t, anna)
	before := w.view(t)
	if _, _, ok := before.group(t, w.ids); !ok || before.sharedScores(anna, w.ids) == nil {
		t.Fatalf("4 finished, anna shared: want figures and anna's scores:\n%s", before.text)
	}
	// Anna reopens, changes everything to 5 and finishes again.
	ctx := context.Background()
	m, _ := w.db.MeasurementOf(ctx, w.cohortID, anna, content.MeterVoormeting)
	r, err := w.db.ReopenMeasurement(ctx, m.ID, anna, meterModuleStart(1))
	if err != nil || !r.Withdrawn {
		t.Fatalf("reopen: %+v, %v; want the share withdrawn", r, err)
	}
	changed := w.scores(5)
	w.finish(t, anna, changed)
	after := w.view(t)
	if after.sharedScores(anna, w.ids) != nil || strings.Contains(after.text, "<@"+anna+">, voormeting:") {
		t.Errorf("anna's changed scores are shown, though she shared the old ones only")
	}
	if groupSection(after.text) != groupSection(before.text) {
		t.Fatalf("the figures moved with anna's change: 4·(avg₂ − avg₁) is her change:\n%s\n---\n%s", groupSection(before.text), groupSection(after.text))
	}
	nb, avgB, _ := before.group(t, w.ids)
	na, avgA, _ := after.group(t, w.ids)
	delta := derive(1, subtract(na, avgA, nb, avgB))
	want := map[string]int{}
	for s, v := range changed {
		want[s] = v - w.scores(1)[s]
	}
	if sameScores(delta, want) {
		t.Errorf("n·avg₂ − n·avg₁ = %v is anna's change", delta)
	}
}

func TestMeterFiguresShareAfterFigures(t *testing.T) {
	t.Parallel()
	w := newFiguresWorld(t)
	for i, n := range []string{"anna", "bram", "cor", "dina"} {
		w.finish(t, w.byName[n], w.scores(1+i))
	}
	v1 := w.view(t)
	n1, avg1, ok := v1.group(t, w.ids)
	if !ok || n1 != 4 {
		t.Fatal("4 finished, none shared: want figures")
	}
	cor, dina := w.byName["cor"], w.byName["dina"]
	w.share(t, cor)
	// Dina shares by clicking: she is told that her trainer will not see it, and why.
	dm := w.fake.IMWith(dina)
	w.command(t, dina, dm, "")
	w.click(t, dina, dm, w.last(t, dm).TS, handlers.ActionMeterShare, "")
	if s := shown(w.last(t, dm)); !strings.Contains(s, "Gedeeld met je trainer op") || !strings.Contains(s, "laat ik je trainer niet zien") {
		t.Errorf("after sharing dina reads %q; want that her trainer will not see it", s)
	}
	v2 := w.view(t)
	corScores, dinaScores := v2.sharedScores(cor, w.ids), v2.sharedScores(dina, w.ids)
	if corScores == nil {
		t.Errorf("cor's shared scores are not shown")
	}
	if dinaScores != nil {
		// 4·avg₁ − cor − dina is anna + bram: the sum of two who did not share.
		t.Fatalf("dina's scores are shown after figures of the four: 4·avg − cor − dina = %v is anna + bram", derive(n1, avg1, corScores, dinaScores))
	}
	if !strings.Contains(v2.text, "<@"+dina+"> deelde de voormeting met je, maar") {
		t.Errorf("the overview does not say why dina's scores are not shown: %q", v2.text)
	}
	for _, row := range v2.csv {
		if row[0] == content.MeterVoormeting && row[1] == dina && row[4] != "ja, niet te tonen" {
			t.Errorf("dina's CSV row = %v, want her share marked as not shown", row)
		}
	}
}

func TestMeterFiguresOnlyParticipantsCount(t *testing.T) {
	t.Parallel()
	w := newFiguresWorld(t)
	ctx := context.Background()
	// The trainer's own measurement (recorded as a participant too) and a guest the bot never saw in the channel
	// finish, with two participants: two participants is too few.
	if _, err := w.db.RecordJoin(ctx, w.cohortID, w.trainer, nil); err != nil {
		t.Fatal(err)
	}
	w.finish(t, w.trainer, w.scores(5))
	guest := w.fake.AddUser(slackfake.User{Name: "gast", RealName: "Gast"})
	w.finish(t, guest, w.scores(4))
	w.finish(t, w.byName["anna"], w.scores(1))
	w.finish(t, w.byName["bram"], w.scores(2))
	v := w.view(t)
	if _, _, ok := v.group(t, w.ids); ok || groupSection(v.text) != "" {
		t.Fatalf("2 participants, a trainer and a guest finished: group figures shown:\n%s", v.text)
	}
	if !strings.Contains(v.text, "minstens 3 deelnemers") {
		t.Errorf("the overview does not say too few finished: %q", v.text)
	}
	w.finish(t, w.byName["cor"], w.scores(3))
	if n, _, ok := w.view(t).group(t, w.ids); !ok || n != 3 {
		t.Fatalf("3 participants finished: group row %v, n %d; want figures of the 3", ok, n)
	}
}

// TestMeterShareWithdrawnOnReopen shares a voormeting, reopens it and shares it again, all by clicking in the DM.
func TestMeterShareWithdrawnOnReopen(t *testing.T) {
	t.Parallel()
	w := newMeterWorld(t)
	ctx := context.Background()
	anna := w.users[0]
	dm := w.fake.IMWith(anna)
	w.command(t, anna, dm, "")
	w.answerAll(t, anna, func(i int) int { return 1 + i%5 })
	result := w.last(t, dm)
	if !strings.Contains(string(result.Blocks), handlers.ActionMeterShare) {
		t.Fatal("the result has no Delen met trainer button")
	}
	w.click(t, anna, dm, result.TS, handlers.ActionMeterShare, "")
	if s := shown(w.last(t, dm)); !strings.Contains(s, "Gedeeld met je trainer op") || strings.Contains(s, "laat ik je trainer niet zien") {
		t.Errorf("after sharing anna reads %q; want it shared, and nothing about it not being shown", s)
	}
	m, _ := w.db.MeasurementOf(ctx, w.cohortID, anna, content.MeterVoormeting)
	if m.SharedAt == nil {
		t.Fatal("Delen met trainer did not share")
	}
	sharedLine := "<@" + anna + ">, voormeting:"
	overview := func() string {
		resp := w.command(t, w.trainer, w.channel, "overzicht")
		var p struct {
			Text   string          `json:"text"`
			Blocks json.RawMessage `json:"blocks"`
		}
		json.Unmarshal(resp.Payload, &p)
		return shown(slackfake.Message{Text: p.Text, Blocks: p.Blocks})
	}
	if !strings.Contains(overview(), sharedLine) {
		t.Fatal("the trainer does not see anna's shared scores")
	}

	w.click(t, anna, dm, result.TS, handlers.ActionMeterReopen, "")
	reopened, _ := w.fake.Message(dm, result.TS)
	if s := shown(reopened); !strings.Contains(s, "delen ingetrokken") || !strings.Contains(s, "Delen met trainer") {
		t.Errorf("after the reopen anna reads %q; want that her share was withdrawn and how to share again", s)
	}
	m, _ = w.db.MeasurementOf(ctx, w.cohortID, anna, content.MeterVoormeting)
	if m.SharedAt != nil {
		t.Fatal("the share survived the reopen")
	}
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE action = 'meter_share_withdrawn' AND user_id = $1`, anna); n != 1 {
		t.Errorf("%d audit rows of the withdrawal, want 1", n)
	}
	if strings.Contains(overview(), sharedLine) {
		t.Error("the trainer still sees anna's scores after she reopened")
	}

	// Changed and finished again: "Delen met trainer" is back, and sharing again shows the new answers.
	w.click(t, anna, dm, result.TS, handlers.ActionMeterScore+":5", "")
	msg := w.last(t, dm)
	w.click(t, anna, dm, msg.TS, handlers.ActionMeterFinish, "")
	again := w.last(t, dm)
	if s := shown(again); !strings.Contains(s, "Delen met trainer") || strings.Contains(s, "Gedeeld met je trainer op") {
		t.Fatalf("after finishing again the result shows %q; want the Delen met trainer button", s)
	}
	w.click(t, anna, dm, again.TS, handlers.ActionMeterShare, "")
	if s := overview(); !strings.Contains(s, sharedLine) {
		t.Errorf("after sharing again the trainer does not see anna's scores: %q", s)
	}
}
