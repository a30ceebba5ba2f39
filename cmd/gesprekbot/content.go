package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gesprekbot/gesprekbot/content"
)

// contentUsage is the help text of `gesprekbot content`.
const contentUsage = `Usage: gesprekbot content <command>

Commands:
  check [DIR]                     validate the content in DIR (default: the built-in copy); exit 1 lists every error
  export DIR                      write the built-in content to DIR (new or empty) for editing
  show                            print an overview of the whole course
  show module N                   print module N (1-4) in full
  show case NAME [--variant V]    print a case (richard, johan, emma) with its stages; V is e.g. johanna or tom
  show meter                      print the competentiemeter
  show adapted                    print every sentence that differs from the manual: the manual's words, the
                                  text now, and why

Run the bot with CONTENT_DIR=DIR to use an edited copy; an invalid copy stops the bot with its errors.
`

// showWidth is the line width of `content show`.
const showWidth = 100

// loadContent returns the trainer-edited course in dir, or the built-in one when dir is empty.
func loadContent(dir string) (*content.Course, error) {
	if dir == "" {
		return content.Default()
	}
	return content.LoadDir(dir)
}

// contentCmd runs `gesprekbot content ...`: 0 ok, 1 invalid content or failure, 2 usage error.
func contentCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, contentUsage)
		return 2
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, contentUsage)
		return 0
	case "check":
		if len(args) > 2 {
			return contentUsageErr(stderr, "check takes at most one directory")
		}
		dir := ""
		if len(args) == 2 {
			dir = args[1]
		}
		if _, err := loadContent(dir); err != nil {
			return contentLoadErr(stderr, dir, err)
		}
		where := "built-in content"
		if dir != "" {
			where = dir
		}
		fmt.Fprintf(stdout, "%s: ok\n", where)
		return 0
	case "export":
		if len(args) != 2 {
			return contentUsageErr(stderr, "export needs exactly one directory")
		}
		if err := content.Export(args[1]); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "wrote the course content to %s; edit it, check it with `gesprekbot content check %s`, then run with CONTENT_DIR=%s\n", args[1], args[1], args[1])
		return 0
	case "show":
		return contentShow(args[1:], stdout, stderr)
	default:
		return contentUsageErr(stderr, fmt.Sprintf("unknown command %q", args[0]))
	}
}

func contentUsageErr(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "gesprekbot content: %s\n\n%s", msg, contentUsage)
	return 2
}

func contentLoadErr(stderr io.Writer, dir string, err error) int {
	var es content.Errors
	if errors.As(err, &es) {
		where := "built-in content"
		if dir != "" {
			where = dir
		}
		fmt.Fprintf(stderr, "%s: %d error(s):\n", where, len(es))
		for _, e := range es {
			fmt.Fprintf(stderr, "  %s\n", e.Error())
		}
		return 1
	}
	fmt.Fprintln(stderr, err)
	return 1
}

func contentShow(args []string, stdout, stderr io.Writer) int {
	c, err := loadContent("")
	if err != nil {
		return contentLoadErr(stderr, "", err)
	}
	p := &printer{w: stdout}
	switch {
	case len(args) == 0:
		showOverview(p, c)
	case args[0] == "module" && len(args) == 2:
		n, err := strconv.Atoi(args[1])
		m, ok := c.Module(n)
		if err != nil || !ok {
			return contentUsageErr(stderr, fmt.Sprintf("no module %q; modules are 1 to 4", args[1]))
		}
		// No cohort here: show the manual's own wording ("Emma / Johan of Richard") where a text names the cases, so
		// the trainer proofreads the text the manual has; a cohort reads its own two cases there.
		manual := m.WithCases(c.ManualCaseVars())
		showModule(p, &manual)
	case args[0] == "case" && (len(args) == 2 || len(args) == 4 && args[2] == "--variant"):
		variant := ""
		if len(args) == 4 {
			variant = args[3]
		}
		name := strings.ToLower(args[1])
		cs, ok := c.Case(content.CaseForVariant(name))
		if !ok {
			return contentUsageErr(stderr, fmt.Sprintf("no case %q; cases are richard, johan and emma", args[1]))
		}
		if variant == "" && name != cs.ID {
			variant = name // "show case johanna" means that variant
		}
		if err := showCase(p, cs, variant); err != nil {
			return contentUsageErr(stderr, err.Error())
		}
	case args[0] == "meter" && len(args) == 1:
		showMeter(p, &c.Meter)
	case args[0] == "adapted" && len(args) == 1:
		showAdapted(p, c)
	default:
		return contentUsageErr(stderr, "show takes: (nothing) | module N | case NAME [--variant V] | meter | adapted")
	}
	return 0
}

// printer writes plain text for proofreading.
type printer struct{ w io.Writer }

