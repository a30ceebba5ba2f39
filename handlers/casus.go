package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"sort"
	"strconv"
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
	ParticipationsOf(ctx context.Context, userID string) ([]store.Participation, error)
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
// case_reveal delivery calls.
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

// casusClaim is a stage RevealNext gave this command to post.
type casusClaim struct {
	cc     casusCase
	stage  content.Stage
	reveal store.CaseReveal
}

// reveal handles /casus reveal [case]: claims the next stage of each case in the store (the unique key decides,
// so a double submit posts once), then posts what it claimed after the ack.
func (c *Casus) reveal(ctx context.Context, cmd slack.SlashCommand, filter string) (Response, error) {
	co, refusal, err := c.trainerCohort(ctx, cmd, "reveal")
	if err != nil || refusal != nil {
		return casusDeref(refusal), err
	}
	cases, err := c.casusCases(co, filter)
	if err != nil {
		return Response{}, err
	}
	now := c.now()
	var claims []casusClaim
	var notes []string
	for _, cc := range cases {
		res, err := c.deps.Store.RevealNext(ctx, store.RevealRequest{CohortID: co.ID, CaseID: cc.c.ID, Variant: cc.variant,
			Steps: cc.steps(), By: cmd.UserID, At: now})
		if err != nil {
			c.undo(ctx, claims)
			return Response{}, fmt.Errorf("casus reveal: %w", err)
		}
		switch res.Outcome {
		case store.RevealNew:
			st, ok := cc.stage(res.Reveal.StageID)
			if !ok {
				c.undo(ctx, append(claims, casusClaim{reveal: res.Reveal}))
				return Response{}, fmt.Errorf("casus reveal: case %s has no stage %s", cc.c.ID, res.Reveal.StageID)
			}
			claims = append(claims, casusClaim{cc: cc, stage: st, reveal: res.Reveal})
		case store.RevealRepeat:
			notes = append(notes, content.Fill(c.phrases.CasusRepeat, content.Vars{"casus": cc.title}))
			c.audit(ctx, store.AuditEntry{CohortID: &co.ID, Actor: cmd.UserID, Action: AuditCaseRevealRepeat,
				Detail: map[string]any{"case": cc.c.ID, "stage": res.Reveal.StageID}})
		default:
			notes = append(notes, content.Fill(c.phrases.NothingToReveal, content.Vars{"casus": cc.title}))
		}
	}
	if len(claims) == 0 {
		return Ephemeral(strings.Join(notes, "\n")), nil
	}
	channel := cmd.ChannelID
	return Response{Later: func(ctx context.Context) (*Reply, error) {
		lines := c.post(ctx, co, channel, cmd.UserID, claims)
		return &Reply{Text: strings.Join(append(lines, notes...), "\n")}, nil
	}}, nil
}

// post posts each claimed stage in the channel and records its message; a stage whose post fails is released, so
// the next reveal tries it again. It returns a line per stage for whoever asked.
func (c *Casus) post(ctx context.Context, co *content.Cohort, channel, by string, claims []casusClaim) []string {
	var lines []string
	for _, cl := range claims {
		text, blocks := CaseStageMessage(c.phrases, cl.cc.title, cl.stage)
		if cl.stage.Audience == content.StageRole {
			// The role play: the observers fill in the module's Feedbackformulier for the gespreksvoerder.
			if b := FeedbackButton(c.deps.Course, co.ID, cl.stage.Module); b != nil {
				blocks = append(blocks, b)
			}
		}
		detail := map[string]any{"case": cl.cc.c.ID, "variant": cl.cc.variant, "stage": cl.stage.ID, "module": cl.stage.Module}
		ch, ts, err := c.deps.Slack.Post(ctx, channel, text, blocks)
		if err == nil {
			err = c.deps.Store.SetRevealMessage(ctx, cl.reveal.ID, ch, ts)
		}
		if err != nil {
			c.deps.Log.ErrorContext(ctx, "case reveal failed", slog.Int64("cohort_id", co.ID), slog.String("case", cl.cc.c.ID),
				slog.String("stage", cl.stage.ID), slog.Any("error", err))
			if ts == "" {
				if uerr := c.deps.Store.UndoReveal(context.WithoutCancel(ctx), cl.reveal.ID); uerr != nil {
					c.deps.Log.ErrorContext(ctx, "case reveal undo failed", slog.Int64("reveal_id", cl.reveal.ID), slog.Any("error", uerr))
				}
			}
			detail["error"] = err.Error()
			c.audit(ctx, store.AuditEntry{CohortID: &co.ID, Actor: by, Action: AuditCaseRevealFailed, Detail: detail})
			lines = append(lines, content.Fill(c.phrases.CasusPostFailed, content.Vars{"casus": cl.cc.title}))
			continue
		}
		detail["ts"] = ts
		c.audit(ctx, store.AuditEntry{CohortID: &co.ID, Actor: by, Action: AuditCaseRevealed, Detail: detail})
		lines = append(lines, content.Fill(c.phrases.CasusRevealed, content.Vars{
			"casus": cl.cc.title, "titel": cl.stage.Title, "module": strconv.Itoa(cl.stage.Module)}))
	}
	return lines
}

