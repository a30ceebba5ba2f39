package slackfake

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"unicode/utf8"

	// Slack's limits are content's (content/slacklimits.go): the bot lays messages out by them, the fake enforces
	// them as Slack does. Named limits here, since this package has a func called content.
	limits "github.com/gesprekbot/gesprekbot/content"
)

var (
	blockTypes = map[string]bool{"section": true, "divider": true, "image": true, "actions": true,
		"context": true, "input": true, "header": true, "rich_text": true, "file": true, "video": true, "markdown": true}
	inputElements = map[string]bool{"plain_text_input": true, "email_text_input": true, "url_text_input": true,
		"number_input": true, "rich_text_input": true, "static_select": true, "multi_static_select": true,
		"external_select": true, "multi_external_select": true, "users_select": true, "multi_users_select": true,
		"conversations_select": true, "multi_conversations_select": true, "channels_select": true,
		"multi_channels_select": true, "checkboxes": true, "radio_buttons": true, "datepicker": true,
		"timepicker": true, "datetimepicker": true, "file_input": true}
	interactiveElements = map[string]bool{"button": true, "overflow": true, "workflow_button": true}
	datePattern         = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	timePattern         = regexp.MustCompile(`^\d{2}:\d{2}$`)
)

// blockChecker collects problems with JSON pointers, in Slack's wording style:
// "must be less than 3001 characters [json-pointer:/blocks/0/text/text]".
type blockChecker struct {
	errs     []string
	blockIDs map[string]bool
}

func (c *blockChecker) fail(ptr, format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...)+" [json-pointer:"+ptr+"]")
}

// ValidateMessageBlocks checks a message's blocks JSON against Slack's limits
// and returns Slack-style error strings; none means valid.
func ValidateMessageBlocks(blocks json.RawMessage) []string {
	_, errs := validateMessageBlocks(blocks)
	return errs
}

// validateMessageBlocks is ValidateMessageBlocks that also returns the blocks it decoded, so that the caller can
// index their actions without decoding them again.
func validateMessageBlocks(blocks json.RawMessage) ([]any, []string) {
	var list []any
	if err := json.Unmarshal(blocks, &list); err != nil {
		return nil, []string{"invalid JSON: blocks must be an array [json-pointer:/blocks]"}
	}
	c := &blockChecker{blockIDs: map[string]bool{}}
	if len(list) > limits.MaxMessageBlocks {
		c.fail("/blocks", "no more than %d items allowed", limits.MaxMessageBlocks)
	}
	c.blocks("/blocks", list, "message")
	return list, c.errs
}

// messageBlocks are a message's blocks as checked and stored: compact JSON, and their actions.
type messageBlocks struct {
	raw  json.RawMessage // nil when the message has none
	acts *actionIndex
}

// prepareMessageBlocks checks blocks as Slack does (errs are Slack's reasons for invalid_blocks), compacts them,
// and indexes their actions, all without the workspace's lock. "[]" means no blocks. The result may share
// blocks' memory, which the caller hands over.
func prepareMessageBlocks(blocks []byte) (mb messageBlocks, errs []string, err error) {
	list, errs := validateMessageBlocks(blocks)
	if len(errs) > 0 {
		return messageBlocks{}, errs, nil
	}
	// What slack-go and encoding/json send is compact already; blocks that decoded are kept as they are then.
	compact := json.RawMessage(blocks)
	if !isCompact(blocks) {
		if compact, err = compactJSON(blocks); err != nil {
			return messageBlocks{}, nil, err
		}
	}
	if string(compact) == "[]" {
		return messageBlocks{}, nil, nil
	}
	return messageBlocks{raw: compact, acts: newActionIndex(compact, list)}, nil, nil
}

