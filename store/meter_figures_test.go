package store_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// figuresWorld is a cohort with participants who fill in a three-statement meter, straight through the store.
type figuresWorld struct {
	t     testing.TB
	ctx   context.Context
	db    *store.DB
	c     *content.Cohort
	later time.Time // the reopen deadline: never reached
}

func newFiguresWorld(t testing.TB, db *store.DB, name string, participants ...string) *figuresWorld {
	t.Helper()
	ctx := context.Background()
	c := testCohort(name, "C0"+name)
	if _, err := db.SaveCohort(ctx, c); err != nil {
		t.Fatal(err)
	}
	for _, u := range participants {
		if _, err := db.RecordJoin(ctx, c.ID, u, nil); err != nil {
			t.Fatal(err)
		}
	}
	return &figuresWorld{t: t, ctx: ctx, db: db, c: c, later: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// fill answers every statement of user's voormeting with scores (in meterStatements order), starting it if need
// be, so that the last answer finishes it.
func (w *figuresWorld) fill(user string, scores ...int) content.Measurement {
	w.t.Helper()
	m, err := w.db.StartMeasurement(w.ctx, w.c.ID, user, content.MeterVoormeting)
	if err != nil {
		w.t.Fatal(err)
	}
	var res store.AnswerResult
	for i, st := range meterStatements {
		if res, err = w.db.AnswerStatement(w.ctx, store.MeterAnswer{MeasurementID: m.ID, UserID: user, Round: m.Round,
			StatementID: st, Score: scores[i], Statements: meterStatements}); err != nil {
			w.t.Fatal(err)
		}
	}
	if !res.Finished {
		w.t.Fatalf("%s: the last answer did not finish the measurement", user)
	}
	return res.Measurement
}

func (w *figuresWorld) measurement(user string) content.Measurement {
	w.t.Helper()
	m, err := w.db.MeasurementOf(w.ctx, w.c.ID, user, content.MeterVoormeting)
	if err != nil {
		w.t.Fatal(err)
	}
	return m
}

func (w *figuresWorld) reopen(user string) store.ReopenResult {
	w.t.Helper()
	r, err := w.db.ReopenMeasurement(w.ctx, w.measurement(user).ID, user, w.later)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func (w *figuresWorld) share(user string) {
	w.t.Helper()
	if _, err := w.db.ShareMeasurement(w.ctx, w.measurement(user).ID, user); err != nil {
		w.t.Fatal(err)
	}
}

func (w *figuresWorld) view() store.MeterFigures {
	w.t.Helper()
	f, err := w.db.MeterFigures(w.ctx, w.c.ID, content.MeterVoormeting)
	if err != nil {
		w.t.Fatal(err)
	}
	return f
}

func (w *figuresWorld) version(id int64) int {
	w.t.Helper()
	var v int
	if err := w.db.GetContext(w.ctx, &v, `SELECT version FROM meter_measurements WHERE id = $1`, id); err != nil {
		w.t.Fatal(err)
	}
	return v
}

func TestMeterVersionAndConsent(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	w := newFiguresWorld(t, db, "VERSIE", "U0ANNA")
	m := w.fill("U0ANNA", 3, 4, 5)
	if v := w.version(m.ID); v != 1 {
		t.Fatalf("version after the first finish = %d, want 1", v)
	}
	w.share("U0ANNA")

	t.Run("ReopenWithdrawsTheShare", func(t *testing.T) {
		r := w.reopen("U0ANNA")
		if !r.Withdrawn || r.Measurement.SharedAt != nil {
			t.Fatalf("reopen of a shared measurement = %+v, want the share withdrawn", r)
		}
		var n int
		if err := db.GetContext(w.ctx, &n, `
			SELECT count(*) FROM audit_log WHERE action = 'meter_share_withdrawn' AND user_id = 'U0ANNA'
			  AND detail->>'reason' = 'reopened'`); err != nil || n != 1 {
			t.Fatalf("%d audit rows of the withdrawal (%v), want 1", n, err)
		}
		if _, err := db.FinishMeasurement(w.ctx, m.ID, "U0ANNA", r.Measurement.Round, meterStatements); err != nil {
			t.Fatal(err)
		}
		if again := w.measurement("U0ANNA"); again.SharedAt != nil {
			t.Fatal("finishing again shared the answers again by itself")
		}
	})
	t.Run("NoChangeKeepsTheVersion", func(t *testing.T) {
		if v := w.version(m.ID); v != 1 {
			t.Fatalf("version after a reopen without changes (Afronden) = %d, want 1", v)
		}
		// Changed and changed back before finishing, with the last statement: still the same answers.
		r := w.reopen("U0ANNA")
		answer := func(st string, score int) store.AnswerResult {
			res, err := db.AnswerStatement(w.ctx, store.MeterAnswer{MeasurementID: m.ID, UserID: "U0ANNA",
				Round: r.Measurement.Round, StatementID: st, Score: score, Statements: meterStatements})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		answer("g1", 1)
		answer("g1", 3)
		if !answer("g3", 5).Finished {
			t.Fatal("the last statement did not finish the reopened measurement")
		}
		if v := w.version(m.ID); v != 1 {
			t.Fatalf("version after changing back = %d, want 1", v)
		}
	})
	t.Run("ChangeMakesANewVersion", func(t *testing.T) {
		r := w.reopen("U0ANNA")
		if _, err := db.AnswerStatement(w.ctx, store.MeterAnswer{MeasurementID: m.ID, UserID: "U0ANNA",
			Round: r.Measurement.Round, StatementID: "g2", Score: 1, Statements: meterStatements}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FinishMeasurement(w.ctx, m.ID, "U0ANNA", r.Measurement.Round, meterStatements); err != nil {
			t.Fatal(err)
		}
		if v := w.version(m.ID); v != 2 {
			t.Fatalf("version after a change finished with Afronden = %d, want 2", v)
		}
		r = w.reopen("U0ANNA")
		if res, err := db.AnswerStatement(w.ctx, store.MeterAnswer{MeasurementID: m.ID, UserID: "U0ANNA",
			Round: r.Measurement.Round, StatementID: "g3", Score: 2, Statements: meterStatements}); err != nil || !res.Finished {
			t.Fatalf("last statement: %+v, %v", res, err)
		}
		if v := w.version(m.ID); v != 3 {
			t.Fatalf("version after a change finished with the last statement = %d, want 3", v)
		}
	})
}

func TestMeterFiguresWhoCounts(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	w := newFiguresWorld(t, db, "TELT", "U0ANNA", "U0BRAM", "U0COR")
	// A trainer's own measurement (as a participant, before they were made trainer: the row is there), someone the
	// bot never saw as a participant (a guest in a DM), and the bot itself: none of them counts.
	if _, err := db.RecordJoin(w.ctx, w.c.ID, "U0TRAINER1", nil); err != nil {
		t.Fatal(err)
	}
	w.fill("U0TRAINER1", 5, 5, 5)
	w.fill("U0GAST", 1, 1, 1)
	w.fill("U0BOT", 2, 2, 2)
	w.fill("U0ANNA", 3, 3, 3)
	w.fill("U0BRAM", 4, 4, 4)
	f := w.view()
	if f.Snapshot != nil || f.Hidden != store.FiguresTooFew || f.Finished != 2 {
		t.Fatalf("2 participants and 3 others finished: %+v, want no figures (too few), 2 finished", f)
	}
	// Someone who left the channel keeps counting with the measurement they finished.
	w.fill("U0COR", 2, 2, 2)
	if _, err := db.ExecContext(w.ctx, `UPDATE participants SET left_at = now() WHERE user_id = 'U0COR'`); err != nil {
		t.Fatal(err)
	}
	f = w.view()
	if f.Snapshot == nil || f.Snapshot.Members != 3 || f.Snapshot.Sums["g1"] != 9 {
		t.Fatalf("3 participants finished: %+v, want figures of those 3 (g1 sum 9)", f)
	}
	if got := f.Snapshot.Average("g1", "g2"); got != 3 {
		t.Errorf("average over two statements = %v, want 3", got)
	}
}

// TestMeterFiguresShareAfterFigures plays a trainer who remembers: figures of four people, none shared, then two of
// them share. Showing both would give away the sum of the other two (4·avg − s₁ − s₂), so the second share is
// withheld, and stays so.
func TestMeterFiguresShareAfterFigures(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	w := newFiguresWorld(t, db, "ONTHOUDT", "U0ANNA", "U0BRAM", "U0COR", "U0DINA")
	for i, u := range []string{"U0ANNA", "U0BRAM", "U0COR", "U0DINA"} {
		w.fill(u, i+1, 5-i, 3)
	}
	if f := w.view(); f.Snapshot == nil || f.Snapshot.Members != 4 {
		t.Fatalf("4 finished, none shared: %+v, want figures", f)
	}
	w.share("U0COR")
	w.share("U0DINA")
	f := w.view()
	if len(f.Shared) != 1 || f.Shared[0].UserID != "U0COR" || len(f.Withheld) != 1 || f.Withheld[0].UserID != "U0DINA" ||
		f.Withheld[0].Scores != nil {
		t.Fatalf("shared = %+v, withheld = %+v; want cor's scores, dina's withheld", f.Shared, f.Withheld)
	}
	if f.Snapshot == nil || f.Snapshot.Members != 4 {
		t.Fatalf("the figures trainers saw disappeared: %+v", f)
	}
	if again := w.view(); len(again.Shared) != 1 || len(again.Withheld) != 1 {
		t.Fatalf("second look: shared %+v, withheld %+v", again.Shared, again.Withheld)
	}
	// When the other two share as well, nobody in the figures is exposed: all four are shown.
	w.share("U0ANNA")
	w.share("U0BRAM")
	if all := w.view(); len(all.Shared) != 4 || len(all.Withheld) != 0 {
		t.Fatalf("everyone shared: shared %+v, withheld %+v; want all four shown", all.Shared, all.Withheld)
	}
}

// TestMeterFiguresAnySequence lets participants finish, share, reopen, change and be erased in random order, with
// trainers looking in between, and plays the attacker after every look: from every snapshot shown (its members
// assumed known, as from the "klaar" list) and every shared measurement shown, it works out what is determined, with
// its own arithmetic (floating-point ranks), and fails when one person's answers, or any combination of two, are.
func TestMeterFiguresAnySequence(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	users := []string{"U0P1", "U0P2", "U0P3", "U0P4", "U0P5", "U0P6", "U0P7", "U0P8"}
	for seed := range uint64(6) {
		t.Run(fmt.Sprint("Seed", seed), func(t *testing.T) {
			t.Parallel() // each seed has a cohort of its own
			w := newFiguresWorld(t, db, fmt.Sprint("WILLEKEUR", seed), users...)
			rng := rand.New(rand.NewPCG(seed, 7))
			a := newAttacker()
			scores := func() []int { return []int{1 + rng.IntN(5), 1 + rng.IntN(5), 1 + rng.IntN(5)} }
			for range 120 {
				u := users[rng.IntN(len(users))]
				m, err := db.MeasurementOf(w.ctx, w.c.ID, u, content.MeterVoormeting)
				started := err == nil
				switch op := rng.IntN(10); {
				case op < 3:
					a.look(t, w)
				case !started:
					w.fill(u, scores()...)
				case m.Finished() && op < 5 && m.SharedAt == nil:
					w.share(u)
				case m.Finished() && op < 8:
					w.reopen(u)
					if rng.IntN(3) > 0 { // else: leave it open for now
						w.fill(u, scores()...)
					}
				case m.Finished() && op == 8:
					// erased: the measurement goes, with its answers
					if _, err := db.ExecContext(w.ctx, `DELETE FROM meter_measurements WHERE id = $1`, m.ID); err != nil {
						t.Fatal(err)
					}
				case !m.Finished():
					w.fill(u, scores()...)
				}
			}
			a.look(t, w)
			// The sequence must have given the attacker something to work with.
			if a.snapshots < 3 || a.shares < 3 {
				t.Errorf("only %d snapshots and %d shares shown: the sequence tests too little", a.snapshots, a.shares)
			}
		})
	}
}

// attacker is a trainer who keeps everything they were shown.
type attacker struct {
	equations [][]figureKey      // the members of each snapshot shown
	known     map[figureKey]bool // measurement versions whose scores were shown
	seen      map[int64]bool     // snapshots by id
	snapshots int
	shares    int
}

type figureKey struct {
	id      int64
	version int
}

func newAttacker() *attacker {
	return &attacker{known: map[figureKey]bool{}, seen: map[int64]bool{}}
}

// look views the figures, checks the rules that can be seen from the outside, adds what was shown to the attacker's
// knowledge and checks that it determines nobody's answers.
func (a *attacker) look(t *testing.T, w *figuresWorld) {
	t.Helper()
	f := w.view()
	for _, s := range f.Shared {
		m := w.measurement(s.UserID)
		if !m.Finished() || m.SharedAt == nil {
			t.Fatalf("scores of %s shown while not shared", s.UserID)
		}
		k := figureKey{m.ID, w.version(m.ID)}
		if !a.known[k] {
			a.shares++
		}
		a.known[k] = true
	}
	if f.Snapshot != nil && !a.seen[f.Snapshot.ID] {
		a.newSnapshot(t, w, f.Snapshot)
	}
	if what := a.determined(); what != "" {
		t.Fatalf("after %d snapshots and %d shares the trainer can work out %s", a.snapshots, a.shares, what)
	}
}

// newSnapshot checks a snapshot shown for the first time and adds it to the attacker's equations.
func (a *attacker) newSnapshot(t *testing.T, w *figuresWorld, s *store.MeterSnapshot) {
	t.Helper()
	a.seen[s.ID] = true
	a.snapshots++
	var rows []struct {
		ID      int64 `db:"measurement_id"`
		Version int   `db:"version"`
	}
	if err := w.db.SelectContext(w.ctx, &rows, `
		SELECT measurement_id, version FROM meter_snapshot_members WHERE snapshot_id = $1`, s.ID); err != nil {
		t.Fatal(err)
	}
	var members []figureKey
	sums := map[string]int{}
	for _, r := range rows {
		members = append(members, figureKey{r.ID, r.Version})
		if v := w.version(r.ID); v != r.Version {
			t.Fatalf("a new snapshot has measurement %d at version %d, it is at %d", r.ID, r.Version, v)
		}
		answers, err := w.db.MeterAnswers(w.ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for st, v := range answers {
			sums[st] += v
		}
	}
	if len(members) < store.MinGroup || len(members) != s.Members {
		t.Fatalf("snapshot of %d measurements (%d members recorded)", s.Members, len(members))
	}
	for _, st := range meterStatements {
		if s.Sums[st] != sums[st] {
			t.Fatalf("snapshot sum of %s = %d, the members' answers add up to %d", st, s.Sums[st], sums[st])
		}
	}
	if len(a.equations) > 0 {
		if n := differ(a.equations[len(a.equations)-1], members); n < store.MinChange {
			t.Fatalf("the figures moved on after %d changes, want at least %d", n, store.MinChange)
		}
	}
	a.equations = append(a.equations, members)
}

func differ(before, after []figureKey) int {
	was := map[int64]int{}
	for _, k := range before {
		was[k.id] = k.version
	}
	n := 0
	for _, k := range after {
		if v, ok := was[k.id]; !ok || v != k.version {
			n++
		}
		delete(was, k.id)
	}
	return n + len(was)
}

// determined names an unknown, or a pair of unknowns, some combination of which the equations determine: a unit
// vector (or the plane of two) that adds less than its dimension to the rank of the equations.
func (a *attacker) determined() string {
	var unknowns []figureKey
	col := map[figureKey]int{}
	for _, eq := range a.equations {
		for _, k := range eq {
			if _, ok := col[k]; !ok && !a.known[k] {
				col[k] = len(unknowns)
				unknowns = append(unknowns, k)
			}
		}
	}
	var m [][]float64
	for _, eq := range a.equations {
		r := make([]float64, len(unknowns))
		for _, k := range eq {
			if c, ok := col[k]; ok {
				r[c] = 1
			}
		}
		m = append(m, r)
	}
	base := rank(m)
	unit := func(i int) []float64 {
		r := make([]float64, len(unknowns))
		r[i] = 1
		return r
	}
	for i := range unknowns {
		if rank(append(slices.Clone(m), unit(i))) == base {
			return fmt.Sprintf("the answers of measurement %d (version %d)", unknowns[i].id, unknowns[i].version)
		}
		for j := i + 1; j < len(unknowns); j++ {
			if rank(append(slices.Clone(m), unit(i), unit(j))) < base+2 {
				return fmt.Sprintf("a combination of measurements %v and %v", unknowns[i], unknowns[j])
			}
		}
	}
	return ""
}

// rank is the rank of a matrix, by Gaussian elimination with partial pivoting.
func rank(rows [][]float64) int {
	m := make([][]float64, len(rows))
	for i := range rows {
		m[i] = slices.Clone(rows[i])
	}
	r := 0
	for c := 0; len(m) > 0 && c < len(m[0]) && r < len(m); c++ {
		p := r
		for i := r + 1; i < len(m); i++ {
			if math.Abs(m[i][c]) > math.Abs(m[p][c]) {
				p = i
			}
		}
		if math.Abs(m[p][c]) < 1e-9 {
			continue
		}
		m[r], m[p] = m[p], m[r]
		for i := r + 1; i < len(m); i++ {
			f := m[i][c] / m[r][c]
			for j := c; j < len(m[i]); j++ {
				m[i][j] -= f * m[r][j]
			}
		}
		r++
	}
	return r
}

// BenchmarkMeterFigures is one trainer's look at the figures of a large group (24 participants, every one finished,
// a dozen snapshots shown, half of them shared, some of those withheld): what `/competentiemeter overzicht` adds per
// measurement kind before its ack.
func BenchmarkMeterFigures(b *testing.B) {
	db := storetest.New(b)
	var users []string
	for i := range 24 {
		users = append(users, fmt.Sprintf("U0P%02d", i))
	}
	w := newFiguresWorld(b, db, "GROOT", users...)
	for i, u := range users {
		w.fill(u, 1+i%5, 1+(i/5)%5, 1+(i*7)%5)
		if i%3 == 2 {
			w.view()
		}
	}
	for i, u := range users {
		if i%2 == 0 {
			w.share(u)
		}
	}
	f := w.view()
	b.Logf("%d shared shown, %d withheld", len(f.Shared), len(f.Withheld))
	b.ResetTimer()
	for range b.N {
		w.view()
	}
}
