package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

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
