package content

import "time"

// Kinds of measurement of the competentiemeter.
const (
	MeterVoormeting = "voormeting" // before the course
	MeterEindmeting = "eindmeting" // after module 4
)

// Measurement is one participant's voormeting or eindmeting of the competentiemeter in a cohort, as the store keeps
// it (db tags: the store scans its rows straight into it). Its answers are kept apart (store.MeterAnswers).
type Measurement struct {
	ID         int64      `db:"id"`
	CohortID   int64      `db:"cohort_id"`
	UserID     string     `db:"user_id"`
	Kind       string     `db:"kind"` // MeterVoormeting or MeterEindmeting
	StartedAt  time.Time  `db:"started_at"`
	FinishedAt *time.Time `db:"finished_at"` // nil while open
	Locked     bool       `db:"locked"`      // finished and not reopened
	Round      int        `db:"round"`       // 1, and one more after each reopen
	SharedAt   *time.Time `db:"shared_at"`   // when the participant pressed "Delen met trainer"; nil: not shared
	UpdatedAt  time.Time  `db:"updated_at"`
}

// Finished reports whether every statement was answered and the measurement was closed.
func (m Measurement) Finished() bool { return m.FinishedAt != nil }
