package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// hostile is what a person could type into any field: a channel-wide ping, a mention of someone, a link with a
// disguised label, and an ampersand.
const hostile = "<!channel> <@U0SOMEONE> <https://x|y> & co"

// rawMarkup are the parts of hostile that Slack would act on if they reached mrkdwn unescaped.
var rawMarkup = []string{"<!channel>", "<@U0SOMEONE>", "<https://x|y>"}

// escapeWorld is the whole bot on the Slack fake, wired as cmd/gesprekbot wires it: every handler, the
// dispatcher and its renderer, on a clock the test moves.
type escapeWorld struct {
	bot     *bottest.World
	fake    *slackfake.Server
	db      *store.DB
	clock   *bottest.Clock
	disp    *scheduler.Dispatcher
	channel string
	tess    string // the trainer
	anna    string
	bram    string
	dina    string // joins late
}

func newEscapeWorld(t *testing.T) *escapeWorld {
	t.Helper()
	_, db, b := newBot(t, time.Date(2026, 11, 16, 10, 0, 0, 0, meterTZ), func(o *bottest.Options) { o.FakeOnClock = true })
	w := &escapeWorld{bot: b, fake: b.Fake, db: db, clock: b.Clock, disp: b.App.Dispatcher}
	w.tess = w.fake.AddUser(slackfake.User{Name: "tess", RealName: "Tess Trainer", IsAdmin: true})
	w.anna = w.fake.AddUser(slackfake.User{Name: "anna", RealName: "Anna de Vries"})
	w.bram = w.fake.AddUser(slackfake.User{Name: "bram", RealName: "Bram Bos"})
	w.dina = w.fake.AddUser(slackfake.User{Name: "dina", RealName: "Dina Dekker"})
	w.channel = w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-escape",
		Members: []string{w.tess, w.anna, w.bram, b.Fake.BotUserID()}})

	return w
}

// until moves the clock through every delivery due up to end, ticking the dispatcher at each, and leaves the
// clock at end.
func (w *escapeWorld) until(t *testing.T, end time.Time) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < 500; i++ {
		var next *time.Time
		if err := w.db.GetContext(ctx, &next, `SELECT min(due_at) FROM deliveries WHERE status = 'pending' AND due_at <= $1`, end); err != nil {
			t.Fatal(err)
		}
		if next == nil {
			break
		}
		if next.After(w.clock.Now()) {
			w.clock.Set(*next)
		}
		if _, err := w.disp.Tick(ctx); err != nil {
			t.Fatalf("tick at %v: %v", w.clock.Now(), err)
		}
	}
	w.clock.Set(end)
	if _, err := w.disp.Tick(ctx); err != nil {
		t.Fatalf("tick at %v: %v", end, err)
	}
	w.bot.Wait(t)
}

// lastWith returns the newest message in a conversation that shows want.
func (w *escapeWorld) lastWith(t *testing.T, conv, want string) slackfake.Message {
	t.Helper()
	ms := w.fake.Messages(conv)
	for i := len(ms) - 1; i >= 0; i-- {
		if strings.Contains(shown(ms[i]), want) || strings.Contains(string(ms[i].Blocks), want) {
			return ms[i]
		}
	}
	t.Fatalf("no message in %s shows %q", conv, want)
	return slackfake.Message{}
}

