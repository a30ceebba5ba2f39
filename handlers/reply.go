package handlers

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/slack-go/slack"
)

// Reply is a message shown to the person who typed a command or clicked a button. It is ephemeral (only they see
// it) unless InChannel is set.
type Reply struct {
	Text            string        // fallback text, and the whole message when Blocks is empty
	Blocks          []slack.Block // optional Block Kit layout
	InChannel       bool          // slash commands: post visibly in the channel instead of only to the caller
	ReplaceOriginal bool          // block actions: replace the message the button was on
	DeleteOriginal  bool          // block actions: remove the message the button was on
}

// Payload is the JSON body Slack takes as a slash command's ack and as a post to a response_url.
type Payload struct {
	ResponseType    string        `json:"response_type,omitempty"`
	Text            string        `json:"text,omitempty"`
	Blocks          []slack.Block `json:"blocks,omitempty"`
	ReplaceOriginal bool          `json:"replace_original,omitempty"`
	DeleteOriginal  bool          `json:"delete_original,omitempty"`
}

// Payload returns the reply as the message payload Slack expects for acks and response_url posts.
func (r *Reply) Payload() Payload {
	p := Payload{ResponseType: slack.ResponseTypeEphemeral, Text: r.Text, Blocks: r.Blocks}
	if r.InChannel {
		p.ResponseType = slack.ResponseTypeInChannel
	}
	p.ReplaceOriginal = r.ReplaceOriginal
	p.DeleteOriginal = r.DeleteOriginal
	return p
}

// Response is what a slash command or block action handler returns. Reply, when set, is shown at once: for a
// slash command it is the ack's payload, for a block action it goes to the response_url right after the ack.
// Later, when set, runs after the ack (a handler whose work may take longer than Slack's 3 seconds); the reply it
// returns, or its error as a user-facing message, is sent to the response_url. Whatever must survive the ack
// (a participant's answer) is committed before the handler returns, not in Later.
type Response struct {
	Reply *Reply
	Later func(ctx context.Context) (*Reply, error)
}

// ViewResponse is what a view submission handler returns. Action is the ack's response_action (nil closes the
// modal, like Slack's default): errors per block_id, update, push or clear. Later, when set, runs after the ack;
// its error is logged, since a closed modal has nowhere to show it.
type ViewResponse struct {
	Action *slack.ViewSubmissionResponse
	Later  func(ctx context.Context) error
}

// Ephemeral returns a Response that shows text to the caller only.
func Ephemeral(text string) Response {
	return Response{Reply: &Reply{Text: text}}
}

// ViewErrors returns a ViewResponse that keeps the modal open and shows a message under each given block_id.
func ViewErrors(errs map[string]string) ViewResponse {
	return ViewResponse{Action: slack.NewErrorsViewSubmissionResponse(errs)}
}

// TextSections returns text as mrkdwn section blocks, split at paragraph breaks (or line breaks, or spaces) so
// that no section exceeds Slack's limit (content.MaxSectionText).
func TextSections(text string) []slack.Block {
	var blocks []slack.Block
	for _, part := range splitText(strings.TrimSpace(text), content.MaxSectionText) {
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, part, false, false), nil, nil))
	}
	return blocks
}

// splitText cuts s into pieces of at most limit runes, preferring to cut at "\n\n", then "\n", then " ".
func splitText(s string, limit int) []string {
	var out []string
	for utf8.RuneCountInString(s) > limit {
		cut := runePrefix(s, limit)
		i := strings.LastIndex(cut, "\n\n")
		if i <= 0 {
			i = strings.LastIndex(cut, "\n")
		}
		if i <= 0 {
			i = strings.LastIndex(cut, " ")
		}
		if i <= 0 {
			i = len(cut)
		}
		out = append(out, strings.TrimSpace(s[:i]))
		s = strings.TrimSpace(s[i:])
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// runePrefix returns the first n runes of s.
func runePrefix(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
