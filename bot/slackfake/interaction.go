package slackfake

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Response is the app's answer to something the fake delivered.
type Response struct {
	Transport    string // "socket" or "http"
	Type         string // "slash_commands", "interactive" or "events_api"
	EnvelopeID   string
	RetryAttempt int
	// Acked: the app acknowledged (Socket Mode ack, or HTTP 200).
	Acked bool
	// Payload is the ack payload (Socket Mode) or the JSON response body (HTTP).
	Payload json.RawMessage
	// Body and Status are the raw HTTP answer in HTTP mode.
	Body   []byte
	Status int
	// AckLatency is the time from sending to the ack or HTTP response.
	AckLatency time.Duration
	// TriggerID and ResponseURL were issued with a command or block action.
	TriggerID   string
	ResponseURL string
	// EventID is the event_id of an events_api delivery.
	EventID string
	// ResponseAction and Errors are the parsed answer to a view_submission.
	ResponseAction string
	Errors         map[string]string
	// Invalid lists Block Kit problems in what the app answered with
	// (a command's immediate message, a view in response_action).
	Invalid []string

	payload json.RawMessage // what was sent, for Redeliver
}

func newEnvelopeID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// deliver sends an envelope over Socket Mode when a connection is open, else
// over HTTP mode when configured.
func (s *Server) deliver(ctx context.Context, env envelope) (Response, error) {
	var (
		resp Response
		err  error
	)
	switch {
	case s.Connections() > 0:
		resp, err = s.sock.deliver(ctx, env)
	case s.httpConfig() != nil:
		resp, err = s.deliverHTTP(ctx, env)
	default:
		return Response{}, ErrNotConnected
	}
	c := Call{Method: "deliver:" + env.Type, OK: err == nil && resp.Acked, Status: resp.Status,
		Latency: resp.AckLatency}
	if err != nil {
		c.Error = err.Error()
	}
	s.record(c)
	return resp, err
}

// Redeliver sends an earlier delivery again with retry_attempt (Socket Mode)
// or X-Slack-Retry-Num (HTTP) one higher and the given reason, e.g. "timeout"
// or "http_timeout", as Slack does when an app did not ack in time.
func (s *Server) Redeliver(ctx context.Context, prev Response, reason string) (Response, error) {
	if prev.payload == nil {
		return Response{}, fmt.Errorf("redeliver: response has no delivery")
	}
	return s.deliver(ctx, envelope{EnvelopeID: prev.EnvelopeID, Type: prev.Type, Payload: prev.payload,
		AcceptsResponsePayload: prev.Type != "events_api", RetryAttempt: prev.RetryAttempt + 1, RetryReason: reason})
}

func (s *Server) userObjLocked(u *User) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": s.opts.TeamID}
}

func (s *Server) teamObj() map[string]any {
	return map[string]any{"id": s.opts.TeamID, "domain": s.opts.TeamDomain}
}

func (s *Server) activeUserLocked(userID string) (*User, error) {
	u, ok := s.users[userID]
	if !ok || u.Deleted {
		return nil, fmt.Errorf("slackfake: unknown user %q", userID)
	}
	return u, nil
}

// modalUserLocked returns an active user who has a modal open, and their stack of modals, bottom first.
func (s *Server) modalUserLocked(userID string) (*User, []string, error) {
	u, err := s.activeUserLocked(userID)
	if err != nil {
		return nil, nil, err
	}
	stack := s.modals[userID]
	if len(stack) == 0 {
		return nil, nil, fmt.Errorf("slackfake: user %s has no open modal", userID)
	}
	return u, stack, nil
}

// blockActionsLocked is what every block_actions payload holds, whatever the container: who clicked, the app, and
// the trigger_id issued for the click.
func (s *Server) blockActionsLocked(u *User, trig string, action map[string]any) map[string]any {
	return map[string]any{
		"type": "block_actions", "user": s.userObjLocked(u), "api_app_id": s.opts.AppID,
		"token": s.opts.VerificationToken, "trigger_id": trig, "team": s.teamObj(), "enterprise": nil,
		"is_enterprise_install": false, "actions": []any{action},
	}
}

// wireName is the channel_name Slack sends for a conversation: an IM is "directmessage".
func (c *conversation) wireName() string {
	if c.im {
		return "directmessage"
	}
	return c.name
}

