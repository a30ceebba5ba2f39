package content

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

var idPattern = regexp.MustCompile(`^[a-z0-9_]+$`)

// mrkdwnLink matches Slack links: <https://url|tekst> or <https://url>.
var mrkdwnLink = regexp.MustCompile(`<(https?://[^|>]*|[a-z]+:[^|>]*)(?:\|([^>]*))?>`)

// validate checks the decoded course and records every problem in l.errs.
func (l *loader) validate(c *Course) {
	ids := map[string]string{} // task and reading ids, course-wide -> where first seen
	l.validateModules(c, ids)
	l.validateCases(c)
	l.validateMeter(&c.Meter)
	l.validateRules(c)
	l.validatePhrases(&c.Phrases)
	l.validateEvaluation(&c.Evaluation)
	l.validateAbout(&c.About)
	l.validateReports(c)
	l.validateFeedback(c)
	l.validateFollowUp(c)
}

// required records an error when s is blank.
func (l *loader) required(file, field, s string) bool {
	if strings.TrimSpace(s) == "" {
		l.add(file, field, "required field is missing or empty")
		return false
	}
	return true
}

// text checks a mrkdwn text: links valid and every chunk within Slack's section limit.
func (l *loader) text(file, field, s string) {
	for _, m := range mrkdwnLink.FindAllStringSubmatch(s, -1) {
		if err := checkURL(m[1]); err != nil {
			l.add(file, field, fmt.Sprintf("link %q: %v", m[1], err))
		}
	}
	for _, ch := range Chunks(s, MaxSectionText) {
		if n := utf8.RuneCountInString(ch); n > MaxSectionText {
			l.add(file, field, fmt.Sprintf("a sentence of %d characters does not fit in one Slack block (max %d); split it", n, MaxSectionText))
		}
	}
}

func (l *loader) label(file, field, s string) {
	if l.required(file, field, s) {
		if n := utf8.RuneCountInString(s); n > MaxButtonLabel {
			l.add(file, field, fmt.Sprintf("label is %d characters, Slack allows at most %d", n, MaxButtonLabel))
		}
	}
}

// id checks an id's form and uniqueness within seen.
func (l *loader) id(file, field, id string, seen map[string]string) {
	if !l.required(file, field, id) {
		return
	}
	if !idPattern.MatchString(id) {
		l.add(file, field, fmt.Sprintf("id %q may only use a-z, 0-9 and _", id))
	}
	where := file + " " + field
	if prev, ok := seen[id]; ok {
		l.add(file, field, fmt.Sprintf("duplicate id %q (also at %s)", id, prev))
		return
	}
	seen[id] = where
}

func checkURL(s string) error {
	if strings.ContainsAny(s, " \t\n") {
		return fmt.Errorf("not a valid URL: contains spaces (write them as %%20)")
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("not a valid URL: must start with http:// or https://")
	}
	if u.Host == "" || !strings.Contains(u.Host, ".") {
		return fmt.Errorf("not a valid URL: no web address after %s://", u.Scheme)
	}
	return nil
}

