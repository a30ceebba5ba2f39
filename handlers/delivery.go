package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// Delivery kinds the renderer knows besides the schedule rules' kinds (content.RuleKinds).
const (
	// KindCatchUp is the one-off DM to a participant who joined the channel after the course started.
	KindCatchUp = "catch_up"
)

// Action ids of the buttons in the course messages. Gelezen carries a suffix per reading (":<i>") to stay unique
// within a message.
const (
	ActionReadingDone  = "reading_done"  // "Gelezen": value "<module>/<reading id>"
	ActionHomeworkDone = "homework_done" // "Klaar": value "<module>"
	// ActionMeterStart opens the competentiemeter (value "voormeting" or "eindmeting"); the competentiemeter
	// (meter.go) registers its handler.
	ActionMeterStart = "meter_start"
)

// Meter runs, the values of the meter_start button.
const (
	MeterVoormeting = "voormeting"
	MeterEindmeting = "eindmeting"
)

// DeliveryStore is what the renderer reads from the database; *store.DB implements it.
type DeliveryStore interface {
	// UserProgress returns what a participant marked done in a cohort.
	UserProgress(ctx context.Context, cohortID int64, userID string) ([]store.Progress, error)
	// Deliveries returns a cohort's deliveries with their state (a late joiner's catch-up reads what went out).
	Deliveries(ctx context.Context, cohortID int64) ([]content.Delivery, error)
	// CaseReveals returns the case stages revealed in a cohort (a late joiner's catch-up shows the posted ones).
	CaseReveals(ctx context.Context, cohortID int64) ([]store.CaseReveal, error)
	// MeterDone reports whether a participant finished a run of the competentiemeter.
	MeterDone(ctx context.Context, cohortID int64, userID, kind string) (bool, error)
	// DevelopmentPlanExists reports whether a participant saved a development plan: the homework of
	// HomeworkPlanModule.
	PlanChecker
	// Participation says whether a recipient left the cohort's channel: they get no more DMs.
	Participation(ctx context.Context, cohortID int64, userID string) (content.Participation, error)
	// TrainerNoticeItems returns what a trainer's notice (store.KindTrainerNotice) tells about.
	TrainerNoticeItems(ctx context.Context, key string) ([]content.Delivery, error)
	// EvaluationReader reads the notes and ontwikkelpunten the take-home message and the follow-up bring back.
	EvaluationReader
}

// SkipReasonLeft is what a DM to someone who left the cohort's channel records when it is cancelled.
const SkipReasonLeft = "deelnemer heeft het kanaal verlaten"

// Deliveries renders the course messages the dispatcher posts: one kind per schedule rule (welcome, preparation,
// preparation_checklist, reminder_day, reminder_hour, homework, homework_reminder, meter_reminder, eindmeting,
// case_reveal) and the late joiner's catch-up. The texts come from the course content; the Block Kit is built by
// pure functions, so that every message is checked against golden JSON.
type Deliveries struct {
	Course *content.Course
	Store  DeliveryStore
	// Now returns the current time; tests move it. nil means time.Now.
	Now func() time.Time
	// Reveal posts the case stages due after a module and records each (Casus.AutoReveal); the scheduler's
	// case_reveal deliveries go through it, so that they and the trainer's /casus reveal share one record.
	Reveal func(ctx context.Context, cohortID int64, afterModule int) ([]AutoRevealed, error)
}

// Deliver implements scheduler.Deliverer: a case_reveal delivery is posted by Reveal, one message per stage;
// every other kind is left to Render.
func (d *Deliveries) Deliver(ctx context.Context, c *content.Cohort, del content.Delivery) (channelID, ts string, handled bool, err error) {
	if del.Kind != "case_reveal" {
		return "", "", false, nil
	}
	if d.Reveal == nil {
		return "", "", true, fmt.Errorf("deliver %s: no case reveal configured", del.Key)
	}
	posted, err := d.Reveal(ctx, c.ID, del.Module)
	if err != nil {
		return "", "", true, fmt.Errorf("deliver %s: %w", del.Key, err)
	}
	if len(posted) == 0 {
		return "", "", true, scheduler.ErrSkip
	}
	return posted[0].Channel, posted[0].TS, true, nil
}

