package content

import "time"

// Delivery is one message of a cohort: planned by the planner from the cohort and the schedule rules, kept by the
// store with its state, sent by the scheduler, rendered by the handlers. One type for all of them: the store maps
// its rows onto it (db tags), the plan is written as JSON (json tags; the state is the store's, not the plan's).
// Its Key is permanent: re-planning changes DueAt, Deadline and Title of a delivery that has not been sent, never
// its Key.
type Delivery struct {
	Key       string     `json:"key" db:"key"`             // "<cohort>/<rule id>/m<module>", plus "/<recipient>" for one person
	Kind      string     `json:"kind" db:"kind"`           // one of RuleKinds
	RuleID    string     `json:"rule_id" db:"rule_id"`     // the Rule it comes from
	Module    int        `json:"module" db:"module"`       // 1..4
	Audience  string     `json:"audience" db:"audience"`   // AudienceChannel, AudienceParticipants, AudienceParticipant or AudienceTrainers
	Recipient string     `json:"recipient" db:"recipient"` // a Slack user ID for AudienceParticipant; "" otherwise
	DueAt     time.Time  `json:"due_at" db:"due_at"`       // when it goes out, in the cohort's time zone
	Deadline  *time.Time `json:"deadline" db:"deadline"`   // after it the delivery is missed, not sent late; nil for none
	Title     string     `json:"title" db:"title"`         // short Dutch label, e.g. "Herinnering module 2 (morgen)"
	Note      string     `json:"note,omitempty" db:"note"` // why DueAt differs from the rule's moment, e.g. "weekend"
	// FollowsCalendar says the message may not go out in the cohort's quiet hours, at weekends or on holidays: a
	// DM that is not urgent, or a channel message whose rule keeps to the calendar. The dispatcher checks it again
	// when it sends, since a delivery can be late (the bot was down).
	FollowsCalendar bool `json:"follows_calendar,omitempty" db:"follows_calendar"`

	// Its state, as the store keeps it (zero in a plan that is not stored yet).
	ID        int64      `json:"-" db:"id"`
	CohortID  int64      `json:"-" db:"cohort_id"`
	Status    string     `json:"-" db:"status"` // store.StatusPending, ...
	Attempts  int        `json:"-" db:"attempts"`
	ChannelID *string    `json:"-" db:"channel_id"` // where it was posted
	TS        *string    `json:"-" db:"ts"`         // the message's ts once posted
	Error     *string    `json:"-" db:"error"`      // Slack's answer when it failed
	SentAt    *time.Time `json:"-" db:"sent_at"`
}

// Delivery audiences. A rule for "participants" is planned as one row; the dispatcher expands it at send time into
// one "participant" row per channel member who is not a trainer or a bot.
const (
	AudienceChannel      = "channel"
	AudienceParticipants = "participants"
	AudienceParticipant  = "participant"
	AudienceTrainers     = "trainers"
)
