package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// trainingNow is the fixed clock of the /training tests: Friday 20 November 2026, 10:00 in Amsterdam.
var trainingNow = time.Date(2026, 11, 20, 10, 0, 0, 0, deliveryTZ)

const (
	trTrainer     = "U0TRAINER1"
	trCoTrainer   = "U0TRAINER2"
	trParticipant = "U0DEELNEMER"
	trChannel     = "C0UTRECHT"
)

// trViews records the modals the handlers open, standing in for Slack's views.open.
type trViews struct {
	mu    sync.Mutex
	views []slack.ModalViewRequest
	ids   []string
}

func (o *trViews) OpenView(_ context.Context, triggerID string, v slack.ModalViewRequest) (*slack.ViewResponse, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.views = append(o.views, v)
	o.ids = append(o.ids, triggerID)
	return &slack.ViewResponse{}, nil
}

// trUsers stands in for Slack's users.info (e-mail addresses and workspace roles) and conversations.members;
// "U0BROKEN" cannot be looked up.
type trUsers struct {
	emails map[string]string
	admins map[string]bool
}

func (u trUsers) UserInfo(_ context.Context, userID string) (*slack.User, error) {
	if userID == "U0BROKEN" {
		return nil, errors.New("users.info: ratelimited")
	}
	out := &slack.User{ID: userID, IsAdmin: u.admins[userID]}
	out.Profile.Email = u.emails[userID]
	return out, nil
}

func (trUsers) Members(context.Context, string) ([]string, error) { return nil, nil }

type trainingWorld struct {
	db      *store.DB
	reg     *handlers.Registry
	views   *trViews
	course  *content.Course
	kicks   int
	now     time.Time
	phrases content.Phrases
}

func newTrainingWorld(t *testing.T) *trainingWorld {
	t.Helper()
	course := defaultCourse(t)
	w := &trainingWorld{db: storetest.New(t), views: &trViews{}, course: course, now: trainingNow, phrases: course.Phrases}
	w.db.Now = func() time.Time { return w.now }
	log := bottest.QuietLog()
	w.reg = handlers.NewRegistry(course.Phrases, log)
	users := trUsers{
		emails: map[string]string{"U0TESS": "Tess@Gemeente.nl", "U0ANNA": "anna@gemeente.nl"},
		admins: map[string]bool{trTrainer: true},
	}
	// trTrainer may set up trainings as a workspace admin, trCoTrainer as one of TRAINING_CREATORS.
	gate := handlers.NewGate(handlers.GateDeps{Store: w.db, Slack: users, Creators: []string{trCoTrainer}, Log: log,
		Now: func() time.Time { return w.now }})
	handlers.RegisterTraining(w.reg, handlers.TrainingDeps{
		Store: w.db, Slack: w.views, Course: course, Now: func() time.Time { return w.now },
		Kick: func() { w.kicks++ }, Log: log, Gate: gate,
	})
	return w
}

// command runs a slash command through the registry, as both transports do, and returns the ack's payload.
func (w *trainingWorld) command(t *testing.T, user, channel, text string) (handlers.Payload, handlers.Ack) {
	t.Helper()
	ack := w.reg.HandleCommand(context.Background(), slack.SlashCommand{
		Command: handlers.CommandTraining, Text: text, UserID: user, ChannelID: channel,
		ChannelName: "het-gesprek-utrecht", TriggerID: "trigger-" + user,
	})
	if !ack.Known {
		t.Fatalf("/training %s was not handled", text)
	}
	p, _ := ack.Payload.(handlers.Payload)
	return p, ack
}

// trCohort is a valid cohort in trChannel with modules on 7 and 14 December 2026 and 11 and 25 January 2027.
func trCohort() *content.Cohort {
	c := &content.Cohort{
		Name: "Utrecht najaar 2026", Channel: trChannel, Timezone: "Europe/Amsterdam",
		Trainers: []string{trTrainer, trCoTrainer}, Cases: []string{"richard", "johanna"},
		Settings: content.DefaultCohortSettings(),
	}
	for i, d := range []time.Time{
		time.Date(2026, 12, 7, 9, 0, 0, 0, deliveryTZ), time.Date(2026, 12, 14, 9, 0, 0, 0, deliveryTZ),
		time.Date(2027, 1, 11, 13, 30, 0, 0, deliveryTZ), time.Date(2027, 1, 25, 9, 0, 0, 0, deliveryTZ),
	} {
		c.Modules = append(c.Modules, content.CohortModule{Number: i + 1, Start: d, End: d.Add(4 * time.Hour), Location: "Stadskantoor, zaal 3"})
	}
	return c
}