// Command sends a slash command typed by a user in a channel or IM, e.g.
// Command(ctx, "U1", "C1", "/casus", "reveal"). A JSON answer in the ack is
// shown like Slack does: ephemeral to the user, or in the channel.
func (s *Server) Command(ctx context.Context, userID, channelID, command, text string) (Response, error) {
	s.mu.Lock()
	u, err := s.activeUserLocked(userID)
	if err != nil {
		s.mu.Unlock()
		return Response{}, err
	}
	c, e := s.resolveLocked(channelID)
	if e != nil {
		s.mu.Unlock()
		return Response{}, fmt.Errorf("slackfake: command in unknown channel %q", channelID)
	}
	trig := s.newTriggerLocked(userID)
	rurl := s.newResponseURLLocked(userID, c.id, "", false)
	fields := map[string]string{
		"token": s.opts.VerificationToken, "team_id": s.opts.TeamID, "team_domain": s.opts.TeamDomain,
		"channel_id": c.id, "channel_name": c.wireName(), "user_id": u.ID, "user_name": u.Name,
		"command": command, "text": text, "api_app_id": s.opts.AppID,
		"response_url": rurl, "trigger_id": trig,
	}
	s.mu.Unlock()
	payload, _ := json.Marshal(fields)
	resp, err := s.deliver(ctx, envelope{EnvelopeID: newEnvelopeID(), Type: "slash_commands", Payload: payload,
		AcceptsResponsePayload: true})
	resp.TriggerID, resp.ResponseURL = trig, rurl
	if err != nil || !resp.Acked {
		return resp, err
	}
	s.applyCommandAnswer(&resp, c.id, userID)
	return resp, nil
}

// applyCommandAnswer shows a command's immediate answer, as Slack does with a
// JSON ack payload or HTTP body; plain text becomes an ephemeral message.
func (s *Server) applyCommandAnswer(resp *Response, channelID, userID string) {
	var msg responseMessage
	switch {
	case len(resp.Payload) > 0:
		if json.Unmarshal(resp.Payload, &msg) != nil {
			return
		}
	case resp.Transport == "http" && len(strings.TrimSpace(string(resp.Body))) > 0:
		msg.Text = string(resp.Body)
	default:
		return
	}
	if msg.Text == "" && len(msg.Blocks) == 0 {
		return
	}
	msg.ReplaceOriginal, msg.DeleteOriginal = false, false
	blocks, code, errs := prepareResponseBlocks(msg)
	var changed string
	if code == "" {
		s.mu.Lock()
		changed, _ = s.applyResponseLocked(&responseURL{user: userID, channel: channelID}, msg, blocks)
		s.mu.Unlock()
	}
	if len(errs) > 0 {
		resp.Invalid = errs
		s.reportInvalid("slash command answer", errs)
	}
	s.changed(changed)
}

// Click presses a button (or picks from a select, overflow, datepicker...)
// with the given action_id in a message or ephemeral message identified by
// channel and ts. When several elements share the action_id, value picks the
// button with that value; for selects and pickers value is the choice.
func (s *Server) Click(ctx context.Context, userID, channelID, ts, actionID, value string) (Response, error) {
	s.mu.Lock()
	u, err := s.activeUserLocked(userID)
	if err != nil {
		s.mu.Unlock()
		return Response{}, err
	}
	var m *Message
	if c, ok := s.convs[channelID]; ok {
		m = c.byTS[ts]
	}
	if m == nil {
		for _, e := range s.ephemerals[userID] {
			if e.TS == ts && e.Conversation == channelID && !e.deleted {
				m = e
			}
		}
	}
	if m == nil {
		s.mu.Unlock()
		return Response{}, fmt.Errorf("slackfake: no message %s in %s for %s", ts, channelID, userID)
	}
	acts, err := m.actionsLocked()
	if err != nil {
		s.mu.Unlock()
		return Response{}, err
	}
	action, err := acts.find(actionID, value)
	if err != nil {
		s.mu.Unlock()
		return Response{}, err
	}
	trig := s.newTriggerLocked(userID)
	rurl := s.newResponseURLLocked(userID, channelID, m.TS, m.Ephemeral)
	chName := ""
	if c, ok := s.convs[channelID]; ok {
		chName = c.wireName()
	}
	click := messageClick{user: *u, channelID: channelID, channelName: chName, ts: m.TS, ephemeral: m.Ephemeral,
		trigger: trig, responseURL: rurl, action: action}
	if !m.Ephemeral {
		click.message = s.wireLocked(m, true)
	}
	s.mu.Unlock()
	payload, err := s.appendClickPayload(make([]byte, 0, 1024+len(click.message.Blocks)), click)
	if err != nil {
		return Response{}, fmt.Errorf("encode interaction: %w", err)
	}
	return s.deliverInteractive(ctx, payload, trig, rurl)
}

