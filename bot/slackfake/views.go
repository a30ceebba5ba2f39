package slackfake

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// maxModalStack is Slack's limit of modals stacked on top of each other.
const maxModalStack = 3

// View is a modal or App Home view as the fake holds it.
type View struct {
	ID              string
	Type            string // "modal" or "home"
	User            string
	CallbackID      string
	ExternalID      string
	PrivateMetadata string
	Hash            string
	RootViewID      string
	PreviousViewID  string
	Title           string
	Blocks          json.RawMessage
	// JSON is the whole view object as Slack's API returns it.
	JSON json.RawMessage
}

type view struct {
	id, user, typ   string
	hash            string
	rootID, prevID  string
	raw             map[string]any // the view as the app sent it
	notifyOnClose   bool
	externalID      string
	callbackID      string
	privateMetadata string
	clearOnClose    bool
	// typed holds what the user typed into the view's text inputs (block_id -> action_id -> text), as Slack keeps
	// it in view.state until the view is submitted or closed, across views.update for blocks that keep their ids.
	typed map[string]map[string]string
}

type trigger struct {
	user    string
	expires time.Time
	used    bool
}

// newTriggerLocked issues a trigger_id for a user, valid for Options.TriggerTTL.
func (s *Server) newTriggerLocked(userID string) string {
	s.ids++
	id := fmt.Sprintf("%d.%d.%016x", s.opts.Now().Unix(), s.ids, s.ids*0x9e3779b97f4a7c15)
	s.triggers[id] = trigger{user: userID, expires: s.opts.WallNow().Add(s.opts.TriggerTTL)}
	// Expired triggers are swept when the map has doubled since the last sweep (and holds more than 4096), so
	// that many clicks within one TTL do not each walk the whole map.
	if len(s.triggers) > max(4096, 2*s.triggersKept) {
		now := s.opts.WallNow()
		for k, t := range s.triggers {
			if now.After(t.expires) {
				delete(s.triggers, k)
			}
		}
		s.triggersKept = len(s.triggers)
	}
	return id
}

// useTriggerLocked spends a trigger_id, as Slack allows each one once.
func (s *Server) useTriggerLocked(id string) (string, *apiError) {
	t, ok := s.triggers[id]
	switch {
	case id == "" || !ok:
		return "", fail("invalid_trigger_id")
	case t.used:
		return "", fail("exchanged_trigger_id")
	case s.opts.WallNow().After(t.expires):
		return "", fail("expired_trigger_id")
	}
	t.used = true
	s.triggers[id] = t
	return t.user, nil
}

// parseView validates a "view" argument.
func (s *Server) parseView(method, v string, wantType string) (map[string]any, *apiError) {
	if strings.TrimSpace(v) == "" {
		return nil, fail("invalid_arguments")
	}
	if errs := ValidateView(json.RawMessage(v)); len(errs) > 0 {
		s.reportInvalid(method, errs)
		return nil, &apiError{code: "invalid_blocks", errs: errs}
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(v), &raw); err != nil {
		return nil, fail("invalid_arguments")
	}
	if wantType != "" && raw["type"] != wantType {
		return nil, &apiError{code: "invalid_arguments", errs: []string{"view type must be " + wantType}}
	}
	return raw, nil
}

func (s *Server) newViewLocked(user string, raw map[string]any) *view {
	v := &view{id: s.newIDLocked("V"), user: user}
	v.set(raw)
	v.hash = s.newHashLocked()
	s.views[v.id] = v
	return v
}

func (v *view) set(raw map[string]any) {
	v.raw = raw
	v.typ, _ = raw["type"].(string)
	v.externalID, _ = raw["external_id"].(string)
	v.callbackID, _ = raw["callback_id"].(string)
	v.privateMetadata, _ = raw["private_metadata"].(string)
	v.notifyOnClose, _ = raw["notify_on_close"].(bool)
	v.clearOnClose, _ = raw["clear_on_close"].(bool)
}

func (s *Server) newHashLocked() string {
	s.ids++
	return fmt.Sprintf("%d.%08x", s.opts.Now().Unix(), s.ids*0x85ebca6b)
}

