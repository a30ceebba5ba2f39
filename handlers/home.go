package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// EventAppHomeOpened is the event Slack sends when someone opens the bot's App Home.
const EventAppHomeOpened = "app_home_opened"

// HomeStore is what the App Home reads; *store.DB implements it.
type HomeStore interface {
	CohortByID(ctx context.Context, id int64) (*content.Cohort, error)
	// MeterCohortsOf returns the cohorts the user takes part in as a participant, newest first.
	MeterCohortsOf(ctx context.Context, userID string) ([]int64, error)
	UserProgress(ctx context.Context, cohortID int64, userID string) ([]store.Progress, error)
	CohortProgress(ctx context.Context, cohortID int64) ([]store.Progress, error)
	MeasurementOf(ctx context.Context, cohortID int64, userID, kind string) (content.Measurement, error)
	MeterAnswers(ctx context.Context, measurementID int64) (map[string]int, error)
	DevelopmentPlanExists(ctx context.Context, cohortID int64, userID string) (bool, error)
	CohortMeter(ctx context.Context, cohortID int64) ([]store.MeterRecord, error)
	CaseReveals(ctx context.Context, cohortID int64) ([]store.CaseReveal, error)
	DeliveryCounts(ctx context.Context, cohortID int64) (map[string]int, error)
	LeftParticipants(ctx context.Context, cohortID int64) ([]string, error)
	ParticipationsOf(ctx context.Context, userID string) ([]content.Participation, error)
	UserWrittenWork(ctx context.Context, cohortID int64, userID string) ([]store.WrittenWork, error)
	ReceivedFeedback(ctx context.Context, cohortID int64, module int, receiver string) ([]store.Feedback, error)
}

// HomeSlack publishes the App Home; cmd wires it to the bot's Poster.
type HomeSlack interface {
	PublishHome(ctx context.Context, userID string, view slack.HomeTabViewRequest) error
}

// HomeDeps are what RegisterHome needs.
type HomeDeps struct {
	Course *content.Course
	Store  HomeStore
	Slack  HomeSlack
	Log    *slog.Logger
	Now    func() time.Time // nil: time.Now
	// Gate decides whose Home shows a trainer's part; nil: a gate over Store without Slack.
	Gate *Gate
}

// Home draws the App Home tab. A participant sees their next meeting, the readings of the current or next module
// with working "Gelezen" buttons, their homework with "Klaar", the competentiemeter (state, a button to start or
// go on, their own results) and the case stages revealed so far. A trainer sees each of their cohorts at a glance.
// Someone who left their cohort's channel is told so instead of seeing its course data; someone in no cohort gets a
// short explanation.
//
// Publishes are debounced per user: while one is drawn and published, everyone who asks for that user's Home
// shares the one publish queued after it, which draws the state as it is when it starts. However often someone
// opens the tab or clicks on it, no more than one publish of theirs waits for Slack's views.publish limit, and
// the one that goes is the latest view.
type Home struct {
	deps HomeDeps

	mu     sync.Mutex
	queues map[string]*homeQueue // by user; only while a publish runs
}

// homeQueue is one user's App Home publishing: the round running now, and the one queued behind it.
type homeQueue struct {
	running, queued *homeRound
}

// homeRound is one drawing and publishing of a user's Home; everyone who joined it gets its outcome.
type homeRound struct {
	done chan struct{}
	err  error
	// abandoned: the caller who was to run it gave up before it started; those waiting for it ask again.
	abandoned bool
}

// RegisterHome registers the app_home_opened event and returns the Home, whose Refresh the progress buttons, the
// competentiemeter and the erasure call after a change. The event is acknowledged before the Home is drawn and
// published: a publish may wait for Slack's rate limit longer than Slack waits for the ack, and an event that is
// not acknowledged comes back.
func RegisterHome(r *Registry, deps HomeDeps) *Home {
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Gate = defaultGate(deps.Gate, deps.Store); deps.Gate == nil {
		panic("handlers: RegisterHome needs a gate")
	}
	h := &Home{deps: deps, queues: map[string]*homeQueue{}}
	r.EventAfterAck(EventAppHomeOpened, h.Opened)
	r.DeclareTrainerPart("event", EventAppHomeOpened)
	return h
}

