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

// Block and action ids of the development plan modal's inputs.
const (
	meterPlanPointsBlock = "ontwikkelpunten"
	meterPlanPointsInput = "ontwikkelpunten_tekst"
	meterPlanHowBlock    = "aanpak"
	meterPlanHowInput    = "aanpak_tekst"
)

// PlanModal is the development plan modal: Stap 3 (ontwikkelpunten) and Stap 4 (how, and with whom, you work on
// them), each with the manual's text and tips, and a field pre-filled with what was saved before. The cohort id
// travels in private_metadata.
func (m *Meter) PlanModal(cohortID int64, p store.DevelopmentPlan) slack.ModalViewRequest {
	meter := m.deps.Course.Meter
	var blocks []slack.Block
	blocks = append(blocks, sections("*"+meter.Stap3.Title+"*\n"+meter.Stap3.Text)...)
	blocks = append(blocks, sections(tipsText(meter.Stap3))...)
	points := slack.NewPlainTextInputBlockElement(plain(m.phrases.MeterPlanPointsHint), meterPlanPointsInput)
	points.Multiline = true
	points.MaxLength = content.MaxInputText
	points.InitialValue = p.Ontwikkelpunten
	blocks = append(blocks, slack.NewInputBlock(meterPlanPointsBlock, plain(m.phrases.MeterPlanPointsLabel), nil, points))
	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, sections("*"+meter.Stap4.Title+"*\n"+meter.Stap4.Text)...)
	blocks = append(blocks, sections(tipsText(meter.Stap4))...)
	how := slack.NewPlainTextInputBlockElement(plain(m.phrases.MeterPlanHowHint), meterPlanHowInput)
	how.Multiline = true
	how.MaxLength = content.MaxInputText
	how.InitialValue = p.Aanpak
	howBlock := slack.NewInputBlock(meterPlanHowBlock, plain(m.phrases.MeterPlanHowLabel), nil, how)
	howBlock.Optional = true
	blocks = append(blocks, howBlock)
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackMeterPlan,
		Title:           plain(m.phrases.MeterPlanTitle),
		Submit:          plain(m.phrases.ButtonBewaar),
		Close:           plain(m.phrases.ButtonAnnuleer),
		PrivateMetadata: strconv.FormatInt(cohortID, 10),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

// tipsText is a step's tips as a bulleted list under their title.
func tipsText(s content.Step) string {
	if len(s.Tips) == 0 {
		return ""
	}
	lines := []string{"*" + s.TipsTitle + "*"}
	for _, t := range s.Tips {
		lines = append(lines, "• "+strings.ReplaceAll(strings.TrimSpace(t), "\n", "\n   "))
	}
	return strings.Join(lines, "\n")
}

// OpenPlan handles the "Ontwikkelpunten" button (value: the cohort id): it opens the plan modal, filled with what
// the participant saved before.
func (m *Meter) OpenPlan(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	cohortID, err := strconv.ParseInt(action.Value, 10, 64)
	if err != nil {
		return Response{}, content.Errorf(content.EINVALID, "%s", m.phrases.MeterOldButton)
	}
	c, err := m.deps.Store.CohortByID(ctx, cohortID)
	if content.ErrorCode(err) == content.ENOTFOUND {
		return Response{}, content.Errorf(content.EFORBIDDEN, "%s", m.phrases.GateStranger)
	}
	if err != nil {
		return Response{}, fmt.Errorf("open plan: %w", err)
	}
	if err := m.checkParticipant(ctx, c, cb.User.ID, false); err != nil {
		return Response{}, err
	}
	p, err := m.deps.Store.DevelopmentPlanOf(ctx, cohortID, cb.User.ID)
	if err != nil && content.ErrorCode(err) != content.ENOTFOUND {
		return Response{}, fmt.Errorf("open plan: %w", err)
	}
	if _, err := m.deps.Slack.OpenView(ctx, cb.TriggerID, m.PlanModal(cohortID, p)); err != nil {
		return Response{}, fmt.Errorf("open plan: %w", err)
	}
	return Response{}, nil
}

// SavePlan handles the plan modal's submission: the ontwikkelpunten are required; the plan is saved (replacing an
// earlier one) before the ack, and a confirmation with a button to change it follows in the DM.
func (m *Meter) SavePlan(ctx context.Context, cb slack.InteractionCallback) (ViewResponse, error) {
	cohortID, err := strconv.ParseInt(cb.View.PrivateMetadata, 10, 64)
	if err != nil {
		return ViewResponse{}, content.Errorf(content.EINVALID, "%s", m.phrases.MeterOldButton)
	}
	c, err := m.deps.Store.CohortByID(ctx, cohortID)
	if content.ErrorCode(err) == content.ENOTFOUND {
		return ViewResponse{}, content.Errorf(content.EFORBIDDEN, "%s", m.phrases.GateStranger)
	}
	if err != nil {
		return ViewResponse{}, fmt.Errorf("save plan: %w", err)
	}
	if err := m.checkParticipant(ctx, c, cb.User.ID, false); err != nil {
		return ViewResponse{}, err
	}
	values := cb.View.State.Values
	points := strings.TrimSpace(values[meterPlanPointsBlock][meterPlanPointsInput].Value)
	how := strings.TrimSpace(values[meterPlanHowBlock][meterPlanHowInput].Value)
	if points == "" {
		return ViewErrors(map[string]string{meterPlanPointsBlock: m.phrases.MeterPlanEmpty}), nil
	}
	if _, err := m.deps.Store.SaveDevelopmentPlan(ctx, store.DevelopmentPlan{CohortID: cohortID, UserID: cb.User.ID,
		Ontwikkelpunten: points, Aanpak: how}); err != nil {
		return ViewResponse{}, fmt.Errorf("save plan: %w", err)
	}
	userID := cb.User.ID
	return ViewResponse{Later: func(ctx context.Context) error {
		msg := PlanSavedMessage(m.phrases, cohortID, points, how)
		_, _, err := m.deps.Slack.Post(ctx, userID, msg.Text, msg.Blocks)
		return err
	}}, nil
}

// PlanSavedMessage is the DM after the plan was saved: what was written, and a button to change it.
func PlanSavedMessage(phrases content.Phrases, cohortID int64, points, how string) Message {
	text := phrases.MeterPlanSaved
	body := "*" + phrases.MeterPlanPointsLabel + "*\n" + escape(points)
	if how != "" {
		body += "\n\n*" + phrases.MeterPlanHowLabel + "*\n" + escape(how)
	}
	blocks := sections(text)
	blocks = append(blocks, sections(body)...)
	blocks = append(blocks, slack.NewActionBlock("meter_plan/c"+strconv.FormatInt(cohortID, 10),
		button(ActionMeterPlan, strconv.FormatInt(cohortID, 10), phrases.MeterPlanEditButton, false)))
	return Message{Text: text, Blocks: blocks}
}