func (l *loader) validateModules(c *Course, ids map[string]string) {
	seenNum := map[int]string{}
	// The manual's wording is the longest the case names get, so a text that fits with it fits every cohort.
	vars := c.ManualCaseVars()
	for i := range c.Modules {
		m, f := &c.Modules[i], l.moduleFiles[i]
		if m.Number < 1 || m.Number > 4 {
			l.add(f, "number", fmt.Sprintf("module number %d, want 1 to 4", m.Number))
		} else if prev, ok := seenNum[m.Number]; ok {
			l.add(f, "number", fmt.Sprintf("duplicate module number %d (also in %s)", m.Number, prev))
		} else {
			seenNum[m.Number] = f
		}
		l.required(f, "title", m.Title)
		l.asWritten(f, "title", m.Title)
		if n := utf8.RuneCountInString(m.Title); n > MaxButtonLabel {
			l.add(f, "title", fmt.Sprintf("title is %d characters, at most %d", n, MaxButtonLabel))
		}
		if l.required(f, "kop", m.Kop) {
			l.asWritten(f, "kop", m.Kop)
		}
		if l.required(f, "inleiding", m.Inleiding) {
			l.moduleText(f, "inleiding", m.Inleiding, vars)
		}
		if l.required(f, "kort", m.Kort) {
			l.moduleText(f, "kort", m.Kort, vars)
			l.kort(f, m)
		}
		if len(m.Leeruitkomsten) == 0 {
			l.add(f, "leeruitkomsten", "required: at least one leeruitkomst")
		}
		for j, s := range m.Leeruitkomsten {
			if l.required(f, fmt.Sprintf("leeruitkomsten[%d]", j), s) {
				l.moduleText(f, fmt.Sprintf("leeruitkomsten[%d]", j), s, vars)
			}
		}
		if l.required(f, "programma", m.Programma) {
			l.moduleText(f, "programma", m.Programma, vars)
		}
		l.moduleText(f, "voorbereiding.intro", m.Voorbereiding.Intro, vars)
		for j := range m.Voorbereiding.Tasks {
			l.task(f, fmt.Sprintf("voorbereiding.tasks[%d]", j), m.Voorbereiding.Tasks[j], ids, vars)
		}
		for j := range m.Voorbereiding.Lezen {
			l.reading(f, fmt.Sprintf("voorbereiding.lezen[%d]", j), m.Voorbereiding.Lezen[j], ids)
		}
		if len(m.Voorbereiding.Tasks)+len(m.Voorbereiding.Lezen) == 0 {
			l.add(f, "voorbereiding", "required: at least one task or reading")
		}
		if q := m.Vragen; q != nil {
			if l.required(f, "vragen.title", q.Title) {
				l.asWritten(f, "vragen.title", q.Title)
			}
			l.moduleText(f, "vragen.intro", q.Intro, vars)
			if len(q.Questions) == 0 {
				l.add(f, "vragen.questions", "required: at least one question")
			}
			for j, s := range q.Questions {
				if l.required(f, fmt.Sprintf("vragen.questions[%d]", j), s) {
					l.moduleText(f, fmt.Sprintf("vragen.questions[%d]", j), s, vars)
				}
			}
		}
		if len(m.Huiswerk) == 0 {
			l.add(f, "huiswerk", "required: at least one assignment")
		}
		for j := range m.Huiswerk {
			l.task(f, fmt.Sprintf("huiswerk[%d]", j), m.Huiswerk[j], ids, vars)
		}
		l.moduleText(f, "huiswerk_toelichting", m.HuiswerkToelichting, vars)
		for j, s := range m.Materiaal {
			if l.required(f, fmt.Sprintf("materiaal[%d]", j), s) {
				l.moduleText(f, fmt.Sprintf("materiaal[%d]", j), s, vars)
			}
		}
		for j := range m.Achtergrondliteratuur {
			l.reading(f, fmt.Sprintf("achtergrondliteratuur[%d]", j), m.Achtergrondliteratuur[j], ids)
		}
		for j := range m.MeerLezen {
			l.reading(f, fmt.Sprintf("meer_lezen[%d]", j), m.MeerLezen[j], ids)
		}
		mf := map[string][]string{
			"inleiding": {m.Inleiding}, "leeruitkomsten": m.Leeruitkomsten, "programma": {m.Programma},
			"voorbereiding.intro": {m.Voorbereiding.Intro}, "huiswerk_toelichting": {m.HuiswerkToelichting},
			"materiaal": m.Materiaal,
		}
		if q := m.Vragen; q != nil {
			mf["vragen.intro"] = []string{q.Intro}
			mf["vragen.questions"] = q.Questions
		}
		// A task removed because it is given elsewhere is recorded on the module.
		for _, ts := range []struct {
			name  string
			tasks []Task
		}{{"voorbereiding.tasks", m.Voorbereiding.Tasks}, {"huiswerk", m.Huiswerk}} {
			mf[ts.name] = nil
			for _, t := range ts.tasks {
				mf[ts.name] = append(mf[ts.name], t.Title, t.Text)
			}
		}
		l.adapted(f, "", m.Adapted, mf)
	}
	for n := 1; n <= 4; n++ {
		if _, ok := seenNum[n]; !ok {
			l.errs = append(l.errs, FieldError{File: "modules/", Field: "number", Msg: fmt.Sprintf("module %d is missing", n)})
		}
	}
}

func (l *loader) task(f, field string, t Task, ids map[string]string, vars map[string]string) {
	l.id(f, field+".id", t.ID, ids)
	l.label(f, field+".title", t.Title)
	l.asWritten(f, field+".title", t.Title)
	if l.required(f, field+".text", t.Text) {
		l.moduleText(f, field+".text", t.Text, vars)
	}
	l.adapted(f, field+".", t.Adapted, map[string][]string{"title": {t.Title}, "text": {t.Text}})
}