// TestTypedTextIsEscapedEverywhere puts Slack markup into every field a person types (the training's name, the
// place of every module, the ontwikkelpunten and aanpak, the words after a slash command), runs a course through
// the fake — the welcome, preparation, checklists, reminders, homework, the moved module notice, the case reveals,
// a late joiner's catch-up, the competentiemeter's result and plan, the trainers' plan, status, overview and
// App Home — and then reads every message, ephemeral message, view and call the fake holds: none carries the
// markup raw in mrkdwn, plain_text never shows it escaped twice, and the escaped text does show where it belongs.
func TestTypedTextIsEscapedEverywhere(t *testing.T) {
	t.Parallel()
	w := newEscapeWorld(t)
	name := "Groep " + hostile
	place := func(n int) string { return fmt.Sprintf("Zaal %d %s", n, hostile) }

	// The trainer sets the training up with the modal.
	w.bot.Command(t, w.tess, w.channel, handlers.CommandTraining, "nieuw")
	form := map[string]map[string]string{
		"training_name": {"training_name": name},
		"training_case": {"training_case": "johanna"},
	}
	for n, date := range []string{"2026-12-07", "2026-12-14", "2027-01-11", "2027-01-18"} {
		p := fmt.Sprintf("training_m%d_", n+1)
		form[p+"date"] = map[string]string{p + "date": date}
		form[p+"start"] = map[string]string{p + "start": "09:00"}
		form[p+"location"] = map[string]string{p + "location": place(n + 1)}
	}
	if r := w.bot.Submit(t, w.tess, "", form); r.ResponseAction != "update" {
		t.Fatalf("/training nieuw: %s %v", r.ResponseAction, r.Errors)
	}
	c, err := w.db.CohortByChannel(context.Background(), w.channel)
	if err != nil || c.Name != name || c.Modules[0].Location != place(1) {
		t.Fatalf("stored training %+v, %v; want the name and places as typed", c, err)
	}
	w.bot.Command(t, w.tess, w.channel, handlers.CommandTraining, "plan")
	w.bot.Command(t, w.tess, w.channel, handlers.CommandTraining, "status")

	// The welcome; Anna does her voormeting, writes her plan and shares her scores.
	w.until(t, time.Date(2026, 12, 1, 12, 0, 0, 0, meterTZ))
	dm := w.fake.IMWith(w.anna)
	w.bot.OpenHome(t, w.anna)
	w.bot.OpenHome(t, w.tess)
	welcome := w.lastWith(t, dm, handlers.ActionMeterStart)
	w.bot.Click(t, w.anna, dm, welcome.TS, handlers.ActionMeterStart, handlers.MeterVoormeting)
	for range 21 {
		ms := w.fake.Messages(dm)
		w.bot.Click(t, w.anna, dm, ms[len(ms)-1].TS, handlers.ActionMeterScore+":4", "")
	}
	result := w.lastWith(t, dm, handlers.ActionMeterShare)
	w.bot.Click(t, w.anna, dm, result.TS, handlers.ActionMeterPlan, "")
	w.bot.Submit(t, w.anna, "", map[string]map[string]string{
		"ontwikkelpunten": {"ontwikkelpunten_tekst": "Doorvragen " + hostile},
		"aanpak":          {"aanpak_tekst": "Oefenen " + hostile},
	})
	w.bot.Click(t, w.anna, dm, result.TS, handlers.ActionMeterShare, "")
	// Opening the plan again shows what she typed in the modal's inputs: plain text, as typed.
	w.bot.Click(t, w.anna, dm, w.lastWith(t, dm, "Doorvragen").TS, handlers.ActionMeterPlan, "")
	if v, ok := w.fake.TopModal(w.anna); !ok || !strings.Contains(string(v.JSON), `"initial_value":"Doorvragen \u003c!channel\u003e`) {
		t.Errorf("the plan modal does not show the ontwikkelpunten as typed: %s", v.JSON)
	}

	// Preparation, checklist and the reminders; Anna marks a reading read.
	w.until(t, time.Date(2026, 12, 7, 8, 30, 0, 0, meterTZ))
	check := w.lastWith(t, dm, handlers.ActionReadingDone)
	w.bot.Click(t, w.anna, dm, check.TS, handlers.ActionReadingDone+":0", "")

	// The trainer moves module 2; the group is told in the channel with the place.
	w.bot.Command(t, w.tess, w.channel, handlers.CommandTraining, "verzet 2 15-12-2026 10:00")

	// Homework after module 1, the automatic case reveal, the trainer's case commands with typed words.
	w.until(t, time.Date(2026, 12, 8, 12, 0, 0, 0, meterTZ))
	// Anna's plan is her homework of module 1; Bram clicks "Klaar".
	bramDM := w.fake.IMWith(w.bram)
	w.bot.Click(t, w.bram, bramDM, w.lastWith(t, bramDM, handlers.ActionHomeworkDone).TS, handlers.ActionHomeworkDone, "1")
	w.bot.Command(t, w.tess, w.channel, handlers.CommandCasus, "status")
	w.bot.Command(t, w.tess, w.channel, handlers.CommandCasus, "reveal "+hostile)
	w.bot.Command(t, w.tess, w.channel, handlers.CommandCasus, "rol <@"+w.anna+"|anna> "+hostile)
	w.bot.Command(t, w.anna, w.channel, handlers.CommandCasus, "")
	w.bot.Command(t, w.anna, w.channel, handlers.CommandGesprekbot, hostile)
	w.bot.Command(t, w.tess, w.channel, handlers.CommandTraining, hostile)
	w.bot.Command(t, w.tess, w.channel, handlers.CommandMeter, "overzicht")

	// A late joiner is caught up.
	if err := w.fake.Join(w.channel, w.dina); err != nil {
		t.Fatal(err)
	}
	w.bot.Wait(t)
	w.until(t, time.Date(2026, 12, 10, 12, 0, 0, 0, meterTZ))
	w.lastWith(t, w.fake.IMWith(w.dina), "Zaal 1")

	// Through to the end of the course, then everyone's App Home and the trainer's views once more.
	w.until(t, time.Date(2027, 1, 25, 12, 0, 0, 0, meterTZ))
	for _, u := range []string{w.tess, w.anna, w.bram, w.dina} {
		w.bot.OpenHome(t, u)
	}
	w.bot.Command(t, w.tess, w.channel, handlers.CommandTraining, "plan")
	w.bot.Command(t, w.tess, w.channel, handlers.CommandTraining, "status")

	// Now read everything the fake holds.
	var seen []string // every mrkdwn text, to check where the escaped text shows
	check1 := func(where, kind, s string) {
		t.Helper()
		switch kind {
		case "mrkdwn":
			for _, raw := range rawMarkup {
				if strings.Contains(s, raw) {
					t.Errorf("%s: %q reaches Slack as markup in %q", where, raw, s)
				}
			}
			seen = append(seen, where+": "+s)
		case "plain_text":
			// Slack shows plain text as it is: an escape there is seen as "&lt;".
			if strings.Contains(s, "&lt;") || strings.Contains(s, "&amp;") {
				t.Errorf("%s: plain text escaped, shows as %q", where, s)
			}
		}
		if strings.Contains(s, "&amp;lt;") || strings.Contains(s, "&amp;amp;") {
			t.Errorf("%s: escaped twice: %q", where, s)
		}
	}
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch v := v.(type) {
		case map[string]any:
			typ, _ := v["type"].(string)
			if text, ok := v["text"].(string); ok && (typ == "mrkdwn" || typ == "plain_text") {
				check1(where, typ, text)
			}
			if iv, ok := v["initial_value"].(string); ok {
				check1(where+" initial_value", "plain_text", iv)
			}
			for k, x := range v {
				if k != "text" || typ != "mrkdwn" && typ != "plain_text" {
					walk(where, x)
				}
			}
		case []any:
			for _, x := range v {
				walk(where, x)
			}
		}
	}
	walkJSON := func(where string, raw []byte) {
		t.Helper()
		if len(raw) == 0 {
			return
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		walk(where, v)
	}
	message := func(where string, m slackfake.Message) {
		check1(where+" text", "mrkdwn", m.Text)
		walkJSON(where, m.Blocks)
	}
	convs := 0
	for _, conv := range w.fake.Conversations() {
		for _, m := range w.fake.Messages(conv.ID) {
			message("message in "+conv.ID, m)
			convs++
		}
	}
	for _, u := range w.fake.Users() {
		for _, m := range w.fake.Ephemerals(u.ID) {
			message("ephemeral to "+u.Name, m)
		}
		for _, v := range w.fake.Views(u.ID) {
			walkJSON(v.Type+" view of "+u.Name, v.JSON)
		}
	}
	// Messages replaced or closed since (each meter statement, the modals of the way) are in the call log.
	calls := 0
	for _, c := range w.fake.Calls() {
		where := "call " + c.Method
		switch c.Method {
		case "chat.postMessage", "chat.update", "chat.postEphemeral", "files.completeUploadExternal":
			check1(where+" text", "mrkdwn", c.Args.Get("text"))
			walkJSON(where, []byte(c.Args.Get("blocks")))
		case "views.open", "views.update", "views.push", "views.publish":
			walkJSON(where, []byte(c.Args.Get("view")))
		case "response_url":
			var body struct {
				Text   string          `json:"text"`
				Blocks json.RawMessage `json:"blocks"`
			}
			if err := json.Unmarshal([]byte(c.Args.Get("body")), &body); err == nil {
				check1(where+" text", "mrkdwn", body.Text)
				walkJSON(where, body.Blocks)
			}
		default:
			continue
		}
		calls++
	}
	if convs < 30 || calls < 80 {
		t.Fatalf("only %d messages and %d calls: the course did not run", convs, calls)
	}

	// The typed text does show, escaped, wherever it is used.
	escaped := content.Escape(hostile)
	for _, want := range []struct{ what, where, text string }{
		{"the training's name in the summary", "modal view of tess", "Groep " + escaped},
		{"the welcome", "message in " + dm, "Zaal 1 " + escaped},
		{"the day's reminder", "message in " + w.channel, "Zaal 1 " + escaped},
		{"the moved module notice", "message in " + w.channel, "Zaal 2 " + escaped},
		{"the plan confirmation", "message in " + dm, "Doorvragen " + escaped},
		{"the catch-up", "message in " + w.fake.IMWith(w.dina), "Groep " + escaped},
		{"the trainer's overview", "ephemeral to tess", "Groep " + escaped},
		{"the participant's App Home", "call views.publish", "Zaal 1 " + escaped},
		{"the trainer's App Home", "call views.publish", "Groep " + escaped},
		{"an unknown subcommand", "ephemeral to anna", "/gesprekbot &lt;!channel&gt;"},
	} {
		found := false
		for _, s := range seen {
			if strings.HasPrefix(s, want.where) && strings.Contains(s, want.text) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s does not show %q escaped (looked in %s)", want.what, want.text, want.where)
		}
	}
}
