package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// TestCohortsPerTeam: a cohort is saved in the request's workspace (or the one its file names, or the default
// one), is found by id, channel, name and trainer only in its own workspace, a name of another workspace's cohort
// is not taken over, and cohorts of before workspaces are adopted by the default one.
func TestCohortsPerTeam(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	bg := context.Background()
	noord, zuid := store.WithTeam(bg, "T0NOORD001"), store.WithTeam(bg, "T0ZUID0001")

	// A cohort of before workspaces ('').
	if _, err := db.ExecContext(bg, `INSERT INTO cohorts (name, channel_id, timezone, settings, created_at, updated_at)
		VALUES ('Oud 2025', 'C0OUD', 'Europe/Amsterdam', '{}', now(), now())`); err != nil {
		t.Fatal(err)
	}
	if n, err := db.AdoptCohorts(bg, "T0NOORD001"); err != nil || n != 1 {
		t.Fatalf("AdoptCohorts = %d, %v; want the old cohort", n, err)
	}
	if c, err := db.CohortByChannel(noord, "C0OUD"); err != nil || c.TeamID != "T0NOORD001" {
		t.Errorf("the adopted cohort in Noord: %+v, %v", c, err)
	}

	n := testCohort("Noord 2026", "C0NOORD")
	if _, err := db.SaveCohort(noord, n); err != nil {
		t.Fatal(err)
	}
	z := testCohort("Zuid 2026", "C0ZUID")
	z.TeamID = "T0ZUID0001" // as a cohort file with "team: T0ZUID0001", applied by the operator
	if _, err := db.SaveCohort(bg, z); err != nil {
		t.Fatal(err)
	}
	if n.TeamID != "T0NOORD001" || z.TeamID != "T0ZUID0001" {
		t.Fatalf("teams after saving: %q, %q", n.TeamID, z.TeamID)
	}

	if _, err := db.CohortByID(zuid, n.ID); !errors.Is(err, store.ErrCohortNotFound) {
		t.Errorf("Noord's cohort by id in Zuid: %v, want not found", err)
	}
	if _, err := db.CohortByChannel(zuid, "C0NOORD"); !errors.Is(err, store.ErrNoCohortInChannel) {
		t.Errorf("Noord's cohort by channel in Zuid: %v, want not found", err)
	}
	if _, err := db.CohortByName(zuid, "Noord 2026"); err == nil {
		t.Error("Noord's cohort by name in Zuid was found")
	}
	if c, err := db.CohortByID(zuid, z.ID); err != nil || c.TeamID != "T0ZUID0001" {
		t.Errorf("Zuid's cohort in Zuid: %+v, %v", c, err)
	}
	if c, err := db.CohortByID(bg, z.ID); err != nil || c.ID != z.ID {
		t.Errorf("the operator (no workspace) finds every cohort: %+v, %v", c, err)
	}
	if ids, err := db.TrainerCohorts(zuid, "U0TRAINER1"); err != nil || len(ids) != 1 || ids[0] != z.ID {
		t.Errorf("the trainer's cohorts in Zuid = %v, %v; want Zuid's only", ids, err)
	}
	if refs, err := db.EmailTrainers(zuid); err != nil || len(refs) != 1 || refs[0].CohortID != z.ID {
		t.Errorf("e-mail trainers in Zuid = %+v, %v; want Zuid's only", refs, err)
	}
	if cs, err := db.Cohorts(noord); err != nil || len(cs) != 2 {
		t.Errorf("Noord's cohorts = %d, %v; want the old one and Noord 2026", len(cs), err)
	}

	// Zuid cannot take Noord's cohort over by its name.
	steal := testCohort("Noord 2026", "C0ZUID2")
	var taken *store.NameTakenError
	if _, err := db.SaveCohort(zuid, steal); !errors.As(err, &taken) {
		t.Errorf("Zuid saving a cohort named as Noord's: %v, want NameTakenError", err)
	}
	if c, err := db.CohortByID(noord, n.ID); err != nil || c.Channel != "C0NOORD" {
		t.Errorf("Noord's cohort after Zuid's try: %+v, %v", c, err)
	}
}