func (h *Home) now() time.Time {
	if h.deps.Now == nil {
		return time.Now()
	}
	return h.deps.Now()
}

// Opened handles app_home_opened on the Home tab: the view is drawn fresh and published.
func (h *Home) Opened(ctx context.Context, ev slackevents.EventsAPIEvent) error {
	e, ok := ev.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent)
	if !ok || e.User == "" || (e.Tab != "" && e.Tab != "home") {
		return nil
	}
	return h.Refresh(ctx, e.User)
}

// Refresh draws userID's App Home with the current state and publishes it. When a publish for the user is under
// way, it waits for the one queued after it (joining it, or queueing it): that one starts after the change the
// caller made, so it shows it.
func (h *Home) Refresh(ctx context.Context, userID string) error {
	for {
		h.mu.Lock()
		q := h.queues[userID]
		if q == nil {
			q = &homeQueue{}
			h.queues[userID] = q
		}
		switch {
		case q.running == nil:
			r := &homeRound{done: make(chan struct{})}
			q.running = r
			h.mu.Unlock()
			return h.run(ctx, userID, q, r)
		case q.queued != nil:
			r := q.queued
			h.mu.Unlock()
			select {
			case <-r.done:
				if r.abandoned {
					continue
				}
				return r.err
			case <-ctx.Done():
				return fmt.Errorf("refresh home: %w", ctx.Err())
			}
		default:
			r := &homeRound{done: make(chan struct{})}
			q.queued = r
			prev := q.running
			h.mu.Unlock()
			select {
			case <-prev.done:
			case <-ctx.Done():
			}
			if ctx.Err() != nil {
				h.finish(userID, q, r, nil, true)
				return fmt.Errorf("refresh home: %w", ctx.Err())
			}
			// prev's finish made r the running round.
			return h.run(ctx, userID, q, r)
		}
	}
}

// run draws and publishes userID's Home as round r, and ends it.
func (h *Home) run(ctx context.Context, userID string, q *homeQueue, r *homeRound) error {
	err := h.publish(ctx, userID)
	h.finish(userID, q, r, err, false)
	return err
}

// finish ends round r (abandoned: it never ran) and makes the round queued behind it the running one.
func (h *Home) finish(userID string, q *homeQueue, r *homeRound, err error, abandoned bool) {
	h.mu.Lock()
	switch r {
	case q.running:
		q.running, q.queued = q.queued, nil
	case q.queued:
		q.queued = nil
	}
	if q.running == nil && q.queued == nil && h.queues[userID] == q {
		delete(h.queues, userID)
	}
	h.mu.Unlock()
	r.err, r.abandoned = err, abandoned
	close(r.done)
}

// publish draws userID's App Home with the current state and publishes it.
func (h *Home) publish(ctx context.Context, userID string) error {
	view, err := h.View(ctx, userID)
	if err != nil {
		return fmt.Errorf("refresh home: %w", err)
	}
	if err := h.deps.Slack.PublishHome(ctx, userID, view); err != nil {
		return fmt.Errorf("refresh home: %w", err)
	}
	return nil
}

// View reads userID's state and builds their App Home view.
func (h *Home) View(ctx context.Context, userID string) (slack.HomeTabViewRequest, error) {
	now := h.now()
	mine, err := h.deps.Gate.TrainedCohorts(ctx, userID)
	if err != nil {
		return slack.HomeTabViewRequest{}, err
	}
	var trained []TrainerCohortHome
	trains := map[int64]bool{}
	for _, c := range mine {
		trains[c.ID] = true
		t, err := h.trainerCohort(ctx, c, now)
		if err != nil {
			return slack.HomeTabViewRequest{}, err
		}
		trained = append(trained, t)
	}
	var part *ParticipantHome
	ids, err := h.deps.Store.MeterCohortsOf(ctx, userID)
	if err != nil {
		return slack.HomeTabViewRequest{}, err
	}
	for _, id := range ids {
		if trains[id] {
			continue
		}
		c, err := h.deps.Store.CohortByID(ctx, id)
		if err != nil {
			return slack.HomeTabViewRequest{}, err
		}
		if part, err = h.participant(ctx, c, userID, now); err != nil {
			return slack.HomeTabViewRequest{}, err
		}
		break
	}
	if part == nil && len(trained) == 0 {
		// Someone who left the channel of their cohort is told why its course data is gone from their Home.
		left, err := leftCohort(ctx, h.deps.Store, userID)
		if err != nil {
			return slack.HomeTabViewRequest{}, err
		}
		if left != nil {
			part = &ParticipantHome{Cohort: left, Left: true}
		}
	}
	return HomeView(h.deps.Course, now, userID, trained, part)
}