func (p *printer) title(s string) {
	fmt.Fprintf(p.w, "\n%s\n%s\n", strings.ToUpper(s), strings.Repeat("=", len([]rune(s))))
}

func (p *printer) heading(s string) {
	fmt.Fprintf(p.w, "\n%s\n%s\n", s, strings.Repeat("-", len([]rune(s))))
}

func (p *printer) para(mrkdwn string) {
	if strings.TrimSpace(mrkdwn) == "" {
		return
	}
	fmt.Fprintln(p.w, content.Wrap(content.PlainText(mrkdwn), showWidth))
	fmt.Fprintln(p.w)
}

func (p *printer) list(items []string, numbered bool) {
	for i, it := range items {
		prefix := "• "
		if numbered {
			prefix = fmt.Sprintf("%d. ", i+1)
		}
		fmt.Fprintln(p.w, content.Wrap(prefix+content.PlainText(it), showWidth))
	}
	if len(items) > 0 {
		fmt.Fprintln(p.w)
	}
}

func readingLines(rs []content.Reading) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Citation()
		if r.Link != "" {
			out[i] += " " + r.Link
		}
	}
	return out
}

func showOverview(p *printer, c *content.Course) {
	p.title(c.About.Title)
	p.para(c.About.Subtitle)
	p.heading("Modules")
	for _, m := range c.Modules {
		fmt.Fprintf(p.w, "Module %d – %s (%s): %d leeruitkomsten, %d voorbereidingstaken, %d teksten te lezen, %d huiswerkopdrachten\n",
			m.Number, m.Title, m.Kop, len(m.Leeruitkomsten), len(m.Voorbereiding.Tasks), len(m.Voorbereiding.Lezen), len(m.Huiswerk))
	}
	p.heading("Casuïstiek")
	for i := range c.Cases {
		cs := &c.Cases[i]
		names := make([]string, len(cs.Variants))
		for j, v := range cs.Variants {
			names[j] = v.Name
		}
		fmt.Fprintf(p.w, "%s (%s), varianten: %s\n", cs.ID, cs.Domain, strings.Join(names, " / "))
		for _, s := range cs.StageTemplates {
			fmt.Fprintf(p.w, "  module %d · %-18s · %s\n", s.Module, s.ID, s.Audience)
		}
	}
	p.heading("Competentiemeter")
	for _, a := range c.Meter.Areas {
		fmt.Fprintf(p.w, "%s: %d stellingen\n", a.Title, len(a.Statements))
	}
	labels := make([]string, len(c.Meter.Scale))
	for i, s := range c.Meter.Scale {
		labels[i] = fmt.Sprintf("%d %s", s.Value, s.Label)
	}
	fmt.Fprintf(p.w, "Schaal: %s\n", strings.Join(labels, " · "))
	p.heading("Planning (rules.yaml)")
	for _, r := range c.Rules {
		when := r.At
		if when == "" {
			when = r.Offset.Std().String()
		}
		mods := "alle modules"
		if len(r.Modules) > 0 {
			mods = fmt.Sprintf("modules %v", r.Modules)
		}
		fmt.Fprintf(p.w, "%-26s %-28s %s %+d dagen, %s → %s (%s)\n", r.ID, r.Title, r.Anchor, r.Days, when, r.Audience, mods)
	}
	p.heading("Afsluitende evaluatie")
	for _, it := range c.Evaluation.Items {
		fmt.Fprintf(p.w, "%s\n", it.Title)
	}
	p.heading("Bron")
	p.para(c.About.Attribution)
	p.para(c.About.Credit)
}

func showModule(p *printer, m *content.Module) {
	p.title(fmt.Sprintf("Module %d – %s", m.Number, m.Title))
	p.para(m.Kop)
	p.heading("Inleiding")
	p.para(m.Inleiding)
	fmt.Fprintln(p.w, "Kort (opent de voorbereiding):")
	p.para(m.Kort)
	p.heading("Leeruitkomsten")
	p.list(m.Leeruitkomsten, true)
	p.heading("Programma")
	p.para(m.Programma)
	p.heading("Voorbereiding voor deelnemers")
	p.para(m.Voorbereiding.Intro)
	for _, t := range m.Voorbereiding.Tasks {
		fmt.Fprintf(p.w, "[%s] %s\n", t.ID, t.Title)
		p.para(t.Text)
	}
	if len(m.Voorbereiding.Lezen) > 0 {
		fmt.Fprintln(p.w, "Lezen:")
		p.list(readingLines(m.Voorbereiding.Lezen), false)
	}
	if q := m.Vragen; q != nil {
		p.heading(q.Title)
		p.para(q.Intro)
		p.list(q.Questions, true)
	}
	p.heading("Huiswerk")
	for _, t := range m.Huiswerk {
		fmt.Fprintf(p.w, "[%s] %s\n", t.ID, t.Title)
		p.para(t.Text)
	}
	if m.HuiswerkToelichting != "" {
		fmt.Fprintln(p.w, "Toelichting voor de trainer:")
		p.para(m.HuiswerkToelichting)
	}
	p.heading("Materiaal voor de trainer")
	p.list(m.Materiaal, false)
	if len(m.Achtergrondliteratuur) > 0 {
		p.heading("Achtergrondliteratuur voor de trainer")
		p.list(readingLines(m.Achtergrondliteratuur), false)
	}
	if len(m.MeerLezen) > 0 {
		p.heading("Meer lezen?")
		p.list(readingLines(m.MeerLezen), false)
	}
}

