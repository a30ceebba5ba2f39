package content

import "time"

// Delivery is one planned message of a cohort, as the planner makes it from the cohort and the schedule rules and
// as the store keeps it. Its Key is permanent: re-planning changes DueAt, Deadline and Title of a delivery that
// has not been sent, never its Key.
type Delivery struct {
	Key       string     `json:"key"`            // "<cohort>/<rule id>/m<module>", plus "/<recipient>" for one person
	Kind      string     `json:"kind"`           // one of RuleKinds
	RuleID    string     `json:"rule_id"`        // the Rule it comes from
	Module    int        `json:"module"`         // 1..4
	Audience  string     `json:"audience"`       // AudienceChannel, AudienceParticipants, AudienceParticipant or AudienceTrainers
	Recipient string     `json:"recipient"`      // a Slack user ID for AudienceParticipant; "" otherwise
	DueAt     time.Time  `json:"due_at"`         // when it goes out, in the cohort's time zone
	Deadline  *time.Time `json:"deadline"`       // after it the delivery is missed, not sent late; nil for none
	Title     string     `json:"title"`          // short Dutch label, e.g. "Herinnering module 2 (morgen)"
	Note      string     `json:"note,omitempty"` // why DueAt differs from the rule's moment, e.g. "weekend"
	// FollowsCalendar says the message may not go out in the cohort's quiet hours, at weekends or on holidays: a
	// DM that is not urgent, or a channel message whose rule keeps to the calendar. The dispatcher checks it again
	// when it sends, since a delivery can be late (the bot was down).
	FollowsCalendar bool `json:"follows_calendar,omitempty"`
}

// Delivery audiences. A rule for "participants" is planned as one row; the dispatcher expands it at send time into
// one "participant" row per channel member who is not a trainer or a bot.
const (
	AudienceChannel      = "channel"
	AudienceParticipants = "participants"
	AudienceParticipant  = "participant"
	AudienceTrainers     = "trainers"
)
