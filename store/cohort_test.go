package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return loc
}()

// testCohort returns a valid cohort named name in channel, with modules on four Mondays from 7 December 2026.
func testCohort(name, channel string) *content.Cohort {
	c := &content.Cohort{
		Name: name, Channel: channel, Timezone: "Europe/Amsterdam",
		Trainers: []string{"U0TRAINER2", "trainer@gemeente.nl", "U0TRAINER1"},
		Cases:    []string{"richard", "johanna"},
		Settings: content.CohortSettings{QuietHours: "22:00-07:00", Holidays: false, AutoReveal: true},
	}
	for i, day := range []int{7, 14, 21, 28} {
		start := time.Date(2026, 12, day, 9, 0, 0, 0, amsterdam)
		c.Modules = append(c.Modules, content.CohortModule{Number: i + 1, Start: start, End: start.Add(4 * time.Hour),
			Location: "Stadskantoor, zaal " + string(rune('1'+i))})
	}
	return c
}

func TestSaveCohort(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)

	c := testCohort("Utrecht najaar 2026", "#het-gesprek-utrecht")
	id, err := db.SaveCohort(ctx, c)
	if err != nil {
		t.Fatalf("SaveCohort: %v", err)
	}
	if id == 0 || c.ID != id {
		t.Fatalf("id = %d, c.ID = %d", id, c.ID)
	}

	t.Run("OK", func(t *testing.T) {
		got, err := db.CohortByName(ctx, "Utrecht najaar 2026")
		if err != nil {
			t.Fatal(err)
		}
		assertCohort(t, got, c)
		if got.Modules[0].Start.Location().String() != "Europe/Amsterdam" {
			t.Errorf("module times in %v, want the cohort's zone", got.Modules[0].Start.Location())
		}
	})

	t.Run("ByChannel", func(t *testing.T) {
		got, err := db.CohortByChannel(ctx, "#het-gesprek-utrecht")
		if err != nil {
			t.Fatal(err)
		}
		assertCohort(t, got, c)
	})

	t.Run("UpdateByName", func(t *testing.T) {
		u := testCohort("Utrecht najaar 2026", "C0UTRECHT")
		u.Trainers = []string{"U0TRAINER3"}
		u.Cases = []string{"richard", "tom"}
		u.Modules[1].Start = u.Modules[1].Start.Add(24 * time.Hour)
		u.Modules[1].End = u.Modules[1].End.Add(24 * time.Hour)
		u.Settings = content.DefaultCohortSettings()
		id2, err := db.SaveCohort(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if id2 != id {
			t.Errorf("update made a new cohort %d, want %d", id2, id)
		}
		got, err := db.CohortByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		assertCohort(t, got, u)
		if _, err := db.SaveCohort(ctx, u); err != nil {
			t.Fatalf("saving the same cohort again: %v", err)
		}
		again, _ := db.CohortByID(ctx, id)
		assertCohort(t, again, u)
		all, err := db.Cohorts(ctx)
		if err != nil || len(all) != 1 {
			t.Errorf("Cohorts = %d cohorts, %v; want 1", len(all), err)
		}
	})

	t.Run("ErrChannelConflict", func(t *testing.T) {
		_, err := db.SaveCohort(ctx, testCohort("Zwolle", "C0UTRECHT"))
		if content.ErrorCode(err) != content.ECONFLICT {
			t.Errorf("err = %v, want ECONFLICT", err)
		}
		if all, _ := db.Cohorts(ctx); len(all) != 1 {
			t.Errorf("%d cohorts after a refused save, want 1", len(all))
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		for _, err := range []error{
			func() error { _, err := db.CohortByName(ctx, "Nergens"); return err }(),
			func() error { _, err := db.CohortByChannel(ctx, "C0NONE"); return err }(),
			func() error { _, err := db.CohortByID(ctx, 999); return err }(),
		} {
			if content.ErrorCode(err) != content.ENOTFOUND || content.ErrorMessage(err) == "" {
				t.Errorf("err = %v, want ENOTFOUND with a message", err)
			}
		}
	})

	t.Run("Cohorts", func(t *testing.T) {
		if _, err := db.SaveCohort(ctx, testCohort("Amersfoort", "#amersfoort")); err != nil {
			t.Fatal(err)
		}
		all, err := db.Cohorts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || all[0].Name != "Amersfoort" || all[1].Name != "Utrecht najaar 2026" || len(all[0].Modules) != 4 {
			t.Errorf("Cohorts = %+v", all)
		}
	})
}

func TestResolveCohortRefs(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	c := testCohort("Leeuwarden", "#leeuwarden")
	id, err := db.SaveCohort(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetCohortChannel(ctx, id, "C0LEEUW"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetCohortTrainer(ctx, id, "trainer@gemeente.nl", "U0TRAINER9"); err != nil {
		t.Fatal(err)
	}
	got, err := db.CohortByChannel(ctx, "C0LEEUW")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"U0TRAINER2", "U0TRAINER9", "U0TRAINER1"}; !reflect.DeepEqual(got.Trainers, want) {
		t.Errorf("trainers = %v, want %v", got.Trainers, want)
	}
	// An e-mail address that resolves to a trainer listed already is a duplicate.
	if err := db.SetCohortTrainer(ctx, id, "U0TRAINER9", "U0TRAINER1"); err != nil {
		t.Fatal(err)
	}
	got, _ = db.CohortByID(ctx, id)
	if want := []string{"U0TRAINER2", "U0TRAINER1"}; !reflect.DeepEqual(got.Trainers, want) {
		t.Errorf("trainers = %v, want %v", got.Trainers, want)
	}
	var ce *content.Error
	if err := db.SetCohortChannel(ctx, 999, "C0X"); !errors.As(err, &ce) || ce.Code != content.ENOTFOUND {
		t.Errorf("SetCohortChannel(unknown) = %v, want ENOTFOUND", err)
	}
}

func assertCohort(t *testing.T, got, want *content.Cohort) {
	t.Helper()
	if got.Name != want.Name || got.Channel != want.Channel || got.Timezone != want.Timezone {
		t.Errorf("cohort = %q %q %q, want %q %q %q", got.Name, got.Channel, got.Timezone, want.Name, want.Channel, want.Timezone)
	}
	if !reflect.DeepEqual(got.Trainers, want.Trainers) {
		t.Errorf("trainers = %v, want %v", got.Trainers, want.Trainers)
	}
	if !reflect.DeepEqual(got.Cases, want.Cases) {
		t.Errorf("cases = %v, want %v", got.Cases, want.Cases)
	}
	if got.Settings != want.Settings {
		t.Errorf("settings = %+v, want %+v", got.Settings, want.Settings)
	}
	if len(got.Modules) != len(want.Modules) {
		t.Fatalf("modules = %d, want %d", len(got.Modules), len(want.Modules))
	}
	for i := range got.Modules {
		g, w := got.Modules[i], want.Modules[i]
		if g.Number != w.Number || !g.Start.Equal(w.Start) || !g.End.Equal(w.End) || g.Location != w.Location {
			t.Errorf("module %d = %+v, want %+v", i+1, g, w)
		}
	}
}

func TestIsTrainer(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	if _, err := db.SaveCohort(ctx, testCohort("Utrecht najaar 2026", "C0UTRECHT")); err != nil {
		t.Fatal(err)
	}
	for user, want := range map[string]bool{"U0TRAINER1": true, "U0TRAINER2": true, "U0DEELNEMER": false} {
		got, err := db.IsTrainer(ctx, user)
		if err != nil || got != want {
			t.Errorf("IsTrainer(%s) = %v, %v; want %v", user, got, err, want)
		}
	}
}
