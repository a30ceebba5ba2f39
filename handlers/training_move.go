package handlers

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// trainingMoveListed is how many re-planned messages the verzet answer lists one by one.
const trainingMoveListed = 20

// Move handles `/training verzet <module> <datum> <tijd>`: module n starts at the new moment and keeps its length;
// the new dates are checked like a cohort file (not in the past, after the module before, before the module after,
// no overlap); then the training is saved and re-planned in one transaction — what was sent or missed keeps its
// time and key, what is still pending moves. The trainer is told what changed; the group is told in the channel.
func (t *Training) Move(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	c, refusal, err := t.trainerCohort(ctx, cmd)
	if err != nil || refusal != nil {
		return Response{Reply: refusal}, err
	}
	loc, err := c.Location()
	if err != nil {
		return Response{}, fmt.Errorf("training verzet: %w", err)
	}
	now := t.deps.Now().In(loc)
	args := strings.Fields(cmd.Text)
	if len(args) > 0 && strings.EqualFold(args[0], TrainingVerzet) {
		args = args[1:]
	}
	mv, problem := ParseTrainingMove(t.phrases, args, now)
	if problem != "" {
		return Ephemeral(problem), nil
	}
	m, ok := c.Module(mv.Module)
	if !ok {
		return Ephemeral(content.Fill(t.phrases.TrainingMoveBadModule, content.Vars{"module": strconv.Itoa(mv.Module)})), nil
	}
	if !m.Start.After(now) {
		return Ephemeral(content.Fill(t.phrases.TrainingMoveStarted, content.Vars{"module": strconv.Itoa(mv.Module)})), nil
	}
	start := time.Date(mv.Year, mv.Month, mv.Day, mv.Hour, mv.Minute, 0, 0, loc)
	vars := content.Vars{"module": strconv.Itoa(mv.Module), "datum": trainingDate(start), "tijd": start.Format("15:04")}
	invalid := func(reason string) Response {
		// The reason is one of the bot's own phrases, filled already.
		vars["reden"] = content.Markup(reason)
		return Ephemeral(content.Fill(t.phrases.TrainingMoveInvalid, vars))
	}
	if start.Hour() != mv.Hour || start.Minute() != mv.Minute || start.Day() != mv.Day {
		vars["tijd"] = fmt.Sprintf("%02d:%02d", mv.Hour, mv.Minute)
		return invalid(t.phrases.TrainingMoveNoDay), nil
	}
	if start.Equal(m.Start) {
		return Ephemeral(content.Fill(t.phrases.TrainingMoveSame, vars)), nil
	}
	if !start.After(now) {
		return invalid(t.phrases.TrainingMovePast), nil
	}
	end := start.Add(m.End.Sub(m.Start))
	if reason := trainingMoveConflict(t.phrases, c, mv.Module, start, end); reason != "" {
		return invalid(reason), nil
	}

	moved := *c
	moved.Modules = append([]content.CohortModule(nil), c.Modules...)
	if err := moved.MoveModule(mv.Module, start); err != nil {
		return Response{}, fmt.Errorf("training verzet: %w", err)
	}
	// Modules before now are the running course's own history: only the moved module must lie ahead.
	if err := moved.Validate(now, true); err != nil {
		return invalid(t.phrases.TrainingMoveInvalidAny), nil
	}

	before, err := t.deps.Store.Deliveries(ctx, c.ID)
	if err != nil {
		return Response{}, fmt.Errorf("training verzet: %w", err)
	}
	res, err := t.deps.Store.ApplyCohort(ctx, &moved, t.planner())
	if err != nil {
		return Response{}, fmt.Errorf("training verzet: %w", err)
	}
	after, err := t.deps.Store.Deliveries(ctx, c.ID)
	if err != nil {
		return Response{}, fmt.Errorf("training verzet: %w", err)
	}
	id := c.ID
	t.audit(ctx, store.AuditEntry{CohortID: &id, Actor: cmd.UserID, Action: "module_moved", Detail: map[string]any{
		"module": mv.Module, "from_start": m.Start, "from_end": m.End, "to_start": start, "to_end": end,
		"added": res.Added, "updated": res.Updated, "kept": res.Kept, "cancelled": res.Cancelled,
	}})
	t.kick()

	old := *m
	newModule := content.CohortModule{Number: mv.Module, Start: start, End: end, Location: m.Location}
	reply := TrainingMovedReply(t.phrases, t.moduleTitle(mv.Module), old, newModule, res, before, after, loc)
	announce := content.Fill(t.phrases.ModuleMoved, content.Vars{
		"module": strconv.Itoa(mv.Module), "titel": t.moduleTitle(mv.Module), "datum": trainingDate(start),
		"tijd": start.Format("15:04"), "plaats": m.Location,
	})
	if strings.TrimSpace(announce) == "" {
		return Response{Reply: reply}, nil
	}
	reply.Text += "\n\n" + t.phrases.TrainingMovedTold
	reply.Blocks = append(reply.Blocks, TextSections(t.phrases.TrainingMovedTold)...)
	// The group hears it in the channel after the trainer's answer (the response_url takes an in_channel post).
	return Response{Reply: reply, Later: func(context.Context) (*Reply, error) {
		return &Reply{Text: announce, Blocks: TextSections(announce), InChannel: true}, nil
	}}, nil
}

