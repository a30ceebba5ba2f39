package scheduler

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
)

// CohortKey returns the cohort part of every delivery key. A stored cohort is keyed by its database id ("c42"), so
// that renaming it keeps every key; a cohort that is only planned (`gesprekbot plan`, nothing stored) is keyed by
// its name's slug ("utrecht-najaar-2026").
func CohortKey(c *content.Cohort) string {
	if c.ID > 0 {
		return "c" + strconv.FormatInt(c.ID, 10)
	}
	return c.Slug()
}

// DeliveryKey returns the permanent key of the planned delivery of a rule for module n of a cohort:
// "<cohort key>/<rule id>/m<n>". A per-person row made from it at send time appends "/<user id>".
func DeliveryKey(cohortKey, ruleID string, module int) string {
	return cohortKey + "/" + ruleID + "/m" + strconv.Itoa(module)
}

// Plan makes every delivery of a cohort from the schedule rules, in order of due time. It is pure: the same cohort,
// rules and calendar give the same plan.
//
//   - A rule's moment is its anchor (module_start, module_end, next_module_start) moved by Days whole calendar days;
//     at At ("HH:MM", local time in the cohort's zone, so 09:00 stays 09:00 across a change to or from summer time)
//     or, with At empty, at the anchor's own local time plus Offset.
//   - A rule runs for the modules it names (all four when it names none); next_module_start exists for modules 1–3
//     only, so such a rule has no delivery for module 4. Rules that require a setting (auto_reveal) run only when the
//     cohort has it on.
//   - Each delivery's deadline is the moment its rule names; none means the delivery never goes stale.
//   - A DM (audience participants or trainers) that is not Urgent is moved by the calendar to the next working day
//     at 09:00 when it falls in the quiet hours, a weekend or a holiday. When that would reach its deadline, it is
//     moved earlier instead, to the latest sendable moment before (never before the anchor of a rule that speaks
//     about something that has happened, such as homework after a module); when neither fits, it keeps the rule's
//     moment, because a message at an odd hour is better than none. A rule with calendar "earlier" (the
//     preparation of a module) is moved to the latest sendable moment before first; channel messages keep their
//     moment unless their rule names a calendar. Such deliveries are marked FollowsCalendar, for the dispatcher
//     to check again when it sends.
//   - A rule whose moment falls on or after its deadline for this cohort (modules very close together) is left out.
//   - A rule for participants is planned as one row with no recipient: the dispatcher resolves the channel's members
//     at send time, so that a participant who joins later is included.
func Plan(c *content.Cohort, rules []content.Rule, cal Calendar) ([]content.Delivery, error) {
	loc, err := c.Location()
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	ck := CohortKey(c)
	if ck == "" {
		return nil, fmt.Errorf("plan: cohort has no id and no name")
	}
	seen := map[string]bool{}
	var out []content.Delivery
	for _, r := range rules {
		if seen[r.ID] {
			return nil, fmt.Errorf("plan: rule %q appears twice", r.ID)
		}
		seen[r.ID] = true
		switch r.Requires {
		case "":
		case "auto_reveal":
			if !c.Settings.AutoReveal {
				continue
			}
		default:
			return nil, fmt.Errorf("plan: rule %q requires unknown setting %q", r.ID, r.Requires)
		}
		for n := 1; n <= 4; n++ {
			if !r.AppliesTo(n) {
				continue
			}
			d, ok, err := planOne(c, r, n, loc, cal)
			if err != nil {
				return nil, fmt.Errorf("plan: rule %q module %d: %w", r.ID, n, err)
			}
			if !ok {
				continue
			}
			d.Key = DeliveryKey(ck, r.ID, n)
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].DueAt.Equal(out[j].DueAt) {
			return out[i].DueAt.Before(out[j].DueAt)
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

// minLead is how long before its deadline a moved DM must still arrive to be of use; closer than that, it is
// moved earlier instead (a voormeting reminder moved from Saturday to the Monday morning of module 1 is no help).
const minLead = 24 * time.Hour

// planOne plans rule r for module n; ok is false when the rule has nothing to send for it.
func planOne(c *content.Cohort, r content.Rule, n int, loc *time.Location, cal Calendar) (content.Delivery, bool, error) {
	m, ok := c.Module(n)
	if !ok {
		return content.Delivery{}, false, fmt.Errorf("the cohort has no module %d", n)
	}
	next, hasNext := c.Module(n + 1)
	moment := func(name string) (time.Time, bool, error) {
		switch name {
		case "module_start":
			return m.Start, true, nil
		case "module_end":
			return m.End, true, nil
		case "next_module_start":
			if !hasNext {
				return time.Time{}, false, nil
			}
			return next.Start, true, nil
		}
		return time.Time{}, false, fmt.Errorf("unknown moment %q", name)
	}

	anchor, ok, err := moment(r.Anchor)
	if err != nil || !ok {
		return content.Delivery{}, false, err
	}
	al := anchor.In(loc)
	var due time.Time
	if r.At != "" {
		hh, mm, ok := r.Clock()
		if !ok {
			return content.Delivery{}, false, fmt.Errorf("at %q is not a time like 09:00", r.At)
		}
		due = time.Date(al.Year(), al.Month(), al.Day()+r.Days, hh, mm, 0, 0, loc)
	} else {
		due = time.Date(al.Year(), al.Month(), al.Day()+r.Days, al.Hour(), al.Minute(), al.Second(), 0, loc).Add(r.Offset.Std())
	}

	var deadline *time.Time
	if r.Deadline != "" && r.Deadline != "none" {
		t, ok, err := moment(r.Deadline)
		if err != nil {
			return content.Delivery{}, false, err
		}
		if ok {
			t = t.In(loc)
			deadline = &t
		}
	}
	if deadline != nil && !due.Before(*deadline) {
		return content.Delivery{}, false, nil
	}

	d := content.Delivery{
		Kind:     r.Kind,
		RuleID:   r.ID,
		Module:   n,
		Audience: r.Audience,
		DueAt:    due,
		Deadline: deadline,
		// Stored as plain words; whoever shows it in mrkdwn escapes it there.
		Title: content.FillPlain(r.Title, content.Vars{"module": n}),
	}
	mode := r.CalendarMode()
	d.FollowsCalendar = mode != content.CalendarNone
	if d.FollowsCalendar && !cal.Sendable(due) {
		why := cal.Why(due)
		later := cal.NextSendable(due)
		earlier, canEarlier := cal.PrevSendable(due)
		// Never earlier than the event a message is about (homework before its module has ended).
		canEarlier = canEarlier && (due.Before(anchor) || !earlier.Before(anchor))
		switch {
		case mode == content.CalendarEarlier && canEarlier:
			d.DueAt, d.Note = earlier.In(loc), movedEarlier(why)
		case deadline == nil || !later.Add(minLead).After(*deadline):
			d.DueAt, d.Note = later.In(loc), movedLater(why)
		case canEarlier:
			// Later would land on the morning of the module it prepares for: too late to act on.
			d.DueAt, d.Note = earlier.In(loc), movedEarlier(why)
		case later.Before(*deadline):
			d.DueAt, d.Note = later.In(loc), movedLater(why)
		}
	}
	return d, true, nil
}

// movedLater and movedEarlier are the notes on a delivery the calendar moved, shown in a trainer's plan: why says
// what was in the way ("weekend", "nachtrust", a holiday's name).
func movedLater(why string) string   { return "verschoven: " + why }
func movedEarlier(why string) string { return "vervroegd: " + why }