func (c *Casus) undo(ctx context.Context, claims []casusClaim) {
	for _, cl := range claims {
		if err := c.deps.Store.UndoReveal(context.WithoutCancel(ctx), cl.reveal.ID); err != nil {
			c.deps.Log.ErrorContext(ctx, "case reveal undo failed", slog.Int64("reveal_id", cl.reveal.ID), slog.Any("error", err))
		}
	}
}

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

// casusMentionRE matches a user mention as Slack sends it in a slash command's text: <@U123|name> with "escape
// channels, users, and links" on, <@U123> without a name.
var casusMentionRE = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// roleCard handles /casus rol @gebruiker ROL [case]: the role card goes by DM to that participant only.
func (c *Casus) roleCard(ctx context.Context, cmd slack.SlashCommand, args string) (Response, error) {
	co, refusal, err := c.trainerCohort(ctx, cmd, "rol")
	if err != nil || refusal != nil {
		return casusDeref(refusal), err
	}
	target := ""
	if m := casusMentionRE.FindStringSubmatch(args); m != nil {
		target = m[1]
	}
	// The role and the case may come in either order ("moeder johanna" or "johanna moeder"): a word that names a
	// role of the cohort's cases is the role, another word the case.
	all, err := c.casusCases(co, "")
	if err != nil {
		return Response{}, err
	}
	known := map[string]bool{}
	for _, cc := range all {
		for _, s := range cc.stages {
			if s.Audience == content.StageRole {
				known[strings.ToLower(s.Role)] = true
			}
		}
	}
	roleArg, caseArg := "", ""
	var other []string
	for _, w := range strings.Fields(casusMentionRE.ReplaceAllString(args, " ")) {
		if roleArg == "" && known[strings.ToLower(w)] {
			roleArg = w
			continue
		}
		other = append(other, w)
	}
	if roleArg == "" && len(other) > 0 {
		roleArg, other = other[0], other[1:]
	}
	if len(other) > 0 {
		caseArg = other[0]
	}
	cases, err := c.casusCases(co, caseArg)
	if err != nil {
		return Response{}, err
	}
	type option struct {
		cc    casusCase
		stage content.Stage
	}
	var options, matches []option
	var roles []string
	for _, cc := range cases {
		for _, s := range cc.stages {
			if s.Audience == content.StageRole {
				options = append(options, option{cc, s})
				roles = append(roles, s.Role)
				if strings.EqualFold(s.Role, roleArg) {
					matches = append(matches, option{cc, s})
				}
			}
		}
	}
	rollen := casusJoin(roles)
	switch {
	case target == "" || roleArg == "" || len(matches) > 1:
		return Ephemeral(content.Fill(c.phrases.CasusRoleUsage, content.Vars{"rollen": rollen})), nil
	case len(matches) == 0:
		return Ephemeral(content.Fill(c.phrases.CasusRoleUnknown, content.Vars{"rol": roleArg, "rollen": rollen})), nil
	}
	if who, err := c.deps.Gate.Member(ctx, co, target); err != nil {
		return Response{}, fmt.Errorf("casus rol: %w", err)
	} else if who == Left {
		return Ephemeral(content.Fill(c.phrases.CasusRoleLeft, content.Vars{"naam": content.Markup("<@" + target + ">")})), nil
	}
	m := matches[0]
	by := cmd.UserID
	return Response{Later: func(ctx context.Context) (*Reply, error) {
		text, blocks := RoleCardMessage(c.phrases, m.cc.title, m.stage)
		if err := c.sendCard(ctx, co, m.cc, m.stage, target, by, text, blocks); err != nil {
			return nil, err
		}
		return &Reply{Text: content.Fill(c.phrases.CasusRoleSent, content.Vars{
			"rol": m.stage.Role, "casus": m.cc.title, "naam": mention(target)})}, nil
	}}, nil
}

