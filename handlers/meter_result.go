package handlers

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
)

// Stap2Count is how many krachten and uitdagingen Stap 2 names: the manual's 5 each.
const Stap2Count = 5

// RankedStatement is a statement with its score and its place in the meter (0-based).
type RankedStatement struct {
	Statement content.Statement
	Area      string // the area's title
	Index     int
	Score     int
}

// Stap2Result is Stap 2 of the competentiemeter: the 5 highest scores (krachten) and the 5 lowest (uitdagingen).
// Ties are broken by the order of the meter; the statements left out with the same score as the last one chosen are
// listed in the Tied fields, so that nobody wonders why one statement was picked over another.
type Stap2Result struct {
	Krachten        []RankedStatement
	KrachtenTied    []RankedStatement // not chosen, with the same score as the last kracht
	Uitdagingen     []RankedStatement
	UitdagingenTied []RankedStatement // not chosen (nor a kracht), with the same score as the last uitdaging
}

// Stap2 ranks a measurement's answers: krachten are the Stap2Count highest scores, uitdagingen the Stap2Count
// lowest of the rest; between equal scores the statement that comes first in the meter goes first.
func Stap2(meter content.Meter, answers map[string]int) Stap2Result {
	var all []RankedStatement
	i := 0
	for _, a := range meter.Areas {
		for _, s := range a.Statements {
			if answers[s.ID] > 0 {
				all = append(all, RankedStatement{Statement: s, Area: a.Title, Index: i, Score: answers[s.ID]})
			}
			i++
		}
	}
	high := append([]RankedStatement(nil), all...)
	sort.SliceStable(high, func(i, j int) bool { return high[i].Score > high[j].Score })
	var res Stap2Result
	res.Krachten, res.KrachtenTied = pick(high, Stap2Count)
	chosen := map[string]bool{}
	for _, k := range res.Krachten {
		chosen[k.Statement.ID] = true
	}
	var low []RankedStatement
	for _, r := range all {
		if !chosen[r.Statement.ID] {
			low = append(low, r)
		}
	}
	sort.SliceStable(low, func(i, j int) bool { return low[i].Score < low[j].Score })
	res.Uitdagingen, res.UitdagingenTied = pick(low, Stap2Count)
	return res
}

// pick takes the first n of ranked and the rest that share the score of the last one taken.
func pick(ranked []RankedStatement, n int) (chosen, tied []RankedStatement) {
	if len(ranked) <= n {
		return ranked, nil
	}
	chosen = ranked[:n]
	for _, r := range ranked[n:] {
		if r.Score == chosen[n-1].Score {
			tied = append(tied, r)
		}
	}
	return chosen, tied
}

// ResultMessage is a finished measurement: thanks, Stap 2 with the manual's explanation, the tie rule, and the
// buttons for the development plan, sharing with the trainer and reopening (while that is allowed).
func (m *Meter) ResultMessage(ms content.Measurement, c *content.Cohort, answers map[string]int) (Message, error) {
	meter := m.deps.Course.Meter
	loc, err := c.Location()
	if err != nil {
		return Message{}, err
	}
	done := content.Fill(m.phrases.MeterDone, content.Vars{"meting": kindTitle(ms.Kind)})
	blocks := sections(done)
	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, sections("*"+meter.Stap2.Title+"*\n"+meter.Stap2.Text)...)
	r := Stap2(meter, answers)
	blocks = append(blocks, sections(rankedList(stap2Heading(meter, 0, m.phrases.MeterKrachten), r.Krachten, r.KrachtenTied, m))...)
	blocks = append(blocks, sections(rankedList(stap2Heading(meter, 1, m.phrases.MeterUitdagingen), r.Uitdagingen, r.UitdagingenTied, m))...)
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn(m.phrases.MeterTieRule)))

	var buttons []slack.BlockElement
	buttons = append(buttons, button(ActionMeterPlan, strconv.FormatInt(c.ID, 10), m.phrases.MeterPlanButton, true))
	if ms.SharedAt == nil {
		buttons = append(buttons, button(ActionMeterShare, strconv.FormatInt(ms.ID, 10), m.phrases.ButtonDeelMetTrainer, false))
	}
	until := reopenUntil(c, ms.Kind)
	if m.now().Before(until) {
		buttons = append(buttons, button(ActionMeterReopen, strconv.FormatInt(ms.ID, 10), m.phrases.MeterReopenButton, false))
	}
	blocks = append(blocks, slack.NewActionBlock("meter_result/"+strconv.FormatInt(ms.ID, 10), buttons...))
	var notes []string
	if ms.SharedAt != nil {
		notes = append(notes, content.Fill(m.phrases.MeterSharedOn, content.Vars{"datum": DutchDateTime(*ms.SharedAt, loc)}))
	} else {
		notes = append(notes, m.phrases.MeterPrivate)
	}
	if m.now().Before(until) {
		notes = append(notes, content.Fill(m.phrases.MeterReopenUntil, content.Vars{"datum": DutchDateTime(until, loc)}))
	}
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn(strings.Join(notes, " "))))
	return checkLimits(Message{Text: done, Blocks: blocks})
}