// participant gathers what a participant's Home shows of cohort c.
func (h *Home) participant(ctx context.Context, c *content.Cohort, userID string, now time.Time) (*ParticipantHome, error) {
	p := &ParticipantHome{Cohort: c, Progress: map[string]store.Progress{}}
	ps, err := h.deps.Store.UserProgress(ctx, c.ID, userID)
	if err != nil {
		return nil, err
	}
	for _, x := range ps {
		p.Progress[progressKey(x.Kind, x.Item)] = x
	}
	if p.HasPlan, err = h.deps.Store.DevelopmentPlanExists(ctx, c.ID, userID); err != nil {
		return nil, err
	}
	for _, kind := range meterKinds {
		st := MeterState{Kind: kind}
		ms, err := h.deps.Store.MeasurementOf(ctx, c.ID, userID, kind)
		switch {
		case content.ErrorCode(err) == content.ENOTFOUND:
		case err != nil:
			return nil, err
		default:
			st.Measurement = &ms
			if st.Answers, err = h.deps.Store.MeterAnswers(ctx, ms.ID); err != nil {
				return nil, err
			}
		}
		if kind == content.MeterVoormeting {
			p.Voormeting = st
		} else {
			p.Eindmeting = st
		}
	}
	if p.Work, err = h.deps.Store.UserWrittenWork(ctx, c.ID, userID); err != nil {
		return nil, err
	}
	p.Feedback = map[int]int{}
	for _, f := range h.deps.Course.Feedback.Forms {
		fbs, err := h.deps.Store.ReceivedFeedback(ctx, c.ID, f.Module, userID)
		if err != nil {
			return nil, err
		}
		if len(fbs) > 0 {
			p.Feedback[f.Module] = len(fbs)
		}
	}
	reveals, err := h.deps.Store.CaseReveals(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	loc, err := c.Location()
	if err != nil {
		return nil, err
	}
	if p.Stages, err = RevealedStages(h.deps.Course, reveals, loc); err != nil {
		return nil, err
	}
	return p, nil
}

// trainerCohort counts what a trainer's Home shows of cohort c: completion only, never anyone's scores.
func (h *Home) trainerCohort(ctx context.Context, c *content.Cohort, now time.Time) (TrainerCohortHome, error) {
	t := TrainerCohortHome{Cohort: c, HomeworkDone: map[int]int{}}
	recs, err := h.deps.Store.CohortMeter(ctx, c.ID)
	if err != nil {
		return t, err
	}
	left, err := h.deps.Store.LeftParticipants(ctx, c.ID)
	if err != nil {
		return t, err
	}
	t.Left = len(left)
	people := map[string]bool{}
	for _, r := range recs {
		// Who left is counted apart, not among the participants.
		if slices.Contains(c.Trainers, r.UserID) || slices.Contains(left, r.UserID) {
			continue
		}
		people[r.UserID] = true
		if m, ok := r.Measurements[content.MeterVoormeting]; ok && m.Finished() {
			t.VoormetingDone++
		}
		if m, ok := r.Measurements[content.MeterEindmeting]; ok && m.Finished() {
			t.EindmetingDone++
		}
	}
	t.Participants = len(people)
	done := map[int]map[string]bool{}
	ps, err := h.deps.Store.CohortProgress(ctx, c.ID)
	if err != nil {
		return t, err
	}
	for _, p := range ps {
		if p.Kind == store.ProgressHomework && people[p.UserID] {
			if done[p.Module] == nil {
				done[p.Module] = map[string]bool{}
			}
			done[p.Module][p.UserID] = true
		}
	}
	// The homework of module 1 is the development plan: written counts as done.
	for _, r := range recs {
		if r.HasPlan && people[r.UserID] {
			if done[1] == nil {
				done[1] = map[string]bool{}
			}
			done[1][r.UserID] = true
		}
	}
	for n, users := range done {
		t.HomeworkDone[n] = len(users)
	}
	counts, err := h.deps.Store.DeliveryCounts(ctx, c.ID)
	if err != nil {
		return t, err
	}
	t.Failed = counts[store.StatusFailed]
	return t, nil
}

// ParticipantHome is what a participant's Home shows of their cohort.
type ParticipantHome struct {
	Cohort     *content.Cohort
	Progress   map[string]store.Progress // by progressKey
	HasPlan    bool                      // Stap 3 and 4 written: module 1's homework counts as done
	Voormeting MeterState
	Eindmeting MeterState
	Stages     []RevealedStage     // revealed so far
	Work       []store.WrittenWork // their written homework, drafts too
	Feedback   map[int]int         // by module: how many observers gave them feedback as gespreksvoerder
	// Left: the participant left the cohort's channel; the Home says so and shows none of the cohort's data.
	Left bool
}

// MeterState is one measurement of the competentiemeter as the Home shows it.
type MeterState struct {
	Kind        string               // content.MeterVoormeting or content.MeterEindmeting
	Measurement *content.Measurement // nil: not started
	Answers     map[string]int
}

// TrainerCohortHome is one cohort at a glance for its trainer: counts only.
type TrainerCohortHome struct {
	Cohort         *content.Cohort
	Participants   int
	VoormetingDone int
	EindmetingDone int
	HomeworkDone   map[int]int // by module: participants who marked it done
	Failed         int         // deliveries Slack refused for good
	Left           int         // participants who left the channel (not among Participants)
}

// HomeView builds the App Home view for userID from their state: trainer cohorts first, then their own cohort as a
// participant, or the explanation for someone in no cohort; always within Slack's 100 blocks, trimming the case
// stages (and then the trainer cohorts) with a pointer to where the rest can be read.
func HomeView(course *content.Course, now time.Time, userID string, trained []TrainerCohortHome, part *ParticipantHome) (slack.HomeTabViewRequest, error) {
	var parts []homePart
	if len(trained) > 0 {
		tp, err := trainerBlocks(course, now, trained)
		if err != nil {
			return slack.HomeTabViewRequest{}, err
		}
		parts = append(parts, tp)
	}
	if part != nil {
		pp, err := participantBlocks(course, now, userID, *part)
		if err != nil {
			return slack.HomeTabViewRequest{}, err
		}
		parts = append(parts, pp...)
	}
	if len(parts) == 0 {
		parts = append(parts, homePart{blocks: []slack.Block{
			slack.NewHeaderBlock(plain(course.Phrases.HomeWelcome)),
			slack.NewSectionBlock(mrkdwn(course.Phrases.HomeNoCohort), nil, nil),
		}})
	}
	parts = append(parts, homePart{blocks: []slack.Block{
		slack.NewDividerBlock(),
		slack.NewContextBlock("home_footer", mrkdwn(course.Phrases.HomeFooter)),
	}})
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: fitView(parts)}}, nil
}