// actor handles /casus acteur [case]: the actor background of each case (or the named one) goes by DM to the
// trainer who asks.
func (c *Casus) actor(ctx context.Context, cmd slack.SlashCommand, filter string) (Response, error) {
	co, refusal, err := c.trainerCohort(ctx, cmd, "acteur")
	if err != nil || refusal != nil {
		return casusDeref(refusal), err
	}
	cases, err := c.casusCases(co, filter)
	if err != nil {
		return Response{}, err
	}
	by := cmd.UserID
	return Response{Later: func(ctx context.Context) (*Reply, error) {
		var lines []string
		for _, cc := range cases {
			for _, s := range cc.stages {
				if s.Audience != content.StageTrainer {
					continue
				}
				text, blocks := ActorMessage(c.phrases, cc.title, s)
				if err := c.sendCard(ctx, co, cc, s, by, by, text, blocks); err != nil {
					return nil, err
				}
				lines = append(lines, content.Fill(c.phrases.CasusActorSent, content.Vars{"casus": cc.title}))
			}
		}
		return &Reply{Text: strings.Join(lines, "\n")}, nil
	}}, nil
}

// sendCard posts a card by DM to userID and records it.
func (c *Casus) sendCard(ctx context.Context, co *content.Cohort, cc casusCase, s content.Stage, userID, by, text string, blocks []slack.Block) error {
	ch, ts, err := c.deps.Slack.Post(ctx, userID, text, blocks)
	if err != nil {
		return fmt.Errorf("casus card %s/%s to %s: %w", cc.c.ID, s.ID, userID, err)
	}
	now := c.now()
	if _, err := c.deps.Store.RecordCaseCard(ctx, store.CaseCard{CohortID: co.ID, CaseID: cc.c.ID, Variant: cc.variant,
		StageID: s.ID, Role: s.Role, UserID: userID, SentBy: by, SentAt: now, ChannelID: ch, TS: ts}); err != nil {
		return fmt.Errorf("casus card: %w", err)
	}
	action := AuditCaseRoleCardSent
	if s.Audience == content.StageTrainer {
		action = AuditCaseActorSent
	}
	c.audit(ctx, store.AuditEntry{CohortID: &co.ID, Actor: by, UserID: userID, Action: action,
		Detail: map[string]any{"case": cc.c.ID, "variant": cc.variant, "stage": s.ID, "role": s.Role, "ts": ts}})
	return nil
}

