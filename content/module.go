package content

import (
	"fmt"
	"sort"
	"strings"
)

// Module is one half-day module of the course, as the manual describes it.
type Module struct {
	Number                int           `yaml:"number"`                // 1..4
	Title                 string        `yaml:"title"`                 // e.g. "Context en kader"
	Kop                   string        `yaml:"kop"`                   // the manual's heading, e.g. "Het Gesprek: context en kader"
	Inleiding             string        `yaml:"inleiding"`             // introduction, mrkdwn
	Kort                  string        `yaml:"kort"`                  // the gist of the inleiding, sentences taken from it; opens the preparation
	Leeruitkomsten        []string      `yaml:"leeruitkomsten"`        // learning outcomes, one per item
	Programma             string        `yaml:"programma"`             // the programme, mrkdwn
	Voorbereiding         Voorbereiding `yaml:"voorbereiding"`         // what participants do before the module
	Vragen                *QuestionList `yaml:"vragen"`                // module 1: the ten questions on the route
	Huiswerk              []Task        `yaml:"huiswerk"`              // given at the end of the module
	HuiswerkToelichting   string        `yaml:"huiswerk_toelichting"`  // note for the trainer on the homework; may be empty
	Materiaal             []string      `yaml:"materiaal"`             // materials and hand-outs for the trainer, mrkdwn
	Achtergrondliteratuur []Reading     `yaml:"achtergrondliteratuur"` // background reading for the trainer
	MeerLezen             []Reading     `yaml:"meer_lezen"`            // further reading; may be empty
	Adapted               []Adaptation  `yaml:"adapted"`               // sentences that differ from the manual, and why
}

// Voorbereiding is the preparation for participants before a module.
type Voorbereiding struct {
	Intro string    `yaml:"intro"` // may be empty
	Tasks []Task    `yaml:"tasks"` // preparation tasks; each can be ticked off
	Lezen []Reading `yaml:"lezen"` // the reading list; each can be marked "gelezen"
}

// Task is one preparation task or homework assignment. Its ID is stable: never rename it.
type Task struct {
	ID      string       `yaml:"id"`      // stable, unique within the course, [a-z0-9_]+
	Title   string       `yaml:"title"`   // short label
	Text    string       `yaml:"text"`    // the assignment, mrkdwn, addressed to the participant
	Adapted []Adaptation `yaml:"adapted"` // sentences that differ from the manual, and why
}

// Reading is one text on a reading list. Its ID is stored with every "gelezen": never rename it.
type Reading struct {
	ID     string `yaml:"id"`     // stable, unique within the course, [a-z0-9_]+
	Author string `yaml:"author"` // may be empty when the manual names none
	Title  string `yaml:"title"`
	Source string `yaml:"source"` // publisher, journal or site; may be empty
	Year   string `yaml:"year"`   // as the manual gives it; may be empty
	Link   string `yaml:"link"`   // http(s) URL; may be empty when the manual gives none
	Note   string `yaml:"note"`   // e.g. which pages, or "pdf beschikbaar"; may be empty
}

// QuestionList is a numbered list of questions with an introduction.
type QuestionList struct {
	Title     string   `yaml:"title"`
	Intro     string   `yaml:"intro"`
	Questions []string `yaml:"questions"`
}

// Citation returns the reading as one line: author, title, source, year and note, without the link.
func (r Reading) Citation() string {
	s := ""
	if r.Author != "" {
		s = r.Author + ", "
	}
	s += r.Title
	if r.Source != "" && r.Source != r.Author {
		s += ". " + r.Source
	}
	if r.Year != "" {
		s += ", " + r.Year
	}
	s += "."
	if r.Note != "" {
		s += " (" + r.Note + ")"
	}
	return s
}

// Placeholders a module text may use for the cohort's cases. The manual names the cases in a few module texts
// ("contact maken met Emma / Johan of Richard"), but a cohort works with Richard and one LVB case in the name
// variant the trainer chose, so the texts say {casussen} and {lvb} and are filled per cohort (Course.ModuleFor).
const (
	PlaceholderCasussen = "casussen" // the cohort's cases, LVB client first as the manual writes them: "Johanna of Richard"
	PlaceholderLVB      = "lvb"      // the cohort's LVB client: "Johanna"
)

// modulePlaceholders are the placeholders a module text may use.
var modulePlaceholders = []string{PlaceholderCasussen, PlaceholderLVB}