// messageClick is what a block_actions payload from a message says, taken under the lock.
type messageClick struct {
	user                       User
	channelID, channelName, ts string
	ephemeral                  bool
	trigger, responseURL       string
	action                     map[string]any
	message                    wireMessage // unless ephemeral
}

// appendClickPayload appends the block_actions payload of a click in a message: the same document that
// blockActionsLocked and a map of the message's container, channel and state marshal to, keys in the same order.
func (s *Server) appendClickPayload(b []byte, c messageClick) ([]byte, error) {
	b = append(b, `{"actions":[`...)
	b, err := appendJSONValue(b, c.action)
	if err != nil {
		return nil, err
	}
	b = append(b, `],"api_app_id":`...)
	b = appendJSONString(b, s.opts.AppID)
	b = append(b, `,"channel":{"id":`...)
	b = appendJSONString(b, c.channelID)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, c.channelName)
	b = append(b, `},"container":{"channel_id":`...)
	b = appendJSONString(b, c.channelID)
	b = append(b, `,"is_ephemeral":`...)
	b = strconv.AppendBool(b, c.ephemeral)
	b = append(b, `,"message_ts":`...)
	b = appendJSONString(b, c.ts)
	b = append(b, `,"type":"message"},"enterprise":null,"is_enterprise_install":false`...)
	if !c.ephemeral {
		b = append(b, `,"message":`...)
		if b, err = appendWireMessage(b, c.message); err != nil {
			return nil, err
		}
	}
	b = append(b, `,"response_url":`...)
	b = appendJSONString(b, c.responseURL)
	b = append(b, `,"state":{"values":{}},"team":{"domain":`...)
	b = appendJSONString(b, s.opts.TeamDomain)
	b = append(b, `,"id":`...)
	b = appendJSONString(b, s.opts.TeamID)
	b = append(b, `},"token":`...)
	b = appendJSONString(b, s.opts.VerificationToken)
	b = append(b, `,"trigger_id":`...)
	b = appendJSONString(b, c.trigger)
	b = append(b, `,"type":"block_actions","user":{"id":`...)
	b = appendJSONString(b, c.user.ID)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, c.user.Name)
	b = append(b, `,"team_id":`...)
	b = appendJSONString(b, s.opts.TeamID)
	b = append(b, `,"username":`...)
	b = appendJSONString(b, c.user.Name)
	return append(b, "}}"...), nil
}

// Select picks an option of a select menu in a message; it is Click for selects.
func (s *Server) Select(ctx context.Context, userID, channelID, ts, actionID, optionValue string) (Response, error) {
	return s.Click(ctx, userID, channelID, ts, actionID, optionValue)
}

// ClickView presses an element in a modal or App Home view (block_actions
// with a view container), with the view's current state.
func (s *Server) ClickView(ctx context.Context, userID, viewID, actionID, value string) (Response, error) {
	s.mu.Lock()
	u, err := s.activeUserLocked(userID)
	if err != nil {
		s.mu.Unlock()
		return Response{}, err
	}
	v, ok := s.views[viewID]
	if !ok || v.user != userID {
		s.mu.Unlock()
		return Response{}, fmt.Errorf("slackfake: user %s has no view %s", userID, viewID)
	}
	blocks, _ := json.Marshal(v.raw["blocks"])
	action, err := findAction(blocks, actionID, value)
	if err != nil {
		s.mu.Unlock()
		return Response{}, err
	}
	state, err := viewState(v, nil)
	if err != nil {
		s.mu.Unlock()
		return Response{}, err
	}
	trig := s.newTriggerLocked(userID)
	p := s.blockActionsLocked(u, trig, action)
	p["container"] = map[string]any{"type": "view", "view_id": v.id}
	p["view"] = s.wireView(v, state)
	s.mu.Unlock()
	return s.sendInteractive(ctx, p, trig, "")
}