// NewDeliveries returns a renderer for course, reading progress and sent deliveries from st.
func NewDeliveries(course *content.Course, st DeliveryStore) *Deliveries {
	return &Deliveries{Course: course, Store: st, Now: time.Now}
}

func (d *Deliveries) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

// Render returns the message for delivery del of cohort c to recipient: a Slack user ID for a DM, "" for the
// channel. text is the notification and fallback text, blocks the Block Kit layout. It returns scheduler.ErrSkip
// (the dispatcher then posts nothing) when the recipient has nothing to receive: an only_pending reminder to someone
// who already did what it is about, a case reveal for a module whose cases have no stage for the channel, or a
// recipient who left the cohort's channel.
func (d *Deliveries) Render(ctx context.Context, c *content.Cohort, del content.Delivery, recipient string) (string, []slack.Block, error) {
	if del.Kind == store.KindTrainerNotice {
		// To a trainer, about the cohort: not a course message, and no participant's state to look at.
		msg, err := d.trainerNotice(ctx, c, del)
		return msg.Text, msg.Blocks, err
	}
	m, err := d.view(c, del)
	if err != nil {
		return "", nil, err
	}
	dm := del.Audience != content.AudienceChannel
	if dm && recipient == "" {
		return "", nil, fmt.Errorf("render %s: a direct message needs a recipient", del.Key)
	}
	var progress map[string]store.Progress
	if dm && c.ID > 0 && d.Store != nil {
		// Someone who left the channel gets nothing more; should they come back, what is still due reaches them.
		p, err := d.Store.Participation(ctx, c.ID, recipient)
		switch {
		case err == nil && p.Left():
			return "", nil, scheduler.Skip(SkipReasonLeft)
		case err != nil && content.ErrorCode(err) != content.ENOTFOUND:
			return "", nil, fmt.Errorf("render %s: %w", del.Key, err)
		}
		progress, err = d.userProgress(ctx, c.ID, recipient)
		if err != nil {
			return "", nil, fmt.Errorf("render %s: %w", del.Key, err)
		}
	}
	var msg Message
	switch del.Kind {
	case "welcome":
		msg, err = WelcomeMessage(m, recipient)
	case "meter_reminder":
		if err := d.meterPending(ctx, c, m.Number, recipient); err != nil {
			return "", nil, fmt.Errorf("render %s: %w", del.Key, err)
		}
		msg, err = MeterReminderMessage(m)
	case "preparation":
		msg, err = PreparationMessage(m)
	case "preparation_checklist":
		msg, err = ChecklistMessage(m, recipient, progress)
	case "reminder_day":
		msg, err = ReminderDayMessage(m)
	case "reminder_hour":
		msg, err = ReminderHourMessage(m)
	case "homework":
		var hw HomeworkState
		hw, err = homeworkState(ctx, d.Store, c.ID, recipient, m.Number, progress)
		if err == nil {
			msg, err = HomeworkMessage(m, recipient, hw)
		}
	case "homework_reminder":
		var hw HomeworkState
		hw, err = homeworkState(ctx, d.Store, c.ID, recipient, m.Number, progress)
		if hw.Done {
			return "", nil, scheduler.ErrSkip
		}
		if err == nil {
			msg, err = HomeworkReminderMessage(m)
		}
	case "eindmeting":
		msg, err = EindmetingMessage(m)
	case KindRetentionWarning:
		msg, err = d.retentionWarning(ctx, c)
	case content.KindEvaluation:
		msg, err = EvaluationMessage(m)
	case content.KindEvaluationTakeHome, content.KindFollowUp:
		var notes store.EvaluationNotes
		var points string
		notes, points, err = workOf(ctx, d.evaluationReader(), c.ID, recipient)
		if err == nil && del.Kind == content.KindFollowUp {
			msg, err = FollowUpMessage(d.Course, c, notes, points)
		} else if err == nil {
			msg, err = TakeHomeMessage(d.Course, notes, points)
		}
	case KindCatchUp:
		var state CatchUpState
		state, err = d.catchUpState(ctx, c)
		if err == nil {
			msg, err = CatchUpMessage(m, recipient, state, progress)
		}
	default:
		return "", nil, fmt.Errorf("render %s: unknown kind %q", del.Key, del.Kind)
	}
	if err != nil {
		return "", nil, fmt.Errorf("render %s: %w", del.Key, err)
	}
	return msg.Text, msg.Blocks, nil
}