// homePart is a run of blocks of the Home; a trimmable part may lose blocks from its end, and then ends with its
// pointer instead.
type homePart struct {
	blocks    []slack.Block
	trimmable bool
	pointer   string
}

// fitView joins parts, trimming the last trimmable parts first until the view has at most content.MaxViewBlocks blocks.
func fitView(parts []homePart) []slack.Block {
	total := 0
	for _, p := range parts {
		total += len(p.blocks)
	}
	for i := len(parts) - 1; i >= 0 && total > content.MaxViewBlocks; i-- {
		p := &parts[i]
		if !p.trimmable || len(p.blocks) == 0 {
			continue
		}
		over := total - content.MaxViewBlocks + 1 // one block for the pointer
		keep := max(len(p.blocks)-over, 0)
		total -= len(p.blocks) - keep - 1
		p.blocks = append(p.blocks[:keep:keep], slack.NewContextBlock("", mrkdwn(p.pointer)))
	}
	var out []slack.Block
	for _, p := range parts {
		out = append(out, p.blocks...)
	}
	return out
}

// trainerBlocks is the trainer's part: per cohort its next meeting and completion counts.
func trainerBlocks(course *content.Course, now time.Time, trained []TrainerCohortHome) (homePart, error) {
	phrases := course.Phrases
	blocks := []slack.Block{slack.NewHeaderBlock(plain(phrases.HomeTrainerHeader))}
	for _, t := range trained {
		loc, err := t.Cohort.Location()
		if err != nil {
			return homePart{}, err
		}
		lines := []string{content.Fill(phrases.HomeTrainerCohort, content.Vars{"cohort": t.Cohort.Name, "kanaal": channelRef(t.Cohort.Channel)})}
		var material *slack.Accessory
		if m, current := nextModule(t.Cohort, now); m != nil {
			material = slack.NewAccessory(ModuleInfoButton(t.Cohort.ID, m.Number, phrases.ModuleInfoTrainerButton))
			formatTrainer := phrases.HomeTrainerNext
			if current {
				formatTrainer = phrases.HomeTrainerNow
			}
			lines = append(lines, content.Fill(formatTrainer, content.Vars{"module": strconv.Itoa(m.Number), "datum": DutchDateTime(m.Start, loc), "plaats": m.Location}))
		} else {
			lines = append(lines, phrases.HomeTrainerOver)
		}
		lines = append(lines, content.Fill(phrases.HomeTrainerPeople, content.Vars{"aantal": strconv.Itoa(t.Participants)}))
		if t.Left > 0 {
			lines = append(lines, content.Fill(phrases.HomeTrainerLeft, content.Vars{"aantal": strconv.Itoa(t.Left)}))
		}
		lines = append(lines, content.Fill(phrases.HomeTrainerVoormeting, content.Vars{"aantal": strconv.Itoa(t.VoormetingDone), "totaal": strconv.Itoa(t.Participants)}))
		if m4, ok := t.Cohort.Module(4); ok && !now.Before(m4.Start) {
			lines = append(lines, content.Fill(phrases.HomeTrainerEindmeting, content.Vars{"aantal": strconv.Itoa(t.EindmetingDone), "totaal": strconv.Itoa(t.Participants)}))
		}
		var hw []string
		for _, m := range t.Cohort.Modules {
			if !now.Before(m.End) && course.HomeworkByKlaar(m.Number) {
				hw = append(hw, content.Fill(phrases.HomeTrainerHomeworkModule, content.Vars{"module": strconv.Itoa(m.Number), "aantal": strconv.Itoa(t.HomeworkDone[m.Number]), "totaal": strconv.Itoa(t.Participants)}))
			}
		}
		if len(hw) > 0 {
			lines = append(lines, phrases.HomeTrainerHomework+" "+strings.Join(hw, " · "))
		}
		if t.Failed > 0 {
			lines = append(lines, content.Fill(phrases.HomeTrainerFailed, content.Vars{"aantal": strconv.Itoa(t.Failed)}))
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(strings.Join(lines, "\n")), nil, material))
	}
	blocks = append(blocks, slack.NewContextBlock("home_trainer_more", mrkdwn(phrases.HomeTrainerMore)))
	return homePart{blocks: blocks, trimmable: true, pointer: phrases.HomeTrainerTrimmed}, nil
}

