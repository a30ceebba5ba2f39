package content

import (
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// Rule says when one kind of message goes out, relative to a module. Its ID is part of every delivery key: never
// rename a rule that a running cohort uses.
type Rule struct {
	ID          string   `yaml:"id"`           // stable, unique, [a-z0-9_]+
	Kind        string   `yaml:"kind"`         // one of RuleKinds
	Modules     []int    `yaml:"modules"`      // which modules it runs for; empty = 1..4
	Anchor      string   `yaml:"anchor"`       // module_start | module_end | next_module_start
	Days        int      `yaml:"days"`         // whole days from the anchor's date (-7 = a week before)
	At          string   `yaml:"at"`           // local "HH:MM"; empty = the anchor's own instant + Offset
	Offset      Duration `yaml:"offset"`       // only with At empty, e.g. "-1h"
	Audience    string   `yaml:"audience"`     // channel | participants (each by DM) | trainers
	Deadline    string   `yaml:"deadline"`     // module_start | module_end | next_module_start | none — after it, missed
	Urgent      bool     `yaml:"urgent"`       // DMs may go out in quiet hours / weekends / holidays
	Calendar    string   `yaml:"calendar"`     // later | earlier | none; empty: later for DMs, none for channel messages
	OnlyPending bool     `yaml:"only_pending"` // only recipients who have not done what it is about
	Requires    string   `yaml:"requires"`     // a cohort setting that must be on, e.g. "auto_reveal"; empty = always
	Title       string   `yaml:"title"`        // short Dutch label for plans and the sandbox clock
}

// RuleKinds lists every kind of message a Rule can schedule.
var RuleKinds = []string{"welcome", "preparation", "preparation_checklist", "reminder_day", "reminder_hour",
	"homework", "homework_reminder", "case_reveal", "meter_reminder", "eindmeting", KindFollowUp,
	KindEvaluation, KindEvaluationTakeHome}

// RuleAnchors lists the moments a Rule can be relative to.
var RuleAnchors = []string{"module_start", "module_end", "next_module_start"}

// RuleAudiences lists who a Rule's message can go to.
var RuleAudiences = []string{"channel", "participants", "trainers"}

// RuleDeadlines lists the moments after which a planned delivery counts as missed; "none" means never.
var RuleDeadlines = []string{"module_start", "module_end", "next_module_start", "none"}

// RuleRequires lists the cohort settings a Rule can depend on.
var RuleRequires = []string{"auto_reveal"}

// How a rule's message keeps to the cohort's calendar (quiet hours, weekends, holidays), the values of
// Rule.Calendar.
const (
	// CalendarLater moves a moment outside working hours to the next working morning, or, when that is too close
	// to the deadline, to the latest working moment before. The default for DMs.
	CalendarLater = "later"
	// CalendarEarlier moves it to the latest working moment before (a Saturday to the Friday before, at the same
	// time), never before the moment the message is about; when there is none, later.
	CalendarEarlier = "earlier"
	// CalendarNone keeps the moment. The default for channel messages, and what urgent DMs do.
	CalendarNone = "none"
)

// RuleCalendars lists the values of Rule.Calendar.
var RuleCalendars = []string{CalendarLater, CalendarEarlier, CalendarNone}

// CalendarMode returns how the rule's message keeps to the calendar: its Calendar, or the default for its audience
// (later for DMs, none for the channel; none for an urgent rule).
func (r Rule) CalendarMode() string {
	switch {
	case r.Urgent:
		return CalendarNone
	case r.Calendar != "":
		return r.Calendar
	case r.Audience == AudienceChannel:
		return CalendarNone
	}
	return CalendarLater
}

// AppliesTo reports whether the rule runs for module n.
func (r Rule) AppliesTo(n int) bool {
	if len(r.Modules) == 0 {
		return n >= 1 && n <= 4
	}
	for _, m := range r.Modules {
		if m == n {
			return true
		}
	}
	return false
}

// Clock returns the rule's local time of day as hour and minute; ok is false when At is empty.
func (r Rule) Clock() (hour, minute int, ok bool) {
	if r.At == "" {
		return 0, 0, false
	}
	t, err := time.Parse("15:04", r.At)
	if err != nil {
		return 0, 0, false
	}
	return t.Hour(), t.Minute(), true
}

// Duration is a time.Duration written in YAML as Go duration text, e.g. "1h30m" or "-1h".
type Duration time.Duration

// UnmarshalYAML reads a duration such as "-1h" or "90m".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	if s == "" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("not a duration like \"-1h\" or \"90m\": %q", s)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as Go duration text.
func (d Duration) MarshalYAML() (any, error) {
	if d == 0 {
		return "", nil
	}
	return time.Duration(d).String(), nil
}

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }
