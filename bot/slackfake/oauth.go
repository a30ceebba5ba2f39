package slackfake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// OAuth v2, as Slack runs it for an app distributed to other workspaces: the consent page at
// /oauth/v2/authorize (approve or deny, then a redirect to the app's redirect_uri with code and state, or
// error=access_denied and state), and oauth.v2.access, which trades a code for a bot token (the client's id and
// secret and the same redirect_uri, a code once and within its lifetime). An approved install issues a fresh
// xoxb- token for the team, accepted from then on like the fake's own bot token, until Uninstall revokes the
// team's tokens and sends app_uninstalled and tokens_revoked, as Slack does.

// codeTTL is how long an authorization code can be traded, as Slack's ten minutes.
const codeTTL = 10 * time.Minute

// oauthCode is a code the consent page issued.
type oauthCode struct {
	clientID, redirectURI, scope, team, user string
	expires                                  time.Time
	used                                     bool
}

// installedToken is a bot token an install issued, and its team.
type installedToken struct {
	team    string
	revoked bool
}

// ClientID is the app's client ID the consent page and oauth.v2.access accept.
func (s *Server) ClientID() string { return s.opts.ClientID }

// ClientSecret is the app's client secret oauth.v2.access accepts.
func (s *Server) ClientSecret() string { return s.opts.ClientSecret }

// AuthorizeURL is the consent page's address (Slack's https://slack.com/oauth/v2/authorize).
func (s *Server) AuthorizeURL() string { return s.base + "oauth/v2/authorize" }

// addBotToken makes the fake accept token as team's bot token: the one place installed tokens are added (K-teams'
// teams join here).
func (s *Server) addBotToken(token, team string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.botTokens == nil {
		s.botTokens = map[string]*installedToken{}
	}
	s.botTokens[token] = &installedToken{team: team}
	s.tokenOrder = append(s.tokenOrder, token)
}

// installedTokenError says whether token is one an install issued: ok, and "" or the code Slack answers once it
// was revoked.
func (s *Server) installedTokenError(token string) (code string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.botTokens[token]
	if !ok {
		return "", false
	}
	if t.revoked {
		return "token_revoked", true
	}
	return "", true
}

// knownTeam reports whether the fake has a workspace of this ID, and its name.
func (s *Server) knownTeam(id string) (string, bool) {
	if id == s.opts.TeamID {
		return s.opts.Team, true
	}
	return "", false
}

// InstalledTokens returns the bot tokens installs issued for team that are not revoked, oldest first.
func (s *Server) InstalledTokens(team string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, tok := range s.tokenOrder {
		if t := s.botTokens[tok]; t != nil && t.team == team && !t.revoked {
			out = append(out, tok)
		}
	}
	return out
}

