package handlers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// QuestionMessage is one statement of a measurement: the area and the progress, the statement, the five score
// buttons with the scale's labels (the current answer marked), "Vorige", and "Afronden" once every statement has a
// score. noted, when set, confirms the answer just given; intro adds the measurement's introduction (the first
// message of a measurement).
func (m *Meter) QuestionMessage(ms content.Measurement, answers map[string]int, i int, noted string, intro bool) (Message, error) {
	meter := m.deps.Course.Meter
	st, area, ok := statementAt(meter, i)
	if !ok {
		return Message{}, fmt.Errorf("question: no statement %d", i)
	}
	var blocks []slack.Block
	if intro {
		head := m.phrases.VoormetingIntro
		if ms.Kind == content.MeterEindmeting {
			head = m.phrases.EindmetingIntro
		}
		head = content.Fill(head, content.Vars{"doel": strings.TrimSpace(meter.Purpose)})
		blocks = append(blocks, sections(head+"\n\n"+meter.Intro)...)
	}
	progress := content.Fill(m.phrases.MeterQuestion, content.Vars{
		"nummer": strconv.Itoa(i + 1), "totaal": strconv.Itoa(len(m.ids)), "gebied": area.Title,
	})
	answered := 0
	for _, id := range m.ids {
		if answers[id] > 0 {
			answered++
		}
	}
	blocks = append(blocks,
		slack.NewContextBlock("", mrkdwn(progress+" · "+content.Fill(m.phrases.MeterAnswered, content.Vars{"aantal": strconv.Itoa(answered), "totaal": strconv.Itoa(len(m.ids))}))),
		slack.NewSectionBlock(mrkdwn("*"+escape(st.Text)+"*"), nil, nil))
	var scores []slack.BlockElement
	for _, p := range meter.Scale {
		label := p.Label
		b := slack.NewButtonBlockElement(ActionMeterScore+":"+strconv.Itoa(p.Value),
			fmt.Sprintf("%d/%s/%d", ms.ID, st.ID, p.Value), nil)
		if answers[st.ID] == p.Value {
			label = "✓ " + label
			b = b.WithStyle(slack.StylePrimary)
		}
		b.Text = plain(fmt.Sprintf("%d · %s", p.Value, label))
		scores = append(scores, b)
	}
	blocks = append(blocks, slack.NewActionBlock(questionBlockID(ms.Round), scores...))
	var nav []slack.BlockElement
	if i > 0 {
		nav = append(nav, button(ActionMeterPrev, fmt.Sprintf("%d/%s", ms.ID, st.ID), m.phrases.ButtonVorige, false))
	}
	if answered == len(m.ids) {
		nav = append(nav, button(ActionMeterFinish, strconv.FormatInt(ms.ID, 10), m.phrases.MeterFinishButton, true))
	}
	if len(nav) > 0 {
		blocks = append(blocks, slack.NewActionBlock("meter_nav/r"+strconv.Itoa(ms.Round), nav...))
	}
	if noted != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(noted)))
	}
	return checkLimits(Message{Text: content.Fill(m.phrases.MeterQuestionFallback, content.Vars{"nummer": strconv.Itoa(i + 1), "totaal": strconv.Itoa(len(m.ids)), "stelling": st.Text}), Blocks: blocks})
}

// statementAt returns statement i of the meter (in order) and its area.
func statementAt(meter content.Meter, i int) (content.Statement, content.Area, bool) {
	n := 0
	for _, a := range meter.Areas {
		for _, s := range a.Statements {
			if n == i {
				return s, a, true
			}
			n++
		}
	}
	return content.Statement{}, content.Area{}, false
}

