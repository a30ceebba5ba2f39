package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/cmd/gesprekbot/app"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// logBuffer captures what the bot logs.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// browser is the installer's browser: it keeps cookies and lets the test follow each redirect itself.
type browser struct {
	t      *testing.T
	w      *bottest.World
	client *http.Client
}

func newBrowser(t *testing.T, w *bottest.World) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, w: w, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// install opens /slack/install and returns the consent page's address it redirects to.
func (b *browser) install() *url.URL {
	b.t.Helper()
	resp, err := b.client.Get("http://" + b.w.App.Addr() + app.PathInstall)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil {
		b.t.Fatalf("/slack/install: %d, %v", resp.StatusCode, err)
	}
	q := loc.Query()
	if !strings.HasPrefix(loc.String(), b.w.Fake.AuthorizeURL()+"?") || q.Get("client_id") != b.w.Fake.ClientID() ||
		q.Get("redirect_uri") != bottest.RedirectURL || len(q.Get("state")) < 32 || !strings.Contains(q.Get("scope"), "chat:write") {
		b.t.Fatalf("/slack/install redirects to %s", loc)
	}
	return loc
}

// consent answers the fake's consent page ("allow" or "deny") and returns the callback it redirects to, on the
// bot's own address.
func (b *browser) consent(authorize *url.URL, decision string) *url.URL {
	b.t.Helper()
	form := authorize.Query()
	form.Set("decision", decision)
	resp, err := b.client.PostForm(b.w.Fake.AuthorizeURL(), form)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil {
		b.t.Fatalf("consent: %d, %v", resp.StatusCode, err)
	}
	loc.Host = b.w.App.Addr()
	return loc
}

