package handlers

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// trainerNoticeList is how many undelivered messages one notice names; the rest are counted.
const trainerNoticeList = 20

// undeliveredCodes sorts the Slack error codes a failed delivery can record (the Poster's permanent errors, see
// bot/slackerror.go) by what the trainer can do about them. A code not listed gets UndeliveredUnknown.
var undeliveredCodes = map[string]func(p content.Phrases) string{
	"not_in_channel":      func(p content.Phrases) string { return p.UndeliveredNotInChannel },
	"channel_not_found":   func(p content.Phrases) string { return p.UndeliveredChannelNotFound },
	"is_archived":         func(p content.Phrases) string { return p.UndeliveredArchived },
	"channel_is_archived": func(p content.Phrases) string { return p.UndeliveredArchived },

	"user_not_found":        func(p content.Phrases) string { return p.UndeliveredUserGone },
	"user_disabled":         func(p content.Phrases) string { return p.UndeliveredUserGone },
	"user_not_visible":      func(p content.Phrases) string { return p.UndeliveredUserGone },
	"account_inactive":      func(p content.Phrases) string { return p.UndeliveredUserGone },
	"cannot_dm_bot":         func(p content.Phrases) string { return p.UndeliveredNoDM },
	"messages_tab_disabled": func(p content.Phrases) string { return p.UndeliveredNoDM },

	"restricted_action":                        func(p content.Phrases) string { return p.UndeliveredRestricted },
	"restricted_action_read_only_channel":      func(p content.Phrases) string { return p.UndeliveredRestricted },
	"restricted_action_thread_only_channel":    func(p content.Phrases) string { return p.UndeliveredRestricted },
	"restricted_action_non_threadable_channel": func(p content.Phrases) string { return p.UndeliveredRestricted },
	"no_permission":                            func(p content.Phrases) string { return p.UndeliveredRestricted },
	"ekm_access_denied":                        func(p content.Phrases) string { return p.UndeliveredRestricted },
	"team_access_not_granted":                  func(p content.Phrases) string { return p.UndeliveredRestricted },

	"invalid_auth":           func(p content.Phrases) string { return p.UndeliveredWorkspace },
	"not_authed":             func(p content.Phrases) string { return p.UndeliveredWorkspace },
	"token_revoked":          func(p content.Phrases) string { return p.UndeliveredWorkspace },
	"token_expired":          func(p content.Phrases) string { return p.UndeliveredWorkspace },
	"missing_scope":          func(p content.Phrases) string { return p.UndeliveredWorkspace },
	"not_allowed_token_type": func(p content.Phrases) string { return p.UndeliveredWorkspace },
	"org_login_required":     func(p content.Phrases) string { return p.UndeliveredWorkspace },
	"accesslimited":          func(p content.Phrases) string { return p.UndeliveredWorkspace },
}

// ourFaultCodes are refusals of a message the bot built wrongly: only the operator can mend them.
var ourFaultCodes = []string{"invalid_blocks", "invalid_blocks_format", "msg_too_long", "too_many_attachments",
	"invalid_arguments", "invalid_metadata_format", "invalid_metadata_schema", "metadata_too_large",
	"metadata_must_be_sent_from_app", "no_text", "invalid_form_data", "invalid_json", "json_not_object",
	"invalid_array_arg", "invalid_charset", "invalid_post_type", "missing_post_type"}

// UndeliveredReason says in plain Dutch why a failed or missed delivery of cohort c did not arrive, and what the
// trainer can do: the reason comes from the Slack error code recorded on the row, or the way it was missed.
func UndeliveredReason(p content.Phrases, c *content.Cohort, d content.Delivery) string {
	recorded := ""
	if d.Error != nil {
		recorded = *d.Error
	}
	if d.Status == store.StatusMissed {
		if strings.Contains(recorded, "next sending time") {
			return p.UndeliveredMissedCalendar
		}
		return p.UndeliveredMissed
	}
	channel := content.Markup("<#" + c.Channel + ">")
	if strings.HasPrefix(c.Channel, "#") {
		channel = content.Markup(content.Escape(c.Channel))
	}
	code := undeliveredCode(recorded)
	if phrase, ok := undeliveredCodes[code]; ok {
		return content.Fill(phrase(p), content.Vars{"kanaal": channel})
	}
	for _, c := range ourFaultCodes {
		if code == c {
			return content.Fill(p.UndeliveredOurFault, content.Vars{"code": code})
		}
	}
	if strings.HasPrefix(code, "http_4") {
		return content.Fill(p.UndeliveredOurFault, content.Vars{"code": code})
	}
	if strings.HasPrefix(recorded, "gave up after") {
		return p.UndeliveredGaveUp
	}
	if code == "" {
		code = p.UndeliveredNoCode
	}
	if cut := runePrefix(code, 80); cut != code {
		code = cut + "…"
	}
	return content.Fill(p.UndeliveredUnknown, content.Vars{"code": strings.ReplaceAll(code, "`", "'")})
}

