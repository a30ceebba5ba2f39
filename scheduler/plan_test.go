package scheduler_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// exampleCohort is the example cohort file, completed with modules 3 and 4.
const exampleCohort = `name: Utrecht najaar 2026
channel: "#het-gesprek-utrecht"
timezone: Europe/Amsterdam
trainers: [U0TRAINER1]
cases: [richard, johanna]
modules:
  - {number: 1, start: 2026-12-07T09:00, end: 2026-12-07T13:00, location: "Stadskantoor, zaal 3"}
  - {number: 2, start: 2026-12-14T09:00, end: 2026-12-14T13:00, location: "Stadskantoor, zaal 3"}
  - {number: 3, start: 2027-01-11T09:00, end: 2027-01-11T13:00, location: "Stadskantoor, zaal 3"}
  - {number: 4, start: 2027-01-18T09:00, end: 2027-01-18T13:00, location: "Stadskantoor, zaal 3"}
`

// testRules are fixed rules like the default ones, so that these tests do not change when a trainer edits the
// course's rules.
var testRules = []content.Rule{
	{ID: "welcome", Kind: "welcome", Title: "Welkom", Modules: []int{1}, Anchor: "module_start", Days: -7, At: "09:00",
		Audience: "participants", Deadline: "module_start"},
	{ID: "preparation", Kind: "preparation", Title: "Voorbereiding module {module}", Anchor: "module_start", Days: -5,
		At: "09:00", Audience: "channel", Deadline: "module_start"},
	{ID: "reminder_day", Kind: "reminder_day", Title: "Herinnering", Anchor: "module_start", Days: -1, At: "16:00",
		Audience: "channel", Deadline: "module_start"},
	{ID: "reminder_hour", Kind: "reminder_hour", Title: "Over een uur", Anchor: "module_start",
		Offset: content.Duration(-time.Hour), Audience: "channel", Deadline: "module_start"},
	{ID: "homework", Kind: "homework", Title: "Huiswerk", Anchor: "module_end", At: "17:00", Audience: "participants",
		Deadline: "next_module_start"},
	{ID: "homework_reminder", Kind: "homework_reminder", Title: "Herinnering huiswerk", Modules: []int{1, 2, 3},
		Anchor: "next_module_start", Days: -2, At: "09:00", Audience: "participants", Deadline: "next_module_start",
		OnlyPending: true},
	{ID: "case_reveal", Kind: "case_reveal", Title: "Casus", Modules: []int{1, 2, 3}, Anchor: "module_end", Days: 1,
		At: "10:00", Audience: "channel", Deadline: "next_module_start", Requires: "auto_reveal"},
	{ID: "eindmeting", Kind: "eindmeting", Title: "Eindmeting", Modules: []int{4}, Anchor: "module_end", At: "17:00",
		Audience: "participants", Deadline: "none"},
}

func parseCohort(t *testing.T, src string) *content.Cohort {
	t.Helper()
	c, err := content.ParseCohort([]byte(src), "cohort.yaml")
	if err != nil {
		t.Fatalf("ParseCohort: %v", err)
	}
	return c
}

// cohortAt returns a valid cohort whose four modules start at the given local times and last four hours.
func cohortAt(t *testing.T, starts ...time.Time) *content.Cohort {
	t.Helper()
	c := &content.Cohort{Name: "Test", Channel: "C0TEST", Timezone: "Europe/Amsterdam", Trainers: []string{"U0T"},
		Cases: []string{"richard", "emma"}, Settings: content.DefaultCohortSettings()}
	for i, s := range starts {
		c.Modules = append(c.Modules, content.CohortModule{Number: i + 1, Start: s, End: s.Add(4 * time.Hour), Location: "Zaal"})
	}
	if err := c.Validate(time.Time{}, true); err != nil {
		t.Fatalf("cohort: %v", err)
	}
	return c
}

func plan(t *testing.T, c *content.Cohort, rules []content.Rule) []content.Delivery {
	t.Helper()
	cal, err := scheduler.NewCalendar(c)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := scheduler.Plan(c, rules, cal)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	checkInvariants(t, ds)
	return ds
}

