package handlers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// benchMeter is a participant halfway through changing a finished-and-reopened competentiemeter: every statement
// has a score and the measurement is open, so that each click stores a new score without finishing it.
type benchMeter struct {
	course *content.Course
	db     *store.DB
	reg    *handlers.Registry
	meter  *handlers.Meter
	ms     content.Measurement
	ids    []string
	cohort *content.Cohort
	user   string
}

func newBenchMeter(b *testing.B) *benchMeter {
	b.Helper()
	ctx := context.Background()
	course, err := content.Default()
	if err != nil {
		b.Fatal(err)
	}
	w := &benchMeter{course: course, db: storetest.New(b), user: "U0ANNA0001"}
	log := bottest.QuietLog()
	w.reg = handlers.NewRegistry(course.Phrases, log)
	w.meter = handlers.RegisterMeter(w.reg, handlers.MeterDeps{Course: course, Store: w.db, Log: log})
	c := &content.Cohort{Name: "Bench", Channel: "C0BENCH01", Timezone: content.DefaultTimezone,
		Trainers: []string{"U0TRAINER1"}, Cases: []string{"richard", "johanna"}, Settings: content.DefaultCohortSettings()}
	start := time.Now().AddDate(0, 0, 14).Truncate(24 * time.Hour).Add(8 * time.Hour)
	for n := 1; n <= 4; n++ {
		s := start.AddDate(0, 0, 7*(n-1))
		c.Modules = append(c.Modules, content.CohortModule{Number: n, Start: s, End: s.Add(4 * time.Hour), Location: "Zaal 3"})
	}
	if _, err := w.db.SaveCohort(ctx, c); err != nil {
		b.Fatal(err)
	}
	w.cohort = c
	if _, err := w.db.RecordJoin(ctx, c.ID, w.user, nil); err != nil {
		b.Fatal(err)
	}
	if w.ms, err = w.db.StartMeasurement(ctx, c.ID, w.user, content.MeterVoormeting); err != nil {
		b.Fatal(err)
	}
	for _, s := range course.Meter.Statements() {
		w.ids = append(w.ids, s.ID)
	}
	if _, err := w.db.ExecContext(ctx, `
		INSERT INTO meter_answers (measurement_id, statement_id, score, answered_at)
		SELECT $1, s, 3, now() FROM unnest($2::text[]) AS s`, w.ms.ID, pq.Array(w.ids)); err != nil {
		b.Fatal(err)
	}
	return w
}

// BenchmarkMeterScoreInteraction handles a click on a score button as Slack delivers it (the registry, the
// handler, the committed answer before the ack, the next question rendered after it), without the transport.
func BenchmarkMeterScoreInteraction(b *testing.B) {
	w := newBenchMeter(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		// Every statement but the last (an answer to it would finish the measurement), a new score each round.
		sid := w.ids[i%(len(w.ids)-1)]
		score := (i/(len(w.ids)-1))%5 + 1
		if score == 3 {
			score = 4
		}
		cb := slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: w.user},
			Channel: slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: "D0ANNA0001"}}},
			ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{{
				ActionID: handlers.ActionMeterScore + fmt.Sprintf(":%d", score), BlockID: "meter_q/r1",
				Value: fmt.Sprintf("%d/%s/%d", w.ms.ID, sid, score)}}}}
		ack := w.reg.HandleInteraction(ctx, cb)
		if ack.Later == nil {
			b.Fatalf("click %d: %+v, want the next question after the ack", i, ack)
		}
		reply, err := ack.Later(ctx)
		if err != nil || reply == nil || !reply.ReplaceOriginal {
			b.Fatalf("click %d: %+v, %v; want the message moved on", i, reply, err)
		}
	}
}

// BenchmarkMeterQuestionMessage renders one statement of the competentiemeter with its score buttons.
func BenchmarkMeterQuestionMessage(b *testing.B) {
	w := newBenchMeter(b)
	answers := map[string]int{}
	for _, id := range w.ids {
		answers[id] = 3
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := w.meter.QuestionMessage(w.ms, answers, i%len(w.ids), "Genoteerd.", false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderChecklist renders a delivery as the dispatcher does before posting it: the preparation checklist
// DM of module 1, with the participant's progress read from the database.
func BenchmarkRenderChecklist(b *testing.B) {
	w := newBenchMeter(b)
	d := handlers.NewDeliveries(w.course, w.db)
	ctx := context.Background()
	del := content.Delivery{Key: fmt.Sprintf("c%d/preparation_checklist/m1/%s", w.cohort.ID, w.user),
		Kind: "preparation_checklist", RuleID: "preparation_checklist", Module: 1,
		Audience: content.AudienceParticipant, Recipient: w.user, DueAt: time.Now()}
	b.ResetTimer()
	for range b.N {
		text, blocks, err := d.Render(ctx, w.cohort, del, w.user)
		if err != nil || text == "" || len(blocks) == 0 {
			b.Fatalf("render: %q, %d blocks, %v", text, len(blocks), err)
		}
	}
}

// BenchmarkRenderPreparation renders the channel message of a module's preparation (readings and questions).
func BenchmarkRenderPreparation(b *testing.B) {
	w := newBenchMeter(b)
	d := handlers.NewDeliveries(w.course, w.db)
	ctx := context.Background()
	del := content.Delivery{Key: fmt.Sprintf("c%d/preparation/m1", w.cohort.ID), Kind: "preparation",
		RuleID: "preparation", Module: 1, Audience: content.AudienceChannel, DueAt: time.Now()}
	b.ResetTimer()
	for range b.N {
		text, blocks, err := d.Render(ctx, w.cohort, del, "")
		if err != nil || text == "" || len(blocks) == 0 {
			b.Fatalf("render: %q, %d blocks, %v", text, len(blocks), err)
		}
	}
}
