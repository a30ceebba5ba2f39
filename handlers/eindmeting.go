package handlers

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
)

// EindmetingMessage is the DM after module 4: the invitation to fill in the competentiemeter once more, with the
// module's closing assignment from the manual (eindmeting and plan van aanpak) and the button. v is module 4.
func EindmetingMessage(v ModuleView) (Message, error) {
	if v.Module == nil {
		return Message{}, fmt.Errorf("eindmeting: no module")
	}
	text := content.Fill(v.Phrases.EindmetingIntro, content.Vars{"doel": strings.TrimSpace(v.Course.Meter.Purpose)})
	blocks := sections(text)
	for _, t := range v.Module.Huiswerk {
		blocks = append(blocks, sections("*"+t.Title+"*\n"+strings.TrimSpace(t.Text))...)
	}
	blocks = append(blocks, meterButton(v.Cohort.ID, MeterEindmeting, v.Phrases.ButtonStartEindmeting))
	if credit := v.Course.About.Credit; credit != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(credit)))
	}
	return checkLimits(Message{Text: firstLine(text), Blocks: blocks})
}
