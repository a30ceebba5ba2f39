package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"sort"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Group figures of the competentiemeter, and the scores participants shared, as trainers may see them.
//
// Trainers see averages of a group, never one person's answers unless that person shared them. Averages can be
// differenced: with three in a group of whom two shared, the third's scores are 3·avg − s₁ − s₂; looking at n = 3
// and again at n = 4 gives the fourth's scores exactly. So what trainers are shown is treated as what they know,
// for good: every set of figures they were shown is an equation (the sum of its members' scores), every shared
// measurement they were shown a known value, and nothing new is shown when, together with all of that, it would
// pin down the answers of one person, or the sum or difference of two (the sum of two scores 1–5 that is 10 says
// both are 5). On top of that, the rules a trainer can repeat to a participant:
//
//   - Only participants count: people recorded as participants of the cohort (the channel's members who are not
//     trainers or bots, also after they left the channel), not the cohort's trainers, not anyone else who started
//     the meter.
//   - Figures are computed from at least MinGroup finished measurements, and never while 1 or 2 of them are
//     measurements whose answers trainers have not been shown individually: the figures would give away their sum.
//   - Figures are a snapshot. They move on only when at least MinChange measurements were added, changed or
//     removed since the snapshot trainers saw last, so that no two snapshots differ by one or two people; until
//     then trainers see the last one, dated.
//   - A measurement's version changes when it is finished with different answers (store/meter.go); a reopen that
//     changes nothing is no change.

// MinGroup is the fewest participants' finished measurements that group figures are computed from.
const MinGroup = 3

// MinChange is how many measurements must be added, changed or removed before the group figures move on.
const MinChange = 3

// Why there are no group figures to show.
const (
	FiguresTooFew = "too_few" // fewer than MinGroup participants finished
	FiguresUnseen = "unseen"  // 1 or 2 of them have answers trainers were not shown: the figures would give away their sum
)

// MeterSnapshot is a set of group figures: the number of measurements and the sum of their scores per statement.
type MeterSnapshot struct {
	ID      int64
	TakenAt time.Time
	Members int
	Sums    map[string]int // by statement id
}

// Average returns the members' average score over the statements (one statement: its average; an area's
// statements: the area's average).
func (s MeterSnapshot) Average(statements ...string) float64 {
	sum := 0
	for _, id := range statements {
		sum += s.Sums[id]
	}
	if s.Members == 0 || len(statements) == 0 {
		return 0
	}
	return float64(sum) / float64(s.Members*len(statements))
}

// SharedMeasurement is a finished measurement its participant shared with the trainers ("Delen met trainer").
type SharedMeasurement struct {
	UserID   string
	SharedAt time.Time
	Scores   map[string]int // by statement id; nil when withheld
}

// MeterFigures is what trainers may see of one measurement (voormeting or eindmeting) of a cohort beyond who
// finished: the group figures, and the scores participants shared.
type MeterFigures struct {
	Kind     string
	Finished int // participants who finished it now
	// Snapshot is the group figures trainers may see; nil: none, for the reason in Hidden.
	Snapshot *MeterSnapshot
	Hidden   string // FiguresTooFew or FiguresUnseen
	Unseen   int    // with FiguresUnseen: how many (1 or 2) in the group have answers trainers were not shown
	// Current: the snapshot is computed from the finished measurements as they are now. When it is not, Pending
	// says how many more must be added, changed or removed before it moves on; 0 when enough changed but a new
	// snapshot would, together with what trainers were shown, give someone's answers away (it moves on once more
	// change).
	Current bool
	Pending int
	Shared  []SharedMeasurement // shared, with their scores
	// Withheld were shared, but showing them would give away other people's answers: together with group figures
	// the trainers saw earlier they would pin down someone who did not share.
	Withheld []SharedMeasurement
}

// figureVar is a measurement's answers in one version: an unknown of the equations trainers were shown.
type figureVar struct {
	id      int64
	version int
}