// ModuleFor returns module n with {casussen} and {lvb} in its texts filled for a cohort that works with the case
// variants cases (Cohort.Cases, e.g. ["richard", "johanna"]). The course's own module is left as it is.
func (c *Course) ModuleFor(n int, cases []string) (*Module, error) {
	m, ok := c.Module(n)
	if !ok {
		return nil, fmt.Errorf("module for cases: the course has no module %d", n)
	}
	vars, err := c.CaseVars(cases)
	if err != nil {
		return nil, fmt.Errorf("module %d for cases: %w", n, err)
	}
	filled := m.WithCases(vars)
	return &filled, nil
}

// CaseVars returns the values of {casussen} and {lvb} for a cohort that works with the case variants cases:
// for ["richard", "johanna"], {casussen} is "Johanna of Richard" and {lvb} is "Johanna". It refuses anything but
// Richard plus one known LVB variant, so that a participant never reads a case name that is not theirs.
func (c *Course) CaseVars(cases []string) (map[string]string, error) {
	var lvb, richard []string
	for _, id := range cases {
		cs, ok := c.Case(id)
		if !ok {
			return nil, fmt.Errorf("case vars: unknown case %q", id)
		}
		v, ok := cs.Variant(id)
		if !ok {
			return nil, fmt.Errorf("case vars: case %s has no variant %q", cs.ID, id)
		}
		if cs.ID == CohortCaseRichard {
			richard = append(richard, v.Name)
		} else {
			lvb = append(lvb, v.Name)
		}
	}
	if len(richard) != 1 || len(lvb) != 1 {
		return nil, fmt.Errorf("case vars: cases %q, want %s plus one LVB case", cases, CohortCaseRichard)
	}
	return map[string]string{
		PlaceholderCasussen: lvb[0] + " of " + richard[0],
		PlaceholderLVB:      lvb[0],
	}, nil
}

// ManualCaseVars returns {casussen} and {lvb} in the manual's own wording, for a reader who has no cohort: every
// LVB case by its first name variant, alphabetically as the manual lists them, then Richard: {casussen} is
// "Emma / Johan of Richard" and {lvb} "Emma / Johan".
func (c *Course) ManualCaseVars() map[string]string {
	var lvb []string
	richard := ""
	for _, cs := range c.Cases {
		if len(cs.Variants) == 0 {
			continue
		}
		if cs.ID == CohortCaseRichard {
			richard = cs.Variants[0].Name
			continue
		}
		lvb = append(lvb, cs.Variants[0].Name)
	}
	sort.Strings(lvb)
	both := strings.Join(lvb, " / ")
	casussen := both
	switch {
	case both == "":
		casussen = richard
	case richard != "":
		casussen = both + " of " + richard
	}
	return map[string]string{PlaceholderCasussen: casussen, PlaceholderLVB: both}
}

// WithCases returns a copy of the module with the placeholders in its texts filled from vars (CaseVars or
// ManualCaseVars). Titles, ids and readings stay as they are (the readings are shared with m): the validator keeps
// placeholders out of them.
func (m Module) WithCases(vars map[string]string) Module {
	values := textVars(vars)
	fill := func(s string) string { return Fill(s, values) }
	fillAll := func(ss []string) []string {
		if ss == nil {
			return nil
		}
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = fill(s)
		}
		return out
	}
	tasks := func(ts []Task) []Task {
		if ts == nil {
			return nil
		}
		out := make([]Task, len(ts))
		for i, t := range ts {
			t.Text = fill(t.Text)
			out[i] = t
		}
		return out
	}
	m.Inleiding = fill(m.Inleiding)
	m.Kort = fill(m.Kort)
	m.Leeruitkomsten = fillAll(m.Leeruitkomsten)
	m.Programma = fill(m.Programma)
	m.Voorbereiding.Intro = fill(m.Voorbereiding.Intro)
	m.Voorbereiding.Tasks = tasks(m.Voorbereiding.Tasks)
	if m.Vragen != nil {
		q := *m.Vragen
		q.Intro = fill(q.Intro)
		q.Questions = fillAll(q.Questions)
		m.Vragen = &q
	}
	m.Huiswerk = tasks(m.Huiswerk)
	m.HuiswerkToelichting = fill(m.HuiswerkToelichting)
	m.Materiaal = fillAll(m.Materiaal)
	return m
}
