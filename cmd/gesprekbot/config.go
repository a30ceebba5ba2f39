package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gesprekbot/gesprekbot/bot/sandbox"
	"github.com/gesprekbot/gesprekbot/cmd/gesprekbot/app"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// Config is everything the bot reads from its environment, validated once.
type Config struct {
	DatabaseURL        string         // empty: run a private Postgres in DataDir
	SlackBotToken      string         // xoxb-…
	SlackAppToken      string         // xapp-…, for Socket Mode
	SlackSigningSecret string         // for HTTP mode
	SlackAPIURL        string         // Slack's Web API base URL, ending in "/"
	HTTPAddr           string         // health checks, HTTP-mode endpoints, the sandbox
	DataDir            string         // the private Postgres and other local state
	CourseTZ           *time.Location // default time zone of new cohorts
	LogFormat          string         // text | json
	LogLevel           slog.Level
	PGBin              string // where initdb and postgres live, if not on PATH
	ContentDir         string // a trainer-edited copy of the course content
	// TrainingCreators may set up a training with /training nieuw besides workspace admins and owners: Slack user
	// IDs or e-mail addresses (TRAINING_CREATORS, separated by commas or spaces).
	TrainingCreators []string
	// RetentionMonths is how long after a cohort's last module its personal data is kept (RETENTION_MONTHS).
	RetentionMonths int

	// The install in other workspaces with OAuth v2 (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_REDIRECT_URL):
	// all three or none; with them TOKEN_ENCRYPTION_KEY is required.
	SlackClientID     string
	SlackClientSecret string
	SlackRedirectURL  string
	// TokenKeys seal the workspaces' bot tokens (TOKEN_ENCRYPTION_KEY, and TOKEN_ENCRYPTION_KEY_PREVIOUS while a
	// rotation is under way); nil when TOKEN_ENCRYPTION_KEY is not set.
	TokenKeys *store.Keyring

	mode string // set by "run --mode"
}

// ConfigError names the variable that is wrong.
type ConfigError struct {
	Var, Msg string
}

func (e *ConfigError) Error() string { return e.Var + ": " + e.Msg }

// slackDefaultAPIURL is Slack's own Web API.
const slackDefaultAPIURL = "https://slack.com/api/"

// courseTZ is the IANA name of COURSE_TZ: the time zone of a cohort file that names none.
func (c *Config) courseTZ() string {
	if c.CourseTZ == nil {
		return content.DefaultTimezone
	}
	return c.CourseTZ.String()
}

// LoadConfig reads the configuration from getenv and validates it, returning the first problem found.
func LoadConfig(getenv func(string) string) (*Config, error) {
	c := &Config{
		DatabaseURL:        strings.TrimSpace(getenv("DATABASE_URL")),
		SlackBotToken:      strings.TrimSpace(getenv("SLACK_BOT_TOKEN")),
		SlackAppToken:      strings.TrimSpace(getenv("SLACK_APP_TOKEN")),
		SlackSigningSecret: strings.TrimSpace(getenv("SLACK_SIGNING_SECRET")),
		SlackAPIURL:        or(getenv("SLACK_API_URL"), slackDefaultAPIURL),
		HTTPAddr:           or(getenv("HTTP_ADDR"), "127.0.0.1:8080"),
		DataDir:            or(getenv("DATA_DIR"), defaultDataDir(getenv)),
		LogFormat:          or(getenv("LOG_FORMAT"), "text"),
		PGBin:              strings.TrimSpace(getenv("PG_BIN")),
		ContentDir:         strings.TrimSpace(getenv("CONTENT_DIR")),
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			return nil, &ConfigError{"DATABASE_URL", "must be a URL like postgres://user:password@host:5432/dbname"}
		}
	}
	if c.SlackBotToken != "" && !strings.HasPrefix(c.SlackBotToken, "xoxb-") {
		return nil, &ConfigError{"SLACK_BOT_TOKEN", "must be a bot token starting with xoxb-"}
	}
	if c.SlackAppToken != "" && !strings.HasPrefix(c.SlackAppToken, "xapp-") {
		return nil, &ConfigError{"SLACK_APP_TOKEN", "must be an app-level token starting with xapp-"}
	}
	if c.SlackBotToken == "" && (c.SlackAppToken != "" || c.SlackSigningSecret != "") {
		return nil, &ConfigError{"SLACK_BOT_TOKEN", "is required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set"}
	}
	if c.SlackBotToken != "" && c.SlackAppToken == "" && c.SlackSigningSecret == "" {
		return nil, &ConfigError{"SLACK_APP_TOKEN", "set it (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) with SLACK_BOT_TOKEN"}
	}
	if u, err := url.Parse(c.SlackAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !strings.HasSuffix(u.Path, "/") {
		return nil, &ConfigError{"SLACK_API_URL", "must be an http(s) URL ending in /, like https://slack.com/api/"}
	}
	if host, port, err := net.SplitHostPort(c.HTTPAddr); err != nil || port == "" {
		return nil, &ConfigError{"HTTP_ADDR", "must be host:port, like 127.0.0.1:8080"}
	} else if host == "" {
		// ":8080" would listen on every interface; say so rather than do it silently.
		return nil, &ConfigError{"HTTP_ADDR", "name the address to listen on, like 127.0.0.1:8080 (or 0.0.0.0:8080 to accept outside connections)"}
	}
	if c.DataDir == "" {
		return nil, &ConfigError{"DATA_DIR", "no home directory to put it in; set DATA_DIR"}
	}
	if !filepath.IsAbs(c.DataDir) {
		abs, err := filepath.Abs(c.DataDir)
		if err != nil {
			return nil, &ConfigError{"DATA_DIR", err.Error()}
		}
		c.DataDir = abs
	}
	tz := or(getenv("COURSE_TZ"), "Europe/Amsterdam")
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, &ConfigError{"COURSE_TZ", fmt.Sprintf("unknown time zone %q; use an IANA name like Europe/Amsterdam", tz)}
	}
	c.CourseTZ = loc
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return nil, &ConfigError{"LOG_FORMAT", fmt.Sprintf("must be text or json, not %q", c.LogFormat)}
	}
	if err := c.LogLevel.UnmarshalText([]byte(or(getenv("LOG_LEVEL"), "info"))); err != nil {
		return nil, &ConfigError{"LOG_LEVEL", fmt.Sprintf("must be debug, info, warn or error, not %q", getenv("LOG_LEVEL"))}
	}
	months, err := parseRetentionMonths(getenv("RETENTION_MONTHS"))
	if err != nil {
		return nil, &ConfigError{"RETENTION_MONTHS", err.Error()}
	}
	c.RetentionMonths = months
	creators, err := parseTrainingCreators(getenv("TRAINING_CREATORS"))
	if err != nil {
		return nil, &ConfigError{"TRAINING_CREATORS", err.Error()}
	}
	c.TrainingCreators = creators
	if err := c.loadInstall(getenv); err != nil {
		return nil, err
	}
	return c, nil
}

