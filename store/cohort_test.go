package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
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
	t.Parallel()
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
		var taken *store.ChannelTakenError
		if content.ErrorCode(err) != content.ECONFLICT || !errors.As(err, &taken) || taken.Channel != "C0UTRECHT" {
			t.Errorf("err = %v, want a ChannelTakenError naming C0UTRECHT", err)
		}
		if all, _ := db.Cohorts(ctx); len(all) != 1 {
			t.Errorf("%d cohorts after a refused save, want 1", len(all))
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := db.CohortByName(ctx, "Nergens")
		var named *store.NoCohortNamedError
		if content.ErrorCode(err) != content.ENOTFOUND || !errors.As(err, &named) || named.Name != "Nergens" {
			t.Errorf("by name: err = %v, want a NoCohortNamedError naming Nergens", err)
		}
		if _, err := db.CohortByChannel(ctx, "C0NONE"); content.ErrorCode(err) != content.ENOTFOUND ||
			!errors.Is(err, store.ErrNoCohortInChannel) {
			t.Errorf("by channel: err = %v, want ErrNoCohortInChannel", err)
		}
		if _, err := db.CohortByID(ctx, 999); content.ErrorCode(err) != content.ENOTFOUND ||
			!errors.Is(err, store.ErrCohortNotFound) {
			t.Errorf("by id: err = %v, want ErrCohortNotFound", err)
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
	t.Parallel()
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
	if err := db.SetCohortChannel(ctx, 999, "C0X"); !errors.Is(err, store.ErrCohortNotFound) || content.ErrorCode(err) != content.ENOTFOUND {
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

func TestTrainerCohorts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	utrecht := testCohort("Utrecht najaar 2026", "C0UTRECHT")
	utrecht.Trainers = []string{"U0TRAINER2", "U0TRAINER1"}
	if _, err := db.SaveCohort(ctx, utrecht); err != nil {
		t.Fatal(err)
	}
	zwolle := testCohort("Zwolle voorjaar 2027", "C0ZWOLLE")
	zwolle.Trainers = []string{"U0TRAINER1", "Tess@Gemeente.nl"}
	if _, err := db.SaveCohort(ctx, zwolle); err != nil {
		t.Fatal(err)
	}
	for user, want := range map[string][]int64{
		"U0TRAINER1": {utrecht.ID, zwolle.ID}, "U0TRAINER2": {utrecht.ID}, "U0DEELNEMER": nil, "Tess@Gemeente.nl": {zwolle.ID},
	} {
		got, err := db.TrainerCohorts(ctx, user)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("TrainerCohorts(%s) = %v, %v; want %v", user, got, err, want)
		}
	}
	refs, err := db.EmailTrainers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 1 || refs[0] != (store.TrainerRef{CohortID: zwolle.ID, Ref: "Tess@Gemeente.nl"}) {
		t.Errorf("EmailTrainers = %+v, want Tess's address in Zwolle", refs)
	}
	if err := db.SetCohortTrainer(ctx, zwolle.ID, "Tess@Gemeente.nl", "U0TESS"); err != nil {
		t.Fatal(err)
	}
	if refs, err := db.EmailTrainers(ctx); err != nil || len(refs) != 0 {
		t.Errorf("EmailTrainers after resolving = %+v, %v; want none", refs, err)
	}
}

func TestUnresolvedCohorts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	clock := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	unresolved := func(t *testing.T) []store.UnresolvedCohort {
		t.Helper()
		got, err := db.UnresolvedCohorts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	resolved := testCohort("Assen", "C0ASSEN")
	resolved.Trainers = []string{"U0TRAINER1"}
	if _, err := db.SaveCohort(ctx, resolved); err != nil {
		t.Fatal(err)
	}
	t.Run("NoneWhenAllResolved", func(t *testing.T) {
		if got := unresolved(t); len(got) != 0 {
			t.Errorf("UnresolvedCohorts = %+v, want none", got)
		}
	})

	named := testCohort("Zwolle", "#het-gesprek-zwolle")
	named.Trainers = []string{"U0TRAINER1", "b.jansen@zwolle.nl", "a.smit@zwolle.nl"}
	zwolle, err := db.SaveCohort(ctx, named)
	if err != nil {
		t.Fatal(err)
	}
	byEmail := testCohort("Emmen", "C0EMMEN") // its channel is known, one trainer is not
	emmen, err := db.SaveCohort(ctx, byEmail)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("ChannelsAndTrainers", func(t *testing.T) {
		got := unresolved(t)
		want := []store.UnresolvedCohort{
			{ID: zwolle, Name: "Zwolle", Channel: "#het-gesprek-zwolle",
				Trainers: []string{"b.jansen@zwolle.nl", "a.smit@zwolle.nl"}, Reported: []string{}},
			{ID: emmen, Name: "Emmen", Channel: "", Trainers: []string{"trainer@gemeente.nl"}, Reported: []string{}},
		}
		if zwolle > emmen {
			want[0], want[1] = want[1], want[0]
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("UnresolvedCohorts =\n%+v\nwant\n%+v", got, want)
		}
	})

	t.Run("ReportedUntilTheCohortChanges", func(t *testing.T) {
		for _, e := range []store.AuditEntry{
			{CohortID: &zwolle, Actor: "bot", Action: "channel_not_found", Detail: map[string]any{"ref": "#het-gesprek-zwolle"}},
			{CohortID: &zwolle, Actor: "bot", Action: "trainer_not_found", Detail: map[string]any{"ref": "a.smit@zwolle.nl"}},
			{CohortID: &zwolle, Actor: "bot", Action: "trainer_not_found", Detail: map[string]any{"ref": "a.smit@zwolle.nl"}},
			{CohortID: &zwolle, Actor: "bot", Action: "cohort_applied", Detail: map[string]any{"ref": "other"}},
			{CohortID: &emmen, Actor: "bot", Action: "trainer_not_found", Detail: map[string]any{"ref": "trainer@gemeente.nl"}},
		} {
			if err := db.Audit(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		reported := map[int64][]string{}
		for _, c := range unresolved(t) {
			reported[c.ID] = c.Reported
		}
		sort.Strings(reported[zwolle])
		if want := []string{"#het-gesprek-zwolle", "a.smit@zwolle.nl"}; !reflect.DeepEqual(reported[zwolle], want) {
			t.Errorf("Zwolle reported %v, want %v", reported[zwolle], want)
		}
		if want := []string{"trainer@gemeente.nl"}; !reflect.DeepEqual(reported[emmen], want) {
			t.Errorf("Emmen reported %v, want %v", reported[emmen], want)
		}
		// Applying the cohort file again is a new start: what is still missing is reported again.
		clock = clock.Add(time.Minute)
		if _, err := db.SaveCohort(ctx, named); err != nil {
			t.Fatal(err)
		}
		for _, c := range unresolved(t) {
			if c.ID == zwolle && len(c.Reported) != 0 {
				t.Errorf("after the cohort was saved again, reported %v, want none", c.Reported)
			}
		}
	})

	t.Run("GoneOnceResolved", func(t *testing.T) {
		if _, err := db.ResolveCohortChannel(ctx, zwolle, "#het-gesprek-zwolle", "C0ZWOLLE"); err != nil {
			t.Fatal(err)
		}
		for _, ref := range []string{"b.jansen@zwolle.nl", "a.smit@zwolle.nl"} {
			if err := db.SetCohortTrainer(ctx, zwolle, ref, "U0"+strings.ToUpper(ref[:1])); err != nil {
				t.Fatal(err)
			}
		}
		got := unresolved(t)
		if len(got) != 1 || got[0].ID != emmen {
			t.Errorf("UnresolvedCohorts = %+v, want only Emmen", got)
		}
	})
}

func TestResolveCohortChannel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	// fixture stores a cohort in "#het-gesprek-delft" with a channel row, a row for each participant with a
	// deadline an hour away and one whose deadline has passed, and claims them all; keys are by rule id.
	fixture := func(t *testing.T) (*store.DB, int64, map[string]store.Claim) {
		t.Helper()
		db := storetest.New(t)
		db.Now = func() time.Time { return now }
		due := now.Add(-2 * time.Hour)
		soon, past := now.Add(time.Hour), now.Add(-time.Minute)
		c := testCohort("Delft", "#het-gesprek-delft")
		if _, err := db.ApplyCohort(ctx, c, func(c *content.Cohort) ([]content.Delivery, error) {
			row := func(rule, audience string, deadline *time.Time) content.Delivery {
				return content.Delivery{Key: fmt.Sprintf("c%d/%s/m1", c.ID, rule), Kind: "reminder_day", RuleID: rule,
					Module: 1, Audience: audience, DueAt: due, Deadline: deadline}
			}
			return []content.Delivery{row("channel", content.AudienceChannel, &past), row("dm", content.AudienceParticipants, &soon),
				row("late", content.AudienceParticipants, &past), row("other", content.AudienceChannel, nil)}, nil
		}); err != nil {
			t.Fatal(err)
		}
		claims, err := db.ClaimDue(ctx, "disp", due, now.Add(2*time.Minute), 10)
		if err != nil || len(claims) != 4 {
			t.Fatalf("claimed %d rows (%v), want 4", len(claims), err)
		}
		rows := map[string]store.Claim{}
		for _, cl := range claims {
			rows[cl.RuleID] = cl
			reason := store.ChannelUnresolved + ": #het-gesprek-delft"
			if cl.RuleID == "other" {
				reason = "post: slack chat.postMessage: internal_error"
			}
			if err := db.RetryDelivery(ctx, cl.ID, "disp", reason, now.Add(30*time.Minute), now); err != nil {
				t.Fatal(err)
			}
		}
		return db, c.ID, rows
	}

	t.Run("OK", func(t *testing.T) {
		db, id, rows := fixture(t)
		got, err := db.ResolveCohortChannel(ctx, id, "#het-gesprek-delft", "C0DELFT")
		if err != nil {
			t.Fatal(err)
		}
		if !got.Changed || got.Retried != 2 || len(got.Missed) != 1 || got.Missed[0].ID != rows["late"].ID {
			t.Errorf("ResolveCohortChannel = %+v, want changed, 2 retried and the late row missed", got)
		}
		if c, _ := db.CohortByID(ctx, id); c.Channel != "C0DELFT" {
			t.Errorf("channel = %s, want C0DELFT", c.Channel)
		}
		// The waiting rows are taken over right away, with their due time and a fresh count of attempts; the row
		// that failed for another reason keeps its backoff.
		taken, err := db.ClaimExpired(ctx, "next", now, now.Add(3*time.Minute), 10)
		if err != nil {
			t.Fatal(err)
		}
		if keys := claimKeys(taken); !reflect.DeepEqual(keys, []string{rows["channel"].Key, rows["dm"].Key}) {
			t.Errorf("taken over %v, want the channel and dm rows", keys)
		}
		for _, cl := range taken {
			if cl.Attempts != 1 || !cl.DueAt.Equal(rows[cl.RuleID].DueAt) {
				t.Errorf("%s: attempts %d due %s, want 1 and unchanged", cl.Key, cl.Attempts, cl.DueAt)
			}
		}
		ds, _ := db.Deliveries(ctx, id)
		for _, d := range ds {
			if d.ID == rows["late"].ID && (d.Status != store.StatusMissed || d.Error == nil || *d.Error != "deadline passed") {
				t.Errorf("late row %s %v, want missed", d.Status, d.Error)
			}
		}
	})
	t.Run("CohortNamesAnotherChannel", func(t *testing.T) {
		db, id, _ := fixture(t)
		got, err := db.ResolveCohortChannel(ctx, id, "#het-gesprek-oud", "C0OUD")
		if err != nil || got.Changed || got.Retried != 0 {
			t.Errorf("ResolveCohortChannel(stale ref) = %+v, %v; want nothing changed", got, err)
		}
		if c, _ := db.CohortByID(ctx, id); c.Channel != "#het-gesprek-delft" {
			t.Errorf("channel = %s, want it left as it was", c.Channel)
		}
		if taken, _ := db.ClaimExpired(ctx, "next", now, now.Add(3*time.Minute), 10); len(taken) != 0 {
			t.Errorf("took over %v, want the rows still waiting", claimKeys(taken))
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		db, id, _ := fixture(t)
		if _, err := db.SaveCohort(ctx, testCohort("Gouda", "C0GOUDA")); err != nil {
			t.Fatal(err)
		}
		_, err := db.ResolveCohortChannel(ctx, id, "#het-gesprek-delft", "C0GOUDA")
		if content.ErrorCode(err) != content.ECONFLICT {
			t.Errorf("ResolveCohortChannel(channel of another cohort) = %v, want ECONFLICT", err)
		}
	})
}
