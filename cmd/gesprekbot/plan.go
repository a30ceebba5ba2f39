package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
)

// planUsage is the help text of `gesprekbot plan`.
const planUsage = `Usage: gesprekbot plan -f FILE [--format text|json] [--allow-past]

Prints the timeline of the cohort file FILE: every message the bot will send, when, and to whom. Needs no Slack
and no database. The course content is the built-in copy, or CONTENT_DIR when set.

  -f FILE         the cohort file (YAML; see the README)
  --format F      text (default): a timeline to read; json: an array with key, kind, module, audience, due_at,
                  deadline (RFC 3339, null for none) and title of every delivery
  --allow-past    plan a cohort whose modules have started already

Keys in the plan start with the cohort name's slug; a stored cohort's keys start with its id ("c42/...").
`

// runPlan runs `gesprekbot plan ...` at now, with cfg's content and time zone: 0 ok, 1 invalid cohort file or
// content, 2 usage error.
func runPlan(args []string, stdout, stderr io.Writer, cfg *Config, now time.Time) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	file := fs.String("f", "", "")
	format := fs.String("format", "text", "")
	allowPast := fs.Bool("allow-past", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, planUsage)
			return 0
		}
		return planUsageErr(stderr, err.Error())
	}
	switch {
	case fs.NArg() > 0:
		return planUsageErr(stderr, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case *file == "":
		return planUsageErr(stderr, "-f FILE is required")
	case *format != "text" && *format != "json":
		return planUsageErr(stderr, fmt.Sprintf("--format must be text or json, not %q", *format))
	}

	c, code := readCohortFile(*file, *allowPast, now, cfg.courseTZ(), stderr)
	if c == nil {
		return code
	}
	course, err := loadContent(cfg.ContentDir)
	if err != nil {
		return contentLoadErr(stderr, cfg.ContentDir, err)
	}
	ds, err := planCohort(c, course.Rules)
	if err != nil {
		fmt.Fprintf(stderr, "gesprekbot plan: %v\n", err)
		return 1
	}
	if *format == "json" {
		if ds == nil {
			ds = []content.Delivery{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ds); err != nil {
			fmt.Fprintf(stderr, "gesprekbot plan: %v\n", err)
			return 1
		}
		return 0
	}
	writeTimeline(stdout, c, ds)
	return 0
}

func planUsageErr(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "gesprekbot plan: %s\n\n%s", msg, planUsage)
	return 2
}

// readCohortFile reads and checks a cohort file. On failure it prints every problem to stderr and returns nil with
// the exit code: 1 for an unreadable or invalid file.
func readCohortFile(file string, allowPast bool, now time.Time, tz string, stderr io.Writer) (*content.Cohort, int) {
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "gesprekbot: %v\n", err)
		return nil, 1
	}
	c, err := content.ParseCohortIn(data, file, tz)
	if err == nil {
		err = c.Validate(now, allowPast)
	}
	var es content.Errors
	switch {
	case errors.As(err, &es):
		fmt.Fprintf(stderr, "%s: %d error(s):\n", file, len(es))
		past := false
		for _, e := range es {
			fmt.Fprintf(stderr, "  %s\n", e.Error())
			past = past || e.Msg == "is in the past"
		}
		if past {
			fmt.Fprintln(stderr, "Use --allow-past for a cohort that has started already.")
		}
		return nil, 1
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\n", file, err)
		return nil, 1
	}
	return c, 0
}

// planCohort plans c with the given rules on the cohort's own calendar.
func planCohort(c *content.Cohort, rules []content.Rule) ([]content.Delivery, error) {
	cal, err := scheduler.NewCalendar(c)
	if err != nil {
		return nil, err
	}
	return scheduler.Plan(c, rules, cal)
}

// audienceLabel says in Dutch who receives a delivery.
func audienceLabel(a string) string {
	switch a {
	case content.AudienceChannel:
		return "kanaal"
	case content.AudienceParticipants:
		return "elke deelnemer (DM)"
	case content.AudienceParticipant:
		return "één deelnemer (DM)"
	case content.AudienceTrainers:
		return "trainers (DM)"
	}
	return a
}

// writeTimeline prints the cohort and its plan as a trainer reads it: the modules, then every delivery by date.
func writeTimeline(w io.Writer, c *content.Cohort, ds []content.Delivery) {
	loc, err := c.Location()
	if err != nil {
		loc = time.UTC
	}
	writeCohortHeader(w, c, loc)
	fmt.Fprintf(w, "\nPlanning: %d berichten\n", len(ds))
	var last time.Time
	for i, d := range ds {
		l := d.DueAt.In(loc)
		day := content.DateColumn.Format(l)
		_, week := l.ISOWeek()
		_, lastWeek := last.ISOWeek()
		if i > 0 && week != lastWeek {
			fmt.Fprintln(w)
		}
		shown := day
		if i > 0 && day == content.DateColumn.Format(last) {
			shown = strings.Repeat(" ", len(day))
		}
		last = l
		line := fmt.Sprintf("  %s  %s  module %d  %-20s %s", shown, l.Format("15:04"), d.Module, audienceLabel(d.Audience), d.Title)
		if d.Note != "" {
			line += " (" + d.Note + ")"
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}

// writeCohortHeader prints the cohort's name, channel, trainers, cases, settings and modules.
func writeCohortHeader(w io.Writer, c *content.Cohort, loc *time.Location) {
	fmt.Fprintf(w, "%s\n", c.Name)
	fmt.Fprintf(w, "  Kanaal:     %s\n", c.Channel)
	fmt.Fprintf(w, "  Tijdzone:   %s\n", c.Timezone)
	fmt.Fprintf(w, "  Trainers:   %s\n", strings.Join(c.Trainers, ", "))
	fmt.Fprintf(w, "  Casussen:   %s\n", strings.Join(c.Cases, ", "))
	onOff := map[bool]string{true: "aan", false: "uit"}
	fmt.Fprintf(w, "  Nachtrust:  %s · feestdagen: %s · casus automatisch: %s\n",
		c.Settings.QuietHours, onOff[c.Settings.Holidays], onOff[c.Settings.AutoReveal])
	for _, m := range c.Modules {
		s, e := m.Start.In(loc), m.End.In(loc)
		fmt.Fprintf(w, "  Module %d:   %s %s–%s, %s\n", m.Number, content.DateColumn.Format(s), s.Format("15:04"), e.Format("15:04"), m.Location)
	}
}
