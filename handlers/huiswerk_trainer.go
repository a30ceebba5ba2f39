package handlers

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// reportMessageChars bounds the text of one DM of handed-in work, so that each stays well within what Slack shows
// in one message; longer work goes on in the next message, never cut.
const (
	reportMessageChars  = 11000
	reportMessageBlocks = 45
)

// Trainer handles `/training huiswerk [module]` in a training's channel: who handed in the module's written work,
// as an answer only the trainer sees, and then in the trainer's DM the work itself, one message (or more, for a
// long text) per participant, and a file with all of it. Without a module it takes the latest module with written
// homework that has started (or the first one).
func (h *Huiswerk) Trainer(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	c, err := h.deps.Store.CohortByChannel(ctx, cmd.ChannelID)
	if content.ErrorCode(err) == content.ENOTFOUND {
		return Ephemeral(h.phrases.TrainingNoCohort), nil
	}
	if err != nil {
		return Response{}, fmt.Errorf("training huiswerk: %w", err)
	}
	ok, err := h.deps.Gate.Trains(ctx, c, cmd.UserID)
	if err != nil {
		return Response{}, fmt.Errorf("training huiswerk: %w", err)
	}
	if !ok {
		return Ephemeral(content.Fill(h.phrases.TrainingNotTrainer, content.Vars{"cohort": c.Name})), nil
	}
	var withWork []string
	for _, cm := range c.Modules {
		if len(h.deps.Course.ReportsOf(cm.Number)) > 0 {
			withWork = append(withWork, strconv.Itoa(cm.Number))
		}
	}
	fields := strings.Fields(cmd.Text)
	n := 0
	switch len(fields) {
	case 1:
		now := h.deps.Now()
		for _, cm := range c.Modules {
			if len(h.deps.Course.ReportsOf(cm.Number)) > 0 && (n == 0 || !now.Before(cm.Start)) {
				n = cm.Number
			}
		}
	case 2:
		if n, err = strconv.Atoi(fields[1]); err != nil {
			return Ephemeral(h.phrases.ReportTrainerUsage), nil
		}
	default:
		return Ephemeral(h.phrases.ReportTrainerUsage), nil
	}
	reports := h.deps.Course.ReportsOf(n)
	if len(reports) == 0 {
		return Ephemeral(content.Fill(h.phrases.ReportTrainerBadModule, content.Vars{"module": fields[len(fields)-1],
			"modules": joinDutch(withWork)})), nil
	}
	work, err := h.deps.Store.HandedInWork(ctx, c.ID, n)
	if err != nil {
		return Response{}, fmt.Errorf("training huiswerk: %w", err)
	}
	everyone, err := h.deps.Store.Participants(ctx, c.ID)
	if err != nil {
		return Response{}, fmt.Errorf("training huiswerk: %w", err)
	}
	left, err := h.deps.Store.LeftParticipants(ctx, c.ID)
	if err != nil {
		return Response{}, fmt.Errorf("training huiswerk: %w", err)
	}
	present := slices.DeleteFunc(slices.Clone(everyone), func(u string) bool { return slices.Contains(left, u) })
	var text []string
	for _, r := range reports {
		text = append(text, ReportTrainerSummary(h.deps.Course, c, r, present, work))
	}
	reply := strings.Join(text, "\n\n")
	if len(work) == 0 {
		return Response{Reply: &Reply{Text: reply, Blocks: TextSections(reply)}}, nil
	}
	reply += "\n\n" + h.phrases.ReportTrainerSent
	trainer := cmd.UserID
	return Response{Reply: &Reply{Text: reply, Blocks: TextSections(reply)}, Later: func(ctx context.Context) (*Reply, error) {
		return nil, h.sendWork(ctx, c, n, reports, work, trainer)
	}}, nil
}

