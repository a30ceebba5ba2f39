package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/gesprekbot/gesprekbot/handlers"
)

// Socket Mode's limits and timings (https://api.slack.com/apis/socket-mode).
const (
	// socketMaxAck is the size from which Slack silently drops an ack: a reply that big goes to the response_url.
	socketMaxAck = 20 * 1024
	// socketPingTimeout: Slack pings every connection; a connection without a ping for this long is dead.
	socketPingTimeout = 30 * time.Second
	// socketReadLimit bounds one envelope; Slack's are far smaller.
	socketReadLimit = DefaultMaxBody
	// socketWriteTimeout bounds writing one ack.
	socketWriteTimeout = 10 * time.Second
	// socketBackoffMax caps the wait between failed connection attempts.
	socketBackoffMax = time.Minute
	// socketDrainTimeout bounds how long a connection stays open at shutdown for the handlers in flight to ack.
	socketDrainTimeout = 15 * time.Second
	// DefaultSocketOpenTimeout bounds apps.connections.open, DefaultSocketHandshakeTimeout dialling the websocket
	// URL it returns (TCP, TLS and the upgrade): a connection attempt that hangs is given up and tried again.
	DefaultSocketOpenTimeout      = 10 * time.Second
	DefaultSocketHandshakeTimeout = 10 * time.Second
)

// SocketMode connects the bot to Slack over Socket Mode (SLACK_APP_TOKEN + SLACK_BOT_TOKEN): it opens a
// connection with apps.connections.open (slack-go), reads envelopes from the websocket, hands each to the
// Inbound on its own goroutine and acks it with the handler's result. It reconnects when Slack asks
// ("disconnect"), when the link drops or when Slack's pings stop, with a capped, jittered backoff between failed
// attempts.
//
// It is written here rather than taken from slack-go's socketmode package because that client decodes every
// envelope on one goroutine and decodes each click's whole message; at 1,000 clicks a second that was half of
// the bot's CPU time (README, "Performance"). The payloads are decoded into slack-go's own types.
type SocketMode struct {
	api *slack.Client // with the app-level token (slack.OptionAppLevelToken)
	d   *Inbound
	log *slog.Logger

	// OpenTimeout bounds apps.connections.open (DefaultSocketOpenTimeout); HandshakeTimeout bounds dialling the
	// websocket (DefaultSocketHandshakeTimeout).
	OpenTimeout      time.Duration
	HandshakeTimeout time.Duration
}

// NewSocketMode returns the adapter for api, a slack.Client made with slack.OptionAppLevelToken.
func NewSocketMode(api *slack.Client, d *Inbound, log *slog.Logger) *SocketMode {
	return &SocketMode{api: api, d: d, log: log,
		OpenTimeout: DefaultSocketOpenTimeout, HandshakeTimeout: DefaultSocketHandshakeTimeout}
}

// socketEnvelope is one message from Slack on the websocket.
type socketEnvelope struct {
	EnvelopeID     string          `json:"envelope_id"`
	Type           string          `json:"type"`
	Payload        json.RawMessage `json:"payload"`
	RetryAttempt   int             `json:"retry_attempt"`
	RetryReason    string          `json:"retry_reason"`
	NumConnections int             `json:"num_connections"`
	Reason         string          `json:"reason"`
}

// socketAck is the bot's answer to an envelope.
type socketAck struct {
	EnvelopeID string `json:"envelope_id"`
	Payload    any    `json:"payload,omitempty"`
}

// Run connects and serves envelopes until ctx ends (then it returns nil) or Slack refuses the app token. When ctx
// ends, no envelope is handled any more (those that arrive stay unacked: Slack sends events again, to another
// connection); the handlers in flight still finish — their context is not cancelled — and ack on the open
// connection, for up to socketDrainTimeout, before Run closes it and returns.
func (s *SocketMode) Run(ctx context.Context) error {
	failures := 0
	for ctx.Err() == nil {
		s.log.InfoContext(ctx, "slack socket mode connecting")
		conn, err := s.connect(ctx)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if fatalSocketError(err) {
				s.log.ErrorContext(ctx, "slack socket mode invalid auth: check SLACK_APP_TOKEN", slog.Any("error", err))
				return fmt.Errorf("socket mode: %w", err)
			}
			failures++
			wait := socketBackoff(failures)
			if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok {
				wait = max(wait, rl.RetryAfter)
			}
			s.log.WarnContext(ctx, "slack socket mode connection trouble", slog.Any("error", err),
				slog.Int("attempt", failures), slog.Duration("retry_in", wait))
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
			continue
		}
		failures = 0
		s.log.InfoContext(ctx, "slack socket mode connected")
		if err := s.serve(ctx, conn); err != nil && ctx.Err() == nil {
			s.log.InfoContext(ctx, "slack socket mode reconnecting", slog.Any("reason", err))
		}
	}
	return nil
}

