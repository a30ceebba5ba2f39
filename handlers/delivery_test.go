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
	"github.com/gesprekbot/gesprekbot/store"
)

var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return loc
}()

func course(t testing.TB) *content.Course {
	t.Helper()
	c, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// utrecht is the fixed cohort of the golden files: modules on three Mondays in December 2026 and one in January.
func utrecht(lvb string) *content.Cohort {
	c := &content.Cohort{
		ID: 42, Name: "Utrecht najaar 2026", Channel: "C0UTRECHT", Timezone: "Europe/Amsterdam",
		Trainers: []string{"U0TRAINER1"}, Cases: []string{"richard", lvb},
		Settings: content.DefaultCohortSettings(),
	}
	for i, day := range []time.Time{
		time.Date(2026, 12, 7, 9, 0, 0, 0, amsterdam),
		time.Date(2026, 12, 14, 9, 0, 0, 0, amsterdam),
		time.Date(2026, 12, 21, 9, 30, 0, 0, amsterdam),
		time.Date(2027, 1, 11, 13, 0, 0, 0, amsterdam),
	} {
		c.Modules = append(c.Modules, content.CohortModule{Number: i + 1, Start: day, End: day.Add(4 * time.Hour),
			Location: fmt.Sprintf("Stadskantoor, zaal %d", i+3)})
	}
	return c
}

func delivery(kind string, module int) content.Delivery {
	audience := content.AudienceParticipant
	switch kind {
	case "preparation", "reminder_day", "reminder_hour", "case_reveal":
		audience = content.AudienceChannel
	}
	return content.Delivery{Key: fmt.Sprintf("c42/%s/m%d", kind, module), Kind: kind, RuleID: kind, Module: module, Audience: audience}
}

type rendered struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

// fixedProgress is a DeliveryStore for the pure rendering tests: no database, a participant's progress as given.
// Tests of what is stored use the real database (see the click and late-joiner tests).
type fixedProgress struct {
	progress   []store.Progress
	deliveries []store.Delivery
}

func (f fixedProgress) UserProgress(_ context.Context, cohortID int64, userID string) ([]store.Progress, error) {
	var out []store.Progress
	for _, p := range f.progress {
		if p.CohortID == cohortID && p.UserID == userID {
			out = append(out, p)
		}
	}
	return out, nil
}

func (f fixedProgress) Deliveries(context.Context, int64) ([]store.Delivery, error) {
	return f.deliveries, nil
}

func TestRenderGolden(t *testing.T) {
	read := store.Progress{CohortID: 42, UserID: "U0ANNA", Kind: store.ProgressReading, Item: "m1_gesprek_iv", Module: 1,
		DoneAt: time.Date(2026, 12, 3, 20, 15, 0, 0, amsterdam)}
	sent := func(kind string, module int) store.Delivery {
		return store.Delivery{Kind: kind, Module: module, Status: store.StatusSent, Audience: content.AudienceChannel}
	}
	tests := []struct {
		name   string
		kind   string
		module int
		lvb    string
		now    time.Time
		st     fixedProgress
	}{
		{"welcome", "welcome", 1, "johanna", time.Time{}, fixedProgress{}},
		{"meter_reminder", "meter_reminder", 1, "johanna", time.Time{}, fixedProgress{}},
		{"preparation_m1", "preparation", 1, "johanna", time.Time{}, fixedProgress{}},
		{"preparation_m3", "preparation", 3, "johanna", time.Time{}, fixedProgress{}},
		{"preparation_checklist_m1", "preparation_checklist", 1, "johanna", time.Time{}, fixedProgress{progress: []store.Progress{read}}},
		{"reminder_day_m2", "reminder_day", 2, "johanna", time.Time{}, fixedProgress{}},
		{"reminder_hour_m1", "reminder_hour", 1, "johanna", time.Time{}, fixedProgress{}},
		{"homework_m1", "homework", 1, "johanna", time.Time{}, fixedProgress{}},
		{"homework_reminder_m2", "homework_reminder", 2, "johanna", time.Time{}, fixedProgress{}},
		{"eindmeting", "eindmeting", 4, "johanna", time.Time{}, fixedProgress{}},
		{"case_reveal_m1", "case_reveal", 1, "johanna", time.Time{}, fixedProgress{}},
		{"case_reveal_m2_tom", "case_reveal", 2, "tom", time.Time{}, fixedProgress{}},
		{"catch_up_before_start", handlers.KindCatchUp, 0, "johanna", time.Date(2026, 12, 3, 10, 0, 0, 0, amsterdam),
			fixedProgress{progress: []store.Progress{read}, deliveries: []store.Delivery{sent("preparation", 1)}}},
		{"catch_up_m2", handlers.KindCatchUp, 0, "emma", time.Date(2026, 12, 10, 10, 0, 0, 0, amsterdam),
			fixedProgress{deliveries: []store.Delivery{sent("preparation", 1), sent("case_reveal", 1), sent("preparation", 2),
				{Kind: "case_reveal", Module: 2, Status: store.StatusPending}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := handlers.NewDeliveries(course(t), tt.st)
			if !tt.now.IsZero() {
				d.Now = func() time.Time { return tt.now }
			}
			recipient := "U0ANNA"
			del := delivery(tt.kind, tt.module)
			if del.Audience == content.AudienceChannel {
				recipient = ""
			}
			text, blocks, err := d.Render(context.Background(), utrecht(tt.lvb), del, recipient)
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
	crs := course(t)
	for _, lvb := range []string{"johan", "johanna", "emma", "tom"} {
		c := utrecht(lvb)
		d := handlers.NewDeliveries(crs, fixedProgress{deliveries: []store.Delivery{
			{Kind: "preparation", Module: 4, Status: store.StatusSent},
			{Kind: "case_reveal", Module: 1, Status: store.StatusSent},
			{Kind: "case_reveal", Module: 2, Status: store.StatusSent},
			{Kind: "case_reveal", Module: 3, Status: store.StatusSent},
		}})
		d.Now = func() time.Time { return time.Date(2027, 1, 6, 10, 0, 0, 0, amsterdam) }
		for _, r := range crs.Rules {
			for n := 1; n <= 4; n++ {
				if !r.AppliesTo(n) {
					continue
				}
				del := delivery(r.Kind, n)
				recipient := "U0ANNA"
				if r.Audience == content.AudienceChannel {
					recipient = ""
				}
				t.Run(fmt.Sprintf("%s/%s/m%d", lvb, r.ID, n), func(t *testing.T) {
					text, blocks, err := d.Render(context.Background(), c, del, recipient)
					if errors.Is(err, handlers.ErrSkip) {
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
			_, blocks, err := d.Render(context.Background(), c, delivery(handlers.KindCatchUp, 0), "U0ANNA")
			if err != nil {
				t.Fatal(err)
			}
			checkBlockKit(t, blocks)
		})
	}
}

func TestRenderSkipsAndRefuses(t *testing.T) {
	crs := course(t)
	done := store.Progress{CohortID: 42, UserID: "U0DONE", Kind: store.ProgressHomework, Item: store.HomeworkItem(2), Module: 2,
		DoneAt: time.Date(2026, 12, 15, 9, 0, 0, 0, amsterdam)}
	d := handlers.NewDeliveries(crs, fixedProgress{progress: []store.Progress{done}})
	ctx := context.Background()
	c := utrecht("johan")

	tests := []struct {
		name      string
		del       content.Delivery
		recipient string
		wantErr   error // nil: a message
		wantFail  bool  // any other error
	}{
		{"HomeworkReminderDone", delivery("homework_reminder", 2), "U0DONE", handlers.ErrSkip, false},
		{"HomeworkReminderOpen", delivery("homework_reminder", 2), "U0OPEN", nil, false},
		{"HomeworkReminderOtherModule", delivery("homework_reminder", 1), "U0DONE", nil, false},
		// Until the competentiemeter keeps answers nobody has done the voormeting: everyone is reminded.
		{"MeterReminderEveryone", delivery("meter_reminder", 1), "U0DONE", nil, false},
		{"CaseRevealOnlyRoleCardsInModule3", delivery("case_reveal", 3), "", handlers.ErrSkip, false},
		{"UnknownKind", delivery("poll", 1), "U0OPEN", nil, true},
		{"DMWithoutRecipient", delivery("homework", 1), "", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, blocks, err := d.Render(ctx, c, tt.del, tt.recipient)
			switch {
			case tt.wantFail:
				if err == nil || errors.Is(err, handlers.ErrSkip) {
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
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 12, 7, 9, 0, 0, 0, amsterdam), "maandag 7 december om 09:00"},
		{time.Date(2027, 1, 10, 23, 30, 0, 0, time.UTC), "maandag 11 januari om 00:30"},
		{time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), "zondag 29 maart om 03:30"}, // summer time began that night
		{time.Date(2026, 5, 2, 16, 5, 0, 0, amsterdam), "zaterdag 2 mei om 16:05"},
	}
	for _, tt := range tests {
		if got := handlers.DutchDateTime(tt.t, amsterdam); got != tt.want {
			t.Errorf("DutchDateTime(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestMeenemen(t *testing.T) {
	crs := course(t)
	tests := []struct {
		module int
		want   []string // titles that must be named
	}{
		{1, []string{"De ‘route’ van het Gesprek in uw gemeente"}},
		{2, []string{"Informatie zoeken over de doelgroep", "Invullen van de competentiemeter"}},
		{4, []string{"Je netwerk en de sociale kaart", "Bestudeer: Interprofessionele samenwerking"}},
	}
	for _, tt := range tests {
		got := handlers.Meenemen(crs, tt.module)
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