// apply stores a cohort and its plan, as `gesprekbot cohort apply` does.
func (w *trainingWorld) apply(t *testing.T, c *content.Cohort) {
	t.Helper()
	_, err := w.db.ApplyCohort(context.Background(), c, func(saved *content.Cohort) ([]content.Delivery, error) {
		cal, err := scheduler.NewCalendar(saved)
		if err != nil {
			return nil, err
		}
		return scheduler.Plan(saved, w.course.Rules, cal)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (w *trainingWorld) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := w.db.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (w *trainingWorld) auditCount(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := w.db.GetContext(context.Background(), &n, `SELECT count(*) FROM audit_log WHERE action = $1`, action); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTrainingHelp(t *testing.T) {
	t.Parallel()
	w := newTrainingWorld(t)
	tests := []struct {
		name, text string
		want       []string
	}{
		{"Bare", "", []string{"/training nieuw", "/training plan", "/training verzet", "/training status"}},
		{"Help", "help", []string{"/training verzet <module> <datum> <tijd>"}},
		{"Unknown", "wissen", []string{"Dat ken ik niet: `/training wissen`", "/training nieuw"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := w.command(t, trParticipant, trChannel, tt.text)
			if p.ResponseType != slack.ResponseTypeEphemeral {
				t.Errorf("response_type = %q, want ephemeral", p.ResponseType)
			}
			for _, s := range tt.want {
				if !strings.Contains(p.Text, s) {
					t.Errorf("help lacks %q:\n%s", s, p.Text)
				}
			}
		})
	}
}

func TestTrainingRefusals(t *testing.T) {
	t.Parallel()
	w := newTrainingWorld(t)
	w.apply(t, trCohort())
	tests := []struct {
		name, user, channel, text, want string
	}{
		{"PlanParticipant", trParticipant, trChannel, "plan", "alleen een trainer van de training *Utrecht najaar 2026*"},
		{"StatusParticipant", trParticipant, trChannel, "status", "alleen een trainer"},
		{"MoveParticipant", trParticipant, trChannel, "verzet 2 15-12-2026 9:00", "alleen een trainer"},
		{"NewParticipant", trParticipant, trChannel, "nieuw", "alleen een trainer"},
		{"NewTrainerExisting", trTrainer, trChannel, "nieuw", "hoort al bij de training *Utrecht najaar 2026*"},
		{"PlanNoCohort", trTrainer, "C0ANDERS", "plan", "In dit kanaal loopt nog geen training"},
		{"StatusNoCohort", trTrainer, "C0ANDERS", "status", "Typ `/training nieuw`"},
		{"MoveNoCohort", trTrainer, "C0ANDERS", "verzet 2 15-12-2026 9:00", "nog geen training"},
		{"NewInDM", trTrainer, "D0DIRECT", "nieuw", "Typ `/training nieuw` in het kanaal van de groep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := w.command(t, tt.user, tt.channel, tt.text)
			if !strings.Contains(p.Text, tt.want) {
				t.Errorf("reply = %q, want it to contain %q", p.Text, tt.want)
			}
			if p.ResponseType != slack.ResponseTypeEphemeral {
				t.Errorf("response_type = %q, want ephemeral", p.ResponseType)
			}
		})
	}
	if len(w.views.views) != 0 {
		t.Errorf("a modal was opened for a refused command")
	}
	if n := w.auditCount(t, "module_moved"); n != 0 {
		t.Errorf("refused verzet wrote %d audit rows", n)
	}
}

func TestTrainingNewView(t *testing.T) {
	t.Parallel()
	course := defaultCourse(t)
	v := handlers.TrainingNewView(course, course.Phrases, trChannel, "het-gesprek-utrecht", trTrainer)
	golden(t, "training_new_view.json", v)
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if errs := slackfake.ValidateView(raw); len(errs) > 0 {
		t.Errorf("Slack would refuse the modal: %v", errs)
	}
	if n := len(v.Blocks.BlockSet); n > 100 {
		t.Errorf("modal has %d blocks; Slack allows 100", n)
	}
	for _, s := range []*slack.TextBlockObject{v.Title, v.Submit, v.Close} {
		if s == nil || s.Text == "" || len([]rune(s.Text)) > 24 {
			t.Errorf("modal title/button %+v: must be 1..24 characters", s)
		}
	}
	seen := map[string]bool{}
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			if seen[in.BlockID] {
				t.Errorf("block_id %q twice", in.BlockID)
			}
			seen[in.BlockID] = true
		}
	}
	if len(seen) != 5+4*4 {
		t.Errorf("%d input blocks, want 21 (name, zone, trainers, case, settings, 4 per module)", len(seen))
	}
}

// trModalState fills the /training nieuw form: values by block id, as Slack sends them in view.state.
func trModalState(name, lvb string, trainers []string, modules [4][4]string, settings ...string) *slack.ViewState {
	s := &slack.ViewState{Values: map[string]map[string]slack.BlockAction{}}
	set := func(block string, a slack.BlockAction) { s.Values[block] = map[string]slack.BlockAction{block: a} }
	set("training_name", slack.BlockAction{Value: name})
	set("training_timezone", slack.BlockAction{SelectedOption: slack.OptionBlockObject{Value: "Europe/Amsterdam"}})
	set("training_trainers", slack.BlockAction{SelectedUsers: trainers})
	set("training_case", slack.BlockAction{SelectedOption: slack.OptionBlockObject{Value: lvb}})
	for i, m := range modules {
		n := string(rune('1' + i))
		set("training_m"+n+"_date", slack.BlockAction{SelectedDate: m[0]})
		set("training_m"+n+"_start", slack.BlockAction{SelectedTime: m[1]})
		set("training_m"+n+"_end", slack.BlockAction{SelectedTime: m[2]})
		set("training_m"+n+"_location", slack.BlockAction{Value: m[3]})
	}
	var opts []slack.OptionBlockObject
	for _, v := range settings {
		opts = append(opts, slack.OptionBlockObject{Value: v})
	}
	set("training_settings", slack.BlockAction{SelectedOptions: opts})
	return s
}

func trSubmission(user string, v slack.ModalViewRequest, state *slack.ViewState) slack.InteractionCallback {
	var cb slack.InteractionCallback
	cb.Type = slack.InteractionTypeViewSubmission
	cb.User.ID = user
	cb.View.CallbackID = v.CallbackID
	cb.View.PrivateMetadata = v.PrivateMetadata
	cb.View.State = state
	return cb
}

func TestTrainingNew(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newTrainingWorld(t)
	const channel = "C0NIEUW"

	p, ack := w.command(t, trTrainer, channel, "nieuw")
	if ack.Payload != nil || p.Text != "" {
		t.Fatalf("/training nieuw answered %+v; want an empty ack with the modal", ack.Payload)
	}
	if len(w.views.views) != 1 || w.views.ids[0] != "trigger-"+trTrainer {
		t.Fatalf("opened %d modals (%v), want 1 for the command's trigger", len(w.views.views), w.views.ids)
	}
	view := w.views.views[0]
	if view.CallbackID != handlers.CallbackTrainingNew || !strings.Contains(view.PrivateMetadata, channel) {
		t.Fatalf("modal callback %q metadata %q", view.CallbackID, view.PrivateMetadata)
	}

	good := [4][4]string{
		{"2026-12-07", "09:00", "13:00", "Stadskantoor, zaal 3"},
		{"2026-12-14", "09:00", "13:00", "Stadskantoor, zaal 3"},
		{"2027-01-11", "13:30", "17:30", "Wijkcentrum De Pijler"},
		{"2027-01-25", "09:00", "13:00", "Stadskantoor, zaal 3"},
	}

	t.Run("Errors", func(t *testing.T) {
		bad := good
		bad[1] = [4]string{"2026-12-07", "12:00", "16:00", "Stadskantoor, zaal 3"} // overlaps module 1
		bad[2] = [4]string{"2026-11-02", "09:00", "13:00", ""}                     // in the past, before module 2, no place
		bad[3] = [4]string{"2027-03-28", "02:30", "01:00", "Stadskantoor"}         // 02:30 does not exist that night
		ack := w.reg.HandleInteraction(ctx, trSubmission(trTrainer, view, trModalState("", "", nil, bad, "holidays")))
		resp, ok := ack.Payload.(*slack.ViewSubmissionResponse)
		if !ok || resp.ResponseAction != slack.RAErrors {
			t.Fatalf("ack = %#v, want response_action errors", ack.Payload)
		}
		golden(t, "training_new_errors.json", resp)
		want := map[string]string{
			"training_name":        "Geef de training een naam.",
			"training_case":        "Kies een tweede casus",
			"training_m2_start":    "Module 2 begint al voordat module 1 is afgelopen (13:00).",
			"training_m3_date":     "Deze datum en tijd zijn al voorbij.",
			"training_m3_location": "Vul in waar deze bijeenkomst is.",
			"training_m4_start":    "bestaat niet op die dag",
		}
		for block, msg := range want {
			if !strings.Contains(resp.Errors[block], msg) {
				t.Errorf("error under %s = %q, want %q", block, resp.Errors[block], msg)
			}
		}
		for block, msg := range resp.Errors {
			if strings.ContainsAny(msg, "[]") || strings.Contains(msg, "must") || strings.Contains(msg, "module ") && strings.Contains(msg, "the") {
				t.Errorf("error under %s is not plain Dutch: %q", block, msg)
			}
		}
		if _, err := w.db.CohortByChannel(ctx, channel); content.ErrorCode(err) != content.ENOTFOUND {
			t.Errorf("a form with errors stored a cohort (err %v)", err)
		}
	})

	// Slack's max_length keeps these out of the form, but a form must not rely on that: each is refused under its
	// own field, saying how long it may be, and nothing is stored.
	t.Run("TooLong", func(t *testing.T) {
		long := good
		long[1][3] = strings.Repeat("Zaal ", content.MaxLocation/5) + "3"
		ack := w.reg.HandleInteraction(ctx, trSubmission(trTrainer, view,
			trModalState(strings.Repeat("Utrecht ", 11), "tom", nil, long)))
		resp, ok := ack.Payload.(*slack.ViewSubmissionResponse)
		if !ok || resp.ResponseAction != slack.RAErrors {
			t.Fatalf("ack = %#v, want response_action errors", ack.Payload)
		}
		want := map[string]string{
			"training_name":        "Die naam is te lang: hoogstens 80 tekens.",
			"training_m2_location": "Dat is te lang voor een plaats: hoogstens 200 tekens.",
		}
		for block, msg := range want {
			if !strings.Contains(resp.Errors[block], msg) {
				t.Errorf("error under %s = %q, want %q", block, resp.Errors[block], msg)
			}
		}
		if len(resp.Errors) != len(want) {
			t.Errorf("errors %v; want only the two fields that are too long", resp.Errors)
		}
		if _, err := w.db.CohortByChannel(ctx, channel); content.ErrorCode(err) != content.ENOTFOUND {
			t.Errorf("a form with errors stored a cohort (err %v)", err)
		}
	})

	t.Run("NameTaken", func(t *testing.T) {
		w.apply(t, trCohort())
		ack := w.reg.HandleInteraction(ctx, trSubmission(trTrainer, view, trModalState("Utrecht najaar 2026", "tom", nil, good)))
		resp, _ := ack.Payload.(*slack.ViewSubmissionResponse)
		if resp == nil || !strings.Contains(resp.Errors["training_name"], "al een training met deze naam") {
			t.Fatalf("ack = %#v, want the name refused", ack.Payload)
		}
		c, err := w.db.CohortByName(ctx, "Utrecht najaar 2026")
		if err != nil || c.Channel != trChannel {
			t.Errorf("the other training changed: %+v, %v", c, err)
		}
	})

	t.Run("OK", func(t *testing.T) {
		state := trModalState("Den Bosch voorjaar", "emma", []string{trCoTrainer}, good, "quiet_hours", "holidays")
		ack := w.reg.HandleInteraction(ctx, trSubmission(trTrainer, view, state))
		resp, ok := ack.Payload.(*slack.ViewSubmissionResponse)
		if !ok || resp.ResponseAction != slack.RAUpdate || resp.View == nil {
			t.Fatalf("ack = %#v, want the modal updated with a summary", ack.Payload)
		}
		golden(t, "training_new_done.json", resp)
		if raw, _ := json.Marshal(resp.View); len(slackfake.ValidateView(raw)) > 0 {
			t.Errorf("Slack would refuse the summary: %v", slackfake.ValidateView(raw))
		}

		c, err := w.db.CohortByChannel(ctx, channel)
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != "Den Bosch voorjaar" || strings.Join(c.Trainers, ",") != trTrainer+","+trCoTrainer ||
			strings.Join(c.Cases, ",") != "richard,emma" {
			t.Errorf("stored %q trainers %v cases %v", c.Name, c.Trainers, c.Cases)
		}
		if c.Settings != (content.CohortSettings{QuietHours: "21:00-08:00", Holidays: true, AutoReveal: false}) {
			t.Errorf("settings = %+v", c.Settings)
		}
		m3, _ := c.Module(3)
		if !m3.Start.Equal(time.Date(2027, 1, 11, 13, 30, 0, 0, deliveryTZ)) || m3.Location != "Wijkcentrum De Pijler" {
			t.Errorf("module 3 = %+v", m3)
		}
		ds, err := w.db.Deliveries(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		cal, _ := scheduler.NewCalendar(c)
		want, _ := scheduler.Plan(c, w.course.Rules, cal)
		if len(ds) == 0 || len(ds) != len(want) {
			t.Errorf("planned %d deliveries, want %d", len(ds), len(want))
		}
		for _, d := range ds {
			if d.Kind == "case_reveal" {
				t.Errorf("auto reveal is off but %s is planned", d.Key)
			}
		}
		if n := w.auditCount(t, "cohort_created"); n != 1 {
			t.Errorf("%d cohort_created audit rows, want 1", n)
		}
		if w.kicks == 0 {
			t.Errorf("the dispatcher was not told about the new plan")
		}

		// The creator is its trainer now; the same command is told the channel has a training.
		p, _ := w.command(t, trTrainer, channel, "nieuw")
		if !strings.Contains(p.Text, "Den Bosch voorjaar") || len(w.views.views) != 1 {
			t.Errorf("second /training nieuw: %q, %d modals", p.Text, len(w.views.views))
		}
	})

	t.Run("ChannelTakenMeanwhile", func(t *testing.T) {
		ack := w.reg.HandleInteraction(ctx, trSubmission(trCoTrainer, view, trModalState("Nog een", "tom", nil, good)))
		resp, _ := ack.Payload.(*slack.ViewSubmissionResponse)
		if resp == nil || !strings.Contains(resp.Errors["training_name"], "hoort intussen al bij een training") {
			t.Fatalf("ack = %#v, want the channel refused", ack.Payload)
		}
	})
}

// dispatchSome records what a dispatcher does: a channel row sent, a per-participant row expanded into rows per
// person with their own outcome.
func (w *trainingWorld) dispatchSome(t *testing.T, c *content.Cohort) {
	t.Helper()
	ck := scheduler.CohortKey(c)
	w.exec(t, `UPDATE deliveries SET status = 'sent', ts = '1700000000.000100', channel_id = $2, sent_at = due_at
		WHERE key = $1`, ck+"/preparation/m1", trChannel)
	w.exec(t, `UPDATE deliveries SET status = 'missed' WHERE key = $1`, ck+"/reminder_day/m1")
	w.exec(t, `UPDATE deliveries SET status = 'expanded' WHERE key = $1`, ck+"/welcome/m1")
	for _, p := range []struct{ user, status, err string }{
		{"U0ANNA", "sent", ""}, {"U0BRAM", "sent", ""}, {"U0CEES", "failed", "slack chat.postMessage: account_inactive"},
		{"U0DORA", "failed", "slack chat.postMessage: something_new"},
	} {
		var errText *string
		if p.err != "" {
			errText = &p.err
		}
		ts := "1700000000.000200"
		w.exec(t, `INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, recipient, due_at, deadline,
			status, ts, error, title)
			SELECT key || '/' || $2, cohort_id, rule_id, kind, module, 'participant', $2, due_at, deadline, $3,
			       CASE WHEN $3 = 'sent' THEN $5 END, $4, title
			FROM deliveries WHERE key = $1`, ck+"/welcome/m1", p.user, p.status, errText, ts)
	}
}

func TestTrainingPlanAndStatus(t *testing.T) {
	t.Parallel()
	w := newTrainingWorld(t)
	c := trCohort()
	w.apply(t, c)
	w.dispatchSome(t, c)

	p, _ := w.command(t, trCoTrainer, trChannel, "plan")
	if p.ResponseType != slack.ResponseTypeEphemeral {
		t.Errorf("plan is %q, want ephemeral", p.ResponseType)
	}
	golden(t, "training_plan.json", p)
	validBlocks(t, p.Blocks)
	for _, s := range []string{
		"*Module 1: Context en kader*\nmaandag 7 december 2026, 09:00–13:00 · Stadskantoor, zaal 3",
		"Welkom en voormeting aan iedere deelnemer · _verstuurd aan 2, mislukt 2_",
		"Voorbereiding in het kanaal · _verstuurd_",
		"Herinnering dag ervoor in het kanaal · _gemist_",
		"*Module 3: ", "maandag 11 januari 2027, 13:30–17:30",
	} {
		if !strings.Contains(p.Text, s) {
			t.Errorf("plan lacks %q", s)
		}
	}
	if len(p.Blocks) > 50 {
		t.Errorf("plan has %d blocks; a message may have 50", len(p.Blocks))
	}

	s, _ := w.command(t, trTrainer, trChannel, "status")
	golden(t, "training_status.json", s)
	validBlocks(t, s.Blocks)
	for _, want := range []string{
		"Verstuurd: *3*", "Gemist: *1*", "Mislukt: *2*", "Vervallen: *0*",
		"<@U0CEES>: Deze persoon heeft de Slack-werkruimte verlaten of het account is gedeactiveerd.",
		"<@U0DORA>: Slack nam het bericht niet aan (foutcode `something_new`).",
		"Herinnering dag ervoor",
	} {
		if !strings.Contains(s.Text, want) {
			t.Errorf("status lacks %q:\n%s", want, s.Text)
		}
	}

	ds, err := w.db.Deliveries(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	counts := handlers.TrainingStatusCounts(ds)
	planned := 0
	for _, d := range ds {
		if d.Recipient == "" {
			planned++
		}
	}
	// The expanded welcome is four messages instead of one planned row.
	if got := counts["sent"] + counts["pending"] + counts["missed"] + counts["failed"]; got != planned-1+4 {
		t.Errorf("counts %v add up to %d, want %d", counts, got, planned+3)
	}
}

func TestParseTrainingMove(t *testing.T) {
	t.Parallel()
	now := trainingNow
	course := defaultCourse(t)
	tests := []struct {
		in      string
		want    handlers.TrainingMove
		problem string
	}{
		{"2 14-12-2026 09:00", handlers.TrainingMove{Module: 2, Year: 2026, Month: 12, Day: 14, Hour: 9}, ""},
		{"2 2026-12-14 9.30", handlers.TrainingMove{Module: 2, Year: 2026, Month: 12, Day: 14, Hour: 9, Minute: 30}, ""},
		{"m3 14/1 13:15", handlers.TrainingMove{Module: 3, Year: 2027, Month: 1, Day: 14, Hour: 13, Minute: 15}, ""},
		{"module 4 maandag 25 januari 2027 9u30", handlers.TrainingMove{Module: 4, Year: 2027, Month: 1, Day: 25, Hour: 9, Minute: 30}, ""},
		{"1 3 dec 10", handlers.TrainingMove{Module: 1, Year: 2026, Month: 12, Day: 3, Hour: 10}, ""},
		{"1 20-11 14:00", handlers.TrainingMove{Module: 1, Year: 2026, Month: 11, Day: 20, Hour: 14}, ""},
		{"2 14-12-2026", handlers.TrainingMove{}, "Zo verzet je een bijeenkomst"},
		{"5 14-12-2026 09:00", handlers.TrainingMove{}, "`5` is geen module"},
		{"twee 14-12-2026 09:00", handlers.TrainingMove{}, "`twee` is geen module"},
		{"2 31-11-2026 09:00", handlers.TrainingMove{}, "`31-11-2026` kan ik niet lezen als datum"},
		{"2 14 decembre 09:00", handlers.TrainingMove{}, "`14 decembre` kan ik niet lezen als datum"},
		{"2 14-12-2026 25:00", handlers.TrainingMove{}, "`25:00` kan ik niet lezen als tijd"},
		{"2 14-12-2026 morgen", handlers.TrainingMove{}, "`morgen` kan ik niet lezen als tijd"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, problem := handlers.ParseTrainingMove(course.Phrases, strings.Fields(tt.in), now)
			if tt.problem != "" {
				if !strings.Contains(problem, tt.problem) {
					t.Errorf("problem = %q, want %q", problem, tt.problem)
				}
				return
			}
			if problem != "" || got != tt.want {
				t.Errorf("got %+v %q, want %+v", got, problem, tt.want)
			}
		})
	}
}

func TestTrainingMove(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newTrainingWorld(t)
	c := trCohort()
	w.apply(t, c)
	ck := scheduler.CohortKey(c)
	// The preparation of module 2 went out already: it keeps its time and key whatever happens to module 2.
	w.exec(t, `UPDATE deliveries SET status = 'sent', ts = '1700000000.000300' WHERE key = $1`, ck+"/preparation/m2")
	before := trDeliveries(t, w, c.ID)

	t.Run("Refused", func(t *testing.T) {
		tests := []struct{ name, text, want string }{
			{"Overlap", "verzet 2 7-12-2026 12:00", "Module 2 kan niet naar maandag 7 december 2026 om 12:00: dan overlapt hij met module 1."},
			{"BeforePrevious", "verzet 2 2026-12-01 09:00", "dan komt hij vóór module 1, terwijl hij daarna hoort."},
			{"AfterNext", "verzet 2 12-1-2027 09:00", "dan komt hij na module 3, terwijl hij daarvoor hoort."},
			{"OverlapNext", "verzet 2 11-1-2027 10:00", "dan overlapt hij met module 3."},
			{"Past", "verzet 1 19-11-2026 09:00", "dat moment is al voorbij."},
			{"NoSuchTime", "verzet 4 28-03-2027 02:30", "dat tijdstip bestaat niet op die dag"},
			{"Same", "verzet 2 14-12-2026 9.00", "Module 2 staat al op maandag 14 december 2026 om 09:00. Er verandert niets."},
			{"Usage", "verzet 2", "Zo verzet je een bijeenkomst"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, ack := w.command(t, trTrainer, trChannel, tt.text)
				if !strings.Contains(p.Text, tt.want) {
					t.Errorf("reply = %q, want %q", p.Text, tt.want)
				}
				if ack.Later != nil {
					t.Errorf("a refused move announces something to the group")
				}
			})
		}
		if n := w.auditCount(t, "module_moved"); n != 0 {
			t.Errorf("refused moves wrote %d audit rows", n)
		}
	})

	t.Run("OK", func(t *testing.T) {
		p, ack := w.command(t, trTrainer, trChannel, "verzet 2 15-12-2026 10:30")
		golden(t, "training_move.json", p)
		validBlocks(t, p.Blocks)
		if !strings.Contains(p.Text, "Was: maandag 14 december 2026, 09:00–13:00") ||
			!strings.Contains(p.Text, "Wordt: dinsdag 15 december 2026, 10:30–14:30") {
			t.Errorf("reply does not say what moved:\n%s", p.Text)
		}
		got, err := w.db.CohortByChannel(ctx, trChannel)
		if err != nil {
			t.Fatal(err)
		}
		m2, _ := got.Module(2)
		if !m2.Start.Equal(time.Date(2026, 12, 15, 10, 30, 0, 0, deliveryTZ)) || m2.End.Sub(m2.Start) != 4*time.Hour {
			t.Errorf("module 2 is now %v–%v", m2.Start, m2.End)
		}
		after := trDeliveries(t, w, c.ID)
		if len(after) != len(before) {
			t.Errorf("%d deliveries after the move, %d before: keys must stay", len(after), len(before))
		}
		sent := after[ck+"/preparation/m2"]
		if sent.Status != "sent" || !sent.DueAt.Equal(before[ck+"/preparation/m2"].DueAt) {
			t.Errorf("the sent preparation changed: %+v", sent)
		}
		hour := after[ck+"/reminder_hour/m2"]
		if !hour.DueAt.Equal(time.Date(2026, 12, 15, 9, 30, 0, 0, deliveryTZ)) || hour.Status != "pending" {
			t.Errorf("reminder an hour before module 2 is at %v (%s), want 09:30 on 15 December", hour.DueAt, hour.Status)
		}
		if m1 := after[ck+"/reminder_hour/m1"]; !m1.DueAt.Equal(before[ck+"/reminder_hour/m1"].DueAt) {
			t.Errorf("module 1's reminder moved with module 2")
		}
		if !strings.Contains(p.Text, "Herinnering uur ervoor: ma 14 dec 08:00 → *di 15 dec 09:30*") {
			t.Errorf("reply does not list the re-planned reminder:\n%s", p.Text)
		}
		if strings.Contains(p.Text, "Voorbereiding: ") {
			t.Errorf("reply lists the sent preparation as re-planned:\n%s", p.Text)
		}
		if n := w.auditCount(t, "module_moved"); n != 1 {
			t.Errorf("%d module_moved audit rows, want 1", n)
		}
		if ack.Later == nil {
			t.Fatal("the group is not told")
		}
		announce, err := ack.Later(ctx)
		if err != nil || !announce.InChannel || !strings.Contains(announce.Text, "dinsdag 15 december 2026") {
			t.Errorf("announcement = %+v, %v", announce, err)
		}
	})
}

func trDeliveries(t *testing.T, w *trainingWorld, cohortID int64) map[string]content.Delivery {
	t.Helper()
	ds, err := w.db.Deliveries(context.Background(), cohortID)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]content.Delivery{}
	for _, d := range ds {
		m[d.Key] = d
	}
	return m
}

