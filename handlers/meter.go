package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// The competentiemeter's slash command, action ids and modal callback id.
const (
	CommandMeter = "/competentiemeter"

	ActionMeterScore  = "meter_score"  // a score button: "meter_score:<n>", value "<measurement>/<statement>/<n>"
	ActionMeterPrev   = "meter_prev"   // "Vorige": value "<measurement>/<statement shown>"
	ActionMeterFinish = "meter_finish" // "Afronden" of a reopened measurement: value "<measurement>"
	ActionMeterReopen = "meter_reopen" // "Heropenen" on a finished measurement: value "<measurement>"
	ActionMeterShare  = "meter_share"  // "Delen met trainer": value "<measurement>"
	ActionMeterPlan   = "meter_plan"   // opens the Stap 3/4 modal: value "<cohort id>"

	// CallbackMeterPlan is the callback_id of the development plan modal (Stap 3 and 4).
	CallbackMeterPlan = "meter_plan"
)

// Reopen windows. A finished measurement can be reopened until the next module starts: for the voormeting that
// is module 1. After the eindmeting there is no next module, so it stays open for changes EindmetingReopenDays after
// module 4 ends.
const EindmetingReopenDays = 14

// MeterStore is what the competentiemeter reads and writes; *store.DB implements it.
type MeterStore interface {
	CohortByID(ctx context.Context, id int64) (*content.Cohort, error)
	CohortByChannel(ctx context.Context, channel string) (*content.Cohort, error)
	MeterCohortsOf(ctx context.Context, userID string) ([]int64, error)
	StartMeasurement(ctx context.Context, cohortID int64, userID, kind string) (content.Measurement, error)
	MeasurementByID(ctx context.Context, id int64) (content.Measurement, error)
	MeasurementOf(ctx context.Context, cohortID int64, userID, kind string) (content.Measurement, error)
	MeterAnswers(ctx context.Context, measurementID int64) (map[string]int, error)
	AnswerStatement(ctx context.Context, a store.MeterAnswer) (store.AnswerResult, error)
	FinishMeasurement(ctx context.Context, id int64, userID string, round int, statements []string) (content.Measurement, error)
	ReopenMeasurement(ctx context.Context, id int64, userID string, until time.Time) (store.ReopenResult, error)
	ShareMeasurement(ctx context.Context, id int64, userID string) (content.Measurement, error)
	SaveDevelopmentPlan(ctx context.Context, p store.DevelopmentPlan) (store.DevelopmentPlan, error)
	DevelopmentPlanOf(ctx context.Context, cohortID int64, userID string) (store.DevelopmentPlan, error)
	CohortMeter(ctx context.Context, cohortID int64) ([]store.MeterRecord, error)
	// MeterFigures decides what trainers may see of a measurement kind's group figures and shared scores, and
	// records it as seen.
	MeterFigures(ctx context.Context, cohortID int64, kind string) (store.MeterFigures, error)
	// MeterShareShown reports whether trainers would now be shown a shared measurement's scores.
	MeterShareShown(ctx context.Context, measurementID int64) (bool, error)
	LeftParticipants(ctx context.Context, cohortID int64) ([]string, error)
	ParticipationsOf(ctx context.Context, userID string) ([]content.Participation, error)
}

// MeterSlack is what the competentiemeter sends to Slack besides its replies; cmd wires it to the bot's Poster.
type MeterSlack interface {
	// Post posts a message in a channel, or in a user's DM with the bot when channel is a user ID, and returns the
	// conversation it landed in and its ts.
	Post(ctx context.Context, channel, text string, blocks []slack.Block) (channelID, ts string, err error)
	// OpenDM returns the ID of the bot's DM conversation with a user.
	OpenDM(ctx context.Context, userID string) (string, error)
	// OpenView opens a modal for a trigger_id.
	OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
	// UploadFile shares a file in a conversation and returns its id.
	UploadFile(ctx context.Context, channel, filename, title string, data []byte) (string, error)
}

// MeterDeps are what RegisterMeter needs.
type MeterDeps struct {
	Course *content.Course
	Store  MeterStore
	Slack  MeterSlack
	Log    *slog.Logger
	Now    func() time.Time // nil: time.Now
	// Gate decides who is a trainer or a member of a cohort; nil: a gate over Store without Slack.
	Gate *Gate
}

