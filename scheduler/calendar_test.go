package scheduler_test

import (
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
)

func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, amsterdam)
}

func defaultCalendar(t *testing.T) scheduler.Calendar {
	t.Helper()
	cal, err := scheduler.NewCalendar(&content.Cohort{Timezone: "Europe/Amsterdam", Settings: content.DefaultCohortSettings()})
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func TestEaster(t *testing.T) {
	t.Parallel()
	tests := []struct {
		year  int
		month time.Month
		day   int
	}{
		{1961, time.April, 2},
		{2000, time.April, 23},
		{2008, time.March, 23},
		{2011, time.April, 24},
		{2019, time.April, 21},
		{2024, time.March, 31},
		{2025, time.April, 20},
		{2026, time.April, 5},
		{2027, time.March, 28},
		{2028, time.April, 16},
		{2038, time.April, 25},
		{2285, time.March, 22},
	}
	for _, tt := range tests {
		m, d := scheduler.Easter(tt.year)
		if m != tt.month || d != tt.day {
			t.Errorf("Easter(%d) = %v %d, want %v %d", tt.year, m, d, tt.month, tt.day)
		}
	}
}

func TestHolidays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		year int
		want map[string]string // name -> "MM-DD"
	}{
		{2025, map[string]string{
			"Nieuwjaarsdag": "01-01", "Eerste Paasdag": "04-20", "Tweede Paasdag": "04-21",
			"Koningsdag":     "04-26", // the 27th is a Sunday
			"Bevrijdingsdag": "05-05", "Hemelvaartsdag": "05-29", "Eerste Pinksterdag": "06-08",
			"Tweede Pinksterdag": "06-09", "Eerste Kerstdag": "12-25", "Tweede Kerstdag": "12-26",
		}},
		{2026, map[string]string{
			"Nieuwjaarsdag": "01-01", "Eerste Paasdag": "04-05", "Tweede Paasdag": "04-06", "Koningsdag": "04-27",
			"Bevrijdingsdag": "05-05", "Hemelvaartsdag": "05-14", "Eerste Pinksterdag": "05-24",
			"Tweede Pinksterdag": "05-25", "Eerste Kerstdag": "12-25", "Tweede Kerstdag": "12-26",
		}},
		{2027, map[string]string{
			"Tweede Paasdag": "03-29", "Koningsdag": "04-27", "Hemelvaartsdag": "05-06", "Tweede Pinksterdag": "05-17",
		}},
		{2031, map[string]string{"Koningsdag": "04-26"}}, // 27 April 2031 is a Sunday
	}
	for _, tt := range tests {
		got := map[string]string{}
		for _, h := range scheduler.Holidays(tt.year, scheduler.DutchHolidays) {
			got[h.Name] = h.Date.Format("01-02")
		}
		if len(got) != 10 {
			t.Errorf("%d: %d holidays, want 10: %v", tt.year, len(got), got)
		}
		for name, date := range tt.want {
			if got[name] != date {
				t.Errorf("%d: %s = %s, want %s", tt.year, name, got[name], date)
			}
		}
	}
}

func TestHolidaysLustrum(t *testing.T) {
	t.Parallel()
	rules := []scheduler.HolidayRule{{Name: "Bevrijdingsdag", Month: time.May, Day: 5, EveryYears: 5}}
	if got := scheduler.Holidays(2025, rules); len(got) != 1 {
		t.Errorf("2025: %v, want Bevrijdingsdag", got)
	}
	if got := scheduler.Holidays(2026, rules); len(got) != 0 {
		t.Errorf("2026: %v, want none", got)
	}
}

