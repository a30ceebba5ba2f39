package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// MinGroup is the fewest finished measurements for which trainers see group averages: fewer would let them work out
// one person's scores.
const MinGroup = 3

// MeterOverview is what a trainer sees of a cohort's competentiemeter: completion per measurement, group averages
// (only from MinGroup finished measurements on), and the scores of participants who shared them.
type MeterOverview struct {
	Kinds  []KindOverview
	Shared []SharedScores // per participant and measurement they shared, by user id
	Plans  int            // participants with a development plan
	Total  int            // participants
}

// KindOverview is the state of one measurement (voormeting or eindmeting) in a cohort.
type KindOverview struct {
	Kind       string
	Done       []string // user ids
	Busy       []string
	Answered   map[string]int // user id -> statements answered, for Busy
	NotStarted []string
	// Averages are nil when fewer than MinGroup finished.
	AreaAverages      []AreaGrowth       // Voor holds the average; Na is unused
	StatementAverages map[string]float64 // by statement id
}

// SharedScores are one participant's scores of one measurement they chose to share.
type SharedScores struct {
	UserID string
	Kind   string
	Scores map[string]int
}

// BuildMeterOverview computes the overview from the cohort's records; trainers are left out.
func BuildMeterOverview(meter content.Meter, recs []store.MeterRecord, trainers []string) MeterOverview {
	var o MeterOverview
	var people []store.MeterRecord
	for _, r := range recs {
		if !slices.Contains(trainers, r.UserID) {
			people = append(people, r)
		}
	}
	o.Total = len(people)
	for _, kind := range meterKinds {
		k := KindOverview{Kind: kind, Answered: map[string]int{}}
		var finished []map[string]int
		for _, r := range people {
			ms, ok := r.Measurements[kind]
			switch {
			case !ok:
				k.NotStarted = append(k.NotStarted, r.UserID)
			case ms.Finished():
				k.Done = append(k.Done, r.UserID)
				finished = append(finished, r.Scores[kind])
				if ms.SharedAt != nil {
					o.Shared = append(o.Shared, SharedScores{UserID: r.UserID, Kind: kind, Scores: r.Scores[kind]})
				}
			default:
				k.Busy = append(k.Busy, r.UserID)
				k.Answered[r.UserID] = len(r.Scores[kind])
			}
		}
		if len(finished) >= MinGroup {
			k.StatementAverages = map[string]float64{}
			for _, a := range meter.Areas {
				sum, n := 0, 0
				for _, s := range a.Statements {
					ssum := 0
					for _, f := range finished {
						ssum += f[s.ID]
						sum += f[s.ID]
						n++
					}
					k.StatementAverages[s.ID] = float64(ssum) / float64(len(finished))
				}
				k.AreaAverages = append(k.AreaAverages, AreaGrowth{Area: a.Title, Voor: float64(sum) / float64(n)})
			}
		}
		o.Kinds = append(o.Kinds, k)
	}
	for _, r := range people {
		if r.HasPlan {
			o.Plans++
		}
	}
	return o
}

// Overview handles `/competentiemeter overzicht`, for the trainers of the channel's cohort: who has and has not
// finished each measurement, the group's averages where at least MinGroup finished, the scores participants shared;
// the CSV export follows in the trainer's DM.
func (m *Meter) Overview(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	c, err := m.trainerCohort(ctx, cmd)
	if err != nil {
		return Response{}, fmt.Errorf("meter overview: %w", err)
	}
	recs, err := m.deps.Store.CohortMeter(ctx, c.ID)
	if err != nil {
		return Response{}, fmt.Errorf("meter overview: %w", err)
	}
	meter := m.deps.Course.Meter
	o := BuildMeterOverview(meter, recs, c.Trainers)
	msg, err := m.OverviewMessage(c, o)
	if err != nil {
		return Response{}, fmt.Errorf("meter overview: %w", err)
	}
	trainer := cmd.UserID
	return Response{
		Reply: &Reply{Text: msg.Text, Blocks: msg.Blocks},
		Later: func(ctx context.Context) (*Reply, error) {
			data, err := MeterCSV(meter, o)
			if err != nil {
				return nil, err
			}
			dm, err := m.deps.Slack.OpenDM(ctx, trainer)
			if err != nil {
				return nil, fmt.Errorf("meter export: %w", err)
			}
			name := "competentiemeter-" + fileSafe(c.Name) + ".csv"
			if _, err := m.deps.Slack.UploadFile(ctx, dm, name, content.Fill(m.phrases.MeterCSVTitle, map[string]string{"cohort": c.Name}), data); err != nil {
				return nil, fmt.Errorf("meter export: %w", err)
			}
			return nil, nil
		},
	}, nil
}