// undeliveredCode finds the Slack error code in what a failed row recorded: the code alone (a permanent error),
// or a longer text that names one of the codes known to undeliveredCodes.
func undeliveredCode(recorded string) string {
	recorded = strings.TrimSpace(recorded)
	if _, ok := undeliveredCodes[recorded]; ok {
		return recorded
	}
	for code := range undeliveredCodes {
		if strings.Contains(recorded, code) {
			return code
		}
	}
	for _, code := range ourFaultCodes {
		if strings.Contains(recorded, code) {
			return code
		}
	}
	// "slack chat.postMessage: some_new_code": the code is the last word.
	if i := strings.LastIndex(recorded, ": "); i >= 0 && slackCode.MatchString(recorded[i+2:]) {
		return recorded[i+2:]
	}
	return recorded
}

// slackCode is the shape of Slack's error codes.
var slackCode = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// undeliveredTo says to whom a delivery was going, in the words of a trainer: a mention, the channel, or every
// participant (a message for everyone that failed before it was split per person).
func undeliveredTo(p content.Phrases, c *content.Cohort, d content.Delivery) content.Markup {
	switch {
	case d.Recipient != "":
		return mention(d.Recipient)
	case d.Audience == content.AudienceChannel:
		ch := content.Markup("<#" + c.Channel + ">")
		if strings.HasPrefix(c.Channel, "#") {
			ch = content.Markup(content.Escape(c.Channel))
		}
		return content.Markup(content.Fill(p.TrainerNoticeChannel, content.Vars{"kanaal": ch}))
	default:
		return content.Markup(content.Escape(p.TrainerNoticeEveryone))
	}
}

// TrainerNoticeMessage is the DM that tells a trainer which messages of cohort c did not arrive (items), to whom,
// why, and what to do. Times are in the cohort's time zone.
func TrainerNoticeMessage(p content.Phrases, c *content.Cohort, items []content.Delivery) Message {
	loc, err := c.Location()
	if err != nil {
		loc = time.UTC
	}
	var b strings.Builder
	b.WriteString(content.Fill(p.TrainerNoticeHead, content.Vars{"cohort": c.Name}))
	for i, d := range items {
		if i == trainerNoticeList {
			b.WriteString("\n" + content.Fill(p.TrainingStatusMore, content.Vars{"aantal": strconv.Itoa(len(items) - i)}))
			break
		}
		b.WriteString("\n")
		b.WriteString(content.Fill(p.TrainerNoticeItem, content.Vars{
			"titel":  trainingTitleOrKind(d),
			"datum":  trainingShortDate(d.DueAt.In(loc)),
			"wie":    undeliveredTo(p, c, d),
			"waarom": content.Markup(UndeliveredReason(p, c, d)),
		}))
	}
	b.WriteString("\n\n" + p.TrainerNoticeFoot)
	text := b.String()
	return Message{Text: firstLine(text), Blocks: TextSections(text)}
}

// trainerNotice renders a store.KindTrainerNotice delivery: what its items are, as they are now.
func (d *Deliveries) trainerNotice(ctx context.Context, c *content.Cohort, del content.Delivery) (Message, error) {
	items, err := d.Store.TrainerNoticeItems(ctx, del.Key)
	if err != nil {
		return Message{}, fmt.Errorf("render %s: %w", del.Key, err)
	}
	if len(items) == 0 {
		// What it was to tell was erased meanwhile (a participant's vergeet-mij).
		return Message{}, scheduler.Skip("niets meer te melden")
	}
	return checkLimits(TrainerNoticeMessage(d.Course.Phrases, c, items))
}
