package bot_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
)

func TestHTTPRefusesUnsigned(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "http")
	ctx := context.Background()
	command := []byte(url.Values{"command": {"/training"}, "text": {"stiekem"}, "user_id": {w.anna},
		"channel_id": {w.channel}, "team_id": {w.fake.TeamID()}}.Encode())
	event := []byte(`{"type":"event_callback","event_id":"EvSneaky","event":{"type":"member_joined_channel","user":"` +
		w.anna + `","channel":"` + w.channel + `"}}`)
	tests := []struct {
		name, path, contentType string
		body                    []byte
		sig                     slackfake.Signature
		want                    int
	}{
		{"CommandMissing", "/slack/commands", "application/x-www-form-urlencoded", command, slackfake.SignMissing, http.StatusUnauthorized},
		{"CommandBad", "/slack/commands", "application/x-www-form-urlencoded", command, slackfake.SignBad, http.StatusUnauthorized},
		{"CommandStale", "/slack/commands", "application/x-www-form-urlencoded", command, slackfake.SignStale, http.StatusUnauthorized},
		{"CommandTampered", "/slack/commands", "application/x-www-form-urlencoded", command, slackfake.SignTampered, http.StatusUnauthorized},
		{"EventMissing", "/slack/events", "application/json", event, slackfake.SignMissing, http.StatusUnauthorized},
		{"EventBad", "/slack/events", "application/json", event, slackfake.SignBad, http.StatusUnauthorized},
		{"EventStale", "/slack/events", "application/json", event, slackfake.SignStale, http.StatusUnauthorized},
		{"EventTampered", "/slack/events", "application/json", event, slackfake.SignTampered, http.StatusUnauthorized},
		{"InteractionBad", "/slack/interactions", "application/x-www-form-urlencoded", []byte("payload=%7B%7D"), slackfake.SignBad, http.StatusUnauthorized},
		{"EventAsForm", "/slack/events", "application/x-www-form-urlencoded", event, slackfake.SignValid, http.StatusUnsupportedMediaType},
		{"CommandAsJSON", "/slack/commands", "application/json", command, slackfake.SignValid, http.StatusUnsupportedMediaType},
		{"TooLarge", "/slack/events", "application/json", bytes.Repeat([]byte(" "), 2<<20), slackfake.SignValid, http.StatusRequestEntityTooLarge},
		{"SignedOK", "/slack/commands", "application/x-www-form-urlencoded", command, slackfake.SignValid, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := w.writes(t)
			resp, err := w.fake.SendHTTP(ctx, tt.path, tt.contentType, tt.body, tt.sig, nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != tt.want {
				t.Fatalf("status %d, want %d (%s)", resp.Status, tt.want, resp.Body)
			}
			wantWrites := 0
			if tt.want == http.StatusOK {
				wantWrites = 1 // the signed command is handled: one audit row
			}
			if got := w.writes(t) - before; got != wantWrites {
				t.Errorf("%d rows written, want %d", got, wantWrites)
			}
		})
	}
}

func TestHTTPURLVerification(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "http")
	if err := w.fake.VerifyURL(context.Background()); err != nil {
		t.Fatal(err)
	}
}
