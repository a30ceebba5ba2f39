package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// cohortUsage is the help text of `gesprekbot cohort`.
const cohortUsage = `Usage: gesprekbot cohort <command>

Commands:
  apply -f FILE [--allow-past]   create the cohort in FILE, or update the one with its name, and store its plan;
                                 running it again with the same file changes nothing. Messages already sent keep
                                 their time; messages no longer planned are cancelled.
  list                           list every cohort with its dates and how many messages are sent and pending
  show NAME                      show a cohort: modules, trainers, cases, settings, and its messages by status

The cohort file is YAML (see the README). A channel given as "#name" and trainers given by e-mail address are
stored as written until the bot looks them up in Slack. The course content is the built-in copy, or CONTENT_DIR.
`

// runCohort runs `gesprekbot cohort ...` on an open, migrated database, with cfg's content and time zone: 0 ok, 1
// invalid file or failure, 2 usage error.
func runCohort(ctx context.Context, db *store.DB, args []string, stdout, stderr io.Writer, cfg *Config) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, cohortUsage)
		return 2
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, cohortUsage)
		return 0
	case "apply":
		return cohortApply(ctx, db, args[1:], stdout, stderr, cfg)
	case "list":
		if len(args) > 1 {
			return cohortUsageErr(stderr, "list takes no arguments")
		}
		return cohortList(ctx, db, stdout, stderr)
	case "show":
		if len(args) != 2 {
			return cohortUsageErr(stderr, "show takes the cohort's name, e.g. gesprekbot cohort show \"Utrecht najaar 2026\"")
		}
		return cohortShow(ctx, db, args[1], stdout, stderr)
	}
	return cohortUsageErr(stderr, fmt.Sprintf("unknown command %q", args[0]))
}

func cohortUsageErr(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "gesprekbot cohort: %s\n\n%s", msg, cohortUsage)
	return 2
}