// trainerCohort finds the cohort of the overview: the channel's, or in a DM the one cohort the caller trains; and
// checks that the caller trains it.
func (m *Meter) trainerCohort(ctx context.Context, cmd slack.SlashCommand) (*content.Cohort, error) {
	c, err := m.deps.Store.CohortByChannel(ctx, cmd.ChannelID)
	if err != nil && content.ErrorCode(err) != content.ENOTFOUND {
		return nil, err
	}
	if err != nil {
		ids, err := m.deps.Store.CaseCohortsOfUser(ctx, cmd.UserID)
		if err != nil {
			return nil, err
		}
		var trained []*content.Cohort
		for _, id := range ids {
			co, err := m.deps.Store.CohortByID(ctx, id)
			if err != nil {
				return nil, err
			}
			if slices.Contains(co.Trainers, cmd.UserID) {
				trained = append(trained, co)
			}
		}
		if len(trained) != 1 {
			return nil, content.Errorf(content.EINVALID, "%s", m.phrases.MeterOverviewNoCohort)
		}
		c = trained[0]
	}
	if !slices.Contains(c.Trainers, cmd.UserID) {
		return nil, content.Errorf(content.EFORBIDDEN, "%s", m.phrases.NotTrainer)
	}
	return c, nil
}

// OverviewMessage is the trainer's overview as an ephemeral message.
func (m *Meter) OverviewMessage(c *content.Cohort, o MeterOverview) (Message, error) {
	meter := m.deps.Course.Meter
	head := content.Fill(m.phrases.MeterOverviewHeading, map[string]string{"cohort": escape(c.Name)})
	blocks := sections(head)
	for _, k := range o.Kinds {
		lines := []string{content.Fill(m.phrases.MeterOverviewKind, map[string]string{"meting": capitalize(kindTitle(k.Kind)), "aantal": strconv.Itoa(len(k.Done)), "totaal": strconv.Itoa(o.Total)})}
		lines = append(lines, content.Fill(m.phrases.MeterOverviewDone, map[string]string{"namen": mentions(m.phrases, k.Done, nil)}))
		if len(k.Busy) > 0 {
			lines = append(lines, content.Fill(m.phrases.MeterOverviewBusy, map[string]string{"namen": mentions(m.phrases, k.Busy, func(u string) string {
				return fmt.Sprintf(" (%d/%d)", k.Answered[u], len(m.ids))
			})}))
		}
		lines = append(lines, content.Fill(m.phrases.MeterOverviewNotYet, map[string]string{"namen": mentions(m.phrases, k.NotStarted, nil)}))
		blocks = append(blocks, sections(strings.Join(lines, "\n"))...)
		if k.AreaAverages == nil {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(content.Fill(m.phrases.MeterOverviewTooFew, map[string]string{"aantal": strconv.Itoa(MinGroup), "meting": kindTitle(k.Kind)}))))
			continue
		}
		group := []string{content.Fill(m.phrases.MeterOverviewGroup, map[string]string{"meting": kindTitle(k.Kind), "aantal": strconv.Itoa(len(k.Done))})}
		for i, a := range k.AreaAverages {
			group = append(group, fmt.Sprintf("• *%s*: %s", a.Area, dutchNumber(a.Voor)))
			for _, s := range meter.Areas[i].Statements {
				group = append(group, fmt.Sprintf("   %s  %s", dutchNumber(k.StatementAverages[s.ID]), escape(s.Text)))
			}
		}
		blocks = append(blocks, sections(strings.Join(group, "\n"))...)
	}
	if len(o.Shared) == 0 {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(m.phrases.MeterOverviewNoShared)))
	} else {
		lines := []string{m.phrases.MeterOverviewShared}
		for _, s := range o.Shared {
			var parts []string
			for _, a := range meter.Areas {
				parts = append(parts, a.Title+" "+dutchNumber(average(a.Statements, s.Scores)))
			}
			lines = append(lines, fmt.Sprintf("• <@%s>, %s: %s", s.UserID, kindTitle(s.Kind), strings.Join(parts, " · ")))
		}
		blocks = append(blocks, sections(strings.Join(lines, "\n"))...)
	}
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn(content.Fill(m.phrases.MeterOverviewPlans, map[string]string{"aantal": strconv.Itoa(o.Plans), "totaal": strconv.Itoa(o.Total)})+" "+m.phrases.MeterOverviewCSV)))
	return checkLimits(Message{Text: firstLine(head), Blocks: blocks})
}

