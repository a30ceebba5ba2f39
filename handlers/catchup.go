package handlers

import (
	"context"
	"fmt"
	"sort"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// CatchUpState is what a late joiner has missed, read from the cohort's deliveries at send time.
type CatchUpState struct {
	Preparation int   // the module whose preparation went out and that has not ended yet; 0 for none
	Revealed    []int // the modules whose case stages were shared in the channel, in order
	BeforeStart bool  // module 1 has not started: the voormeting is still open
}

// catchUpState reads what went out to the cohort's channel so far.
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
	revealed := map[int]bool{}
	for _, del := range ds {
		if del.Recipient != "" || del.Status != store.StatusSent {
			continue
		}
		switch del.Kind {
		case "preparation":
			if m, ok := c.Module(del.Module); ok && now.Before(m.End) && del.Module > st.Preparation {
				st.Preparation = del.Module
			}
		case "case_reveal":
			revealed[del.Module] = true
		}
	}
	for n := range revealed {
		st.Revealed = append(st.Revealed, n)
	}
	sort.Ints(st.Revealed)
	return st, nil
}

// CatchUpMessage is the one DM to a participant who joined the channel after the course started: a welcome, the
// dates and places of the modules, the voormeting while it is still open, the current preparation with their own
// "Gelezen" buttons, and the case stages shared so far. When everything does not fit in one message, the oldest
// case stages are left out with a pointer to the channel, where they are. v is the cohort's view with no module.
func CatchUpMessage(v ModuleView, userID string, st CatchUpState, progress map[string]store.Progress) (Message, error) {
	intro := fmt.Sprintf(textCatchUpIntro, userID, v.Cohort.Name)
	head := sections(intro)
	head = append(head, sections(sessionList(v))...)
	if st.BeforeStart {
		head = append(head, sections(textCatchUpVoor)...)
		head = append(head, meterButton(v.Cohort.ID, MeterVoormeting, v.Phrases.ButtonStartVoormeting))
	}
	if st.Preparation > 0 {
		pv, err := NewModuleView(v.Course, v.Cohort, st.Preparation)
		if err != nil {
			return Message{}, fmt.Errorf("catch-up: %w", err)
		}
		head = append(head, slack.NewDividerBlock())
		head = append(head, sections(fmt.Sprintf(textCatchUpNow, pv.Number, pv.Module.Title, DutchDateTime(pv.When.Start, pv.Loc)))...)
		for _, t := range pv.Module.Voorbereiding.Tasks {
			head = append(head, sections("*"+t.Title+"*\n"+t.Text)...)
		}
		head = append(head, readingList(pv, userID, progress)...)
		head = append(head, questionBlocks(pv.Module)...)
	}

	revealed := st.Revealed
	for {
		cases, _, err := caseStageBlocks(v, revealed)
		if err != nil {
			return Message{}, fmt.Errorf("catch-up: %w", err)
		}
		blocks := append([]slack.Block{}, head...)
		if len(cases) > 0 {
			blocks = append(blocks, slack.NewDividerBlock())
			blocks = append(blocks, sections(textCatchUpCases)...)
			if len(revealed) < len(st.Revealed) {
				blocks = append(blocks, sections(textCatchUpMore)...)
			}
			blocks = append(blocks, cases...)
		}
		if st.Preparation == 0 && len(cases) == 0 {
			blocks = append(blocks, sections(textCatchUpNothing)...)
		}
		if len(blocks) <= maxBlocks || len(revealed) == 0 {
			return checkLimits(Message{Text: firstLine(intro), Blocks: blocks})
		}
		revealed = revealed[1:]
	}
}