// ClickHome presses an element on the user's App Home tab.
func (s *Server) ClickHome(ctx context.Context, userID, actionID, value string) (Response, error) {
	s.mu.Lock()
	id := s.homes[userID]
	s.mu.Unlock()
	if id == "" {
		return Response{}, fmt.Errorf("slackfake: user %s has no home view", userID)
	}
	return s.ClickView(ctx, userID, id, actionID, value)
}

func (s *Server) sendInteractive(ctx context.Context, p map[string]any, trig, rurl string) (Response, error) {
	payload, err := json.Marshal(p)
	if err != nil {
		return Response{}, fmt.Errorf("encode interaction: %w", err)
	}
	return s.deliverInteractive(ctx, payload, trig, rurl)
}

// deliverInteractive delivers an interaction payload (JSON) and notes the trigger_id and response_url issued with it.
func (s *Server) deliverInteractive(ctx context.Context, payload []byte, trig, rurl string) (Response, error) {
	resp, err := s.deliver(ctx, envelope{EnvelopeID: newEnvelopeID(), Type: "interactive", Payload: payload,
		AcceptsResponsePayload: true})
	resp.TriggerID, resp.ResponseURL = trig, rurl
	return resp, err
}

// SubmitView submits the user's modal (viewID "" means the top one) with
// values by block_id and action_id. A value is the text of a text input, the
// option value of a select or radio group, comma-separated option values for
// checkboxes and multi-selects, "2025-01-31" for a datepicker, "09:30" for a
// timepicker, or a user/conversation ID. Inputs left out keep their initial
// value. The ack's response_action is applied like Slack: errors keep the
// modal, update/push/clear change the stack, none closes it.
func (s *Server) SubmitView(ctx context.Context, userID, viewID string, values map[string]map[string]string) (Response, error) {
	s.mu.Lock()
	u, stack, err := s.modalUserLocked(userID)
	if err != nil {
		s.mu.Unlock()
		return Response{}, err
	}
	if viewID == "" {
		viewID = stack[len(stack)-1]
	}
	if stack[len(stack)-1] != viewID {
		s.mu.Unlock()
		return Response{}, fmt.Errorf("slackfake: view %s is not the top modal of %s", viewID, userID)
	}
	v := s.views[viewID]
	state, err := viewState(v, values)
	if err != nil {
		s.mu.Unlock()
		return Response{}, err
	}
	trig := s.newTriggerLocked(userID)
	p := map[string]any{
		"type": "view_submission", "team": s.teamObj(), "user": s.userObjLocked(u), "api_app_id": s.opts.AppID,
		"token": s.opts.VerificationToken, "trigger_id": trig, "view": s.wireView(v, state),
		"response_urls": []any{}, "is_enterprise_install": false, "enterprise": nil,
	}
	s.mu.Unlock()
	resp, err := s.sendInteractive(ctx, p, trig, "")
	if err != nil || !resp.Acked {
		return resp, err
	}
	s.applySubmitAnswer(&resp, userID, viewID)
	return resp, nil
}

func (s *Server) applySubmitAnswer(resp *Response, userID, viewID string) {
	var ans struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
		View           json.RawMessage   `json:"view"`
	}
	if len(resp.Payload) > 0 {
		_ = json.Unmarshal(resp.Payload, &ans)
	}
	resp.ResponseAction, resp.Errors = ans.ResponseAction, ans.Errors
	var raw map[string]any
	if ans.ResponseAction == "update" || ans.ResponseAction == "push" {
		if errs := ValidateView(ans.View); len(errs) > 0 {
			resp.Invalid = errs
			s.reportInvalid("view_submission response_action "+ans.ResponseAction, errs)
			return
		}
		_ = json.Unmarshal(ans.View, &raw)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stack := s.modals[userID]
	switch ans.ResponseAction {
	case "errors":
	case "update":
		if v, ok := s.views[viewID]; ok {
			_ = s.replaceLocked(v, raw, "") // without a hash there is no conflict
		}
	case "push":
		if len(stack) < maxModalStack {
			s.pushLocked(userID, raw)
		} else {
			resp.Invalid = []string{"push_limit_reached"}
		}
	case "clear":
		s.clearModalsLocked(userID)
	default:
		s.popModalLocked(userID)
	}
}