// Score handles a score button. The answer is committed before the ack; after the ack the message shows it and
// moves on to the next statement, or, when the measurement is complete, turns into its result (Stap 2). A click on a locked
// measurement, on a message of an earlier round, or on someone else's measurement changes nothing and says why;
// a double click on the last answer (the measurement was finished by the first) says nothing.
func (m *Meter) Score(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	id, rest, err := parseMeterValue(m.phrases, action.Value, 3)
	if err != nil {
		return Response{}, err
	}
	sid := rest[0]
	score, err := strconv.Atoi(rest[1])
	if err != nil {
		return Response{}, content.Errorf(content.EINVALID, "%s", m.phrases.MeterOldButton)
	}
	res, err := m.deps.Store.AnswerStatement(ctx, store.MeterAnswer{MeasurementID: id, UserID: cb.User.ID,
		Round: roundOf(action.BlockID), StatementID: sid, Score: score, Statements: m.ids})
	if errors.Is(err, store.ErrMeterLocked) {
		if answers, aerr := m.deps.Store.MeterAnswers(ctx, id); aerr == nil && answers[sid] == score {
			return Response{}, nil
		}
	}
	if errors.Is(err, store.ErrParticipantLeft) {
		// Rare, so the cohort is read only here: its name goes into the answer.
		ms, merr := m.deps.Store.MeasurementByID(ctx, id)
		if merr != nil {
			return Response{}, fmt.Errorf("meter score: %w", merr)
		}
		c, cerr := m.deps.Store.CohortByID(ctx, ms.CohortID)
		if cerr != nil {
			return Response{}, fmt.Errorf("meter score: %w", cerr)
		}
		return Response{}, m.leftError(c)
	}
	if err != nil {
		return Response{}, fmt.Errorf("meter score: %w", err)
	}
	if res.Finished {
		// Only the result needs the cohort; an answer on the way there is acked without reading it.
		c, err := m.deps.Store.CohortByID(ctx, res.Measurement.CohortID)
		if err != nil {
			return Response{}, fmt.Errorf("meter score: %w", err)
		}
		return m.finished(ctx, cb, res.Measurement, c, res.Answers)
	}
	// Only the commit has to happen before the ack: the next question goes to the response_url after it either
	// way, so it is rendered there, off the path that Slack's clock runs on.
	return Response{Later: func(context.Context) (*Reply, error) {
		label, _ := m.deps.Course.Meter.Label(score)
		at := slices.Index(m.ids, sid)
		noted := content.Fill(m.phrases.MeterNoted, content.Vars{"nummer": strconv.Itoa(at + 1), "antwoord": label})
		msg, err := m.QuestionMessage(res.Measurement, res.Answers, nextStatement(m.ids, res.Answers, at), noted, false)
		if err != nil {
			return nil, fmt.Errorf("meter score: %w", err)
		}
		return &Reply{Text: msg.Text, Blocks: msg.Blocks, ReplaceOriginal: true}, nil
	}}, nil
}

// Prev handles "Vorige": the message shows the statement before, with its answer marked. Nothing is written.
func (m *Meter) Prev(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	id, rest, err := parseMeterValue(m.phrases, action.Value, 2)
	if err != nil {
		return Response{}, err
	}
	ms, _, err := m.ownMeasurement(ctx, id, cb.User.ID)
	if err != nil {
		return Response{}, fmt.Errorf("meter previous: %w", err)
	}
	switch {
	case ms.Locked:
		return Response{}, store.ErrMeterLocked
	case roundOf(action.BlockID) != ms.Round:
		return Response{}, store.ErrMeterStale
	}
	answers, err := m.deps.Store.MeterAnswers(ctx, ms.ID)
	if err != nil {
		return Response{}, fmt.Errorf("meter previous: %w", err)
	}
	i := slices.Index(m.ids, rest[0]) - 1
	if i < 0 {
		i = 0
	}
	msg, err := m.QuestionMessage(ms, answers, i, "", false)
	if err != nil {
		return Response{}, fmt.Errorf("meter previous: %w", err)
	}
	return Response{Reply: &Reply{Text: msg.Text, Blocks: msg.Blocks, ReplaceOriginal: true}}, nil
}

// Finish handles "Afronden" on a reopened measurement whose statements all have a score: it is locked again and
// the message shows the result.
func (m *Meter) Finish(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	id, _, err := parseMeterValue(m.phrases, action.Value, 1)
	if err != nil {
		return Response{}, err
	}
	// Checked before anything is written: the measurement is theirs, and they are still in the group.
	if _, _, err := m.ownMeasurement(ctx, id, cb.User.ID); err != nil {
		return Response{}, fmt.Errorf("meter finish: %w", err)
	}
	ms, err := m.deps.Store.FinishMeasurement(ctx, id, cb.User.ID, roundOf(action.BlockID), m.ids)
	if errors.Is(err, store.ErrMeterLocked) {
		// A double click: the first one finished it.
		return Response{}, nil
	}
	if err != nil {
		return Response{}, fmt.Errorf("meter finish: %w", err)
	}
	c, err := m.deps.Store.CohortByID(ctx, ms.CohortID)
	if err != nil {
		return Response{}, fmt.Errorf("meter finish: %w", err)
	}
	answers, err := m.deps.Store.MeterAnswers(ctx, ms.ID)
	if err != nil {
		return Response{}, fmt.Errorf("meter finish: %w", err)
	}
	return m.finished(ctx, cb, ms, c, answers)
}

// finished replaces the question message with the measurement's result; after the eindmeting, the growth report
// and its chart follow in the DM after the ack.
func (m *Meter) finished(ctx context.Context, cb slack.InteractionCallback, ms content.Measurement, c *content.Cohort, answers map[string]int) (Response, error) {
	msg, err := m.ResultMessage(ms, c, answers)
	if err != nil {
		return Response{}, fmt.Errorf("meter result: %w", err)
	}
	res := Response{Reply: &Reply{Text: msg.Text, Blocks: msg.Blocks, ReplaceOriginal: true}}
	if ms.Kind == content.MeterEindmeting {
		userID := cb.User.ID
		res.Later = func(ctx context.Context) (*Reply, error) {
			return nil, m.sendGrowth(ctx, ms, userID)
		}
	}
	return res, nil
}
