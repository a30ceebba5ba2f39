package handlers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// PreparationMessage is the channel message five days before a module: its title, the gist of the module's
// inleiding with a button to read all of it and the leeruitkomsten, what to do before it, the reading list with a link and a "Gelezen" button per reading, and for module 1 the ten questions on the route of
// the Gesprek. A click is confirmed only to the one who clicked, so the message never shows anyone's progress.
func PreparationMessage(v ModuleView) (Message, error) {
	if v.Module == nil {
		return Message{}, fmt.Errorf("preparation: no module")
	}
	intro := content.Fill(v.Phrases.PreparationIntro, v.moduleVars())
	blocks := sections(intro)
	blocks = append(blocks, ModuleKortBlock(v))
	if s := strings.TrimSpace(v.Module.Voorbereiding.Intro); s != "" {
		blocks = append(blocks, sections(s)...)
	}
	if len(v.Module.Voorbereiding.Tasks) > 0 {
		blocks = append(blocks, sections(v.Phrases.CourseTasksHeading)...)
		for _, t := range v.Module.Voorbereiding.Tasks {
			blocks = append(blocks, sections("*"+t.Title+"*\n"+strings.TrimSpace(t.Text))...)
		}
	}
	blocks = append(blocks, readingList(v, "", nil)...)
	blocks = append(blocks, questionBlocks(v.Module)...)
	return checkLimits(Message{Text: firstLine(intro), Blocks: blocks})
}

// ModuleKortBlock is the gist of module v's inleiding with the button that opens the whole introduction
// (ModuleInfo): how the preparation of a module opens.
func ModuleKortBlock(v ModuleView) slack.Block {
	return slack.NewSectionBlock(mrkdwn(strings.TrimSpace(v.Module.Kort)), nil,
		slack.NewAccessory(ModuleInfoButton(v.Cohort.ID, v.Number, v.Phrases.ModuleInfoButton)))
}

// ChecklistMessage is a participant's own checklist for a module, by DM with the channel's preparation: the tasks,
// and each reading with its "Gelezen" button, or a tick with when it was marked read.
func ChecklistMessage(v ModuleView, userID string, progress map[string]store.Progress) (Message, error) {
	if v.Module == nil {
		return Message{}, fmt.Errorf("preparation checklist: no module")
	}
	intro := content.Fill(v.Phrases.PreparationChecklist, v.moduleVars())
	blocks := sections(intro)
	if tasks := taskList(v.Module.Voorbereiding.Tasks); tasks != "" {
		blocks = append(blocks, sections(v.Phrases.CourseTasksHeading+"\n"+tasks)...)
	}
	blocks = append(blocks, readingList(v, userID, progress)...)
	return checkLimits(Message{Text: firstLine(intro), Blocks: blocks})
}

// moduleVars are the placeholders of the preparation phrases: module number and title, and the meeting's date
// and time.
func (v ModuleView) moduleVars() content.Vars {
	return content.Vars{
		"module": strconv.Itoa(v.Number),
		"titel":  v.Module.Title,
		"datum":  DutchDateTime(v.When.Start, v.Loc),
	}
}

// taskList returns the titles of tasks as bullets.
func taskList(tasks []content.Task) string {
	var lines []string
	for _, t := range tasks {
		lines = append(lines, "• "+t.Title)
	}
	return strings.Join(lines, "\n")
}

// readingList returns the module's reading list under a heading: one block per reading with its "Gelezen" button.
// With a userID (a DM), a reading that person marked read shows a tick and when instead of the button.
func readingList(v ModuleView, userID string, progress map[string]store.Progress) []slack.Block {
	lezen := v.Module.Voorbereiding.Lezen
	if len(lezen) == 0 {
		return nil
	}
	blocks := sections(v.Phrases.CourseReadingHeading)
	for i, r := range lezen {
		p, done := progress[progressKey(store.ProgressReading, r.ID)]
		if userID != "" && done {
			blocks = append(blocks, ReadingDoneBlocks(v.Cohort.ID, r, userID, DutchDateTime(p.DoneAt, v.Loc), v.Phrases)...)
			continue
		}
		blocks = append(blocks, ReadingBlock(v.Cohort.ID, v.Number, i, r, v.Phrases))
	}
	return blocks
}

// readingText returns a reading as mrkdwn: the citation (author, title, source, year, note) and its link.
func readingText(r content.Reading, p content.Phrases) string {
	s := escape(r.Citation())
	if r.Link != "" {
		s += "\n" + content.Fill(p.CourseLink, content.Vars{"link": content.Markup(r.Link), "label": p.ButtonOpenen})
	}
	return s
}

// ReadingBlock is one reading with its "Gelezen" button (action_id "reading_done:<i>", value "<module>/<reading
// id>"), i being the reading's place in the module's list.
func ReadingBlock(cohortID int64, module, i int, r content.Reading, p content.Phrases) slack.Block {
	btn := button(ActionReadingDone+":"+strconv.Itoa(i), strconv.Itoa(module)+"/"+r.ID, p.ButtonGelezen, false)
	return slack.NewSectionBlock(mrkdwn(readingText(r, p)), nil, slack.NewAccessory(btn),
		slack.SectionBlockOptionBlockID(ProgressBlockID(store.ProgressReading, cohortID, r.ID)))
}

// ReadingDoneBlocks is a reading that userID marked read at when: the reading with a tick, without the button.
func ReadingDoneBlocks(cohortID int64, r content.Reading, userID, when string, p content.Phrases) []slack.Block {
	return []slack.Block{
		slack.NewSectionBlock(mrkdwn("✓ "+readingText(r, p)), nil, nil,
			slack.SectionBlockOptionBlockID(ProgressBlockID(store.ProgressReading, cohortID, r.ID))),
		slack.NewContextBlock("", mrkdwn(content.Fill(p.ProgressReadDone, content.Vars{"deelnemer": userID, "datum": when}))),
	}
}

// questionBlocks returns a module's numbered list of questions (module 1: the route of the Gesprek), if it has one.
func questionBlocks(m *content.Module) []slack.Block {
	if m.Vragen == nil || len(m.Vragen.Questions) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("*" + m.Vragen.Title + "*")
	if m.Vragen.Intro != "" {
		b.WriteString("\n" + m.Vragen.Intro)
	}
	for i, q := range m.Vragen.Questions {
		b.WriteString("\n" + strconv.Itoa(i+1) + ". " + q)
	}
	return sections(b.String())
}
