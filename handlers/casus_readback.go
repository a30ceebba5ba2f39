package handlers

import (
	"context"
	"fmt"
	"slices"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

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
	ParticipationsOf(ctx context.Context, userID string) ([]content.Participation, error)
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