// loadInstall reads the OAuth install's settings and the token encryption keys. The values are secrets: no error
// repeats them.
func (c *Config) loadInstall(getenv func(string) string) error {
	c.SlackClientID = strings.TrimSpace(getenv("SLACK_CLIENT_ID"))
	c.SlackClientSecret = strings.TrimSpace(getenv("SLACK_CLIENT_SECRET"))
	c.SlackRedirectURL = strings.TrimSpace(getenv("SLACK_REDIRECT_URL"))
	keyVar, prevVar := strings.TrimSpace(getenv("TOKEN_ENCRYPTION_KEY")), strings.TrimSpace(getenv("TOKEN_ENCRYPTION_KEY_PREVIOUS"))
	if keyVar != "" {
		key, err := store.ParseTokenKey(keyVar)
		if err != nil {
			return &ConfigError{"TOKEN_ENCRYPTION_KEY", err.Error()}
		}
		var prev []byte
		if prevVar != "" {
			if prev, err = store.ParseTokenKey(prevVar); err != nil {
				return &ConfigError{"TOKEN_ENCRYPTION_KEY_PREVIOUS", err.Error()}
			}
		}
		if c.TokenKeys, err = store.NewKeyring(key, prev); err != nil {
			return &ConfigError{"TOKEN_ENCRYPTION_KEY_PREVIOUS", "is the same key as TOKEN_ENCRYPTION_KEY; set it to the key before the new one, or leave it out"}
		}
	} else if prevVar != "" {
		return &ConfigError{"TOKEN_ENCRYPTION_KEY", "is required with TOKEN_ENCRYPTION_KEY_PREVIOUS: the new key seals, the previous one only still reads"}
	}
	set := 0
	for _, v := range []string{c.SlackClientID, c.SlackClientSecret, c.SlackRedirectURL} {
		if v != "" {
			set++
		}
	}
	if set == 0 {
		return nil
	}
	for _, v := range []struct{ name, value string }{{"SLACK_CLIENT_ID", c.SlackClientID},
		{"SLACK_CLIENT_SECRET", c.SlackClientSecret}, {"SLACK_REDIRECT_URL", c.SlackRedirectURL}} {
		if v.value == "" {
			return &ConfigError{v.name, "is required to install the app in other workspaces: set SLACK_CLIENT_ID, " +
				"SLACK_CLIENT_SECRET and SLACK_REDIRECT_URL together (Basic Information and OAuth & Permissions of the Slack app), or none"}
		}
	}
	u, err := url.Parse(c.SlackRedirectURL)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.Path != app.PathOAuthCallback ||
		(u.Scheme != "https" && !(u.Scheme == "http" && sandbox.LoopbackHost(u.Hostname()))) {
		return &ConfigError{"SLACK_REDIRECT_URL", "must be the bot's public https address with the path " + app.PathOAuthCallback +
			", like https://bot.example.nl" + app.PathOAuthCallback + " (http only on a loopback address), and the same URL " +
			"must be listed under Redirect URLs in the Slack app's OAuth & Permissions"}
	}
	if c.TokenKeys == nil {
		return &ConfigError{"TOKEN_ENCRYPTION_KEY", "is required with SLACK_CLIENT_ID: the bot tokens of the workspaces " +
			"are stored encrypted with it; generate one with: openssl rand -base64 32"}
	}
	if c.SlackBotToken == "" {
		return &ConfigError{"SLACK_BOT_TOKEN", "is required with SLACK_CLIENT_ID: the bot runs in its own workspace " +
			"with SLACK_BOT_TOKEN (and SLACK_APP_TOKEN or SLACK_SIGNING_SECRET), and serves the install for the others"}
	}
	return nil
}