// ValidateView checks a view (modal or home) JSON against Slack's limits.
func ValidateView(v json.RawMessage) []string {
	var m map[string]any
	if err := json.Unmarshal(v, &m); err != nil {
		return []string{"invalid JSON: view must be an object [json-pointer:/view]"}
	}
	c := &blockChecker{blockIDs: map[string]bool{}}
	typ, _ := m["type"].(string)
	switch typ {
	case "modal":
		if _, ok := m["title"]; !ok {
			c.fail("/view/title", "missing required field: title")
		} else {
			c.text("/view/title", m["title"], limits.MaxModalTitle, true)
		}
		if m["submit"] != nil {
			c.text("/view/submit", m["submit"], limits.MaxModalTitle, true)
		}
		if m["close"] != nil {
			c.text("/view/close", m["close"], limits.MaxModalTitle, true)
		}
	case "home":
	default:
		c.fail("/view/type", "must be one of modal, home")
	}
	if s, _ := m["private_metadata"].(string); utf8.RuneCountInString(s) > limits.MaxPrivateMetadata {
		c.fail("/view/private_metadata", "must be less than %d characters", limits.MaxPrivateMetadata+1)
	}
	if s, _ := m["callback_id"].(string); len(s) > limits.MaxCallbackID {
		c.fail("/view/callback_id", "must be less than %d characters", limits.MaxCallbackID+1)
	}
	if s, _ := m["external_id"].(string); len(s) > limits.MaxCallbackID {
		c.fail("/view/external_id", "must be less than %d characters", limits.MaxCallbackID+1)
	}
	list, ok := m["blocks"].([]any)
	if !ok {
		c.fail("/view/blocks", "missing required field: blocks")
		return c.errs
	}
	if len(list) > limits.MaxViewBlocks {
		c.fail("/view/blocks", "no more than %d items allowed", limits.MaxViewBlocks)
	}
	c.blocks("/view/blocks", list, typ)
	if typ == "modal" && m["submit"] == nil {
		for i, b := range list {
			if bm, _ := b.(map[string]any); bm != nil && bm["type"] == "input" {
				c.fail(fmt.Sprintf("/view/blocks/%d", i), "a modal with input blocks requires a submit button")
				break
			}
		}
	}
	return c.errs
}

func (c *blockChecker) blocks(ptr string, list []any, surface string) {
	for i, raw := range list {
		p := ptr + "/" + strconv.Itoa(i)
		b, ok := raw.(map[string]any)
		if !ok {
			c.fail(p, "must be an object")
			continue
		}
		if id, ok := b["block_id"].(string); ok {
			if len(id) > limits.MaxBlockID {
				c.fail(p+"/block_id", "must be less than %d characters", limits.MaxBlockID+1)
			}
			if c.blockIDs[id] {
				c.fail(p+"/block_id", "duplicate block_id %q", id)
			}
			c.blockIDs[id] = true
		}
		typ, _ := b["type"].(string)
		if !blockTypes[typ] {
			c.fail(p+"/type", "unknown block type %q", typ)
			continue
		}
		c.block(p, typ, b, surface)
	}
}