func (s *Server) popModalLocked(userID string) {
	stack := s.modals[userID]
	if len(stack) == 0 {
		return
	}
	delete(s.views, stack[len(stack)-1])
	if len(stack) == 1 {
		delete(s.modals, userID)
		return
	}
	s.modals[userID] = stack[:len(stack)-1]
}

func (s *Server) clearModalsLocked(userID string) {
	for _, id := range s.modals[userID] {
		delete(s.views, id)
	}
	delete(s.modals, userID)
}

// CloseView closes the user's top modal as the Cancel button or "x" does.
// With notify_on_close the app gets view_closed, and the Response is its ack;
// otherwise nothing is delivered and the Response is empty.
func (s *Server) CloseView(ctx context.Context, userID string) (Response, error) {
	s.mu.Lock()
	u, stack, err := s.modalUserLocked(userID)
	if err != nil {
		s.mu.Unlock()
		return Response{}, err
	}
	v := s.views[stack[len(stack)-1]]
	state, _ := viewState(v, nil)
	wire := s.wireView(v, state)
	cleared := v.clearOnClose
	notify := v.notifyOnClose
	if cleared {
		s.clearModalsLocked(userID)
	} else {
		s.popModalLocked(userID)
	}
	p := map[string]any{"type": "view_closed", "team": s.teamObj(), "user": s.userObjLocked(u),
		"api_app_id": s.opts.AppID, "token": s.opts.VerificationToken, "view": wire, "is_cleared": cleared,
		"is_enterprise_install": false, "enterprise": nil}
	s.mu.Unlock()
	if !notify {
		return Response{}, nil
	}
	return s.sendInteractive(ctx, p, "", "")
}

// Event delivers an Events API event (the inner "event" object, e.g.
// {"type":"app_home_opened","user":"U1",...}) wrapped in event_callback with
// a fresh event_id. A missing event_ts is filled in.
func (s *Server) Event(ctx context.Context, event map[string]any) (Response, error) {
	return s.teamEvent(ctx, s.opts.TeamID, event)
}

// teamEvent delivers an Events API event of the workspace team.
func (s *Server) teamEvent(ctx context.Context, team string, event map[string]any) (Response, error) {
	s.mu.Lock()
	now := s.opts.Now()
	if _, ok := event["event_ts"]; !ok {
		event["event_ts"] = s.newTSLocked()
	}
	eventID := s.newIDLocked("Ev")
	s.mu.Unlock()
	outer := map[string]any{
		"token": s.opts.VerificationToken, "team_id": team, "api_app_id": s.opts.AppID,
		"event": event, "type": "event_callback", "event_id": eventID, "event_time": now.Unix(),
		"authorizations": []any{map[string]any{"enterprise_id": nil, "team_id": team,
			"user_id": s.opts.BotUserID, "is_bot": true, "is_enterprise_install": false}},
		"is_ext_shared_channel": false,
		"event_context":         "4-" + base64URL(fmt.Sprint(event["type"], ":", eventID)),
	}
	payload, err := json.Marshal(outer)
	if err != nil {
		return Response{}, fmt.Errorf("encode event: %w", err)
	}
	resp, err := s.deliver(ctx, envelope{EnvelopeID: newEnvelopeID(), Type: "events_api", Payload: payload})
	resp.EventID = eventID
	return resp, err
}

// OpenHome sends app_home_opened for the user's Home tab, with the
// published home view when there is one.
func (s *Server) OpenHome(ctx context.Context, userID string) (Response, error) {
	s.mu.Lock()
	if _, err := s.activeUserLocked(userID); err != nil {
		s.mu.Unlock()
		return Response{}, err
	}
	ev := map[string]any{"type": "app_home_opened", "user": userID, "channel": s.imLocked(userID).id,
		"tab": "home"}
	if v, ok := s.views[s.homes[userID]]; ok {
		ev["view"] = s.wireView(v, nil)
	}
	s.mu.Unlock()
	return s.Event(ctx, ev)
}