// maxKort bounds a module's short introduction: it opens the preparation message, above the tasks and readings.
const maxKort = 600

// kort checks a module's short introduction: at most maxKort characters, every sentence taken from the inleiding,
// so that the preparation never says more or other than the manual.
func (l *loader) kort(f string, m *Module) {
	if n := utf8.RuneCountInString(m.Kort); n > maxKort {
		l.add(f, "kort", fmt.Sprintf("kort is %d characters, at most %d: it is the gist; the whole inleiding is one click away", n, maxKort))
	}
	inleiding := strings.Join(strings.Fields(m.Inleiding), " ")
	for _, s := range textSentences(m.Kort) {
		if !strings.Contains(inleiding, strings.Join(strings.Fields(s.text), " ")) {
			l.add(f, "kort", fmt.Sprintf("the sentence %q is not in the inleiding; kort takes its sentences from it", s.text))
		}
	}
}

// adapted checks the records of adapted sentences of one entry (Adaptation): each names a field of the entry,
// says what the manual had and why, and still matches the text: To is in the field and From no longer is.
func (l *loader) adapted(f, prefix string, as []Adaptation, fields map[string][]string) {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	for i, a := range as {
		field := fmt.Sprintf("%sadapted[%d]", prefix, i)
		texts, ok := fields[a.Field]
		if !ok {
			l.add(f, field+".field", fmt.Sprintf("unknown field %q, want one of %s", a.Field, strings.Join(names, ", ")))
			continue
		}
		l.required(f, field+".from", a.From)
		l.required(f, field+".why", a.Why)
		text := strings.Join(texts, "\n")
		if a.To != "" && !strings.Contains(text, a.To) {
			l.add(f, field+".to", fmt.Sprintf("%q is not in %s: write the sentence as the text has it now, or remove the record", clip(a.To, 80), a.Field))
		}
		// A sentence that only gained something ("…helpen" → "…helpen.") still holds the manual's words.
		if a.From != "" && strings.Contains(text, a.From) && !strings.Contains(a.To, a.From) {
			l.add(f, field+".from", fmt.Sprintf("the manual's sentence is still in %s as it was: nothing was adapted, so remove the record", a.Field))
		}
	}
}

// moduleText checks a module's mrkdwn text: it may name the cohort's cases with {casussen} and {lvb} and no other
// placeholder, and filled with vars (the longest names) it stays within Slack's limits.
func (l *loader) moduleText(f, field, s string, vars map[string]string) {
	for _, ph := range placeholders(s) {
		if !slices.Contains(modulePlaceholders, ph) {
			l.add(f, field, fmt.Sprintf("unknown placeholder {%s}; a module text may use {%s}", ph, strings.Join(modulePlaceholders, "} {")))
		}
	}
	l.text(f, field, Fill(s, textVars(vars)))
}

// asWritten refuses placeholders in a title or reading: those are shown in lists and buttons as written, where
// nothing fills them; the cohort's case names belong in the text.
func (l *loader) asWritten(f, field, s string) {
	for _, ph := range placeholders(s) {
		l.add(f, field, fmt.Sprintf("placeholder {%s} in a title or reading is shown as written; name the cases in the text with {%s}", ph, strings.Join(modulePlaceholders, "} {")))
	}
}

func (l *loader) reading(f, field string, r Reading, ids map[string]string) {
	l.id(f, field+".id", r.ID, ids)
	l.required(f, field+".title", r.Title)
	l.asWritten(f, field, r.Citation())
	if r.Link != "" {
		if err := checkURL(r.Link); err != nil {
			l.add(f, field+".link", err.Error())
		}
	}
	// A reading is shown as one section with a "Gelezen" button.
	if n := utf8.RuneCountInString(r.Citation() + r.Link); n > MaxSectionText {
		l.add(f, field, fmt.Sprintf("reading is %d characters, at most %d", n, MaxSectionText))
	}
}

