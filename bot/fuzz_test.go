package bot_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
)

// The fuzz targets below run their seed corpus with every "go test"; "go test -fuzz=FuzzHTTPRequest ./bot"
// explores further. Whatever reaches the bot's HTTP endpoints must not panic it, must be refused with a clear
// status unless Slack signed it, and must not make the bot write anything for a request no handler knows.

func FuzzVerifySignature(f *testing.F) {
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	body := []byte("token=xyz&team_id=T1&command=%2Fgesprekbot&text=help")
	good := "v0=" + hex.EncodeToString(bot.Sign(secret, "1531420618", body))
	f.Add(secret, "1531420618", good, body, int64(0))
	f.Add(secret, "1531420618", good, body, int64(301))
	f.Add(secret, "1531420618", "v0=", body, int64(0))
	f.Add(secret, "1531420618", "v1="+good[3:], body, int64(0))
	f.Add(secret, "not-a-number", good, body, int64(0))
	f.Add(secret, "99999999999999999999", good, body, int64(0))
	f.Add("", "1531420618", good, body, int64(0))
	f.Add(secret, "1531420618", good, []byte{}, int64(-300))
	f.Fuzz(func(t *testing.T, secret, ts, sig string, body []byte, skew int64) {
		h := http.Header{}
		h.Set("X-Slack-Signature", sig)
		h.Set("X-Slack-Request-Timestamp", ts)
		sec, _ := strconv.ParseInt(ts, 10, 64)
		now := time.Unix(sec, 0).Add(time.Duration(skew%1000) * time.Second)
		err := bot.VerifySignature(h, body, secret, now)
		if err == nil {
			// Accepted only what the secret signed, within the window.
			want := "v0=" + hex.EncodeToString(bot.Sign(secret, ts, body))
			got, derr := hex.DecodeString(sig[min(3, len(sig)):])
			if secret == "" || len(sig) < 3 || sig[:3] != "v0=" || derr != nil ||
				!hmac.Equal(got, bot.Sign(secret, ts, body)) {
				t.Fatalf("accepted signature %q for body %q, want %q", sig, body, want)
			}
			if d := now.Sub(time.Unix(sec, 0)).Abs(); d > bot.SignatureWindow {
				t.Fatalf("accepted a timestamp %s away", d)
			}
			return
		}
		if !errors.Is(err, bot.ErrSignatureMissing) && !errors.Is(err, bot.ErrSignatureStale) && !errors.Is(err, bot.ErrSignatureInvalid) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}

// countingEvents is the event log of the fuzzed endpoint: it counts the writes the bot would make.
type countingEvents struct{ writes atomic.Int64 }

func (c *countingEvents) EventHandled(context.Context, string) (bool, error) {
	return false, nil
}

func (c *countingEvents) MarkEventHandled(context.Context, string) error {
	c.writes.Add(1)
	return nil
}

// countingResponder counts what the bot sends after an ack.
type countingResponder struct{ sent atomic.Int64 }

func (c *countingResponder) Respond(context.Context, string, handlers.Payload) error {
	c.sent.Add(1)
	return nil
}

func (c *countingResponder) PostEphemeral(context.Context, string, string, bot.Message) error {
	c.sent.Add(1)
	return nil
}

func FuzzHTTPRequest(f *testing.F) {
	const secret = "fuzz-signing-secret"
	course, err := content.Default()
	if err != nil {
		f.Fatal(err)
	}
	events := &countingEvents{}
	// No handler is registered: every command, interaction and event is unknown to the bot.
	reg := handlers.NewRegistry(course.Phrases, slog.New(slog.DiscardHandler))
	d := bot.NewInbound(bot.InboundOptions{Registry: reg, Events: events, Responder: &countingResponder{},
		Log: slog.New(slog.DiscardHandler)})
	now := time.Unix(1_800_000_000, 0)
	h := bot.NewHTTP(bot.HTTPOptions{SigningSecret: secret, Inbound: d, Log: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return now }, MaxBody: 64 << 10})

	f.Add(uint8(0), true, []byte("command=%2Fcasus&text=rol+moeder+%3C%40U1%3E&user_id=U1&channel_id=C1&response_url=http%3A%2F%2F127.0.0.1%3A1%2Fr"))
	f.Add(uint8(0), true, []byte("command=&text="))
	f.Add(uint8(0), false, []byte("command=%2Fgesprekbot&text=help"))
	f.Add(uint8(1), true, []byte(`payload={"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"meter_score:3","value":"1/gv1/3"}]}`))
	f.Add(uint8(1), true, []byte(`payload={"type":"view_submission","view":{"callback_id":"meter_plan","state":{"values":{}}}}`))
	f.Add(uint8(1), true, []byte(`payload=%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3A%5B%5D%7D`))
	f.Add(uint8(1), true, []byte(`payload={"type":`))
	f.Add(uint8(2), true, []byte(`{"type":"url_verification","challenge":"abc"}`))
	f.Add(uint8(2), true, []byte(`{"type":"event_callback","event_id":"Ev1","event":{"type":"app_home_opened","user":"U1","tab":"home"}}`))
	f.Add(uint8(2), true, []byte(`{"type":"event_callback","event_id":"Ev2","event":{"type":"message","channel_type":"im","text":"hoi"}}`))
	f.Add(uint8(2), true, []byte(`{"type":"event_callback","event":{"type":"no_such_event"}}`))
	f.Add(uint8(2), true, []byte(`{"type":"app_rate_limited"}`))
	f.Add(uint8(2), true, []byte(`[1,2`))
	f.Add(uint8(3), true, []byte(`x`))
	f.Fuzz(func(t *testing.T, which uint8, signed bool, body []byte) {
		paths := []string{bot.PathCommands, bot.PathInteractions, bot.PathEvents, "/slack/unknown"}
		types := []string{"application/x-www-form-urlencoded", "application/x-www-form-urlencoded", "application/json", "text/plain"}
		// The low two bits pick the endpoint; it gets its own content type unless bit 2 is set, then bits 3-4 pick one.
		path, ctype := paths[which%4], types[which%4]
		if which&4 != 0 {
			ctype = types[(which>>3)%4]
		}
		r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		ts := strconv.FormatInt(now.Unix(), 10)
		r.Header.Set("X-Slack-Request-Timestamp", ts)
		if signed {
			r.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(bot.Sign(secret, ts, body)))
		} else {
			r.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(bot.Sign("not-the-secret", ts, body)))
		}
		before := events.writes.Load()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		res := w.Result()
		io.Copy(io.Discard, res.Body)
		if err := d.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		switch res.StatusCode {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound,
			http.StatusUnsupportedMediaType, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("%s answered %d", path, res.StatusCode)
		}
		if !signed && res.StatusCode == http.StatusOK {
			t.Fatalf("%s accepted a request with a wrong signature", path)
		}
		if n := events.writes.Load() - before; n != 0 {
			t.Fatalf("%s: %d event log writes for a request no handler knows", path, n)
		}
	})
}
