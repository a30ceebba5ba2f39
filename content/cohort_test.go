package content_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
)

// validCohort is the example cohort file, completed with modules 3 and 4.
const validCohort = `name: Utrecht najaar 2026
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

func TestParseCohort(t *testing.T) {
	t.Parallel()
	c, err := content.ParseCohort([]byte(validCohort), "utrecht.yaml")
	if err != nil {
		t.Fatalf("ParseCohort: %v", err)
	}
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	if c.Name != "Utrecht najaar 2026" || c.Channel != "#het-gesprek-utrecht" || c.Timezone != "Europe/Amsterdam" {
		t.Errorf("name/channel/timezone = %q %q %q", c.Name, c.Channel, c.Timezone)
	}
	if len(c.Modules) != 4 {
		t.Fatalf("modules = %d, want 4", len(c.Modules))
	}
	want := time.Date(2026, 12, 7, 9, 0, 0, 0, ams)
	if !c.Modules[0].Start.Equal(want) {
		t.Errorf("module 1 start = %v, want %v", c.Modules[0].Start, want)
	}
	if got := c.Modules[0].Start.UTC().Hour(); got != 8 {
		t.Errorf("module 1 start hour in UTC = %d, want 8 (09:00 CET)", got)
	}
	if c.Modules[2].Location != "Stadskantoor, zaal 3" {
		t.Errorf("module 3 location = %q", c.Modules[2].Location)
	}
	if c.Settings != content.DefaultCohortSettings() {
		t.Errorf("settings = %+v, want defaults", c.Settings)
	}
	if c.LVBCase() != "johanna" {
		t.Errorf("LVBCase = %q", c.LVBCase())
	}
	if c.Slug() != "utrecht-najaar-2026" {
		t.Errorf("Slug = %q", c.Slug())
	}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	if err := c.Validate(now, false); err != nil {
		t.Errorf("Validate before the course: %v", err)
	}
}

func TestParseCohortCaseSpelling(t *testing.T) {
	t.Parallel()
	c, err := content.ParseCohort([]byte(strings.Replace(validCohort, "[richard, johanna]", "[Richard, \" Tom\"]", 1)), "c.yaml")
	if err != nil {
		t.Fatalf("ParseCohort: %v", err)
	}
	if strings.Join(c.Cases, ",") != "richard,tom" || c.LVBCase() != "tom" {
		t.Errorf("cases = %q, LVBCase = %q", c.Cases, c.LVBCase())
	}
}

func TestParseCohortOverrides(t *testing.T) {
	t.Parallel()
	src := validCohort + "quiet_hours: \"22:00-07:30\"\nholidays: false\nauto_reveal: false\n"
	c, err := content.ParseCohort([]byte(src), "c.yaml")
	if err != nil {
		t.Fatalf("ParseCohort: %v", err)
	}
	want := content.CohortSettings{QuietHours: "22:00-07:30", Holidays: false, AutoReveal: false}
	if c.Settings != want {
		t.Errorf("settings = %+v, want %+v", c.Settings, want)
	}
}

func TestParseCohortErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(string) string
		field string
		line  int
		msg   string
	}{
		{"MissingName", func(s string) string { return strings.Replace(s, "name: Utrecht najaar 2026", "name: \"\"", 1) },
			"name", 1, "required"},
		{"BadChannel", func(s string) string { return strings.Replace(s, `"#het-gesprek-utrecht"`, "het gesprek", 1) },
			"channel", 2, "not a channel ID"},
		{"ChannelID", func(s string) string { return strings.Replace(s, `"#het-gesprek-utrecht"`, "c0123", 1) },
			"channel", 2, "not a channel ID"},
		{"BadTimezone", func(s string) string { return strings.Replace(s, "Europe/Amsterdam", "Europe/Utrecht", 1) },
			"timezone", 3, "not a time zone"},
		{"BadTrainer", func(s string) string { return strings.Replace(s, "[U0TRAINER1]", "[U0TRAINER1, jan]", 1) },
			"trainers[1]", 4, "not a Slack user ID"},
		{"NoTrainers", func(s string) string { return strings.Replace(s, "[U0TRAINER1]", "[]", 1) },
			"trainers", 4, "at least one trainer"},
		{"DuplicateTrainer", func(s string) string { return strings.Replace(s, "[U0TRAINER1]", "[U0TRAINER1, U0TRAINER1]", 1) },
			"trainers[1]", 4, "listed twice"},
		{"UnknownCase", func(s string) string { return strings.Replace(s, "johanna", "piet", 1) },
			"cases[1]", 5, "unknown case \"piet\""},
		{"TwoLVBCases", func(s string) string { return strings.Replace(s, "[richard, johanna]", "[richard, johanna, tom]", 1) },
			"cases[2]", 5, "only one LVB case"},
		{"NoRichard", func(s string) string { return strings.Replace(s, "[richard, johanna]", "[emma]", 1) },
			"cases", 5, "richard is missing"},
		{"NoLVB", func(s string) string { return strings.Replace(s, "[richard, johanna]", "[richard]", 1) },
			"cases", 5, "an LVB case is missing"},
		{"ModuleMissing", func(s string) string { return cutLine(s, "number: 3") },
			"modules", 6, "module 3 is missing"},
		{"NoModules", func(s string) string {
			return cutLine(cutLine(cutLine(cutLine(cutLine(s, "number: 1"), "number: 2"), "number: 3"), "number: 4"), "modules:")
		},
			"modules", 0, "required: modules 1, 2, 3 and 4"},
		{"OutOfOrderNumbers", func(s string) string {
			s = strings.Replace(s, "number: 1,", "number: X,", 1)
			s = strings.Replace(s, "number: 2,", "number: 1,", 1)
			return strings.Replace(s, "number: X,", "number: 2,", 1)
		}, "modules[0].number", 7, "out of order"},
		{"OutOfOrderDates", func(s string) string {
			return strings.Replace(s, "start: 2026-12-14T09:00, end: 2026-12-14T13:00", "start: 2026-12-01T09:00, end: 2026-12-01T13:00", 1)
		}, "modules[1].start", 8, "must start after module 1"},
		{"Overlapping", func(s string) string {
			return strings.Replace(s, "start: 2026-12-14T09:00", "start: 2026-12-07T12:00", 1)
		}, "modules[1].start", 8, "overlaps module 1"},
		{"EndBeforeStart", func(s string) string { return strings.Replace(s, "end: 2026-12-07T13:00", "end: 2026-12-07T08:00", 1) },
			"modules[0].end", 7, "after the start"},
		{"BadStart", func(s string) string { return strings.Replace(s, "start: 2026-12-07T09:00", "start: 7 december", 1) },
			"modules[0].start", 7, "not a local date and time"},
		{"NonexistentLocalTime", func(s string) string {
			// 02:30 on 28 March 2027 does not exist in Amsterdam: the clocks jump from 02:00 to 03:00.
			return strings.Replace(s, "start: 2027-01-18T09:00", "start: 2027-03-28T02:30", 1)
		}, "modules[3].start", 10, "does not exist"},
		{"MissingLocation", func(s string) string {
			return strings.Replace(s, `location: "Stadskantoor, zaal 3"}`, `location: ""}`, 1)
		},
			"modules[0].location", 7, "required"},
		{"LocationTooLong", func(s string) string {
			return strings.Replace(s, `location: "Stadskantoor, zaal 3"}`, `location: "`+strings.Repeat("é", content.MaxLocation+1)+`"}`, 1)
		},
			"modules[0].location", 7, "too long: 201 characters, at most 200"},
		{"NameTooLong", func(s string) string {
			return strings.Replace(s, "Utrecht najaar 2026", strings.Repeat("n", content.MaxCohortName+1), 1)
		},
			"name", 1, "too long: 81 characters, at most 80"},
		{"ModuleNumber", func(s string) string { return strings.Replace(s, "number: 4,", "number: 5,", 1) },
			"modules[3].number", 10, "must be 1, 2, 3 or 4"},
		{"BadQuietHours", func(s string) string { return s + "quiet_hours: nachts\n" },
			"quiet_hours", 11, "not a time window"},
		{"UnknownField", func(s string) string { return s + "kanaal: \"#x\"\n" },
			"", 11, "unknown field \"kanaal\""},
		{"WrongType", func(s string) string { return s + "holidays: soms\n" },
			"", 11, "true or false"},
		{"Syntax", func(s string) string { return s + "cases: [richard\n" },
			"", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := content.ParseCohort([]byte(tt.edit(validCohort)), "c.yaml")
			var errs content.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("err = %v, want content.Errors", err)
			}
			for _, e := range errs {
				if e.Field == tt.field && strings.Contains(e.Msg, tt.msg) && (tt.line == 0 || e.Line == tt.line) {
					if e.File != "c.yaml" {
						t.Errorf("file = %q", e.File)
					}
					return
				}
			}
			t.Errorf("no error for field %q line %d containing %q in:\n%v", tt.field, tt.line, tt.msg, err)
		})
	}
}

// TestParseCohortLengthLimits: the longest name and place allowed are accepted, one character more is refused.
func TestParseCohortLengthLimits(t *testing.T) {
	t.Parallel()
	long := strings.NewReplacer("Utrecht najaar 2026", strings.Repeat("n", content.MaxCohortName),
		`location: "Stadskantoor, zaal 3"}`, `location: "`+strings.Repeat("é", content.MaxLocation)+`"}`).Replace(validCohort)
	c, err := content.ParseCohort([]byte(long), "c.yaml")
	if err != nil {
		t.Fatalf("longest name and place: %v", err)
	}
	if n := len([]rune(c.Modules[0].Location)); n != content.MaxLocation {
		t.Fatalf("location of %d characters kept as %d", content.MaxLocation, n)
	}
}

func TestParseCohortAllErrorsAtOnce(t *testing.T) {
	t.Parallel()
	src := strings.NewReplacer("Europe/Amsterdam", "Mars/Olympus", "johanna", "piet", "[U0TRAINER1]", "[x]").Replace(validCohort)
	_, err := content.ParseCohort([]byte(src), "c.yaml")
	var errs content.Errors
	if !errors.As(err, &errs) || len(errs) != 3 {
		t.Fatalf("err = %v, want 3 errors", err)
	}
	if got := errs[0].Error(); got != `c.yaml:3: timezone: "Mars/Olympus" is not a time zone; use a name like Europe/Amsterdam` {
		t.Errorf("first error = %q", got)
	}
}

func TestValidatePast(t *testing.T) {
	t.Parallel()
	c, err := content.ParseCohort([]byte(validCohort), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC) // after module 1, before module 2
	err = c.Validate(now, false)
	var errs content.Errors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Field != "modules[0].start" || errs[0].Line != 7 {
		t.Fatalf("Validate = %v, want one error on modules[0].start line 7", err)
	}
	if err := c.Validate(now, true); err != nil {
		t.Errorf("Validate with allowPast = %v", err)
	}
}

func TestValidateBuiltInCode(t *testing.T) {
	t.Parallel()
	// A cohort built by the /training nieuw modal, not parsed from a file: errors carry field names, no line.
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	c := &content.Cohort{
		Name: "Groningen", Channel: "C0123ABC", Timezone: "Europe/Amsterdam",
		Trainers: []string{"trainer@gemeente.nl"}, Cases: []string{"richard", "tom"},
		Settings: content.DefaultCohortSettings(),
	}
	for n := 1; n <= 4; n++ {
		start := time.Date(2027, 2, 1+7*n, 9, 0, 0, 0, ams)
		c.Modules = append(c.Modules, content.CohortModule{Number: n, Start: start, End: start.Add(4 * time.Hour), Location: "Online"})
	}
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := c.Validate(now, false); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	c.Modules[3].End = c.Modules[3].Start
	err := c.Validate(now, false)
	var errs content.Errors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Field != "modules[3].end" || errs[0].Msg != "must be after the start" || errs[0].Line != 0 {
		t.Errorf("Validate = %#v", err)
	}
}

func TestRefs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in            string
		channel, user bool
	}{
		{"C0123ABC", true, false},
		{"G0123ABC", true, false},
		{"#het-gesprek", true, false},
		{"#Het-Gesprek", false, false},
		{"het-gesprek", false, false},
		{"U0123ABC", false, true},
		{"W0123ABC", false, true},
		{"u0123abc", false, false},
		{"trainer@gemeente.nl", false, true},
		{"Trainer <trainer@gemeente.nl>", false, false},
		{"trainer@localhost", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		if got := content.IsChannelRef(tt.in); got != tt.channel {
			t.Errorf("IsChannelRef(%q) = %v", tt.in, got)
		}
		if got := content.IsUserRef(tt.in); got != tt.user {
			t.Errorf("IsUserRef(%q) = %v", tt.in, got)
		}
	}
}

func TestParseQuietHours(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		from, to int
		ok       bool
	}{
		{"", 21 * 60, 8 * 60, true},
		{"21:00-08:00", 21 * 60, 8 * 60, true},
		{"22:30 - 07:15", 22*60 + 30, 7*60 + 15, true},
		{"21:00", 0, 0, false},
		{"25:00-08:00", 0, 0, false},
	}
	for _, tt := range tests {
		from, to, err := content.ParseQuietHours(tt.in)
		if (err == nil) != tt.ok || from != tt.from || to != tt.to {
			t.Errorf("ParseQuietHours(%q) = %d, %d, %v", tt.in, from, to, err)
		}
	}
}

func cutLine(s, contains string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.Contains(l, contains) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestMoveModule(t *testing.T) {
	t.Parallel()
	c, err := content.ParseCohort([]byte(validCohort), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		module int
		start  time.Time
		field  string // "" when the move is valid
	}{
		{"OK", 2, time.Date(2026, 12, 15, 13, 30, 0, 0, ams), ""},
		{"Overlap", 2, time.Date(2026, 12, 7, 11, 0, 0, 0, ams), "modules[1].start"},
		{"Past", 1, time.Date(2026, 11, 23, 9, 0, 0, 0, ams), "modules[0].start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := *c
			m.Modules = append([]content.CohortModule(nil), c.Modules...)
			if err := m.MoveModule(tt.module, tt.start); err != nil {
				t.Fatal(err)
			}
			mod, _ := m.Module(tt.module)
			if !mod.Start.Equal(tt.start) || mod.End.Sub(mod.Start) != 4*time.Hour {
				t.Errorf("module %d = %v – %v", tt.module, mod.Start, mod.End)
			}
			err := m.Validate(now, false)
			var errs content.Errors
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("Validate = %v", err)
			case tt.field != "" && (!errors.As(err, &errs) || errs[0].Field != tt.field):
				t.Errorf("Validate = %v, want an error on %s", err, tt.field)
			}
		})
	}
	if err := c.MoveModule(5, now); content.ErrorCode(err) != content.EINVALID {
		t.Errorf("MoveModule(5) = %v, want EINVALID", err)
	}
}

// A file that names no time zone gets the operator's default (COURSE_TZ), and its module times are read in it.
func TestParseCohortIn(t *testing.T) {
	t.Parallel()
	file := strings.Replace(validCohort, "timezone: Europe/Amsterdam\n", "", 1)
	for _, tz := range []string{"Europe/Amsterdam", "Europe/London"} {
		c, err := content.ParseCohortIn([]byte(file), "utrecht.yaml", tz)
		if err != nil {
			t.Fatal(err)
		}
		if c.Timezone != tz || c.Modules[0].Start.Location().String() != tz {
			t.Errorf("default %s: timezone %q, module 1 in %v", tz, c.Timezone, c.Modules[0].Start.Location())
		}
	}
	c, err := content.ParseCohortIn([]byte(validCohort), "utrecht.yaml", "Europe/London")
	if err != nil || c.Timezone != "Europe/Amsterdam" {
		t.Errorf("a file's own time zone was overridden: %q, %v", c.Timezone, err)
	}
}

// TestParseCohortTeam: a cohort file may name the workspace the cohort belongs to; a team that is no Slack team ID
// is refused on its line, and a file without one belongs to the bot's own workspace ("").
func TestParseCohortTeam(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	c, err := content.ParseCohort([]byte("team: T0ZUID0001\n"+validCohort), "zuid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.TeamID != "T0ZUID0001" {
		t.Errorf("TeamID = %q, want T0ZUID0001", c.TeamID)
	}
	if err := c.Validate(now, false); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if c, _ := content.ParseCohort([]byte(validCohort), "utrecht.yaml"); c == nil || c.TeamID != "" {
		t.Errorf("a file without a team: %+v", c)
	}
	_, err = content.ParseCohort([]byte("team: gemeente-zuid\n"+validCohort), "zuid.yaml")
	if err == nil || !strings.Contains(err.Error(), "zuid.yaml:1") || !strings.Contains(err.Error(), "not a Slack team ID") {
		t.Errorf("a cohort file with team gemeente-zuid: %v, want an error on line 1", err)
	}
}