func (l *loader) validateCases(c *Course) {
	caseIDs, variantIDs := map[string]string{}, map[string]string{}
	for i := range c.Cases {
		cs, f := &c.Cases[i], l.caseFiles[i]
		l.id(f, "id", cs.ID, caseIDs)
		l.required(f, "title", cs.Title)
		l.required(f, "domain", cs.Domain)
		if len(cs.Variants) == 0 {
			l.add(f, "variants", "required: at least one name variant")
		}
		for j, v := range cs.Variants {
			field := fmt.Sprintf("variants[%d]", j)
			l.id(f, field+".id", v.ID, variantIDs)
			l.label(f, field+".name", v.Name)
			if v.Gender != GenderMale && v.Gender != GenderFemale {
				l.add(f, field+".gender", fmt.Sprintf("gender %q, want %q (hij) or %q (zij)", v.Gender, GenderMale, GenderFemale))
			}
		}
		for j, p := range cs.Persons {
			field := fmt.Sprintf("persons[%d]", j)
			if len(p.Names) == 0 {
				l.add(f, field+".names", "required: at least one name")
			}
			for k, n := range p.Names {
				if strings.TrimSpace(n) == "" || strings.ContainsAny(n, "{}") {
					l.add(f, fmt.Sprintf("%s.names[%d]", field, k), "a name is a word from the texts, like \"vader\" or \"Anton\"")
				}
			}
			if p.Gender != GenderMale && p.Gender != GenderFemale {
				l.add(f, field+".gender", fmt.Sprintf("gender %q, want %q (hij) or %q (zij)", p.Gender, GenderMale, GenderFemale))
			}
		}
		if len(cs.StageTemplates) == 0 {
			l.add(f, "stages", "required: at least one stage")
		}
		stageIDs := map[string]string{}
		for j, s := range cs.StageTemplates {
			field := fmt.Sprintf("stages[%d]", j)
			l.id(f, field+".id", s.ID, stageIDs)
			if _, ok := c.Module(s.Module); !ok {
				l.add(f, field+".module", fmt.Sprintf("module %d does not exist", s.Module))
			}
			l.required(f, field+".title", s.Title)
			l.required(f, field+".text", s.Text)
			l.adapted(f, field+".", s.Adapted, map[string][]string{
				"title": {s.Title}, "text": {s.Text}, "assignment": {s.Assignment}, "trainer_note": {s.TrainerNote},
			})
			switch s.Audience {
			case StageChannel, StageTrainer:
				if s.Role != "" {
					l.add(f, field+".role", fmt.Sprintf("role is only for audience %q", StageRole))
				}
			case StageRole:
				l.label(f, field+".role", s.Role)
			default:
				l.add(f, field+".audience", fmt.Sprintf("audience %q, want one of %s, %s, %s", s.Audience, StageChannel, StageRole, StageTrainer))
			}
		}
		// Render every variant: unknown markers and over-long texts show up here, per variant.
		for _, v := range cs.Variants {
			if v.Gender != GenderMale && v.Gender != GenderFemale {
				continue
			}
			if _, err := renderVariant(cs.Title, v); err != nil {
				l.add(f, "title", err.Error())
			}
			for j, s := range cs.StageTemplates {
				for _, fl := range []struct{ name, src string }{{"title", s.Title}, {"text", s.Text}, {"assignment", s.Assignment}, {"trainer_note", s.TrainerNote}} {
					field := fmt.Sprintf("stages[%d].%s", j, fl.name)
					r, err := renderVariant(fl.src, v)
					if err != nil {
						l.add(f, field, err.Error())
						continue
					}
					l.text(f, field, r)
				}
			}
		}
	}
	for i := range c.Cases {
		l.pronouns(l.caseFiles[i], &c.Cases[i])
	}
	// Keep CaseForVariant honest: every variant of the loaded course must resolve to its own case.
	for _, cs := range c.Cases {
		for _, v := range cs.Variants {
			if got, ok := variantCases[v.ID]; ok && got != cs.ID {
				l.add(caseFile(l, c, cs.ID), "variants", fmt.Sprintf("variant %q belongs to case %q", v.ID, got))
			}
		}
	}
}

