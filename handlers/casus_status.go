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

// status handles /casus status: per case what was shared, when and by whom, the cards handed out, and what comes
// next with a preview and what the manual tells the trainer about it (the stage's trainer note). Only the trainer
// sees it.
func (c *Casus) status(ctx context.Context, cmd slack.SlashCommand, _ string) (Response, error) {
	co, refusal, err := c.trainerCohort(ctx, cmd, "status")
	if err != nil || refusal != nil {
		return casusDeref(refusal), err
	}
	cases, err := c.casusCases(co, "")
	if err != nil {
		return Response{}, err
	}
	reveals, err := c.deps.Store.CaseReveals(ctx, co.ID)
	if err != nil {
		return Response{}, fmt.Errorf("casus status: %w", err)
	}
	cards, err := c.deps.Store.CaseCards(ctx, co.ID)
	if err != nil {
		return Response{}, fmt.Errorf("casus status: %w", err)
	}
	loc, err := co.Location()
	if err != nil {
		return Response{}, fmt.Errorf("casus status: %w", err)
	}
	c.audit(ctx, store.AuditEntry{CohortID: &co.ID, Actor: cmd.UserID, Action: AuditCaseStatus})
	head := content.Fill(c.phrases.CasusStatusHeading, content.Vars{"cohort": co.Name})
	blocks := TextSections(head)
	texts := []string{head}
	for _, cc := range cases {
		done := map[string]bool{}
		lines := []string{"*" + cc.title + "*"}
		for _, r := range reveals {
			if r.CaseID != cc.c.ID {
				continue
			}
			done[r.StageID] = true
			title := r.StageID
			if st, ok := cc.stage(r.StageID); ok {
				title = st.Title
			}
			lines = append(lines, content.Fill(c.phrases.CasusStatusRevealed, content.Vars{
				"titel": title, "module": strconv.Itoa(r.Module), "datum": casusTime(r.RevealedAt, loc), "naam": c.who(r.RevealedBy)}))
		}
		for _, card := range cards {
			if card.CaseID != cc.c.ID {
				continue
			}
			title := card.StageID
			if st, ok := cc.stage(card.StageID); ok {
				title = st.Title
			}
			lines = append(lines, content.Fill(c.phrases.CasusStatusCard, content.Vars{
				"titel": title, "naam": mention(card.UserID), "datum": casusTime(card.SentAt, loc), "door": c.who(card.SentBy)}))
		}
		next := ""
		for _, s := range cc.steps() {
			if !done[s.StageID] {
				next = s.StageID
				break
			}
		}
		if st, ok := cc.stage(next); ok {
			lines = append(lines, content.Fill(c.phrases.CasusStatusNext, content.Vars{"titel": st.Title, "module": strconv.Itoa(st.Module)}))
			lines = append(lines, "> "+strings.ReplaceAll(casusClip(strings.TrimSpace(previewText(c.phrases, st)), casusPreviewCharacters), "\n", "\n> "))
			if note := strings.TrimSpace(st.TrainerNote); note != "" {
				lines = append(lines, c.phrases.CasusStatusTrainerNote+" "+note)
			}
		} else {
			lines = append(lines, c.phrases.CasusStatusDone)
		}
		text := strings.Join(lines, "\n")
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, TextSections(text)...)
		texts = append(texts, text)
	}
	return Response{Reply: &Reply{Text: strings.Join(texts, "\n\n"), Blocks: blocks}}, nil
}

// previewText is the start of what the channel will read of a stage.
func previewText(p content.Phrases, s content.Stage) string {
	if s.Audience == content.StageRole {
		return p.CasusRoleNote + "\n" + s.Assignment
	}
	return s.Text
}

func (c *Casus) who(actor string) content.Markup {
	switch actor {
	case casusBotActor:
		return content.Markup(content.Escape(c.phrases.CasusBotName))
	case store.ErasedActor:
		// A trainer who had their data erased: the stage stays the group's, without their name.
		return content.Markup(content.Escape(c.phrases.CasusErasedActor))
	}
	return mention(actor)
}
