package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/store"
)

// maxBody bounds a request body of the API.
const maxBody = 1 << 20

// Handler serves the page at "/", its assets under /sandbox/static/, uploaded files under /sandbox/files/ and
// the JSON API under /sandbox/api/, each only to requests that pass the guard (guard.go): a loopback Host, this
// start's token, and no other site's doing.
func (s *Sandbox) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(webFS, "web")
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		b, err := fs.ReadFile(static, "index.html")
		if err != nil {
			http.Error(w, "page missing from the binary", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(b)
	})
	mux.Handle("GET /sandbox/static/", http.StripPrefix("/sandbox/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /sandbox/files/{id}/{name}", s.serveFile)
	mux.HandleFunc("GET /sandbox/api/state", s.apiState)
	mux.HandleFunc("GET /sandbox/api/messages", s.api(s.apiMessages))
	mux.HandleFunc("POST /sandbox/api/command", s.api(s.apiCommand))
	mux.HandleFunc("POST /sandbox/api/action", s.api(s.apiAction))
	mux.HandleFunc("GET /sandbox/api/views", s.api(s.apiViews))
	mux.HandleFunc("POST /sandbox/api/views/submit", s.api(s.apiSubmit))
	mux.HandleFunc("POST /sandbox/api/views/close", s.api(s.apiClose))
	mux.HandleFunc("POST /sandbox/api/views/type", s.api(s.apiType))
	mux.HandleFunc("POST /sandbox/api/home", s.api(s.apiHome))
	mux.HandleFunc("GET /sandbox/api/clock", s.api(s.apiClockGet))
	mux.HandleFunc("POST /sandbox/api/clock", s.api(s.apiClock))
	mux.HandleFunc("/sandbox/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such API endpoint: %s %s", r.Method, r.URL.Path)
	})
	return s.guard(mux)
}

// apiError is a 4xx or 5xx answer with a message saying what is wrong.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, map[string]string{"error": fmt.Sprintf(format, args...)})
}

// fail answers an error from the API or the fake with the right status.
func (s *Sandbox) fail(w http.ResponseWriter, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		writeError(w, ae.status, "%s", ae.msg)
	case errors.Is(err, slackfake.ErrNotConnected):
		writeError(w, http.StatusServiceUnavailable, "the bot is not connected to the fake workspace (yet)")
	case errors.Is(err, slackfake.ErrAckTimeout):
		writeError(w, http.StatusGatewayTimeout, "the bot did not acknowledge within Slack's 3 seconds")
	case strings.HasPrefix(err.Error(), "slackfake:"):
		writeError(w, http.StatusBadRequest, "%s", strings.TrimSpace(strings.TrimPrefix(err.Error(), "slackfake:")))
	default:
		s.opts.Log.Error("sandbox api failed", slog.Any("error", err))
		writeError(w, http.StatusInternalServerError, "%s", err.Error())
	}
}

// api turns a handler that returns its failure into an http.HandlerFunc that answers it with fail. A handler
// either writes its answer and returns nil, or writes nothing and returns the error.
func (s *Sandbox) api(h func(w http.ResponseWriter, r *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, err)
		}
	}
}

// actor is the part of a request body that says which person acts; requests that act as someone embed it.
type actor struct {
	User string `json:"user"`
}

func (a actor) actingUser() string { return a.User }

// decodeActor reads a JSON body into req, as decode does, and checks that the user it names is one of the
// people of the workspace.
func (s *Sandbox) decodeActor(r *http.Request, req interface{ actingUser() string }) error {
	if err := decode(r, req); err != nil {
		return err
	}
	_, err := s.user(req.actingUser())
	return err
}

// decode reads a JSON body into v, refusing unknown fields.
func decode(r *http.Request, v any) error {
	// The guard refuses other bodies before any handler runs; checked here too, where the body is read.
	if !isJSON(r) {
		return &apiError{status: http.StatusUnsupportedMediaType, msg: "send JSON, with Content-Type: application/json"}
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return badRequest("bad JSON: the body is empty")
		}
		return badRequest("bad JSON: %v", err)
	}
	return nil
}

// user checks that id is a person of the workspace (not the bot).
func (s *Sandbox) user(id string) (slackfake.User, error) {
	if id == "" {
		return slackfake.User{}, badRequest("user is missing")
	}
	u, ok := s.fake.User(id)
	if !ok || u.Deleted {
		return slackfake.User{}, badRequest("unknown user %q", id)
	}
	if u.IsBot {
		return slackfake.User{}, badRequest("user %q is the bot; act as one of the people", id)
	}
	return u, nil
}

