package slackfake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
)

const secret = "8f742231b10e8888abcd99yyyzzz85a5"

// httpApp is a minimal app in HTTP mode that checks signatures with slack-go.
type httpApp struct {
	mu       sync.Mutex
	commands []slack.SlashCommand
	actions  []slack.InteractionCallback
	retries  []string
	events   []string
	// eventTeams are the team_id of each event, in the order of events.
	eventTeams []string
}

func (a *httpApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	sv, err := slack.NewSecretsVerifier(r.Header, secret)
	if err == nil {
		_, _ = sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch r.URL.Path {
	case slackfake.PathCommands:
		if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			http.Error(w, "content type", http.StatusUnsupportedMediaType)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		cmd, err := slack.SlashCommandParse(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		a.commands = append(a.commands, cmd)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"response_type": "in_channel", "text": "Module 1 begint maandag"})
	case slackfake.PathInteractions:
		r.Body = io.NopCloser(bytes.NewReader(body))
		cb, err := slack.InteractionCallbackParse(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		a.actions = append(a.actions, cb)
	case slackfake.PathEvents:
		ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if ev.Type == slackevents.URLVerification {
			ch := ev.Data.(*slackevents.EventsAPIURLVerificationEvent)
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, ch.Challenge)
			return
		}
		cb := ev.Data.(*slackevents.EventsAPICallbackEvent)
		a.events = append(a.events, cb.EventID)
		a.eventTeams = append(a.eventTeams, cb.TeamID)
		a.retries = append(a.retries, r.Header.Get("X-Slack-Retry-Num"))
	default:
		http.NotFound(w, r)
	}
}

func newHTTPWorkspace(t *testing.T) (*workspace, *httpApp) {
	t.Helper()
	w := newWorkspace(t, slackfake.Options{})
	w.fake.StrictT(t)
	app := &httpApp{}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	w.fake.UseHTTP(srv.URL, secret)
	return w, app
}

func TestHTTPMode(t *testing.T) {
	t.Parallel()
	w, app := newHTTPWorkspace(t)
	ctx := context.Background()

	t.Run("URLVerification", func(t *testing.T) {
		if err := w.fake.VerifyURL(ctx); err != nil {
			t.Error(err)
		}
	})

	t.Run("Command", func(t *testing.T) {
		resp, err := w.fake.Command(ctx, w.trainer, w.channel, "/casus", "reveal")
		if err != nil {
			t.Fatal(err)
		}
		if resp.Transport != "http" || resp.Status != http.StatusOK || resp.AckLatency <= 0 {
			t.Errorf("response = %+v", resp)
		}
		app.mu.Lock()
		cmd := app.commands[len(app.commands)-1]
		app.mu.Unlock()
		if cmd.Command != "/casus" || cmd.Text != "reveal" || cmd.UserID != w.trainer || cmd.ChannelID != w.channel ||
			cmd.TriggerID == "" || cmd.ResponseURL == "" || cmd.TeamID != w.fake.TeamID() {
			t.Errorf("command = %+v", cmd)
		}
		msgs := w.fake.Messages(w.channel)
		if len(msgs) != 1 || msgs[0].Text != "Module 1 begint maandag" {
			t.Errorf("in_channel answer not posted: %+v", msgs)
		}
	})

	t.Run("Click", func(t *testing.T) {
		_, ts, err := w.api.PostMessageContext(ctx, w.channel, slack.MsgOptionBlocks(slack.NewActionBlock("hw",
			slack.NewButtonBlockElement("huiswerk_klaar", "m1", slack.NewTextBlockObject("plain_text", "Klaar", false, false)))))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := w.fake.Click(ctx, w.anna, w.channel, ts, "huiswerk_klaar", "m1")
		if err != nil || resp.Status != http.StatusOK {
			t.Fatalf("click: %v %+v", err, resp)
		}
		app.mu.Lock()
		cb := app.actions[len(app.actions)-1]
		app.mu.Unlock()
		if cb.Type != slack.InteractionTypeBlockActions || cb.ActionCallback.BlockActions[0].ActionID != "huiswerk_klaar" {
			t.Errorf("interaction = %+v", cb)
		}
	})

	t.Run("EventRetry", func(t *testing.T) {
		resp, err := w.fake.Event(ctx, map[string]any{"type": "app_home_opened", "user": w.anna, "tab": "home"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.fake.Redeliver(ctx, resp, "http_timeout"); err != nil {
			t.Fatal(err)
		}
		app.mu.Lock()
		defer app.mu.Unlock()
		n := len(app.events)
		if n < 2 || app.events[n-1] != app.events[n-2] || app.retries[n-2] != "" || app.retries[n-1] != "1" {
			t.Errorf("events %v with retry headers %v", app.events, app.retries)
		}
	})

	t.Run("Signatures", func(t *testing.T) {
		body := []byte("command=%2Fgesprekbot&text=help&user_id=" + w.anna)
		tests := []struct {
			name string
			sig  slackfake.Signature
			want int
		}{
			{"Valid", slackfake.SignValid, http.StatusOK},
			{"Missing", slackfake.SignMissing, http.StatusUnauthorized},
			{"Bad", slackfake.SignBad, http.StatusUnauthorized},
			{"Stale", slackfake.SignStale, http.StatusUnauthorized},
			{"Tampered", slackfake.SignTampered, http.StatusUnauthorized},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, err := w.fake.SendHTTP(ctx, slackfake.PathCommands, "application/x-www-form-urlencoded", body, tt.sig, nil)
				if err != nil {
					t.Fatal(err)
				}
				if resp.Status != tt.want {
					t.Errorf("status = %d, want %d", resp.Status, tt.want)
				}
			})
		}
	})
}

func TestSign(t *testing.T) {
	t.Parallel()
	// The example from Slack's "Verifying requests" guide.
	body := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
	got := slackfake.Sign("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, body)
	want := "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
	if got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}
