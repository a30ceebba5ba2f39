package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// SeedCohort stores, through the store's own methods, a cohort whose four modules start on start and the three
// Mondays after it, with trainer as its trainer and people as participants who did a bit of everything: a reading
// marked done, a voormeting with answers, a development plan, a role card, a homework DM sent to each (the fan-out
// of a planned row), a channel reminder sent, a case stage revealed, and audit rows about them. It returns the
// cohort's id. Backups and retention use it to fill every table that holds a person.
func SeedCohort(t testing.TB, db *store.DB, name, channel, trainer string, start time.Time, people []string) int64 {
	t.Helper()
	ctx := context.Background()
	c := &content.Cohort{Name: name, Channel: channel, Timezone: "Europe/Amsterdam", Trainers: []string{trainer},
		Cases: []string{"richard", "johanna"}, Settings: content.DefaultCohortSettings()}
	for i := 1; i <= 4; i++ {
		s := start.AddDate(0, 0, 7*(i-1))
		c.Modules = append(c.Modules, content.CohortModule{Number: i, Start: s, End: s.Add(4 * time.Hour), Location: "zaal 1"})
	}
	id, err := db.SaveCohort(ctx, c)
	if err != nil {
		t.Fatalf("seed cohort: %v", err)
	}
	m1End := c.Modules[0].End
	key := fmt.Sprintf("c%d", id)
	if _, err := db.ReplacePlan(ctx, id, []content.Delivery{
		{Key: key + "/homework/m1", Kind: "homework", RuleID: "homework", Module: 1, Audience: content.AudienceParticipants,
			DueAt: m1End, Title: "Huiswerk module 1"},
		{Key: key + "/reminder_day_before/m2", Kind: "reminder", RuleID: "reminder_day_before", Module: 2,
			Audience: content.AudienceChannel, DueAt: m1End.Add(time.Hour), Title: "Herinnering module 2"},
	}); err != nil {
		t.Fatalf("seed plan: %v", err)
	}
	claims, err := db.ClaimDue(ctx, "seed", m1End.Add(time.Hour), m1End.Add(2*time.Hour), 100)
	if err != nil {
		t.Fatalf("seed claim: %v", err)
	}
	for _, cl := range claims {
		if cl.CohortID != id {
			continue
		}
		if cl.Audience == content.AudienceChannel {
			if err := db.MarkSent(ctx, cl.ID, "seed", channel, "1000.1", m1End.Add(time.Hour)); err != nil {
				t.Fatalf("seed sent: %v", err)
			}
			continue
		}
		kids, err := db.ExpandDelivery(ctx, cl, "seed", people, true, m1End, m1End.Add(time.Hour))
		if err != nil {
			t.Fatalf("seed expand: %v", err)
		}
		for i, k := range kids {
			if err := db.MarkSent(ctx, k.ID, "seed", "D"+k.Recipient, fmt.Sprintf("2000.%d", i+1), m1End); err != nil {
				t.Fatalf("seed sent: %v", err)
			}
		}
	}
	if _, err := db.ExecContext(ctx, `
		INSERT INTO case_reveals (cohort_id, case_id, variant, stage_id, position, module, revealed_by, revealed_at)
		VALUES ($1, 'richard', 'richard', 'aanmelding', 0, 1, $2, $3)`, id, trainer, m1End); err != nil {
		t.Fatalf("seed reveal: %v", err)
	}
	for i, u := range people {
		if _, err := db.RecordJoin(ctx, id, u, nil); err != nil {
			t.Fatalf("seed join: %v", err)
		}
		if _, _, err := db.MarkDone(ctx, store.Progress{CohortID: id, UserID: u, Kind: store.ProgressReading,
			Item: "m1_jungmann", Module: 1}); err != nil {
			t.Fatalf("seed progress: %v", err)
		}
		m, err := db.StartMeasurement(ctx, id, u, content.MeterVoormeting)
		if err != nil {
			t.Fatalf("seed measurement: %v", err)
		}
		for j, st := range []string{"g1", "g2"} {
			if _, err := db.AnswerStatement(ctx, store.MeterAnswer{MeasurementID: m.ID, UserID: u, Round: 1, StatementID: st,
				Score: 1 + (i+j)%5, Statements: []string{"g1", "g2"}}); err != nil {
				t.Fatalf("seed answer: %v", err)
			}
		}
		if _, err := db.SaveDevelopmentPlan(ctx, store.DevelopmentPlan{CohortID: id, UserID: u,
			Ontwikkelpunten: "Doorvragen (" + u + ")", Aanpak: "Oefenen in de groep"}); err != nil {
			t.Fatalf("seed plan: %v", err)
		}
		if _, err := db.RecordCaseCard(ctx, store.CaseCard{CohortID: id, CaseID: "richard", Variant: "richard", StageID: "rol",
			Role: "moeder", UserID: u, SentBy: trainer, SentAt: m1End, ChannelID: "D" + u, TS: fmt.Sprintf("3000.%d", i+1)}); err != nil {
			t.Fatalf("seed card: %v", err)
		}
		cid := id
		if err := db.Audit(ctx, store.AuditEntry{CohortID: &cid, Actor: trainer, UserID: u, Action: "role_card_sent",
			Detail: map[string]any{"role": "moeder"}}); err != nil {
			t.Fatalf("seed audit: %v", err)
		}
	}
	cid := id
	if err := db.Audit(ctx, store.AuditEntry{CohortID: &cid, Actor: "operator", Action: "cohort_applied",
		Detail: map[string]any{"name": name}}); err != nil {
		t.Fatalf("seed audit: %v", err)
	}
	return id
}