func (s *Sandbox) conversation(id string) (slackfake.Conversation, error) {
	if id == "" {
		return slackfake.Conversation{}, badRequest("conversation is missing")
	}
	c, ok := s.fake.Conversation(id)
	if !ok {
		return slackfake.Conversation{}, badRequest("unknown conversation %q", id)
	}
	return c, nil
}

// StateUser is a user in GET /sandbox/api/state.
type StateUser struct {
	ID   string `json:"id"`
	Team string `json:"team"` // the workspace's team ID
	Name string `json:"name"`
	Role string `json:"role"` // "trainer", "deelnemer" or "bot"
}

// StateConversation is a conversation in GET /sandbox/api/state.
type StateConversation struct {
	ID      string   `json:"id"`
	Team    string   `json:"team"`
	Name    string   `json:"name"`
	Kind    string   `json:"kind"` // "channel" or "im"
	User    string   `json:"user,omitempty"`
	Members []string `json:"members"`
}

// State is the answer of GET /sandbox/api/state.
type State struct {
	Now time.Time `json:"now"`
	// Teams are the demo workspaces, the default one first: the page shows one at a time.
	Teams         []StateTeam         `json:"teams"`
	Users         []StateUser         `json:"users"`
	Conversations []StateConversation `json:"conversations"`
}

// StateTeam is a workspace in GET /sandbox/api/state.
type StateTeam struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// State returns the simulated time, the workspaces, and the users and conversations of each.
func (s *Sandbox) State() State {
	roles := map[string]string{}
	for _, u := range append(slices.Clone(DemoUsers), DemoUsers2...) {
		roles[u.ID] = u.Role
	}
	st := State{Now: s.opts.Clock.Now().Truncate(time.Second), Users: []StateUser{}, Conversations: []StateConversation{}}
	for _, t := range s.fake.Teams() {
		st.Teams = append(st.Teams, StateTeam{ID: t.ID, Name: t.Name})
	}
	names := map[string]string{}
	for _, u := range s.fake.Users() {
		if u.Deleted {
			continue
		}
		role := roles[u.ID]
		switch {
		case u.IsBot:
			role = "bot"
		case role == "":
			role = RoleParticipant
		}
		names[u.ID] = u.RealName
		st.Users = append(st.Users, StateUser{ID: u.ID, Team: u.Team, Name: u.RealName, Role: role})
	}
	for _, c := range s.fake.Conversations() {
		sc := StateConversation{ID: c.ID, Team: c.Team, Name: c.Name, Kind: "channel", Members: c.Members}
		if c.IsIM {
			sc.Kind, sc.User, sc.Name = "im", c.User, names[c.User]
		}
		if sc.Members == nil {
			sc.Members = []string{}
		}
		st.Conversations = append(st.Conversations, sc)
	}
	return st
}

func (s *Sandbox) apiState(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.State())
}

// APIFile is a file shown with a message.
type APIFile struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Mimetype string `json:"mimetype"`
	URL      string `json:"url"`
}

// APIMessage is a message in GET /sandbox/api/messages.
type APIMessage struct {
	TS        string              `json:"ts"`
	ThreadTS  string              `json:"thread_ts,omitempty"`
	User      string              `json:"user"`
	Text      string              `json:"text"`
	Blocks    json.RawMessage     `json:"blocks"`
	Metadata  *slackfake.Metadata `json:"metadata"`
	Files     []APIFile           `json:"files"`
	Edited    bool                `json:"edited,omitempty"`
	Ephemeral bool                `json:"ephemeral,omitempty"` // only the user asked about sees it
}

// Messages returns a conversation's messages, oldest first, with forUser's ephemeral messages in it when
// forUser is set.
func (s *Sandbox) Messages(conversationID, forUser string) []APIMessage {
	files := map[string]slackfake.File{}
	for _, f := range s.fake.Files() {
		files[f.ID] = f
	}
	msgs := s.fake.Messages(conversationID)
	if forUser != "" {
		for _, m := range s.fake.Ephemerals(forUser) {
			if m.Conversation == conversationID {
				msgs = append(msgs, m)
			}
		}
		sort.SliceStable(msgs, func(i, j int) bool { return tsLess(msgs[i].TS, msgs[j].TS) })
	}
	out := make([]APIMessage, 0, len(msgs))
	for _, m := range msgs {
		am := APIMessage{TS: m.TS, ThreadTS: m.ThreadTS, User: m.User, Text: m.Text, Blocks: m.Blocks,
			Metadata: m.Metadata, Files: []APIFile{}, Edited: m.Edited, Ephemeral: m.Ephemeral}
		if len(am.Blocks) == 0 {
			am.Blocks = json.RawMessage("[]")
		}
		for _, id := range m.Files {
			f, ok := files[id]
			if !ok {
				continue
			}
			mt := mime.TypeByExtension(path.Ext(f.Name))
			if mt == "" {
				mt = "application/octet-stream"
			}
			am.Files = append(am.Files, APIFile{ID: f.ID, Name: f.Name, Mimetype: mt,
				URL: "/sandbox/files/" + f.ID + "/" + url.PathEscape(f.Name)})
		}
		out = append(out, am)
	}
	return out
}

