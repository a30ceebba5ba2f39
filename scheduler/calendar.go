package scheduler

import (
	"fmt"
	"sort"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
)

// Holiday is one Dutch public holiday in a given year.
type Holiday struct {
	Date time.Time // midnight UTC of the day; compare by year, month and day
	Name string    // Dutch name, e.g. "Tweede Paasdag"
}

// HolidayRule says how to find one holiday in a year. Exactly one of EasterOffset (with Easter set) or Month/Day is
// used.
type HolidayRule struct {
	Name         string
	Easter       bool       // the date is Easter Sunday + EasterOffset days
	EasterOffset int        // days from Easter Sunday
	Month        time.Month // a fixed date
	Day          int
	Koningsdag   bool // 27 April, moved to 26 April when the 27th is a Sunday
	EveryYears   int  // 0 or 1: every year; 5: only in years divisible by 5 (a "lustrumjaar")
}

// DutchHolidays are the public holidays on which the bot sends no DM that is not urgent. They are the days the
// Algemene termijnenwet and the collective agreements of the course's audience (gemeenten, welzijn) treat as days
// off:
//
//   - Nieuwjaarsdag, Eerste en Tweede Paasdag, Koningsdag, Hemelvaartsdag, Eerste en Tweede Pinksterdag, Eerste en
//     Tweede Kerstdag.
//   - Bevrijdingsdag (5 mei) every year: the Cao Gemeenten counts it as a feestdag every year, and the participants
//     are municipal professionals. (For many other employers it is a day off only every fifth year; set EveryYears
//     to 5 to model that.)
//   - Not Goede Vrijdag: it is a day off only under some agreements, and most municipal teams work.
var DutchHolidays = []HolidayRule{
	{Name: "Nieuwjaarsdag", Month: time.January, Day: 1},
	{Name: "Eerste Paasdag", Easter: true, EasterOffset: 0},
	{Name: "Tweede Paasdag", Easter: true, EasterOffset: 1},
	{Name: "Koningsdag", Koningsdag: true},
	{Name: "Bevrijdingsdag", Month: time.May, Day: 5, EveryYears: 1},
	{Name: "Hemelvaartsdag", Easter: true, EasterOffset: 39},
	{Name: "Eerste Pinksterdag", Easter: true, EasterOffset: 49},
	{Name: "Tweede Pinksterdag", Easter: true, EasterOffset: 50},
	{Name: "Eerste Kerstdag", Month: time.December, Day: 25},
	{Name: "Tweede Kerstdag", Month: time.December, Day: 26},
}

// Easter returns the date of Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm, also known
// as Meeus/Jones/Butcher).
func Easter(year int) (time.Month, int) {
	a := year % 19
	b := year / 100
	c := year % 100
	d := b / 4
	e := b % 4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i := c / 4
	k := c % 4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Month(month), day
}