// MeterCSV is the overview as a CSV file for a spreadsheet (";"-separated, decimal comma, UTF-8 with a byte order
// mark so that Excel reads the accents): one row per participant and measurement with its status, and the scores
// only of measurements the participant shared; then the group averages of measurements with at least MinGroup
// finished.
func MeterCSV(meter content.Meter, o MeterOverview) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	header := []string{"meting", "deelnemer", "status", "beantwoord", "gedeeld"}
	for _, a := range meter.Areas {
		header = append(header, a.Title)
	}
	for _, s := range meter.Statements() {
		header = append(header, s.ID)
	}
	rows := [][]string{header}
	shared := map[string]map[string]int{}
	for _, s := range o.Shared {
		shared[s.Kind+"/"+s.UserID] = s.Scores
	}
	cols := len(meter.Areas) + len(meter.Statements())
	for _, k := range o.Kinds {
		add := func(users []string, status string, answered func(string) string) {
			for _, u := range users {
				row := []string{k.Kind, u, status, answered(u), "nee"}
				scores, ok := shared[k.Kind+"/"+u]
				if !ok {
					rows = append(rows, append(row, make([]string, cols)...))
					continue
				}
				row[4] = "ja"
				for _, a := range meter.Areas {
					row = append(row, csvNumber(average(a.Statements, scores)))
				}
				for _, s := range meter.Statements() {
					row = append(row, fmt.Sprint(scores[s.ID]))
				}
				rows = append(rows, row)
			}
		}
		all := fmt.Sprint(len(meter.Statements()))
		add(k.Done, "afgerond", func(string) string { return all })
		add(k.Busy, "bezig", func(u string) string { return fmt.Sprint(k.Answered[u]) })
		add(k.NotStarted, "niet begonnen", func(string) string { return "0" })
		if k.AreaAverages != nil {
			row := []string{k.Kind, "groepsgemiddelde", fmt.Sprintf("%d afgerond", len(k.Done)), "", ""}
			for _, a := range k.AreaAverages {
				row = append(row, csvNumber(a.Voor))
			}
			for _, s := range meter.Statements() {
				row = append(row, csvNumber(k.StatementAverages[s.ID]))
			}
			rows = append(rows, row)
		}
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, fmt.Errorf("meter csv: %w", err)
	}
	return buf.Bytes(), nil
}

func csvNumber(v float64) string {
	return strings.Replace(fmt.Sprintf("%.2f", v), ".", ",", 1)
}

// mentions lists users as Slack mentions, each with an optional suffix; "Nog niemand" when empty.
func mentions(phrases content.Phrases, users []string, suffix func(string) string) string {
	if len(users) == 0 {
		return phrases.MeterOverviewNobody
	}
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = "<@" + u + ">"
		if suffix != nil {
			out[i] += suffix(u)
		}
	}
	return strings.Join(out, ", ")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// fileSafe turns a cohort name into a file name part: lower case, letters and digits, "-" between words.
func fileSafe(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
