package slackfake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	limits "github.com/gesprekbot/gesprekbot/content"
)

// maxAPIBody bounds a Web API request body.
const maxAPIBody = 8 << 20

// apiRequest is one parsed Web API call.
type apiRequest struct {
	method  string
	params  url.Values
	token   string
	channel string // for the call log
	meta    *Metadata
	changed []string // conversations whose messages changed
	// basicUser and basicPass are HTTP basic credentials (oauth.v2.access accepts the client's id and secret so).
	basicUser, basicPass string
}

// apiError is Slack's {"ok":false,"error":code,"errors":[...]}.
type apiError struct {
	code string
	errs []string
}

func fail(code string) *apiError { return &apiError{code: code} }

type apiHandler func(s *Server, r *apiRequest) (map[string]any, *apiError)

// methods are the Web API methods the fake serves, and the token each needs.
var methods = map[string]struct {
	h       apiHandler
	appOnly bool
	noToken bool // the client's id and secret instead of a token (oauth.v2.access)
}{
	"auth.test":                    {h: (*Server).authTest},
	"chat.postMessage":             {h: (*Server).chatPostMessage},
	"chat.update":                  {h: (*Server).chatUpdate},
	"chat.postEphemeral":           {h: (*Server).chatPostEphemeral},
	"chat.delete":                  {h: (*Server).chatDelete},
	"conversations.list":           {h: (*Server).conversationsList},
	"conversations.open":           {h: (*Server).conversationsOpen},
	"conversations.history":        {h: (*Server).conversationsHistory},
	"conversations.members":        {h: (*Server).conversationsMembers},
	"conversations.info":           {h: (*Server).conversationsInfo},
	"users.info":                   {h: (*Server).usersInfo},
	"users.lookupByEmail":          {h: (*Server).usersLookupByEmail},
	"users.list":                   {h: (*Server).usersList},
	"views.open":                   {h: (*Server).viewsOpen},
	"views.update":                 {h: (*Server).viewsUpdate},
	"views.push":                   {h: (*Server).viewsPush},
	"views.publish":                {h: (*Server).viewsPublish},
	"files.getUploadURLExternal":   {h: (*Server).filesGetUploadURLExternal},
	"files.completeUploadExternal": {h: (*Server).filesCompleteUploadExternal},
	"files.delete":                 {h: (*Server).filesDelete},
	"apps.connections.open":        {h: (*Server).appsConnectionsOpen, appOnly: true},
	"oauth.v2.access":              {h: (*Server).oauthV2Access, noToken: true},
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	start := s.opts.WallNow()
	req := &apiRequest{method: r.PathValue("method")}
	params, err := parseParams(r)
	if err != nil {
		s.writeAPI(w, req, start, nil, fail("invalid_form_data"))
		return
	}
	req.params = params
	req.channel = params.Get("channel")
	if req.channel == "" {
		req.channel = params.Get("channel_id")
	}
	req.token = params.Get("token")
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		req.token = strings.TrimPrefix(h, "Bearer ")
	}

	m, known := methods[req.method]
	if !known {
		s.writeAPI(w, req, start, nil, fail("unknown_method"))
		return
	}
	req.basicUser, req.basicPass, _ = r.BasicAuth()
	if m.noToken {
		body, e := m.h(s, req)
		s.writeAPI(w, req, start, body, e)
		return
	}
	if e := s.checkToken(req.token, m.appOnly); e != nil {
		s.writeAPI(w, req, start, nil, e)
		return
	}
	if ok, wait := s.limits.allow(req.method, req.channel); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		s.writeStatus(w, req, start, http.StatusTooManyRequests, "ratelimited",
			[]byte(`{"ok":false,"error":"ratelimited"}`))
		return
	}
	if in, ok := s.faults.next(req.method, faultTarget(req)); ok {
		if s.injectFault(w, r, req, start, in, m.h) {
			return
		}
	}
	body, e := m.h(s, req)
	s.writeAPI(w, req, start, body, e)
	for _, id := range req.changed {
		s.changed(id)
	}
}

// faultTarget is what a call is about, for faults aimed with FailNextIn: its conversation, else its user.
func faultTarget(req *apiRequest) string {
	if req.channel != "" {
		return req.channel
	}
	if u := req.params.Get("user"); u != "" {
		return u
	}
	return req.params.Get("user_id")
}