// Say posts a message as a user in a channel or IM (a user ID means their IM
// with the bot) and delivers the "message" event (message.im, message.channels).
func (s *Server) Say(ctx context.Context, userID, channelID, text string) (Response, error) {
	s.mu.Lock()
	if _, err := s.activeUserLocked(userID); err != nil {
		s.mu.Unlock()
		return Response{}, err
	}
	c, e := s.resolveLocked(channelID)
	if e != nil {
		s.mu.Unlock()
		return Response{}, fmt.Errorf("slackfake: unknown channel %q", channelID)
	}
	if c.im && channelID != c.id && c.user != userID {
		s.mu.Unlock()
		return Response{}, fmt.Errorf("slackfake: %s cannot write in another user's IM", userID)
	}
	m := &Message{Conversation: c.id, TS: s.newTSLocked(), User: userID, Text: text}
	c.appendLocked(m)
	chType := "channel"
	switch {
	case c.im:
		chType = "im"
	case c.private:
		chType = "group"
	}
	s.mu.Unlock()
	s.changed(c.id)
	return s.Event(ctx, map[string]any{"type": "message", "channel": c.id, "user": userID, "text": text,
		"ts": m.TS, "event_ts": m.TS, "channel_type": chType, "team": s.opts.TeamID})
}

// actionIndex holds the interactive elements of a message's blocks by action_id, in the order of the blocks, so
// that a click finds its element without decoding the blocks again.
type actionIndex struct {
	blocks json.RawMessage // the blocks it was built from
	byID   map[string][]actionElement
}

// actionElement is an element with an action_id and the block_id of its block ("b<i>" when the block has none).
type actionElement struct {
	blockID string
	el      map[string]any
}

// newActionIndex indexes decoded blocks; raw is their JSON as stored.
func newActionIndex(raw json.RawMessage, list []any) *actionIndex {
	ix := &actionIndex{blocks: raw, byID: map[string][]actionElement{}}
	for i, b := range list {
		bm, _ := b.(map[string]any)
		ix.addBlock(i, bm)
	}
	return ix
}

func (ix *actionIndex) addBlock(i int, b map[string]any) {
	bid, _ := b["block_id"].(string)
	if bid == "" {
		bid = "b" + strconv.Itoa(i)
	}
	for _, el := range blockElements(b) {
		// An action_id that is not a string never equals the one clicked.
		if id, ok := el["action_id"].(string); ok {
			ix.byID[id] = append(ix.byID[id], actionElement{blockID: bid, el: el})
		}
	}
}

// indexActions decodes blocks and indexes their actions.
func indexActions(blocks json.RawMessage) (*actionIndex, error) {
	var list []map[string]any
	if len(blocks) > 0 {
		if err := json.Unmarshal(blocks, &list); err != nil {
			return nil, fmt.Errorf("slackfake: unreadable blocks: %w", err)
		}
	}
	ix := &actionIndex{blocks: blocks, byID: map[string][]actionElement{}}
	for i, b := range list {
		ix.addBlock(i, b)
	}
	return ix, nil
}

// belongsTo reports whether the index belongs to these blocks (the same bytes, not merely equal ones).
func (ix *actionIndex) belongsTo(blocks json.RawMessage) bool {
	return ix != nil && len(ix.blocks) == len(blocks) && (len(blocks) == 0 || &ix.blocks[0] == &blocks[0])
}

// actionsLocked returns m's action index, building it when m's blocks changed without one.
func (m *Message) actionsLocked() (*actionIndex, error) {
	if m.acts.belongsTo(m.Blocks) {
		return m.acts, nil
	}
	ix, err := indexActions(m.Blocks)
	if err != nil {
		return nil, err
	}
	m.acts = ix
	return ix, nil
}

// findAction finds the element with actionID in blocks and builds the
// block_actions "actions" entry for choosing value.
func findAction(blocks json.RawMessage, actionID, value string) (map[string]any, error) {
	ix, err := indexActions(blocks)
	if err != nil {
		return nil, err
	}
	return ix.find(actionID, value)
}