// stap2Heading returns the manual's name for Stap 2's i-th list ("Krachten", "Uitdagingen"), or def.
func stap2Heading(meter content.Meter, i int, def string) string {
	if i < len(meter.Stap2.Questions) && meter.Stap2.Questions[i] != "" {
		return meter.Stap2.Questions[i]
	}
	return def
}

// rankedList is a numbered list of statements with their score label, and the ties left out.
func rankedList(heading string, rs, tied []RankedStatement, m *Meter) string {
	lines := []string{"*" + heading + "*"}
	for n, r := range rs {
		lines = append(lines, fmt.Sprintf("%d. %s _(%s)_", n+1, escape(r.Statement.Text), m.scoreLabel(r.Score)))
	}
	if len(tied) > 0 {
		var names []string
		for _, r := range tied {
			names = append(names, strconv.Itoa(r.Index+1))
		}
		tiedText := content.Fill(m.phrases.MeterTied, content.Vars{"score": m.scoreLabel(tied[0].Score), "stellingen": joinDutch(names)})
		if len(names) == 1 {
			tiedText = content.Fill(m.phrases.MeterTiedOne, content.Vars{"score": m.scoreLabel(tied[0].Score), "stelling": names[0]})
		}
		lines = append(lines, tiedText)
	}
	return strings.Join(lines, "\n")
}

// scoreLabel returns "4 · Goed".
func (m *Meter) scoreLabel(v int) string {
	label, _ := m.deps.Course.Meter.Label(v)
	return fmt.Sprintf("%d · %s", v, label)
}

// Reopen handles "Heropenen" on a finished measurement, until the next module starts: the measurement opens for
// changes in a new round (buttons on older messages stop counting) and the message shows its first statement. A
// share with the trainer is withdrawn, and the message says so: "Delen met trainer" returns with the result.
func (m *Meter) Reopen(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	id, _, err := parseMeterValue(m.phrases, action.Value, 1)
	if err != nil {
		return Response{}, err
	}
	ms, c, err := m.ownMeasurement(ctx, id, cb.User.ID)
	if err != nil {
		return Response{}, fmt.Errorf("meter reopen: %w", err)
	}
	res, err := m.deps.Store.ReopenMeasurement(ctx, id, cb.User.ID, reopenUntil(c, ms.Kind))
	if err != nil {
		return Response{}, fmt.Errorf("meter reopen: %w", err)
	}
	if !res.Reopened {
		return Ephemeral(m.phrases.MeterAlreadyOpen), nil
	}
	ms = res.Measurement
	answers, err := m.deps.Store.MeterAnswers(ctx, ms.ID)
	if err != nil {
		return Response{}, fmt.Errorf("meter reopen: %w", err)
	}
	noted := m.phrases.MeterReopened
	if res.Withdrawn {
		// Consent covers the answers as they were when shared; the participant hears that it no longer holds.
		noted += "\n" + m.phrases.MeterShareWithdrawn
	}
	msg, err := m.QuestionMessage(ms, answers, 0, noted, false)
	if err != nil {
		return Response{}, fmt.Errorf("meter reopen: %w", err)
	}
	return Response{Reply: &Reply{Text: msg.Text, Blocks: msg.Blocks, ReplaceOriginal: true}}, nil
}

// Share handles "Delen met trainer": from now on the cohort's trainers may see this measurement's scores, as they are
// now, in their overview (unless that would give away someone else's answers, store.MeterFigures). The message
// shows that it is shared.
func (m *Meter) Share(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	id, _, err := parseMeterValue(m.phrases, action.Value, 1)
	if err != nil {
		return Response{}, err
	}
	ms, c, err := m.ownMeasurement(ctx, id, cb.User.ID)
	if err != nil {
		return Response{}, fmt.Errorf("meter share: %w", err)
	}
	if ms, err = m.deps.Store.ShareMeasurement(ctx, id, cb.User.ID); err != nil {
		return Response{}, fmt.Errorf("meter share: %w", err)
	}
	answers, err := m.deps.Store.MeterAnswers(ctx, ms.ID)
	if err != nil {
		return Response{}, fmt.Errorf("meter share: %w", err)
	}
	msg, err := m.ResultMessage(ms, c, answers)
	if err != nil {
		return Response{}, fmt.Errorf("meter share: %w", err)
	}
	// A share after group figures that include these answers may not be shown (store.MeterFigures): the participant
	// hears it now rather than finding out from the trainer.
	shown, err := m.deps.Store.MeterShareShown(ctx, ms.ID)
	if err != nil {
		return Response{}, fmt.Errorf("meter share: %w", err)
	}
	if cb.Message.Timestamp == "" {
		if !shown {
			return Ephemeral(m.phrases.MeterShared + " " + m.phrases.MeterShareNotShown), nil
		}
		return Ephemeral(m.phrases.MeterShared), nil
	}
	if !shown {
		msg.Blocks = append(msg.Blocks, slack.NewContextBlock("", mrkdwn(m.phrases.MeterShareNotShown)))
		if msg, err = checkLimits(msg); err != nil {
			return Response{}, fmt.Errorf("meter share: %w", err)
		}
	}
	return Response{Reply: &Reply{Text: msg.Text, Blocks: msg.Blocks, ReplaceOriginal: true}}, nil
}
