package handlers

import (
	"fmt"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
)

// WelcomeMessage is the DM a participant gets a week before module 1: how the bot works, the dates and places of
// the four modules, and the invitation to the voormeting of the competentiemeter with its button. v is module 1.
func WelcomeMessage(v ModuleView, userID string) (Message, error) {
	if v.When == nil {
		return Message{}, fmt.Errorf("welcome: no module 1")
	}
	text := content.Fill(v.Phrases.Welcome, content.Vars{
		"naam":   mention(userID),
		"cohort": v.Cohort.Name,
		"datum":  DutchDate(v.When.Start, v.Loc),
		"tijd":   DutchClock(v.When.Start, v.Loc),
		"plaats": v.When.Location,
	})
	var blocks []slack.Block
	blocks = append(blocks, sections(text)...)
	blocks = append(blocks, sections(sessionList(v))...)
	blocks = append(blocks, meterButton(v.Cohort.ID, MeterVoormeting, v.Phrases.ButtonStartVoormeting))
	if credit := v.Course.About.Credit; credit != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(credit)))
	}
	return checkLimits(Message{Text: firstLine(text), Blocks: blocks})
}

// MeterReminderMessage is the DM to those who have not finished a measurement of the competentiemeter (Render
// skips those who have): two days before module 1 about the voormeting, a few days after module 4 about the
// eindmeting. v is module 1 or 4. It asks for the voormeting before module 1 starts, and for the eindmeting before
// the meter stops taking changes to it (EindmetingReopenDays after module 4).
func MeterReminderMessage(v ModuleView) (Message, error) {
	run, ok := meterRun(v.Number)
	if !ok || v.When == nil {
		return Message{}, fmt.Errorf("meter reminder: only before module 1 (voormeting) or after module 4 (eindmeting), not module %d", v.Number)
	}
	by, label := v.When.Start, v.Phrases.ButtonStartVoormeting
	if run == MeterEindmeting {
		by, label = reopenUntil(v.Cohort, content.MeterEindmeting), v.Phrases.ButtonStartEindmeting
	}
	text := content.Fill(v.Phrases.MeterReminder, content.Vars{
		"meting": run,
		"datum":  DutchDateTime(by, v.Loc),
	})
	if run == MeterEindmeting {
		text += " " + v.Phrases.CourseMeterReminderEind
	}
	blocks := sections(text)
	blocks = append(blocks, meterButton(v.Cohort.ID, run, label))
	return checkLimits(Message{Text: firstLine(text), Blocks: blocks})
}

// meterRun returns the measurement a meter reminder of module n is about: the voormeting before module 1, the
// eindmeting after module 4; ok is false for the modules in between.
func meterRun(n int) (run string, ok bool) {
	switch n {
	case 1:
		return MeterVoormeting, true
	case 4:
		return MeterEindmeting, true
	}
	return "", false
}

// meterButton is the block with the button that opens the competentiemeter for a run (voormeting, eindmeting).
func meterButton(cohortID int64, run, label string) slack.Block {
	return slack.NewActionBlock(ProgressBlockID("meter", cohortID, run), button(ActionMeterStart, run, label, true))
}