// find builds the block_actions "actions" entry for choosing value in the element with actionID. When several
// elements share the action_id, value picks the button with that value.
func (ix *actionIndex) find(actionID, value string) (map[string]any, error) {
	candidates := ix.byID[actionID]
	if len(candidates) == 0 {
		return nil, fmt.Errorf("slackfake: no element with action_id %q", actionID)
	}
	for _, c := range candidates {
		el := c.el
		typ, _ := el["type"].(string)
		if typ == "button" && value != "" && el["value"] != value {
			continue
		}
		st, err := elementValue(el, value, true)
		if err != nil {
			if len(candidates) > 1 {
				continue
			}
			return nil, err
		}
		st["action_id"] = actionID
		st["block_id"] = c.blockID
		st["action_ts"] = strconv.FormatFloat(float64(time.Now().UnixMicro())/1e6, 'f', 6, 64)
		if typ == "button" {
			st["text"] = el["text"]
			st["value"] = el["value"]
			if style, ok := el["style"]; ok {
				st["style"] = style
			}
		}
		return st, nil
	}
	return nil, fmt.Errorf("slackfake: no element with action_id %q and value %q", actionID, value)
}

func blockElements(b map[string]any) []map[string]any {
	var out []map[string]any
	if acc, ok := b["accessory"].(map[string]any); ok {
		out = append(out, acc)
	}
	if el, ok := b["element"].(map[string]any); ok {
		out = append(out, el)
	}
	if els, ok := b["elements"].([]any); ok && b["type"] == "actions" {
		for _, e := range els {
			if em, ok := e.(map[string]any); ok {
				out = append(out, em)
			}
		}
	}
	return out
}

// elementValue builds an element's state for a chosen value ("" with
// initial=false means untouched: Slack's null values).
func elementValue(el map[string]any, value string, set bool) (map[string]any, error) {
	typ, _ := el["type"].(string)
	st := map[string]any{"type": typ}
	switch typ {
	case "button":
	case "plain_text_input", "email_text_input", "url_text_input", "number_input":
		st["value"] = nilIfUnset(value, set)
	case "static_select", "radio_buttons", "overflow", "external_select":
		if !set {
			st["selected_option"] = nil
			break
		}
		o, ok := findOption(el, value)
		if !ok {
			return nil, fmt.Errorf("slackfake: %s %q has no option %q", typ, el["action_id"], value)
		}
		st["selected_option"] = o
	case "multi_static_select", "checkboxes", "multi_external_select":
		selected := []any{}
		if set && value != "" {
			for _, v := range strings.Split(value, ",") {
				o, ok := findOption(el, v)
				if !ok {
					return nil, fmt.Errorf("slackfake: %s %q has no option %q", typ, el["action_id"], v)
				}
				selected = append(selected, o)
			}
		}
		st["selected_options"] = selected
	case "datepicker":
		if set && !datePattern.MatchString(value) {
			return nil, fmt.Errorf("slackfake: datepicker value %q is not YYYY-MM-DD", value)
		}
		st["selected_date"] = nilIfUnset(value, set)
	case "timepicker":
		if set && !timePattern.MatchString(value) {
			return nil, fmt.Errorf("slackfake: timepicker value %q is not HH:mm", value)
		}
		st["selected_time"] = nilIfUnset(value, set)
	case "users_select":
		st["selected_user"] = nilIfUnset(value, set)
	case "conversations_select":
		st["selected_conversation"] = nilIfUnset(value, set)
	case "channels_select":
		st["selected_channel"] = nilIfUnset(value, set)
	case "multi_users_select":
		st["selected_users"] = splitList(value, set)
	case "multi_conversations_select":
		st["selected_conversations"] = splitList(value, set)
	case "multi_channels_select":
		st["selected_channels"] = splitList(value, set)
	case "datetimepicker":
		if set {
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("slackfake: datetimepicker value %q is not a unix time", value)
			}
			st["selected_date_time"] = n
		} else {
			st["selected_date_time"] = nil
		}
	default:
		return nil, fmt.Errorf("slackfake: element type %q cannot be used", typ)
	}
	return st, nil
}

func nilIfUnset(v string, set bool) any {
	if !set {
		return nil
	}
	return v
}

func splitList(v string, set bool) []string {
	if !set || v == "" {
		return []string{}
	}
	return strings.Split(v, ",")
}