// Meter runs the competentiemeter in Slack: the voormeting and eindmeting one statement per message, Stap 2
// (krachten en uitdagingen) on completion, the development plan modal (Stap 3 and 4), the growth report with its
// chart after the eindmeting, and the trainers' overview with its CSV export.
type Meter struct {
	deps    MeterDeps
	phrases content.Phrases
	ids     []string // statement ids in order
}

// RegisterMeter registers /competentiemeter (and "overzicht"), the meter's buttons and its modal, and returns the
// handler.
func RegisterMeter(r *Registry, deps MeterDeps) *Meter {
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	deps.Gate = defaultGate(deps.Gate, deps.Store)
	m := &Meter{deps: deps, phrases: r.Phrases()}
	for _, s := range deps.Course.Meter.Statements() {
		m.ids = append(m.ids, s.ID)
	}
	r.Command(CommandMeter, m.Command)
	r.TrainerCommand(CommandMeter+" overzicht", m.Overview)
	r.Action(ActionMeterStart, m.Start)
	r.Action(ActionMeterScore, m.Score)
	r.Action(ActionMeterPrev, m.Prev)
	r.Action(ActionMeterFinish, m.Finish)
	r.Action(ActionMeterReopen, m.Reopen)
	r.Action(ActionMeterShare, m.Share)
	r.Action(ActionMeterPlan, m.OpenPlan)
	r.ViewSubmission(CallbackMeterPlan, m.SavePlan)
	return m
}

func (m *Meter) now() time.Time {
	if m.deps.Now == nil {
		return time.Now()
	}
	return m.deps.Now()
}

// meterKinds are the measurements in the order they are taken.
var meterKinds = []string{content.MeterVoormeting, content.MeterEindmeting}

// openKind says which measurement a participant of c fills in now: the eindmeting from the start of module 4,
// before that the voormeting.
func openKind(c *content.Cohort, now time.Time) string {
	if m4, ok := c.Module(4); ok && !now.Before(m4.Start) {
		return content.MeterEindmeting
	}
	return content.MeterVoormeting
}

// reopenUntil is the last moment a finished measurement of kind can be reopened in cohort c.
func reopenUntil(c *content.Cohort, kind string) time.Time {
	if kind == content.MeterVoormeting {
		if m1, ok := c.Module(1); ok {
			return m1.Start
		}
		return time.Time{}
	}
	if m4, ok := c.Module(4); ok {
		return m4.End.AddDate(0, 0, EindmetingReopenDays)
	}
	return time.Time{}
}

// participantCohort finds the cohort a participant means: the channel's cohort when typed in its channel, else
// their newest cohort; someone who left every cohort they were in is told so.
func (m *Meter) participantCohort(ctx context.Context, userID, channel string) (*content.Cohort, error) {
	if channel != "" && !strings.HasPrefix(channel, "D") {
		c, err := m.deps.Store.CohortByChannel(ctx, channel)
		if err == nil {
			return c, nil
		}
		if content.ErrorCode(err) != content.ENOTFOUND {
			return nil, err
		}
	}
	ids, err := m.deps.Store.MeterCohortsOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		left, err := leftCohort(ctx, m.deps.Store, userID)
		if err != nil {
			return nil, err
		}
		if left != nil {
			return nil, m.leftError(left)
		}
		return nil, content.Errorf(content.ENOTFOUND, "%s", m.phrases.MeterNoCohort)
	}
	return m.deps.Store.CohortByID(ctx, ids[0])
}

// checkParticipant lets only a participant of c at the competentiemeter: a trainer is sent to the overview,
// someone who left the channel is told that their answers are kept but the group's meter is closed to them, and a
// stranger (a button with a cohort they are not in) gets the stranger's refusal. typed says the request was typed
// in c's own channel, which shows the caller is in it even before the bot has recorded them.
func (m *Meter) checkParticipant(ctx context.Context, c *content.Cohort, userID string, typed bool) error {
	who, err := m.deps.Gate.Member(ctx, c, userID)
	if err != nil {
		return err
	}
	switch {
	case who == Trainer:
		return content.Errorf(content.EFORBIDDEN, "%s", m.phrases.MeterTrainer)
	case who == Left:
		return m.leftError(c)
	case who == Stranger && !typed:
		return content.Errorf(content.EFORBIDDEN, "%s", m.phrases.GateStranger)
	}
	return nil
}