// trainingMoveConflict says, in Dutch, why module n cannot take place from start to end between its neighbours;
// "" when it can.
func trainingMoveConflict(phrases content.Phrases, c *content.Cohort, n int, start, end time.Time) string {
	other := func(format string, k int) string {
		return content.Fill(format, content.Vars{"ander": strconv.Itoa(k)})
	}
	if prev, ok := c.Module(n - 1); ok {
		if !start.After(prev.Start) {
			return other(phrases.TrainingMoveBefore, n-1)
		}
		if start.Before(prev.End) {
			return other(phrases.TrainingMoveOverlap, n-1)
		}
	}
	if next, ok := c.Module(n + 1); ok {
		if !next.Start.After(start) {
			return other(phrases.TrainingMoveAfter, n+1)
		}
		if next.Start.Before(end) {
			return other(phrases.TrainingMoveOverlap, n+1)
		}
	}
	return ""
}

// TrainingMovedReply tells the trainer what a move changed: the module's old and new moment, each pending message
// that got a new moment (old → new), and how many were added, cancelled or kept as they were.
func TrainingMovedReply(phrases content.Phrases, title string, from, to content.CohortModule, res store.PlanResult, before, after []content.Delivery, loc *time.Location) *Reply {
	in := func(t time.Time) time.Time {
		if loc != nil {
			return t.In(loc)
		}
		return t
	}
	when := func(m content.CohortModule) string {
		m.Start, m.End = in(m.Start), in(m.End)
		s := trainingModuleWhen(m)
		if m.Location != "" {
			s += " · " + m.Location
		}
		return s
	}
	var b strings.Builder
	b.WriteString(content.Fill(phrases.TrainingMoved, content.Vars{
		"module": strconv.Itoa(to.Number), "titel": title, "van": when(from), "naar": when(to),
	}))

	was := map[string]time.Time{}
	for _, d := range before {
		was[d.Key] = d.DueAt
	}
	var changed []string
	for _, d := range after {
		prev, ok := was[d.Key]
		if !ok || d.Recipient != "" || d.Status != store.StatusPending || prev.Equal(d.DueAt) {
			continue
		}
		changed = append(changed, fmt.Sprintf("• %s: %s → *%s*", trainingTitleOrKind(d), trainingShortDate(in(prev)), trainingShortDate(in(d.DueAt))))
	}
	b.WriteString("\n\n")
	if len(changed) == 0 {
		b.WriteString(phrases.TrainingMovedUnchanged)
	} else {
		b.WriteString(trainingCount(len(changed), phrases.TrainingMovedChanged1, phrases.TrainingMovedChanged))
		for i, line := range changed {
			if i == trainingMoveListed {
				b.WriteString("\n" + content.Fill(phrases.TrainingStatusMore, content.Vars{"aantal": strconv.Itoa(len(changed) - i)}))
				break
			}
			b.WriteString("\n" + line)
		}
	}
	for _, part := range []struct {
		n         int
		one, many string
	}{
		{res.Added, phrases.TrainingMovedAdded1, phrases.TrainingMovedAdded},
		{res.Cancelled, phrases.TrainingMovedCancelled1, phrases.TrainingMovedCancelled},
		{res.Kept, phrases.TrainingMovedKept1, phrases.TrainingMovedKept},
	} {
		if part.n > 0 {
			b.WriteString("\n" + trainingCount(part.n, part.one, part.many))
		}
	}
	text := b.String()
	return &Reply{Text: text, Blocks: TextSections(text)}
}

// TrainingMove is a parsed `/training verzet`: the module and its new local start.
type TrainingMove struct {
	Module            int
	Year              int
	Month             time.Month
	Day, Hour, Minute int
}

var (
	trainingModuleRE = regexp.MustCompile(`^(?i)(?:m|module)?(\d+)$`)
	trainingTimeRE   = regexp.MustCompile(`^(\d{1,2})(?:[:.u](\d{2}))?(?:u|uur)?$`)
	trainingDMYRE    = regexp.MustCompile(`^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{4}))?$`)
	trainingYMDRE    = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
)

