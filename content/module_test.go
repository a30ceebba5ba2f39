package content_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/gesprekbot/gesprekbot/content"
)

// caseName finds any client name of the course's cases in a text; "Johan" does not match inside "Johanna".
var caseName = regexp.MustCompile(`\b(Richard|Johan|Johanna|Emma|Tom)\b`)

// moduleTexts returns every text of m a participant or trainer reads, titles included.
func moduleTexts(m *content.Module) []string {
	out := []string{m.Title, m.Kop, m.Inleiding, m.Programma, m.Voorbereiding.Intro, m.HuiswerkToelichting}
	out = append(out, m.Leeruitkomsten...)
	out = append(out, m.Materiaal...)
	for _, ts := range [][]content.Task{m.Voorbereiding.Tasks, m.Huiswerk} {
		for _, t := range ts {
			out = append(out, t.Title, t.Text)
		}
	}
	if q := m.Vragen; q != nil {
		out = append(out, q.Title, q.Intro)
		out = append(out, q.Questions...)
	}
	return out
}

func task(t *testing.T, m *content.Module, id string) content.Task {
	t.Helper()
	for _, ts := range [][]content.Task{m.Voorbereiding.Tasks, m.Huiswerk} {
		for _, task := range ts {
			if task.ID == id {
				return task
			}
		}
	}
	t.Fatalf("module %d has no task %s", m.Number, id)
	return content.Task{}
}

func TestModuleFor(t *testing.T) {
	t.Parallel()
	c := course(t)
	tests := []struct {
		lvb, name string
	}{
		{"johan", "Johan"},
		{"johanna", "Johanna"},
		{"emma", "Emma"},
		{"tom", "Tom"},
	}
	for _, tt := range tests {
		t.Run(tt.lvb, func(t *testing.T) {
			cases := []string{"richard", tt.lvb}
			m2, err := c.ModuleFor(2, cases)
			if err != nil {
				t.Fatalf("ModuleFor(2): %v", err)
			}
			want := "Hoe ga je de volgende keer contact maken met " + tt.name + " of Richard? Waar moet je rekening mee houden? Hoe zorg je voor het opbouwen van een vertrouwensband met " + tt.name + "?"
			if got := task(t, m2, "m2_tweede_gesprek").Text; !strings.Contains(got, want) {
				t.Errorf("module 2 homework:\n%s\nwant it to contain %q", got, want)
			}
			m1, err := c.ModuleFor(1, cases)
			if err != nil {
				t.Fatalf("ModuleFor(1): %v", err)
			}
			// The manual's "met de Emma / Johan / Richard" loses its article with the names.
			if want := "contact maken met " + tt.name + " of Richard?’"; !strings.Contains(task(t, m1, "m1_contact").Text, want) {
				t.Errorf("module 1 homework: want %q in %q", want, task(t, m1, "m1_contact").Text)
			}
			// No module text names a case the cohort does not work with, and none keeps a placeholder.
			for n := 1; n <= 4; n++ {
				m, err := c.ModuleFor(n, cases)
				if err != nil {
					t.Fatalf("ModuleFor(%d): %v", n, err)
				}
				for _, s := range moduleTexts(m) {
					for _, name := range caseName.FindAllString(s, -1) {
						if name != tt.name && name != "Richard" {
							t.Errorf("module %d names %s: %q", n, name, s)
						}
					}
					if strings.Contains(s, "{casussen}") || strings.Contains(s, "{lvb}") {
						t.Errorf("module %d keeps a placeholder: %q", n, s)
					}
				}
			}
		})
	}
}

func TestModuleForLeavesCourse(t *testing.T) {
	t.Parallel()
	c := course(t)
	if _, err := c.ModuleFor(2, []string{"richard", "tom"}); err != nil {
		t.Fatal(err)
	}
	m, _ := c.Module(2)
	if got := task(t, m, "m2_tweede_gesprek").Text; !strings.Contains(got, "met {casussen}?") || !strings.Contains(got, "met {lvb}?") {
		t.Errorf("the course's own module 2 was changed: %q", got)
	}
}