func cohortApply(ctx context.Context, db *store.DB, args []string, stdout, stderr io.Writer, cfg *Config) int {
	fs := flag.NewFlagSet("cohort apply", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	file := fs.String("f", "", "")
	allowPast := fs.Bool("allow-past", false, "")
	if err := fs.Parse(args); err != nil {
		return cohortUsageErr(stderr, err.Error())
	}
	switch {
	case fs.NArg() > 0:
		return cohortUsageErr(stderr, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case *file == "":
		return cohortUsageErr(stderr, "apply needs -f FILE")
	}
	c, code := readCohortFile(*file, *allowPast, db.Now(), cfg.courseTZ(), stderr)
	if c == nil {
		return code
	}
	course, err := loadContent(cfg.ContentDir)
	if err != nil {
		return contentLoadErr(stderr, cfg.ContentDir, err)
	}
	res, err := db.ApplyCohort(ctx, c, func(saved *content.Cohort) ([]content.Delivery, error) {
		return planCohort(saved, course.Rules)
	})
	var taken *store.ChannelTakenError
	if errors.As(err, &taken) {
		fmt.Fprintf(stderr, "gesprekbot cohort: channel %s belongs to another cohort already\n", c.Channel)
		return 1
	} else if err != nil {
		return cohortErr(stderr, err)
	}
	if err := db.Audit(ctx, store.AuditEntry{CohortID: &c.ID, Actor: "operator", Action: "cohort_applied",
		Detail: map[string]any{"file": *file, "added": res.Added, "updated": res.Updated, "kept": res.Kept,
			"cancelled": res.Cancelled}}); err != nil {
		return cohortErr(stderr, err)
	}
	fmt.Fprintf(stdout, "Applied cohort %q (id %d, channel %s).\n", c.Name, c.ID, c.Channel)
	fmt.Fprintf(stdout, "Plan: %d new, %d re-planned, %d kept as they were (sent, missed, failed or in progress), %d cancelled.\n",
		res.Added, res.Updated, res.Kept, res.Cancelled)
	var notes []string
	if strings.HasPrefix(c.Channel, "#") {
		notes = append(notes, fmt.Sprintf("the bot looks up channel %s in Slack when it runs", c.Channel))
	}
	for _, t := range c.Trainers {
		if content.IsEmail(t) {
			notes = append(notes, fmt.Sprintf("the bot looks up trainer %s in Slack when it runs", t))
		}
	}
	for _, n := range notes {
		fmt.Fprintf(stdout, "Note: %s.\n", n)
	}
	return 0
}

func cohortList(ctx context.Context, db *store.DB, stdout, stderr io.Writer) int {
	cs, err := db.Cohorts(ctx)
	if err != nil {
		return cohortErr(stderr, err)
	}
	if len(cs) == 0 {
		fmt.Fprintln(stdout, "No cohorts yet. Create one with: gesprekbot cohort apply -f FILE")
		return 0
	}
	fmt.Fprintf(stdout, "%-4s  %-30s  %-24s  %-23s  %s\n", "ID", "NAME", "CHANNEL", "MODULES", "MESSAGES")
	for _, c := range cs {
		counts, err := db.DeliveryCounts(ctx, c.ID)
		if err != nil {
			return cohortErr(stderr, err)
		}
		dates := ""
		if n := len(c.Modules); n > 0 {
			dates = c.Modules[0].Start.Format("2006-01-02") + " – " + c.Modules[n-1].End.Format("2006-01-02")
		}
		fmt.Fprintf(stdout, "%-4d  %-30s  %-24s  %-23s  %s\n", c.ID, c.Name, c.Channel, dates, countsLine(counts))
	}
	return 0
}

func cohortShow(ctx context.Context, db *store.DB, name string, stdout, stderr io.Writer) int {
	c, err := db.CohortByName(ctx, name)
	if content.ErrorCode(err) == content.ENOTFOUND {
		fmt.Fprintf(stderr, "gesprekbot cohort: no cohort named %q (see gesprekbot cohort list)\n", name)
		return 1
	} else if err != nil {
		return cohortErr(stderr, err)
	}
	counts, err := db.DeliveryCounts(ctx, c.ID)
	if err != nil {
		return cohortErr(stderr, err)
	}
	ds, err := db.Deliveries(ctx, c.ID)
	if err != nil {
		return cohortErr(stderr, err)
	}
	loc, err := c.Location()
	if err != nil {
		loc = time.UTC
	}
	writeCohortHeader(stdout, c, loc)
	fmt.Fprintf(stdout, "  Id:         %d\n", c.ID)
	fmt.Fprintf(stdout, "\nMessages: %s\n", countsLine(counts))
	now := db.Now()
	shown := 0
	for _, d := range ds {
		if d.Status != store.StatusPending || d.DueAt.Before(now) {
			continue
		}
		if shown == 0 {
			fmt.Fprintln(stdout, "Next:")
		}
		l := d.DueAt.In(loc)
		fmt.Fprintf(stdout, "  %s  %s  module %d  %-20s %s\n", content.DateColumn.Format(l), l.Format("15:04"), d.Module, audienceLabel(d.Audience), d.Title)
		if shown++; shown == 5 {
			break
		}
	}
	return 0
}

// statusOrder is the order in which delivery counts are listed.
var statusOrder = []string{store.StatusSent, store.StatusPending, store.StatusSending, store.StatusMissed,
	store.StatusFailed, store.StatusCancelled}

// countsLine formats delivery counts as "3 sent, 25 pending, 0 missed, 0 failed" (statuses with none left out,
// except the four a trainer asks about).
func countsLine(counts map[string]int) string {
	var parts []string
	for _, s := range statusOrder {
		n := counts[s]
		if n == 0 && (s == store.StatusSending || s == store.StatusCancelled) {
			continue
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, s))
	}
	return strings.Join(parts, ", ")
}

// cohortErr prints an unexpected error for the operator.
func cohortErr(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "gesprekbot cohort: %v\n", err)
	return 1
}