func (c *blockChecker) block(p, typ string, b map[string]any, surface string) {
	switch typ {
	case "section":
		_, hasText := b["text"]
		fields, hasFields := b["fields"].([]any)
		if !hasText && !hasFields {
			c.fail(p, "must provide text or fields")
		}
		if hasText {
			c.text(p+"/text", b["text"], limits.MaxSectionText, false)
		}
		if len(fields) > limits.MaxSectionFields {
			c.fail(p+"/fields", "no more than %d items allowed", limits.MaxSectionFields)
		}
		for i, f := range fields {
			c.text(p+"/fields/"+strconv.Itoa(i), f, limits.MaxSectionField, false)
		}
		if acc, ok := b["accessory"]; ok {
			c.element(p+"/accessory", acc, map[string]bool{})
		}
	case "header":
		c.text(p+"/text", b["text"], limits.MaxHeaderText, true)
	case "actions":
		els, _ := b["elements"].([]any)
		if len(els) == 0 {
			c.fail(p+"/elements", "must provide at least 1 item")
		}
		if len(els) > limits.MaxActionsElements {
			c.fail(p+"/elements", "no more than %d items allowed", limits.MaxActionsElements)
		}
		seen := map[string]bool{}
		for i, e := range els {
			c.element(p+"/elements/"+strconv.Itoa(i), e, seen)
		}
	case "context":
		els, _ := b["elements"].([]any)
		if len(els) == 0 {
			c.fail(p+"/elements", "must provide at least 1 item")
		}
		if len(els) > limits.MaxContextElements {
			c.fail(p+"/elements", "no more than %d items allowed", limits.MaxContextElements)
		}
		for i, e := range els {
			ep := p + "/elements/" + strconv.Itoa(i)
			em, _ := e.(map[string]any)
			if em != nil && em["type"] == "image" {
				c.image(ep, em)
				continue
			}
			c.text(ep, e, limits.MaxSectionText, false)
		}
	case "input":
		c.text(p+"/label", b["label"], limits.MaxInputLabel, true)
		if h, ok := b["hint"]; ok {
			c.text(p+"/hint", h, limits.MaxInputLabel, true)
		}
		el, ok := b["element"].(map[string]any)
		if !ok {
			c.fail(p+"/element", "missing required field: element")
			return
		}
		if et, _ := el["type"].(string); !inputElements[et] {
			c.fail(p+"/element/type", "element type %q is not allowed in an input block", et)
			return
		}
		c.element(p+"/element", el, map[string]bool{})
	case "image":
		c.image(p, b)
		if t, ok := b["title"]; ok {
			c.text(p+"/title", t, limits.MaxInputLabel, true)
		}
	case "markdown":
		s, _ := b["text"].(string)
		if s == "" {
			c.fail(p+"/text", "must be at least 1 character")
		} else if utf8.RuneCountInString(s) > limits.MaxMarkdownBlockText {
			c.fail(p+"/text", "must be less than %d characters", limits.MaxMarkdownBlockText+1)
		}
	case "rich_text":
		if _, ok := b["elements"].([]any); !ok {
			c.fail(p+"/elements", "missing required field: elements")
		}
	}
}

func (c *blockChecker) image(p string, b map[string]any) {
	url, _ := b["image_url"].(string)
	if url == "" && b["slack_file"] == nil {
		c.fail(p+"/image_url", "missing required field: image_url")
	}
	if len(url) > limits.MaxURL {
		c.fail(p+"/image_url", "must be less than %d characters", limits.MaxURL+1)
	}
	alt, _ := b["alt_text"].(string)
	if alt == "" {
		c.fail(p+"/alt_text", "missing required field: alt_text")
	} else if utf8.RuneCountInString(alt) > limits.MaxInputLabel {
		c.fail(p+"/alt_text", "must be less than %d characters", limits.MaxInputLabel+1)
	}
}

// text checks a text object; plain requires type plain_text.
func (c *blockChecker) text(p string, v any, maxLen int, plain bool) {
	t, ok := v.(map[string]any)
	if !ok {
		c.fail(p, "must be a text object")
		return
	}
	typ, _ := t["type"].(string)
	switch {
	case typ != "plain_text" && typ != "mrkdwn":
		c.fail(p+"/type", "must be one of plain_text, mrkdwn")
	case plain && typ != "plain_text":
		c.fail(p+"/type", "must be plain_text")
	}
	s, _ := t["text"].(string)
	n := utf8.RuneCountInString(s)
	if n == 0 {
		c.fail(p+"/text", "must be at least 1 character")
	}
	if n > maxLen {
		c.fail(p+"/text", "must be less than %d characters", maxLen+1)
	}
}