// fatalSocketError reports whether apps.connections.open refused the token itself: retrying cannot help.
func fatalSocketError(err error) bool {
	reason := err.Error()
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		reason = se.Err
	}
	switch reason {
	case "invalid_auth", "account_inactive", "not_authed", "token_revoked", "not_allowed_token_type":
		return true
	}
	code, ok := errors.AsType[slack.StatusCodeError](err)
	return ok && code.Code == http.StatusNotFound
}

// socketBackoff is the wait after the n-th failed attempt in a row: 1 s doubling up to a minute, less up to a
// quarter at random so that replicas do not retry in step.
func socketBackoff(n int) time.Duration {
	d := socketBackoffMax
	if n < 7 {
		d = min(socketBackoffMax, time.Second<<(n-1))
	}
	return d - time.Duration(rand.Int64N(int64(d/4)+1))
}

// connect opens a Socket Mode connection: a websocket URL from apps.connections.open, then the websocket.
func (s *SocketMode) connect(ctx context.Context) (*websocket.Conn, error) {
	octx, cancel := context.WithTimeout(ctx, s.OpenTimeout)
	_, url, err := s.api.StartSocketModeContext(octx)
	cancel()
	if err != nil {
		return nil, err
	}
	dialer := websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: s.HandshakeTimeout}
	conn, resp, err := dialer.DialContext(ctx, url, http.Header{"Origin": {"https://api.slack.com"}})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("dial socket mode url: %w", err)
	}
	conn.SetReadLimit(socketReadLimit)
	return conn, nil
}

// socketConn is one open connection; acks are written from many goroutines, one at a time.
type socketConn struct {
	ws       *websocket.Conn
	wmu      sync.Mutex
	lastPing atomic.Int64 // unix nanoseconds of Slack's last ping
}

// serve reads envelopes from conn until it fails, Slack asks to disconnect, Slack's pings stop or ctx ends; it
// closes conn and returns why.
func (s *SocketMode) serve(ctx context.Context, ws *websocket.Conn) error {
	c := &socketConn{ws: ws}
	c.lastPing.Store(time.Now().UnixNano())
	ws.SetPingHandler(func(data string) error {
		c.lastPing.Store(time.Now().UnixNano())
		err := ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(socketWriteTimeout))
		if err != nil && !errors.Is(err, websocket.ErrCloseSent) {
			return err
		}
		return nil
	})
	done := make(chan struct{})
	defer close(done)
	var closeReason atomic.Value
	go func() {
		t := time.NewTicker(socketPingTimeout / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				ws.Close()
				return
			case <-ctx.Done():
				// Stop reading, but keep the connection: the handlers in flight ack on it (serve waits for them).
				closeReason.Store("shutting down")
				_ = ws.SetReadDeadline(time.Now())
				<-done
				ws.Close()
				return
			case now := <-t.C:
				if now.Sub(time.Unix(0, c.lastPing.Load())) > socketPingTimeout {
					closeReason.Store("no ping from slack for " + socketPingTimeout.String())
					ws.Close()
					return
				}
			}
		}
	}()
	// The handlers in flight on this connection. Added to and waited for only on this goroutine.
	var inflight sync.WaitGroup
	// Handlers run to the end when shutdown begins: an answer half-way is worse than a shutdown a moment later.
	hctx := context.WithoutCancel(ctx)
	for {
		_, data, err := ws.ReadMessage()
		if err == nil && ctx.Err() != nil {
			// Read just as shutdown began: left unacked like the ones after it.
			err = errors.New("shutting down")
		}
		if err != nil {
			if ctx.Err() != nil {
				s.drain(&inflight)
			}
			if r, ok := closeReason.Load().(string); ok {
				return errors.New(r)
			}
			return fmt.Errorf("read: %w", err)
		}
		var env socketEnvelope
		if err := json.Unmarshal(data, &env); err != nil {
			s.log.WarnContext(ctx, "slack socket mode message not understood", slog.Any("error", err))
			continue
		}
		switch env.Type {
		case "hello":
			s.log.DebugContext(ctx, "slack socket mode hello", slog.Int("connections", env.NumConnections))
		case "disconnect":
			s.log.InfoContext(ctx, "slack socket mode disconnect requested", slog.String("reason", env.Reason))
			return fmt.Errorf("slack asked to reconnect (%s)", env.Reason)
		case "slash_commands", "interactive", "events_api":
			// Each envelope on its own goroutine: one slow handler must not hold up the others' acks.
			inflight.Add(1)
			go func() {
				defer inflight.Done()
				s.handle(hctx, c, env)
			}()
		default:
			// A kind of envelope this bot has no handler for: ack it, so that Slack does not keep retrying.
			s.log.InfoContext(ctx, "slack socket mode envelope ignored", slog.String("type", env.Type))
			if env.EnvelopeID != "" {
				s.ack(ctx, c, env.EnvelopeID, nil)
			}
		}
	}
}