// evaluationReader is the store as an EvaluationReader; nil without a store (a renderer for golden files).
func (d *Deliveries) evaluationReader() EvaluationReader {
	if d.Store == nil {
		return nil
	}
	return d.Store
}

// meterPending returns scheduler.ErrSkip when recipient has nothing to do for the meter reminder of module n: they
// finished the measurement it is about, or, for the eindmeting, the meter no longer takes changes to it
// (EindmetingReopenDays after module 4). The rule cannot name that moment as its deadline, so that a reminder late
// after an outage does not ask for a date gone by; the eindmeting invitation itself still goes out.
func (d *Deliveries) meterPending(ctx context.Context, c *content.Cohort, n int, recipient string) error {
	run, ok := meterRun(n)
	if !ok {
		return fmt.Errorf("meter reminder: no measurement around module %d", n)
	}
	if run == MeterEindmeting && !d.now().Before(reopenUntil(c, content.MeterEindmeting)) {
		return scheduler.ErrSkip
	}
	if c.ID <= 0 || d.Store == nil {
		return nil
	}
	done, err := d.Store.MeterDone(ctx, c.ID, recipient, run)
	if err != nil {
		return err
	}
	if done {
		return scheduler.ErrSkip
	}
	return nil
}

// Message is a rendered course message.
type Message struct {
	Text   string        // notification and fallback text
	Blocks []slack.Block // Block Kit layout, within Slack's limits
}

// ModuleView is what the message builders need to know about one module of one cohort: the course content and
// the cohort's dates and places.
type ModuleView struct {
	Course  *content.Course
	Cohort  *content.Cohort
	Loc     *time.Location
	Number  int                   // 1..4; 0 for the catch-up, which is about the whole course
	Module  *content.Module       // module Number with the cohort's case names in its texts; nil when Number is 0
	When    *content.CohortModule // nil when Number is 0
	Next    *content.CohortModule // the next module's date and place; nil after module 4
	Phrases content.Phrases
}

// view gathers what the builders need for del.
func (d *Deliveries) view(c *content.Cohort, del content.Delivery) (ModuleView, error) {
	if d.Course == nil {
		return ModuleView{}, fmt.Errorf("render %s: no course content", del.Key)
	}
	return NewModuleView(d.Course, c, del.Module)
}

// NewModuleView returns the view of module n (0 for none) of cohort c.
func NewModuleView(course *content.Course, c *content.Cohort, n int) (ModuleView, error) {
	loc, err := c.Location()
	if err != nil {
		return ModuleView{}, err
	}
	v := ModuleView{Course: course, Cohort: c, Loc: loc, Number: n, Phrases: course.Phrases}
	if n == 0 {
		return v, nil
	}
	// Every message that shows a module's texts gets them from here, with the cohort's own case names filled in.
	mod, err := course.ModuleFor(n, c.Cases)
	if err != nil {
		return ModuleView{}, fmt.Errorf("cohort %q: %w", c.Name, err)
	}
	when, ok := c.Module(n)
	if !ok {
		return ModuleView{}, fmt.Errorf("cohort %q has no module %d", c.Name, n)
	}
	v.Module, v.When = mod, when
	if next, ok := c.Module(n + 1); ok {
		v.Next = next
	}
	return v, nil
}

// userProgress returns a participant's progress by progressKey.
func (d *Deliveries) userProgress(ctx context.Context, cohortID int64, userID string) (map[string]store.Progress, error) {
	ps, err := d.Store.UserProgress(ctx, cohortID, userID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]store.Progress, len(ps))
	for _, p := range ps {
		out[progressKey(p.Kind, p.Item)] = p
	}
	return out, nil
}

func progressKey(kind, item string) string { return kind + "/" + item }

// ProgressBlockID returns the block_id of the block that holds a "Gelezen" or "Klaar" button: "<kind>/c<cohort
// id>/<item>", so that a click in a DM, where the channel says nothing about the cohort, finds it. Other views
// that show these buttons (App Home) use it too.
func ProgressBlockID(kind string, cohortID int64, item string) string {
	return kind + "/c" + strconv.FormatInt(cohortID, 10) + "/" + item
}

