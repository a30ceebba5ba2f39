package content_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
)

// manualText returns the course manual with its line wraps joined, to check that texts are verbatim.
func manualText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "seed", "het-gesprek-train-de-trainer.txt"))
	if err != nil {
		t.Skipf("the manual is not next to the repository: %v", err)
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

func TestReports(t *testing.T) {
	c := course(t)
	r, ok := c.Report("m2_verslag")
	if !ok {
		t.Fatal("no format for the module 2 report (m2_verslag)")
	}
	if r.Module != 2 || len(r.Sections) != 5 {
		t.Errorf("m2_verslag: module %d, %d sections; want module 2, 5 sections", r.Module, len(r.Sections))
	}
	var ids []string
	for _, s := range r.Sections {
		ids = append(ids, s.ID)
	}
	if want := []string{"doel", "situatie", "vraag", "levensgebieden", "verder_verkennen"}; !slices.Equal(ids, want) {
		t.Errorf("m2_verslag sections %v, want %v", ids, want)
	}
	if got := c.ReportsOf(3); len(got) != 1 || got[0].Task != "m3_sociale_kaart" {
		t.Errorf("ReportsOf(3) = %v, want the sociale kaart", got)
	}
	if got := c.ReportsOf(1); len(got) != 0 {
		t.Errorf("module 1 asks for no written work, got %v", got)
	}
	if _, ok := c.Report("m1_contact"); ok {
		t.Error("m1_contact asks to think, not to write: it has no format")
	}
}

// TestWorkVerbatim checks that what participants read of the manual is the manual's text: the feedback points
// and their lists, the guidance of the report's sections (or the manual's sentence an adaptation records), and the
// questions of the evaluation.
func TestWorkVerbatim(t *testing.T) {
	c := course(t)
	manual := manualText(t)
	has := func(what, s string) {
		t.Helper()
		s = strings.Join(strings.Fields(s), " ")
		// The manual prints the tick lists' boxes as "p"; the items themselves follow them.
		if !strings.Contains(manual, s) {
			t.Errorf("%s is not in the manual: %q", what, s)
		}
	}
	for _, form := range c.Feedback.Forms {
		has("form title", form.Title)
		for _, p := range form.Points {
			has("feedback point "+p.ID, p.Text)
			if p.ItemsIntro != "" {
				has("feedback point "+p.ID+" items_intro", p.ItemsIntro)
			}
			for _, it := range p.Items {
				has("feedback item of "+p.ID, it)
			}
		}
	}
	for _, r := range c.Reports {
		if r.Intro != "" {
			has("intro of "+r.Task, r.Intro)
		}
		for _, s := range r.Sections {
			if r.Task != "m2_verslag" {
				continue // the sociale kaart's sections split the task's own sentence
			}
			g := s.Guidance
			for _, a := range s.Adapted {
				if a.Field == "guidance" {
					g = a.From
				}
			}
			// The levensgebieden are listed after the question, as the manual lists them on the feedback form.
			g, _, _ = strings.Cut(g, " (wonen")
			has("guidance of "+s.ID, g)
		}
	}
	for _, it := range c.Evaluation.Items {
		q, _, _ := strings.Cut(it.Question, "\n")
		has("evaluation question "+it.ID, q)
	}
	if n := len(c.Feedback.Forms); n != 2 {
		t.Fatalf("%d feedback forms, want 2 (modules 2 and 3)", n)
	}
	if f, _ := c.FeedbackForm(2); len(f.Points) != 8 {
		t.Errorf("module 2 form has %d points, want the manual's 8", len(f.Points))
	}
	if f, _ := c.FeedbackForm(3); len(f.Points) != 5 {
		t.Errorf("module 3 form has %d points, want the manual's 5", len(f.Points))
	}
	if _, ok := c.FeedbackForm(1); ok {
		t.Error("module 1 has no feedback form")
	}
	z, ok := c.Evaluation.Item(content.EvaluationZaad)
	if !ok || !strings.Contains(z.Question, "wie/wat heb ik daarbij nodig?") {
		t.Errorf("the zaad asks whom or what one needs, as the manual does: %+v", z)
	}
}

func TestFollowUpRule(t *testing.T) {
	c := course(t)
	r, ok := c.Rule("followup")
	if !ok {
		t.Fatal("no followup rule")
	}
	if r.Kind != content.KindFollowUp || !r.AppliesTo(4) || r.AppliesTo(3) || r.Anchor != "module_end" || r.Days != 42 ||
		r.Audience != content.AudienceParticipants || r.Urgent || r.CalendarMode() != content.CalendarLater {
		t.Errorf("followup rule %+v: want six weeks (42 days) after module 4, to each participant, on a working day outside quiet hours", r)
	}
	cohort, err := content.ParseCohort([]byte(`name: Follow-up
channel: "#follow-up"
timezone: Europe/Amsterdam
trainers: [U0TRAINER1]
cases: [richard, johanna]
modules:
  - {number: 1, start: 2027-01-04T09:00, end: 2027-01-04T13:00, location: Stadskantoor}
  - {number: 2, start: 2027-01-11T09:00, end: 2027-01-11T13:00, location: Stadskantoor}
  - {number: 3, start: 2027-01-18T09:00, end: 2027-01-18T13:00, location: Stadskantoor}
  - {number: 4, start: 2027-03-16T09:00, end: 2027-03-16T13:00, location: Stadskantoor}
`), "cohort.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := scheduler.NewCalendar(cohort)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := scheduler.Plan(cohort, []content.Rule{*r}, cal)
	if err != nil {
		t.Fatal(err)
	}
	// Six weeks after Tuesday 16 March 2027 is Koningsdag, a public holiday: the follow-up waits for the next
	// working morning, one DM per participant.
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	if len(ds) != 1 || ds[0].Audience != content.AudienceParticipants {
		t.Fatalf("follow-up planned %+v, want one delivery to the participants", ds)
	}
	if got := ds[0].DueAt.In(ams); got.Format(time.DateOnly) != "2027-04-28" || got.Hour() < 8 || got.Hour() >= 21 {
		t.Errorf("follow-up due %v, want Wednesday 28 April 2027 in working hours (27 April is Koningsdag)", got)
	}

	for _, a := range content.FollowUpAnswers {
		if l, ok := c.Phrases.FollowUpLabel(a); !ok || l == "" {
			t.Errorf("answer %q has no label", a)
		}
	}
	if l, _ := c.Phrases.FollowUpLabel(content.FollowUpBezig); l != "Ermee bezig" {
		t.Errorf("label of %s = %q", content.FollowUpBezig, l)
	}
	if !strings.Contains(c.Phrases.FollowUpMessage, "Hoe staat het ermee?") {
		t.Errorf("the follow-up asks \"Hoe staat het ermee?\": %q", c.Phrases.FollowUpMessage)
	}
}

func TestWorkLoadErrors(t *testing.T) {
	type edits = map[string]func(string) string
	tests := []struct {
		name  string
		edits edits
		file  string
		field string
		msg   string
	}{
		{"ReportUnknownModule", edits{"reports.yaml": replace("    module: 3\n", "    module: 5\n")},
			"reports.yaml", "reports[1].module", "module 5 does not exist"},
		{"ReportUnknownTask", edits{"reports.yaml": replace("task: m3_sociale_kaart", "task: m3_sociale_kaartje")},
			"reports.yaml", "reports[1].task", `module 3 has no huiswerk task "m3_sociale_kaartje"`},
		{"ReportDuplicateTask", edits{"reports.yaml": replace("task: m3_sociale_kaart\n    module: 3", "task: m2_verslag\n    module: 2")},
			"reports.yaml", "reports[1].task", `duplicate task "m2_verslag"`},
		{"ReportNoSections", edits{"reports.yaml": func(s string) string {
			i := strings.Index(s, "  - task: m3_sociale_kaart")
			return s[:i] + "  - task: m3_sociale_kaart\n    module: 3\n    sections: []\n"
		}}, "reports.yaml", "reports[1].sections", "at least one section"},
		{"ReportDuplicateSection", edits{"reports.yaml": replace("- id: vraag\n", "- id: doel\n")},
			"reports.yaml", "reports[0].sections[2].id", `duplicate id "doel"`},
		{"ReportSectionNoTitle", edits{"reports.yaml": replace("        title: De vraag achter de vraag\n", "")},
			"reports.yaml", "reports[0].sections[2].title", "required"},
		{"ReportIntroPlaceholder", edits{"reports.yaml": replace("het derde gesprek in.", "het derde gesprek met {casus} in.")},
			"reports.yaml", "reports[0].intro", "unknown placeholder {casus}"},
		{"FeedbackPointNoScale", edits{"feedback.yaml": replace("        text: De gespreksvoerder laat een open houding zien.\n        scale: gezien\n", "        text: De gespreksvoerder laat een open houding zien.\n")},
			"feedback.yaml", "forms[0].points[5].scale", "every point needs a scale (one of gezien)"},
		{"FeedbackUnknownScale", edits{"feedback.yaml": replace("          - laat zichzelf zien\n        scale: gezien\n", "          - laat zichzelf zien\n        scale: cijfer\n")},
			"feedback.yaml", "forms[1].points[2].scale", "unknown scale \"cijfer\""},
		{"FeedbackUnknownModule", edits{"feedback.yaml": replace("  - module: 3\n", "  - module: 9\n")},
			"feedback.yaml", "forms[1].module", "module 9 does not exist"},
		{"FeedbackDuplicateModule", edits{"feedback.yaml": replace("  - module: 3\n", "  - module: 2\n")},
			"feedback.yaml", "forms[1].module", "duplicate form for module 2"},
		{"FeedbackDuplicatePoint", edits{"feedback.yaml": replace("- id: transparant\n", "- id: open\n")},
			"feedback.yaml", "forms[0].points[6].id", `duplicate id "open"`},
		{"FeedbackNoPoints", edits{"feedback.yaml": func(s string) string {
			i := strings.Index(s, "  - module: 3\n")
			return s[:i] + "  - module: 3\n    title: Feedbackformulier bij module 3\n    points: []\n"
		}}, "feedback.yaml", "forms[1].points", "at least one point"},
		{"FeedbackLongScaleLabel", edits{"feedback.yaml": replace("label: Niet gezien", "label: "+strings.Repeat("Niet gezien ", 8))},
			"feedback.yaml", "scales[0].points[0].label", "at most 75"},
		{"FeedbackEmptyItem", edits{"feedback.yaml": replace("          - kiezen\n", "          - \"\"\n")},
			"feedback.yaml", "forms[1].points[4].items[1]", "required"},
		{"EvaluationNoZaad", edits{"evaluation.yaml": replace("  - id: zaad\n", "  - id: pot\n")},
			"evaluation.yaml", "items", `place with id "zaad"`},
		{"FollowUpRuleModule", edits{"rules.yaml": func(s string) string {
			return strings.Replace(s, "    modules: [4]\n    anchor: module_end\n    days: 42", "    modules: [3]\n    anchor: module_end\n    days: 42", 1)
		}}, "rules.yaml", "rules[13].modules", "modules: [4]"},
		{"FollowUpPhraseMissing", edits{"phrases.yaml": replace("followup_nog_niet: \"Nog niet\"\n", "")},
			"phrases.yaml", "followup_nog_niet", "required"},
		{"WorkPhrasePlaceholder", edits{"phrases.yaml": replace("\"Gelukt: {gelukt} · Ermee", "\"Gelukt: {geslaagd} · Ermee")},
			"phrases.yaml", "followup_trainer_counts", "unknown placeholder {geslaagd}"},
		{"WorkModalTitle", edits{"phrases.yaml": replace(`report_modal_title: "Huiswerk module {module}"`, `report_modal_title: "Schrijf je huiswerk van module {module}"`)},
			"phrases.yaml", "report_modal_title", "at most 24"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := content.Load(brokenFS(t, tt.edits))
			var es content.Errors
			if !errors.As(err, &es) {
				t.Fatalf("Load: %v, want content.Errors", err)
			}
			var match *content.FieldError
			for i := range es {
				if es[i].File == tt.file && es[i].Field == tt.field && strings.Contains(es[i].Msg, tt.msg) {
					match = &es[i]
				}
			}
			if match == nil {
				t.Fatalf("no error %s %s %q among:\n%v", tt.file, tt.field, tt.msg, err)
			}
			if match.Line <= 0 {
				t.Errorf("error has no line: %v", match)
			}
			if len(es) > 1 {
				t.Errorf("%d errors, want the one broken thing:\n%v", len(es), err)
			}
		})
	}
}

// TestWorkContentDir checks that a trainer's copy (CONTENT_DIR) replaces the formats and forms too.
func TestWorkContentDir(t *testing.T) {
	dir := t.TempDir()
	if err := content.Export(dir); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "reports.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(b), "title: De vraag achter de vraag", "title: De hulpvraag", 1)
	if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := content.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := c.Report("m2_verslag")
	if s, _ := r.Section("vraag"); s.Title != "De hulpvraag" {
		t.Errorf("section title %q, want the trainer's \"De hulpvraag\"", s.Title)
	}
}
