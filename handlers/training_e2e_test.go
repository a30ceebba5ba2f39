package handlers_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
)

// TestTrainingOnFake runs the trainer's commands end to end over Socket Mode against the Slack fake and a real
// database: a trainer creates a training with the modal (first with a mistake), a participant is refused, the
// trainer moves a module and the group is told in the channel.
func TestTrainingOnFake(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, db, b := newBot(t, trainingNow)
	fake := b.Fake

	// Tess may set up a training: she is the workspace's admin.
	tess := fake.AddUser(slackfake.User{Name: "tess", RealName: "Tess Trainer", IsAdmin: true})
	anna := fake.AddUser(slackfake.User{Name: "anna", RealName: "Anna de Vries"})
	channel := fake.AddChannel(slackfake.Channel{Name: "het-gesprek-utrecht", Members: []string{tess, anna, fake.BotUserID()}})

	ackText := func(r slackfake.Response) string {
		var p struct {
			Text string `json:"text"`
		}
		if len(r.Payload) > 0 {
			if err := json.Unmarshal(r.Payload, &p); err != nil {
				t.Fatalf("ack %s: %v", r.Payload, err)
			}
		}
		return p.Text
	}
	command := func(user, text string) slackfake.Response {
		t.Helper()
		return b.Command(t, user, channel, "/training", text)
	}

	if got := ackText(command(anna, "plan")); !strings.Contains(got, "nog geen training") {
		t.Errorf("plan before a training exists: %q", got)
	}

	// The trainer opens the modal.
	command(tess, "nieuw")
	modal, ok := fake.TopModal(tess)
	if !ok || modal.CallbackID != handlers.CallbackTrainingNew {
		t.Fatalf("no /training nieuw modal open for the trainer (%+v)", modal)
	}

	form := map[string]map[string]string{
		"training_name": {"training_name": "Utrecht najaar 2026"},
		"training_case": {"training_case": "johanna"},
	}
	for n, m := range [4][3]string{
		{"2026-12-07", "09:00", "Stadskantoor, zaal 3"},
		{"2026-12-14", "09:00", "Stadskantoor, zaal 3"},
		{"2027-01-11", "09:00", "Wijkcentrum De Pijler"},
		{"2027-01-25", "09:00", "Stadskantoor, zaal 3"},
	} {
		p := "training_m" + string(rune('1'+n)) + "_"
		form[p+"date"] = map[string]string{p + "date": m[0]}
		form[p+"start"] = map[string]string{p + "start": m[1]}
		form[p+"location"] = map[string]string{p + "location": m[2]}
	}

	// A mistake first: module 3 on the day of module 2, at the same time.
	form["training_m3_date"]["training_m3_date"] = "2026-12-14"
	r := b.Submit(t, tess, "", form)
	if r.ResponseAction != "errors" || !strings.Contains(r.Errors["training_m3_date"], "Module 3 moet na module 2 komen") {
		t.Fatalf("submit with a mistake: %s %v", r.ResponseAction, r.Errors)
	}
	if _, ok := fake.TopModal(tess); !ok {
		t.Fatal("the modal closed on a mistake")
	}
	if _, err := db.CohortByChannel(ctx, channel); content.ErrorCode(err) != content.ENOTFOUND {
		t.Fatalf("a form with a mistake stored a training: %v", err)
	}

	form["training_m3_date"]["training_m3_date"] = "2027-01-11"
	r = b.Submit(t, tess, "", form)
	if r.ResponseAction != "update" || len(r.Invalid) > 0 {
		t.Fatalf("submit: %s %v %v", r.ResponseAction, r.Errors, r.Invalid)
	}
	done1, ok := fake.TopModal(tess)
	if !ok || !strings.Contains(string(done1.Blocks), "Utrecht najaar 2026") {
		t.Fatalf("the modal does not show the saved training: %+v", done1)
	}
	c, err := db.CohortByChannel(ctx, channel)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Trainers) != 1 || c.Trainers[0] != tess || !c.Settings.Holidays || !c.Settings.AutoReveal {
		t.Errorf("stored trainers %v settings %+v", c.Trainers, c.Settings)
	}
	ds, err := db.Deliveries(ctx, c.ID)
	if err != nil || len(ds) == 0 {
		t.Fatalf("nothing planned: %v", err)
	}

	// A participant may not use the trainer's commands.
	for _, sub := range []string{"plan", "status", "verzet 2 15-12-2026 10:00", "nieuw"} {
		if got := ackText(command(anna, sub)); !strings.Contains(got, "alleen een trainer") {
			t.Errorf("participant /training %s: %q", sub, got)
		}
	}

	if got := ackText(command(tess, "plan")); !strings.Contains(got, "*Module 2: Het Gesprek I*\nmaandag 14 december 2026, 09:00–13:00") {
		t.Errorf("plan: %q", got)
	}

	// The trainer moves module 2; the plan follows and the group hears it in the channel.
	if got := ackText(command(tess, "verzet 2 15-12-2026 10:00")); !strings.Contains(got, "Wordt: dinsdag 15 december 2026, 10:00–14:00") {
		t.Errorf("verzet: %q", got)
	}
	moved, err := db.CohortByChannel(ctx, channel)
	if err != nil {
		t.Fatal(err)
	}
	if m2, _ := moved.Module(2); !m2.Start.Equal(time.Date(2026, 12, 15, 10, 0, 0, 0, deliveryTZ)) {
		t.Errorf("module 2 starts %v", m2.Start)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		announced := false
		for _, m := range fake.Messages(channel) {
			if strings.Contains(m.Text, "verzet naar dinsdag 15 december 2026 om 10:00") {
				announced = true
			}
		}
		if announced {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the group was not told in the channel: %+v", fake.Messages(channel))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
