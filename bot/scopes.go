package bot

// BotScopes are the bot token scopes the app asks for when it is installed in a workspace with OAuth v2: the same
// list as oauth_config.scopes.bot in slack-app-manifest.yaml (TestManifest holds the two together).
var BotScopes = []string{
	"commands", "chat:write", "im:write", "im:history", "channels:read", "groups:read", "channels:history",
	"groups:history", "users:read", "users:read.email", "files:write",
}