func findOption(el map[string]any, value string) (map[string]any, bool) {
	var opts []any
	if o, ok := el["options"].([]any); ok {
		opts = append(opts, o...)
	}
	if groups, ok := el["option_groups"].([]any); ok {
		for _, g := range groups {
			if gm, ok := g.(map[string]any); ok {
				if o, ok := gm["options"].([]any); ok {
					opts = append(opts, o...)
				}
			}
		}
	}
	for _, o := range opts {
		if om, ok := o.(map[string]any); ok && om["value"] == value {
			return map[string]any{"text": om["text"], "value": om["value"]}, true
		}
	}
	return nil, false
}

// initialValue is the value an element starts with, for state of untouched inputs.
func initialValue(el map[string]any) (string, bool) {
	for _, k := range []string{"initial_value", "initial_date", "initial_time", "initial_user",
		"initial_conversation", "initial_channel"} {
		if v, ok := el[k].(string); ok {
			return v, true
		}
	}
	if o, ok := el["initial_option"].(map[string]any); ok {
		v, _ := o["value"].(string)
		return v, true
	}
	if os, ok := el["initial_options"].([]any); ok {
		var vs []string
		for _, o := range os {
			if om, ok := o.(map[string]any); ok {
				v, _ := om["value"].(string)
				vs = append(vs, v)
			}
		}
		return strings.Join(vs, ","), true
	}
	if us, ok := el["initial_users"].([]any); ok {
		var vs []string
		for _, u := range us {
			v, _ := u.(string)
			vs = append(vs, v)
		}
		return strings.Join(vs, ","), true
	}
	if n, ok := el["initial_date_time"].(float64); ok {
		return strconv.FormatInt(int64(n), 10), true
	}
	return "", false
}

// viewState builds state.values for a view: every stateful element, filled
// from values or its initial value.
func viewState(v *view, values map[string]map[string]string) (map[string]any, error) {
	out := map[string]any{}
	used := map[string]bool{}
	blocks, _ := v.raw["blocks"].([]any)
	for i, raw := range blocks {
		b, _ := raw.(map[string]any)
		if b == nil {
			continue
		}
		bid, _ := b["block_id"].(string)
		if bid == "" {
			bid = "b" + strconv.Itoa(i)
		}
		for _, el := range blockElements(b) {
			typ, _ := el["type"].(string)
			aid, _ := el["action_id"].(string)
			if typ == "button" || typ == "overflow" || typ == "workflow_button" || typ == "image" || aid == "" {
				continue
			}
			val, set := values[bid][aid]
			if set {
				used[bid+"\x00"+aid] = true
			} else if t, ok := v.typed[bid][aid]; ok {
				val, set = t, true
			} else {
				val, set = initialValue(el)
			}
			st, err := elementValue(el, val, set)
			if err != nil {
				return nil, err
			}
			blockState, _ := out[bid].(map[string]any)
			if blockState == nil {
				blockState = map[string]any{}
				out[bid] = blockState
			}
			blockState[aid] = st
		}
	}
	var unknown []string
	for bid, acts := range values {
		for aid := range acts {
			if !used[bid+"\x00"+aid] {
				unknown = append(unknown, bid+"/"+aid)
			}
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Errorf("slackfake: view %s has no inputs %v", v.id, unknown)
	}
	return map[string]any{"values": out}, nil
}

// ClickAgain is a second click on the message as the user still sees it, the way a double click reaches Slack:
// prev's payload again (the same message, the same action), as a new interaction with a trigger_id of its own —
// not a redelivery. It does not matter whether the bot has replaced the message since.
func (s *Server) ClickAgain(ctx context.Context, prev Response) (Response, error) {
	if prev.payload == nil || prev.Type != "interactive" {
		return Response{}, fmt.Errorf("click again: response is not of a click")
	}
	var p map[string]any
	if err := json.Unmarshal(prev.payload, &p); err != nil {
		return Response{}, fmt.Errorf("click again: %w", err)
	}
	user, _ := p["user"].(map[string]any)
	userID, _ := user["id"].(string)
	s.mu.Lock()
	trig := s.newTriggerLocked(userID)
	s.mu.Unlock()
	p["trigger_id"] = trig
	rurl, _ := p["response_url"].(string)
	return s.sendInteractive(ctx, p, trig, rurl)
}
