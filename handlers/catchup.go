package handlers

import (
	"context"
	"fmt"
	"strconv"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// CatchUpState is what a late joiner has missed, read from the database at send time.
type CatchUpState struct {
	Preparation int             // the module whose preparation went out and that has not ended yet; 0 for none
	Stages      []RevealedStage // the case stages posted in the channel so far, case by case
	BeforeStart bool            // module 1 has not started: the voormeting is still open
}

// catchUpState reads what went out to the cohort's channel so far: the preparations the dispatcher sent and the
// case stages that were posted (by /casus reveal or the automatic reveal).
func (d *Deliveries) catchUpState(ctx context.Context, c *content.Cohort) (CatchUpState, error) {
	var st CatchUpState
	now := d.now()
	if m1, ok := c.Module(1); ok {
		st.BeforeStart = now.Before(m1.Start)
	}
	if c.ID == 0 || d.Store == nil {
		return st, nil
	}
	ds, err := d.Store.Deliveries(ctx, c.ID)
	if err != nil {
		return CatchUpState{}, fmt.Errorf("catch-up: %w", err)
	}
	for _, del := range ds {
		if del.Kind != "preparation" || del.Recipient != "" || del.Status != store.StatusSent {
			continue
		}
		if m, ok := c.Module(del.Module); ok && now.Before(m.End) && del.Module > st.Preparation {
			st.Preparation = del.Module
		}
	}
	reveals, err := d.Store.CaseReveals(ctx, c.ID)
	if err != nil {
		return CatchUpState{}, fmt.Errorf("catch-up: %w", err)
	}
	loc, err := c.Location()
	if err != nil {
		return CatchUpState{}, fmt.Errorf("catch-up: %w", err)
	}
	if st.Stages, err = RevealedStages(d.Course, reveals, loc); err != nil {
		return CatchUpState{}, fmt.Errorf("catch-up: %w", err)
	}
	return st, nil
}

// CatchUpMessage is the one DM to a participant who joined the channel after the course started: a welcome, the
// dates and places of the modules, the voormeting while it is still open, the current preparation with their own
// "Gelezen" buttons, and the case stages shared so far. When everything does not fit in one message, the oldest
// case stages are left out with a pointer to the channel, where they are. v is the cohort's view with no module.
func CatchUpMessage(v ModuleView, userID string, st CatchUpState, progress map[string]store.Progress) (Message, error) {
	intro := content.Fill(v.Phrases.CatchUpIntro, content.Vars{"deelnemer": userID, "cohort": v.Cohort.Name})
	head := sections(intro)
	head = append(head, sections(sessionList(v))...)
	if st.BeforeStart {
		head = append(head, sections(v.Phrases.CatchUpVoor)...)
		head = append(head, meterButton(v.Cohort.ID, MeterVoormeting, v.Phrases.ButtonStartVoormeting))
	}
	if st.Preparation > 0 {
		pv, err := NewModuleView(v.Course, v.Cohort, st.Preparation)
		if err != nil {
			return Message{}, fmt.Errorf("catch-up: %w", err)
		}
		head = append(head, slack.NewDividerBlock())
		head = append(head, sections(content.Fill(v.Phrases.CatchUpNow, content.Vars{
			"module": strconv.Itoa(pv.Number),
			"titel":  pv.Module.Title,
			"datum":  DutchDateTime(pv.When.Start, pv.Loc),
		}))...)
		head = append(head, ModuleKortBlock(pv))
		for _, t := range pv.Module.Voorbereiding.Tasks {
			head = append(head, sections("*"+t.Title+"*\n"+t.Text)...)
		}
		head = append(head, readingList(pv, userID, progress)...)
		head = append(head, questionBlocks(pv.Module)...)
	}

	stages := st.Stages
	for {
		var cases []slack.Block
		for _, rs := range stages {
			if _, body := CaseStageMessage(v.Phrases, rs.CaseTitle, rs.Stage); len(body) > 0 {
				cases = append(cases, slack.NewDividerBlock())
				cases = append(cases, body...)
			}
		}
		blocks := append([]slack.Block{}, head...)
		if len(cases) > 0 {
			blocks = append(blocks, slack.NewDividerBlock())
			blocks = append(blocks, sections(v.Phrases.CatchUpCases)...)
			if len(stages) < len(st.Stages) {
				blocks = append(blocks, sections(v.Phrases.CatchUpMore)...)
			}
			blocks = append(blocks, cases...)
		}
		if st.Preparation == 0 && len(cases) == 0 {
			blocks = append(blocks, sections(v.Phrases.CatchUpNothing)...)
		}
		if len(blocks) <= content.MaxMessageBlocks || len(stages) == 0 {
			return checkLimits(Message{Text: firstLine(intro), Blocks: blocks})
		}
		stages = oldestOut(stages)
	}
}

// oldestOut returns stages without the one revealed first.
func oldestOut(stages []RevealedStage) []RevealedStage {
	oldest := 0
	for i, s := range stages {
		if s.At.Before(stages[oldest].At) {
			oldest = i
		}
	}
	return append(append([]RevealedStage{}, stages[:oldest]...), stages[oldest+1:]...)
}
