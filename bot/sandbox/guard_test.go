package sandbox_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gesprekbot/gesprekbot/bot/sandbox"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
)

// answer is what came back for one request of the guard test.
type answer struct {
	status int
	header http.Header
	body   string
}

// errorText is the "error" of a JSON answer ("" when the body is not a JSON error).
func (a answer) errorText() string {
	var e struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal([]byte(a.body), &e)
	return e.Error
}

// send does one request to the sandbox without following redirects; edit sets its headers.
func (e *env) send(t *testing.T, method, path, body string, edit func(r *http.Request)) answer {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(req)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func bearer(token string) func(r *http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

// cookie sets the page's cookie with the given value, as the browser keeps it after the ?token= visit.
func (e *env) cookie(value string) func(r *http.Request) {
	return func(r *http.Request) {
		r.AddCookie(&http.Cookie{Name: "gesprekbot_sandbox_" + e.port(), Value: value})
	}
}

func (e *env) port() string {
	u, _ := url.Parse(e.base)
	return u.Port()
}

func both(fs ...func(r *http.Request)) func(r *http.Request) {
	return func(r *http.Request) {
		for _, f := range fs {
			f(r)
		}
	}
}

func browserPage(r *http.Request) {
	r.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
}

// lockedPage reports whether body is the page that says to open the URL from the terminal, with nothing of the
// sandbox in it.
func lockedPage(body string) bool {
	return strings.Contains(body, "link uit de terminal") && !strings.Contains(body, "app.js") &&
		!strings.Contains(body, sandbox.DemoUsers[1].Name)
}

// TestGuard: the sandbox answers only its own page, with this start's token, at a loopback name; another site can
// neither read nor act.
func TestGuard(t *testing.T) {
	t.Parallel()
	db := testDB(t)
	e := newEnv(t, db)
	token := e.sb.Token()
	e.fake.RestoreFile(slackfake.File{ID: "F0GUARD01", Name: "mijn-gegevens.json", Shared: true}, []byte(`{"scores":[4,5]}`))
	const file = "/sandbox/files/F0GUARD01/mijn-gegevens.json"

	t.Run("Bearer", func(t *testing.T) {
		a := e.send(t, "GET", "/sandbox/api/state", "", bearer(token))
		var st sandbox.State
		if a.status != 200 || json.Unmarshal([]byte(a.body), &st) != nil || len(st.Users) == 0 {
			t.Fatalf("GET state with the token: %d %s", a.status, a.body)
		}
		if a := e.send(t, "GET", file, "", bearer(token)); a.status != 200 || a.body != `{"scores":[4,5]}` {
			t.Fatalf("GET file with the token: %d %s", a.status, a.body)
		}
	})

	t.Run("NoToken", func(t *testing.T) {
		for _, path := range []string{"/sandbox/api/state", "/sandbox/api/messages?conversation=" + sanne.IMID, file, "/sandbox/static/app.js"} {
			a := e.send(t, "GET", path, "", nil)
			if a.status != http.StatusUnauthorized || !strings.Contains(a.errorText(), "printed in the terminal") ||
				a.header.Get("WWW-Authenticate") == "" || strings.Contains(a.body, "scores") {
				t.Errorf("GET %s without a token: %d %v %s; want 401 saying where the token is", path, a.status, a.header, a.body)
			}
		}
		if a := e.send(t, "GET", "/", "", browserPage); a.status != http.StatusUnauthorized || !lockedPage(a.body) {
			t.Errorf("the page without a token: %d\n%s\nwant 401 and the page that says to open the URL from the terminal", a.status, a.body)
		}
	})

	t.Run("WrongToken", func(t *testing.T) {
		other := strings.Repeat("0", len(token))
		for name, edit := range map[string]func(*http.Request){
			"Bearer":     bearer(other),
			"BearerPart": bearer(token[:len(token)-1]),
			"Basic":      func(r *http.Request) { r.SetBasicAuth("x", token) },
			"Cookie":     e.cookie(other),
		} {
			a := e.send(t, "GET", "/sandbox/api/state", "", edit)
			if a.status != http.StatusForbidden || !strings.Contains(a.errorText(), "wrong token") {
				t.Errorf("%s: %d %s; want 403 wrong token", name, a.status, a.body)
			}
		}
		a := e.send(t, "GET", "/?token="+other, "", browserPage)
		if a.status != http.StatusForbidden || !lockedPage(a.body) || len(a.header.Values("Set-Cookie")) != 0 {
			t.Errorf("?token= with a wrong token: %d %v; want 403, the locked page and no cookie", a.status, a.header)
		}
	})

	t.Run("CookieFlow", func(t *testing.T) {
		a := e.send(t, "GET", "/?token="+token+"&x=1", "", browserPage)
		if a.status != http.StatusSeeOther || a.header.Get("Location") != "/?x=1" {
			t.Fatalf("?token= visit: %d, Location %q; want 303 to the same URL without the token", a.status, a.header.Get("Location"))
		}
		resp := http.Response{Header: a.header}
		cookies := resp.Cookies()
		if len(cookies) != 1 {
			t.Fatalf("cookies set: %v, want one", a.header.Values("Set-Cookie"))
		}
		c := cookies[0]
		if c.Name != "gesprekbot_sandbox_"+e.port() || c.Value != token || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
			t.Errorf("cookie %+v; want HttpOnly, SameSite=Strict, Path=/ with the token", c)
		}
		withCookie := e.cookie(c.Value)
		if a := e.send(t, "GET", "/?x=1", "", both(browserPage, withCookie)); a.status != 200 || !strings.Contains(a.body, "app.js") {
			t.Errorf("the page with the cookie: %d", a.status)
		}
		if a := e.send(t, "GET", "/sandbox/api/clock", "", withCookie); a.status != 200 {
			t.Errorf("the API with the cookie: %d %s", a.status, a.body)
		}
		if a := e.send(t, "GET", file, "", withCookie); a.status != 200 {
			t.Errorf("a file with the cookie: %d %s", a.status, a.body)
		}
	})

	// A DNS-rebinding page reaches 127.0.0.1 under its own name; even with the token the sandbox does not answer it.
	t.Run("WrongHost", func(t *testing.T) {
		for _, host := range []string{"evil.example:" + e.port(), "evil.example", "192.168.1.20:" + e.port()} {
			setHost := func(r *http.Request) { r.Host = host }
			a := e.send(t, "GET", "/sandbox/api/messages?conversation="+sanne.IMID, "", both(setHost, bearer(token)))
			if a.status != http.StatusForbidden || !strings.Contains(a.errorText(), "only at 127.0.0.1") {
				t.Errorf("Host %s: %d %s; want 403", host, a.status, a.body)
			}
			if a := e.send(t, "GET", "/", "", both(setHost, browserPage, e.cookie(token))); a.status != http.StatusForbidden || !lockedPage(a.body) {
				t.Errorf("the page at Host %s: %d; want 403 and the locked page", host, a.status)
			}
		}
		for _, host := range []string{"localhost:" + e.port(), "127.0.0.1:" + e.port(), "[::1]:" + e.port(), "LOCALHOST"} {
			if a := e.send(t, "GET", "/sandbox/api/state", "", both(func(r *http.Request) { r.Host = host }, bearer(token))); a.status != 200 {
				t.Errorf("Host %s: %d %s; want 200", host, a.status, a.body)
			}
		}
	})

	// A cross-site <form> can post only form encodings and text/plain; none of them reaches a handler, and nothing
	// is written: the clock stays, no command reaches the bot.
	t.Run("NotJSON", func(t *testing.T) {
		offsetBefore, _, err := db.SandboxClockOffset(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		commandsBefore := len(e.fake.CallsTo("deliver:slash_commands"))
		messagesBefore := len(e.messages(t, sandbox.DemoChannelID, ""))
		for _, tt := range []struct{ path, contentType, body string }{
			{"/sandbox/api/clock", "application/x-www-form-urlencoded", "advance=48h"},
			{"/sandbox/api/clock", "text/plain", `{"advance":"48h"}`},
			{"/sandbox/api/clock", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"advance\"\r\n\r\n48h\r\n--x--\r\n"},
			{"/sandbox/api/clock", "", `{"advance":"48h"}`},
			{"/sandbox/api/command", "application/x-www-form-urlencoded", "user=" + sanne.ID + "&conversation=" + sandbox.DemoChannelID + "&command=%2Fcasus&text=reveal"},
			{"/sandbox/api/command", "text/plain", `{"user":"` + sanne.ID + `","conversation":"` + sandbox.DemoChannelID + `","command":"/gesprekbot","text":"help"}`},
		} {
			a := e.send(t, "POST", tt.path, tt.body, both(e.cookie(token), func(r *http.Request) {
				if tt.contentType != "" {
					r.Header.Set("Content-Type", tt.contentType)
				} else {
					r.Header.Del("Content-Type")
				}
			}))
			if a.status != http.StatusUnsupportedMediaType || !strings.Contains(a.errorText(), "application/json") {
				t.Errorf("POST %s as %q: %d %s; want 415", tt.path, tt.contentType, a.status, a.body)
			}
		}
		offsetAfter, _, err := db.SandboxClockOffset(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if offsetAfter != offsetBefore {
			t.Errorf("the clock moved from %v to %v", offsetBefore, offsetAfter)
		}
		if n := len(e.fake.CallsTo("deliver:slash_commands")); n != commandsBefore {
			t.Errorf("%d slash commands reached the bot", n-commandsBefore)
		}
		if n := len(e.messages(t, sandbox.DemoChannelID, "")); n != messagesBefore {
			t.Errorf("%d new messages in the channel", n-messagesBefore)
		}
	})

	// Another program's page on localhost:3000 is the same site as the sandbox, so the browser sends the cookie
	// with its requests: the sandbox answers none but navigations.
	t.Run("OtherOrigin", func(t *testing.T) {
		offsetBefore, _, _ := db.SandboxClockOffset(context.Background())
		json := func(r *http.Request) { r.Header.Set("Content-Type", "application/json") }
		for name, edit := range map[string]func(*http.Request){
			"Origin": func(r *http.Request) { r.Header.Set("Origin", "http://localhost:3000") },
			"SecFetchSite": func(r *http.Request) {
				r.Header.Set("Sec-Fetch-Site", "same-site")
				r.Header.Set("Sec-Fetch-Mode", "cors")
			},
			"CrossSiteForm": func(r *http.Request) {
				r.Header.Set("Sec-Fetch-Site", "cross-site")
				r.Header.Set("Sec-Fetch-Mode", "navigate")
			},
			"NoCorsSameSite": func(r *http.Request) {
				r.Header.Set("Sec-Fetch-Site", "same-site")
				r.Header.Set("Sec-Fetch-Mode", "no-cors")
			},
		} {
			a := e.send(t, "POST", "/sandbox/api/clock", `{"advance":"48h"}`, both(e.cookie(token), json, edit))
			if a.status != http.StatusForbidden {
				t.Errorf("%s: POST %d %s; want 403", name, a.status, a.body)
			}
		}
		if off, _, _ := db.SandboxClockOffset(context.Background()); off != offsetBefore {
			t.Errorf("the clock moved from %v to %v", offsetBefore, off)
		}
		read := func(r *http.Request) {
			r.Header.Set("Sec-Fetch-Site", "same-site")
			r.Header.Set("Sec-Fetch-Mode", "cors")
		}
		if a := e.send(t, "GET", "/sandbox/api/messages?conversation="+sanne.IMID, "", both(e.cookie(token), read)); a.status != http.StatusForbidden {
			t.Errorf("GET messages from another origin: %d; want 403", a.status)
		}
		// Its own page's requests, and a link from elsewhere to the page, go through.
		own := func(r *http.Request) {
			r.Header.Set("Sec-Fetch-Site", "same-origin")
			r.Header.Set("Origin", "http://127.0.0.1:"+e.port())
		}
		if a := e.send(t, "POST", "/sandbox/api/clock", `{"advance":"1h"}`, both(e.cookie(token), json, own)); a.status != 200 {
			t.Errorf("the page's own clock move: %d %s", a.status, a.body)
		}
		link := func(r *http.Request) {
			r.Header.Set("Sec-Fetch-Site", "cross-site")
			r.Header.Set("Sec-Fetch-Mode", "navigate")
		}
		if a := e.send(t, "GET", "/?token="+token, "", both(link, browserPage)); a.status != http.StatusSeeOther {
			t.Errorf("following the link from elsewhere: %d; want 303", a.status)
		}
	})

	// A new start makes a new token; the old one no longer opens anything.
	t.Run("NewTokenEachStart", func(t *testing.T) {
		e.stop()
		e2 := newEnv(t, db)
		if e2.sb.Token() == token || len(e2.sb.Token()) < 32 {
			t.Fatalf("token after a restart %q, before %q: want a new one of at least 32 characters", e2.sb.Token(), token)
		}
		if a := e2.send(t, "GET", "/sandbox/api/state", "", bearer(token)); a.status != http.StatusForbidden {
			t.Errorf("the old token after a restart: %d; want 403", a.status)
		}
	})
}