// readBack handles /casus without arguments: every stage shared so far in the caller's group, so that someone who
// joined late or missed a module can catch up. In the group's channel that is the channel's cohort; elsewhere the
// cohorts the caller takes part in. What fits one message is shown to the caller only; more goes by DM.
func (c *Casus) readBack(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	var cohorts []*content.Cohort
	co, err := c.deps.Store.CohortByChannel(ctx, cmd.ChannelID)
	switch {
	case err == nil:
		// Typed in the channel, so the caller is in it; unless the bot recorded them as gone.
		who, err := c.deps.Gate.Member(ctx, co, cmd.UserID)
		if err != nil {
			return Response{}, fmt.Errorf("casus read back: %w", err)
		}
		if who == Left {
			return Ephemeral(content.Fill(c.phrases.GateLeft, content.Vars{"cohort": co.Name})), nil
		}
		cohorts = append(cohorts, co)
	case content.ErrorCode(err) == content.ENOTFOUND:
		if cohorts, err = c.userCohorts(ctx, cmd.UserID); err != nil {
			return Response{}, fmt.Errorf("casus read back: %w", err)
		}
	default:
		return Response{}, fmt.Errorf("casus read back: %w", err)
	}
	if len(cohorts) == 0 {
		left, err := leftCohort(ctx, c.deps.Store, cmd.UserID)
		if err != nil {
			return Response{}, fmt.Errorf("casus read back: %w", err)
		}
		if left != nil {
			return Ephemeral(content.Fill(c.phrases.GateLeft, content.Vars{"cohort": left.Name})), nil
		}
		return Ephemeral(c.phrases.CasusNoTraining), nil
	}
	var msgs [][]slack.Block
	for _, co := range cohorts {
		stages, err := c.revealedStages(ctx, co)
		if err != nil {
			return Response{}, err
		}
		msgs = append(msgs, revealedStagesMessages(c.phrases, co.Name, stages)...)
		c.audit(ctx, store.AuditEntry{CohortID: &co.ID, Actor: cmd.UserID, UserID: cmd.UserID, Action: AuditCaseReadBack,
			Detail: map[string]any{"stages": len(stages)}})
	}
	text := content.Fill(c.phrases.CasusRevealedHeading, content.Vars{"cohort": cohorts[0].Name})
	if len(msgs) == 1 {
		return Response{Reply: &Reply{Text: casusFirstLine(text), Blocks: msgs[0]}}, nil
	}
	user := cmd.UserID
	return Response{Later: func(ctx context.Context) (*Reply, error) {
		for _, m := range msgs {
			if _, _, err := c.deps.Slack.Post(ctx, user, casusFirstLine(text), m); err != nil {
				return nil, fmt.Errorf("casus read back by DM: %w", err)
			}
		}
		return &Reply{Text: c.phrases.CasusSentAsDM}, nil
	}}, nil
}

// userCohorts returns the cohorts userID takes part in (not left) or trains, oldest first.
func (c *Casus) userCohorts(ctx context.Context, userID string) ([]*content.Cohort, error) {
	ids, err := c.deps.Store.CaseCohortsOfUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	// Trainers a cohort still lists by e-mail address are found (and resolved) by the gate.
	trained, err := c.deps.Gate.TrainedCohorts(ctx, userID)
	if err != nil {
		return nil, err
	}
	for _, t := range trained {
		if !slices.Contains(ids, t.ID) {
			ids = append(ids, t.ID)
		}
	}
	slices.Sort(ids)
	out := make([]*content.Cohort, 0, len(ids))
	for _, id := range ids {
		co, err := c.deps.Store.CohortByID(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, co)
	}
	return out, nil
}

// participationStore finds the cohorts a person took part in.
type participationStore interface {
	CohortByID(ctx context.Context, id int64) (*content.Cohort, error)
	ParticipationsOf(ctx context.Context, userID string) ([]store.Participation, error)
}

// leftCohort returns the newest cohort whose channel userID left, for someone in no cohort any more: they are
// told why they no longer see its course data. nil when they never left one.
func leftCohort(ctx context.Context, st participationStore, userID string) (*content.Cohort, error) {
	ps, err := st.ParticipationsOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	for i := len(ps) - 1; i >= 0; i-- {
		if ps[i].Left() {
			return st.CohortByID(ctx, ps[i].CohortID)
		}
	}
	return nil, nil
}

// revealedStages returns the stages posted in a cohort's channel so far.
func (c *Casus) revealedStages(ctx context.Context, co *content.Cohort) ([]RevealedStage, error) {
	reveals, err := c.deps.Store.CaseReveals(ctx, co.ID)
	if err != nil {
		return nil, fmt.Errorf("revealed stages: %w", err)
	}
	loc, err := co.Location()
	if err != nil {
		return nil, fmt.Errorf("revealed stages: %w", err)
	}
	return RevealedStages(c.deps.Course, reveals, loc)
}