// Holidays returns the holidays of year made by rules, in date order.
func Holidays(year int, rules []HolidayRule) []Holiday {
	em, ed := Easter(year)
	easter := time.Date(year, em, ed, 0, 0, 0, 0, time.UTC)
	var out []Holiday
	for _, r := range rules {
		if r.EveryYears > 1 && year%r.EveryYears != 0 {
			continue
		}
		var d time.Time
		switch {
		case r.Easter:
			d = easter.AddDate(0, 0, r.EasterOffset)
		case r.Koningsdag:
			d = time.Date(year, time.April, 27, 0, 0, 0, 0, time.UTC)
			if d.Weekday() == time.Sunday {
				d = d.AddDate(0, 0, -1)
			}
		default:
			d = time.Date(year, r.Month, r.Day, 0, 0, 0, 0, time.UTC)
		}
		out = append(out, Holiday{Date: d, Name: r.Name})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// Calendar says when a DM that is not urgent may go out: not in quiet hours, not on a weekend and, unless Holidays
// is off, not on a Dutch public holiday. Times are judged in Location.
type Calendar struct {
	Location  *time.Location
	QuietFrom int           // minutes after midnight; quiet from here ...
	QuietTo   int           // ... to here (the window may cross midnight; equal means no quiet hours)
	Morning   int           // minutes after midnight: a shifted DM goes out at this time of the next working day
	Holidays  bool          // respect HolidayRules
	Rules     []HolidayRule // the holidays; DutchHolidays by default
}

// DefaultMorning is when a DM shifted out of the night, a weekend or a holiday goes out: 09:00.
const DefaultMorning = 9 * 60

// NewCalendar returns the calendar of a cohort: its time zone, quiet hours and holiday setting, Dutch holidays.
func NewCalendar(c *content.Cohort) (Calendar, error) {
	loc, err := c.Location()
	if err != nil {
		return Calendar{}, fmt.Errorf("new calendar: %w", err)
	}
	from, to, err := content.ParseQuietHours(c.Settings.QuietHours)
	if err != nil {
		return Calendar{}, fmt.Errorf("new calendar: %w", err)
	}
	return Calendar{Location: loc, QuietFrom: from, QuietTo: to, Morning: DefaultMorning,
		Holidays: c.Settings.Holidays, Rules: DutchHolidays}, nil
}

// Holiday returns the name of the holiday on t's local date, if it is one the calendar respects.
func (c Calendar) Holiday(t time.Time) (string, bool) {
	if !c.Holidays {
		return "", false
	}
	l := t.In(c.loc())
	for _, h := range Holidays(l.Year(), c.Rules) {
		if h.Date.Month() == l.Month() && h.Date.Day() == l.Day() {
			return h.Name, true
		}
	}
	return "", false
}

// WorkingDay reports whether t's local date is a weekday that is not a respected holiday.
func (c Calendar) WorkingDay(t time.Time) bool {
	l := t.In(c.loc())
	if l.Weekday() == time.Saturday || l.Weekday() == time.Sunday {
		return false
	}
	_, holiday := c.Holiday(l)
	return !holiday
}

// Quiet reports whether t falls in the quiet hours.
func (c Calendar) Quiet(t time.Time) bool {
	l := t.In(c.loc())
	m := l.Hour()*60 + l.Minute()
	switch {
	case c.QuietFrom == c.QuietTo:
		return false
	case c.QuietFrom > c.QuietTo:
		return m >= c.QuietFrom || m < c.QuietTo
	default:
		return m >= c.QuietFrom && m < c.QuietTo
	}
}

// Sendable reports whether a DM that is not urgent may go out at t.
func (c Calendar) Sendable(t time.Time) bool { return c.WorkingDay(t) && !c.Quiet(t) }

// Why says why t is not sendable, in Dutch for a trainer's plan: "weekend", "nachtrust" or the holiday's name; ""
// when it is sendable.
func (c Calendar) Why(t time.Time) string {
	l := t.In(c.loc())
	if name, ok := c.Holiday(l); ok {
		return name
	}
	if l.Weekday() == time.Saturday || l.Weekday() == time.Sunday {
		return "weekend"
	}
	if c.Quiet(l) {
		return "nachtrust"
	}
	return ""
}

// searchDays bounds the search for a sendable day; no run of holidays and weekends is this long.
const searchDays = 14

// NextSendable returns t when a DM that is not urgent may go out then; otherwise the next working day's morning
// (09:00, or the end of the quiet hours if that is later) in the calendar's time zone. A DM due at 07:00 on a
// working day goes out at 09:00 that day; one due on Saturday at 10:00 on Monday at 09:00.
func (c Calendar) NextSendable(t time.Time) time.Time {
	if c.Sendable(t) {
		return t
	}
	l := t.In(c.loc())
	hour, minute := c.morning()
	for i := 0; i <= searchDays; i++ {
		cand := time.Date(l.Year(), l.Month(), l.Day()+i, hour, minute, 0, 0, c.loc())
		if cand.Before(t) {
			continue
		}
		if c.Sendable(cand) {
			return cand
		}
	}
	return t
}

// PrevSendable returns the latest moment no later than t at which a DM that is not urgent may go out, looking back
// at most two weeks: t itself, or the same local time on an earlier working day (its morning if that time is in the
// quiet hours). ok is false when there is none.
func (c Calendar) PrevSendable(t time.Time) (time.Time, bool) {
	if c.Sendable(t) {
		return t, true
	}
	l := t.In(c.loc())
	hour, minute := c.morning()
	for i := 0; i <= searchDays; i++ {
		cand := time.Date(l.Year(), l.Month(), l.Day()-i, l.Hour(), l.Minute(), 0, 0, c.loc())
		if c.Quiet(cand) {
			cand = time.Date(l.Year(), l.Month(), l.Day()-i, hour, minute, 0, 0, c.loc())
		}
		if !cand.After(t) && c.Sendable(cand) {
			return cand, true
		}
	}
	return time.Time{}, false
}

// morning returns the hour and minute a shifted DM goes out: Morning, or the end of the quiet hours if later.
func (c Calendar) morning() (int, int) {
	m := c.Morning
	if m == 0 {
		m = DefaultMorning
	}
	if c.QuietFrom > c.QuietTo && c.QuietTo > m {
		m = c.QuietTo
	}
	return m / 60, m % 60
}

func (c Calendar) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}
