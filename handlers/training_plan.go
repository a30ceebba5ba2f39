package handlers

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// Plan handles `/training plan`: the training's timeline, only for the trainer who asks, grouped per module with
// the state of each delivery.
func (t *Training) Plan(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	c, refusal, err := t.trainerCohort(ctx, cmd)
	if err != nil || refusal != nil {
		return Response{Reply: refusal}, err
	}
	ds, err := t.deps.Store.Deliveries(ctx, c.ID)
	if err != nil {
		return Response{}, fmt.Errorf("training plan: %w", err)
	}
	return Response{Reply: TrainingPlanReply(c, t.deps.Course, ds)}, nil
}

// trainingItem is one line of a timeline: a planned delivery, and for a delivery to every participant, the rows
// the dispatcher made from it for each of them.
type trainingItem struct {
	content.Delivery
	perPerson []content.Delivery
}

// trainingItems groups a cohort's stored deliveries into the planned items trainers think in. A per-participant
// row (key "<planned key>/<user>") joins its planned row; one without a planned row (a catch-up for a late joiner)
// joins the other rows of its rule and module under a line of their own.
func trainingItems(ds []content.Delivery) []*trainingItem {
	// The trainers' own notices about what did not arrive are not messages of the group's course.
	ds = slices.DeleteFunc(slices.Clone(ds), func(d content.Delivery) bool { return d.Kind == store.KindTrainerNotice })
	byKey := map[string]*trainingItem{}
	var items []*trainingItem
	for _, d := range ds {
		if d.Recipient == "" {
			it := &trainingItem{Delivery: d}
			byKey[d.Key] = it
			items = append(items, it)
		}
	}
	orphans := map[string]*trainingItem{}
	for _, d := range ds {
		if d.Recipient == "" {
			continue
		}
		parent := strings.TrimSuffix(d.Key, "/"+d.Recipient)
		if it, ok := byKey[parent]; ok && parent != d.Key {
			it.perPerson = append(it.perPerson, d)
			continue
		}
		group := d.RuleID + "/m" + strconv.Itoa(d.Module)
		it, ok := orphans[group]
		if !ok {
			it = &trainingItem{Delivery: d}
			it.Recipient = ""
			it.Audience = content.AudienceParticipants
			orphans[group] = it
			items = append(items, it)
		}
		it.perPerson = append(it.perPerson, d)
	}
	sort.SliceStable(items, func(i, j int) bool {
		if !items[i].DueAt.Equal(items[j].DueAt) {
			return items[i].DueAt.Before(items[j].DueAt)
		}
		return items[i].Key < items[j].Key
	})
	return items
}

// state says in Dutch where an item stands: its own status, or for a delivery to every participant the count of
// each status over them ("verstuurd aan 11, mislukt 1").
func (it *trainingItem) state(p *content.Phrases) string {
	if len(it.perPerson) == 0 {
		return trainingStatusName(p, it.Status)
	}
	counts := map[string]int{}
	for _, d := range it.perPerson {
		counts[d.Status]++
	}
	var parts []string
	listed := map[string]bool{}
	for _, s := range trainingStatusOrder {
		listed[s] = true
		switch n := counts[s]; {
		case n == 0:
		case s == store.StatusSent:
			parts = append(parts, content.Fill(p.DeliverySentTo, content.Vars{"aantal": n}))
		default:
			parts = append(parts, fmt.Sprintf("%s %d", trainingStatusName(p, s), n))
		}
	}
	for _, s := range trainingSortedKeys(counts) {
		if !listed[s] {
			parts = append(parts, fmt.Sprintf("%s %d", trainingStatusName(p, s), counts[s]))
		}
	}
	return strings.Join(parts, ", ")
}

// trainingStatusOrder is the order in which statuses are listed.
var trainingStatusOrder = []string{store.StatusSent, store.StatusSending, store.StatusPending, store.StatusMissed,
	store.StatusFailed, store.StatusCancelled}

// trainingStatusName returns the Dutch name of a delivery status; a status it does not know is shown as it is.
func trainingStatusName(p *content.Phrases, s string) string {
	if n, ok := trainingStatusNames(p)[s]; ok {
		return n
	}
	return s
}

func trainingSortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TrainingPlanReply builds the /training plan answer: a heading, then per module its date, time and place and
// one line per delivery (when, what, to whom, its state, and why the calendar moved it), then the deliveries that
// belong to no module. Deliveries no longer in the plan are counted, not listed.
func TrainingPlanReply(c *content.Cohort, course *content.Course, ds []content.Delivery) *Reply {
	loc, err := c.Location()
	if err != nil {
		loc = nil
	}
	head := content.Fill(course.Phrases.TrainingPlanHead, content.Vars{"cohort": c.Name, "tijdzone": c.Timezone})
	blocks := TextSections(head)
	text := head

	perModule := map[int][]string{}
	cancelled := 0
	for _, it := range trainingItems(ds) {
		if it.Status == store.StatusCancelled && len(it.perPerson) == 0 {
			cancelled++
			continue
		}
		line := it.line(&course.Phrases, loc)
		n := it.Module
		if n < 1 || n > 4 {
			n = 0
		}
		perModule[n] = append(perModule[n], line)
	}

	if len(perModule) == 0 {
		blocks = append(blocks, TextSections(course.Phrases.TrainingPlanEmpty)...)
		text += "\n" + course.Phrases.TrainingPlanEmpty
	}
	for n := 1; n <= 4; n++ {
		lines, ok := perModule[n]
		m, hasModule := c.Module(n)
		if !ok && !hasModule {
			continue
		}
		title := ""
		if cm, ok := course.Module(n); ok {
			title = cm.Title
		}
		section := fmt.Sprintf("*Module %d: %s*", n, title)
		if hasModule {
			mod := *m
			if loc != nil {
				mod.Start, mod.End = mod.Start.In(loc), mod.End.In(loc)
			}
			section = content.Fill(course.Phrases.TrainingPlanModule, content.Vars{
				"module": strconv.Itoa(n), "titel": title, "datum": trainingDate(mod.Start),
				"van": mod.Start.Format("15:04"), "tot": mod.End.Format("15:04"), "plaats": mod.Location,
			})
		}
		if len(lines) > 0 {
			section += "\n" + strings.Join(lines, "\n")
		}
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, TextSections(section)...)
		text += "\n\n" + section
	}
	if other := perModule[0]; len(other) > 0 {
		section := course.Phrases.TrainingPlanOther + "\n" + strings.Join(other, "\n")
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, TextSections(section)...)
		text += "\n\n" + section
	}
	if cancelled > 0 {
		note := content.Fill(course.Phrases.TrainingPlanCanceled, content.Vars{"aantal": strconv.Itoa(cancelled)})
		blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, note, false, false)))
		text += "\n\n" + note
	}
	return &Reply{Text: text, Blocks: blocks}
}

// line is the item as one line of a timeline: when (in loc), what, to whom, its state, and why the calendar moved
// it.
func (it *trainingItem) line(p *content.Phrases, loc *time.Location) string {
	due := it.DueAt
	if loc != nil {
		due = due.In(loc)
	}
	line := fmt.Sprintf("• %s · %s %s · _%s_", trainingShortDate(due), trainingTitleOrKind(it.Delivery), trainingAudienceName(p, it.Audience), it.state(p))
	if it.Note != "" {
		line += " (" + it.Note + ")"
	}
	return line
}
