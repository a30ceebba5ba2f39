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

// trainingStatusList is how many failed or missed messages the status lists by name; the rest are counted.
const trainingStatusList = 10

// Status handles `/training status`: how many messages were sent, are planned, are being sent, were missed, failed
// or cancelled, with the reason of each failure in plain Dutch and the missed ones by name, and who left the
// channel.
func (t *Training) Status(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	c, refusal, err := t.trainerCohort(ctx, cmd)
	if err != nil || refusal != nil {
		return Response{Reply: refusal}, err
	}
	ds, err := t.deps.Store.Deliveries(ctx, c.ID)
	if err != nil {
		return Response{}, fmt.Errorf("training status: %w", err)
	}
	left, err := t.deps.Store.LeftParticipants(ctx, c.ID)
	if err != nil {
		return Response{}, fmt.Errorf("training status: %w", err)
	}
	reply := TrainingStatusReply(t.phrases, c, ds, left)
	if line := t.trainingRetentionLine(ctx, c); line != "" {
		reply.Text += "\n\n" + line
		reply.Blocks = TextSections(reply.Text)
	}
	return Response{Reply: reply}, nil
}

// TrainingStatusCounts counts a cohort's messages by status. A planned delivery to every participant counts once
// per participant when the dispatcher has made their rows, and once as planned before that; the planned row
// itself is not a message then.
func TrainingStatusCounts(ds []content.Delivery) map[string]int {
	counts := map[string]int{}
	for _, it := range trainingItems(ds) {
		if len(it.perPerson) == 0 {
			// A planned row expanded to nobody (no participants yet) was never a message of its own.
			if it.Status != store.StatusExpanded {
				counts[it.Status]++
			}
			continue
		}
		for _, d := range it.perPerson {
			counts[d.Status]++
		}
	}
	return counts
}

// TrainingStatusReply builds the /training status answer; left are the participants who left the channel.
func TrainingStatusReply(phrases content.Phrases, c *content.Cohort, ds []content.Delivery, left []string) *Reply {
	loc, err := c.Location()
	if err != nil {
		loc = nil
	}
	counts := TrainingStatusCounts(ds)
	var b strings.Builder
	b.WriteString(content.Fill(phrases.TrainingStatusHead, content.Vars{"cohort": c.Name}))
	b.WriteString("\n")
	b.WriteString(content.Fill(phrases.TrainingStatusCounts, content.Vars{
		"verstuurd": strconv.Itoa(counts[store.StatusSent]),
		"gepland":   strconv.Itoa(counts[store.StatusPending]),
		"bezig":     strconv.Itoa(counts[store.StatusSending]),
		"gemist":    strconv.Itoa(counts[store.StatusMissed]),
		"mislukt":   strconv.Itoa(counts[store.StatusFailed]),
		"vervallen": strconv.Itoa(counts[store.StatusCancelled]),
	}))
	b.WriteString("\n")
	b.WriteString(phrases.TrainingStatusNote)

	var failed, missed []content.Delivery
	for _, it := range trainingItems(ds) {
		rows := it.perPerson
		if len(rows) == 0 {
			rows = []content.Delivery{it.Delivery}
		}
		for _, d := range rows {
			if d.Title == "" {
				d.Title = it.Title
			}
			switch d.Status {
			case store.StatusFailed:
				failed = append(failed, d)
			case store.StatusMissed:
				missed = append(missed, d)
			}
		}
	}
	when := func(d content.Delivery) string {
		due := d.DueAt
		if loc != nil {
			due = due.In(loc)
		}
		return trainingShortDate(due)
	}
	more := func(n int) string {
		return "\n" + content.Fill(phrases.TrainingStatusMore, content.Vars{"aantal": strconv.Itoa(n)})
	}
	if len(failed) > 0 {
		b.WriteString("\n\n" + phrases.TrainingStatusFailed)
		for i, d := range failed {
			if i == trainingStatusList {
				b.WriteString(more(len(failed) - i))
				break
			}
			who := ""
			if d.Recipient != "" {
				who = " " + content.Fill(phrases.DeliveryTo, content.Vars{"naam": content.Markup("<@" + d.Recipient + ">")})
			}
			// The same words as the trainer's DM about it (trainer_notice.go): why, and what to do.
			fmt.Fprintf(&b, "\n• %s (%s)%s: %s", trainingTitleOrKind(d), when(d), who, UndeliveredReason(phrases, c, d))
		}
	}
	if len(missed) > 0 {
		b.WriteString("\n\n" + phrases.TrainingStatusMissed)
		for i, d := range missed {
			if i == trainingStatusList {
				b.WriteString(more(len(missed) - i))
				break
			}
			who := ""
			if d.Recipient != "" {
				who = " " + content.Fill(phrases.DeliveryTo, content.Vars{"naam": content.Markup("<@" + d.Recipient + ">")})
			}
			fmt.Fprintf(&b, "\n• %s (%s)%s: %s", trainingTitleOrKind(d), when(d), who, UndeliveredReason(phrases, c, d))
		}
	}
	if len(failed) == 0 && len(missed) == 0 {
		b.WriteString("\n\n" + phrases.TrainingStatusAllOK)
	}
	if len(left) > 0 {
		names := make([]string, len(left))
		for i, u := range left {
			names[i] = "<@" + u + ">"
		}
		b.WriteString("\n\n" + content.Fill(phrases.TrainingStatusLeft, content.Vars{"namen": content.Markup(casusJoin(names))}))
	}
	text := b.String()
	return &Reply{Text: text, Blocks: TextSections(text)}
}

// trainingTitleOrKind is a delivery's title, or its kind when it was stored without one.
func trainingTitleOrKind(d content.Delivery) string {
	if d.Title != "" {
		return d.Title
	}
	return d.Kind
}