// tsLess orders Slack timestamps ("1733212345.000100") numerically.
func tsLess(a, b string) bool {
	as, af, _ := strings.Cut(a, ".")
	bs, bf, _ := strings.Cut(b, ".")
	ai, _ := strconv.ParseInt(as, 10, 64)
	bi, _ := strconv.ParseInt(bs, 10, 64)
	if ai != bi {
		return ai < bi
	}
	return af < bf
}

func (s *Sandbox) apiMessages(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if _, err := s.conversation(q.Get("conversation")); err != nil {
		return err
	}
	if u := q.Get("user"); u != "" {
		if _, err := s.user(u); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, s.Messages(q.Get("conversation"), q.Get("user")))
	return nil
}

func ackMS(resp slackfake.Response) float64 {
	return float64(resp.AckLatency.Microseconds()) / 1000
}

// rawOrNull returns a JSON value, or null when there is none.
func rawOrNull(b json.RawMessage) json.RawMessage {
	if len(b) == 0 || !json.Valid(b) {
		return json.RawMessage("null")
	}
	return b
}

func (s *Sandbox) apiCommand(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		actor
		Conversation string `json:"conversation"`
		Command      string `json:"command"`
		Text         string `json:"text"`
	}
	if err := s.decodeActor(r, &req); err != nil {
		return err
	}
	c, err := s.conversation(req.Conversation)
	if err != nil {
		return err
	}
	if !member(c, req.User) {
		return badRequest("user %q is not in conversation %q", req.User, req.Conversation)
	}
	cmd := strings.TrimSpace(req.Command)
	if !strings.HasPrefix(cmd, "/") || len(cmd) < 2 || strings.ContainsAny(cmd, " \t\n") {
		return badRequest("command must be one word starting with \"/\", like \"/gesprekbot\"; got %q", req.Command)
	}
	resp, err := s.fake.Command(r.Context(), req.User, c.ID, cmd, strings.TrimSpace(req.Text))
	if err != nil {
		return err
	}
	s.requestSave()
	writeJSON(w, http.StatusOK, map[string]any{"ack_ms": ackMS(resp), "response": rawOrNull(resp.Payload)})
	return nil
}

func member(c slackfake.Conversation, userID string) bool {
	for _, m := range c.Members {
		if m == userID {
			return true
		}
	}
	return false
}

func (s *Sandbox) apiAction(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		actor
		Conversation string `json:"conversation"`
		TS           string `json:"ts"`
		ViewID       string `json:"view_id"`
		ActionID     string `json:"action_id"`
		Value        string `json:"value"`
	}
	if err := s.decodeActor(r, &req); err != nil {
		return err
	}
	if req.ActionID == "" {
		return badRequest("action_id is missing")
	}
	var (
		resp slackfake.Response
		err  error
	)
	if req.ViewID != "" {
		if req.Conversation != "" || req.TS != "" {
			return badRequest("give either view_id, or conversation and ts, not both")
		}
		resp, err = s.fake.ClickView(r.Context(), req.User, req.ViewID, req.ActionID, req.Value)
	} else {
		if _, cerr := s.conversation(req.Conversation); cerr != nil {
			return cerr
		}
		if req.TS == "" {
			return badRequest("ts is missing: which message was clicked?")
		}
		resp, err = s.fake.Click(r.Context(), req.User, req.Conversation, req.TS, req.ActionID, req.Value)
	}
	if err != nil {
		return err
	}
	s.requestSave()
	writeJSON(w, http.StatusOK, map[string]any{"ack_ms": ackMS(resp)})
	return nil
}

// APIView is a modal or App Home view in GET /sandbox/api/views.
type APIView struct {
	ViewID     string            `json:"view_id"`
	Type       string            `json:"type"` // "modal" or "home"
	Title      string            `json:"title"`
	Submit     string            `json:"submit,omitempty"`
	Close      string            `json:"close,omitempty"`
	CallbackID string            `json:"callback_id"`
	Blocks     json.RawMessage   `json:"blocks"`
	Errors     map[string]string `json:"errors,omitempty"` // block ID -> message, from the last submit
}

