package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// MeterOverview is what a trainer sees of a cohort's competentiemeter: completion per measurement, and the group
// figures and shared scores the store decided trainers may see (store.MeterFigures).
type MeterOverview struct {
	Kinds []KindOverview
	Plans int      // participants with a development plan
	Total int      // participants
	Left  []string // participants who left the channel, by user id (set by the caller)
}

// KindOverview is the state of one measurement (voormeting or eindmeting) in a cohort.
type KindOverview struct {
	Kind       string
	Done       []string // user ids
	Busy       []string
	Answered   map[string]int // user id -> statements answered, for Busy
	NotStarted []string
	Figures    store.MeterFigures
}

// BuildMeterOverview computes the overview from the cohort's records, trainers left out, and the figures of each
// measurement kind (in the order of meterKinds; missing: none).
func BuildMeterOverview(recs []store.MeterRecord, trainers []string, figures []store.MeterFigures) MeterOverview {
	var o MeterOverview
	var people []store.MeterRecord
	for _, r := range recs {
		if !slices.Contains(trainers, r.UserID) {
			people = append(people, r)
		}
	}
	o.Total = len(people)
	for _, kind := range meterKinds {
		k := KindOverview{Kind: kind, Answered: map[string]int{}, Figures: store.MeterFigures{Kind: kind, Hidden: store.FiguresTooFew}}
		for _, f := range figures {
			if f.Kind == kind {
				k.Figures = f
			}
		}
		for _, r := range people {
			ms, ok := r.Measurements[kind]
			switch {
			case !ok:
				k.NotStarted = append(k.NotStarted, r.UserID)
			case ms.Finished():
				k.Done = append(k.Done, r.UserID)
			default:
				k.Busy = append(k.Busy, r.UserID)
				k.Answered[r.UserID] = len(r.Scores[kind])
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
// finished each measurement, the group figures and the scores participants shared as far as trainers may see them
// (store.MeterFigures, which records them as seen); the CSV export of the same follows in the trainer's DM.
func (m *Meter) Overview(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	c, err := m.trainerCohort(ctx, cmd)
	if err != nil {
		return Response{}, fmt.Errorf("meter overview: %w", err)
	}
	recs, err := m.deps.Store.CohortMeter(ctx, c.ID)
	if err != nil {
		return Response{}, fmt.Errorf("meter overview: %w", err)
	}
	var figures []store.MeterFigures
	for _, kind := range meterKinds {
		f, err := m.deps.Store.MeterFigures(ctx, c.ID, kind)
		if err != nil {
			return Response{}, fmt.Errorf("meter overview: %w", err)
		}
		figures = append(figures, f)
	}
	o := BuildMeterOverview(recs, c.Trainers, figures)
	if o.Left, err = m.deps.Store.LeftParticipants(ctx, c.ID); err != nil {
		return Response{}, fmt.Errorf("meter overview: %w", err)
	}
	msg, err := m.OverviewMessage(c, o)
	if err != nil {
		return Response{}, fmt.Errorf("meter overview: %w", err)
	}
	meter := m.deps.Course.Meter
	trainer := cmd.UserID
	return Response{
		Reply: &Reply{Text: msg.Text, Blocks: msg.Blocks},
		Later: func(ctx context.Context) (*Reply, error) {
			loc, err := c.Location()
			if err != nil {
				return nil, fmt.Errorf("meter export: %w", err)
			}
			data, err := MeterCSV(meter, m.phrases, loc, o)
			if err != nil {
				return nil, err
			}
			dm, err := m.deps.Slack.OpenDM(ctx, trainer)
			if err != nil {
				return nil, fmt.Errorf("meter export: %w", err)
			}
			name := "competentiemeter-" + fileSafe(c.Name) + ".csv"
			if _, err := m.deps.Slack.UploadFile(ctx, dm, name, content.FillPlain(m.phrases.MeterCSVTitle, content.Vars{"cohort": c.Name}), data); err != nil {
				return nil, fmt.Errorf("meter export: %w", err)
			}
			return nil, nil
		},
	}, nil
}

// trainerCohort finds the cohort of the overview: the channel's, or in a DM the one cohort the caller trains; and
// checks with the gate that the caller trains it.
func (m *Meter) trainerCohort(ctx context.Context, cmd slack.SlashCommand) (*content.Cohort, error) {
	c, err := m.deps.Store.CohortByChannel(ctx, cmd.ChannelID)
	if err != nil && content.ErrorCode(err) != content.ENOTFOUND {
		return nil, err
	}
	if err != nil {
		trained, err := m.deps.Gate.TrainedCohorts(ctx, cmd.UserID)
		if err != nil {
			return nil, err
		}
		if len(trained) != 1 {
			return nil, content.Errorf(content.EINVALID, "%s", m.phrases.MeterOverviewNoCohort)
		}
		return trained[0], nil
	}
	ok, err := m.deps.Gate.Trains(ctx, c, cmd.UserID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, content.Errorf(content.EFORBIDDEN, "%s", m.phrases.NotTrainer)
	}
	return c, nil
}

// OverviewMessage is the trainer's overview as an ephemeral message.
func (m *Meter) OverviewMessage(c *content.Cohort, o MeterOverview) (Message, error) {
	meter := m.deps.Course.Meter
	loc, err := c.Location()
	if err != nil {
		return Message{}, err
	}
	head := content.Fill(m.phrases.MeterOverviewHeading, content.Vars{"cohort": c.Name})
	blocks := sections(head)
	var shared []string
	var withheld []string
	// Someone who left the channel is marked wherever they are named.
	leftMark := func(u string) string {
		if slices.Contains(o.Left, u) {
			return m.phrases.MeterOverviewLeftMark
		}
		return ""
	}
	for _, k := range o.Kinds {
		lines := []string{content.Fill(m.phrases.MeterOverviewKind, content.Vars{"meting": capitalize(kindTitle(k.Kind)), "aantal": strconv.Itoa(len(k.Done)), "totaal": strconv.Itoa(o.Total)})}
		lines = append(lines, content.Fill(m.phrases.MeterOverviewDone, content.Vars{"namen": mentions(m.phrases, k.Done, leftMark)}))
		if len(k.Busy) > 0 {
			lines = append(lines, content.Fill(m.phrases.MeterOverviewBusy, content.Vars{"namen": mentions(m.phrases, k.Busy, func(u string) string {
				return fmt.Sprintf(" (%d/%d)", k.Answered[u], len(m.ids)) + leftMark(u)
			})}))
		}
		lines = append(lines, content.Fill(m.phrases.MeterOverviewNotYet, content.Vars{"namen": mentions(m.phrases, k.NotStarted, leftMark)}))
		blocks = append(blocks, sections(strings.Join(lines, "\n"))...)
		f := k.Figures
		for _, s := range f.Shared {
			var parts []string
			for _, a := range meter.Areas {
				parts = append(parts, a.Title+" "+dutchNumber(average(a.Statements, s.Scores)))
			}
			shared = append(shared, fmt.Sprintf("• <@%s>, %s: %s", s.UserID, kindTitle(k.Kind), strings.Join(parts, " · ")))
		}
		for _, s := range f.Withheld {
			withheld = append(withheld, content.Fill(m.phrases.MeterOverviewWithheld, content.Vars{"deelnemer": s.UserID, "meting": kindTitle(k.Kind)}))
		}
		if f.Snapshot == nil {
			note := content.Fill(m.phrases.MeterOverviewTooFew, content.Vars{"aantal": strconv.Itoa(store.MinGroup), "meting": kindTitle(k.Kind)})
			if f.Hidden == store.FiguresUnseen {
				note = content.Fill(m.phrases.MeterOverviewUnseen, content.Vars{"aantal": strconv.Itoa(f.Unseen), "meting": kindTitle(k.Kind), "minimum": strconv.Itoa(store.MinGroup)})
			}
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(note)))
			continue
		}
		snap := *f.Snapshot
		group := []string{content.Fill(m.phrases.MeterOverviewGroup, content.Vars{"meting": kindTitle(k.Kind), "aantal": strconv.Itoa(snap.Members), "datum": DutchDateTime(snap.TakenAt, loc)})}
		for _, a := range meter.Areas {
			ids := statementIDs(a.Statements)
			group = append(group, fmt.Sprintf("• *%s*: %s", a.Title, dutchNumber(snap.Average(ids...))))
			for _, s := range a.Statements {
				group = append(group, fmt.Sprintf("   %s  %s", dutchNumber(snap.Average(s.ID)), escape(s.Text)))
			}
		}
		blocks = append(blocks, sections(strings.Join(group, "\n"))...)
		if note := m.staleNote(f, loc); note != "" {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(note)))
		}
	}
	if len(shared) == 0 {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(m.phrases.MeterOverviewNoShared)))
	} else {
		blocks = append(blocks, sections(strings.Join(append([]string{m.phrases.MeterOverviewShared}, shared...), "\n"))...)
	}
	if len(withheld) > 0 {
		blocks = append(blocks, sections(strings.Join(withheld, "\n"))...)
	}
	if len(o.Left) > 0 {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(content.Fill(m.phrases.MeterOverviewLeft, content.Vars{"namen": mentions(m.phrases, o.Left, nil)}))))
	}
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn(content.Fill(m.phrases.MeterOverviewPlans, content.Vars{"aantal": strconv.Itoa(o.Plans), "totaal": strconv.Itoa(o.Total)})+" "+m.phrases.MeterOverviewCSV)))
	return checkLimits(Message{Text: firstLine(head), Blocks: blocks})
}