// ReportTrainerSummary is what a trainer reads of one written task: how many of the participants (present) handed
// it in, who did and who did not yet.
func ReportTrainerSummary(course *content.Course, c *content.Cohort, r content.Report, present []string, work []store.WrittenWork) string {
	p := course.Phrases
	title := r.Task
	if t, ok := moduleTask(course, r.Module, r.Task); ok {
		title = t.Title
	}
	lines := []string{content.Fill(p.ReportTrainerHeading, content.Vars{"module": strconv.Itoa(r.Module), "titel": title, "cohort": c.Name})}
	var in, notYet []string
	done := map[string]bool{}
	for _, w := range work {
		if w.TaskID == r.Task {
			done[w.UserID] = true
			in = append(in, "<@"+w.UserID+">")
		}
	}
	for _, u := range present {
		if !done[u] {
			notYet = append(notYet, "<@"+u+">")
		}
	}
	lines = append(lines, content.Fill(p.ReportTrainerCounts, content.Vars{"aantal": strconv.Itoa(len(in)), "totaal": strconv.Itoa(len(present))}))
	if len(in) == 0 {
		lines = append(lines, p.ReportTrainerNone)
	} else {
		lines = append(lines, content.Fill(p.ReportTrainerHandedIn, content.Vars{"namen": content.Markup(joinDutch(in))}))
	}
	if len(notYet) > 0 {
		lines = append(lines, content.Fill(p.ReportTrainerNotYet, content.Vars{"namen": content.Markup(joinDutch(notYet))}))
	}
	return strings.Join(lines, "\n")
}

// ReportWorkMessages is one participant's handed-in work w as DM messages for a trainer: the participant and
// when, then each section's title and text. A long text goes on in the next message, headed "vervolg (2 van 3)";
// no text is cut.
func ReportWorkMessages(course *content.Course, c *content.Cohort, r content.Report, w store.WrittenWork) []Message {
	p := course.Phrases
	loc, err := c.Location()
	if err != nil {
		loc = nil
	}
	name := content.Markup("<@" + w.UserID + ">")
	when := ""
	if w.HandedInAt != nil && loc != nil {
		when = DutchDateTime(*w.HandedInAt, loc)
	}
	head := content.Fill(p.ReportTrainerWork, content.Vars{"naam": name, "datum": when})
	// Every piece is a section of its own, at most a section's limit; messages take pieces while they fit.
	var pieces []string
	for _, s := range r.Sections {
		text := strings.TrimSpace(w.Sections[s.ID])
		body := p.ReportSectionEmpty
		if text != "" {
			body = escape(text)
		}
		chunks := content.Chunks("*"+escape(s.Title)+"*\n"+body, content.MaxSectionText)
		for _, ch := range chunks {
			pieces = append(pieces, splitText(ch, content.MaxSectionText)...)
		}
	}
	var groups [][]string
	var cur []string
	size := 0
	for _, pc := range pieces {
		n := utf8.RuneCountInString(pc)
		if len(cur) > 0 && (size+n > reportMessageChars || len(cur)+1 >= reportMessageBlocks) {
			groups = append(groups, cur)
			cur, size = nil, 0
		}
		cur = append(cur, pc)
		size += n
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	out := make([]Message, 0, len(groups))
	for i, g := range groups {
		top := head
		if i > 0 {
			top = content.Fill(p.ReportTrainerContinued, content.Vars{"naam": name, "deel": strconv.Itoa(i + 1), "delen": strconv.Itoa(len(groups))})
		}
		blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(top), nil, nil)}
		for _, pc := range g {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn(pc), nil, nil))
		}
		out = append(out, Message{Text: firstLine(top), Blocks: blocks})
	}
	return out
}