// Views returns a user's open modals (bottom of the stack first) and their App Home view.
func (s *Sandbox) Views(userID string) []APIView {
	out := []APIView{}
	s.mu.Lock()
	defer s.mu.Unlock()
	open := map[string]bool{}
	for _, v := range s.fake.Views(userID) {
		av := APIView{ViewID: v.ID, Type: v.Type, Title: v.Title, CallbackID: v.CallbackID, Blocks: v.Blocks,
			Errors: s.viewErrors[v.ID]}
		if len(av.Blocks) == 0 || string(av.Blocks) == "null" {
			av.Blocks = json.RawMessage("[]")
		}
		var whole struct {
			Submit *struct{ Text string } `json:"submit"`
			Close  *struct{ Text string } `json:"close"`
		}
		if json.Unmarshal(v.JSON, &whole) == nil {
			if whole.Submit != nil {
				av.Submit = whole.Submit.Text
			}
			if whole.Close != nil {
				av.Close = whole.Close.Text
			}
		}
		open[v.ID] = true
		out = append(out, av)
	}
	for id := range s.viewErrors {
		if !open[id] {
			delete(s.viewErrors, id)
		}
	}
	return out
}

func (s *Sandbox) apiViews(w http.ResponseWriter, r *http.Request) error {
	u := r.URL.Query().Get("user")
	if _, err := s.user(u); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.Views(u))
	return nil
}

func (s *Sandbox) apiSubmit(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		actor
		ViewID string                       `json:"view_id"`
		Values map[string]map[string]string `json:"values"`
	}
	if err := s.decodeActor(r, &req); err != nil {
		return err
	}
	if req.ViewID == "" {
		return badRequest("view_id is missing")
	}
	if !s.isOpenModal(req.User, req.ViewID) {
		return badRequest("user %q has no open modal %q", req.User, req.ViewID)
	}
	resp, err := s.fake.SubmitView(r.Context(), req.User, req.ViewID, req.Values)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if resp.ResponseAction == "errors" && len(resp.Errors) > 0 {
		s.viewErrors[req.ViewID] = resp.Errors
	} else {
		delete(s.viewErrors, req.ViewID)
	}
	s.mu.Unlock()
	s.requestSave()
	out := map[string]any{"ack_ms": ackMS(resp), "response_action": resp.ResponseAction}
	if len(resp.Errors) > 0 {
		out["errors"] = resp.Errors
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Sandbox) isOpenModal(userID, viewID string) bool {
	for _, v := range s.fake.Views(userID) {
		if v.ID == viewID && v.Type == "modal" {
			return true
		}
	}
	return false
}

func (s *Sandbox) apiClose(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		actor
		ViewID string                       `json:"view_id"`
		Values map[string]map[string]string `json:"values"` // what the text inputs hold, as view_closed carries it
	}
	if err := s.decodeActor(r, &req); err != nil {
		return err
	}
	top, ok := s.fake.TopModal(req.User)
	if !ok || (req.ViewID != "" && top.ID != req.ViewID) {
		return badRequest("user %q has no open modal %q on top", req.User, req.ViewID)
	}
	if _, err := s.fake.CloseViewWith(r.Context(), req.User, req.Values); err != nil {
		return err
	}
	s.requestSave()
	writeJSON(w, http.StatusOK, map[string]any{"closed": top.ID})
	return nil
}

// apiType is text typed into a modal's text input: the fake keeps it in the view's state and, for an input that
// dispatches while typing (dispatch_action, on_character_entered), sends block_actions as Slack does.
func (s *Sandbox) apiType(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		actor
		ViewID   string `json:"view_id"`
		BlockID  string `json:"block_id"`
		ActionID string `json:"action_id"`
		Value    string `json:"value"`
	}
	if err := s.decodeActor(r, &req); err != nil {
		return err
	}
	if req.ViewID == "" || req.BlockID == "" || req.ActionID == "" {
		return badRequest("view_id, block_id and action_id are required")
	}
	if !s.isOpenModal(req.User, req.ViewID) {
		return badRequest("user %q has no open modal %q", req.User, req.ViewID)
	}
	resp, err := s.fake.Type(r.Context(), req.User, req.ViewID, req.BlockID, req.ActionID, req.Value)
	if err != nil {
		return badRequest("%v", err)
	}
	s.requestSave()
	writeJSON(w, http.StatusOK, map[string]any{"ack_ms": ackMS(resp)})
	return nil
}