// checkInvariants checks what must hold for every plan: unique keys, due before deadline, in order.
func checkInvariants(t *testing.T, ds []content.Delivery) {
	t.Helper()
	keys := map[string]bool{}
	for i, d := range ds {
		if keys[d.Key] {
			t.Errorf("key %s planned twice", d.Key)
		}
		keys[d.Key] = true
		if d.Deadline != nil && !d.DueAt.Before(*d.Deadline) {
			t.Errorf("%s: due %v not before its deadline %v", d.Key, d.DueAt, *d.Deadline)
		}
		if i > 0 && d.DueAt.Before(ds[i-1].DueAt) {
			t.Errorf("%s out of order", d.Key)
		}
		if d.Recipient != "" {
			t.Errorf("%s: planned with recipient %q, want one row for the dispatcher to fan out", d.Key, d.Recipient)
		}
	}
}

func find(t *testing.T, ds []content.Delivery, key string) content.Delivery {
	t.Helper()
	for _, d := range ds {
		if d.Key == key {
			return d
		}
	}
	t.Fatalf("no delivery %s", key)
	return content.Delivery{}
}

func TestPlanExample(t *testing.T) {
	t.Parallel()
	c := parseCohort(t, exampleCohort)
	ds := plan(t, c, testRules)
	// 1 welcome + 4 preparation + 4 reminder_day + 4 reminder_hour + 4 homework + 3 homework_reminder
	// + 3 case_reveal + 1 eindmeting
	if len(ds) != 24 {
		t.Errorf("%d deliveries, want 24", len(ds))
	}
	tests := []struct {
		key, due, deadline, title, audience, note string
	}{
		{"utrecht-najaar-2026/welcome/m1", "2026-11-30T09:00:00+01:00", "2026-12-07T09:00:00+01:00", "Welkom", "participants", ""},
		{"utrecht-najaar-2026/preparation/m2", "2026-12-09T09:00:00+01:00", "2026-12-14T09:00:00+01:00", "Voorbereiding module 2", "channel", ""},
		{"utrecht-najaar-2026/reminder_day/m3", "2027-01-10T16:00:00+01:00", "2027-01-11T09:00:00+01:00", "Herinnering", "channel", ""},
		{"utrecht-najaar-2026/reminder_hour/m4", "2027-01-18T08:00:00+01:00", "2027-01-18T09:00:00+01:00", "Over een uur", "channel", ""},
		{"utrecht-najaar-2026/homework/m4", "2027-01-18T17:00:00+01:00", "", "Huiswerk", "participants", ""},
		// Two days before module 2 is Saturday 12 December: a DM moves to Monday, which is module 2 itself, so it
		// goes out on Friday instead.
		{"utrecht-najaar-2026/homework_reminder/m1", "2026-12-11T09:00:00+01:00", "2026-12-14T09:00:00+01:00", "Herinnering huiswerk", "participants", "vervroegd: weekend"},
		{"utrecht-najaar-2026/case_reveal/m2", "2026-12-15T10:00:00+01:00", "2027-01-11T09:00:00+01:00", "Casus", "channel", ""},
		{"utrecht-najaar-2026/eindmeting/m4", "2027-01-18T17:00:00+01:00", "", "Eindmeting", "participants", ""},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			d := find(t, ds, tt.key)
			if got := d.DueAt.Format(time.RFC3339); got != tt.due {
				t.Errorf("due = %s, want %s", got, tt.due)
			}
			got := ""
			if d.Deadline != nil {
				got = d.Deadline.Format(time.RFC3339)
			}
			if got != tt.deadline {
				t.Errorf("deadline = %s, want %s", got, tt.deadline)
			}
			if d.Title != tt.title || d.Audience != tt.audience || d.Note != tt.note {
				t.Errorf("title, audience, note = %q %q %q, want %q %q %q", d.Title, d.Audience, d.Note, tt.title, tt.audience, tt.note)
			}
		})
	}
}