// parseProgressBlockID reads a block_id made by ProgressBlockID.
func parseProgressBlockID(blockID string) (kind string, cohortID int64, item string, ok bool) {
	parts := strings.SplitN(blockID, "/", 3)
	if len(parts) != 3 || !strings.HasPrefix(parts[1], "c") {
		return "", 0, "", false
	}
	id, err := strconv.ParseInt(parts[1][1:], 10, 64)
	if err != nil || id <= 0 {
		return "", 0, "", false
	}
	return parts[0], id, parts[2], true
}

// DutchDate returns t's date in loc as "maandag 7 december" (content.DateLong).
func DutchDate(t time.Time, loc *time.Location) string { return content.DateLong.Format(t.In(loc)) }

// DutchClock returns t's time of day in loc as "09:00".
func DutchClock(t time.Time, loc *time.Location) string { return t.In(loc).Format("15:04") }

// DutchDateTime returns t in loc as "maandag 7 december om 09:00".
func DutchDateTime(t time.Time, loc *time.Location) string {
	return DutchDate(t, loc) + " om " + DutchClock(t, loc)
}

// sections returns text as mrkdwn section blocks of at most content.MaxSectionText characters each.
func sections(text string) []slack.Block {
	var out []slack.Block
	for _, part := range content.Chunks(text, content.MaxSectionText) {
		out = append(out, slack.NewSectionBlock(mrkdwn(part), nil, nil))
	}
	return out
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

// escape makes plain text safe in mrkdwn where a text is built without content.Fill: Slack reads &, < and > as
// markup.
func escape(s string) string { return content.Escape(s) }

// mention is the mrkdwn that names a Slack user: "<@U123>".
func mention(userID string) content.Markup { return content.Markup("<@" + userID + ">") }

// firstLine returns the first non-empty line of a mrkdwn text, for a notification.
func firstLine(s string) string {
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

// button returns a button with a plain label.
func button(actionID, value, label string, primary bool) *slack.ButtonBlockElement {
	b := slack.NewButtonBlockElement(actionID, value, plain(label))
	if primary {
		b = b.WithStyle(slack.StylePrimary)
	}
	return b
}

// sessionList returns the cohort's four modules with date, time and place, one bullet each.
func sessionList(v ModuleView) string {
	lines := []string{v.Phrases.CourseSessionsHeading}
	for _, cm := range v.Cohort.Modules {
		title := ""
		if mod, ok := v.Course.Module(cm.Number); ok {
			title = mod.Title
		}
		lines = append(lines, content.Fill(v.Phrases.CourseSession, content.Vars{
			"module": strconv.Itoa(cm.Number),
			"titel":  title,
			"datum":  DutchDate(cm.Start, v.Loc),
			"van":    DutchClock(cm.Start, v.Loc),
			"tot":    DutchClock(cm.End, v.Loc),
			"plaats": cm.Location,
		}))
	}
	return strings.Join(lines, "\n")
}

// joinDutch joins items as "a, b en c".
func joinDutch(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " en " + items[len(items)-1]
}

// checkLimits reports a message that Slack would refuse: too many blocks, a section text too long, a button label
// too long. The builders keep within them; this catches content that does not.
func checkLimits(m Message) (Message, error) {
	if len(m.Blocks) > content.MaxMessageBlocks {
		return Message{}, fmt.Errorf("message has %d blocks, Slack allows %d", len(m.Blocks), content.MaxMessageBlocks)
	}
	for i, b := range m.Blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if b.Text != nil && len([]rune(b.Text.Text)) > content.MaxSectionText {
				return Message{}, fmt.Errorf("block %d: section text of %d characters, Slack allows %d", i, len([]rune(b.Text.Text)), content.MaxSectionText)
			}
			if b.Accessory != nil && b.Accessory.ButtonElement != nil && len([]rune(b.Accessory.ButtonElement.Text.Text)) > content.MaxButtonLabel {
				return Message{}, fmt.Errorf("block %d: button label too long", i)
			}
		case *slack.ActionBlock:
			for _, e := range b.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok && len([]rune(btn.Text.Text)) > content.MaxButtonLabel {
					return Message{}, fmt.Errorf("block %d: button label too long", i)
				}
			}
		}
	}
	return m, nil
}