// validBlocks fails t when Slack would refuse a message with these blocks.
func validBlocks(t *testing.T, blocks []slack.Block) {
	t.Helper()
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	if errs := slackfake.ValidateMessageBlocks(raw); len(errs) > 0 {
		t.Errorf("Slack would refuse the message: %v", errs)
	}
}

func TestTrainingTrainerByEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newTrainingWorld(t)
	c := trCohort()
	c.Trainers = []string{"tess@gemeente.nl", trCoTrainer}
	w.apply(t, c)

	tests := []struct{ name, user, want string }{
		{"OtherEmail", "U0ANNA", "alleen een trainer"},
		{"LookupFails", "U0BROKEN", "Er ging iets mis"},
		{"NoEmail", trParticipant, "alleen een trainer"},
		{"Resolved", "U0TESS", "Stand van zaken van Utrecht najaar 2026"},
		{"ResolvedAgain", "U0TESS", "Stand van zaken van Utrecht najaar 2026"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := w.command(t, tt.user, trChannel, "status")
			if !strings.Contains(p.Text, tt.want) {
				t.Errorf("reply = %q, want %q", p.Text, tt.want)
			}
		})
	}
	got, err := w.db.CohortByChannel(ctx, trChannel)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Trainers, ",") != "U0TESS,"+trCoTrainer {
		t.Errorf("trainers = %v, want the e-mail address replaced by the user ID", got.Trainers)
	}
	if n := w.auditCount(t, "trainer_resolved"); n != 1 {
		t.Errorf("%d trainer_resolved audit rows, want 1", n)
	}
}
