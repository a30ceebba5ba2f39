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
	text := content.Fill(v.Phrases.Welcome, map[string]string{
		"naam":   "<@" + userID + ">",
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

// MeterReminderMessage is the DM two days before module 1 to those who have not finished the voormeting (Render
// skips those who have). v is module 1.
func MeterReminderMessage(v ModuleView) (Message, error) {
	if v.When == nil || v.Number != 1 {
		return Message{}, fmt.Errorf("meter reminder: only before module 1 (the voormeting), not module %d", v.Number)
	}
	text := content.Fill(v.Phrases.MeterReminder, map[string]string{
		"meting": MeterVoormeting,
		"datum":  DutchDateTime(v.When.Start, v.Loc),
	})
	blocks := sections(text)
	blocks = append(blocks, meterButton(v.Cohort.ID, MeterVoormeting, v.Phrases.ButtonStartVoormeting))
	return checkLimits(Message{Text: firstLine(text), Blocks: blocks})
}

// meterButton is the block with the button that opens the competentiemeter for a run (voormeting, eindmeting).
func meterButton(cohortID int64, run, label string) slack.Block {
	return slack.NewActionBlock(ProgressBlockID("meter", cohortID, run), button(ActionMeterStart, run, label, true))
}
