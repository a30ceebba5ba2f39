package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strings"
)

// The sandbox has no accounts: whoever gets an answer from it acts as every demo user and reads every
// conversation, competentiemeter answers included. On a trainer's laptop that includes any web page the browser
// has open. So every request — page, assets, files and API — passes these checks first (guard):
//
//  1. Its Host is a loopback name: 127.0.0.1 (any of 127/8), [::1] or localhost. A DNS-rebinding page reaches
//     127.0.0.1 under its own name, and the browser then counts the sandbox as that page's origin: only the Host
//     it sends gives it away.
//  2. It carries the secret made at this start, as Jupyter does it. The URL printed in the terminal carries it once
//     (?token=…); the sandbox answers with a cookie (HttpOnly, SameSite=Strict, Path=/) and a redirect to the same
//     URL without the token, so that it stays out of the address bar and the history. Scripts send it as
//     "Authorization: Bearer …". Compared in constant time.
//  3. Other sites' requests are refused. A cross-site request carries no SameSite=Strict cookie, so it fails (2)
//     already; but "site" ignores the port, so a page served by another program on localhost:3000 is same-site
//     with the sandbox on localhost:8080 and its requests do carry the cookie. The browser cannot be stopped from
//     sending them; the sandbox refuses to answer them: anything but a navigation whose Sec-Fetch-Site says
//     another origin sent it, and — http.CrossOriginProtection, which also reads Origin where Sec-Fetch-Site is
//     missing — any write from another origin. Authorization headers and JSON bodies from another origin need a
//     CORS preflight, which the sandbox never grants.
//  4. API writes are JSON (Content-Type: application/json): the one kind of body an HTML form cannot send.

// tokenCookie is the cookie that keeps the page's token; its name carries the port, because cookies do not, and
// two sandboxes on one machine (another DATA_DIR, another HTTP_ADDR) would otherwise log each other out.
const tokenCookie = "gesprekbot_sandbox"

// newToken returns a fresh secret: 24 random bytes, hex.
func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read does not fail; it crashes the program if the kernel gives no randomness
	return hex.EncodeToString(b)
}

// Token is the secret of this start, which every request must carry (see guard).
func (s *Sandbox) Token() string { return s.token }

// URL is the address to open the sandbox at when it listens on addr (host:port): with the token, once.
func (s *Sandbox) URL(addr string) string { return "http://" + addr + "/?token=" + s.token }

// LoopbackHost reports whether host (without its port) names this machine only: localhost, or a loopback IP
// (127.0.0.0/8, ::1).
func LoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func cookieName(hostport string) string {
	if _, port, err := net.SplitHostPort(hostport); err == nil && port != "" {
		return tokenCookie + "_" + port
	}
	return tokenCookie
}

// guard lets through only what the checks above allow.
func (s *Sandbox) guard(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		if !LoopbackHost(host) {
			s.refuse(w, r, http.StatusForbidden, fmt.Sprintf("this sandbox answers only at 127.0.0.1, [::1] or localhost, not at %q", r.Host))
			return
		}
		if site := r.Header.Get("Sec-Fetch-Site"); (site == "same-site" || site == "cross-site") && r.Header.Get("Sec-Fetch-Mode") != "navigate" {
			s.refuse(w, r, http.StatusForbidden, "request from another site refused")
			return
		}
		if err := cop.Check(r); err != nil {
			s.refuse(w, r, http.StatusForbidden, "request from another site refused")
			return
		}
		if t := r.URL.Query().Get("token"); t != "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			s.login(w, r, t)
			return
		}
		t, given := requestToken(r)
		switch {
		case !given:
			w.Header().Set("WWW-Authenticate", `Bearer realm="gesprekbot sandbox"`)
			s.refuse(w, r, http.StatusUnauthorized, "no token: open the URL gesprekbot printed in the terminal "+
				"(http://…/?token=…), or send the token as Authorization: Bearer …")
			return
		case !s.validToken(t):
			s.refuse(w, r, http.StatusForbidden, "wrong token: it changes at every start; use the one gesprekbot "+
				"printed in the terminal this time")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && strings.HasPrefix(r.URL.Path, "/sandbox/api/") && !isJSON(r) {
			writeError(w, http.StatusUnsupportedMediaType, "send JSON, with Content-Type: application/json")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// login checks the token of the URL printed in the terminal, keeps it in the page's cookie, and sends the
// browser to the same URL without it.
func (s *Sandbox) login(w http.ResponseWriter, r *http.Request, t string) {
	if !s.validToken(t) {
		s.refuse(w, r, http.StatusForbidden, "wrong token: it changes at every start; use the URL gesprekbot printed in the terminal this time")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName(r.Host), Value: s.token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode})
	u := *r.URL
	q := u.Query()
	q.Del("token")
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
}

// requestToken returns the token a request carries, from its Authorization header or else its cookie; given is
// false when it carries none. An Authorization header that is not a bearer token counts as a wrong token.
func requestToken(r *http.Request) (t string, given bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, t, ok := strings.Cut(strings.TrimSpace(h), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return "", true
		}
		return strings.TrimSpace(t), true
	}
	if c, err := r.Cookie(cookieName(r.Host)); err == nil {
		return c.Value, true
	}
	return "", false
}

func (s *Sandbox) validToken(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), []byte(s.token)) == 1
}

// isJSON reports whether the request's body is declared JSON.
func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// refuse answers a request the guard does not let through: a JSON error for the API and for scripts, and for a
// browser a short page that says to open the URL printed in the terminal. Nothing of the sandbox is in it.
func (s *Sandbox) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	// Debug: a page left open across a restart asks every second with the old token.
	s.opts.Log.Debug("sandbox request refused", slog.String("path", r.URL.Path), slog.Int("status", status),
		slog.String("reason", msg))
	if strings.HasPrefix(r.URL.Path, "/sandbox/api/") || !strings.Contains(r.Header.Get("Accept"), "text/html") {
		writeError(w, status, "%s", msg)
		return
	}
	page, err := fs.ReadFile(webFS, "web/locked.html")
	if err != nil {
		http.Error(w, msg, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(page)
}
