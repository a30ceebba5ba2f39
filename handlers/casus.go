package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// CasusStore is what /casus reads and writes; *store.DB implements it.
type CasusStore interface {
	CohortByChannel(ctx context.Context, channel string) (*content.Cohort, error)
	CohortByID(ctx context.Context, id int64) (*content.Cohort, error)
	CaseCohortsOfUser(ctx context.Context, userID string) ([]int64, error)
	RevealNext(ctx context.Context, req store.RevealRequest) (store.RevealResult, error)
	SetRevealMessage(ctx context.Context, revealID int64, channelID, ts string) error
	UndoReveal(ctx context.Context, revealID int64) error
	CaseReveals(ctx context.Context, cohortID int64) ([]store.CaseReveal, error)
	RecordCaseCard(ctx context.Context, c store.CaseCard) (int64, error)
	CaseCards(ctx context.Context, cohortID int64) ([]store.CaseCard, error)
	ParticipationsOf(ctx context.Context, userID string) ([]content.Participation, error)
	Audit(ctx context.Context, e store.AuditEntry) error
}

// CasusSlack posts what /casus shares; cmd wires it to the bot's Poster (bot.Poster.Post with a bot.Message).
type CasusSlack interface {
	// Post posts a message in a channel, or in a user's DM with the bot when channel is a user ID, and returns the
	// conversation it landed in and its ts.
	Post(ctx context.Context, channel, text string, blocks []slack.Block) (channelID, ts string, err error)
}

// CasusDeps are what RegisterCasus needs.
type CasusDeps struct {
	Course *content.Course
	Store  CasusStore
	Slack  CasusSlack
	Log    *slog.Logger
	Now    func() time.Time // nil: time.Now
	// Gate decides who is a trainer or a member of a cohort; nil: a gate over Store without Slack.
	Gate *Gate
}

// Casus runs the casuïstiek: `/casus reveal` (or `/casus onthul`) shares the next stage of the cohort's cases in
// its channel, `/casus status` shows trainers where each case stands, `/casus rol` and `/casus acteur` hand out the
// private cards, and `/casus` alone lets anyone in the group read back every stage shared so far. AutoReveal is the
// scheduler's way in.
type Casus struct {
	deps    CasusDeps
	phrases content.Phrases
}

// Audit actions of the casuïstiek.
const (
	AuditCaseRevealed      = "case_revealed"
	AuditCaseRevealRepeat  = "case_reveal_repeat"
	AuditCaseRevealFailed  = "case_reveal_failed"
	AuditCaseRoleCardSent  = "case_role_card_sent"
	AuditCaseActorSent     = "case_actor_sent"
	AuditCaseStatus        = "case_status_viewed"
	AuditCaseReadBack      = "case_read_back"
	AuditCaseAutoRevealed  = "case_auto_revealed"
	casusBotActor          = "bot"
	casusPreviewCharacters = 280
)

// RegisterCasus registers /casus with all its subcommands and returns the handler, whose AutoReveal the scheduler's
// case_reveal delivery calls. One file per subcommand: casus_reveal.go (onthul/reveal, and AutoReveal),
// casus_status.go (status), casus_rol.go (rol, acteur), casus_readback.go (/casus alone, for participants);
// casus_stage.go renders a stage; this file holds the routing and what they share.
func RegisterCasus(r *Registry, deps CasusDeps) *Casus {
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Gate = defaultGate(deps.Gate, deps.Store); deps.Gate == nil {
		panic("handlers: RegisterCasus needs a gate")
	}
	c := &Casus{deps: deps, phrases: r.Phrases()}
	r.Command(CommandCasus, c.Command)
	// The help shows trainers their subcommands too.
	r.DeclareTrainerPart("command", CommandCasus)
	for _, sub := range []struct {
		word string
		h    func(ctx context.Context, cmd slack.SlashCommand, rest string) (Response, error)
	}{
		{"reveal", c.reveal}, {"onthul", c.reveal}, {"status", c.status}, {"rol", c.roleCard}, {"acteur", c.actor},
	} {
		h := sub.h
		r.TrainerCommand(CommandCasus+" "+sub.word, func(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
			_, rest, _ := strings.Cut(strings.TrimSpace(cmd.Text), " ")
			return h(ctx, cmd, strings.TrimSpace(rest))
		})
	}
	return c
}

func (c *Casus) now() time.Time {
	if c.deps.Now == nil {
		return time.Now()
	}
	return c.deps.Now()
}

// Command handles /casus alone (the read-back), its help, and words it does not know. The trainer subcommands
// (reveal or onthul, status, rol, acteur) are registered on their own, as trainer commands.
func (c *Casus) Command(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	sub, _, _ := strings.Cut(strings.TrimSpace(cmd.Text), " ")
	switch strings.ToLower(sub) {
	case "":
		return c.readBack(ctx, cmd)
	case "help", "hulp":
		return c.help(ctx, cmd, "")
	}
	return c.help(ctx, cmd, content.Fill(c.phrases.UnknownCommand, content.Vars{"commando": CommandCasus + " " + sub}))
}