// open gets a page from the bot and returns its status and text.
func (b *browser) open(u *url.URL) (int, string) {
	b.t.Helper()
	resp, err := b.client.Get(u.String())
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestInstall runs Slack's OAuth v2 install against the fake: a good install stores the workspace's token sealed,
// and a replayed callback, a forged state, a state from another browser, a replayed code, a denied consent and an
// expired state are each refused with the page saying why and nothing stored. Uninstalling the app in Slack
// deletes the token at once; a reinstall works again. No token reaches a log or the audit log.
func TestInstall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	key := make([]byte, store.TokenKeySize)
	rand.Read(key)
	keys, err := store.NewKeyring(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	w := bottest.New(t, bottest.Options{TokenKeys: keys,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	ph := w.Course.Phrases
	team := w.Fake.TeamID()
	exchanges := func() int { return len(w.Fake.CallsTo("oauth.v2.access")) }
	expect := func(t *testing.T, status int, body string, wantStatus int, want string) {
		t.Helper()
		if status != wantStatus || !strings.Contains(body, want) {
			t.Errorf("page: %d %q; want %d with %q", status, body, wantStatus, want)
		}
	}

	var done *url.URL
	t.Run("OK", func(t *testing.T) {
		b := newBrowser(t, w)
		done = b.consent(b.install(), "allow")
		status, body := b.open(done)
		expect(t, status, body, http.StatusOK, content.FillPlain(ph.InstallDone, content.Vars{"werkruimte": w.Fake.TeamName()}))
		tokens := w.Fake.InstalledTokens(team)
		got, err := w.DB.BotToken(ctx, team)
		if err != nil || len(tokens) != 1 || got != tokens[0] {
			t.Fatalf("stored token: %v (fake issued %d)", err, len(tokens))
		}
		ws, _ := w.DB.Workspaces(ctx)
		if len(ws) != 1 || ws[0].TeamName != w.Fake.TeamName() || ws[0].InstalledBy == "" || ws[0].BotUserID != w.Fake.BotUserID() {
			t.Errorf("workspaces: %+v", ws)
		}
		// The same callback again (the browser's back button, or someone who saw the URL).
		status, body = b.open(done)
		expect(t, status, body, http.StatusConflict, ph.InstallStateUsed)
	})
	if t.Failed() {
		t.FailNow()
	}
	t.Run("ForgedState", func(t *testing.T) {
		before := exchanges()
		b := newBrowser(t, w)
		b.install() // a cookie of its own, but not for this state
		u := *done
		u.RawQuery = url.Values{"state": {"forged-state"}, "code": {"fakecode-abc"}}.Encode()
		status, body := b.open(&u)
		expect(t, status, body, http.StatusForbidden, ph.InstallStateInvalid)
		if exchanges() != before {
			t.Error("a forged state reached oauth.v2.access")
		}
	})
	t.Run("OtherBrowser", func(t *testing.T) {
		before := exchanges()
		started := newBrowser(t, w)
		cb := started.consent(started.install(), "allow")
		status, body := newBrowser(t, w).open(cb)
		expect(t, status, body, http.StatusForbidden, ph.InstallOtherBrowser)
		if exchanges() != before {
			t.Error("a callback from another browser reached oauth.v2.access")
		}
		// The browser that started it still finishes it.
		status, body = started.open(cb)
		expect(t, status, body, http.StatusOK, w.Fake.TeamName())
	})
	t.Run("ReplayedCode", func(t *testing.T) {
		b := newBrowser(t, w)
		cb := b.consent(b.install(), "allow")
		q := cb.Query()
		q.Set("code", done.Query().Get("code")) // the code of the first install, used already
		cb.RawQuery = q.Encode()
		status, body := b.open(cb)
		expect(t, status, body, http.StatusBadRequest, ph.InstallCodeUsed)
	})
	t.Run("Denied", func(t *testing.T) {
		before := exchanges()
		b := newBrowser(t, w)
		cb := b.consent(b.install(), "deny")
		if cb.Query().Get("error") != "access_denied" {
			t.Fatalf("deny: %s", cb)
		}
		status, body := b.open(cb)
		expect(t, status, body, http.StatusOK, ph.InstallDenied)
		if exchanges() != before {
			t.Error("a denied consent reached oauth.v2.access")
		}
	})
	t.Run("Expired", func(t *testing.T) {
		b := newBrowser(t, w)
		cb := b.consent(b.install(), "allow")
		w.Clock.Add(11 * time.Minute)
		status, body := b.open(cb)
		expect(t, status, body, http.StatusBadRequest, content.FillPlain(ph.InstallStateExpired, content.Vars{"minuten": 10}))
	})
	t.Run("UserTokensRevoked", func(t *testing.T) {
		// A user's token revoked (the app holds none) leaves the workspace installed.
		if _, err := w.Fake.Event(ctx, map[string]any{"type": "tokens_revoked",
			"tokens": map[string]any{"oauth": []string{"U0SOMEONE"}, "bot": []string{}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.DB.BotToken(ctx, team); err != nil {
			t.Errorf("after a user token was revoked: %v", err)
		}
	})
	t.Run("UninstallAndReinstall", func(t *testing.T) {
		if _, err := w.Fake.Uninstall(ctx, team); err != nil {
			t.Fatal(err)
		}
		if _, err := w.DB.BotToken(ctx, team); !errors.Is(err, store.ErrWorkspaceGone) {
			t.Errorf("after the uninstall: %v, want ErrWorkspaceGone", err)
		}
		var sealed int
		w.DB.GetContext(ctx, &sealed, `SELECT count(*) FROM workspaces WHERE sealed_token IS NOT NULL`)
		if sealed != 0 {
			t.Errorf("%d sealed tokens left after the uninstall", sealed)
		}
		b := newBrowser(t, w)
		status, body := b.open(b.consent(b.install(), "allow"))
		expect(t, status, body, http.StatusOK, w.Fake.TeamName())
		tokens := w.Fake.InstalledTokens(team)
		if got, err := w.DB.BotToken(ctx, team); err != nil || len(tokens) != 1 || got != tokens[0] {
			t.Errorf("after the reinstall: %v, tokens %d", err, len(tokens))
		}
	})
	t.Run("NoTokenLogged", func(t *testing.T) {
		var audit string
		w.DB.GetContext(ctx, &audit, `SELECT coalesce(string_agg(actor || ' ' || action || ' ' || detail::text, E'\n'), '') FROM audit_log`)
		logged := logs.String()
		if !strings.Contains(logged, "workspace installed") || !strings.Contains(audit, "workspace_installed") {
			t.Fatalf("nothing logged or audited about the install:\n%s\n%s", logged, audit)
		}
		for _, c := range w.Fake.CallsTo("oauth.v2.access") {
			code := c.Args.Get("code")
			for _, secret := range []string{code, w.Fake.ClientSecret()} {
				if strings.Contains(logged, secret) || strings.Contains(audit, secret) {
					t.Errorf("a code or the client secret is in the logs or the audit log")
				}
			}
		}
		for _, word := range []string{"xoxb-"} {
			if strings.Contains(audit, word) {
				t.Errorf("the audit log holds a token: %s", audit)
			}
			for _, line := range strings.Split(logged, "\n") {
				if strings.Contains(line, word) {
					t.Errorf("a token in the log: %s", line)
				}
			}
		}
	})
}