// wireLocked renders the view object Slack returns, with the given state.
func (s *Server) wireView(v *view, state map[string]any) map[string]any {
	w := make(map[string]any, len(v.raw)+12)
	for k, val := range v.raw {
		w[k] = val
	}
	if _, ok := w["blocks"]; !ok {
		w["blocks"] = []any{}
	}
	if state == nil {
		state = map[string]any{"values": map[string]any{}}
	}
	w["id"] = v.id
	t := s.userTeamLocked(v.user)
	w["team_id"] = t.ID
	w["type"] = v.typ
	w["state"] = state
	w["hash"] = v.hash
	w["private_metadata"] = v.privateMetadata
	w["callback_id"] = v.callbackID
	w["external_id"] = v.externalID
	w["root_view_id"] = v.rootID
	w["previous_view_id"] = nilIfEmpty(v.prevID)
	w["app_id"] = s.opts.AppID
	w["bot_id"] = t.BotID
	w["app_installed_team_id"] = t.ID
	w["clear_on_close"] = v.clearOnClose
	w["notify_on_close"] = v.notifyOnClose
	return w
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// triggeredModal answers views.open and views.push: it reads the request's modal, spends its trigger_id and,
// under the lock, lets place put the view on the stack of the user the trigger was issued to.
func (s *Server) triggeredModal(r *apiRequest, place func(user string, raw map[string]any) (*view, *apiError)) (map[string]any, *apiError) {
	raw, e := s.parseView(r.method, r.params.Get("view"), "modal")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	user, e := s.useTriggerLocked(r.params.Get("trigger_id"))
	if e != nil {
		return nil, e
	}
	if s.userTeamLocked(user) != r.team {
		// A trigger is issued to the app in the workspace where the user acted.
		return nil, fail("invalid_trigger_id")
	}
	v, e := place(user, raw)
	if e != nil {
		return nil, e
	}
	return map[string]any{"view": s.wireView(v, nil)}, nil
}

func (s *Server) viewsOpen(r *apiRequest) (map[string]any, *apiError) {
	return s.triggeredModal(r, func(user string, raw map[string]any) (*view, *apiError) {
		for _, id := range s.modals[user] {
			delete(s.views, id)
		}
		v := s.newViewLocked(user, raw)
		v.rootID = v.id
		s.modals[user] = []string{v.id}
		return v, nil
	})
}

func (s *Server) viewsPush(r *apiRequest) (map[string]any, *apiError) {
	return s.triggeredModal(r, func(user string, raw map[string]any) (*view, *apiError) {
		stack := s.modals[user]
		if len(stack) == 0 {
			return nil, fail("not_found")
		}
		if len(stack) >= maxModalStack {
			return nil, fail("push_limit_reached")
		}
		return s.pushLocked(user, raw), nil
	})
}

func (s *Server) pushLocked(user string, raw map[string]any) *view {
	stack := s.modals[user]
	v := s.newViewLocked(user, raw)
	v.rootID = stack[0]
	v.prevID = stack[len(stack)-1]
	s.modals[user] = append(stack, v.id)
	return v
}

func (s *Server) viewsUpdate(r *apiRequest) (map[string]any, *apiError) {
	raw, e := s.parseView(r.method, r.params.Get("view"), "")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var v *view
	if id := r.params.Get("view_id"); id != "" {
		v = s.views[id]
	} else if ext := r.params.Get("external_id"); ext != "" {
		for _, cand := range s.views {
			if cand.externalID == ext {
				v = cand
				break
			}
		}
	} else {
		return nil, fail("invalid_arguments")
	}
	if v == nil || s.userTeamLocked(v.user) != r.team {
		return nil, fail("not_found")
	}
	if raw["type"] != v.typ {
		return nil, &apiError{code: "invalid_arguments", errs: []string{"view type cannot change"}}
	}
	if e := s.replaceLocked(v, raw, r.params.Get("hash")); e != nil {
		return nil, e
	}
	return map[string]any{"view": s.wireView(v, nil)}, nil
}

// replaceLocked gives v the content raw and a new hash, unless hash is set and is not v's: then the view changed
// since the app last saw it, and Slack refuses with hash_conflict.
func (s *Server) replaceLocked(v *view, raw map[string]any, hash string) *apiError {
	if hash != "" && hash != v.hash {
		return fail("hash_conflict")
	}
	v.set(raw)
	v.hash = s.newHashLocked()
	return nil
}

func (s *Server) viewsPublish(r *apiRequest) (map[string]any, *apiError) {
	raw, e := s.parseView(r.method, r.params.Get("view"), "home")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	user := r.params.Get("user_id")
	if u, ok := s.userLocked(r.team, user); !ok || u.Deleted {
		return nil, fail("user_not_found")
	}
	v, ok := s.views[s.homes[user]]
	if ok {
		if e := s.replaceLocked(v, raw, r.params.Get("hash")); e != nil {
			return nil, e
		}
	} else {
		v = s.newViewLocked(user, raw)
		v.rootID = v.id
		s.homes[user] = v.id
	}
	return map[string]any{"view": s.wireView(v, nil)}, nil
}

// Views returns a user's open modals, bottom of the stack first, and then
// their App Home view if one was published.
func (s *Server) Views(userID string) []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []View
	for _, id := range s.modals[userID] {
		out = append(out, s.exportView(s.views[id]))
	}
	if v, ok := s.views[s.homes[userID]]; ok {
		out = append(out, s.exportView(v))
	}
	return out
}

// Home returns a user's App Home view.
func (s *Server) Home(userID string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.views[s.homes[userID]]
	if !ok {
		return View{}, false
	}
	return s.exportView(v), true
}

// TopModal returns the modal a user sees, the top of their stack.
func (s *Server) TopModal(userID string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stack := s.modals[userID]
	if len(stack) == 0 {
		return View{}, false
	}
	return s.exportView(s.views[stack[len(stack)-1]]), true
}

func (s *Server) exportView(v *view) View {
	whole, _ := json.Marshal(s.wireView(v, nil))
	blocks, _ := json.Marshal(v.raw["blocks"])
	title := ""
	if t, ok := v.raw["title"].(map[string]any); ok {
		title, _ = t["text"].(string)
	}
	return View{ID: v.id, Type: v.typ, User: v.user, CallbackID: v.callbackID, ExternalID: v.externalID,
		PrivateMetadata: v.privateMetadata, Hash: v.hash, RootViewID: v.rootID, PreviousViewID: v.prevID,
		Title: title, Blocks: blocks, JSON: whole}
}
