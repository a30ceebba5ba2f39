package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
)

// StillLowScore is the highest eindmeting score that still counts as low ("Een beetje").
const StillLowScore = 2

// AreaGrowth is one area's average score before and after.
type AreaGrowth struct {
	Area string
	Voor float64 // average of the voormeting's scores in the area; 0 when none
	Na   float64
}

// StatementGrowth is one statement's score before and after.
type StatementGrowth struct {
	Statement content.Statement
	Area      string
	Voor, Na  int // 0: not answered
}

// Delta is the growth in points (na − voor); 0 when either is missing.
func (g StatementGrowth) Delta() int {
	if g.Voor == 0 || g.Na == 0 {
		return 0
	}
	return g.Na - g.Voor
}

// GrowthReport compares a participant's voormeting and eindmeting.
type GrowthReport struct {
	Areas      []AreaGrowth
	Statements []StatementGrowth // in the meter's order
	Biggest    []StatementGrowth // the statements that grew most (all with the same, positive, growth)
	StillLow   []StatementGrowth // eindmeting score ≤ StillLowScore
}

// Growth computes the growth report from the voormeting's and the eindmeting's answers.
func Growth(meter content.Meter, voor, na map[string]int) GrowthReport {
	var r GrowthReport
	best := 0
	for _, a := range meter.Areas {
		ag := AreaGrowth{Area: a.Title, Voor: average(a.Statements, voor), Na: average(a.Statements, na)}
		r.Areas = append(r.Areas, ag)
		for _, s := range a.Statements {
			g := StatementGrowth{Statement: s, Area: a.Title, Voor: voor[s.ID], Na: na[s.ID]}
			r.Statements = append(r.Statements, g)
			if d := g.Delta(); d > best {
				best = d
			}
		}
	}
	for _, g := range r.Statements {
		if best > 0 && g.Delta() == best {
			r.Biggest = append(r.Biggest, g)
		}
		if g.Na > 0 && g.Na <= StillLowScore {
			r.StillLow = append(r.StillLow, g)
		}
	}
	return r
}

func average(ss []content.Statement, scores map[string]int) float64 {
	sum, n := 0, 0
	for _, s := range ss {
		if v := scores[s.ID]; v > 0 {
			sum += v
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
}

// GrowthMessage is the text version of the growth report: per area the averages before and after, per statement
// voor → na, the biggest growth and what is still low.
func (m *Meter) GrowthMessage(r GrowthReport) (Message, error) {
	blocks := sections(m.phrases.GrowthReport)
	var areaLines []string
	for _, a := range r.Areas {
		areaLines = append(areaLines, content.Fill(m.phrases.MeterAreaLine, content.Vars{"gebied": a.Area, "voor": dutchNumber(a.Voor), "na": dutchNumber(a.Na), "verschil": signed(a.Na - a.Voor)}))
	}
	blocks = append(blocks, sections("*"+m.phrases.MeterPerArea+"*\n"+strings.Join(areaLines, "\n"))...)
	for _, a := range r.Areas {
		lines := []string{"*" + a.Area + "*"}
		for _, g := range r.Statements {
			if g.Area != a.Area {
				continue
			}
			lines = append(lines, content.Fill(m.phrases.MeterStatementLine, content.Vars{"voor": scoreOrDash(g.Voor), "na": scoreOrDash(g.Na), "stelling": g.Statement.Text}))
		}
		blocks = append(blocks, sections(strings.Join(lines, "\n"))...)
	}
	biggest := m.phrases.MeterNoGrowth
	if len(r.Biggest) > 0 {
		var lines []string
		for _, g := range r.Biggest {
			lines = append(lines, fmt.Sprintf("• %s _(%d → %d)_", escape(g.Statement.Text), g.Voor, g.Na))
		}
		biggest = strings.Join(lines, "\n")
	}
	blocks = append(blocks, sections("*"+m.phrases.MeterBiggest+"*\n"+biggest)...)
	low := m.phrases.MeterNothingLow
	if len(r.StillLow) > 0 {
		var lines []string
		for _, g := range r.StillLow {
			lines = append(lines, fmt.Sprintf("• %s _(%s)_", escape(g.Statement.Text), m.scoreLabel(g.Na)))
		}
		low = strings.Join(lines, "\n")
	}
	blocks = append(blocks, sections("*"+m.phrases.MeterStillLow+"*\n"+low)...)
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn(m.phrases.MeterChartNote)))
	return checkLimits(Message{Text: firstLine(m.phrases.GrowthReport), Blocks: blocks})
}

// sendGrowth posts the growth report after a finished eindmeting, with the chart as a PNG beside it. Without a
// finished voormeting there is nothing to compare: the participant is told so.
func (m *Meter) sendGrowth(ctx context.Context, na content.Measurement, userID string) error {
	voorM, err := m.deps.Store.MeasurementOf(ctx, na.CohortID, userID, content.MeterVoormeting)
	if err != nil && content.ErrorCode(err) != content.ENOTFOUND {
		return fmt.Errorf("growth: %w", err)
	}
	if err != nil || !voorM.Finished() {
		_, _, err := m.deps.Slack.Post(ctx, userID, m.phrases.MeterNoVoormeting, sections(m.phrases.MeterNoVoormeting))
		return err
	}
	voor, err := m.deps.Store.MeterAnswers(ctx, voorM.ID)
	if err != nil {
		return fmt.Errorf("growth: %w", err)
	}
	after, err := m.deps.Store.MeterAnswers(ctx, na.ID)
	if err != nil {
		return fmt.Errorf("growth: %w", err)
	}
	report := Growth(m.deps.Course.Meter, voor, after)
	msg, err := m.GrowthMessage(report)
	if err != nil {
		return fmt.Errorf("growth: %w", err)
	}
	channel, _, err := m.deps.Slack.Post(ctx, userID, msg.Text, msg.Blocks)
	if err != nil {
		return fmt.Errorf("growth: %w", err)
	}
	png, err := GrowthChart(m.phrases, report)
	if err != nil {
		return fmt.Errorf("growth: %w", err)
	}
	if _, err := m.deps.Slack.UploadFile(ctx, channel, "competentiemeter-groei.png", m.phrases.MeterChartTitle, png); err != nil {
		return fmt.Errorf("growth: upload chart: %w", err)
	}
	return nil
}

// dutchNumber writes an average with one decimal and a decimal comma: "3,5".
func dutchNumber(v float64) string {
	if v == 0 {
		return "–"
	}
	return strings.Replace(fmt.Sprintf("%.1f", v), ".", ",", 1)
}

// signed writes a change with its sign: "+0,5", "−0,3", "0".
func signed(v float64) string {
	switch s := fmt.Sprintf("%.1f", v); {
	case s == "0.0" || s == "-0.0":
		return "0"
	case v > 0:
		return "+" + strings.Replace(s, ".", ",", 1)
	default:
		return "−" + strings.Replace(s[1:], ".", ",", 1)
	}
}

func scoreOrDash(v int) string {
	if v == 0 {
		return "–"
	}
	return fmt.Sprint(v)
}