func (s *Sandbox) apiHome(w http.ResponseWriter, r *http.Request) error {
	var req actor
	if err := s.decodeActor(r, &req); err != nil {
		return err
	}
	resp, err := s.fake.OpenHome(r.Context(), req.User)
	if err != nil {
		return err
	}
	s.requestSave()
	writeJSON(w, http.StatusOK, map[string]any{"ack_ms": ackMS(resp)})
	return nil
}

// ClockState is the answer of GET /sandbox/api/clock.
type ClockState struct {
	Now      time.Time                `json:"now"`
	Upcoming []store.UpcomingDelivery `json:"upcoming"`
}

func (s *Sandbox) apiClockGet(w http.ResponseWriter, r *http.Request) error {
	n := 8
	if v := r.URL.Query().Get("n"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 200 {
			return badRequest("n must be a number from 1 to 200, not %q", v)
		}
	}
	up, err := s.opts.Store.UpcomingDeliveries(r.Context(), n)
	if err != nil {
		return err
	}
	if up == nil {
		up = []store.UpcomingDelivery{}
	}
	writeJSON(w, http.StatusOK, ClockState{Now: s.opts.Clock.Now().Truncate(time.Second), Upcoming: up})
	return nil
}

// maxAdvance bounds one move of the clock; a course lasts weeks, not years.
const maxAdvance = 366 * 24 * time.Hour

func (s *Sandbox) apiClock(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Advance string `json:"advance"`
		To      string `json:"to"`
		Next    bool   `json:"next"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	given := 0
	for _, set := range []bool{req.Advance != "", req.To != "", req.Next} {
		if set {
			given++
		}
	}
	if given != 1 {
		return badRequest(`give exactly one of "advance" (a duration like "36h" or "2d"), "to" (RFC 3339) or "next": true`)
	}
	now := s.opts.Clock.Now()
	var target time.Time
	switch {
	case req.Advance != "":
		d, err := parseDuration(req.Advance)
		if err != nil {
			return err
		}
		target = now.Add(d)
	case req.To != "":
		t, err := time.Parse(time.RFC3339, req.To)
		if err != nil {
			return badRequest("to must be an RFC 3339 time like \"2026-12-07T09:00:00+01:00\": %v", err)
		}
		if t.Before(now.Add(-time.Minute)) {
			return badRequest("the clock only moves forward: %s is before now (%s)", t.Format(time.RFC3339), now.Format(time.RFC3339))
		}
		if t.Sub(now) > maxAdvance {
			return badRequest("%s is more than a year ahead", t.Format(time.RFC3339))
		}
		target = t
	}
	if target.Before(now) {
		target = now
	}
	// The move outlives an impatient client: the dispatcher's sends are not cut off half-way. A long one (weeks,
	// posted at Slack's pace) outlasts the HTTP server's write timeout, so it sets its own.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Minute)
	defer cancel()
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(5*time.Minute + 30*time.Second))
	var delivered int
	var err error
	if req.Next {
		delivered, err = s.MoveToNext(ctx)
	} else {
		delivered, err = s.MoveClock(ctx, target)
	}
	if errors.Is(err, ErrNothingPlanned) {
		return &apiError{status: http.StatusConflict, msg: "nothing is planned any more"}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"now": s.opts.Clock.Now().Truncate(time.Second), "delivered": delivered})
	return nil
}

// parseDuration reads a positive duration: Go's form ("36h", "90m", "1h30m") or whole days ("2d").
func parseDuration(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	var d time.Duration
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, badRequest("bad duration %q: use a form like \"36h\", \"90m\" or \"2d\"", v)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, badRequest("bad duration %q: use a form like \"36h\", \"90m\" or \"2d\"", v)
		}
	}
	if d <= 0 {
		return 0, badRequest("bad duration %q: the clock only moves forward", v)
	}
	if d > maxAdvance {
		return 0, badRequest("bad duration %q: at most a year at a time", v)
	}
	return d, nil
}

func (s *Sandbox) serveFile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var name string
	for _, f := range s.fake.Files() {
		if f.ID == id {
			name = f.Name
		}
	}
	data := s.fake.FileBytes(id)
	if name == "" || data == nil {
		writeError(w, http.StatusNotFound, "no file %q", id)
		return
	}
	mt := mime.TypeByExtension(path.Ext(name))
	if mt == "" {
		mt = "application/octet-stream"
	}
	w.Header().Set("Content-Type", mt)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": name}))
	_, _ = w.Write(data)
}