func TestPlanKeys(t *testing.T) {
	t.Parallel()
	c := parseCohort(t, exampleCohort)
	c.ID = 42
	ds := plan(t, c, testRules)
	c.Name = "Utrecht voorjaar 2027"
	renamed := plan(t, c, testRules)
	for i := range ds {
		if !strings.HasPrefix(ds[i].Key, "c42/") {
			t.Errorf("key %s, want the cohort's id as its first part", ds[i].Key)
		}
		if ds[i].Key != renamed[i].Key {
			t.Errorf("renaming changed key %s to %s", ds[i].Key, renamed[i].Key)
		}
	}
	if got := scheduler.DeliveryKey("c42", "homework", 3); got != "c42/homework/m3" {
		t.Errorf("DeliveryKey = %s", got)
	}
}

func TestPlanAutoRevealOff(t *testing.T) {
	t.Parallel()
	c := parseCohort(t, exampleCohort+"auto_reveal: false\n")
	for _, d := range plan(t, c, testRules) {
		if d.Kind == "case_reveal" {
			t.Errorf("%s planned with auto_reveal off", d.Key)
		}
	}
}

// TestPlanDST plans a course across the changes to and from summer time: every rule keeps its local time, none is
// skipped or doubled, and "one hour before" is one real hour.
func TestPlanDST(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		starts []time.Time
	}{
		// Module 2 on the Monday after the change to summer time, 29 March 2026.
		{"Spring2026", []time.Time{at(2026, 3, 23, 9, 0), at(2026, 3, 30, 9, 0), at(2026, 4, 13, 9, 0), at(2026, 4, 20, 9, 0)}},
		// The change back to winter time, 25 October 2026, falls between modules 1 and 2.
		{"Autumn2026", []time.Time{at(2026, 10, 21, 13, 0), at(2026, 10, 28, 13, 0), at(2026, 11, 4, 13, 0), at(2026, 11, 11, 13, 0)}},
		// A module on the Tuesday after summer time starts on Easter Sunday 2027.
		{"Spring2027", []time.Time{at(2027, 3, 23, 10, 0), at(2027, 3, 30, 10, 0), at(2027, 4, 6, 10, 0), at(2027, 4, 13, 10, 0)}},
		// Module 3 on the Monday after 31 October 2027.
		{"Autumn2027", []time.Time{at(2027, 10, 18, 9, 30), at(2027, 10, 25, 9, 30), at(2027, 11, 1, 9, 30), at(2027, 11, 8, 9, 30)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cohortAt(t, tt.starts...)
			ds := plan(t, c, testRules)
			if len(ds) != 24 {
				t.Errorf("%d deliveries, want 24", len(ds))
			}
			for _, d := range ds {
				l := d.DueAt.In(amsterdam)
				m, _ := c.Module(d.Module)
				switch d.RuleID {
				case "preparation":
					want := m.Start.In(amsterdam).AddDate(0, 0, -5)
					if l.Hour() != 9 || l.Minute() != 0 || l.Day() != want.Day() {
						t.Errorf("%s due %v, want 09:00 local five days before", d.Key, l)
					}
				case "reminder_day":
					if l.Hour() != 16 {
						t.Errorf("%s due %v, want 16:00 local", d.Key, l)
					}
				case "reminder_hour":
					if got := m.Start.Sub(d.DueAt); got != time.Hour {
						t.Errorf("%s due %v before the start, want one hour", d.Key, got)
					}
				case "welcome", "homework_reminder":
					if l.Hour() != 9 || l.Minute() != 0 {
						t.Errorf("%s due %v, want 09:00 local", d.Key, l)
					}
				}
			}
		})
	}
}

func TestPlanDaysWithoutAt(t *testing.T) {
	t.Parallel()
	// "a week before, at the module's own time": across the change to summer time it stays 09:00 local (167 real hours).
	c := cohortAt(t, at(2026, 4, 1, 9, 0), at(2026, 4, 8, 9, 0), at(2026, 4, 15, 9, 0), at(2026, 4, 22, 9, 0))
	rules := []content.Rule{{ID: "week", Kind: "preparation", Title: "Week", Modules: []int{1}, Anchor: "module_start",
		Days: -7, Audience: "channel", Deadline: "module_start"}}
	ds := plan(t, c, rules)
	if len(ds) != 1 {
		t.Fatalf("%d deliveries", len(ds))
	}
	if want := at(2026, 3, 25, 9, 0); !ds[0].DueAt.Equal(want) {
		t.Errorf("due %v, want %v", ds[0].DueAt, want)
	}
}

