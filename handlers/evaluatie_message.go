package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// EvaluationReader is what the evaluation's and the follow-up's planned messages read: a participant's notes and
// their ontwikkelpunten; *store.DB implements it.
type EvaluationReader interface {
	EvaluationOf(ctx context.Context, cohortID int64, userID string) (store.Evaluation, error)
	DevelopmentPlanOf(ctx context.Context, cohortID int64, userID string) (store.DevelopmentPlan, error)
}

// EvaluationMessage is the DM at the start of module 4: the closing evaluation's title, the manual's four places
// with their questions, and the button that opens the modal. v is module 4.
func EvaluationMessage(v ModuleView) (Message, error) {
	ev := v.Course.Evaluation
	text := content.Fill(v.Phrases.EvaluationMessage, content.Vars{"titel": ev.Title})
	blocks := sections(text)
	var places []string
	for _, it := range ev.Items {
		places = append(places, "*"+it.Title+"*\n"+strings.TrimSpace(it.Question))
	}
	blocks = append(blocks, sections(strings.Join(places, "\n\n"))...)
	blocks = append(blocks, evaluationButton(v.Phrases, v.Cohort.ID))
	return checkLimits(Message{Text: firstLine(text), Blocks: blocks})
}

// workOf returns a participant's evaluation notes and ontwikkelpunten in a cohort; either is empty when they
// wrote none.
func workOf(ctx context.Context, st EvaluationReader, cohortID int64, userID string) (store.EvaluationNotes, string, error) {
	if st == nil || cohortID <= 0 {
		return store.EvaluationNotes{}, "", nil
	}
	ev, err := st.EvaluationOf(ctx, cohortID, userID)
	if err != nil && content.ErrorCode(err) != content.ENOTFOUND {
		return nil, "", fmt.Errorf("evaluation of %s: %w", userID, err)
	}
	plan, err := st.DevelopmentPlanOf(ctx, cohortID, userID)
	if err != nil && content.ErrorCode(err) != content.ENOTFOUND {
		return nil, "", fmt.Errorf("development plan of %s: %w", userID, err)
	}
	notes := ev.Notes
	if notes == nil {
		notes = store.EvaluationNotes{}
	}
	return notes, strings.TrimSpace(plan.Ontwikkelpunten), nil
}

// TakeHomeMessage is the DM when module 4 ends: the participant's bloem and zaad, to take home for their own
// professionalisation plan ("De deelnemers gaan met de bloem en het zaad de deur uit"), next to the ontwikkelpunten
// they wrote in the competentiemeter (Stap 3). scheduler.ErrSkip when they wrote neither a bloem nor a zaad.
func TakeHomeMessage(course *content.Course, notes store.EvaluationNotes, ontwikkelpunten string) (Message, error) {
	p := course.Phrases
	if len(notes[content.EvaluationBloem]) == 0 && len(notes[content.EvaluationZaad]) == 0 {
		return Message{}, scheduler.ErrSkip
	}
	blocks := sections(p.EvaluationTakeHome)
	for _, id := range []string{content.EvaluationBloem, content.EvaluationZaad} {
		it, _ := course.Evaluation.Item(id)
		blocks = append(blocks, sections("*"+it.Title+"*\n"+noteList(notes[id], p.EvaluationNoNotes))...)
	}
	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, sections(p.EvaluationOntwikkelpunten+"\n"+ownText(ontwikkelpunten, p.EvaluationNoOntwikkelpunten))...)
	return checkLimits(Message{Text: firstLine(p.EvaluationTakeHome), Blocks: blocks})
}

// noteList is notes as a bulleted list, escaped; none when there are none.
func noteList(notes []string, none string) string {
	if len(notes) == 0 {
		return none
	}
	lines := make([]string, len(notes))
	for i, n := range notes {
		lines[i] = "• " + escape(strings.ReplaceAll(n, "\n", " "))
	}
	return strings.Join(lines, "\n")
}

// ownText is a text the participant typed, escaped; none when it is empty.
func ownText(s, none string) string {
	if s = strings.TrimSpace(s); s == "" {
		return none
	}
	return escape(s)
}