func TestCaseVars(t *testing.T) {
	t.Parallel()
	c := course(t)
	tests := []struct {
		name     string
		cases    []string
		casussen string
		lvb      string
		err      string
	}{
		{"OK", []string{"richard", "johanna"}, "Johanna of Richard", "Johanna", ""},
		{"LVBListedFirst", []string{"tom", "richard"}, "Tom of Richard", "Tom", ""},
		{"CaseID", []string{"richard", "emma"}, "Emma of Richard", "Emma", ""},
		{"NoLVB", []string{"richard"}, "", "", "want richard plus one LVB case"},
		{"TwoLVB", []string{"richard", "johan", "emma"}, "", "", "want richard plus one LVB case"},
		{"NoRichard", []string{"johanna"}, "", "", "want richard plus one LVB case"},
		{"Unknown", []string{"richard", "johannes"}, "", "", `unknown case "johannes"`},
		{"None", nil, "", "", "want richard plus one LVB case"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars, err := c.CaseVars(tt.cases)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("CaseVars(%q) = %v, %v; want error %q", tt.cases, vars, err, tt.err)
				}
				if _, err := c.ModuleFor(2, tt.cases); err == nil {
					t.Errorf("ModuleFor(2, %q): want an error", tt.cases)
				}
				return
			}
			if err != nil {
				t.Fatalf("CaseVars(%q): %v", tt.cases, err)
			}
			if vars[content.PlaceholderCasussen] != tt.casussen || vars[content.PlaceholderLVB] != tt.lvb {
				t.Errorf("CaseVars(%q) = %q, want casussen %q, lvb %q", tt.cases, vars, tt.casussen, tt.lvb)
			}
		})
	}
}

func TestManualCaseVars(t *testing.T) {
	t.Parallel()
	c := course(t)
	vars := c.ManualCaseVars()
	if got := vars[content.PlaceholderCasussen]; got != "Emma / Johan of Richard" {
		t.Errorf("casussen = %q, want the manual's %q", got, "Emma / Johan of Richard")
	}
	if got := vars[content.PlaceholderLVB]; got != "Emma / Johan" {
		t.Errorf("lvb = %q, want %q", got, "Emma / Johan")
	}
	m, _ := c.Module(2)
	filled := m.WithCases(vars)
	if got := task(t, &filled, "m2_tweede_gesprek").Text; !strings.Contains(got, "contact maken met Emma / Johan of Richard?") {
		t.Errorf("module 2 homework in the manual's wording: %q", got)
	}
}

// TestOneTaskOnce: each task of the course is given in one place only, so that nobody is asked twice (or to click
// "Klaar" twice) for one thing: the tasks of every module, its reading list and the assignments of each case.
func TestOneTaskOnce(t *testing.T) {
	t.Parallel()
	c := course(t)
	vars := c.ManualCaseVars()
	type place struct{ where, text string }
	var common []place
	titles := map[string]string{}
	for _, m := range c.Modules {
		filled := m.WithCases(vars)
		for _, ts := range []struct {
			kind  string
			tasks []content.Task
		}{{"voorbereiding", filled.Voorbereiding.Tasks}, {"huiswerk", filled.Huiswerk}} {
			for _, task := range ts.tasks {
				where := fmt.Sprintf("module %d %s %s", m.Number, ts.kind, task.ID)
				common = append(common, place{where, task.Title + "\n" + task.Text})
				if prev, ok := titles[strings.ToLower(task.Title)]; ok {
					t.Errorf("%s has the title of %s: %q", where, prev, task.Title)
				}
				titles[strings.ToLower(task.Title)] = where
			}
		}
		for _, r := range m.Voorbereiding.Lezen {
			common = append(common, place{fmt.Sprintf("module %d lezen %s", m.Number, r.ID), r.Citation()})
		}
	}
	// What the manual gives twice or three times, as a task: each may be in one place.
	topics := regexp.MustCompile(`(?i)` + strings.Join([]string{
		`(tweede|2e) gesprek:`, `individueel een verslag`, `vul (voor jezelf )?de competentiemeter`,
		`sociale kaart in je regio`, `royen`, `vermeulen`, `hoe ga ik als gespreksvoerder contact maken`,
	}, "|"))
	for _, cs := range c.Cases {
		for _, v := range cs.Variants {
			stages, err := cs.Stages(v.ID)
			if err != nil {
				t.Fatal(err)
			}
			places := append([]place{}, common...)
			for _, s := range stages {
				if s.Audience != content.StageTrainer {
					places = append(places, place{"case " + v.ID + " " + s.ID, s.Assignment})
				}
			}
			seen := map[string]string{}
			for _, p := range places {
				for _, m := range topics.FindAllString(p.text, -1) {
					key := strings.ToLower(strings.ReplaceAll(m, "2e", "tweede"))
					if prev, ok := seen[key]; ok && prev != p.where {
						t.Errorf("%q is asked in %s and again in %s", m, prev, p.where)
					}
					seen[key] = p.where
				}
			}
		}
	}
}
