package handlers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// HomeworkMessage is the DM at the end of a module: its homework from the manual and a "Klaar" button (action_id
// "homework_done", value "<module>"); someone who marked it done already sees a tick and when instead.
func HomeworkMessage(v ModuleView, userID string, progress map[string]store.Progress) (Message, error) {
	if v.Module == nil {
		return Message{}, fmt.Errorf("homework: no module")
	}
	if v.Next == nil {
		return Message{}, fmt.Errorf("homework: module %d has no next module to bring it to", v.Number)
	}
	text := content.Fill(v.Phrases.HomeworkIntro, homeworkVars(v))
	blocks := sections(text)
	for _, t := range v.Module.Huiswerk {
		blocks = append(blocks, sections("*"+t.Title+"*\n"+strings.TrimSpace(t.Text))...)
	}
	if p, done := progress[progressKey(store.ProgressHomework, store.HomeworkItem(v.Number))]; done {
		blocks = append(blocks, HomeworkDoneBlock(v.Cohort.ID, v.Number, userID, DutchDateTime(p.DoneAt, v.Loc)))
	} else {
		blocks = append(blocks, HomeworkButton(v.Cohort.ID, v.Number, v.Phrases))
	}
	return checkLimits(Message{Text: firstLine(text), Blocks: blocks})
}

// HomeworkReminderMessage is the DM two days before the next module to those who have not marked a module's
// homework done: the reminder, what the homework was, and the "Klaar" button. Render skips those who are done.
func HomeworkReminderMessage(v ModuleView) (Message, error) {
	if v.Module == nil {
		return Message{}, fmt.Errorf("homework reminder: no module")
	}
	if v.Next == nil {
		return Message{}, fmt.Errorf("homework reminder: module %d has no next module", v.Number)
	}
	text := content.Fill(v.Phrases.HomeworkReminder, homeworkVars(v))
	blocks := sections(text)
	if tasks := taskList(v.Module.Huiswerk); tasks != "" {
		blocks = append(blocks, sections(tasks)...)
	}
	blocks = append(blocks, HomeworkButton(v.Cohort.ID, v.Number, v.Phrases))
	return checkLimits(Message{Text: firstLine(text), Blocks: blocks})
}

func homeworkVars(v ModuleView) map[string]string {
	return map[string]string{
		"module": strconv.Itoa(v.Number),
		"titel":  v.Module.Title,
		"datum":  DutchDateTime(v.Next.Start, v.Loc),
	}
}

// HomeworkButton is the block with the "Klaar" button of module n's homework.
func HomeworkButton(cohortID int64, n int, p content.Phrases) slack.Block {
	return slack.NewActionBlock(ProgressBlockID(store.ProgressHomework, cohortID, store.HomeworkItem(n)),
		button(ActionHomeworkDone, strconv.Itoa(n), p.ButtonKlaar, true))
}

// HomeworkDoneBlock replaces the "Klaar" button once userID marked module n's homework done at when.
func HomeworkDoneBlock(cohortID int64, n int, userID, when string) slack.Block {
	return slack.NewContextBlock(ProgressBlockID(store.ProgressHomework, cohortID, store.HomeworkItem(n)),
		mrkdwn(fmt.Sprintf(textHomeworkDoneBy, userID, when)))
}
