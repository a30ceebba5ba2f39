package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

var deliveryTZ = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return loc
}()

func defaultCourse(t testing.TB) *content.Course {
	t.Helper()
	c, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fixedCohort is the cohort of the golden files: modules on three Mondays in December 2026 and one in January.
func fixedCohort(lvb string) *content.Cohort {
	c := &content.Cohort{
		Name: "Utrecht najaar 2026", Channel: "C0UTRECHT", Timezone: "Europe/Amsterdam",
		Trainers: []string{"U0TRAINER1"}, Cases: []string{"richard", lvb},
		Settings: content.DefaultCohortSettings(),
	}
	for i, day := range []time.Time{
		time.Date(2026, 12, 7, 9, 0, 0, 0, deliveryTZ),
		time.Date(2026, 12, 14, 9, 0, 0, 0, deliveryTZ),
		time.Date(2026, 12, 21, 9, 30, 0, 0, deliveryTZ),
		time.Date(2027, 1, 11, 13, 0, 0, 0, deliveryTZ),
	} {
		c.Modules = append(c.Modules, content.CohortModule{Number: i + 1, Start: day, End: day.Add(4 * time.Hour),
			Location: fmt.Sprintf("Stadskantoor, zaal %d", i+3)})
	}
	return c
}

func plannedDelivery(c *content.Cohort, kind string, module int) content.Delivery {
	audience := content.AudienceParticipant
	switch kind {
	case "preparation", "reminder_day", "reminder_hour", "case_reveal":
		audience = content.AudienceChannel
	}
	return content.Delivery{Key: fmt.Sprintf("c%d/%s/m%d", c.ID, kind, module), Kind: kind, RuleID: kind, Module: module, Audience: audience}
}

type rendered struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

// seeded returns a fresh database with the cohort saved in it (its ID set), and the renderer reading from it.
func seededRenderer(t *testing.T, c *content.Cohort) (*store.DB, *handlers.Deliveries) {
	t.Helper()
	db := storetest.New(t)
	if _, err := db.SaveCohort(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return db, handlers.NewDeliveries(defaultCourse(t), db)
}

// markDone records a click of p.UserID at the given time.
func markDone(t *testing.T, db *store.DB, p store.Progress, at time.Time) {
	t.Helper()
	now := db.Now
	db.Now = func() time.Time { return at }
	defer func() { db.Now = now }()
	if _, _, err := db.MarkDone(context.Background(), p); err != nil {
		t.Fatal(err)
	}
}

// channelRow is a planned channel message of the cohort in the given state.
type channelRow struct {
	kind   string
	module int
	status string
}

// addRows stores channel deliveries of the cohort with their state, as the dispatcher leaves them.
func addRows(t *testing.T, db *store.DB, c *content.Cohort, rows ...channelRow) {
	t.Helper()
	for _, r := range rows {
		var ts any
		if r.status == store.StatusSent {
			ts = "1765000000.000100"
		}
		if _, err := db.ExecContext(context.Background(), `
			INSERT INTO deliveries (key, cohort_id, rule_id, kind, module, audience, due_at, status, ts)
			VALUES ($1, $2, $3, $3, $4, 'channel', $5, $6, $7)`,
			fmt.Sprintf("c%d/%s/m%d", c.ID, r.kind, r.module), c.ID, r.kind, r.module,
			time.Date(2026, 12, 1, 9, 0, 0, 0, deliveryTZ), r.status, ts); err != nil {
			t.Fatal(err)
		}
	}
}

// reveal is a case stage revealed in the channel; posted says whether its message went out.
type reveal struct {
	caseID, variant, stage string
	position, module       int
	posted                 bool
}

// addReveals stores case reveals of the cohort as /casus reveal leaves them.
func addReveals(t *testing.T, db *store.DB, c *content.Cohort, rs ...reveal) {
	t.Helper()
	for i, r := range rs {
		var ch, ts any
		if r.posted {
			ch, ts = c.Channel, fmt.Sprintf("1765000000.%06d", 300+i)
		}
		if _, err := db.ExecContext(context.Background(), `
			INSERT INTO case_reveals (cohort_id, case_id, variant, stage_id, position, module, revealed_by, revealed_at,
			                          channel_id, ts)
			VALUES ($1, $2, $3, $4, $5, $6, 'U0TRAINER1', $7, $8, $9)`,
			c.ID, r.caseID, r.variant, r.stage, r.position, r.module,
			time.Date(2026, 12, 7, 11, 0, i, 0, deliveryTZ), ch, ts); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	readAt := time.Date(2026, 12, 3, 20, 15, 0, 0, deliveryTZ)
	tests := []struct {
		name    string
		kind    string
		module  int
		lvb     string
		now     time.Time
		read    []string // readings U0ANNA marked read
		rows    []channelRow
		reveals []reveal
	}{
		{"welcome", "welcome", 1, "johanna", time.Time{}, nil, nil, nil},
		{"meter_reminder", "meter_reminder", 1, "johanna", time.Time{}, nil, nil, nil},
		{"preparation_m1", "preparation", 1, "johanna", time.Time{}, nil, nil, nil},
		{"preparation_m3", "preparation", 3, "johanna", time.Time{}, nil, nil, nil},
		{"preparation_checklist_m1", "preparation_checklist", 1, "johanna", time.Time{}, []string{"m1_gesprek_iv"}, nil, nil},
		{"reminder_day_m2", "reminder_day", 2, "johanna", time.Time{}, nil, nil, nil},
		{"reminder_hour_m1", "reminder_hour", 1, "johanna", time.Time{}, nil, nil, nil},
		{"homework_m1", "homework", 1, "johanna", time.Time{}, nil, nil, nil},
		{"homework_reminder_m2", "homework_reminder", 2, "johanna", time.Time{}, nil, nil, nil},
		{"eindmeting", "eindmeting", 4, "johanna", time.Time{}, nil, nil, nil},
		{"catch_up_before_start", handlers.KindCatchUp, 0, "johanna", time.Date(2026, 12, 3, 21, 0, 0, 0, deliveryTZ),
			[]string{"m1_gesprek_iv"}, []channelRow{{"preparation", 1, store.StatusSent}}, nil},
		{"catch_up_m2", handlers.KindCatchUp, 0, "emma", time.Date(2026, 12, 10, 10, 0, 0, 0, deliveryTZ), nil,
			[]channelRow{{"preparation", 1, store.StatusSent}, {"preparation", 2, store.StatusSent}},
			[]reveal{{"richard", "richard", "aanmelding", 0, 1, true}, {"emma", "emma", "aanmelding", 0, 1, true},
				{"emma", "emma", "gedrag", 1, 2, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fixedCohort(tt.lvb)
			db, d := seededRenderer(t, c)
			for _, id := range tt.read {
				markDone(t, db, store.Progress{CohortID: c.ID, UserID: "U0ANNA", Kind: store.ProgressReading, Item: id, Module: 1}, readAt)
			}
			addRows(t, db, c, tt.rows...)
			addReveals(t, db, c, tt.reveals...)
			if !tt.now.IsZero() {
				d.Now = func() time.Time { return tt.now }
			}
			recipient := "U0ANNA"
			del := plannedDelivery(c, tt.kind, tt.module)
			if del.Audience == content.AudienceChannel {
				recipient = ""
			}
			text, blocks, err := d.Render(context.Background(), c, del, recipient)
			if err != nil {
				t.Fatal(err)
			}
			checkBlockKit(t, blocks)
			golden(t, "delivery_"+tt.name+".json", rendered{Text: text, Blocks: blocks})
		})
	}
}

// checkBlockKit fails when Slack would refuse the blocks (the fake checks Slack's limits).
func checkBlockKit(t *testing.T, blocks []slack.Block) {
	t.Helper()
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	if errs := slackfake.ValidateMessageBlocks(raw); len(errs) > 0 {
		t.Errorf("Slack would refuse the message: %v", errs)
	}
}

// TestRenderEveryRule renders every delivery the default rules plan, for every case variant, and checks each
// against Slack's limits: the course content must fit whichever the trainer picks.
func TestRenderEveryRule(t *testing.T) {
	t.Parallel()
	crs := defaultCourse(t)
	for _, lvb := range []string{"johan", "johanna", "emma", "tom"} {
		c := fixedCohort(lvb)
		db, d := seededRenderer(t, c)
		addRows(t, db, c, channelRow{"preparation", 4, store.StatusSent})
		for _, v := range c.Cases {
			id := content.CaseForVariant(v)
			addReveals(t, db, c, reveal{id, v, "aanmelding", 0, 1, true}, reveal{id, v, "gedrag", 1, 2, true},
				reveal{id, v, "rol", 2, 3, true})
		}
		d.Now = func() time.Time { return time.Date(2027, 1, 6, 10, 0, 0, 0, deliveryTZ) }
		for _, r := range crs.Rules {
			for n := 1; n <= 4; n++ {
				if !r.AppliesTo(n) {
					continue
				}
				if r.Kind == "case_reveal" {
					continue // posted by Deliver through the casus reveal; TestDeliverCaseReveal
				}
				del := plannedDelivery(c, r.Kind, n)
				recipient := "U0ANNA"
				if r.Audience == content.AudienceChannel {
					recipient = ""
				}
				t.Run(fmt.Sprintf("%s/%s/m%d", lvb, r.ID, n), func(t *testing.T) {
					text, blocks, err := d.Render(context.Background(), c, del, recipient)
					if errors.Is(err, scheduler.ErrSkip) {
						return
					}
					if err != nil {
						t.Fatal(err)
					}
					if text == "" || len(blocks) == 0 {
						t.Fatalf("empty message: text %q, %d blocks", text, len(blocks))
					}
					checkBlockKit(t, blocks)
					raw, _ := json.Marshal(blocks)
					for _, leftover := range []string{"{naam}", "{module}", "{titel}", "{datum}", "{tijd}", "{plaats}", "{meenemen}", "{casus}", "{meting}"} {
						if strings.Contains(string(raw), leftover) {
							t.Errorf("placeholder %s left in the message", leftover)
						}
					}
				})
			}
		}
		t.Run(lvb+"/catch_up", func(t *testing.T) {
			_, blocks, err := d.Render(context.Background(), c, plannedDelivery(c, handlers.KindCatchUp, 0), "U0ANNA")
			if err != nil {
				t.Fatal(err)
			}
			checkBlockKit(t, blocks)
			raw, _ := json.Marshal(blocks)
			for _, want := range []string{"reading_done:0", "4/m4_royen", "Integraal werken", "Casus 3: Richard"} {
				if !strings.Contains(string(raw), want) {
					t.Errorf("catch-up lacks %q", want)
				}
			}
		})
	}
}

func TestRenderSkipsAndRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := fixedCohort("johan")
	db, d := seededRenderer(t, c)
	markDone(t, db, store.Progress{CohortID: c.ID, UserID: "U0DONE", Kind: store.ProgressHomework, Item: store.HomeworkItem(2), Module: 2},
		time.Date(2026, 12, 15, 9, 0, 0, 0, deliveryTZ))
	// U0DONE finished the voormeting, U0BUSY started it and stopped halfway.
	for user, finished := range map[string]any{"U0DONE": time.Date(2026, 12, 2, 20, 0, 0, 0, deliveryTZ), "U0BUSY": nil} {
		if _, err := db.ExecContext(ctx, `
			INSERT INTO meter_measurements (cohort_id, user_id, kind, started_at, finished_at, locked, updated_at)
			VALUES ($1, $2, 'voormeting', $3, $4, $5, $3)`,
			c.ID, user, time.Date(2026, 12, 2, 19, 0, 0, 0, deliveryTZ), finished, finished != nil); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name      string
		del       content.Delivery
		recipient string
		wantErr   error // nil: a message
		wantFail  bool  // any other error
	}{
		{"HomeworkReminderDone", plannedDelivery(c, "homework_reminder", 2), "U0DONE", scheduler.ErrSkip, false},
		{"HomeworkReminderOpen", plannedDelivery(c, "homework_reminder", 2), "U0OPEN", nil, false},
		{"HomeworkReminderOtherModule", plannedDelivery(c, "homework_reminder", 1), "U0DONE", nil, false},
		{"MeterReminderFinished", plannedDelivery(c, "meter_reminder", 1), "U0DONE", scheduler.ErrSkip, false},
		{"MeterReminderHalfway", plannedDelivery(c, "meter_reminder", 1), "U0BUSY", nil, false},
		{"MeterReminderNotStarted", plannedDelivery(c, "meter_reminder", 1), "U0OPEN", nil, false},
		{"UnknownKind", plannedDelivery(c, "poll", 1), "U0OPEN", nil, true},
		{"DMWithoutRecipient", plannedDelivery(c, "homework", 1), "", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, blocks, err := d.Render(ctx, c, tt.del, tt.recipient)
			switch {
			case tt.wantFail:
				if err == nil || errors.Is(err, scheduler.ErrSkip) {
					t.Fatalf("err = %v, want a failure", err)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if len(blocks) == 0 {
					t.Fatal("no blocks")
				}
			}
		})
	}
}

func TestDutchDateTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 12, 7, 9, 0, 0, 0, deliveryTZ), "maandag 7 december om 09:00"},
		{time.Date(2027, 1, 10, 23, 30, 0, 0, time.UTC), "maandag 11 januari om 00:30"},
		{time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), "zondag 29 maart om 03:30"}, // summer time began that night
		{time.Date(2026, 5, 2, 16, 5, 0, 0, deliveryTZ), "zaterdag 2 mei om 16:05"},
	}
	for _, tt := range tests {
		if got := handlers.DutchDateTime(tt.t, deliveryTZ); got != tt.want {
			t.Errorf("DutchDateTime(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestMeenemen(t *testing.T) {
	t.Parallel()
	crs := defaultCourse(t)
	tests := []struct {
		module int
		want   []string // titles that must be named
		exact  string   // the whole text, when set
	}{
		{1, []string{"De ‘route’ van het Gesprek in je gemeente"}, "wat je hebt voorbereid (_De ‘route’ van het Gesprek in je gemeente_)"},
		{9, nil, "je vragen en ervaringen uit de praktijk"}, // no such module: nothing prepared, the default
		{2, []string{"Informatie zoeken over de doelgroep", "Invullen van de competentiemeter"}, ""},
		{3, []string{"Aanpak van het tweede gesprek", "Verslag van het Gesprek"}, ""},
		{4, []string{"Je netwerk en de sociale kaart"}, ""},
	}
	for _, tt := range tests {
		got := handlers.Meenemen(crs, tt.module)
		if tt.exact != "" && got != tt.exact {
			t.Errorf("Meenemen(%d) = %q, want %q", tt.module, got, tt.exact)
		}
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("Meenemen(%d) = %q, want it to name %q", tt.module, got, w)
			}
		}
		if tt.module == 4 && strings.Count(got, "Je netwerk en de sociale kaart") != 1 {
			t.Errorf("Meenemen(4) = %q names the same task twice", got)
		}
	}
}