// ReportWorkFile is the plain-text file of all handed-in work of module n for the trainers: per task and
// participant (by name), each section's title and text, whole.
func ReportWorkFile(course *content.Course, c *content.Cohort, n int, reports []content.Report, work []store.WrittenWork, names map[string]string) []byte {
	p := course.Phrases
	loc, _ := c.Location()
	var b strings.Builder
	b.WriteString(content.FillPlain(p.ReportTrainerFileTitle, content.Vars{"module": strconv.Itoa(n), "cohort": c.Name}))
	b.WriteString("\n")
	for _, r := range reports {
		title := r.Task
		if t, ok := moduleTask(course, r.Module, r.Task); ok {
			title = t.Title
		}
		fmt.Fprintf(&b, "\n\n%s\n%s\n", title, strings.Repeat("=", utf8.RuneCountInString(title)))
		for _, w := range work {
			if w.TaskID != r.Task {
				continue
			}
			name := names[w.UserID]
			if name == "" {
				name = w.UserID
			}
			when := ""
			if w.HandedInAt != nil && loc != nil {
				when = DutchDateTime(*w.HandedInAt, loc)
			}
			head := strings.ReplaceAll(strings.ReplaceAll(content.FillPlain(p.ReportTrainerWork, content.Vars{"naam": name, "datum": when}), "*", ""), "_", "")
			fmt.Fprintf(&b, "\n%s\n%s\n", head, strings.Repeat("-", utf8.RuneCountInString(head)))
			for _, s := range r.Sections {
				text := strings.TrimSpace(w.Sections[s.ID])
				if text == "" {
					text = strings.Trim(p.ReportSectionEmpty, "_")
				}
				fmt.Fprintf(&b, "\n%s\n%s\n", s.Title, text)
			}
		}
	}
	return []byte(b.String())
}

// sendWork posts the handed-in work of module n to the trainer's DM, one message (or more) per participant, then
// the file with all of it and the note that goes with it.
func (h *Huiswerk) sendWork(ctx context.Context, c *content.Cohort, n int, reports []content.Report, work []store.WrittenWork, trainer string) error {
	names := map[string]string{}
	for _, r := range reports {
		for _, w := range work {
			if w.TaskID != r.Task {
				continue
			}
			for _, m := range ReportWorkMessages(h.deps.Course, c, r, w) {
				ch, ts, err := h.deps.Slack.Post(ctx, trainer, m.Text, m.Blocks)
				if err != nil {
					return fmt.Errorf("send written work: %w", err)
				}
				// Remembered, so that the participant's erasure deletes this copy of their work too.
				if err := h.deps.Store.RecordPostedCopies(ctx, []store.PostedCopy{{CohortID: c.ID, AboutUser: w.UserID,
					Kind: store.CopyWork, Channel: ch, TS: ts}}); err != nil {
					return fmt.Errorf("send written work: %w", err)
				}
			}
			if _, ok := names[w.UserID]; !ok {
				names[w.UserID] = w.UserID
				if u, err := h.deps.Slack.UserInfo(ctx, w.UserID); err == nil && u != nil {
					if u.RealName != "" {
						names[w.UserID] = u.RealName
					} else if u.Name != "" {
						names[w.UserID] = u.Name
					}
				}
			}
		}
	}
	dm, err := h.deps.Slack.OpenDM(ctx, trainer)
	if err != nil {
		return fmt.Errorf("send written work: %w", err)
	}
	title := content.FillPlain(h.phrases.ReportTrainerFileTitle, content.Vars{"module": strconv.Itoa(n), "cohort": c.Name})
	file := fmt.Sprintf("huiswerk-module-%d.txt", n)
	fileID, err := h.deps.Slack.UploadFile(ctx, dm, file, title, ReportWorkFile(h.deps.Course, c, n, reports, work, names))
	if err != nil {
		return fmt.Errorf("send written work: file: %w", err)
	}
	// The file holds everyone's work: erasing any one of them deletes it (the messages of the others stay).
	var copies []store.PostedCopy
	for _, w := range work {
		if slices.ContainsFunc(copies, func(c store.PostedCopy) bool { return c.AboutUser == w.UserID }) {
			continue
		}
		copies = append(copies, store.PostedCopy{CohortID: c.ID, AboutUser: w.UserID, Kind: store.CopyWork, Channel: dm, FileID: fileID})
	}
	if err := h.deps.Store.RecordPostedCopies(ctx, copies); err != nil {
		return fmt.Errorf("send written work: file: %w", err)
	}
	if _, _, err := h.deps.Slack.Post(ctx, trainer, h.phrases.ReportTrainerFileNote, sections(h.phrases.ReportTrainerFileNote)); err != nil {
		return fmt.Errorf("send written work: %w", err)
	}
	return nil
}
