package content

import "time"

// Participation is a person's place in a cohort as the bot recorded it: since when, and whether they left the
// cohort's channel. Someone who left keeps everything stored about them until they erase it; they are simply not
// in the group any more, and rejoining the channel makes them a participant again.
type Participation struct {
	CohortID int64      `db:"cohort_id"`
	UserID   string     `db:"user_id"`
	JoinedAt time.Time  `db:"joined_at"`
	LeftAt   *time.Time `db:"left_at"` // nil: in the channel
}

// Left reports whether the person left the cohort's channel.
func (p Participation) Left() bool { return p.LeftAt != nil }
