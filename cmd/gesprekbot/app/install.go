package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// The install of the app in another workspace with Slack's OAuth v2 flow:
//
//	GET /slack/install          a fresh state (stored in Postgres, so that any replica can finish the flow) and a
//	                            cookie binding it to this browser, then a redirect to Slack's consent page
//	GET /slack/oauth/callback   the state checked (issued here, unused, not expired, this browser's), the code
//	                            traded for the bot token with oauth.v2.access, the workspace and its sealed token
//	                            stored, and a short Dutch page saying so (or why not)
//
// Both exist only when SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_REDIRECT_URL and TOKEN_ENCRYPTION_KEY are set.

// Paths of the install endpoints.
const (
	PathInstall       = "/slack/install"
	PathOAuthCallback = "/slack/oauth/callback"
)

// installStateTTL is how long an install may take from /slack/install to the callback.
const installStateTTL = 10 * time.Minute

// installCookie binds a state to the browser that started the install.
const installCookie = "gesprekbot_install"

// installer serves the two install endpoints.
type installer struct {
	db           *store.DB
	phrases      *content.Phrases
	log          *slog.Logger
	client       *http.Client
	clientID     string
	clientSecret string
	redirectURL  string
	authorizeURL string // Slack's consent page: SLACK_API_URL's sibling oauth/v2/authorize
	apiURL       string
}

func newInstaller(cfg Config, db *store.DB, phrases *content.Phrases, log *slog.Logger, client *http.Client) (*installer, error) {
	api, err := url.Parse(cfg.SlackAPIURL)
	if err != nil {
		return nil, err
	}
	// https://slack.com/api/ → https://slack.com/oauth/v2/authorize; the fake serves it beside its API likewise.
	authorize := api.ResolveReference(&url.URL{Path: "../oauth/v2/authorize"})
	return &installer{db: db, phrases: phrases, log: log, client: client, clientID: cfg.SlackClientID,
		clientSecret: cfg.SlackClientSecret, redirectURL: cfg.SlackRedirectURL, authorizeURL: authorize.String(),
		apiURL: cfg.SlackAPIURL}, nil
}

// secureCookie: the cookie travels over HTTPS only when the callback is served over HTTPS.
func (in *installer) secureCookie() bool { return strings.HasPrefix(in.redirectURL, "https://") }

// start answers GET /slack/install: a new state, the browser's cookie, and the redirect to Slack's consent page.
func (in *installer) start(w http.ResponseWriter, r *http.Request) {
	state, browser := randomToken(), randomToken()
	if err := in.db.CreateOAuthState(r.Context(), state, browser, installStateTTL); err != nil {
		in.log.ErrorContext(r.Context(), "install: create state", slog.Any("error", err))
		in.page(w, http.StatusServiceUnavailable, in.phrases.InstallFailed)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: installCookie, Value: browser, Path: PathOAuthCallback,
		MaxAge: int(installStateTTL / time.Second), HttpOnly: true, Secure: in.secureCookie(),
		// Lax: the browser sends it on the top-level redirect back from slack.com, and on nothing cross-site else.
		SameSite: http.SameSiteLaxMode})
	q := url.Values{"client_id": {in.clientID}, "scope": {strings.Join(bot.BotScopes, ",")},
		"redirect_uri": {in.redirectURL}, "state": {state}}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, in.authorizeURL+"?"+q.Encode(), http.StatusFound)
}

