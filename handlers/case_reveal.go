package handlers

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
)

// CaseRevealMessage is the channel message the day after a module: for each of the cohort's cases (with its name
// variant), the stage that belongs to the module and is meant for the whole group, with its assignment. Stages for
// the trainers or for one role are never posted here. It returns ErrSkip when no case has such a stage.
func CaseRevealMessage(v ModuleView) (Message, error) {
	blocks, first, err := caseStageBlocks(v, []int{v.Number})
	if err != nil {
		return Message{}, err
	}
	if len(blocks) == 0 {
		return Message{}, ErrSkip
	}
	return checkLimits(Message{Text: first, Blocks: blocks})
}

// caseStageBlocks returns, case by case, the channel stages of the given modules as the channel shows a revealed
// stage (CaseStageMessage), and the first heading as a notification text.
func caseStageBlocks(v ModuleView, modules []int) ([]slack.Block, string, error) {
	var blocks []slack.Block
	first := ""
	for _, variant := range v.Cohort.Cases {
		variant = strings.ToLower(strings.TrimSpace(variant))
		cs, ok := v.Course.Case(content.CaseForVariant(variant))
		if !ok {
			return nil, "", fmt.Errorf("case reveal: the course has no case %q", variant)
		}
		stages, err := cs.Stages(variant)
		if err != nil {
			return nil, "", fmt.Errorf("case reveal: %w", err)
		}
		title, err := cs.TitleFor(variant)
		if err != nil {
			return nil, "", fmt.Errorf("case reveal: %w", err)
		}
		for _, n := range modules {
			var shown []content.Stage
			for _, s := range stages {
				if s.Module == n && s.Audience == content.StageChannel {
					shown = append(shown, s)
				}
			}
			if len(shown) == 0 {
				continue
			}
			for _, st := range shown {
				head, body := CaseStageMessage(v.Phrases, title, st)
				if len(blocks) > 0 {
					blocks = append(blocks, slack.NewDividerBlock())
				}
				if first == "" {
					first = head
				}
				blocks = append(blocks, body...)
			}
		}
	}
	return blocks, first, nil
}
