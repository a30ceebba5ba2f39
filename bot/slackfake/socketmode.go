package slackfake

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// ErrConnectionLost is returned when the Socket Mode connection carrying an
// envelope closed before the app acknowledged it.
var ErrConnectionLost = errors.New("slackfake: socket mode connection closed before the ack")

// socketHub holds the Socket Mode connections and the envelopes awaiting an ack.
type socketHub struct {
	s        *Server
	upgrader websocket.Upgrader

	mu      sync.Mutex
	conns   []*sockConn
	next    int
	pending map[string]chan json.RawMessage
	changed chan struct{} // closed and replaced whenever conns changes
	serial  int
}

type sockConn struct {
	ws   *websocket.Conn
	wmu  sync.Mutex // gorilla allows one concurrent writer
	done chan struct{}
	once sync.Once
}

func newSocketHub(s *Server) *socketHub {
	return &socketHub{s: s, pending: map[string]chan json.RawMessage{}, changed: make(chan struct{}),
		// slack-go sends Origin https://api.slack.com, which is not our host.
		upgrader: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}}
}

func (s *Server) appsConnectionsOpen(_ *apiRequest) (map[string]any, *apiError) {
	s.mu.Lock()
	ticket := s.newIDLocked("tk")
	s.tickets[ticket] = true
	s.mu.Unlock()
	u := "ws" + s.base[len("http"):] + "link/?" + url.Values{"ticket": {ticket}, "app_id": {s.opts.AppID}}.Encode()
	return map[string]any{"url": u}, nil
}

func (h *socketHub) serveWS(w http.ResponseWriter, r *http.Request) {
	s := h.s
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	valid := s.tickets[ticket]
	delete(s.tickets, ticket)
	s.mu.Unlock()
	if !valid {
		http.Error(w, "invalid ticket", http.StatusUnauthorized)
		return
	}
	ws, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &sockConn{ws: ws, done: make(chan struct{})}
	select {
	case <-s.closed:
		_ = ws.Close()
		return
	default:
	}
	s.wg.Add(1)
	defer s.wg.Done()

	h.mu.Lock()
	h.conns = append(h.conns, c)
	h.serial++
	n, serial := len(h.conns), h.serial
	h.mu.Unlock()

	_ = c.writeJSON(map[string]any{
		"type":            "hello",
		"num_connections": n,
		"debug_info": map[string]any{"host": "applink-fake-" + strconv.Itoa(serial), "build_number": 105,
			"approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": s.opts.AppID},
	})
	h.notify()

	s.wg.Go(func() { h.ping(c) })
	h.read(c)
	h.remove(c)
}

func (c *sockConn) writeJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.write(b)
}

// envelopeBuffers hold the JSON of envelopes while they are written; the websocket copies what it sends.
var envelopeBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// write sends one text message.
func (c *sockConn) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

func (c *sockConn) close() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

// ping sends websocket pings, which slack-go's client needs to stay connected.
func (h *socketHub) ping(c *sockConn) {
	t := time.NewTicker(h.s.opts.PingInterval)
	defer t.Stop()
	for {
		if err := c.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(5*time.Second)); err != nil {
			c.close()
			return
		}
		select {
		case <-c.done:
			return
		case <-h.s.closed:
			return
		case <-t.C:
		}
	}
}

// read receives acks until the connection fails.
func (h *socketHub) read(c *sockConn) {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(data, &ack) != nil || ack.EnvelopeID == "" {
			continue
		}
		h.mu.Lock()
		ch, ok := h.pending[ack.EnvelopeID]
		delete(h.pending, ack.EnvelopeID)
		h.mu.Unlock()
		if ok {
			ch <- ack.Payload
		}
	}
}

func (h *socketHub) remove(c *sockConn) {
	c.close()
	h.mu.Lock()
	for i, x := range h.conns {
		if x == c {
			h.conns = append(h.conns[:i], h.conns[i+1:]...)
			break
		}
	}
	h.mu.Unlock()
	h.notify()
}

func (h *socketHub) notify() {
	h.mu.Lock()
	close(h.changed)
	h.changed = make(chan struct{})
	h.mu.Unlock()
}

func (h *socketHub) closeAll() {
	h.mu.Lock()
	conns := append([]*sockConn(nil), h.conns...)
	h.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
}

// Connections is the number of open Socket Mode connections.
func (s *Server) Connections() int {
	s.sock.mu.Lock()
	defer s.sock.mu.Unlock()
	return len(s.sock.conns)
}

// WaitConnected waits until at least n Socket Mode connections are open.
func (s *Server) WaitConnected(ctx context.Context, n int) error {
	for {
		s.sock.mu.Lock()
		have, changed := len(s.sock.conns), s.sock.changed
		s.sock.mu.Unlock()
		if have >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// Disconnect sends every connection a "disconnect" message with the reason
// (Slack uses "refresh_requested", "warning", "link_disabled"), as Slack does
// before it rotates a connection; clients are expected to reconnect. The fake
// closes connections that are still open after grace.
func (s *Server) Disconnect(reason string, grace time.Duration) {
	s.sock.mu.Lock()
	conns := append([]*sockConn(nil), s.sock.conns...)
	s.sock.mu.Unlock()
	for _, c := range conns {
		_ = c.writeJSON(map[string]any{"type": "disconnect", "reason": reason,
			"debug_info": map[string]any{"host": "applink-fake"}})
		time.AfterFunc(grace, c.close)
	}
}

// DropConnections closes every Socket Mode connection abruptly, without a
// disconnect message, as a network failure would.
func (s *Server) DropConnections() {
	s.sock.closeAll()
}

// envelope is a Socket Mode message to the app.
type envelope struct {
	EnvelopeID             string          `json:"envelope_id"`
	Type                   string          `json:"type"`
	Payload                json.RawMessage `json:"payload"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	RetryAttempt           int             `json:"retry_attempt"`
	RetryReason            string          `json:"retry_reason"`
}

// deliverSocket sends an envelope over one connection (round robin, as Slack
// spreads them) and waits for its ack.
func (h *socketHub) deliver(ctx context.Context, env envelope) (Response, error) {
	h.mu.Lock()
	if len(h.conns) == 0 {
		h.mu.Unlock()
		return Response{}, ErrNotConnected
	}
	c := h.conns[h.next%len(h.conns)]
	h.next++
	ch := make(chan json.RawMessage, 1)
	h.pending[env.EnvelopeID] = ch
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		if h.pending[env.EnvelopeID] == ch {
			delete(h.pending, env.EnvelopeID)
		}
		h.mu.Unlock()
	}()

	resp := Response{Transport: "socket", EnvelopeID: env.EnvelopeID, Type: env.Type,
		RetryAttempt: env.RetryAttempt, payload: env.Payload}
	start := time.Now()
	buf := envelopeBuffers.Get().(*[]byte)
	*buf = appendEnvelope((*buf)[:0], env)
	err := c.write(*buf)
	envelopeBuffers.Put(buf)
	if err != nil {
		c.close()
		return resp, ErrConnectionLost
	}
	timer := time.NewTimer(h.s.opts.AckTimeout)
	defer timer.Stop()
	select {
	case p := <-ch:
		resp.AckLatency = time.Since(start)
		resp.Acked = true
		if len(p) > 0 && string(p) != "null" {
			resp.Payload = p
		}
		return resp, nil
	case <-timer.C:
		resp.AckLatency = time.Since(start)
		return resp, ErrAckTimeout
	case <-c.done:
		return resp, ErrConnectionLost
	case <-ctx.Done():
		return resp, ctx.Err()
	}
}