func TestPlanHolidayShift(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		starts []time.Time
		key    string
		due    time.Time
		note   string
	}{
		// Module 2 on Monday 28 December 2026: its homework reminder (Saturday 26th, Tweede Kerstdag) cannot wait
		// until the module, so it goes out on Thursday 24 December.
		{"TweedeKerstdag", []time.Time{at(2026, 12, 14, 9, 0), at(2026, 12, 28, 9, 0), at(2027, 1, 11, 9, 0), at(2027, 1, 18, 9, 0)},
			"test/homework_reminder/m1", at(2026, 12, 24, 9, 0), "vervroegd: Tweede Kerstdag"},
		// Module 1 on Monday 4 May 2026: its welcome a week before falls on Koningsdag (27 April) and moves a day.
		{"Koningsdag", []time.Time{at(2026, 5, 4, 9, 0), at(2026, 5, 11, 9, 0), at(2026, 5, 18, 9, 0), at(2026, 6, 1, 9, 0)},
			"test/welcome/m1", at(2026, 4, 28, 9, 0), "verschoven: Koningsdag"},
		// Module 1 on Wednesday 5 May 2027 (Bevrijdingsdag): its homework skips that day and Hemelvaartsdag
		// (Thursday 6 May) and goes out on Friday at 09:00.
		{"BevrijdingsdagHemelvaart", []time.Time{at(2027, 5, 5, 9, 0), at(2027, 5, 19, 9, 0), at(2027, 6, 2, 9, 0), at(2027, 6, 16, 9, 0)},
			"test/homework/m1", at(2027, 5, 7, 9, 0), "verschoven: Bevrijdingsdag"},
		// Module 2 on Monday 14 December at 09:30: its homework reminder (Saturday) would reach people half an hour
		// before the module if it waited for the weekend to end, so it goes out on Friday instead.
		{"WeekendBeforeMorningModule", []time.Time{at(2026, 12, 7, 9, 30), at(2026, 12, 14, 9, 30), at(2027, 1, 11, 9, 30), at(2027, 1, 18, 9, 30)},
			"test/homework_reminder/m1", at(2026, 12, 11, 9, 0), "vervroegd: weekend"},
		// A course on Saturdays: the homework of module 2 at 17:00 goes out on Monday at 09:00.
		{"Weekend", []time.Time{at(2026, 12, 5, 9, 0), at(2026, 12, 12, 9, 0), at(2027, 1, 9, 9, 0), at(2027, 1, 16, 9, 0)},
			"test/homework/m2", at(2026, 12, 14, 9, 0), "verschoven: weekend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := plan(t, cohortAt(t, tt.starts...), testRules)
			d := find(t, ds, tt.key)
			if !d.DueAt.Equal(tt.due) || d.Note != tt.note {
				t.Errorf("due %v (%q), want %v (%q)", d.DueAt, d.Note, tt.due, tt.note)
			}
		})
	}
}

func TestPlanHolidaysOff(t *testing.T) {
	t.Parallel()
	c := cohortAt(t, at(2026, 5, 4, 9, 0), at(2026, 5, 11, 9, 0), at(2026, 5, 18, 9, 0), at(2026, 6, 1, 9, 0))
	c.Settings.Holidays = false
	d := find(t, plan(t, c, testRules), "test/welcome/m1")
	if want := at(2026, 4, 27, 9, 0); !d.DueAt.Equal(want) || d.Note != "" {
		t.Errorf("due %v (%q), want %v on Koningsdag with holidays off", d.DueAt, d.Note, want)
	}
}

