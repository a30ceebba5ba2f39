package content

import (
	"fmt"
	"unicode/utf8"
)

// Report is the format of one homework task that asks for written work (reports.yaml): the task it belongs to and
// the sections a participant writes, each a text field of its own.
type Report struct {
	Task     string          `yaml:"task"`     // id of a task in the module's huiswerk; stored with the work: never rename it
	Module   int             `yaml:"module"`   // the module whose huiswerk holds the task
	Intro    string          `yaml:"intro"`    // shown above the sections, mrkdwn; may be empty; may use {casussen} {lvb}
	Source   string          `yaml:"source"`   // where in the manual the format comes from, for proofreading
	Sections []ReportSection `yaml:"sections"` // at least one
	Adapted  []Adaptation    `yaml:"adapted"`  // sentences that differ from the manual, and why
}

// ReportSection is one part of a Report's format: a text field with the manual's guidance as its hint.
type ReportSection struct {
	ID       string       `yaml:"id"`       // stable, unique within the report, [a-z0-9_]+: stored with the text
	Title    string       `yaml:"title"`    // the field's label, ≤ MaxButtonLabel
	Guidance string       `yaml:"guidance"` // the manual's words on what goes in it, ≤ MaxInputHint; may be empty
	Source   string       `yaml:"source"`   // where in the manual it comes from
	Adapted  []Adaptation `yaml:"adapted"`  // sentences that differ from the manual, and why
}

// MaxInputHint is the most characters Slack allows in an input block's hint.
const MaxInputHint = 2000

// Report returns the format of the written homework task with the given id; ok is false when the task asks for no
// written work.
func (c *Course) Report(taskID string) (*Report, bool) {
	for i := range c.Reports {
		if c.Reports[i].Task == taskID {
			return &c.Reports[i], true
		}
	}
	return nil, false
}

// ReportsOf returns the formats of module n's written homework, in the order of the module's huiswerk.
func (c *Course) ReportsOf(n int) []Report {
	m, ok := c.Module(n)
	if !ok {
		return nil
	}
	var out []Report
	for _, t := range m.Huiswerk {
		if r, ok := c.Report(t.ID); ok && r.Module == n {
			out = append(out, *r)
		}
	}
	return out
}

// Section returns the section with the given id.
func (r *Report) Section(id string) (*ReportSection, bool) {
	for i := range r.Sections {
		if r.Sections[i].ID == id {
			return &r.Sections[i], true
		}
	}
	return nil, false
}

func (l *loader) validateReports(c *Course) {
	const f = "reports.yaml"
	vars := c.ManualCaseVars()
	seen := map[string]string{}
	for i, r := range c.Reports {
		field := fmt.Sprintf("reports[%d]", i)
		m, ok := c.Module(r.Module)
		if !ok {
			l.add(f, field+".module", fmt.Sprintf("module %d does not exist", r.Module))
		}
		if l.required(f, field+".task", r.Task) {
			if prev, dup := seen[r.Task]; dup {
				l.add(f, field+".task", fmt.Sprintf("duplicate task %q (also at %s)", r.Task, prev))
			} else {
				seen[r.Task] = f + " " + field + ".task"
			}
			if ok && !hasTask(m.Huiswerk, r.Task) {
				l.add(f, field+".task", fmt.Sprintf("module %d has no huiswerk task %q", r.Module, r.Task))
			}
		}
		l.moduleText(f, field+".intro", r.Intro, vars)
		l.adapted(f, field+".", r.Adapted, map[string][]string{"intro": {r.Intro}})
		if len(r.Sections) == 0 {
			l.add(f, field+".sections", "required: at least one section")
		}
		ids := map[string]string{}
		for j, s := range r.Sections {
			sf := fmt.Sprintf("%s.sections[%d]", field, j)
			l.id(f, sf+".id", s.ID, ids)
			l.label(f, sf+".title", s.Title)
			l.asWritten(f, sf+".title", s.Title)
			l.asWritten(f, sf+".guidance", s.Guidance)
			if n := utf8.RuneCountInString(s.Guidance); n > MaxInputHint {
				l.add(f, sf+".guidance", fmt.Sprintf("guidance is %d characters, Slack allows at most %d under a field", n, MaxInputHint))
			}
			l.adapted(f, sf+".", s.Adapted, map[string][]string{"title": {s.Title}, "guidance": {s.Guidance}})
		}
	}
}

func hasTask(ts []Task, id string) bool {
	for _, t := range ts {
		if t.ID == id {
			return true
		}
	}
	return false
}
