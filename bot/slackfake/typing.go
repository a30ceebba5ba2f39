package slackfake

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Type types text into a plain_text_input of the user's view viewID (a modal or the App Home), replacing what the
// input held, as a person typing does. The text stays in the view's state: a later submission, view_closed or
// click carries it. When the input's block has dispatch_action and the element's
// dispatch_action_config.trigger_actions_on holds "on_character_entered", Slack sends block_actions with the input's
// value while the user types (once they pause), and so does Type: the Response is that payload's ack. Otherwise
// nothing is delivered and the Response is empty. Text longer than the input's max_length cannot be typed (Slack's
// client stops at it): Type returns an error and changes nothing.
func (s *Server) Type(ctx context.Context, userID, viewID, blockID, actionID, text string) (Response, error) {
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
	block, el, err := findInput(v, blockID, actionID)
	if err != nil {
		s.mu.Unlock()
		return Response{}, err
	}
	if n, ok := el["max_length"].(float64); ok && utf8.RuneCountInString(text) > int(n) {
		s.mu.Unlock()
		return Response{}, fmt.Errorf("slackfake: input %s/%s takes at most %d characters, not %d", blockID, actionID,
			int(n), utf8.RuneCountInString(text))
	}
	if v.typed == nil {
		v.typed = map[string]map[string]string{}
	}
	if v.typed[blockID] == nil {
		v.typed[blockID] = map[string]string{}
	}
	v.typed[blockID][actionID] = text
	if !dispatchesWhileTyping(block, el) {
		s.mu.Unlock()
		return Response{}, nil
	}
	state, err := viewState(v, nil)
	if err != nil {
		s.mu.Unlock()
		return Response{}, err
	}
	trig := s.newTriggerLocked(userID)
	action := map[string]any{"type": "plain_text_input", "block_id": blockID, "action_id": actionID, "value": text,
		"action_ts": strconv.FormatFloat(float64(time.Now().UnixMicro())/1e6, 'f', 6, 64)}
	p := s.blockActionsLocked(u, trig, action)
	p["container"] = map[string]any{"type": "view", "view_id": v.id}
	p["view"] = s.wireView(v, state)
	s.mu.Unlock()
	return s.sendInteractive(ctx, p, trig, "")
}

// findInput returns the input block blockID of v and its plain_text_input element actionID.
func findInput(v *view, blockID, actionID string) (block, el map[string]any, err error) {
	blocks, _ := v.raw["blocks"].([]any)
	for i, raw := range blocks {
		b, _ := raw.(map[string]any)
		bid, _ := b["block_id"].(string)
		if bid == "" {
			bid = "b" + strconv.Itoa(i)
		}
		if bid != blockID || b["type"] != "input" {
			continue
		}
		e, _ := b["element"].(map[string]any)
		if e == nil || e["action_id"] != actionID {
			continue
		}
		if e["type"] != "plain_text_input" {
			return nil, nil, fmt.Errorf("slackfake: %s/%s is a %v, not a plain_text_input", blockID, actionID, e["type"])
		}
		return b, e, nil
	}
	return nil, nil, fmt.Errorf("slackfake: view %s has no text input %s/%s", v.id, blockID, actionID)
}

// dispatchesWhileTyping reports whether Slack sends block_actions while the user types into el: the input block
// has dispatch_action, and the element triggers on characters entered (the default trigger is on_enter_pressed).
func dispatchesWhileTyping(block, el map[string]any) bool {
	if d, _ := block["dispatch_action"].(bool); !d {
		return false
	}
	cfg, _ := el["dispatch_action_config"].(map[string]any)
	on, _ := cfg["trigger_actions_on"].([]any)
	return slices.Contains(on, any("on_character_entered"))
}

// CloseViewWith closes the user's top modal as CloseView does, with values (block_id -> action_id -> text) typed
// into its text inputs first, without the block_actions typing may send: the last words typed before closing,
// which view_closed carries in view.state.
func (s *Server) CloseViewWith(ctx context.Context, userID string, values map[string]map[string]string) (Response, error) {
	s.mu.Lock()
	if stack := s.modals[userID]; len(stack) > 0 {
		v := s.views[stack[len(stack)-1]]
		for bid, acts := range values {
			for aid, text := range acts {
				if _, _, err := findInput(v, bid, aid); err != nil {
					continue // not a text input (a choice, say): Slack keeps those in state by choosing, not typing
				}
				if v.typed == nil {
					v.typed = map[string]map[string]string{}
				}
				if v.typed[bid] == nil {
					v.typed[bid] = map[string]string{}
				}
				v.typed[bid][aid] = text
			}
		}
	}
	s.mu.Unlock()
	return s.CloseView(ctx, userID)
}