// staleNote says why group figures are not those of the answers as they are now; "" when they are.
func (m *Meter) staleNote(f store.MeterFigures, loc *time.Location) string {
	if f.Snapshot == nil || f.Current {
		return ""
	}
	date := DutchDateTime(f.Snapshot.TakenAt, loc)
	if f.Pending > 0 {
		return content.Fill(m.phrases.MeterOverviewPending, content.Vars{"datum": date,
			"minimum": strconv.Itoa(store.MinChange), "aantal": strconv.Itoa(store.MinChange - f.Pending)})
	}
	return content.Fill(m.phrases.MeterOverviewBlocked, content.Vars{"datum": date})
}

// statementIDs returns the ids of statements.
func statementIDs(ss []content.Statement) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.ID
	}
	return out
}

// MeterCSV is the overview as a CSV file for a spreadsheet (";"-separated, decimal comma, one decimal, UTF-8 with a
// byte order mark so that Excel reads the accents): one row per participant and measurement with its status, and
// the scores only of measurements whose sharing covers the answers as they are and that trainers may see; then the
// group figures under the same rules as the overview, dated.
func MeterCSV(meter content.Meter, phrases content.Phrases, loc *time.Location, o MeterOverview) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	header := []string{phrases.MeterCSVColMeting, phrases.MeterCSVColDeelnemer, phrases.MeterCSVColStatus,
		phrases.MeterCSVColBeantwoord, phrases.MeterCSVColGedeeld}
	for _, a := range meter.Areas {
		header = append(header, a.Title)
	}
	for _, s := range meter.Statements() {
		header = append(header, s.ID)
	}
	rows := [][]string{header}
	cols := len(meter.Areas) + len(meter.Statements())
	for _, k := range o.Kinds {
		shared := map[string]map[string]int{}
		for _, s := range k.Figures.Shared {
			shared[s.UserID] = s.Scores
		}
		withheld := map[string]bool{}
		for _, s := range k.Figures.Withheld {
			withheld[s.UserID] = true
		}
		add := func(users []string, status string, answered func(string) string) {
			for _, u := range users {
				row := []string{k.Kind, u, status, answered(u), phrases.MeterCSVNo}
				scores, ok := shared[u]
				if !ok {
					if withheld[u] {
						row[4] = phrases.MeterCSVWithheld
					}
					rows = append(rows, append(row, make([]string, cols)...))
					continue
				}
				row[4] = phrases.MeterCSVYes
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
		add(k.Done, phrases.MeterCSVDone, func(string) string { return all })
		add(k.Busy, phrases.MeterCSVBusy, func(u string) string { return fmt.Sprint(k.Answered[u]) })
		add(k.NotStarted, phrases.MeterCSVNotStarted, func(string) string { return "0" })
		if snap := k.Figures.Snapshot; snap != nil {
			row := []string{k.Kind, phrases.MeterCSVGroup, content.FillPlain(phrases.MeterCSVGroupStatus, content.Vars{
				"aantal": strconv.Itoa(snap.Members), "datum": DutchDateTime(snap.TakenAt, loc)}), "", ""}
			for _, a := range meter.Areas {
				row = append(row, csvNumber(snap.Average(statementIDs(a.Statements)...)))
			}
			for _, s := range meter.Statements() {
				row = append(row, csvNumber(snap.Average(s.ID)))
			}
			rows = append(rows, row)
		}
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, fmt.Errorf("meter csv: %w", err)
	}
	return buf.Bytes(), nil
}

// csvNumber writes a figure with one decimal and a decimal comma, as everywhere figures are shown.
func csvNumber(v float64) string {
	return strings.Replace(fmt.Sprintf("%.1f", v), ".", ",", 1)
}

// mentions lists users as Slack mentions, each with an optional suffix; "Nog niemand" when empty.
func mentions(phrases content.Phrases, users []string, suffix func(string) string) content.Markup {
	if len(users) == 0 {
		return content.Markup(phrases.MeterOverviewNobody)
	}
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = "<@" + u + ">"
		if suffix != nil {
			out[i] += suffix(u)
		}
	}
	return content.Markup(strings.Join(out, ", "))
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
