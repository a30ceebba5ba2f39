package handlers

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

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
