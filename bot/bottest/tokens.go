package bottest

import (
	"context"
	"fmt"
	"sync"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/store"
)

// Tokens is a bot.TokenSource over the fake's workspaces, standing in for the store's table of installs: each
// team's bot token is the one it was added to the fake with. Uninstall makes a team's token gone, as an
// app_uninstalled event does to its row.
type Tokens struct {
	Fake *slackfake.Server

	mu   sync.Mutex
	gone map[string]bool
}

// BotToken implements bot.TokenSource.
func (t *Tokens) BotToken(_ context.Context, teamID string) (string, error) {
	t.mu.Lock()
	gone := t.gone[teamID]
	t.mu.Unlock()
	if gone {
		return "", fmt.Errorf("bot token of %s: %w", teamID, store.ErrWorkspaceGone)
	}
	token, ok := t.Fake.TeamToken(teamID)
	if !ok {
		return "", fmt.Errorf("bot token of %s: %w", teamID, store.ErrNoWorkspace)
	}
	return token, nil
}

// Uninstall makes the team's token gone from now on.
func (t *Tokens) Uninstall(teamID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.gone == nil {
		t.gone = map[string]bool{}
	}
	t.gone[teamID] = true
}
