package handlers

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/slack-go/slack/slackevents"
)

// The Events API types of the app leaving a workspace: uninstalled by an admin, or its tokens revoked.
const (
	EventAppUninstalled = "app_uninstalled"
	EventTokensRevoked  = "tokens_revoked"
)

// UninstallStore is what Uninstall needs from the database; *store.DB implements it.
type UninstallStore interface {
	// UninstallWorkspace marks the workspace uninstalled and deletes its sealed bot token; it reports whether
	// anything changed.
	UninstallWorkspace(ctx context.Context, teamID, why string) (bool, error)
}

// Uninstall handles app_uninstalled and tokens_revoked: the workspace the event comes from (its team_id) is marked
// uninstalled and its bot token deleted at once, so that from then on nothing more is sent to it (the store's
// BotToken answers ErrWorkspaceGone). Its cohorts and their data stay and follow the retention rules; a reinstall
// of the same workspace works again. A retried event, or a workspace that was never installed with OAuth (the
// deployment's own, whose token is SLACK_BOT_TOKEN), changes nothing.
type Uninstall struct {
	Store UninstallStore
	Log   *slog.Logger
}

// RegisterUninstall registers u for app_uninstalled and tokens_revoked events.
func RegisterUninstall(r *Registry, u *Uninstall) {
	if u.Store == nil {
		panic("handlers: RegisterUninstall needs a store")
	}
	r.Event(EventAppUninstalled, u.Handle)
	r.Event(EventTokensRevoked, u.Handle)
}

// Handle handles one app_uninstalled or tokens_revoked event.
func (u *Uninstall) Handle(ctx context.Context, ev slackevents.EventsAPIEvent) error {
	why := ev.InnerEvent.Type
	if why == EventTokensRevoked {
		// Only the bot's token matters: the app holds no user tokens. A revocation of user tokens alone leaves
		// the workspace installed.
		var bots []string
		switch e := ev.InnerEvent.Data.(type) {
		case *slackevents.TokensRevokedEvent:
			bots = e.Tokens.Bot
		case slackevents.TokensRevokedEvent:
			bots = e.Tokens.Bot
		default:
			return fmt.Errorf("tokens revoked: unexpected event data %T", ev.InnerEvent.Data)
		}
		if len(bots) == 0 {
			return nil
		}
	}
	if ev.TeamID == "" {
		return fmt.Errorf("%s: the event names no workspace", why)
	}
	changed, err := u.Store.UninstallWorkspace(ctx, ev.TeamID, why)
	if err != nil {
		return fmt.Errorf("%s: %w", why, err)
	}
	if changed && u.Log != nil {
		u.Log.InfoContext(ctx, "workspace uninstalled", slog.String("team_id", ev.TeamID), slog.String("event", why))
	}
	return nil
}