// participantBlocks is the participant's part: meeting, preparation, homework and competentiemeter (never
// trimmed), then the case stages (trimmed first when the view is full).
func participantBlocks(course *content.Course, now time.Time, userID string, p ParticipantHome) ([]homePart, error) {
	c := p.Cohort
	loc, err := c.Location()
	if err != nil {
		return nil, err
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain(clip(content.FillPlain(course.Phrases.HomeParticipantHeader, content.Vars{"cohort": c.Name}), 150)))}
	if p.Left {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(content.Fill(course.Phrases.GateLeft, content.Vars{"cohort": c.Name})), nil, nil))
		return []homePart{{blocks: blocks}}, nil
	}

	// The next meeting, or the one going on now, and its preparation.
	m, current := nextModule(c, now)
	if m == nil {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(course.Phrases.HomeCourseOver), nil, nil))
	} else {
		mod, ok := course.Module(m.Number)
		if !ok {
			return nil, fmt.Errorf("home: the course has no module %d", m.Number)
		}
		formatModule := course.Phrases.HomeNext
		if current {
			formatModule = course.Phrases.HomeNow
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(content.Fill(formatModule, content.Vars{"module": strconv.Itoa(m.Number), "titel": mod.Title, "datum": DutchDate(m.Start, loc), "van": DutchClock(m.Start, loc), "tot": DutchClock(m.End, loc), "plaats": m.Location})), nil,
			slack.NewAccessory(ModuleInfoButton(c.ID, m.Number, course.Phrases.ModuleInfoButton))))
		if lezen := mod.Voorbereiding.Lezen; len(lezen) > 0 {
			blocks = append(blocks, slack.NewDividerBlock(),
				slack.NewSectionBlock(mrkdwn(content.Fill(course.Phrases.HomeReadings, content.Vars{"module": strconv.Itoa(m.Number)})), nil, nil))
			for i, r := range lezen {
				if done, ok := p.Progress[progressKey(store.ProgressReading, r.ID)]; ok {
					blocks = append(blocks, ReadingDoneBlocks(c.ID, r, userID, DutchDateTime(done.DoneAt, loc), course.Phrases)...)
					continue
				}
				blocks = append(blocks, ReadingBlock(c.ID, m.Number, i, r, course.Phrases))
			}
		}
	}

	// Homework is given at the end of a module.
	var hw []slack.Block
	for _, cm := range c.Modules {
		mod, ok := course.Module(cm.Number)
		if !ok || len(mod.Huiswerk) == 0 || !course.HomeworkByKlaar(cm.Number) || now.Before(cm.End) {
			continue
		}
		hw = append(hw, slack.NewSectionBlock(mrkdwn(content.Fill(course.Phrases.HomeHomeworkModule, content.Vars{"module": strconv.Itoa(cm.Number), "titel": mod.Title})+"\n"+
			taskList(mod.Huiswerk)), nil, nil))
		done, ok := p.Progress[progressKey(store.ProgressHomework, store.HomeworkItem(cm.Number))]
		switch {
		case ok:
			hw = append(hw, HomeworkDoneBlock(c.ID, cm.Number, userID, DutchDateTime(done.DoneAt, loc), course.Phrases))
		case cm.Number == 1 && p.HasPlan:
			hw = append(hw, slack.NewContextBlock(ProgressBlockID(store.ProgressHomework, c.ID, store.HomeworkItem(1)),
				mrkdwn(course.Phrases.HomeHomeworkByPlan)))
		default:
			hw = append(hw, HomeworkButton(c.ID, cm.Number, course.Phrases))
		}
	}
	if len(hw) > 0 {
		blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn(course.Phrases.HomeHomework), nil, nil))
		blocks = append(blocks, hw...)
	}

	// Written homework: the tasks of the modules that have started, with the participant's own work.
	var reports []content.Report
	for _, cm := range c.Modules {
		if !now.Before(cm.Start) {
			reports = append(reports, course.ReportsOf(cm.Number)...)
		}
	}
	if len(reports) > 0 {
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, ReportListBlocks(course, c, reports, p.Work, now)...)
	}

	// Feedback on them as gespreksvoerder, theirs alone to read.
	for _, f := range course.Feedback.Forms {
		if p.Feedback[f.Module] == 0 {
			continue
		}
		ref := feedbackRef(c.ID, f.Module)
		blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(
			mrkdwn(content.Fill(course.Phrases.FeedbackReceivedHeading, content.Vars{"module": strconv.Itoa(f.Module)})), nil,
			slack.NewAccessory(button(ActionFeedbackRead, ref, course.Phrases.FeedbackReadButton, false)),
			slack.SectionBlockOptionBlockID("feedback/"+ref)))
	}

	blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn(course.Phrases.HomeMeter), nil, nil))
	blocks = append(blocks, meterHomeBlocks(course, now, c, p, p.Voormeting, loc)...)
	if m4, ok := c.Module(4); p.Eindmeting.Measurement != nil || (ok && !now.Before(m4.Start)) {
		blocks = append(blocks, meterHomeBlocks(course, now, c, p, p.Eindmeting, loc)...)
	}
	if p.Voormeting.Measurement != nil && p.Voormeting.Measurement.Finished() {
		text, label := course.Phrases.HomePlanMissing, course.Phrases.HomePlanWrite
		if p.HasPlan {
			text, label = course.Phrases.HomePlanWritten, course.Phrases.HomePlanEdit
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(text), nil,
			slack.NewAccessory(button(ActionMeterPlan, strconv.FormatInt(c.ID, 10), label, false)),
			slack.SectionBlockOptionBlockID("home_plan")))
	}

	stages := []slack.Block{slack.NewDividerBlock()}
	stages = append(stages, RevealedStagesBlocks(course.Phrases, c.Name, p.Stages)...)
	return []homePart{{blocks: blocks}, {blocks: stages, trimmable: true, pointer: course.Phrases.HomeStagesTrimmed}}, nil
}

