package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// exampleCohortFile is the example cohort file, completed with modules 3 and 4.
const exampleCohortFile = `name: Utrecht najaar 2026
channel: "#het-gesprek-utrecht"
timezone: Europe/Amsterdam
trainers: [U0TRAINER1, trainer@gemeente.nl]
cases: [richard, johanna]
modules:
  - {number: 1, start: 2026-12-07T09:00, end: 2026-12-07T13:00, location: "Stadskantoor, zaal 3"}
  - {number: 2, start: 2026-12-14T09:00, end: 2026-12-14T13:00, location: "Stadskantoor, zaal 3"}
  - {number: 3, start: 2027-01-11T09:00, end: 2027-01-11T13:00, location: "Stadskantoor, zaal 3"}
  - {number: 4, start: 2027-01-18T09:00, end: 2027-01-18T13:00, location: "Stadskantoor, zaal 3"}
`

var beforeCourse = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlanCmdJSON(t *testing.T) {
	t.Parallel()
	f := writeFile(t, "utrecht.yaml", exampleCohortFile)
	var out, errb bytes.Buffer
	if code := runPlan([]string{"-f", f, "--format", "json"}, &out, &errb, &Config{}, beforeCourse); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var ds []map[string]any
	if err := json.Unmarshal(out.Bytes(), &ds); err != nil {
		t.Fatalf("output is not a JSON array: %v\n%s", err, out.String())
	}
	if len(ds) < 20 {
		t.Fatalf("%d deliveries, want the whole course", len(ds))
	}
	rfc3339 := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$`)
	audiences := map[string]bool{"channel": true, "participants": true, "participant": true, "trainers": true}
	keys := map[string]bool{}
	for _, d := range ds {
		for _, field := range []string{"key", "kind", "module", "due_at", "deadline", "audience", "title"} {
			if _, ok := d[field]; !ok {
				t.Errorf("%v: no %s", d["key"], field)
			}
		}
		key, _ := d["key"].(string)
		if !strings.HasPrefix(key, "utrecht-najaar-2026/") || keys[key] {
			t.Errorf("key %q: want unique, starting with the cohort's slug", key)
		}
		keys[key] = true
		if s, _ := d["due_at"].(string); !rfc3339.MatchString(s) {
			t.Errorf("%s: due_at %q is not RFC 3339 with an offset", key, s)
		}
		if dl := d["deadline"]; dl != nil {
			if s, _ := dl.(string); !rfc3339.MatchString(s) {
				t.Errorf("%s: deadline %q is not RFC 3339 with an offset", key, s)
			}
		}
		if a, _ := d["audience"].(string); !audiences[a] {
			t.Errorf("%s: audience %q", key, a)
		}
	}
	first := ds[0]
	if first["key"] != "utrecht-najaar-2026/welcome/m1" || first["due_at"] != "2026-11-30T09:00:00+01:00" || first["deadline"] != "2026-12-07T09:00:00+01:00" {
		t.Errorf("first delivery = %v, want the welcome a week before module 1", first)
	}
	eind, reminder, last := ds[len(ds)-3], ds[len(ds)-2], ds[len(ds)-1]
	if eind["kind"] != "eindmeting" || eind["deadline"] != nil {
		t.Errorf("last but two delivery = %v, want the eindmeting with no deadline", eind)
	}
	if reminder["rule_id"] != "meter_eindmeting_reminder" || reminder["due_at"] != "2027-01-21T09:00:00+01:00" || reminder["deadline"] != nil {
		t.Errorf("last but one delivery = %v, want the eindmeting reminder three days after module 4, with no deadline", reminder)
	}
	if last["rule_id"] != "followup" || last["due_at"] != "2027-03-01T10:00:00+01:00" || last["deadline"] != nil {
		t.Errorf("last delivery = %v, want the follow-up six weeks after module 4, with no deadline", last)
	}
}

func TestPlanCmdText(t *testing.T) {
	t.Parallel()
	f := writeFile(t, "utrecht.yaml", exampleCohortFile)
	var out, errb bytes.Buffer
	if code := runPlan([]string{"-f", f}, &out, &errb, &Config{}, beforeCourse); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		"Utrecht najaar 2026\n",
		"Module 1:   ma  7 dec 2026 09:00–13:00, Stadskantoor, zaal 3\n",
		"ma 30 nov 2026  09:00  module 1  elke deelnemer (DM)  Welkom en voormeting\n",
		"ma  7 dec 2026  08:00  module 1  kanaal               Herinnering uur ervoor\n",
		"(vervroegd: weekend)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("timeline lacks %q:\n%s", want, out.String())
		}
	}
}

func TestPlanCmdErrors(t *testing.T) {
	t.Parallel()
	good := writeFile(t, "good.yaml", exampleCohortFile)
	bad := writeFile(t, "bad.yaml", strings.NewReplacer("johanna", "johan, emma", "Europe/Amsterdam", "Amsterdam").Replace(exampleCohortFile))
	tests := []struct {
		name   string
		args   []string
		now    time.Time
		code   int
		stderr []string
	}{
		{"NoFile", []string{}, beforeCourse, 2, []string{"-f FILE is required", "Usage:"}},
		{"BadFormat", []string{"-f", good, "--format", "yaml"}, beforeCourse, 2, []string{"--format must be text or json"}},
		{"UnknownFlag", []string{"-f", good, "--verbose"}, beforeCourse, 2, []string{"verbose"}},
		{"ExtraArg", []string{"-f", good, "extra"}, beforeCourse, 2, []string{"unexpected argument"}},
		{"Missing", []string{"-f", filepath.Join(t.TempDir(), "none.yaml")}, beforeCourse, 1, []string{"no such file"}},
		{"Invalid", []string{"-f", bad}, beforeCourse, 1, []string{
			"bad.yaml: 2 error(s):",
			`bad.yaml:3: timezone: "Amsterdam" is not a time zone`,
			"bad.yaml:5: cases[2]: \"emma\": only one LVB case",
		}},
		{"Past", []string{"-f", good}, time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC), 1, []string{
			"modules[0].start: is in the past", "modules[1].start: is in the past", "--allow-past",
		}},
		{"AllowPast", []string{"-f", good, "--allow-past"}, time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC), 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := runPlan(tt.args, &out, &errb, &Config{}, tt.now)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, errb.String())
			}
			for _, want := range tt.stderr {
				if !strings.Contains(errb.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, errb.String())
				}
			}
			if tt.code != 0 && out.Len() > 0 {
				t.Errorf("stdout not empty on failure: %s", out.String())
			}
		})
	}
}

// A cohort file that names no time zone is in COURSE_TZ's: the same file planned in London is an hour later.
func TestPlanCmdCourseTZ(t *testing.T) {
	t.Parallel()
	f := writeFile(t, "utrecht.yaml", strings.Replace(exampleCohortFile, "timezone: Europe/Amsterdam\n", "", 1))
	first := func(cfg *Config) time.Time {
		t.Helper()
		var out, errb bytes.Buffer
		if code := runPlan([]string{"-f", f, "--format", "json"}, &out, &errb, cfg, beforeCourse); code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		var ds []struct {
			DueAt time.Time `json:"due_at"`
		}
		if err := json.Unmarshal(out.Bytes(), &ds); err != nil || len(ds) == 0 {
			t.Fatalf("plan %q: %v", out.String(), err)
		}
		return ds[0].DueAt
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	if d := first(&Config{CourseTZ: london}).Sub(first(&Config{})); d != time.Hour {
		t.Errorf("the first delivery in COURSE_TZ=Europe/London is %s after Amsterdam's, want 1h", d)
	}
}