// ParseTrainingMove reads the words after `/training verzet`: a module ("2", "m2", "module 2"), a date
// ("14-12-2026", "14/12/2026", "2026-12-14", "14-12", "14 december 2026", "maandag 14 dec") and a time ("09:00",
// "9.00", "9:30", "9u30", "9"). A date without a year is the first such date from today (now's date) on. On a
// problem it returns a Dutch message saying what to write instead.
func ParseTrainingMove(phrases content.Phrases, args []string, now time.Time) (TrainingMove, string) {
	if len(args) > 0 && strings.EqualFold(args[0], "module") {
		args = args[1:]
	}
	if len(args) < 3 {
		return TrainingMove{}, phrases.TrainingMoveUsage
	}
	var mv TrainingMove
	m := trainingModuleRE.FindStringSubmatch(args[0])
	if m == nil {
		return mv, content.Fill(phrases.TrainingMoveBadModule, content.Vars{"module": args[0]}) + "\n" + phrases.TrainingMoveUsage
	}
	mv.Module, _ = strconv.Atoi(m[1])
	if mv.Module < 1 || mv.Module > 4 {
		return mv, content.Fill(phrases.TrainingMoveBadModule, content.Vars{"module": args[0]})
	}

	clock := strings.ToLower(args[len(args)-1])
	tm := trainingTimeRE.FindStringSubmatch(clock)
	if tm == nil {
		return mv, content.Fill(phrases.TrainingMoveBadTime, content.Vars{"tijd": args[len(args)-1]})
	}
	mv.Hour, _ = strconv.Atoi(tm[1])
	if tm[2] != "" {
		mv.Minute, _ = strconv.Atoi(tm[2])
	}
	if mv.Hour > 23 || mv.Minute > 59 {
		return mv, content.Fill(phrases.TrainingMoveBadTime, content.Vars{"tijd": args[len(args)-1]})
	}

	dateWords := args[1 : len(args)-1]
	raw := strings.Join(dateWords, " ")
	y, mo, d, ok := trainingParseDate(dateWords)
	if !ok {
		return mv, content.Fill(phrases.TrainingMoveBadDate, content.Vars{"datum": raw})
	}
	if y == 0 {
		y = now.Year()
		if time.Date(y, mo, d, 0, 0, 0, 0, now.Location()).Before(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())) {
			y++
		}
	}
	// A date that does not exist (31-11) would roll over into the next month: refuse it.
	if check := time.Date(y, mo, d, 12, 0, 0, 0, time.UTC); check.Month() != mo || check.Day() != d {
		return mv, content.Fill(phrases.TrainingMoveBadDate, content.Vars{"datum": raw})
	}
	mv.Year, mv.Month, mv.Day = y, mo, d
	return mv, ""
}

// trainingParseDate reads a date written as words; year is 0 when none was given.
func trainingParseDate(words []string) (year int, month time.Month, day int, ok bool) {
	// A weekday in front ("maandag 14 december") says nothing the date does not.
	if len(words) > 1 && trainingWeekday(words[0]) {
		words = words[1:]
	}
	switch len(words) {
	case 1:
		w := words[0]
		if m := trainingYMDRE.FindStringSubmatch(w); m != nil {
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			d, _ := strconv.Atoi(m[3])
			return y, time.Month(mo), d, mo >= 1 && mo <= 12 && d >= 1
		}
		if m := trainingDMYRE.FindStringSubmatch(w); m != nil {
			d, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			y := 0
			if m[3] != "" {
				y, _ = strconv.Atoi(m[3])
			}
			return y, time.Month(mo), d, mo >= 1 && mo <= 12 && d >= 1
		}
	case 2, 3:
		d, err := strconv.Atoi(words[0])
		if err != nil || d < 1 {
			return 0, 0, 0, false
		}
		mo := trainingMonth(words[1])
		if mo == 0 {
			return 0, 0, 0, false
		}
		y := 0
		if len(words) == 3 {
			if y, err = strconv.Atoi(words[2]); err != nil || y < 2000 || y > 9999 {
				return 0, 0, 0, false
			}
		}
		return y, mo, d, true
	}
	return 0, 0, 0, false
}

// trainingMonth reads a Dutch month name or its abbreviation ("december", "dec", "dec."); 0 if it is none.
func trainingMonth(w string) time.Month {
	w = strings.TrimSuffix(strings.ToLower(w), ".")
	for i, name := range content.DutchMonths {
		if w == name || w == content.DutchMonthsShort[i] || len(w) >= 3 && strings.HasPrefix(name, w) {
			return time.Month(i + 1)
		}
	}
	return 0
}

// trainingWeekday reports whether w is a Dutch weekday name or its abbreviation.
func trainingWeekday(w string) bool {
	w = strings.TrimSuffix(strings.ToLower(w), ".")
	for i, name := range content.DutchWeekdays {
		if w == name || w == content.DutchWeekdaysShort[i] {
			return true
		}
	}
	return false
}

// trainingCount returns one when n is 1, otherwise many with {aantal} filled in.
func trainingCount(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return content.Fill(many, content.Vars{"aantal": strconv.Itoa(n)})
}