func showCase(p *printer, cs *content.Case, variant string) error {
	title, err := cs.TitleFor(variant)
	if err != nil {
		return err
	}
	stages, err := cs.Stages(variant)
	if err != nil {
		return err
	}
	p.title(title)
	fmt.Fprintf(p.w, "Doelgroep: %s\n\n", cs.Domain)
	p.para(cs.Intro)
	for _, s := range stages {
		who := map[string]string{
			content.StageChannel: "voor de groep",
			content.StageRole:    "rolkaart voor wie " + s.Role + " speelt",
			content.StageTrainer: "alleen voor trainer en acteur",
		}[s.Audience]
		p.heading(fmt.Sprintf("Module %d · %s (%s)", s.Module, s.Title, who))
		p.para(s.Text)
		if s.Assignment != "" {
			fmt.Fprintln(p.w, "Opdracht:")
			p.para(s.Assignment)
		}
		if s.TrainerNote != "" {
			fmt.Fprintln(p.w, "Voor de trainer (nooit in het kanaal):")
			p.para(s.TrainerNote)
		}
	}
	return nil
}

func showMeter(p *printer, m *content.Meter) {
	p.title(m.Title)
	p.para(m.Purpose)
	p.para(m.Intro)
	labels := make([]string, len(m.Scale))
	for i, s := range m.Scale {
		labels[i] = fmt.Sprintf("%d = %s", s.Value, s.Label)
	}
	fmt.Fprintf(p.w, "Score: %s\n", strings.Join(labels, ", "))
	n := 0
	for i, a := range m.Areas {
		p.heading(fmt.Sprintf("%d. %s", i+1, a.Title))
		for _, s := range a.Statements {
			n++
			fmt.Fprintln(p.w, content.Wrap(fmt.Sprintf("%d. %s", n, s.Text), showWidth))
		}
	}
	for _, st := range []content.Step{m.Stap2, m.Stap3, m.Stap4} {
		p.heading(st.Title)
		p.para(st.Text)
		for _, q := range st.Questions {
			fmt.Fprintf(p.w, "%s: …\n", q)
		}
		if len(st.Tips) > 0 {
			fmt.Fprintf(p.w, "\n%s\n", st.TipsTitle)
			p.list(st.Tips, false)
		}
	}
}

// showAdapted prints every recorded adaptation of the manual's wording, where it is, so that a trainer can check the
// course against the manual sentence by sentence.
func showAdapted(p *printer, c *content.Course) {
	p.title("Aangepast ten opzichte van de handleiding")
	n := 0
	show := func(where string, as []content.Adaptation) {
		for _, a := range as {
			n++
			p.heading(where + " · " + a.Field)
			fmt.Fprintln(p.w, content.Wrap("Handleiding: "+a.From, showWidth))
			if a.To == "" {
				fmt.Fprintln(p.w, "Nu: (weggelaten)")
			} else {
				fmt.Fprintln(p.w, content.Wrap("Nu: "+a.To, showWidth))
			}
			fmt.Fprintln(p.w, content.Wrap("Waarom: "+a.Why, showWidth))
		}
	}
	for _, m := range c.Modules {
		where := fmt.Sprintf("Module %d", m.Number)
		show(where, m.Adapted)
		for _, t := range m.Voorbereiding.Tasks {
			show(where+" · voorbereiding "+t.ID, t.Adapted)
		}
		for _, t := range m.Huiswerk {
			show(where+" · huiswerk "+t.ID, t.Adapted)
		}
	}
	for _, cs := range c.Cases {
		for _, st := range cs.StageTemplates {
			show("Casus "+cs.ID+" · "+st.ID, st.Adapted)
		}
	}
	show("Competentiemeter", c.Meter.Adapted)
	for _, r := range c.Reports {
		show("Huiswerkformat "+r.Task, r.Adapted)
		for _, sec := range r.Sections {
			show("Huiswerkformat "+r.Task+" · "+sec.ID, sec.Adapted)
		}
	}
	fmt.Fprintf(p.w, "\n%d zinnen aangepast.\n", n)
}
