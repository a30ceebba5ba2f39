package content

import (
	"strconv"
	"time"
)

// Dutch names of weekdays and months, long and short, as the bot writes them and as /training verzet reads them.
var (
	DutchWeekdays      = [...]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"}
	DutchWeekdaysShort = [...]string{"zo", "ma", "di", "wo", "do", "vr", "za"}
	DutchMonths        = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
		"september", "oktober", "november", "december"}
	DutchMonthsShort = [...]string{"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}
)

// DateFormat says how to write a date in Dutch; Format is the one place that does.
type DateFormat struct {
	Short bool // "ma 7 dec" instead of "maandag 7 december"
	Year  bool // followed by the year: "maandag 7 december 2026"
	Pad   bool // the day in two places (" 7"), so that dates line up in a column
}

// The date formats the bot uses.
var (
	DateLong     = DateFormat{}                                   // "maandag 7 december": messages to participants
	DateLongYear = DateFormat{Year: true}                         // "maandag 7 december 2026": /training
	DateShort    = DateFormat{Short: true}                        // "ma 7 dec": lines in a list
	DateColumn   = DateFormat{Short: true, Year: true, Pad: true} // "ma  7 dec 2026": the command line's tables
)

// Format writes t's date, in t's own location, in Dutch.
func (f DateFormat) Format(t time.Time) string {
	weekday, month := DutchWeekdays[t.Weekday()], DutchMonths[t.Month()-1]
	if f.Short {
		weekday, month = DutchWeekdaysShort[t.Weekday()], DutchMonthsShort[t.Month()-1]
	}
	day := strconv.Itoa(t.Day())
	if f.Pad && t.Day() < 10 {
		day = " " + day
	}
	s := weekday + " " + day + " " + month
	if f.Year {
		s += " " + strconv.Itoa(t.Year())
	}
	return s
}
