package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// Board handles `/evaluatie bord` (trainers of the channel's training only): the group's board goes to the
// channel, per place the notes of each participant who chose to put theirs on it, with their name, as in the
// circle. Nobody else's notes are on it; with nobody on it, nothing is posted and the trainer is told why.
func (e *Evaluation) Board(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	c, err := e.deps.Store.CohortByChannel(ctx, cmd.ChannelID)
	switch {
	case content.ErrorCode(err) == content.ENOTFOUND:
		trained, err := e.deps.Gate.TrainedCohorts(ctx, cmd.UserID)
		if err != nil {
			return Response{}, fmt.Errorf("evaluation board: %w", err)
		}
		if len(trained) == 0 {
			return Ephemeral(e.phrases.EvaluationBoardTrainerOnly), nil
		}
		if len(trained) > 1 {
			return Ephemeral(e.phrases.EvaluationTrainerWhich), nil
		}
		c = trained[0]
	case err != nil:
		return Response{}, fmt.Errorf("evaluation board: %w", err)
	default:
		ok, err := e.deps.Gate.Trains(ctx, c, cmd.UserID)
		if err != nil {
			return Response{}, fmt.Errorf("evaluation board: %w", err)
		}
		if !ok {
			return Ephemeral(e.phrases.EvaluationBoardTrainerOnly), nil
		}
	}
	entries, err := e.deps.Store.EvaluationBoard(ctx, c.ID)
	if err != nil {
		return Response{}, fmt.Errorf("evaluation board: %w", err)
	}
	if len(entries) == 0 {
		return Ephemeral(e.phrases.EvaluationBoardNone), nil
	}
	msgs := BoardMessages(e.deps.Course, c, entries)
	trainer := cmd.UserID
	return Response{Later: func(ctx context.Context) (*Reply, error) {
		channel, first := c.Channel, ""
		for i, m := range msgs {
			ch, ts, err := e.deps.Slack.Post(ctx, c.Channel, m.Text, m.Blocks)
			if err != nil {
				return nil, fmt.Errorf("post evaluation board: %w", err)
			}
			channel = ch
			if i == 0 {
				first = ts
			}
			// Every part of the board for everyone on it: erasing one of them redraws the board without them.
			var copies []store.PostedCopy
			for _, en := range entries {
				copies = append(copies, store.PostedCopy{CohortID: c.ID, AboutUser: en.UserID, Kind: store.CopyBoard,
					Channel: ch, TS: ts, PostTS: first, Part: i})
			}
			if err := e.deps.Store.RecordPostedCopies(ctx, copies); err != nil {
				return nil, fmt.Errorf("post evaluation board: %w", err)
			}
		}
		cid := c.ID
		e.audit(ctx, store.AuditEntry{CohortID: &cid, Actor: trainer, Action: "evaluation_board_posted",
			Detail: map[string]any{"participants": len(entries)}})
		return &Reply{Text: content.Fill(e.phrases.EvaluationBoardPosted, content.Vars{
			"kanaal": content.Markup("<#" + channel + ">"), "aantal": strconv.Itoa(len(entries))})}, nil
	}}, nil
}

// BoardMessages is the group's board as channel messages: a heading, then per place its title and, per
// participant on the board, their name and their notes. Everything typed is escaped; a long board is split over
// sections and messages within Slack's limits, never cut.
func BoardMessages(course *content.Course, c *content.Cohort, entries []store.BoardEntry) []Message {
	p := course.Phrases
	head := content.Fill(p.EvaluationBoardHeading, content.Vars{"titel": course.Evaluation.Title, "cohort": c.Name})
	blocks := sections(head)
	for _, it := range course.Evaluation.Items {
		lines := []string{"*" + escape(it.Title) + "*"}
		for _, en := range entries {
			notes := en.Notes[it.ID]
			if len(notes) == 0 {
				continue
			}
			name := content.Fill(p.EvaluationBoardPerson, content.Vars{"naam": en.Name})
			if strings.TrimSpace(en.Name) == "" {
				name = "*<@" + en.UserID + ">*"
			}
			lines = append(lines, name)
			for _, n := range notes {
				lines = append(lines, "• "+escape(strings.ReplaceAll(n, "\n", " ")))
			}
		}
		if len(lines) == 1 {
			lines = append(lines, p.EvaluationNoNotes)
		}
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, sections(strings.Join(lines, "\n"))...)
	}
	var out []Message
	for len(blocks) > 0 {
		n := min(len(blocks), content.MaxMessageBlocks)
		out = append(out, Message{Text: firstLine(head), Blocks: blocks[:n]})
		blocks = blocks[n:]
	}
	return out
}