// injectFault applies a queued fault; it reports whether the request is answered.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, req *apiRequest, start time.Time, in injected, h apiHandler) bool {
	switch in.kind {
	case Fault500, Fault503:
		status := http.StatusInternalServerError
		if in.kind == Fault503 {
			status = http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "text/html")
		s.writeStatus(w, req, start, status, in.kind.String(),
			[]byte("<html><body><h1>"+http.StatusText(status)+"</h1></body></html>"))
	case FaultTimeout:
		if s.faults.hold(r.Context().Done(), s.closed) {
			// Released: served late, as by a slow Slack.
			return false
		}
		s.record(Call{Method: req.method, Channel: req.channel, Args: req.params, Error: in.kind.String(),
			Latency: s.opts.WallNow().Sub(start)})
	case FaultLostResponse:
		_, e := h(s, req)
		call := Call{Method: req.method, Channel: req.channel, Args: req.params, Metadata: req.meta,
			OK: e == nil, Error: in.kind.String(), Latency: s.opts.WallNow().Sub(start)}
		s.record(call)
		for _, id := range req.changed {
			s.changed(id)
		}
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return true
			}
		}
		// Without a hijackable connection, abort the handler: net/http then
		// drops the connection without a response.
		panic(http.ErrAbortHandler)
	case FaultError:
		s.writeAPI(w, req, start, nil, fail(in.code))
	default:
		return false
	}
	return true
}

func (s *Server) checkToken(token string, appOnly bool) *apiError {
	switch {
	case token == "":
		return fail("not_authed")
	case !appOnly && token == s.opts.BotToken:
		if code := s.faults.botTokenRevoked(); code != "" {
			return fail(code)
		}
		return nil
	case appOnly && token == s.opts.AppToken:
		return nil
	case token == s.opts.AppToken || token == s.opts.BotToken:
		return fail("not_allowed_token_type")
	}
	if code, ok := s.installedTokenError(token); ok {
		switch {
		case appOnly:
			return fail("not_allowed_token_type")
		case code != "":
			return fail(code)
		}
		return nil
	}
	return fail("invalid_auth")
}

// parseParams reads form, query and JSON bodies into one set of string
// parameters; JSON values that are not strings keep their JSON text.
func parseParams(r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, maxAPIBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" {
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		return r.Form, nil
	}
	params := r.URL.Query()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return params, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	for k, raw := range m {
		var str string
		if err := json.Unmarshal(raw, &str); err == nil {
			params.Set(k, str)
			continue
		}
		if string(raw) == "null" {
			continue
		}
		params.Set(k, string(raw))
	}
	return params, nil
}

