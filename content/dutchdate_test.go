package content_test

import (
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
)

// TestDateFormat pins the Dutch dates the bot writes, one format each, in the date's own location.
func TestDateFormat(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC on Sunday 6 December is Monday 7 December in Amsterdam.
	at := time.Date(2026, 12, 6, 23, 30, 0, 0, time.UTC).In(loc)
	for _, tt := range []struct {
		f    content.DateFormat
		want string
	}{
		{content.DateLong, "maandag 7 december"},
		{content.DateLongYear, "maandag 7 december 2026"},
		{content.DateShort, "ma 7 dec"},
		{content.DateColumn, "ma  7 dec 2026"},
	} {
		if got := tt.f.Format(at); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.f, got, tt.want)
		}
	}
	if got := content.DateColumn.Format(time.Date(2027, 3, 17, 9, 0, 0, 0, loc)); got != "wo 17 mrt 2027" {
		t.Errorf("two-digit day: %q, want %q", got, "wo 17 mrt 2027")
	}
}
