package store

import (
	"context"
)

// teamKey is the context key of the request's workspace.
type teamKey struct{}

// WithTeam returns ctx carrying the Slack workspace (team ID) a request or delivery is for. bot.Inbound sets it
// from every command, interaction and event before the handler runs, the dispatcher from the delivery's cohort;
// the Poster picks the workspace's token by it, and the handlers find only that workspace's cohorts.
func WithTeam(ctx context.Context, teamID string) context.Context {
	return context.WithValue(ctx, teamKey{}, teamID)
}

// TeamFrom returns the workspace WithTeam put in ctx, or "" when none is known: the deployment's default
// workspace (the one SLACK_BOT_TOKEN belongs to).
func TeamFrom(ctx context.Context) string {
	id, _ := ctx.Value(teamKey{}).(string)
	return id
}