// callback answers GET /slack/oauth/callback.
func (in *installer) callback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	browser := ""
	if c, err := r.Cookie(installCookie); err == nil {
		browser = c.Value
	}
	// The cookie has done its work whatever happens next.
	http.SetCookie(w, &http.Cookie{Name: installCookie, Value: "", Path: PathOAuthCallback, MaxAge: -1,
		HttpOnly: true, Secure: in.secureCookie(), SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	err := in.db.ConsumeOAuthState(ctx, q.Get("state"), browser)
	if e := q.Get("error"); e != "" {
		// Consent denied (access_denied) or refused by Slack: nothing to install. The state is spent either way.
		in.log.InfoContext(ctx, "install not approved", slog.String("error_code", e))
		in.page(w, http.StatusOK, in.phrases.InstallDenied)
		return
	}
	switch {
	case errors.Is(err, store.ErrStateUsed):
		in.refuse(w, r, http.StatusConflict, "state_used", in.phrases.InstallStateUsed)
		return
	case errors.Is(err, store.ErrStateExpired):
		in.refuse(w, r, http.StatusBadRequest, "state_expired", content.FillPlain(in.phrases.InstallStateExpired,
			content.Vars{"minuten": int(installStateTTL / time.Minute)}))
		return
	case errors.Is(err, store.ErrStateOtherBrowser):
		in.refuse(w, r, http.StatusForbidden, "other_browser", in.phrases.InstallOtherBrowser)
		return
	case errors.Is(err, store.ErrStateUnknown):
		in.refuse(w, r, http.StatusForbidden, "state_unknown", in.phrases.InstallStateInvalid)
		return
	case err != nil:
		in.log.ErrorContext(ctx, "install: check state", slog.Any("error", err))
		in.page(w, http.StatusServiceUnavailable, in.phrases.InstallFailed)
		return
	}
	code := q.Get("code")
	if code == "" {
		in.refuse(w, r, http.StatusBadRequest, "no_code", in.phrases.InstallStateInvalid)
		return
	}
	callCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	res, err := slack.GetOAuthV2ResponseContext(callCtx, in.client, in.clientID, in.clientSecret, code, in.redirectURL,
		slack.OAuthOptionAPIURL(in.apiURL))
	if err != nil {
		var se slack.SlackErrorResponse
		if errors.As(err, &se) && (se.Err == "invalid_code" || se.Err == "code_already_used" || se.Err == "code_expired") {
			in.refuse(w, r, http.StatusBadRequest, se.Err, in.phrases.InstallCodeUsed)
			return
		}
		// slack-go's errors name Slack's error code or the network failure, never the code, secret or a token.
		in.log.ErrorContext(ctx, "install: oauth.v2.access", slog.Any("error", err))
		in.page(w, http.StatusBadGateway, in.phrases.InstallFailed)
		return
	}
	if res.TokenType != "bot" || !strings.HasPrefix(res.AccessToken, "xoxb-") || res.Team.ID == "" || res.IsEnterpriseInstall {
		in.log.ErrorContext(ctx, "install: oauth.v2.access gave no bot token for one workspace",
			slog.String("token_type", res.TokenType), slog.String("team_id", res.Team.ID),
			slog.Bool("enterprise_install", res.IsEnterpriseInstall))
		in.page(w, http.StatusBadGateway, in.phrases.InstallFailed)
		return
	}
	if err := in.db.SaveInstall(ctx, store.Install{TeamID: res.Team.ID, TeamName: res.Team.Name,
		BotUserID: res.BotUserID, AppID: res.AppID, Scopes: res.Scope, InstalledBy: res.AuthedUser.ID,
		BotToken: res.AccessToken}); err != nil {
		in.log.ErrorContext(ctx, "install: save workspace", slog.String("team_id", res.Team.ID), slog.Any("error", err))
		in.page(w, http.StatusServiceUnavailable, in.phrases.InstallFailed)
		return
	}
	in.log.InfoContext(ctx, "workspace installed", slog.String("team_id", res.Team.ID),
		slog.String("team_name", res.Team.Name), slog.String("user_id", res.AuthedUser.ID))
	in.page(w, http.StatusOK, content.FillPlain(in.phrases.InstallDone, content.Vars{"werkruimte": res.Team.Name}))
}

// refuse logs a refused callback for the operator and shows the installer why.
func (in *installer) refuse(w http.ResponseWriter, r *http.Request, status int, reason, text string) {
	in.log.WarnContext(r.Context(), "install refused", slog.String("reason", reason))
	in.page(w, status, text)
}

var installPage = template.Must(template.New("install").Parse(`<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1d1c1d}
h1{font-size:1.4rem;color:#2f5d62}</style></head>
<body><h1>{{.Title}}</h1><p>{{.Text}}</p></body></html>
`))

// page writes the short Dutch page the installer reads.
func (in *installer) page(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	installPage.Execute(w, map[string]string{"Title": in.phrases.InstallPageTitle, "Text": text})
}

// randomToken is 32 random bytes, URL-safe: a state or a cookie value nobody can guess.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// installURL is where an operator sends an installer: the install path on the callback's host.
func installURL(redirectURL string) string {
	u, err := url.Parse(redirectURL)
	if err != nil {
		return PathInstall
	}
	u.Path, u.RawQuery = PathInstall, ""
	return u.String()
}
