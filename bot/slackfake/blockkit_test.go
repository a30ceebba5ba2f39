package slackfake_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
)

func section(text string) string {
	return fmt.Sprintf(`{"type":"section","text":{"type":"mrkdwn","text":%q}}`, text)
}

func repeatBlocks(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = `{"type":"divider"}`
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func options(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`{"text":{"type":"plain_text","text":"optie %d"},"value":"v%d"}`, i, i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func buttons(n int, sameID bool) string {
	parts := make([]string, n)
	for i := range parts {
		id := fmt.Sprintf("a%d", i)
		if sameID {
			id = "klaar"
		}
		parts[i] = fmt.Sprintf(`{"type":"button","action_id":%q,"text":{"type":"plain_text","text":"Klaar"}}`, id)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func TestMessageBlockLimits(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) }
	tests := []struct {
		name    string
		blocks  string
		wantErr string // substring of one error; "" means valid
	}{
		{"OK", "[" + section(long(3000)) + "]", ""},
		{"TooManyBlocks", repeatBlocks(51), "no more than 50 items"},
		{"FiftyBlocksOK", repeatBlocks(50), ""},
		{"SectionText", "[" + section(long(3001)) + "]", "less than 3001 characters [json-pointer:/blocks/0/text/text]"},
		{"SectionField", `[{"type":"section","fields":[{"type":"mrkdwn","text":"` + long(2001) + `"}]}]`, "/blocks/0/fields/0/text"},
		{"TooManyFields", `[{"type":"section","fields":[` + strings.TrimSuffix(strings.Repeat(`{"type":"mrkdwn","text":"x"},`, 11), ",") + `]}]`, "no more than 10 items"},
		{"HeaderText", `[{"type":"header","text":{"type":"plain_text","text":"` + long(151) + `"}}]`, "less than 151"},
		{"HeaderMrkdwn", `[{"type":"header","text":{"type":"mrkdwn","text":"kop"}}]`, "must be plain_text"},
		{"ButtonLabel", `[{"type":"actions","elements":[{"type":"button","action_id":"a","text":{"type":"plain_text","text":"` + long(76) + `"}}]}]`, "less than 76"},
		{"ButtonLabelMrkdwn", `[{"type":"actions","elements":[{"type":"button","action_id":"a","text":{"type":"mrkdwn","text":"x"}}]}]`, "must be plain_text"},
		{"ActionID", `[{"type":"actions","elements":[{"type":"button","action_id":"` + strings.Repeat("a", 256) + `","text":{"type":"plain_text","text":"x"}}]}]`, "/action_id"},
		{"DuplicateActionID", `[{"type":"actions","elements":` + buttons(2, true) + `}]`, "duplicate action_id"},
		{"SameActionIDInTwoBlocksOK", `[{"type":"actions","elements":` + buttons(1, true) + `},{"type":"actions","elements":` + buttons(1, true) + `}]`, ""},
		{"TooManyElements", `[{"type":"actions","elements":` + buttons(26, false) + `}]`, "no more than 25 items"},
		{"SelectOptions", `[{"type":"actions","elements":[{"type":"static_select","action_id":"s","options":` + options(101) + `}]}]`, "no more than 100 items"},
		{"HundredOptionsOK", `[{"type":"actions","elements":[{"type":"static_select","action_id":"s","options":` + options(100) + `}]}]`, ""},
		{"UnknownBlockType", `[{"type":"carousel"}]`, `unknown block type "carousel"`},
		{"UnknownElement", `[{"type":"actions","elements":[{"type":"slider","action_id":"x"}]}]`, `unknown element type`},
		{"DuplicateBlockID", `[{"type":"divider","block_id":"x"},{"type":"divider","block_id":"x"}]`, "duplicate block_id"},
		{"EmptyText", "[" + section("") + "]", "at least 1 character"},
		{"NotAnArray", `{"type":"divider"}`, "must be an array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := slackfake.ValidateMessageBlocks(json.RawMessage(tt.blocks))
			if tt.wantErr == "" {
				if len(errs) > 0 {
					t.Errorf("valid blocks rejected: %v", errs)
				}
				return
			}
			if !strings.Contains(strings.Join(errs, "\n"), tt.wantErr) {
				t.Errorf("errors %v do not mention %q", errs, tt.wantErr)
			}
		})
	}
}

func TestViewLimits(t *testing.T) {
	t.Parallel()
	modal := func(title, extra string) string {
		return `{"type":"modal","title":{"type":"plain_text","text":"` + title + `"},"submit":{"type":"plain_text","text":"Opslaan"},"blocks":[]` + extra + `}`
	}
	tests := []struct {
		name, view, wantErr string
	}{
		{"OK", modal("Competentiemeter", ""), ""},
		{"Title", modal(strings.Repeat("x", 25), ""), "/view/title/text"},
		{"PrivateMetadata", modal("t", `,"private_metadata":"`+strings.Repeat("x", 3001)+`"`), "/view/private_metadata"},
		{"TooManyBlocks", `{"type":"home","blocks":` + repeatBlocks(101) + `}`, "no more than 100 items"},
		{"HundredBlocksOK", `{"type":"home","blocks":` + repeatBlocks(100) + `}`, ""},
		{"InputWithoutSubmit", `{"type":"modal","title":{"type":"plain_text","text":"t"},"blocks":[{"type":"input","label":{"type":"plain_text","text":"Score"},"element":{"type":"plain_text_input","action_id":"a"}}]}`, "requires a submit"},
		{"ButtonInInput", `{"type":"home","blocks":[{"type":"input","label":{"type":"plain_text","text":"x"},"element":{"type":"button","action_id":"b","text":{"type":"plain_text","text":"x"}}}]}`, "not allowed in an input block"},
		{"UnknownType", `{"type":"dialog","blocks":[]}`, "must be one of modal, home"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := slackfake.ValidateView(json.RawMessage(tt.view))
			if tt.wantErr == "" {
				if len(errs) > 0 {
					t.Errorf("valid view rejected: %v", errs)
				}
				return
			}
			if !strings.Contains(strings.Join(errs, "\n"), tt.wantErr) {
				t.Errorf("errors %v do not mention %q", errs, tt.wantErr)
			}
		})
	}
}

// recorder is a TB that remembers failures instead of failing.
type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestInvalidBlocksAnswer(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, slackfake.Options{})
	rec := &recorder{}
	w.fake.StrictT(rec)
	ctx := context.Background()

	tooLong := slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", strings.Repeat("x", 3001), false, false), nil, nil)
	_, _, err := w.api.PostMessageContext(ctx, w.channel, slack.MsgOptionBlocks(tooLong))
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "invalid_blocks" || len(se.Errors) == 0 || se.Errors[0].Message == nil ||
		!strings.Contains(*se.Errors[0].Message, "json-pointer:/blocks/0/text/text") {
		t.Fatalf("err = %#v, want invalid_blocks with a json-pointer", err)
	}
	if len(w.fake.Messages(w.channel)) != 0 {
		t.Error("an invalid message was stored")
	}
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "chat.postMessage") {
		t.Errorf("StrictT reported %v", rec.errs)
	}

	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject("plain_text", strings.Repeat("k", 151), false, false))}}}
	_, err = w.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: w.anna, View: home})
	if slackErr(err) != "invalid_blocks" {
		t.Errorf("views.publish err = %v", err)
	}
	if len(rec.errs) != 2 {
		t.Errorf("StrictT reported %d failures, want 2", len(rec.errs))
	}
}