// drain waits, up to socketDrainTimeout, for the handlers in flight to finish and ack.
func (s *SocketMode) drain(inflight *sync.WaitGroup) {
	done := make(chan struct{})
	go func() { inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(socketDrainTimeout):
		s.log.Warn("slack socket mode closed with handlers still running", slog.Duration("waited", socketDrainTimeout))
	}
}

// handle decodes one envelope's payload, runs it through the Inbound and acks it. A payload that cannot be
// decoded is acked empty: Slack would only send it again.
func (s *SocketMode) handle(ctx context.Context, c *socketConn, env socketEnvelope) {
	var payload any
	var responseURL string
	after := func() {}
	switch env.Type {
	case "slash_commands":
		var cmd slack.SlashCommand
		if err := json.Unmarshal(env.Payload, &cmd); err != nil {
			s.log.WarnContext(ctx, "slack socket mode slash command not understood", slog.Any("error", err))
			break
		}
		payload, after = s.d.Command(ctx, cmd)
		responseURL = cmd.ResponseURL
	case "interactive":
		cb, err := s.d.DecodeInteraction(env.Payload)
		if err != nil {
			s.log.WarnContext(ctx, "slack socket mode interaction not understood", slog.Any("error", err))
			break
		}
		payload, after = s.d.Interaction(ctx, cb, env.RetryAttempt > 0)
	case "events_api":
		ev, err := slackevents.ParseEvent(env.Payload, slackevents.OptionNoVerifyToken())
		if err != nil {
			s.log.WarnContext(ctx, "slack socket mode event not understood", slog.Any("error", err))
			break
		}
		if err := s.d.Event(ctx, ev, eventID(ev)); err != nil {
			// No ack: Slack delivers the event again with retry_attempt + 1.
			return
		}
	}
	if err := s.ack(ctx, c, env.EnvelopeID, payload); err != nil && payload != nil {
		// An ack over Socket Mode's 20 KB limit would be dropped by Slack: ack empty and send the command's reply
		// through its response_url instead.
		s.ack(ctx, c, env.EnvelopeID, nil)
		if p, ok := payload.(handlers.Payload); ok && responseURL != "" {
			s.d.respond(ctx, responseURL, p)
		}
	}
	after()
}

// ack sends the envelope's acknowledgement with payload (nil: an empty ack).
func (s *SocketMode) ack(ctx context.Context, c *socketConn, envelopeID string, payload any) error {
	b, err := json.Marshal(socketAck{EnvelopeID: envelopeID, Payload: payload})
	if err == nil && len(b) >= socketMaxAck {
		err = fmt.Errorf("ack of %d bytes is over socket mode's limit of %d", len(b), socketMaxAck)
	}
	if err == nil {
		c.wmu.Lock()
		_ = c.ws.SetWriteDeadline(time.Now().Add(socketWriteTimeout))
		err = c.ws.WriteMessage(websocket.TextMessage, b)
		c.wmu.Unlock()
	}
	if err != nil {
		s.log.WarnContext(ctx, "slack socket mode ack failed", slog.String("envelope_id", envelopeID), slog.Any("error", err))
	}
	return err
}

// eventID returns the event_id of an Events API callback, or "".
func eventID(ev slackevents.EventsAPIEvent) string {
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
		return cb.EventID
	}
	return ""
}