var consentPage = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Install {{.App}} in {{.TeamName}}</title></head>
<body>
<h1>{{.App}} wants to join {{.TeamName}}</h1>
<p>It asks for: {{.Scope}}</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="team" value="{{.Team}}">
<label>Installing as <input name="user" value="{{.User}}"></label>
<button name="decision" value="allow">Allow</button>
<button name="decision" value="deny">Cancel</button>
</form>
</body></html>
`))

// serveAuthorize shows the consent page (GET) and answers it (POST): a redirect to redirect_uri with a code, or
// with error=access_denied.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	clientID, redirectURI, state := r.Form.Get("client_id"), r.Form.Get("redirect_uri"), r.Form.Get("state")
	if clientID != s.opts.ClientID {
		http.Error(w, "invalid_client_id", http.StatusBadRequest)
		return
	}
	ru, err := url.Parse(redirectURI)
	if err != nil || (ru.Scheme != "http" && ru.Scheme != "https") || ru.Host == "" {
		http.Error(w, "bad_redirect_uri", http.StatusBadRequest)
		return
	}
	team := r.Form.Get("team")
	if team == "" {
		team = s.opts.TeamID
	}
	teamName, ok := s.knownTeam(team)
	if !ok {
		http.Error(w, "unknown team", http.StatusBadRequest)
		return
	}
	if r.Method == http.MethodGet {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		consentPage.Execute(w, map[string]string{"App": s.opts.BotName, "TeamName": teamName, "Team": team,
			"Scope": r.Form.Get("scope"), "ClientID": clientID, "RedirectURI": redirectURI, "State": state,
			"User": s.installerID(), "Action": "/oauth/v2/authorize"})
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := ru.Query()
	q.Set("state", state)
	if r.Form.Get("decision") != "allow" {
		q.Set("error", "access_denied")
	} else {
		user := r.Form.Get("user")
		if user == "" {
			user = s.installerID()
		}
		code := "fakecode-" + randomHex(12)
		s.mu.Lock()
		if s.codes == nil {
			s.codes = map[string]*oauthCode{}
		}
		s.codes[code] = &oauthCode{clientID: clientID, redirectURI: redirectURI, scope: r.Form.Get("scope"),
			team: team, user: user, expires: s.opts.WallNow().Add(codeTTL)}
		s.mu.Unlock()
		q.Set("code", code)
	}
	ru.RawQuery = q.Encode()
	http.Redirect(w, r, ru.String(), http.StatusFound)
}

// installerID is who approves an install by default: the first admin or owner, else the first person.
func (s *Server) installerID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	first := ""
	for _, id := range s.userOrder {
		u := s.users[id]
		if u == nil || u.IsBot || u.Deleted {
			continue
		}
		if u.IsAdmin || u.IsOwner {
			return id
		}
		if first == "" {
			first = id
		}
	}
	if first == "" {
		return "U0INSTALL1"
	}
	return first
}

// oauthV2Access trades a code for the team's bot token, as Slack's oauth.v2.access.
func (s *Server) oauthV2Access(r *apiRequest) (map[string]any, *apiError) {
	clientID, secret := r.params.Get("client_id"), r.params.Get("client_secret")
	if r.basicUser != "" {
		clientID, secret = r.basicUser, r.basicPass
	}
	switch {
	case clientID == "" || clientID != s.opts.ClientID:
		return nil, fail("invalid_client_id")
	case secret != s.opts.ClientSecret:
		return nil, fail("bad_client_secret")
	}
	s.mu.Lock()
	c, ok := s.codes[r.params.Get("code")]
	switch {
	case !ok || c.clientID != clientID:
		s.mu.Unlock()
		return nil, fail("invalid_code")
	case c.used:
		s.mu.Unlock()
		return nil, fail("code_already_used")
	case !s.opts.WallNow().Before(c.expires):
		s.mu.Unlock()
		return nil, fail("invalid_code")
	case r.params.Get("redirect_uri") != c.redirectURI:
		s.mu.Unlock()
		return nil, fail("bad_redirect_uri")
	}
	c.used = true
	s.mu.Unlock()
	teamName, _ := s.knownTeam(c.team)
	token := "xoxb-" + strings.TrimPrefix(c.team, "T") + "-" + randomHex(16)
	s.addBotToken(token, c.team)
	return map[string]any{
		"access_token": token, "token_type": "bot", "scope": c.scope,
		"bot_user_id": s.opts.BotUserID, "app_id": s.opts.AppID,
		"team":       map[string]any{"id": c.team, "name": teamName},
		"enterprise": nil, "is_enterprise_install": false,
		"authed_user": map[string]any{"id": c.user},
	}, nil
}

// Uninstall removes the app from the workspace team, as an admin does in Slack: every bot token of the team is
// revoked (calls with it answer token_revoked, the fake's own bot token too when team is the fake's), and the app
// receives tokens_revoked and then app_uninstalled for the team. It returns the responses of the two events.
func (s *Server) Uninstall(ctx context.Context, team string) ([]Response, error) {
	if _, ok := s.knownTeam(team); !ok {
		return nil, fmt.Errorf("slackfake: uninstall: unknown team %s", team)
	}
	s.mu.Lock()
	for _, t := range s.botTokens {
		if t.team == team {
			t.revoked = true
		}
	}
	s.mu.Unlock()
	if team == s.opts.TeamID {
		s.RevokeBotToken("token_revoked")
	}
	var out []Response
	resp, err := s.teamEvent(ctx, team, map[string]any{"type": "tokens_revoked",
		"tokens": map[string]any{"oauth": []string{}, "bot": []string{s.opts.BotUserID}}})
	out = append(out, resp)
	if err != nil {
		return out, err
	}
	resp, err = s.teamEvent(ctx, team, map[string]any{"type": "app_uninstalled"})
	return append(out, resp), err
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// TeamName is the workspace's name.
func (s *Server) TeamName() string { return s.opts.Team }