// RevealedStagesFor returns the stages posted so far in a cohort, for the App Home: pass them to
// RevealedStagesBlocks with the cohort's name.
func (c *Casus) RevealedStagesFor(ctx context.Context, cohortID int64) (*content.Cohort, []RevealedStage, error) {
	co, err := c.deps.Store.CohortByID(ctx, cohortID)
	if err != nil {
		return nil, nil, fmt.Errorf("revealed stages: %w", err)
	}
	stages, err := c.revealedStages(ctx, co)
	return co, stages, err
}

// AutoRevealed is one stage the automatic reveal posted.
type AutoRevealed struct {
	CaseID  string
	StageID string
	Channel string
	TS      string
}

// AutoReveal is the scheduler's reveal between modules (schedule rule kind case_reveal, planned only for cohorts
// with auto_reveal on): after module afterModule it posts in the cohort's channel, case by case, every stage of
// module afterModule+1 or earlier that is not revealed yet, each as its own message, and tells the cohort's
// trainers by DM what went out. A stage a trainer already revealed is not posted again, and no stage of a later
// module is posted early. It returns what it posted; nothing (and no error) when nothing was due.
func (c *Casus) AutoReveal(ctx context.Context, cohortID int64, afterModule int) ([]AutoRevealed, error) {
	co, err := c.deps.Store.CohortByID(ctx, cohortID)
	if err != nil {
		return nil, fmt.Errorf("auto reveal: %w", err)
	}
	if !co.Settings.AutoReveal {
		return nil, nil
	}
	cases, err := c.casusCases(co, "")
	if err != nil {
		return nil, fmt.Errorf("auto reveal: %w", err)
	}
	var claims []casusClaim
	for _, cc := range cases {
		for {
			res, err := c.deps.Store.RevealNext(ctx, store.RevealRequest{CohortID: co.ID, CaseID: cc.c.ID, Variant: cc.variant,
				Steps: cc.steps(), MaxModule: afterModule + 1, By: casusBotActor, At: c.now(), Catchup: true})
			if err != nil {
				c.undo(ctx, claims)
				return nil, fmt.Errorf("auto reveal: %w", err)
			}
			if res.Outcome != store.RevealNew {
				break
			}
			st, ok := cc.stage(res.Reveal.StageID)
			if !ok {
				c.undo(ctx, append(claims, casusClaim{reveal: res.Reveal}))
				return nil, fmt.Errorf("auto reveal: case %s has no stage %s", cc.c.ID, res.Reveal.StageID)
			}
			claims = append(claims, casusClaim{cc: cc, stage: st, reveal: res.Reveal})
		}
	}
	if len(claims) == 0 {
		return nil, nil
	}
	lines := c.post(ctx, co, co.Channel, casusBotActor, claims)
	var out []AutoRevealed
	reveals, err := c.deps.Store.CaseReveals(ctx, co.ID)
	if err != nil {
		return nil, fmt.Errorf("auto reveal: %w", err)
	}
	for _, cl := range claims {
		for _, r := range reveals {
			if r.ID == cl.reveal.ID && r.TS != nil && r.ChannelID != nil {
				out = append(out, AutoRevealed{CaseID: r.CaseID, StageID: r.StageID, Channel: *r.ChannelID, TS: *r.TS})
			}
		}
	}
	c.audit(ctx, store.AuditEntry{CohortID: &co.ID, Actor: casusBotActor, Action: AuditCaseAutoRevealed,
		Detail: map[string]any{"after_module": afterModule, "posted": len(out), "claimed": len(claims)}})
	note := content.Fill(c.phrases.CasusAutoRevealed, content.Vars{"kanaal": casusChannelRef(co.Channel),
		"stappen": content.Markup("• " + strings.Join(lines, "\n• "))})
	for _, t := range co.Trainers {
		if !content.IsUserRef(t) || content.IsEmail(t) {
			continue
		}
		if _, _, err := c.deps.Slack.Post(ctx, t, casusFirstLine(note), TextSections(note)); err != nil {
			// The stages are out; a trainer who misses the note still sees them in the channel and in /casus status.
			c.deps.Log.WarnContext(ctx, "auto reveal note to trainer failed", slog.Int64("cohort_id", co.ID), slog.String("user_id", t), slog.Any("error", err))
		}
	}
	return out, nil
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
