package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// TestWorkspacesCmd lists the installed workspaces without their tokens, and rotates the key step by step as the
// README says: the new key with the old one as previous, rotate-key, then the new key alone reads every token.
func TestWorkspacesCmd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	key := func() []byte {
		k := make([]byte, store.TokenKeySize)
		rand.Read(k)
		return k
	}
	keyring := func(cur, prev []byte) *store.Keyring {
		k, err := store.NewKeyring(cur, prev)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := workspacesCmd(ctx, db, args, &out, &errb)
		return code, out.String(), errb.String()
	}
	oldKey, newKey := key(), key()
	db.Keys = keyring(oldKey, nil)
	for _, in := range []store.Install{{TeamID: "T0OOST", TeamName: "Gemeente Oost", BotToken: "xoxb-oost-geheim"},
		{TeamID: "T0WEST", TeamName: "Gemeente West", BotToken: "xoxb-west-geheim"}} {
		if err := db.SaveInstall(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.UninstallWorkspace(ctx, "T0WEST", "app_uninstalled"); err != nil {
		t.Fatal(err)
	}

	code, out, errs := run("list")
	if code != 0 || !strings.Contains(out, "T0OOST  Gemeente Oost") || !strings.Contains(out, "T0WEST  Gemeente West") ||
		strings.Contains(out, "xoxb") || !strings.Contains(out, db.Keys.KeyID()) {
		t.Errorf("list: exit %d\n%s%s", code, out, errs)
	}

	db.Keys = keyring(newKey, oldKey)
	if _, out, _ := run("list"); !strings.Contains(out, "(old: run rotate-key)") {
		t.Errorf("list before the rotation does not point at rotate-key:\n%s", out)
	}
	code, out, errs = run("rotate-key")
	if code != 0 || !strings.Contains(out, "Re-sealed 1 workspace tokens") || !strings.Contains(out, "TOKEN_ENCRYPTION_KEY_PREVIOUS is no longer needed") {
		t.Errorf("rotate-key: exit %d\n%s%s", code, out, errs)
	}
	db.Keys = keyring(newKey, nil)
	if got, err := db.BotToken(ctx, "T0OOST"); err != nil || got != "xoxb-oost-geheim" {
		t.Errorf("after the rotation, the new key alone: %q, %v", got, err)
	}

	// A rotation without the key the tokens are sealed with changes nothing and says what to set.
	db.Keys = keyring(key(), nil)
	if code, _, errs := run("rotate-key"); code != 1 || !strings.Contains(errs, "TOKEN_ENCRYPTION_KEY_PREVIOUS") {
		t.Errorf("rotate-key with an unrelated key: exit %d: %s", code, errs)
	}
	db.Keys = nil
	if code, _, errs := run("rotate-key"); code != 2 || !strings.Contains(errs, "needs TOKEN_ENCRYPTION_KEY") {
		t.Errorf("rotate-key without keys: exit %d: %s", code, errs)
	}
	if code, _, _ := run("wipe"); code != 2 {
		t.Errorf("an unknown command: exit %d, want 2", code)
	}
}
