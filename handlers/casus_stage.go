package handlers

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// casusAssignmentHeading heads an assignment that does not bring its own bold heading.
const casusAssignmentHeading = "*Opdracht*"

// Limits for the messages that read back every revealed stage: Slack allows 50 blocks a message; a smaller text
// budget keeps each message readable and well within what an ack or response_url takes.
const (
	casusMaxBlocks = 45
	casusMaxChars  = 8000
)

// CaseStageMessage builds the channel message for one revealed stage of a case: a heading with the case's title
// (in its name variant) and module, the stage's title and text, and the assignment that goes with it. For a role
// stage the channel never sees the role card itself, only that role cards are handed out, and the assignment;
// the card goes to its player alone (RoleCardMessage). It is used by `/casus reveal` and by the scheduler's
// automatic reveal. text is the notification and fallback text.
func CaseStageMessage(p content.Phrases, caseTitle string, s content.Stage) (text string, blocks []slack.Block) {
	head := content.Fill(p.CaseReveal, content.Vars{"casus": caseTitle, "module": strconv.Itoa(s.Module)})
	blocks = append(blocks, TextSections(head)...)
	blocks = append(blocks, stageBody(p, s)...)
	return casusFirstLine(head), blocks
}

// stageBody is what a participant reads of a stage: title and text (or, for a role stage, the note that role
// cards go out privately) and the assignment. A trainer stage has no body for participants.
func stageBody(p content.Phrases, s content.Stage) []slack.Block {
	var blocks []slack.Block
	switch s.Audience {
	case content.StageChannel:
		blocks = append(blocks, TextSections("*"+s.Title+"*\n"+strings.TrimSpace(s.Text))...)
	case content.StageRole:
		blocks = append(blocks, TextSections(p.CasusRoleNote)...)
	default:
		return nil
	}
	if a := strings.TrimSpace(s.Assignment); a != "" {
		if !strings.HasPrefix(a, "*") {
			a = casusAssignmentHeading + "\n" + a
		}
		blocks = append(blocks, TextSections(a)...)
	}
	return blocks
}

// RoleCardMessage builds the DM that hands a role card to the participant who plays the role.
func RoleCardMessage(p content.Phrases, caseTitle string, s content.Stage) (text string, blocks []slack.Block) {
	intro := content.Fill(p.RoleCard, content.Vars{"casus": caseTitle, "rol": s.Role})
	blocks = append(blocks, TextSections(intro)...)
	blocks = append(blocks, TextSections("*"+s.Title+"*\n"+strings.TrimSpace(s.Text))...)
	return casusFirstLine(intro), blocks
}

// ActorMessage builds the DM with the background of the client for the trainer (or whoever plays the client).
func ActorMessage(p content.Phrases, caseTitle string, s content.Stage) (text string, blocks []slack.Block) {
	intro := content.Fill(p.CasusActorIntro, content.Vars{"casus": caseTitle})
	blocks = append(blocks, TextSections(intro)...)
	blocks = append(blocks, TextSections("*"+s.Title+"*\n"+strings.TrimSpace(s.Text))...)
	return casusFirstLine(intro), blocks
}

// RevealedStage is a stage that has been posted in a cohort's channel, as a participant reads it back.
type RevealedStage struct {
	CaseTitle string // "Casus 1: Johanna"
	Stage     content.Stage
	At        time.Time
}

// RevealedStages resolves a cohort's reveals into their stages, rendered with the variant they were shown with,
// case by case in course order and each case in the order of its line, with times in loc. Only stages whose
// message was posted are included: a stage claimed but not (yet) posted is not shown to anyone.
func RevealedStages(course *content.Course, reveals []store.CaseReveal, loc *time.Location) ([]RevealedStage, error) {
	var out []RevealedStage
	for _, r := range reveals {
		if r.TS == nil {
			continue
		}
		cs, ok := course.Case(r.CaseID)
		if !ok {
			return nil, fmt.Errorf("revealed stages: the course has no case %q", r.CaseID)
		}
		st, ok, err := cs.Stage(r.Variant, r.StageID)
		if err != nil {
			return nil, fmt.Errorf("revealed stages: %w", err)
		}
		if !ok {
			// The content no longer has this stage (an edited CONTENT_DIR): nothing to show for it.
			continue
		}
		title, err := cs.TitleFor(r.Variant)
		if err != nil {
			return nil, fmt.Errorf("revealed stages: %w", err)
		}
		out = append(out, RevealedStage{CaseTitle: title, Stage: st, At: r.RevealedAt.In(loc)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CaseTitle < out[j].CaseTitle })
	return out, nil
}

// RevealedStagesBlocks returns every revealed stage of a cohort as blocks, under a heading with the cohort's name:
// for the App Home and for `/casus` without arguments. A late joiner reads the whole case line so far here.
// With nothing revealed it says so.
func RevealedStagesBlocks(p content.Phrases, cohortName string, stages []RevealedStage) []slack.Block {
	var blocks []slack.Block
	for _, m := range revealedStagesMessages(p, cohortName, stages) {
		blocks = append(blocks, m...)
	}
	return blocks
}

// revealedStagesMessages splits the read-back into messages of at most casusMaxBlocks blocks and casusMaxChars
// characters, never splitting one stage over two messages unless the stage alone is too big.
func revealedStagesMessages(p content.Phrases, cohortName string, stages []RevealedStage) [][]slack.Block {
	head := TextSections(content.Fill(p.CasusRevealedHeading, content.Vars{"cohort": cohortName}))
	if len(stages) == 0 {
		return [][]slack.Block{append(head, TextSections(p.CasusNoneRevealed)...)}
	}
	var msgs [][]slack.Block
	cur, chars := head, blockChars(head)
	lastCase := ""
	for _, s := range stages {
		var part []slack.Block
		if s.CaseTitle != lastCase {
			part = append(part, slack.NewDividerBlock())
			part = append(part, slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, casusClip(s.CaseTitle, 150), false, false)))
			lastCase = s.CaseTitle
		}
		part = append(part, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType,
			"Module "+strconv.Itoa(s.Stage.Module)+" · "+s.At.Format("2-1-2006"), false, false)))
		part = append(part, stageBody(p, s.Stage)...)
		n := blockChars(part)
		if len(cur) > 0 && (len(cur)+len(part) > casusMaxBlocks || chars+n > casusMaxChars) {
			msgs = append(msgs, cur)
			cur, chars = nil, 0
		}
		cur = append(cur, part...)
		chars += n
	}
	if len(cur) > 0 {
		msgs = append(msgs, cur)
	}
	return msgs
}

func blockChars(blocks []slack.Block) int {
	n := 0
	for _, b := range blocks {
		if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil {
			n += len([]rune(s.Text.Text))
		}
	}
	return n
}

func casusFirstLine(s string) string {
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

func casusClip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