// element checks an interactive or input element; seen holds the action_ids
// already used in the same block.
func (c *blockChecker) element(p string, v any, seen map[string]bool) {
	e, ok := v.(map[string]any)
	if !ok {
		c.fail(p, "must be an object")
		return
	}
	typ, _ := e["type"].(string)
	if !inputElements[typ] && !interactiveElements[typ] && typ != "image" {
		c.fail(p+"/type", "unknown element type %q", typ)
		return
	}
	if typ == "image" {
		c.image(p, e)
		return
	}
	if id, ok := e["action_id"].(string); ok {
		if len(id) > limits.MaxActionID {
			c.fail(p+"/action_id", "must be less than %d characters", limits.MaxActionID+1)
		}
		if seen[id] {
			c.fail(p+"/action_id", "duplicate action_id %q in one block", id)
		}
		seen[id] = true
	}
	if ph, ok := e["placeholder"]; ok {
		c.text(p+"/placeholder", ph, limits.MaxPlaceholder, true)
	}
	switch typ {
	case "button", "workflow_button":
		c.text(p+"/text", e["text"], limits.MaxButtonLabel, true)
		if s, _ := e["value"].(string); utf8.RuneCountInString(s) > limits.MaxButtonValue {
			c.fail(p+"/value", "must be less than %d characters", limits.MaxButtonValue+1)
		}
		if s, _ := e["url"].(string); len(s) > limits.MaxURL {
			c.fail(p+"/url", "must be less than %d characters", limits.MaxURL+1)
		}
		if st, ok := e["style"].(string); ok && st != "primary" && st != "danger" {
			c.fail(p+"/style", "must be one of primary, danger")
		}
	case "static_select", "multi_static_select":
		opts, hasOpts := e["options"].([]any)
		groups, hasGroups := e["option_groups"].([]any)
		if !hasOpts && !hasGroups {
			c.fail(p, "must provide options or option_groups")
		}
		c.options(p+"/options", opts, limits.MaxSelectOptions, true)
		if len(groups) > limits.MaxSelectOptions {
			c.fail(p+"/option_groups", "no more than %d items allowed", limits.MaxSelectOptions)
		}
		for i, g := range groups {
			gm, _ := g.(map[string]any)
			gp := p + "/option_groups/" + strconv.Itoa(i)
			c.text(gp+"/label", gm["label"], limits.MaxOptionText, true)
			gopts, _ := gm["options"].([]any)
			c.options(gp+"/options", gopts, limits.MaxSelectOptions, true)
		}
	case "overflow":
		opts, _ := e["options"].([]any)
		if len(opts) < 1 {
			c.fail(p+"/options", "must provide at least 1 item")
		}
		c.options(p+"/options", opts, limits.MaxOverflowOptions, true)
	case "checkboxes", "radio_buttons":
		opts, _ := e["options"].([]any)
		if len(opts) < 1 {
			c.fail(p+"/options", "must provide at least 1 item")
		}
		c.options(p+"/options", opts, limits.MaxChoiceOptions, false)
	case "datepicker":
		if d, ok := e["initial_date"].(string); ok && !datePattern.MatchString(d) {
			c.fail(p+"/initial_date", "must be a date in the format YYYY-MM-DD")
		}
	case "timepicker":
		if d, ok := e["initial_time"].(string); ok && !timePattern.MatchString(d) {
			c.fail(p+"/initial_time", "must be a time in the format HH:mm")
		}
	case "plain_text_input":
		if n, ok := e["max_length"].(float64); ok && n > limits.MaxInputText {
			c.fail(p+"/max_length", "must be at most %d", limits.MaxInputText)
		}
	}
}

func (c *blockChecker) options(p string, opts []any, maxItems int, plain bool) {
	if len(opts) > maxItems {
		c.fail(p, "no more than %d items allowed", maxItems)
	}
	values := map[string]bool{}
	for i, o := range opts {
		op := p + "/" + strconv.Itoa(i)
		om, ok := o.(map[string]any)
		if !ok {
			c.fail(op, "must be an option object")
			continue
		}
		c.text(op+"/text", om["text"], limits.MaxOptionText, plain)
		v, _ := om["value"].(string)
		if len(v) > limits.MaxOptionValue {
			c.fail(op+"/value", "must be less than %d characters", limits.MaxOptionValue+1)
		}
		if values[v] {
			c.fail(op+"/value", "duplicate option value %q", v)
		}
		values[v] = true
		if d, ok := om["description"]; ok {
			c.text(op+"/description", d, limits.MaxOptionText, false)
		}
	}
}

// TB is the part of testing.TB that StrictT needs.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

type strictReporter struct {
	t TB
}

// StrictT makes every invalid_blocks answer (and every invalid view or
// response_url message) fail the test t with Slack's reasons. The fake still
// answers invalid_blocks, so the app's error path runs too.
func (s *Server) StrictT(t TB) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.strict.t = t
}

func (s *Server) reportInvalid(method string, errs []string) {
	s.mu.Lock()
	t := s.strict.t
	s.mu.Unlock()
	if t != nil {
		t.Errorf("slackfake: %s rejected with invalid_blocks: %v", method, errs)
	}
}
