package handlers_test

import (
	"context"
	"slices"
	"testing"

	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
)

// TestGatePerWorkspace: the gate decides per workspace. A trainer of a cohort in Noord is nobody in Zuid, and
// TRAINING_CREATORS count where their team ID says: a plain entry in the default workspace only, a qualified one
// in its own; the creators named to someone refused are their own workspace's only.
func TestGatePerWorkspace(t *testing.T) {
	t.Parallel()
	w := newTwoWorkspaces(t)
	bg := context.Background()
	noord, zuid := store.WithTeam(bg, "T0NOORD001"), store.WithTeam(bg, w.zuid.ID)
	g := handlers.NewGate(handlers.GateDeps{Store: w.db, Creators: []string{w.tess, w.zuid.ID + ":" + w.piet,
		w.zuid.ID + ":" + w.tess}, DefaultTeam: "T0NOORD001"})

	noordCohort, err := w.db.CohortByID(bg, w.noordID)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := g.Trains(noord, noordCohort, w.tess); err != nil || !ok {
		t.Errorf("Tess trains Noord's cohort in Noord: %v, %v", ok, err)
	}
	if ok, err := g.Trains(zuid, noordCohort, w.tess); err != nil || ok {
		t.Errorf("Tess trains Noord's cohort as seen from Zuid: %v, %v; want nobody", ok, err)
	}
	if m, err := g.Member(zuid, noordCohort, w.anna); err != nil || m != handlers.Stranger {
		t.Errorf("Anna in Noord's cohort as seen from Zuid: %v, %v; want a stranger", m, err)
	}
	if cs, err := g.TrainedCohorts(zuid, w.tess); err != nil || len(cs) != 0 {
		t.Errorf("Tess's cohorts in Zuid: %d, %v; want none", len(cs), err)
	}
	if cs, err := g.TrainedCohorts(zuid, w.piet); err != nil || len(cs) != 1 || cs[0].ID != w.zuidID {
		t.Errorf("Piet's cohorts in Zuid: %+v, %v; want Zuid's", cs, err)
	}

	for _, c := range []struct {
		ctx  context.Context
		who  string
		user string
		want bool
	}{
		{noord, "Tess (plain entry) in Noord", w.tess, true},
		{zuid, "Piet (T0ZUID0001:) in Zuid", w.piet, true},
		{noord, "Piet (T0ZUID0001:) in Noord", w.piet, false},
		{zuid, "Anna (no entry) in Zuid", w.anna, false},
	} {
		if ok, err := g.CanCreate(c.ctx, c.user); err != nil || ok != c.want {
			t.Errorf("%s may create: %v, %v; want %v", c.who, ok, err, c.want)
		}
	}
	if got := g.Creators(zuid); !slices.Equal(got, []string{w.piet, w.tess}) {
		t.Errorf("creators named in Zuid = %v, want Zuid's entries only", got)
	}
	if got := g.Creators(noord); !slices.Equal(got, []string{w.tess}) {
		t.Errorf("creators named in Noord = %v, want the plain entry only", got)
	}
}
