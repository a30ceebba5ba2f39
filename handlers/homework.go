package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// HomeworkPlanModule is the module whose homework is the competentiemeter's Stap 3 and 4: writing down
// development points and how to work on them. Saving them in the meter's plan modal does that homework, so it
// counts as done even when "Klaar" was never clicked.
const HomeworkPlanModule = 1

// HomeworkState says whether a participant did a module's homework.
type HomeworkState struct {
	Done bool
	// At is when "Klaar" was clicked; zero when the homework is done only by a saved development plan.
	At time.Time
}

// PlanChecker tells whether a participant saved a development plan; *store.DB implements it.
type PlanChecker interface {
	DevelopmentPlanExists(ctx context.Context, cohortID int64, userID string) (bool, error)
}

// homeworkState is the one rule for "userID did module n's homework in cohort cohortID", for every message and
// view that shows or skips on it: "Klaar" clicked (progress, by progressKey), or, for HomeworkPlanModule, a saved
// development plan. st is asked only for that module and only when "Klaar" was not clicked; a nil st or an
// unsaved cohort (id 0) counts as no plan.
func homeworkState(ctx context.Context, st PlanChecker, cohortID int64, userID string, n int, progress map[string]store.Progress) (HomeworkState, error) {
	if p, ok := progress[progressKey(store.ProgressHomework, store.HomeworkItem(n))]; ok {
		return HomeworkState{Done: true, At: p.DoneAt}, nil
	}
	if n != HomeworkPlanModule || st == nil || cohortID <= 0 {
		return HomeworkState{}, nil
	}
	plan, err := st.DevelopmentPlanExists(ctx, cohortID, userID)
	if err != nil {
		return HomeworkState{}, fmt.Errorf("homework state: %w", err)
	}
	return HomeworkState{Done: plan}, nil
}

// HomeworkMessage is the DM at the end of a module: its homework from the manual and a "Klaar" button (action_id
// "homework_done", value "<module>"); someone whose homework is done already (state) sees a tick instead: when
// they clicked "Klaar", or, for HomeworkPlanModule, that their development points are in the competentiemeter.
func HomeworkMessage(v ModuleView, userID string, state HomeworkState) (Message, error) {
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
	if b := ReportButtons(v.Course, v.Cohort.ID, v.Number); b != nil {
		blocks = append(blocks, b)
	}
	switch {
	case state.Done && state.At.IsZero():
		blocks = append(blocks, homeworkPlanBlock(v.Cohort.ID, v.Number, v.Phrases))
	case state.Done:
		blocks = append(blocks, HomeworkDoneBlock(v.Cohort.ID, v.Number, userID, DutchDateTime(state.At, v.Loc), v.Phrases))
	default:
		blocks = append(blocks, HomeworkButton(v.Cohort.ID, v.Number, v.Phrases))
	}
	return checkLimits(Message{Text: firstLine(text), Blocks: blocks})
}

// HomeworkReminderMessage is the DM two days before the next module to those who have not done a module's
// homework (homeworkState): the reminder, what the homework was, and the "Klaar" button. Render skips those who
// are done.
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
	if b := ReportButtons(v.Course, v.Cohort.ID, v.Number); b != nil {
		blocks = append(blocks, b)
	}
	blocks = append(blocks, HomeworkButton(v.Cohort.ID, v.Number, v.Phrases))
	return checkLimits(Message{Text: firstLine(text), Blocks: blocks})
}

func homeworkVars(v ModuleView) content.Vars {
	return content.Vars{
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
func HomeworkDoneBlock(cohortID int64, n int, userID, when string, p content.Phrases) slack.Block {
	return slack.NewContextBlock(ProgressBlockID(store.ProgressHomework, cohortID, store.HomeworkItem(n)),
		mrkdwn(content.Fill(p.ProgressHomeworkDoneBy, content.Vars{"deelnemer": userID, "datum": when})))
}

// homeworkPlanBlock stands in for the "Klaar" button of module n's homework when the development plan in the
// competentiemeter did it.
func homeworkPlanBlock(cohortID int64, n int, p content.Phrases) slack.Block {
	return slack.NewContextBlock(ProgressBlockID(store.ProgressHomework, cohortID, store.HomeworkItem(n)),
		mrkdwn(p.ProgressHomeworkDoneByPlan))
}