// maxRetentionMonths bounds RETENTION_MONTHS: a hundred years is "for ever", which the setting is not for.
const maxRetentionMonths = 1200

// parseRetentionMonths reads RETENTION_MONTHS: a whole number of months, at least 1; empty is the default, 12.
func parseRetentionMonths(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return scheduler.DefaultRetentionMonths, nil
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		return 0, fmt.Errorf("must be a whole number of months, like 12, not %q", v)
	case n < 1:
		return 0, fmt.Errorf("must be at least 1 month, not %d: personal data is deleted that many months after a "+
			"cohort's last module, and the trainers are told a month before (default 12)", n)
	case n > maxRetentionMonths:
		return 0, fmt.Errorf("must be at most %d months, not %d", maxRetentionMonths, n)
	}
	return n, nil
}

// parseTrainingCreators reads TRAINING_CREATORS: Slack user IDs (U… or W…) and e-mail addresses, separated by
// commas or spaces, each of the default workspace or qualified with a workspace's team ID ("T0123ABCD:U0456EFGH").
func parseTrainingCreators(v string) ([]string, error) {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		team, ref, qualified := strings.Cut(f, ":")
		if !qualified {
			ref = f
		}
		if qualified && !content.IsTeamID(team) {
			return nil, fmt.Errorf("%q: %q is not a Slack team ID (like T0123ABCD); write the workspace's team ID, a colon and the person, or the person alone for the default workspace", f, team)
		}
		if !content.IsUserRef(ref) {
			return nil, fmt.Errorf("%q is neither a Slack user ID (like U0123ABCD) nor an e-mail address, with or without a team ID before it (like T0123ABCD:U0123ABCD); separate entries with commas or spaces", f)
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// SlackMode is how the bot reaches Slack: "socket", "http", or "sandbox" (no tokens: the in-repo fake).
func (c *Config) SlackMode() string {
	switch {
	case c.mode != "":
		return c.mode
	case c.SlackAppToken != "":
		return "socket"
	case c.SlackSigningSecret != "":
		return "http"
	}
	return "sandbox"
}

// checkSandboxAddr refuses an HTTP_ADDR other machines can reach: the sandbox has no accounts, and whoever reaches
// its page acts as every demo user and reads every conversation.
func (c *Config) checkSandboxAddr() error {
	host, port, _ := net.SplitHostPort(c.HTTPAddr)
	if sandbox.LoopbackHost(host) {
		return nil
	}
	return &SetupError{fmt.Sprintf("HTTP_ADDR %s is not a loopback address, and the sandbox has no login: whoever "+
		"reached it could read every conversation; use HTTP_ADDR=127.0.0.1:%s, or set the Slack tokens for the real bot",
		c.HTTPAddr, port)}
}

// SetMode chooses between Socket Mode and HTTP mode when both are configured (the Procfile runs one of each).
func (c *Config) SetMode(mode string) error {
	switch mode {
	case "":
		return nil
	case "socket":
		if c.SlackAppToken == "" {
			return fmt.Errorf("--mode socket needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN")
		}
	case "http":
		if c.SlackSigningSecret == "" {
			return fmt.Errorf("--mode http needs SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN")
		}
	default:
		return fmt.Errorf("--mode must be socket or http, not %q", mode)
	}
	c.mode = mode
	return nil
}

// defaultDataDir is a per-user data directory. Root gets /var/lib/gesprekbot, because the private Postgres runs
// as the postgres system user, which cannot enter /root.
func defaultDataDir(getenv func(string) string) string {
	if os.Geteuid() == 0 {
		return "/var/lib/gesprekbot"
	}
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "gesprekbot")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "gesprekbot")
	}
	return ""
}

func or(v, def string) string {
	if v = strings.TrimSpace(v); v != "" {
		return v
	}
	return def
}

// newLogger builds the one logger, writing to w.
func newLogger(c *Config, w *os.File) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