// finishedMeasurement is a finished measurement as the figures see it.
type finishedMeasurement struct {
	ID         int64          `db:"id"`
	UserID     string         `db:"user_id"`
	Version    int            `db:"version"`
	SharedAt   *time.Time     `db:"shared_at"`
	Counted    bool           `db:"counted"` // a participant, not a trainer: in the group figures
	Trainer    bool           `db:"trainer"`
	Statements pq.StringArray `db:"statement_ids"`
	Scores     pq.Int64Array  `db:"scores"`
}

func (m finishedMeasurement) v() figureVar { return figureVar{m.ID, m.Version} }

func (m finishedMeasurement) answers() map[string]int {
	out := make(map[string]int, len(m.Statements))
	for i, s := range m.Statements {
		if i < len(m.Scores) {
			out[s] = int(m.Scores[i])
		}
	}
	return out
}

// MeterFigures decides what the trainers of a cohort may see now of its measurement of kind, records it as seen,
// and returns it. Call it only to show the result to a trainer: what it returns counts as shown.
func (db *DB) MeterFigures(ctx context.Context, cohortID int64, kind string) (MeterFigures, error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return MeterFigures{}, fmt.Errorf("meter figures: %w", FormatError(err))
	}
	defer tx.Rollback()
	// Two trainers (or replicas) looking at once take turns, so that each decides knowing what the other showed.
	if _, err := tx.ExecContext(ctx, `
		SELECT pg_advisory_xact_lock(hashtextextended('meter_figures/' || $1::text || '/' || $2, 0))`,
		cohortID, kind); err != nil {
		return MeterFigures{}, fmt.Errorf("meter figures: lock: %w", FormatError(err))
	}
	now := db.Now()
	in, snaps, err := loadFigures(ctx, tx, cohortID, kind)
	if err != nil {
		return MeterFigures{}, fmt.Errorf("meter figures: %w", err)
	}
	ms := in.measurements
	d := decideFigures(in)

	out := MeterFigures{Kind: kind, Finished: d.finished, Current: d.current, Pending: d.pending, Hidden: d.hidden,
		Unseen: d.unseen}
	if d.snapshot != nil {
		sums, err := json.Marshal(d.sums)
		if err != nil {
			return MeterFigures{}, fmt.Errorf("meter figures: %w", err)
		}
		var id int64
		if err := tx.GetContext(ctx, &id, `
			INSERT INTO meter_snapshots (cohort_id, kind, taken_at, members, sums)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, cohortID, kind, now, len(d.snapshot), string(sums)); err != nil {
			return MeterFigures{}, fmt.Errorf("meter figures: snapshot: %w", FormatError(err))
		}
		ids, versions := make([]int64, len(d.snapshot)), make([]int64, len(d.snapshot))
		for i, v := range d.snapshot {
			ids[i], versions[i] = v.id, int64(v.version)
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO meter_snapshot_members (snapshot_id, measurement_id, version)
			SELECT $1, m, v FROM unnest($2::bigint[], $3::int[]) AS u(m, v)`,
			id, pq.Array(ids), pq.Array(versions)); err != nil {
			return MeterFigures{}, fmt.Errorf("meter figures: snapshot members: %w", FormatError(err))
		}
		out.Snapshot = &MeterSnapshot{ID: id, TakenAt: now, Members: len(d.snapshot), Sums: d.sums}
	} else if len(snaps) > 0 && d.hidden == "" {
		last := snaps[len(snaps)-1]
		s := MeterSnapshot{ID: last.ID, TakenAt: last.TakenAt, Members: last.Members}
		if err := json.Unmarshal(last.Sums, &s.Sums); err != nil {
			return MeterFigures{}, fmt.Errorf("meter figures: snapshot %d: %w", last.ID, err)
		}
		out.Snapshot = &s
	}
	var ids, versions []int64
	for _, i := range d.shared {
		m := ms[i]
		out.Shared = append(out.Shared, SharedMeasurement{UserID: m.UserID, SharedAt: *m.SharedAt, Scores: m.answers()})
		ids, versions = append(ids, m.ID), append(versions, int64(m.Version))
	}
	for _, i := range d.withheld {
		out.Withheld = append(out.Withheld, SharedMeasurement{UserID: ms[i].UserID, SharedAt: *ms[i].SharedAt})
	}
	if len(ids) > 0 {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO meter_disclosures (cohort_id, kind, measurement_id, version, disclosed_at)
			SELECT $1, $2, m, v, $5 FROM unnest($3::bigint[], $4::int[]) AS u(m, v)
			ON CONFLICT (measurement_id, version) DO NOTHING`,
			cohortID, kind, pq.Array(ids), pq.Array(versions), now); err != nil {
			return MeterFigures{}, fmt.Errorf("meter figures: disclosures: %w", FormatError(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return MeterFigures{}, fmt.Errorf("meter figures: commit: %w", FormatError(err))
	}
	return out, nil
}

// snapshotRow is a meter_snapshots row.
type snapshotRow struct {
	ID      int64     `db:"id"`
	TakenAt time.Time `db:"taken_at"`
	Members int       `db:"members"`
	Sums    []byte    `db:"sums"`
}

// loadFigures reads what decideFigures decides from, and the snapshots shown, oldest first.
func loadFigures(ctx context.Context, q sqlx.QueryerContext, cohortID int64, kind string) (figuresInput, []snapshotRow, error) {
	// One statement, so that every measurement and answer is read as of the same moment.
	var ms []finishedMeasurement
	if err := sqlx.SelectContext(ctx, q, &ms, `
		SELECT m.id, m.user_id, m.version, m.shared_at,
		       EXISTS (SELECT 1 FROM participants p WHERE p.cohort_id = m.cohort_id AND p.user_id = m.user_id)
		         AND NOT EXISTS (SELECT 1 FROM cohort_trainers t WHERE t.cohort_id = m.cohort_id AND t.user_id = m.user_id)
		         AS counted,
		       EXISTS (SELECT 1 FROM cohort_trainers t WHERE t.cohort_id = m.cohort_id AND t.user_id = m.user_id)
		         AS trainer,
		       array_agg(a.statement_id ORDER BY a.statement_id) AS statement_ids,
		       array_agg(a.score ORDER BY a.statement_id) AS scores
		FROM meter_measurements m JOIN meter_answers a ON a.measurement_id = m.id
		WHERE m.cohort_id = $1 AND m.kind = $2 AND m.finished_at IS NOT NULL
		GROUP BY m.id
		ORDER BY m.id`, cohortID, kind); err != nil {
		return figuresInput{}, nil, fmt.Errorf("measurements: %w", FormatError(err))
	}
	var snaps []snapshotRow
	if err := sqlx.SelectContext(ctx, q, &snaps, `
		SELECT id, taken_at, members, sums FROM meter_snapshots
		WHERE cohort_id = $1 AND kind = $2 ORDER BY id`, cohortID, kind); err != nil {
		return figuresInput{}, nil, fmt.Errorf("snapshots: %w", FormatError(err))
	}
	var members []struct {
		Snapshot int64 `db:"snapshot_id"`
		ID       int64 `db:"measurement_id"`
		Version  int   `db:"version"`
	}
	if err := sqlx.SelectContext(ctx, q, &members, `
		SELECT sm.snapshot_id, sm.measurement_id, sm.version
		FROM meter_snapshot_members sm JOIN meter_snapshots s ON s.id = sm.snapshot_id
		WHERE s.cohort_id = $1 AND s.kind = $2`, cohortID, kind); err != nil {
		return figuresInput{}, nil, fmt.Errorf("snapshot members: %w", FormatError(err))
	}
	var disclosures []struct {
		ID      int64 `db:"measurement_id"`
		Version int   `db:"version"`
	}
	if err := sqlx.SelectContext(ctx, q, &disclosures, `
		SELECT measurement_id, version FROM meter_disclosures WHERE cohort_id = $1 AND kind = $2`,
		cohortID, kind); err != nil {
		return figuresInput{}, nil, fmt.Errorf("disclosures: %w", FormatError(err))
	}

	in := figuresInput{measurements: ms, disclosed: map[figureVar]bool{}}
	bySnap := map[int64][]figureVar{}
	for _, m := range members {
		bySnap[m.Snapshot] = append(bySnap[m.Snapshot], figureVar{m.ID, m.Version})
	}
	for _, s := range snaps {
		in.shown = append(in.shown, bySnap[s.ID])
	}
	for _, d := range disclosures {
		in.disclosed[figureVar{d.ID, d.Version}] = true
	}
	return in, snaps, nil
}

// MeterShareShown reports whether trainers would now be shown the scores of a shared measurement (as MeterFigures
// decides), without recording anything: the participant who shares is told when they would not.
func (db *DB) MeterShareShown(ctx context.Context, measurementID int64) (bool, error) {
	m, err := db.MeasurementByID(ctx, measurementID)
	if err != nil {
		return false, fmt.Errorf("meter share shown: %w", err)
	}
	tx, err := db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return false, fmt.Errorf("meter share shown: %w", FormatError(err))
	}
	defer tx.Rollback()
	in, _, err := loadFigures(ctx, tx, m.CohortID, m.Kind)
	if err != nil {
		return false, fmt.Errorf("meter share shown: %w", err)
	}
	for _, i := range decideFigures(in).shared {
		if in.measurements[i].ID == measurementID {
			return true, nil
		}
	}
	return false, nil
}

// figuresInput is what decideFigures decides from.
type figuresInput struct {
	measurements []finishedMeasurement // finished, by id
	shown        [][]figureVar         // the members of every snapshot trainers were shown, oldest first
	disclosed    map[figureVar]bool    // measurements (versions) whose scores trainers were shown
}

// figuresDecision is what trainers may see.
type figuresDecision struct {
	finished         int
	shared, withheld []int       // indexes into the measurements
	snapshot         []figureVar // a new snapshot's members; nil: none
	sums             map[string]int
	hidden           string
	unseen           int
	current          bool
	pending          int
}

// decideFigures applies the rules of this file: first the shared measurements, in the order they were shared (a
// participant's consent is honoured unless it would expose someone else), then the group figures.
func decideFigures(in figuresInput) figuresDecision {
	var d figuresDecision
	known := make(map[figureVar]bool, len(in.disclosed))
	for v := range in.disclosed {
		known[v] = true
	}
	// A trainer knows their own answers (someone made trainer after their measurement was in the figures).
	for _, m := range in.measurements {
		if m.Trainer {
			known[m.v()] = true
		}
	}
	var shares []int
	for i, m := range in.measurements {
		if m.SharedAt != nil && !m.Trainer {
			shares = append(shares, i)
		}
	}
	sort.SliceStable(shares, func(a, b int) bool {
		return in.measurements[shares[a]].SharedAt.Before(*in.measurements[shares[b]].SharedAt)
	})
	// All of them, when that gives nobody away (when everyone in a set of figures shared, none of them is exposed by
	// another); else one by one, first shared first.
	all := maps.Clone(known)
	for _, i := range shares {
		all[in.measurements[i].v()] = true
	}
	if !givesAway(in.shown, all) {
		known, d.shared = all, shares
	} else {
		for _, i := range shares {
			v := in.measurements[i].v()
			if known[v] {
				d.shared = append(d.shared, i)
				continue
			}
			known[v] = true
			if givesAway(in.shown, known) {
				delete(known, v)
				d.withheld = append(d.withheld, i)
				continue
			}
			d.shared = append(d.shared, i)
		}
	}
	sort.Ints(d.shared)

	var group []figureVar
	for _, m := range in.measurements {
		if m.Counted {
			group = append(group, m.v())
		}
	}
	d.finished = len(group)
	for _, v := range group {
		if !known[v] {
			d.unseen++
		}
	}
	changes := len(group)
	if len(in.shown) > 0 {
		changes = changed(in.shown[len(in.shown)-1], group)
	}
	if len(group) >= MinGroup && changes >= MinChange && (d.unseen == 0 || d.unseen >= MinGroup) &&
		!givesAway(append(in.shown[:len(in.shown):len(in.shown)], group), known) {
		d.snapshot, d.current = group, true
		d.sums = map[string]int{}
		for _, m := range in.measurements {
			if m.Counted {
				for s, score := range m.answers() {
					d.sums[s] += score
				}
			}
		}
		return d
	}
	if len(in.shown) > 0 {
		d.current = changes == 0
		if !d.current && changes < MinChange {
			d.pending = MinChange - changes
		}
		d.unseen = 0
		return d
	}
	if len(group) < MinGroup {
		d.hidden, d.unseen = FiguresTooFew, 0
		return d
	}
	d.hidden = FiguresUnseen
	return d
}

// changed counts the measurements added, changed (another version) or removed between two sets.
func changed(before, after []figureVar) int {
	was := make(map[int64]int, len(before))
	for _, v := range before {
		was[v.id] = v.version
	}
	n := 0
	for _, v := range after {
		if old, ok := was[v.id]; !ok || old != v.version {
			n++
		}
		delete(was, v.id)
	}
	return n + len(was)
}

// givesAway reports whether someone's answers can be worked out from the equations (the sum of each set's
// answers, as trainers were shown it) and the known answers: whether one unknown, or any combination of two (a
// sum, a difference, one person's change), is determined.
//
// The equations form a matrix over the unknowns. A combination c is determined exactly when it lies in the matrix's
// row space, that is when c is orthogonal to its null space. For c = a·e_i + b·e_j that means a·z_i + b·z_j = 0,
// with z_i the i-th row of a basis of the null space: so something is given away when a row z_i is zero or two rows
// are parallel. From the reduced row echelon form the basis is direct: a free unknown's row is a unit vector, a pivot
// unknown's row is minus its equation's entries in the free columns. Exact arithmetic (big.Rat): a rounding error
// must not decide this.
func givesAway(equations [][]figureVar, known map[figureVar]bool) bool {
	col := map[figureVar]int{}
	for _, eq := range equations {
		for _, v := range eq {
			if _, ok := col[v]; !ok && !known[v] {
				col[v] = len(col)
			}
		}
	}
	n := len(col)
	if n == 0 {
		return false
	}
	rows := make([][]big.Rat, 0, len(equations))
	for _, eq := range equations {
		r := make([]big.Rat, n)
		for _, v := range eq {
			if c, ok := col[v]; ok {
				r[c].SetInt64(1)
			}
		}
		rows = append(rows, r)
	}
	var pivots []int
	var f, t big.Rat
	for c, r := 0, 0; c < n && r < len(rows); c++ {
		p := r
		for p < len(rows) && rows[p][c].Sign() == 0 {
			p++
		}
		if p == len(rows) {
			continue
		}
		rows[r], rows[p] = rows[p], rows[r]
		f.Inv(&rows[r][c])
		for j := c; j < n; j++ {
			rows[r][j].Mul(&rows[r][j], &f)
		}
		for i := range rows {
			if i == r || rows[i][c].Sign() == 0 {
				continue
			}
			f.Set(&rows[i][c])
			for j := c; j < n; j++ {
				t.Mul(&f, &rows[r][j])
				rows[i][j].Sub(&rows[i][j], &t)
			}
		}
		pivots = append(pivots, c)
		r++
	}
	isPivot := make([]bool, n)
	for _, c := range pivots {
		isPivot[c] = true
	}
	var free []int
	for c := range n {
		if !isPivot[c] {
			free = append(free, c)
		}
	}
	// A pivot unknown with no free entry is determined alone; with one, together with that free unknown.
	for k := range pivots {
		nz := 0
		for _, c := range free {
			if rows[k][c].Sign() != 0 {
				nz++
			}
		}
		if nz <= 1 {
			return true
		}
	}
	for a := range pivots {
		for b := a + 1; b < len(pivots); b++ {
			if parallel(rows[a], rows[b], free) {
				return true
			}
		}
	}
	return false
}

// parallel reports whether two rows are proportional in the columns cols (neither is zero there).
func parallel(a, b []big.Rat, cols []int) bool {
	var ratio *big.Rat
	var x big.Rat
	for _, c := range cols {
		if (a[c].Sign() == 0) != (b[c].Sign() == 0) {
			return false
		}
		if a[c].Sign() == 0 {
			continue
		}
		x.Quo(&a[c], &b[c])
		if ratio == nil {
			ratio = new(big.Rat).Set(&x)
		} else if x.Cmp(ratio) != 0 {
			return false
		}
	}
	return true
}
