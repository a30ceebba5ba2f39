package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/gesprekbot/gesprekbot/store"
)

// workspacesUsage is the help text of `gesprekbot workspaces`.
const workspacesUsage = `Usage: gesprekbot workspaces <command>

Commands:
  list         list the workspaces the app was installed in with /slack/install: team, name, when installed and
               uninstalled, and which key seals its token (never the token)
  rotate-key   re-seal every workspace's bot token with TOKEN_ENCRYPTION_KEY; the tokens sealed with the old key
               are read with TOKEN_ENCRYPTION_KEY_PREVIOUS (see the README, "Rotating the encryption key")
`

// workspacesCmd runs `gesprekbot workspaces ...` on an open, migrated database whose Keys are the configured ones:
// 0 ok, 1 failure, 2 usage error.
func workspacesCmd(ctx context.Context, db *store.DB, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprint(stderr, workspacesUsage)
		return 2
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, workspacesUsage)
		return 0
	case "list":
		return workspacesList(ctx, db, stdout, stderr)
	case "rotate-key":
		return workspacesRotate(ctx, db, stdout, stderr)
	}
	fmt.Fprintf(stderr, "gesprekbot workspaces: unknown command %q\n\n%s", args[0], workspacesUsage)
	return 2
}

func workspacesList(ctx context.Context, db *store.DB, stdout, stderr io.Writer) int {
	ws, err := db.Workspaces(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "gesprekbot: %v\n", err)
		return 1
	}
	if len(ws) == 0 {
		fmt.Fprintln(stdout, "No workspace has installed the app with /slack/install yet.")
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TEAM\tNAME\tINSTALLED\tUNINSTALLED\tKEY")
	for _, w := range ws {
		uninstalled, key := "-", "-"
		if w.UninstalledAt != nil {
			uninstalled = w.UninstalledAt.Format(time.DateTime)
		}
		if w.KeyID != nil {
			key = *w.KeyID
			if db.Keys != nil && key != db.Keys.KeyID() {
				key += " (old: run rotate-key)"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", w.TeamID, w.TeamName, w.InstalledAt.Format(time.DateTime), uninstalled, key)
	}
	tw.Flush()
	return 0
}

func workspacesRotate(ctx context.Context, db *store.DB, stdout, stderr io.Writer) int {
	if db.Keys == nil {
		fmt.Fprintln(stderr, "gesprekbot: rotate-key needs TOKEN_ENCRYPTION_KEY (the new key) and "+
			"TOKEN_ENCRYPTION_KEY_PREVIOUS (the key the tokens are sealed with now)")
		return 2
	}
	n, err := db.RotateTokenKey(ctx)
	var unknown *store.UnknownKeyError
	switch {
	case errors.As(err, &unknown):
		fmt.Fprintf(stderr, "gesprekbot: %v; nothing was changed. Set TOKEN_ENCRYPTION_KEY_PREVIOUS to the key the "+
			"tokens were sealed with.\n", err)
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "gesprekbot: %v; nothing was changed\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Re-sealed %d workspace tokens with key %s.", n, db.Keys.KeyID())
	if db.Keys.PreviousKeyID() != "" {
		fmt.Fprint(stdout, " TOKEN_ENCRYPTION_KEY_PREVIOUS is no longer needed: remove it and restart the bot.")
	}
	fmt.Fprintln(stdout)
	return 0
}