// checkPresent refuses the owner of a measurement of c who left c's channel.
func (m *Meter) checkPresent(ctx context.Context, c *content.Cohort, userID string) error {
	who, err := m.deps.Gate.Member(ctx, c, userID)
	if err != nil {
		return err
	}
	if who == Left {
		return m.leftError(c)
	}
	return nil
}

// leftError is the answer to someone who left cohort c's channel.
func (m *Meter) leftError(c *content.Cohort) error {
	return content.Errorf(content.EFORBIDDEN, "%s", content.Fill(m.phrases.GateLeft, content.Vars{"cohort": c.Name}))
}

// kindTitle returns "voormeting" or "eindmeting" for use in a sentence.
func kindTitle(kind string) string {
	if kind == content.MeterEindmeting {
		return "eindmeting"
	}
	return "voormeting"
}

// parseIDs reads a button value of "/"-separated parts: the first a measurement or cohort id.
func parseMeterValue(phrases content.Phrases, value string, parts int) (int64, []string, error) {
	fields := strings.Split(value, "/")
	if len(fields) != parts {
		return 0, nil, content.Errorf(content.EINVALID, "%s", phrases.MeterOldButton)
	}
	id, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, nil, content.Errorf(content.EINVALID, "%s", phrases.MeterOldButton)
	}
	return id, fields[1:], nil
}

// roundOf reads the round from a question block's block_id ("meter_q/r<round>").
func roundOf(blockID string) int {
	_, r, ok := strings.Cut(blockID, "/r")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(r)
	if err != nil {
		return 0
	}
	return n
}

// questionBlockID is the block_id of the score buttons of round r.
func questionBlockID(round int) string { return "meter_q/r" + strconv.Itoa(round) }

// ownMeasurement loads a measurement and checks that userID is its participant, still in the cohort's channel.
func (m *Meter) ownMeasurement(ctx context.Context, id int64, userID string) (content.Measurement, *content.Cohort, error) {
	ms, err := m.deps.Store.MeasurementByID(ctx, id)
	if err != nil {
		return content.Measurement{}, nil, err
	}
	if ms.UserID != userID {
		return content.Measurement{}, nil, store.ErrMeterNotYours
	}
	c, err := m.deps.Store.CohortByID(ctx, ms.CohortID)
	if err != nil {
		return content.Measurement{}, nil, err
	}
	if err := m.checkPresent(ctx, c, userID); err != nil {
		return content.Measurement{}, nil, err
	}
	return ms, c, nil
}

// current is what the participant sees of a measurement right now: the next question, or the result when it is
// finished.
func (m *Meter) current(ctx context.Context, ms content.Measurement, c *content.Cohort, intro bool) (Message, error) {
	answers, err := m.deps.Store.MeterAnswers(ctx, ms.ID)
	if err != nil {
		return Message{}, err
	}
	if ms.Finished() {
		return m.ResultMessage(ms, c, answers)
	}
	i := nextStatement(m.ids, answers, -1)
	return m.QuestionMessage(ms, answers, i, "", intro)
}

// nextStatement returns the index of the statement to show after index after (-1: from the start): the first
// unanswered one after it, wrapping around; when all are answered, the one after it (or the first).
func nextStatement(ids []string, answers map[string]int, after int) int {
	for k := 1; k <= len(ids); k++ {
		i := (after + k) % len(ids)
		if after < 0 {
			i = k - 1
		}
		if answers[ids[i]] == 0 {
			return i
		}
	}
	if after+1 < len(ids) {
		return after + 1
	}
	return len(ids) - 1
}

// postCurrent posts what the participant sees of a measurement as a new DM message.
func (m *Meter) postCurrent(ctx context.Context, ms content.Measurement, c *content.Cohort, userID string) error {
	msg, err := m.current(ctx, ms, c, true)
	if err != nil {
		return err
	}
	if _, _, err := m.deps.Slack.Post(ctx, userID, msg.Text, msg.Blocks); err != nil {
		return fmt.Errorf("post meter: %w", err)
	}
	return nil
}