// help shows what /casus does; trainers of the channel's cohort see their subcommands too.
func (c *Casus) help(ctx context.Context, cmd slack.SlashCommand, intro string) (Response, error) {
	trainer := false
	if co, err := c.deps.Store.CohortByChannel(ctx, cmd.ChannelID); err == nil {
		if trainer, err = c.deps.Gate.Trains(ctx, co, cmd.UserID); err != nil {
			return Response{}, fmt.Errorf("casus help: %w", err)
		}
	}
	var blocks []slack.Block
	var text []string
	if intro != "" {
		blocks = append(blocks, TextSections(intro)...)
		text = append(text, intro)
	}
	blocks = append(blocks, TextSections(c.phrases.CasusHelpParticipant)...)
	text = append(text, c.phrases.CasusHelpParticipant)
	if trainer {
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, TextSections(c.phrases.CasusHelpTrainer)...)
		text = append(text, c.phrases.CasusHelpTrainer)
	}
	return Response{Reply: &Reply{Text: strings.Join(text, "\n\n"), Blocks: blocks}}, nil
}

// trainerCohort returns the cohort of the channel the command was typed in when the gate knows the caller as one
// of its trainers; otherwise a refusal to show, with nothing written.
func (c *Casus) trainerCohort(ctx context.Context, cmd slack.SlashCommand, what string) (*content.Cohort, *Response, error) {
	co, err := c.deps.Store.CohortByChannel(ctx, cmd.ChannelID)
	if err != nil {
		return nil, nil, fmt.Errorf("casus %s: %w", what, err)
	}
	ok, err := c.deps.Gate.Trains(ctx, co, cmd.UserID)
	if err != nil {
		return nil, nil, fmt.Errorf("casus %s: %w", what, err)
	}
	if !ok {
		c.deps.Log.InfoContext(ctx, "trainer command refused", slog.String("command", CommandCasus+" "+what),
			slog.Int64("cohort_id", co.ID), slog.String("user_id", cmd.UserID))
		res := Ephemeral(c.phrases.NotTrainer + "\n" + c.phrases.CasusReaderHint)
		return nil, &res, nil
	}
	return co, nil, nil
}

// casusCase is one of a cohort's cases with the name variant it is played with.
type casusCase struct {
	c       *content.Case
	variant string
	title   string // "Casus 1: Johanna"
	stages  []content.Stage
}

// steps returns the stages a reveal goes through, in order: all but the actor background, which trainers fetch
// with /casus acteur.
func (cc casusCase) steps() []store.CaseStep {
	var out []store.CaseStep
	for _, s := range cc.stages {
		if s.Audience != content.StageTrainer {
			out = append(out, store.CaseStep{StageID: s.ID, Module: s.Module})
		}
	}
	return out
}

func (cc casusCase) stage(id string) (content.Stage, bool) {
	for _, s := range cc.stages {
		if s.ID == id {
			return s, true
		}
	}
	return content.Stage{}, false
}

// casusCases returns the cohort's cases in course order (Casus 1, 2, 3), or only the one filter names (a variant
// id, the case id or the client's name, in any case).
func (c *Casus) casusCases(co *content.Cohort, filter string) ([]casusCase, error) {
	var all []casusCase
	for _, v := range co.Cases {
		v = strings.ToLower(strings.TrimSpace(v))
		cs, ok := c.deps.Course.Case(content.CaseForVariant(v))
		if !ok {
			return nil, fmt.Errorf("cohort %d: the course has no case %q", co.ID, v)
		}
		stages, err := cs.Stages(v)
		if err != nil {
			return nil, fmt.Errorf("cohort %d: %w", co.ID, err)
		}
		title, err := cs.TitleFor(v)
		if err != nil {
			return nil, fmt.Errorf("cohort %d: %w", co.ID, err)
		}
		all = append(all, casusCase{c: cs, variant: v, title: title, stages: stages})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].title < all[j].title })
	filter = strings.ToLower(strings.TrimSpace(filter))
	if filter == "" {
		return all, nil
	}
	for _, cc := range all {
		if filter == cc.variant || filter == cc.c.ID {
			return []casusCase{cc}, nil
		}
		for _, v := range cc.c.Variants {
			if filter == v.ID || filter == strings.ToLower(v.Name) {
				return []casusCase{cc}, nil
			}
		}
	}
	names := make([]string, 0, len(all))
	for _, cc := range all {
		names = append(names, cc.variant)
	}
	return nil, content.Errorf(content.EINVALID, "%s", content.Fill(c.phrases.CasusUnknownCase,
		content.Vars{"casus": filter, "casussen": casusJoin(names)}))
}

func casusChannelRef(ch string) content.Markup {
	if strings.HasPrefix(ch, "#") {
		return content.Markup(content.Escape(ch))
	}
	return content.Markup("<#" + ch + ">")
}

func (c *Casus) audit(ctx context.Context, e store.AuditEntry) {
	if err := c.deps.Store.Audit(ctx, e); err != nil {
		c.deps.Log.ErrorContext(ctx, "audit failed", slog.String("action", e.Action), slog.Any("error", err))
	}
}

func casusDeref(r *Response) Response {
	if r == nil {
		return Response{}
	}
	return *r
}

// casusTime writes a moment as Dutch readers expect: "7-12-2026 10:00".
func casusTime(t time.Time, loc *time.Location) string { return t.In(loc).Format("2-1-2006 15:04") }

// casusJoin joins names as "a, b en c".
func casusJoin(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " en " + items[len(items)-1]
}