func TestPlanUrgentAndChannelIgnoreCalendar(t *testing.T) {
	t.Parallel()
	c := cohortAt(t, at(2026, 12, 7, 9, 0), at(2026, 12, 14, 9, 0), at(2027, 1, 11, 9, 0), at(2027, 1, 18, 9, 0))
	rules := []content.Rule{
		{ID: "urgent", Kind: "reminder_hour", Title: "Nu", Modules: []int{1}, Anchor: "module_start", Days: -2,
			At: "22:00", Audience: "participants", Deadline: "module_start", Urgent: true},
		{ID: "channel", Kind: "reminder_day", Title: "Kanaal", Modules: []int{1}, Anchor: "module_start", Days: -2,
			At: "10:00", Audience: "channel", Deadline: "module_start"},
		{ID: "trainers", Kind: "reminder_day", Title: "Trainers", Modules: []int{1}, Anchor: "module_start", Days: -2,
			At: "10:00", Audience: "trainers", Deadline: "module_start"},
	}
	ds := plan(t, c, rules)
	tests := []struct {
		key string
		due time.Time
	}{
		{"test/urgent/m1", at(2026, 12, 5, 22, 0)},
		{"test/channel/m1", at(2026, 12, 5, 10, 0)},
		{"test/trainers/m1", at(2026, 12, 4, 10, 0)}, // a DM to trainers on Saturday goes out on Friday
	}
	for _, tt := range tests {
		if d := find(t, ds, tt.key); !d.DueAt.Equal(tt.due) {
			t.Errorf("%s due %v, want %v", tt.key, d.DueAt, tt.due)
		}
	}
}

// TestPlanPreparationOnAWorkingDay plans the course's own rules for modules on Thursdays and Fridays: five days
// before is a Saturday or Sunday, so the preparation in the channel and its checklist DM go out on the Friday
// before, at their own time; a Monday module's preparation stays on its Wednesday. The reminders the day before and
// an hour before keep their time, and a preparation that would fall on a holiday moves to the working day before.
func TestPlanPreparationOnAWorkingDay(t *testing.T) {
	t.Parallel()
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	// Module 1 on Thursday 10 December, 2 on Friday 18 December, 3 on Monday 11 January, 4 on Thursday 1 April.
	c := cohortAt(t, at(2026, 12, 10, 9, 0), at(2026, 12, 18, 9, 0), at(2027, 1, 11, 9, 0), at(2027, 4, 1, 9, 0))
	ds := plan(t, c, course.Rules)
	tests := []struct {
		key  string
		due  time.Time
		note string
	}{
		{"test/preparation/m1", at(2026, 12, 4, 9, 0), "vervroegd: weekend"},           // Saturday 5 → Friday 4
		{"test/preparation_checklist/m1", at(2026, 12, 4, 9, 0), "vervroegd: weekend"}, // with it
		{"test/preparation/m2", at(2026, 12, 11, 9, 0), "vervroegd: weekend"},          // Sunday 13 → Friday 11
		{"test/preparation/m3", at(2027, 1, 6, 9, 0), ""},                              // a Wednesday
		{"test/preparation/m4", at(2027, 3, 26, 9, 0), "vervroegd: weekend"},           // Saturday 27 March
		{"test/reminder_day/m1", at(2026, 12, 9, 16, 0), ""},                           // keeps its time
		{"test/reminder_hour/m1", at(2026, 12, 10, 8, 0), ""},                          // keeps its time
		{"test/reminder_day/m2", at(2026, 12, 17, 16, 0), ""},
	}
	for _, tt := range tests {
		d := find(t, ds, tt.key)
		if !d.DueAt.Equal(tt.due) || d.Note != tt.note {
			t.Errorf("%s due %s (%q), want %s (%q)", tt.key, d.DueAt.Format("Mon 2006-01-02 15:04"), d.Note,
				tt.due.Format("Mon 2006-01-02 15:04"), tt.note)
		}
	}
	if d := find(t, ds, "test/preparation/m1"); !d.FollowsCalendar {
		t.Error("the preparation in the channel does not follow the calendar at sending time")
	}
	if d := find(t, ds, "test/reminder_day/m1"); d.FollowsCalendar {
		t.Error("the reminder the day before follows the calendar; it must keep its time")
	}

	// Tweede Paasdag, Monday 29 March 2027: a module on Saturday 3 April has its preparation on Monday 29 March,
	// a holiday; it goes out on the Friday before, Goede Vrijdag, which is a working day for the course.
	c = cohortAt(t, at(2026, 12, 10, 9, 0), at(2026, 12, 18, 9, 0), at(2027, 1, 11, 9, 0), at(2027, 4, 3, 9, 0))
	if d := find(t, plan(t, c, course.Rules), "test/preparation/m4"); !d.DueAt.Equal(at(2027, 3, 26, 9, 0)) ||
		d.Note != "vervroegd: Tweede Paasdag" {
		t.Errorf("preparation before a module after Easter due %s (%q), want Friday 26 March 09:00",
			d.DueAt.Format("Mon 2006-01-02 15:04"), d.Note)
	}
}

