package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// Subcommands of /training.
const (
	TrainingNieuw  = "nieuw"
	TrainingPlan   = "plan"
	TrainingVerzet = "verzet"
	TrainingStatus = "status"
)

// TrainingStore is what the /training commands need from the database; *store.DB implements it.
type TrainingStore interface {
	CohortByChannel(ctx context.Context, channel string) (*content.Cohort, error)
	CohortByName(ctx context.Context, name string) (*content.Cohort, error)
	ApplyCohort(ctx context.Context, c *content.Cohort, plan func(*content.Cohort) ([]content.Delivery, error)) (store.PlanResult, error)
	Deliveries(ctx context.Context, cohortID int64) ([]content.Delivery, error)
	LeftParticipants(ctx context.Context, cohortID int64) ([]string, error)
	Audit(ctx context.Context, e store.AuditEntry) error
}

// ViewOpener opens a modal for a trigger_id; *bot.Poster implements it.
type ViewOpener interface {
	OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
}

// TrainingDeps are what the /training commands work with. Store, Slack and Course are required.
type TrainingDeps struct {
	Store  TrainingStore
	Slack  ViewOpener
	Course *content.Course // module titles and the schedule rules the plan is made from
	Now    func() time.Time
	Kick   func() // optional: asks the dispatcher to look for due deliveries now, after a plan changed
	// Gate decides who is a trainer and who may set up a training; nil: a gate over Store without Slack (trainers
	// by user ID only, and nobody may set up a training).
	Gate *Gate
	Log  *slog.Logger
}

// Training handles the trainer's /training commands: nieuw (a modal that creates a training for the channel),
// plan (the timeline), verzet (move a module and re-plan) and status (counts and failures).
//
// Who may use them, as the Gate decides: plan, verzet and status only the training's trainers (by Slack user ID,
// or by the e-mail address the cohort file gives); nieuw, in a channel without a training, only a workspace admin or
// owner, or one of TRAINING_CREATORS. Whoever creates the training becomes one of its trainers.
type Training struct {
	deps    TrainingDeps
	phrases content.Phrases
}

// RegisterTraining registers /training and its subcommands with r.
func RegisterTraining(r *Registry, deps TrainingDeps) *Training {
	if deps.Store == nil || deps.Slack == nil || deps.Course == nil {
		panic("handlers: RegisterTraining needs a store, a Slack client and the course")
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Gate = defaultGate(deps.Gate, deps.Store); deps.Gate == nil {
		panic("handlers: RegisterTraining needs a gate")
	}
	t := &Training{deps: deps, phrases: r.Phrases()}
	r.Command(CommandTraining, t.Command)
	r.Command(CommandTraining+" help", t.Command)
	r.CreatorCommand(CommandTraining+" "+TrainingNieuw, t.New)
	r.TrainerCommand(CommandTraining+" "+TrainingPlan, t.Plan)
	r.TrainerCommand(CommandTraining+" "+TrainingVerzet, t.Move)
	r.TrainerCommand(CommandTraining+" "+TrainingStatus, t.Status)
	r.CreatorView(CallbackTrainingNew, t.NewSubmit)
	return t
}

// Command answers a bare `/training`, `/training help` and any subcommand it does not know, with the help.
func (t *Training) Command(_ context.Context, cmd slack.SlashCommand) (Response, error) {
	text := t.phrases.TrainingHelp
	if sub := firstWord(cmd.Text); sub != "" && !strings.EqualFold(sub, "help") {
		text = content.Fill(t.phrases.TrainingUnknown, content.Vars{"commando": CommandTraining + " " + sub}) + "\n\n" + text
	}
	return Response{Reply: &Reply{Text: text, Blocks: TextSections(text)}}, nil
}

// trainerCohort returns the training of the command's channel when the caller is one of its trainers. Otherwise
// it returns nil and the reply to give: no training in this channel, or a friendly refusal.
func (t *Training) trainerCohort(ctx context.Context, cmd slack.SlashCommand) (*content.Cohort, *Reply, error) {
	c, err := t.channelCohort(ctx, cmd.ChannelID, cmd.ChannelName)
	if err != nil {
		return nil, nil, err
	}
	if c == nil {
		return nil, &Reply{Text: t.phrases.TrainingNoCohort}, nil
	}
	ok, err := t.deps.Gate.Trains(ctx, c, cmd.UserID)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, &Reply{Text: content.Fill(t.phrases.TrainingNotTrainer, content.Vars{"cohort": c.Name})}, nil
	}
	return c, nil, nil
}

// channelCohort returns the training of a channel, found by its ID or, while the training still names its channel
// as "#name" (a cohort file the bot has not resolved yet), by that name; nil when the channel has none.
func (t *Training) channelCohort(ctx context.Context, channelID, channelName string) (*content.Cohort, error) {
	refs := []string{channelID}
	if channelName != "" {
		refs = append(refs, "#"+strings.TrimPrefix(channelName, "#"))
	}
	for _, ref := range refs {
		if ref == "" || ref == "#" {
			continue
		}
		c, err := t.deps.Store.CohortByChannel(ctx, ref)
		if err == nil {
			return c, nil
		}
		if content.ErrorCode(err) != content.ENOTFOUND {
			return nil, fmt.Errorf("training of channel %s: %w", channelID, err)
		}
	}
	return nil, nil
}

// planner returns the plan function for a cohort: the course's schedule rules on the cohort's Dutch calendar.
func (t *Training) planner() func(*content.Cohort) ([]content.Delivery, error) {
	return func(c *content.Cohort) ([]content.Delivery, error) {
		cal, err := scheduler.NewCalendar(c)
		if err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		return scheduler.Plan(c, t.deps.Course.Rules, cal)
	}
}

// audit writes an audit row. The change it records is committed already, so a failure is logged, not shown.
func (t *Training) audit(ctx context.Context, e store.AuditEntry) {
	if err := t.deps.Store.Audit(ctx, e); err != nil {
		t.deps.Log.ErrorContext(ctx, "audit failed", slog.String("action", e.Action), slog.Any("error", err))
	}
}

// kick asks the dispatcher to look for due deliveries, when one is wired.
func (t *Training) kick() {
	if t.deps.Kick != nil {
		t.deps.Kick()
	}
}

// moduleTitle returns the course's title of module n.
func (t *Training) moduleTitle(n int) string {
	if m, ok := t.deps.Course.Module(n); ok {
		return m.Title
	}
	return ""
}

// trainingDate writes t as a Dutch date: "maandag 7 december 2026" (content.DateLongYear).
func trainingDate(t time.Time) string { return content.DateLongYear.Format(t) }

// trainingDateTime writes t as "maandag 7 december 2026 om 09:00".
func trainingDateTime(t time.Time) string {
	return trainingDate(t) + " om " + t.Format("15:04")
}

// trainingShortDate writes t as "ma 7 dec 09:00", for lines in a list.
func trainingShortDate(t time.Time) string {
	return content.DateShort.Format(t) + " " + t.Format("15:04")
}

// trainingModuleWhen writes a module's date and times: "maandag 14 december 2026, 09:00–13:00".
func trainingModuleWhen(m content.CohortModule) string {
	return trainingDate(m.Start) + ", " + m.Start.Format("15:04") + "–" + m.End.Format("15:04")
}