func (s *Server) writeAPI(w http.ResponseWriter, req *apiRequest, start time.Time, body map[string]any, e *apiError) {
	if e != nil {
		body = map[string]any{"ok": false, "error": e.code}
		if len(e.errs) > 0 {
			body["errors"] = e.errs
			msgs := make([]string, len(e.errs))
			for i, m := range e.errs {
				msgs[i] = "[ERROR] " + m
			}
			body["response_metadata"] = map[string]any{"messages": msgs}
		}
	} else {
		if body == nil {
			body = map[string]any{}
		}
		body["ok"] = true
	}
	b, err := json.Marshal(body)
	if err != nil {
		b = []byte(`{"ok":false,"error":"fatal_error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	code := ""
	if e != nil {
		code = e.code
	}
	s.writeStatus(w, req, start, http.StatusOK, code, b)
}

func (s *Server) writeStatus(w http.ResponseWriter, req *apiRequest, start time.Time, status int, errCode string, body []byte) {
	// Recorded before the answer leaves, so that a client that has its answer always finds the call in the log.
	s.record(Call{Method: req.method, Channel: req.channel, Args: req.params, Metadata: req.meta,
		OK: status == http.StatusOK && errCode == "", Error: errCode, Status: status,
		Latency: s.opts.WallNow().Sub(start)})
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *Server) authTest(_ *apiRequest) (map[string]any, *apiError) {
	return map[string]any{
		"url":                   "https://" + s.opts.TeamDomain + ".slack.com/",
		"team":                  s.opts.Team,
		"user":                  s.opts.BotName,
		"team_id":               s.opts.TeamID,
		"user_id":               s.opts.BotUserID,
		"bot_id":                s.opts.BotID,
		"is_enterprise_install": false,
	}, nil
}

// resolveLocked finds the conversation a "channel" argument names: a channel
// or IM ID, a user ID (their IM with the bot), or "#name".
func (s *Server) resolveLocked(id string) (*conversation, *apiError) {
	if id == "" {
		return nil, fail("channel_not_found")
	}
	if c, ok := s.convs[id]; ok {
		return c, nil
	}
	if strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W") {
		u, ok := s.users[id]
		if !ok || u.Deleted {
			return nil, fail("channel_not_found")
		}
		return s.imLocked(id), nil
	}
	if name, ok := strings.CutPrefix(id, "#"); ok {
		for _, cid := range s.convOrder {
			if c := s.convs[cid]; c.name == name {
				return c, nil
			}
		}
	}
	return nil, fail("channel_not_found")
}

// postableLocked resolves a channel the bot wants to write to.
func (s *Server) postableLocked(id string) (*conversation, *apiError) {
	c, e := s.resolveLocked(id)
	if e != nil {
		return nil, e
	}
	if c.archived {
		return nil, fail("is_archived")
	}
	if c.im {
		if u, ok := s.users[c.user]; !ok || u.Deleted {
			return nil, fail("user_not_found")
		}
		return c, nil
	}
	if !c.members[s.opts.BotUserID] {
		return nil, fail("not_in_channel")
	}
	return c, nil
}

// content parses and checks text, blocks and metadata of a message call.
// present reports which of them the call carried.
type content struct {
	text, blocksSet, metaSet bool
	Text                     string
	Blocks                   json.RawMessage
	Meta                     *Metadata
	acts                     *actionIndex // the actions of Blocks
}

func (s *Server) parseContent(method string, p url.Values, requireText bool) (content, *apiError) {
	var c content
	_, c.text = p["text"]
	c.Text = p.Get("text")
	if b := strings.TrimSpace(p.Get("blocks")); b != "" {
		c.blocksSet = true
		mb, errs, err := prepareMessageBlocks([]byte(b))
		if len(errs) > 0 {
			s.reportInvalid(method, errs)
			return c, &apiError{code: "invalid_blocks", errs: errs}
		}
		if err != nil {
			return c, fail("invalid_blocks_format")
		}
		c.Blocks, c.acts = mb.raw, mb.acts
	}
	if m := strings.TrimSpace(p.Get("metadata")); m != "" {
		c.metaSet = true
		var md Metadata
		if err := json.Unmarshal([]byte(m), &md); err != nil {
			return c, fail("invalid_metadata_format")
		}
		if md.EventType == "" {
			return c, fail("invalid_metadata_schema")
		}
		c.Meta = &md
	}
	if len([]rune(c.Text)) > limits.MaxMessageText {
		return c, fail("msg_too_long")
	}
	if requireText && c.Text == "" && c.Blocks == nil && p.Get("attachments") == "" {
		return c, fail("no_text")
	}
	return c, nil
}

// compactJSON removes the insignificant space from JSON, keeping its keys in the order they came.
func compactJSON(b []byte) (json.RawMessage, error) {
	var buf bytes.Buffer
	buf.Grow(len(b))
	if err := json.Compact(&buf, b); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// isCompact reports whether b has no space, tab or line break outside its strings.
func isCompact(b []byte) bool {
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case escaped:
			escaped = false
		case inString:
			switch c {
			case '\\':
				escaped = true
			case '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return false
		}
	}
	return true
}

func (s *Server) chatPostMessage(r *apiRequest) (map[string]any, *apiError) {
	ct, e := s.parseContent(r.method, r.params, true)
	r.meta = ct.Meta
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.postableLocked(r.params.Get("channel"))
	if e != nil {
		return nil, e
	}
	m := &Message{Conversation: c.id, TS: s.newTSLocked(), ThreadTS: r.params.Get("thread_ts"),
		User: s.opts.BotUserID, BotID: s.opts.BotID, Text: ct.Text, Blocks: ct.Blocks, Metadata: ct.Meta,
		acts: ct.acts}
	c.appendLocked(m)
	r.channel = c.id
	r.changed = append(r.changed, c.id)
	return map[string]any{"channel": c.id, "ts": m.TS, "message": s.wireLocked(m, true)}, nil
}

func (s *Server) chatUpdate(r *apiRequest) (map[string]any, *apiError) {
	ct, e := s.parseContent(r.method, r.params, false)
	r.meta = ct.Meta
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.resolveLocked(r.params.Get("channel"))
	if e != nil {
		return nil, e
	}
	m, ok := c.byTS[r.params.Get("ts")]
	if !ok {
		return nil, fail("message_not_found")
	}
	if m.BotID != s.opts.BotID {
		return nil, fail("cant_update_message")
	}
	if c.archived {
		return nil, fail("is_archived")
	}
	if !ct.text && !ct.blocksSet {
		return nil, fail("no_text")
	}
	if ct.text {
		m.Text = ct.Text
	}
	if ct.blocksSet {
		m.Blocks, m.acts = ct.Blocks, ct.acts
	}
	if ct.metaSet {
		m.Metadata = ct.Meta
	}
	m.Edited = true
	r.channel = c.id
	r.changed = append(r.changed, c.id)
	return map[string]any{"channel": c.id, "ts": m.TS, "text": m.Text, "message": s.wireLocked(m, true)}, nil
}

func (s *Server) chatPostEphemeral(r *apiRequest) (map[string]any, *apiError) {
	ct, e := s.parseContent(r.method, r.params, true)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	userID := r.params.Get("user")
	u, ok := s.users[userID]
	if !ok || u.Deleted {
		return nil, fail("user_not_found")
	}
	c, e := s.postableLocked(r.params.Get("channel"))
	if e != nil {
		return nil, e
	}
	if !c.members[userID] {
		return nil, fail("user_not_in_channel")
	}
	m := s.addEphemeralLocked(c.id, userID, ct.Text, messageBlocks{raw: ct.Blocks, acts: ct.acts}, r.params.Get("thread_ts"))
	r.channel = c.id
	r.changed = append(r.changed, c.id)
	return map[string]any{"message_ts": m.TS}, nil
}

func (s *Server) addEphemeralLocked(channelID, userID, text string, blocks messageBlocks, threadTS string) *Message {
	m := &Message{Conversation: channelID, TS: s.newTSLocked(), ThreadTS: threadTS, User: s.opts.BotUserID,
		BotID: s.opts.BotID, Text: text, Blocks: blocks.raw, acts: blocks.acts, Ephemeral: true, ForUser: userID}
	m.us, _ = parseTS(m.TS)
	s.ephemerals[userID] = append(s.ephemerals[userID], m)
	return m
}

func (s *Server) chatDelete(r *apiRequest) (map[string]any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.resolveLocked(r.params.Get("channel"))
	if e != nil {
		return nil, e
	}
	ts := r.params.Get("ts")
	m, ok := c.byTS[ts]
	if !ok {
		return nil, fail("message_not_found")
	}
	if m.BotID != s.opts.BotID {
		return nil, fail("cant_delete_message")
	}
	c.deleteLocked(ts)
	r.changed = append(r.changed, c.id)
	return map[string]any{"channel": c.id, "ts": ts}, nil
}

func (s *Server) conversationsOpen(r *apiRequest) (map[string]any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var c *conversation
	if id := r.params.Get("channel"); id != "" {
		cv, ok := s.convs[id]
		if !ok {
			return nil, fail("channel_not_found")
		}
		c = cv
	} else {
		users := strings.Split(r.params.Get("users"), ",")
		switch {
		case len(users) == 0 || users[0] == "":
			return nil, fail("users_list_not_supplied")
		case len(users) > 1:
			// Group DMs (mpim) are not used by the bot.
			return nil, fail("not_supported")
		}
		u, ok := s.users[users[0]]
		if !ok || u.Deleted {
			return nil, fail("user_not_found")
		}
		_, existed := s.ims[u.ID]
		c = s.imLocked(u.ID)
		if existed {
			r.channel = c.id
			return map[string]any{"channel": s.openWire(c, r), "no_op": true, "already_open": true}, nil
		}
	}
	r.channel = c.id
	return map[string]any{"channel": s.openWire(c, r)}, nil
}

func (s *Server) openWire(c *conversation, r *apiRequest) map[string]any {
	if b, _ := strconv.ParseBool(r.params.Get("return_im")); b {
		return c.wire(s.opts.BotUserID)
	}
	return map[string]any{"id": c.id}
}

func (s *Server) conversationsHistory(r *apiRequest) (map[string]any, *apiError) {
	p := r.params
	limit := 100
	if l, err := strconv.Atoi(p.Get("limit")); err == nil && l > 0 {
		limit = min(l, 999)
	}
	inclusive, _ := strconv.ParseBool(p.Get("inclusive"))
	withMeta, _ := strconv.ParseBool(p.Get("include_all_metadata"))
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[p.Get("channel")]
	if !ok {
		return nil, fail("channel_not_found")
	}
	if (c.private || c.im) && !c.members[s.opts.BotUserID] {
		return nil, fail("channel_not_found")
	}
	hi, lo := len(c.msgs), 0
	if l := p.Get("latest"); l != "" {
		us, ok := parseTS(l)
		if !ok {
			return nil, fail("invalid_ts_latest")
		}
		hi = c.indexAfter(us, !inclusive)
	}
	if o := p.Get("oldest"); o != "" && o != "0" {
		us, ok := parseTS(o)
		if !ok {
			return nil, fail("invalid_ts_oldest")
		}
		lo = c.indexAfter(us, inclusive)
	}
	if cur := p.Get("cursor"); cur != "" {
		ts, ok := decodeCursor(cur, "ts")
		us, valid := parseTS(ts)
		if !ok || !valid {
			return nil, fail("invalid_cursor")
		}
		hi = min(hi, c.indexAfter(us, false))
	}
	msgs := make([]wireMessage, 0, min(limit, hi-lo+1))
	next := ""
	for i := hi - 1; i >= lo; i-- {
		m := c.msgs[i]
		if m.deleted || (m.ThreadTS != "" && m.ThreadTS != m.TS) {
			continue
		}
		if len(msgs) == limit {
			next = encodeCursor("ts", m.TS)
			break
		}
		msgs = append(msgs, s.wireLocked(m, withMeta))
	}
	out := map[string]any{"messages": msgs, "has_more": next != "", "pin_count": 0,
		"response_metadata": map[string]any{"next_cursor": next}}
	if l := p.Get("latest"); l != "" {
		out["latest"] = l
	}
	return out, nil
}

func (s *Server) conversationsMembers(r *apiRequest) (map[string]any, *apiError) {
	limit := 100
	if l, err := strconv.Atoi(r.params.Get("limit")); err == nil && l > 0 {
		limit = min(l, 1000)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[r.params.Get("channel")]
	if !ok {
		return nil, fail("channel_not_found")
	}
	start := 0
	if cur := r.params.Get("cursor"); cur != "" {
		v, ok := decodeCursor(cur, "offset")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 || n > len(c.memberOrder) {
			return nil, fail("invalid_cursor")
		}
		start = n
	}
	end := min(start+limit, len(c.memberOrder))
	next := ""
	if end < len(c.memberOrder) {
		next = encodeCursor("offset", strconv.Itoa(end))
	}
	members := append([]string{}, c.memberOrder[start:end]...)
	return map[string]any{"members": members, "response_metadata": map[string]any{"next_cursor": next}}, nil
}

func (s *Server) conversationsInfo(r *apiRequest) (map[string]any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[r.params.Get("channel")]
	if !ok {
		return nil, fail("channel_not_found")
	}
	return map[string]any{"channel": c.wire(s.opts.BotUserID)}, nil
}

func (s *Server) usersInfo(r *apiRequest) (map[string]any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[r.params.Get("user")]
	if !ok {
		return nil, fail("user_not_found")
	}
	return map[string]any{"user": u.wire(s.opts.TeamID)}, nil
}

func encodeCursor(kind, v string) string {
	return base64URL(kind + ":" + v)
}

func decodeCursor(cur, kind string) (string, bool) {
	raw, err := unbase64URL(cur)
	if err != nil {
		return "", false
	}
	v, ok := strings.CutPrefix(raw, kind+":")
	return v, ok
}

func base64URL(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func unbase64URL(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	return string(b), err
}