func TestPlanModulesClose(t *testing.T) {
	t.Parallel()
	// Modules on consecutive days: "two days before the next module" is before its own module even started, and
	// reminder_day for module 2 (16:00 the day before) is after module 1; nothing is planned after its deadline.
	c := cohortAt(t, at(2026, 12, 7, 9, 0), at(2026, 12, 8, 9, 0), at(2026, 12, 9, 9, 0), at(2026, 12, 10, 9, 0))
	plan(t, c, testRules)
	rules := []content.Rule{{ID: "late", Kind: "reminder_day", Title: "Te laat", Anchor: "module_start", Days: 1,
		At: "09:00", Audience: "channel", Deadline: "module_start"}}
	if ds := plan(t, c, rules); len(ds) != 0 {
		t.Errorf("planned %d deliveries after their deadline", len(ds))
	}
}

func TestPlanErrors(t *testing.T) {
	t.Parallel()
	c := parseCohort(t, exampleCohort)
	cal, _ := scheduler.NewCalendar(c)
	tests := []struct {
		name string
		rule content.Rule
		msg  string
	}{
		{"BadAnchor", content.Rule{ID: "x", Anchor: "module_middle", Audience: "channel"}, "unknown moment"},
		{"BadAt", content.Rule{ID: "x", Anchor: "module_start", At: "9 uur", Audience: "channel"}, "not a time"},
		{"BadRequires", content.Rule{ID: "x", Anchor: "module_start", Requires: "moon", Audience: "channel"}, "unknown setting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scheduler.Plan(c, []content.Rule{tt.rule}, cal)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Plan = %v, want error containing %q", err, tt.msg)
			}
		})
	}
	if _, err := scheduler.Plan(c, []content.Rule{testRules[0], testRules[0]}, cal); err == nil {
		t.Error("Plan with a duplicate rule id succeeded")
	}
}

// TestPlanDefaultGolden plans the example cohort with the course's own rules and compares the timeline
// with testdata/example-plan.json (go test ./scheduler -run Golden -update rewrites it).
func TestPlanDefaultGolden(t *testing.T) {
	t.Parallel()
	course, err := content.Default()
	if err != nil {
		t.Fatalf("content.Default: %v", err)
	}
	c := parseCohort(t, exampleCohort)
	ds := plan(t, c, course.Rules)
	// Every rule of the course has its deliveries for this cohort (auto_reveal is on by default).
	perRule := map[string]int{}
	for _, d := range ds {
		perRule[d.RuleID]++
	}
	for _, r := range course.Rules {
		want := 0
		for n := 1; n <= 4; n++ {
			if r.AppliesTo(n) && (r.Anchor != "next_module_start" && r.Deadline != "next_module_start" || n < 4) {
				want++
			}
		}
		if perRule[r.ID] != want {
			t.Errorf("rule %s: %d deliveries, want %d", r.ID, perRule[r.ID], want)
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(ds); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "example-plan.json")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wantJSON, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), wantJSON) {
		t.Errorf("plan differs from %s (run with -update after checking):\n%s", golden, diffLines(string(wantJSON), buf.String()))
	}
}

func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %s\n  got  %s\n", i+1, wl, gl)
		}
	}
	return b.String()
}