func TestNextSendable(t *testing.T) {
	t.Parallel()
	cal := defaultCalendar(t)
	tests := []struct {
		name string
		in   time.Time
		want time.Time
	}{
		{"WorkingDay", at(2026, 12, 2, 17, 0), at(2026, 12, 2, 17, 0)},
		{"QuietEvening", at(2026, 12, 2, 22, 30), at(2026, 12, 3, 9, 0)},
		{"QuietStartsAt21", at(2026, 12, 2, 21, 0), at(2026, 12, 3, 9, 0)},
		{"JustBeforeQuiet", at(2026, 12, 2, 20, 59), at(2026, 12, 2, 20, 59)},
		{"EarlyMorning", at(2026, 12, 2, 7, 0), at(2026, 12, 2, 9, 0)},
		{"AfterQuietBeforeNine", at(2026, 12, 2, 8, 30), at(2026, 12, 2, 8, 30)},
		{"Saturday", at(2026, 12, 5, 10, 0), at(2026, 12, 7, 9, 0)},
		{"FridayNight", at(2026, 12, 4, 23, 0), at(2026, 12, 7, 9, 0)},
		{"Sunday", at(2026, 12, 6, 15, 0), at(2026, 12, 7, 9, 0)},
		{"Christmas", at(2026, 12, 25, 12, 0), at(2026, 12, 28, 9, 0)}, // Fri 25, Sat 26 Tweede Kerstdag, Sun
		{"Kerst2027", at(2027, 12, 24, 22, 0), at(2027, 12, 27, 9, 0)}, // Sat 25, Sun 26 Tweede Kerstdag
		{"NewYear", at(2026, 12, 31, 21, 30), at(2027, 1, 4, 9, 0)},    // Fri 1 January, weekend
		{"Koningsdag2026", at(2026, 4, 27, 10, 0), at(2026, 4, 28, 9, 0)},
		{"Koningsdag2025", at(2025, 4, 26, 10, 0), at(2025, 4, 28, 9, 0)}, // Saturday 26th; weekend anyway
		{"Easter2027", at(2027, 3, 26, 21, 0), at(2027, 3, 30, 9, 0)},     // Fri night, weekend, Tweede Paasdag
		{"Hemelvaart2027", at(2027, 5, 6, 9, 0), at(2027, 5, 7, 9, 0)},
		{"Bevrijdingsdag2026", at(2026, 5, 5, 9, 0), at(2026, 5, 6, 9, 0)},
		{"Pinksteren2026", at(2026, 5, 23, 9, 0), at(2026, 5, 26, 9, 0)},
		// The night of the change to summer time (Sunday 29 March 2026): Monday 09:00 is 07:00 UTC, not 08:00.
		{"SummerTime", at(2026, 3, 28, 23, 0), time.Date(2026, 3, 30, 7, 0, 0, 0, time.UTC)},
		// Summer time 2027 starts on Easter Sunday (28 March); Monday is Tweede Paasdag.
		{"SummerTimeEaster", at(2027, 3, 27, 23, 0), time.Date(2027, 3, 30, 7, 0, 0, 0, time.UTC)},
		// The change back (Sunday 31 October 2027): Monday 09:00 is 08:00 UTC.
		{"WinterTime", at(2027, 10, 30, 23, 0), time.Date(2027, 11, 1, 8, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cal.NextSendable(tt.in)
			if !got.Equal(tt.want) {
				t.Errorf("NextSendable(%v) = %v, want %v", tt.in, got.In(amsterdam), tt.want.In(amsterdam))
			}
		})
	}
}

func TestNextSendableSettings(t *testing.T) {
	t.Parallel()
	noHolidays := content.DefaultCohortSettings()
	noHolidays.Holidays = false
	late := content.DefaultCohortSettings()
	late.QuietHours = "22:00-10:00"
	none := content.DefaultCohortSettings()
	none.QuietHours = "00:00-00:00"
	tests := []struct {
		name     string
		settings content.CohortSettings
		in, want time.Time
	}{
		{"HolidaysOff", noHolidays, at(2026, 4, 27, 10, 0), at(2026, 4, 27, 10, 0)},
		{"HolidaysOffWeekendStill", noHolidays, at(2026, 4, 25, 10, 0), at(2026, 4, 27, 9, 0)},
		{"LateMorning", late, at(2026, 12, 2, 9, 30), at(2026, 12, 2, 10, 0)},
		{"LateEvening", late, at(2026, 12, 2, 21, 30), at(2026, 12, 2, 21, 30)},
		{"NoQuietHours", none, at(2026, 12, 2, 3, 0), at(2026, 12, 2, 3, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal, err := scheduler.NewCalendar(&content.Cohort{Timezone: "Europe/Amsterdam", Settings: tt.settings})
			if err != nil {
				t.Fatal(err)
			}
			if got := cal.NextSendable(tt.in); !got.Equal(tt.want) {
				t.Errorf("NextSendable(%v) = %v, want %v", tt.in, got.In(amsterdam), tt.want)
			}
		})
	}
}

func TestPrevSendable(t *testing.T) {
	t.Parallel()
	cal := defaultCalendar(t)
	tests := []struct {
		name string
		in   time.Time
		want time.Time
	}{
		{"Sendable", at(2026, 12, 2, 9, 0), at(2026, 12, 2, 9, 0)},
		{"Saturday", at(2026, 12, 5, 9, 0), at(2026, 12, 4, 9, 0)},
		{"SundayNight", at(2026, 12, 6, 22, 0), at(2026, 12, 4, 9, 0)},
		{"EarlyMonday", at(2026, 12, 7, 7, 0), at(2026, 12, 4, 9, 0)},
		{"TweedeKerstdag2027", at(2027, 12, 26, 16, 0), at(2027, 12, 24, 16, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := cal.PrevSendable(tt.in)
			if !ok || !got.Equal(tt.want) {
				t.Errorf("PrevSendable(%v) = %v, %v, want %v", tt.in, got.In(amsterdam), ok, tt.want)
			}
		})
	}
}

func TestWhy(t *testing.T) {
	t.Parallel()
	cal := defaultCalendar(t)
	tests := []struct {
		in   time.Time
		want string
	}{
		{at(2026, 12, 2, 12, 0), ""},
		{at(2026, 12, 2, 23, 0), "nachtrust"},
		{at(2026, 12, 5, 12, 0), "weekend"},
		{at(2026, 12, 26, 12, 0), "Tweede Kerstdag"},
	}
	for _, tt := range tests {
		if got := cal.Why(tt.in); got != tt.want {
			t.Errorf("Why(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