// meterHomeBlocks shows one measurement: its state, the button to start or go on, and when finished the
// participant's own result (Stap 2, or after the eindmeting the growth per area).
func meterHomeBlocks(course *content.Course, now time.Time, c *content.Cohort, p ParticipantHome, st MeterState, loc *time.Location) []slack.Block {
	total := len(course.Meter.Statements())
	name := capitalize(kindTitle(st.Kind))
	label := course.Phrases.ButtonStartVoormeting
	if st.Kind == content.MeterEindmeting {
		label = course.Phrases.ButtonStartEindmeting
	}
	ms := st.Measurement
	switch {
	case ms == nil:
		return []slack.Block{slack.NewSectionBlock(mrkdwn(content.Fill(course.Phrases.HomeMeterNotStarted, content.Vars{"meting": name})), nil, nil),
			meterButton(c.ID, st.Kind, label)}
	case !ms.Finished():
		answered := 0
		for _, s := range course.Meter.Statements() {
			if st.Answers[s.ID] > 0 {
				answered++
			}
		}
		return []slack.Block{slack.NewSectionBlock(mrkdwn(content.Fill(course.Phrases.HomeMeterBusy, content.Vars{"meting": name, "aantal": strconv.Itoa(answered), "totaal": strconv.Itoa(total)})), nil, nil),
			meterButton(c.ID, st.Kind, course.Phrases.HomeMeterGoOn)}
	}
	lines := []string{content.Fill(course.Phrases.HomeMeterDone, content.Vars{"meting": name, "datum": DutchDateTime(*ms.FinishedAt, loc)})}
	if st.Kind == content.MeterEindmeting && p.Voormeting.Measurement != nil && p.Voormeting.Measurement.Finished() {
		g := Growth(course.Meter, p.Voormeting.Answers, st.Answers)
		lines = append(lines, course.Phrases.HomeGrowth)
		for _, a := range g.Areas {
			lines = append(lines, content.Fill(course.Phrases.HomeGrowthArea, content.Vars{"gebied": a.Area, "voor": dutchNumber(a.Voor), "na": dutchNumber(a.Na), "verschil": signed(a.Na - a.Voor)}))
		}
	} else {
		r := Stap2(course.Meter, st.Answers)
		lines = append(lines, "*"+stap2Heading(course.Meter, 0, course.Phrases.MeterKrachten)+"*")
		for _, k := range r.Krachten {
			lines = append(lines, "• "+escape(k.Statement.Text))
		}
		lines = append(lines, "*"+stap2Heading(course.Meter, 1, course.Phrases.MeterUitdagingen)+"*")
		for _, u := range r.Uitdagingen {
			lines = append(lines, "• "+escape(u.Statement.Text))
		}
	}
	note := course.Phrases.HomeMeterPrivate
	if ms.SharedAt != nil {
		note = content.Fill(course.Phrases.HomeMeterShared, content.Vars{"datum": DutchDate(*ms.SharedAt, loc)})
	}
	blocks := TextSections(strings.Join(lines, "\n"))
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn(note)))
	// The button shows the whole result again in the DM, with its buttons (share, reopen, plan).
	return append(blocks, meterButton(c.ID, st.Kind, course.Phrases.HomeMeterShow))
}

// nextModule returns the module going on at now (current) or else the next one to start; nil when all are over.
func nextModule(c *content.Cohort, now time.Time) (m *content.CohortModule, current bool) {
	for i := range c.Modules {
		cm := &c.Modules[i]
		if now.Before(cm.End) {
			return cm, !now.Before(cm.Start)
		}
	}
	return nil, false
}

// channelRef links a channel ID ("<#C123>"); a name not yet resolved is shown as it is.
func channelRef(ch string) content.Markup {
	if strings.HasPrefix(ch, "C") || strings.HasPrefix(ch, "G") {
		return content.Markup("<#" + ch + ">")
	}
	return content.Markup(escape(ch))
}

// clip shortens s to n runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
