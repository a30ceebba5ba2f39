package bot_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/handlers"
)

// TestManifest checks the Slack app manifest against what the bot registers and calls, so the two cannot drift.
func TestManifest(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../slack-app-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			AppHome struct {
				HomeTab     bool `yaml:"home_tab_enabled"`
				MessagesTab bool `yaml:"messages_tab_enabled"`
			} `yaml:"app_home"`
			SlashCommands []struct {
				Command     string `yaml:"command"`
				Description string `yaml:"description"`
			} `yaml:"slash_commands"`
		} `yaml:"features"`
		OAuth struct {
			RedirectURLs []string `yaml:"redirect_urls"`
			Scopes       struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Events struct {
				Bot []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			Interactivity struct {
				Enabled bool `yaml:"is_enabled"`
			} `yaml:"interactivity"`
			SocketMode bool `yaml:"socket_mode_enabled"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var commands []string
	for _, c := range m.Features.SlashCommands {
		commands = append(commands, c.Command)
		if len(c.Description) > 100 {
			t.Errorf("%s: description over Slack's 100 characters", c.Command)
		}
	}
	for _, want := range []string{handlers.CommandGesprekbot, handlers.CommandTraining, handlers.CommandCasus, handlers.CommandCompetentiemeter,
		handlers.CommandHuiswerk, handlers.CommandFeedback, handlers.CommandEvaluatie} {
		if !slices.Contains(commands, want) {
			t.Errorf("slash command %s missing", want)
		}
	}
	for _, want := range []string{"commands", "chat:write", "im:write", "im:history", "channels:read", "groups:read",
		"channels:history", "groups:history", "users:read", "users:read.email", "files:write"} {
		if !slices.Contains(m.OAuth.Scopes.Bot, want) {
			t.Errorf("scope %s missing", want)
		}
	}
	// The OAuth install asks for exactly the manifest's scopes.
	if !slices.Equal(m.OAuth.Scopes.Bot, bot.BotScopes) {
		t.Errorf("manifest scopes %v, the install asks for %v", m.OAuth.Scopes.Bot, bot.BotScopes)
	}
	if len(m.OAuth.RedirectURLs) == 0 || !strings.HasSuffix(m.OAuth.RedirectURLs[0], "/slack/oauth/callback") {
		t.Errorf("redirect_urls %v: want the bot's /slack/oauth/callback", m.OAuth.RedirectURLs)
	}
	for _, want := range []string{"app_home_opened", "member_joined_channel", "member_left_channel", "message.im",
		handlers.EventAppUninstalled, handlers.EventTokensRevoked} {
		if !slices.Contains(m.Settings.Events.Bot, want) {
			t.Errorf("event %s missing", want)
		}
	}
	if !m.Settings.SocketMode || !m.Settings.Interactivity.Enabled || !m.Features.AppHome.HomeTab || !m.Features.AppHome.MessagesTab {
		t.Errorf("settings %+v, app home %+v: want socket mode, interactivity, home and messages tabs on", m.Settings, m.Features.AppHome)
	}
}