// TestDeliverCaseReveal: a case_reveal delivery is posted through Reveal (the casus engineer's AutoReveal, which
// records each stage), nothing else is; nothing due means ErrSkip.
func TestDeliverCaseReveal(t *testing.T) {
	t.Parallel()
	c := fixedCohort("johanna")
	c.ID = 7
	var calls []int
	var posted []handlers.AutoRevealed
	d := handlers.NewDeliveries(defaultCourse(t), nil)
	d.Reveal = func(_ context.Context, cohortID int64, afterModule int) ([]handlers.AutoRevealed, error) {
		if cohortID != 7 {
			t.Errorf("Reveal for cohort %d, want 7", cohortID)
		}
		calls = append(calls, afterModule)
		return posted, nil
	}
	ctx := context.Background()
	if _, _, handled, _ := d.Deliver(ctx, c, plannedDelivery(c, "homework", 1)); handled {
		t.Fatal("Deliver took a homework delivery; it is Render's")
	}
	if _, _, handled, err := d.Deliver(ctx, c, plannedDelivery(c, "case_reveal", 2)); !handled || !errors.Is(err, scheduler.ErrSkip) {
		t.Fatalf("nothing revealed: handled %v, err %v; want ErrSkip", handled, err)
	}
	posted = []handlers.AutoRevealed{{CaseID: "johan", StageID: "gedrag", Channel: "C0UTRECHT", TS: "1.2"}, {CaseID: "richard", StageID: "gedrag", Channel: "C0UTRECHT", TS: "1.3"}}
	ch, ts, handled, err := d.Deliver(ctx, c, plannedDelivery(c, "case_reveal", 2))
	if !handled || err != nil || ch != "C0UTRECHT" || ts != "1.2" {
		t.Fatalf("Deliver = %q %q %v %v; want the first stage's message", ch, ts, handled, err)
	}
	if len(calls) != 2 || calls[0] != 2 {
		t.Fatalf("Reveal called with %v, want after module 2 twice", calls)
	}
}