// pronouns reports every sentence in which a pronoun marker could point at someone else than the client.
func (l *loader) pronouns(f string, cs *Case) {
	for _, p := range cs.AmbiguousPronouns() {
		if p.Variant.Gender != GenderMale && p.Variant.Gender != GenderFemale {
			continue
		}
		others := make([]string, len(p.Others))
		for i, o := range p.Others {
			others[i] = o
			if strings.HasPrefix(o, "‘") {
				others[i] = "whoever " + o + " is"
			}
		}
		l.addLine(f, p.Field, l.textLine(f, p.Field, p.Line), fmt.Sprintf(
			"ambiguous pronoun in variant %s: %s could mean %s as well as %s; write the name or the relation (\"{naam}\", \"zijn {kind}\") instead: %q",
			p.Variant.ID, strings.Join(p.Markers, " "), strings.Join(others, " or "), p.Variant.Name, p.Sentence))
	}
}

func caseFile(l *loader, c *Course, id string) string {
	for i, cs := range c.Cases {
		if cs.ID == id {
			return l.caseFiles[i]
		}
	}
	return "cases/"
}

func (l *loader) validateMeter(m *Meter) {
	const f = "meter.yaml"
	l.required(f, "title", m.Title)
	if l.required(f, "purpose", m.Purpose) {
		l.text(f, "purpose", m.Purpose)
	}
	l.text(f, "intro", m.Intro)
	defer l.adapted(f, "", m.Adapted, map[string][]string{
		"purpose": {m.Purpose}, "intro": {m.Intro}, "stap2.text": {m.Stap2.Text}, "stap3.text": {m.Stap3.Text},
		"stap3.tips": m.Stap3.Tips, "stap4.text": {m.Stap4.Text}, "stap4.tips": m.Stap4.Tips,
	})
	if len(m.Scale) < 2 {
		l.add(f, "scale", "required: at least two scale points")
	}
	for i, p := range m.Scale {
		field := fmt.Sprintf("scale[%d]", i)
		if p.Value != i+1 {
			l.add(f, field+".value", fmt.Sprintf("value %d, want %d (the scale counts up from 1)", p.Value, i+1))
		}
		l.label(f, field+".label", p.Label)
	}
	if len(m.Areas) == 0 {
		l.add(f, "areas", "required: at least one area")
	}
	areaIDs, stmtIDs := map[string]string{}, map[string]string{}
	for i, a := range m.Areas {
		field := fmt.Sprintf("areas[%d]", i)
		l.id(f, field+".id", a.ID, areaIDs)
		l.label(f, field+".title", a.Title)
		if len(a.Statements) == 0 {
			l.add(f, field+".statements", "required: at least one statement")
		}
		for j, s := range a.Statements {
			sf := fmt.Sprintf("%s.statements[%d]", field, j)
			l.id(f, sf+".id", s.ID, stmtIDs)
			if l.required(f, sf+".text", s.Text) {
				l.text(f, sf+".text", s.Text)
			}
		}
	}
	for _, st := range []struct {
		name string
		s    *Step
	}{{"stap2", &m.Stap2}, {"stap3", &m.Stap3}, {"stap4", &m.Stap4}} {
		l.required(f, st.name+".title", st.s.Title)
		if l.required(f, st.name+".text", st.s.Text) {
			l.text(f, st.name+".text", st.s.Text)
		}
		for i, q := range st.s.Questions {
			l.label(f, fmt.Sprintf("%s.questions[%d]", st.name, i), q)
		}
		if len(st.s.Tips) > 0 {
			l.required(f, st.name+".tips_title", st.s.TipsTitle)
		}
		for i, t := range st.s.Tips {
			if l.required(f, fmt.Sprintf("%s.tips[%d]", st.name, i), t) {
				l.text(f, fmt.Sprintf("%s.tips[%d]", st.name, i), t)
			}
		}
	}
}

