package slackfake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Paths of the app's endpoints in HTTP mode.
const (
	PathCommands     = "/slack/commands"
	PathInteractions = "/slack/interactions"
	PathEvents       = "/slack/events"
)

// Signature selects how SendHTTP signs a request, to test the app's checks.
type Signature int

const (
	// SignValid signs like Slack: v0 HMAC-SHA256 over "v0:timestamp:body".
	SignValid Signature = iota
	// SignMissing sends neither X-Slack-Signature nor X-Slack-Request-Timestamp.
	SignMissing
	// SignBad signs with a wrong secret.
	SignBad
	// SignStale signs correctly with a timestamp six minutes old.
	SignStale
	// SignTampered signs the body and then changes one byte of it.
	SignTampered
)

type httpMode struct {
	base   string
	secret string
	client *http.Client
}

// UseHTTP makes the fake deliver commands, interactions and events to an app
// in HTTP mode at botBaseURL (e.g. "http://127.0.0.1:8080"), signed with
// signingSecret, whenever no Socket Mode connection is open.
func (s *Server) UseHTTP(botBaseURL, signingSecret string) {
	if signingSecret == "" {
		signingSecret = s.opts.SigningSecret
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.httpm = &httpMode{base: strings.TrimSuffix(botBaseURL, "/"), secret: signingSecret,
		client: &http.Client{Timeout: s.opts.AckTimeout}}
}

func (s *Server) httpConfig() *httpMode {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.httpm
}

// connected reports whether the fake can deliver to the app.
func (s *Server) connected() bool {
	return s.Connections() > 0 || s.httpConfig() != nil
}

// Sign returns Slack's X-Slack-Signature value for a body sent at ts.
func Sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:", ts)
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// SendHTTP posts a body to one of the app's paths in HTTP mode with the chosen
// signature and extra headers, and returns the app's answer. It is the raw
// form of what Command, Click, SubmitView and Event do in HTTP mode.
func (s *Server) SendHTTP(ctx context.Context, path, contentType string, body []byte, sig Signature, header http.Header) (Response, error) {
	hm := s.httpConfig()
	if hm == nil {
		return Response{}, ErrNotConnected
	}
	ts := s.opts.WallNow().Unix()
	secret := hm.secret
	switch sig {
	case SignStale:
		ts -= 6 * 60
	case SignBad:
		secret += "-wrong"
	}
	signature := Sign(secret, ts, body)
	sent := body
	if sig == SignTampered && len(body) > 0 {
		sent = bytes.Clone(body)
		sent[len(sent)-1] ^= 0x01
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hm.base+path, bytes.NewReader(sent))
	if err != nil {
		return Response{}, fmt.Errorf("build request: %w", err)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	if sig != SignMissing {
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("X-Slack-Signature", signature)
	}
	resp := Response{Transport: "http"}
	start := time.Now()
	r, err := hm.client.Do(req)
	resp.AckLatency = time.Since(start)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
			return resp, ErrAckTimeout
		}
		return resp, fmt.Errorf("post %s: %w", path, err)
	}
	defer r.Body.Close()
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return resp, fmt.Errorf("read %s response: %w", path, err)
	}
	resp.Status, resp.Body, resp.Acked = r.StatusCode, b, r.StatusCode == http.StatusOK
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if len(bytes.TrimSpace(b)) > 0 && (ct == "application/json" || json.Valid(b)) {
		resp.Payload = json.RawMessage(b)
	}
	return resp, nil
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

// deliverHTTP sends an envelope's payload the way Slack's HTTP delivery does.
func (s *Server) deliverHTTP(ctx context.Context, env envelope) (Response, error) {
	var (
		path, ct string
		body     []byte
		header   = http.Header{}
	)
	switch env.Type {
	case "slash_commands":
		var fields map[string]string
		if err := json.Unmarshal(env.Payload, &fields); err != nil {
			return Response{}, fmt.Errorf("encode command: %w", err)
		}
		form := url.Values{}
		for k, v := range fields {
			form.Set(k, v)
		}
		path, ct, body = PathCommands, "application/x-www-form-urlencoded", []byte(form.Encode())
	case "interactive":
		path, ct = PathInteractions, "application/x-www-form-urlencoded"
		body = []byte(url.Values{"payload": {string(env.Payload)}}.Encode())
	default:
		path, ct, body = PathEvents, "application/json", env.Payload
		if env.RetryAttempt > 0 {
			header.Set("X-Slack-Retry-Num", strconv.Itoa(env.RetryAttempt))
			header.Set("X-Slack-Retry-Reason", env.RetryReason)
		}
	}
	resp, err := s.SendHTTP(ctx, path, ct, body, SignValid, header)
	resp.Type, resp.EnvelopeID, resp.RetryAttempt, resp.payload = env.Type, env.EnvelopeID, env.RetryAttempt, env.Payload
	return resp, err
}

// VerifyURL sends the Events API url_verification challenge to the app in
// HTTP mode and checks that the challenge comes back.
func (s *Server) VerifyURL(ctx context.Context) error {
	challenge := s.newID("challenge")
	body, _ := json.Marshal(map[string]string{"token": s.opts.VerificationToken, "challenge": challenge,
		"type": "url_verification"})
	resp, err := s.SendHTTP(ctx, PathEvents, "application/json", body, SignValid, nil)
	if err != nil {
		return err
	}
	if resp.Status != http.StatusOK {
		return fmt.Errorf("url_verification: status %d", resp.Status)
	}
	got := strings.TrimSpace(string(resp.Body))
	var js struct {
		Challenge string `json:"challenge"`
	}
	if json.Unmarshal(resp.Body, &js) == nil && js.Challenge != "" {
		got = js.Challenge
	}
	if got != challenge {
		return fmt.Errorf("url_verification: got %q, want the challenge %q", got, challenge)
	}
	return nil
}
