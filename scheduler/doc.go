// Package scheduler plans a cohort's deliveries and dispatches them.
//
// Planning is pure: Plan turns a cohort and the course's schedule rules (content/data/rules.yaml) into deliveries
// with permanent keys, keeping to the cohort's Calendar (quiet hours, weekends, Dutch holidays; calendar.go). The
// store keeps them (store.ReplacePlan).
//
// The Dispatcher sends them: robfig/cron runs its tick every minute, and a Kick runs the same tick at once
// (kick.go). A tick claims due rows under a lease (several replicas share the work; owner.go takes over a dead
// one's rows and fences it), checks the calendar again at sending time, expands a delivery "for each participant"
// into one row per member, has the Renderer build the message and the Sender post it in the cohort's workspace
// (store.WithTeam: the Sender picks that workspace's token), and records what happened.
// What failed for good or was missed goes on the trainers' next notice (failure_notice.go); sending pauses, per workspace,
// while Slack refuses that workspace's token (pause.go); the other workspaces go on. Retention runs the daily clean-up of ended cohorts (retention.go).
//
// The Sender and the Renderer are the contracts the bot's Poster and the handlers fulfil; ErrSkip and
// PermanentError are the errors that cross those layers.
package scheduler