func (l *loader) validateRules(c *Course) {
	const f = "rules.yaml"
	if len(c.Rules) == 0 {
		l.add(f, "rules", "required: at least one rule")
	}
	seen := map[string]string{}
	for i, r := range c.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		l.id(f, field+".id", r.ID, seen)
		if !slices.Contains(RuleKinds, r.Kind) {
			l.add(f, field+".kind", fmt.Sprintf("unknown kind %q, want one of %s", r.Kind, strings.Join(RuleKinds, ", ")))
		}
		for j, n := range r.Modules {
			if _, ok := c.Module(n); !ok {
				l.add(f, fmt.Sprintf("%s.modules[%d]", field, j), fmt.Sprintf("module %d does not exist", n))
			}
		}
		if !slices.Contains(RuleAnchors, r.Anchor) {
			l.add(f, field+".anchor", fmt.Sprintf("anchor %q, want one of %s", r.Anchor, strings.Join(RuleAnchors, ", ")))
		}
		if r.Anchor == "next_module_start" && r.AppliesTo(4) {
			l.add(f, field+".modules", "anchor next_module_start needs a next module: leave module 4 out")
		}
		if r.At != "" {
			if _, err := time.Parse("15:04", r.At); err != nil {
				l.add(f, field+".at", fmt.Sprintf("time %q, want HH:MM like \"09:00\"", r.At))
			}
			if r.Offset != 0 {
				l.add(f, field+".offset", "offset only works without at")
			}
		}
		if !slices.Contains(RuleAudiences, r.Audience) {
			l.add(f, field+".audience", fmt.Sprintf("audience %q, want one of %s", r.Audience, strings.Join(RuleAudiences, ", ")))
		}
		if !slices.Contains(RuleDeadlines, r.Deadline) {
			l.add(f, field+".deadline", fmt.Sprintf("deadline %q, want one of %s", r.Deadline, strings.Join(RuleDeadlines, ", ")))
		}
		if r.Deadline == "next_module_start" && r.AppliesTo(4) {
			l.add(f, field+".deadline", "deadline next_module_start has no next module after module 4: use none or leave module 4 out")
		}
		switch {
		case r.Calendar != "" && !slices.Contains(RuleCalendars, r.Calendar):
			l.add(f, field+".calendar", fmt.Sprintf("calendar %q, want one of %s", r.Calendar, strings.Join(RuleCalendars, ", ")))
		case r.Urgent && r.Calendar != "" && r.Calendar != CalendarNone:
			l.add(f, field+".calendar", fmt.Sprintf("an urgent rule ignores the calendar: leave out calendar %q or urgent", r.Calendar))
		}
		if r.Requires != "" && !slices.Contains(RuleRequires, r.Requires) {
			l.add(f, field+".requires", fmt.Sprintf("unknown setting %q, want one of %s", r.Requires, strings.Join(RuleRequires, ", ")))
		}
		l.label(f, field+".title", r.Title)
	}
}

func (l *loader) validatePhrases(p *Phrases) {
	const f = "phrases.yaml"
	for _, s := range slices.Concat(phraseSpecs, workPhraseSpecs) {
		v := s.get(p)
		if s.button {
			l.label(f, s.key, v)
			continue
		}
		if !l.required(f, s.key, v) {
			continue
		}
		for _, ph := range placeholders(v) {
			if !slices.Contains(s.placeholders, ph) {
				allowed := "none"
				if len(s.placeholders) > 0 {
					allowed = "{" + strings.Join(s.placeholders, "} {") + "}"
				}
				l.add(f, s.key, fmt.Sprintf("unknown placeholder {%s}; this text may use %s", ph, allowed))
			}
		}
		l.text(f, s.key, v)
	}
	l.validateWorkPhrases(p)
	// A modal's title is at most 24 characters; the longest module number is one digit.
	if n := utf8.RuneCountInString(Fill(p.ModuleInfoTitle, Vars{"module": "4"})); n > MaxModalTitle {
		l.add(f, "module_info_title", fmt.Sprintf("title is %d characters, Slack allows at most %d", n, MaxModalTitle))
	}
}

func (l *loader) validateEvaluation(e *Evaluation) {
	const f = "evaluation.yaml"
	l.required(f, "title", e.Title)
	l.text(f, "intro", e.Intro)
	if len(e.Items) == 0 {
		l.add(f, "items", "required: at least one item")
	}
	seen := map[string]string{}
	for i, it := range e.Items {
		field := fmt.Sprintf("items[%d]", i)
		l.id(f, field+".id", it.ID, seen)
		l.label(f, field+".title", it.Title)
		if l.required(f, field+".question", it.Question) {
			l.text(f, field+".question", it.Question)
		}
	}
}

func (l *loader) validateAbout(a *About) {
	const f = "about.yaml"
	l.required(f, "title", a.Title)
	if len(a.Publishers) == 0 {
		l.add(f, "publishers", "required: at least one publisher")
	}
	if a.Link != "" {
		if err := checkURL(a.Link); err != nil {
			l.add(f, "link", err.Error())
		}
	}
	if l.required(f, "attribution", a.Attribution) {
		l.text(f, "attribution", a.Attribution)
	}
	l.required(f, "credit", a.Credit)
}
