package slackfake_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
)

// consent walks the fake's consent page the way a browser does and returns where it redirects to.
func consent(t *testing.T, fake *slackfake.Server, redirectURI, state, decision string) *url.URL {
	t.Helper()
	q := url.Values{"client_id": {fake.ClientID()}, "scope": {"commands,chat:write"}, "redirect_uri": {redirectURI},
		"state": {state}}
	page, err := http.Get(fake.AuthorizeURL() + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if page.StatusCode != http.StatusOK || !strings.Contains(string(body), "Allow") {
		t.Fatalf("consent page: %d %s", page.StatusCode, body)
	}
	q.Set("decision", decision)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.PostForm(fake.AuthorizeURL(), q)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("consent answer: %d, %v", resp.StatusCode, err)
	}
	return loc
}

func TestOAuthInstall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorkspace(t, slackfake.Options{})
	const redirect = "https://bot.example.nl/slack/oauth/callback"
	access := func(code, secret, redirectURI string) (*slack.OAuthV2Response, error) {
		return slack.GetOAuthV2ResponseContext(ctx, http.DefaultClient, w.fake.ClientID(), secret, code, redirectURI,
			slack.OAuthOptionAPIURL(w.fake.APIURL()))
	}

	t.Run("Denied", func(t *testing.T) {
		loc := consent(t, w.fake, redirect, "st-deny", "deny")
		if loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "st-deny" || loc.Query().Has("code") {
			t.Errorf("deny redirects to %s", loc)
		}
	})

	loc := consent(t, w.fake, redirect, "st-1", "allow")
	code := loc.Query().Get("code")
	if loc.Host != "bot.example.nl" || loc.Query().Get("state") != "st-1" || code == "" {
		t.Fatalf("approve redirects to %s", loc)
	}
	t.Run("BadSecret", func(t *testing.T) {
		if _, err := access(code, "wrong", redirect); slackErr(err) != "bad_client_secret" {
			t.Errorf("wrong secret: %v", err)
		}
	})
	t.Run("OtherRedirect", func(t *testing.T) {
		if _, err := access(code, w.fake.ClientSecret(), "https://evil.example/cb"); slackErr(err) != "bad_redirect_uri" {
			t.Errorf("another redirect_uri: %v", err)
		}
	})
	res, err := access(code, w.fake.ClientSecret(), redirect)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.AccessToken, "xoxb-") || res.TokenType != "bot" || res.Team.ID != w.fake.TeamID() ||
		res.BotUserID != w.fake.BotUserID() || res.AppID == "" || res.AuthedUser.ID == "" || res.Scope != "commands,chat:write" {
		t.Errorf("oauth.v2.access = %+v", res)
	}
	t.Run("CodeOnce", func(t *testing.T) {
		if _, err := access(code, w.fake.ClientSecret(), redirect); slackErr(err) != "code_already_used" {
			t.Errorf("the code a second time: %v", err)
		}
		if _, err := access("made-up", w.fake.ClientSecret(), redirect); slackErr(err) != "invalid_code" {
			t.Errorf("a made-up code: %v", err)
		}
	})
	installed := slack.New(res.AccessToken, slack.OptionAPIURL(w.fake.APIURL()))
	if auth, err := installed.AuthTestContext(ctx); err != nil || auth.TeamID != w.fake.TeamID() {
		t.Fatalf("auth.test with the installed token: %+v, %v", auth, err)
	}

	t.Run("Uninstall", func(t *testing.T) {
		rec := &eventRecorder{}
		srv := httptest.NewServer(rec)
		t.Cleanup(srv.Close)
		w.fake.UseHTTP(srv.URL, secret)
		if _, err := w.fake.Uninstall(ctx, w.fake.TeamID()); err != nil {
			t.Fatal(err)
		}
		if got := rec.String(); got != "tokens_revoked@"+w.fake.TeamID()+" app_uninstalled@"+w.fake.TeamID() {
			t.Errorf("events: %s", got)
		}
		if _, err := installed.AuthTestContext(ctx); slackErr(err) != "token_revoked" {
			t.Errorf("the installed token after the uninstall: %v", err)
		}
		if _, err := w.api.AuthTestContext(ctx); slackErr(err) != "token_revoked" {
			t.Errorf("the fake's own token after the uninstall: %v", err)
		}
		if left := w.fake.InstalledTokens(w.fake.TeamID()); len(left) != 0 {
			t.Errorf("tokens left: %d", len(left))
		}
	})
}

// eventRecorder is an app in HTTP mode that notes each event's type and team.
type eventRecorder struct {
	mu     sync.Mutex
	events []string
}

func (e *eventRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		TeamID string `json:"team_id"`
		Event  struct {
			Type string `json:"type"`
		} `json:"event"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	e.mu.Lock()
	e.events = append(e.events, body.Event.Type+"@"+body.TeamID)
	e.mu.Unlock()
}

func (e *eventRecorder) String() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return strings.Join(e.events, " ")
}
