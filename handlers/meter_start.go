package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
)

// Start handles the invitation's button (action_id "meter_start", value "voormeting" or "eindmeting", block_id
// made by ProgressBlockID with the cohort): the measurement is started (or found) and committed before the ack;
// the question where the participant left off, or the result of a finished measurement, follows as a new DM.
func (m *Meter) Start(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	kind := action.Value
	if kind != content.MeterVoormeting && kind != content.MeterEindmeting {
		return Response{}, content.Errorf(content.EINVALID, "%s", m.phrases.MeterOldButton)
	}
	var c *content.Cohort
	var err error
	if _, id, _, ok := parseProgressBlockID(action.BlockID); ok {
		c, err = m.deps.Store.CohortByID(ctx, id)
		if content.ErrorCode(err) == content.ENOTFOUND {
			// A cohort id no cohort has: as a stranger's click, nothing is started.
			return Response{}, content.Errorf(content.EFORBIDDEN, "%s", m.phrases.GateStranger)
		}
	} else {
		c, err = m.participantCohort(ctx, cb.User.ID, channelOf(cb))
	}
	if err != nil {
		return Response{}, fmt.Errorf("meter start: %w", err)
	}
	return m.begin(ctx, c, cb.User.ID, kind, "", false)
}

// Command handles /competentiemeter for a participant: it starts or resumes the measurement that is open now (the
// voormeting until module 4 starts, then the eindmeting), or shows the result of a finished one, in the DM.
func (m *Meter) Command(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	if word := strings.TrimSpace(cmd.Text); word != "" {
		return Ephemeral(content.Fill(m.phrases.MeterUsage, content.Vars{"commando": CommandMeter})), nil
	}
	c, err := m.participantCohort(ctx, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return Response{}, fmt.Errorf("meter command: %w", err)
	}
	note := ""
	if !strings.HasPrefix(cmd.ChannelID, "D") {
		note = m.phrases.MeterSentToDM
	}
	return m.begin(ctx, c, cmd.UserID, openKind(c, m.now()), note, cmd.ChannelID == c.Channel)
}

// begin starts (or finds) the measurement and posts it in the DM after the ack; note, when set, is the immediate
// answer. typed says the command was typed in the cohort's channel (see checkParticipant).
func (m *Meter) begin(ctx context.Context, c *content.Cohort, userID, kind, note string, typed bool) (Response, error) {
	if err := m.checkParticipant(ctx, c, userID, typed); err != nil {
		return Response{}, err
	}
	if kind == content.MeterEindmeting {
		if m4, ok := c.Module(4); ok && m.now().Before(m4.Start) {
			loc, _ := c.Location()
			return Ephemeral(content.Fill(m.phrases.MeterEindmetingLater, content.Vars{"datum": DutchDate(m4.Start, loc)})), nil
		}
	}
	ms, err := m.deps.Store.StartMeasurement(ctx, c.ID, userID, kind)
	if err != nil {
		return Response{}, fmt.Errorf("meter start: %w", err)
	}
	res := Response{Later: func(ctx context.Context) (*Reply, error) {
		return nil, m.postCurrent(ctx, ms, c, userID)
	}}
	if note != "" {
		res.Reply = &Reply{Text: note}
	}
	return res, nil
}
