package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/handlers"
)

// TestModuleInfo: the preparation in the channel opens with the gist of the module and a button; the button
// opens the whole inleiding, the leeruitkomsten and the programma for whoever clicks it, and for a trainer of the
// group also what the manual tells the trainer, which a participant never sees.
func TestModuleInfo(t *testing.T) {
	t.Parallel()
	course, db, b := newBot(t, time.Now())
	trainer := b.Fake.AddUser(slackfake.User{Name: "tess", RealName: "Tess Trainer"})
	anna := b.Fake.AddUser(slackfake.User{Name: "anna", RealName: "Anna"})
	channel := b.Fake.AddChannel(slackfake.Channel{Name: "het-gesprek-info", Members: []string{trainer, anna, b.Fake.BotUserID()}})
	id := saveDecemberCohort(t, db, "Info najaar 2026", channel, trainer, []string{"richard", "tom"}, anna)

	ctx := context.Background()
	co, err := db.CohortByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	v, err := handlers.NewModuleView(course, co, 4)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := handlers.PreparationMessage(v)
	if err != nil {
		t.Fatal(err)
	}
	_, ts, err := b.Poster.Post(ctx, channel, msg.Text, msg.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	m4, _ := course.Module(4)
	posted := shown(b.Fake.Messages(channel)[0])
	if !strings.Contains(posted, m4.Kort) || !strings.Contains(posted, course.Phrases.ModuleInfoButton) {
		t.Errorf("the preparation does not open with the gist and the button:\n%s", posted)
	}

	value := fmt.Sprintf("%d/4", id)
	b.Click(t, anna, channel, ts, handlers.ActionModuleInfo, value)
	modal, ok := b.Fake.TopModal(anna)
	if !ok {
		t.Fatal("no modal for the participant")
	}
	got := jsonText(t, modal.JSON)
	want := []string{"Module 4", m4.Inleiding, m4.Programma, "Integraal werken"}
	want = append(want, m4.Leeruitkomsten...)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("participant's modal lacks %q", w)
		}
	}
	for _, secret := range []string{"Voor de trainer", m4.Materiaal[0], "kunt u kiezen voor twee opeenvolgende rollenspellen"} {
		if strings.Contains(got, secret) {
			t.Errorf("participant's modal shows the trainer's %q", secret)
		}
	}

	b.Click(t, trainer, channel, ts, handlers.ActionModuleInfo, value)
	modal, ok = b.Fake.TopModal(trainer)
	if !ok {
		t.Fatal("no modal for the trainer")
	}
	got = jsonText(t, modal.JSON)
	for _, w := range []string{m4.Inleiding, "Voor de trainer", m4.Materiaal[0], "Casus 2: Tom – Het vierde Gesprek",
		"Casus 3: Richard – Het vierde Gesprek", "kunt u kiezen voor twee opeenvolgende rollenspellen"} {
		if !strings.Contains(got, w) {
			t.Errorf("trainer's modal lacks %q", w)
		}
	}
	if i, j := strings.Index(got, "Casus 2: Tom"), strings.Index(got, "Casus 3: Richard"); i < 0 || j < i {
		t.Error("the cases are not in course order")
	}

	// A button of an old message, or one that was tampered with: a plain answer, nothing opened.
	for _, bad := range []string{"999999/4", fmt.Sprintf("%d/9", id), "4", ""} {
		cb := slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: anna}, TriggerID: "t1"}
		cb.Channel.ID = channel
		cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: handlers.ActionModuleInfo, Value: bad}}
		ack := b.Registry.HandleInteraction(ctx, cb)
		if ack.Followup == nil || ack.Followup.Text != course.Phrases.ModuleInfoUnknown {
			t.Errorf("value %q: %+v, want %q", bad, ack.Followup, course.Phrases.ModuleInfoUnknown)
		}
	}
}

// jsonText is every "text" in a JSON value (a view, blocks), one a line.
func jsonText(t *testing.T, raw []byte) string {
	t.Helper()
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	var lines []string
	var walk func(any)
	walk = func(n any) {
		switch n := n.(type) {
		case map[string]any:
			for k, v := range n {
				if s, ok := v.(string); ok && k == "text" {
					lines = append(lines, s)
				}
				walk(v)
			}
		case []any:
			for _, v := range n {
				walk(v)
			}
		}
	}
	walk(tree)
	return strings.Join(lines, "\n")
}

// TestModuleInfoGolden checks the modal for a participant and for a trainer against golden JSON, and every module's
// modal against Slack's limits for a view.
func TestModuleInfoGolden(t *testing.T) {
	t.Parallel()
	course := defaultCourse(t)
	c := fixedCohort("johanna")
	c.ID = 7
	for n := 1; n <= 4; n++ {
		v, err := handlers.NewModuleView(course, c, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, trainer := range []bool{false, true} {
			view, err := handlers.ModuleInfoModal(v, trainer)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(view)
			if errs := slackfake.ValidateView(raw); len(errs) > 0 {
				t.Errorf("module %d (trainer %v): Slack would refuse the modal: %v", n, trainer, errs)
			}
			switch {
			case n == 1 && !trainer:
				golden(t, "module_info_participant_m1.json", view)
			case n == 4 && trainer:
				golden(t, "module_info_trainer_m4.json", view)
			}
		}
	}
}

// TestTrainerNotesStayWithTrainers: what the manual tells the trainer about a case stage is in the trainer's
// module info and /casus status, and never in what participants get of that stage: the channel message, the role
// card, the read-back.
func TestTrainerNotesStayWithTrainers(t *testing.T) {
	t.Parallel()
	course := defaultCourse(t)
	notes := 0
	for _, cs := range course.Cases {
		for _, variant := range cs.Variants {
			stages, err := cs.Stages(variant.ID)
			if err != nil {
				t.Fatal(err)
			}
			title, _ := cs.TitleFor(variant.ID)
			for _, s := range stages {
				note := strings.TrimSpace(s.TrainerNote)
				if note == "" {
					continue
				}
				notes++
				_, channel := handlers.CaseStageMessage(course.Phrases, title, s)
				_, card := handlers.RoleCardMessage(course.Phrases, title, s)
				readBack := handlers.RevealedStagesBlocks(course.Phrases, "Groep", []handlers.RevealedStage{{CaseTitle: title, Stage: s, At: time.Now()}})
				for name, blocks := range map[string][]slack.Block{"channel": channel, "role card": card, "read-back": readBack} {
					raw, _ := json.Marshal(blocks)
					if text := jsonText(t, raw); strings.Contains(text, noteStart(note)) {
						t.Errorf("%s %s: the trainer note reaches participants in the %s", variant.ID, s.ID, name)
					}
				}
			}
		}
	}
	if notes == 0 {
		t.Fatal("no stage has a trainer note")
	}
}

func noteStart(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i]
	}
	return s
}
