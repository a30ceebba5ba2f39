package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

func newKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, store.TokenKeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func newKeyring(t *testing.T, current, previous []byte) *store.Keyring {
	t.Helper()
	k, err := store.NewKeyring(current, previous)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

const wsToken = "xoxb-1111-2222-secretsecretsecret"

func TestSeal(t *testing.T) {
	t.Parallel()
	a, b := newKey(t), newKey(t)
	ka := newKeyring(t, a, nil)
	sealed, keyID, err := ka.Seal("T0ONE", wsToken)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("RoundTrip", func(t *testing.T) {
		got, err := ka.Open("T0ONE", keyID, sealed)
		if err != nil || got != wsToken {
			t.Fatalf("open: %q, %v", got, err)
		}
		if bytes.Contains(sealed, []byte("secret")) {
			t.Error("the sealed bytes hold the token in the clear")
		}
	})
	t.Run("FreshNonce", func(t *testing.T) {
		again, _, _ := ka.Seal("T0ONE", wsToken)
		if bytes.Equal(again, sealed) {
			t.Error("sealing twice gave the same bytes: the nonce is not fresh")
		}
	})
	t.Run("WrongKey", func(t *testing.T) {
		// A keyring whose key has the same id cannot be made; a wrong key under the right id is a corrupted row.
		kb := newKeyring(t, b, nil)
		if _, err := kb.Open("T0ONE", keyID, sealed); !errors.As(err, new(*store.UnknownKeyError)) {
			t.Errorf("open with another key: %v, want UnknownKeyError", err)
		}
		if _, err := kb.Open("T0ONE", kb.KeyID(), sealed); !errors.Is(err, store.ErrSealBroken) {
			t.Errorf("open under the other key's id: %v, want ErrSealBroken", err)
		}
	})
	t.Run("OtherTeam", func(t *testing.T) {
		if _, err := ka.Open("T0TWO", keyID, sealed); !errors.Is(err, store.ErrSealBroken) {
			t.Errorf("a token sealed for T0ONE opened for T0TWO: %v", err)
		}
	})
	t.Run("ChangedByte", func(t *testing.T) {
		bad := bytes.Clone(sealed)
		bad[len(bad)-1] ^= 1
		if _, err := ka.Open("T0ONE", keyID, bad); !errors.Is(err, store.ErrSealBroken) {
			t.Errorf("a changed byte opened: %v", err)
		}
	})
	t.Run("PreviousKey", func(t *testing.T) {
		kb := newKeyring(t, b, a)
		if got, err := kb.Open("T0ONE", keyID, sealed); err != nil || got != wsToken {
			t.Errorf("the previous key does not open its token: %q, %v", got, err)
		}
		if _, err := store.NewKeyring(a, a); err == nil {
			t.Error("the same key as current and previous was accepted")
		}
	})
	t.Run("ParseTokenKey", func(t *testing.T) {
		for _, s := range []string{"", "not base64!", "c2hvcnQ="} {
			if _, err := store.ParseTokenKey(s); err == nil {
				t.Errorf("ParseTokenKey(%q) accepted", s)
			} else if s != "" && strings.Contains(err.Error(), s) {
				t.Errorf("the error repeats the key: %v", err)
			}
		}
		if k, err := store.ParseTokenKey("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="); err != nil || len(k) != 32 {
			t.Errorf("a good key: %v", err)
		}
	})
}

func TestWorkspaceInstall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	db.Keys = newKeyring(t, newKey(t), nil)
	in := store.Install{TeamID: "T0ONE", TeamName: "Gemeente Een", BotUserID: "U0BOT", AppID: "A0APP",
		Scopes: "commands,chat:write", InstalledBy: "U0ADMIN", BotToken: wsToken}
	if err := db.SaveInstall(ctx, in); err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		got, err := db.BotToken(ctx, "T0ONE")
		if err != nil || got != wsToken {
			t.Fatalf("BotToken: %q, %v", got, err)
		}
	})
	t.Run("ErrNoWorkspace", func(t *testing.T) {
		if _, err := db.BotToken(ctx, "T0NONE"); !errors.Is(err, store.ErrNoWorkspace) {
			t.Errorf("unknown team: %v, want ErrNoWorkspace", err)
		}
	})
	t.Run("NotInTheClear", func(t *testing.T) {
		if left := storetest.Find(t, db, "secretsecret"); len(left) > 0 {
			t.Errorf("the token is readable in %v", left)
		}
		var audit string
		db.GetContext(ctx, &audit, `SELECT string_agg(action || ' ' || actor || ' ' || detail::text, '; ') FROM audit_log`)
		if !strings.Contains(audit, "workspace_installed U0ADMIN") || strings.Contains(audit, "xoxb") {
			t.Errorf("audit log: %s; want the install by U0ADMIN, without the token", audit)
		}
	})
	t.Run("NotInExport", func(t *testing.T) {
		data, err := db.ExportPersonalData(ctx, "U0ADMIN", "iemand")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(data)
		if !strings.Contains(string(b), "workspace_installed") || strings.Contains(string(b), "xoxb") {
			t.Errorf("the installer's export: %s; want the install, without the token", b)
		}
	})
	t.Run("MovedRow", func(t *testing.T) {
		if err := db.SaveInstall(ctx, store.Install{TeamID: "T0TWO", TeamName: "Gemeente Twee", BotToken: "xoxb-two"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `
			UPDATE workspaces SET sealed_token = (SELECT sealed_token FROM workspaces WHERE team_id = 'T0ONE')
			WHERE team_id = 'T0TWO'`); err != nil {
			t.Fatal(err)
		}
		got, err := db.BotToken(ctx, "T0TWO")
		if !errors.Is(err, store.ErrSealBroken) || got != "" {
			t.Errorf("T0ONE's sealed token in T0TWO's row: %q, %v; want ErrSealBroken", got, err)
		}
		if err != nil && strings.Contains(err.Error(), "xoxb") {
			t.Errorf("the error holds a token: %v", err)
		}
	})
	t.Run("NoKey", func(t *testing.T) {
		if _, err := db.WithNow(time.Now).BotToken(ctx, "T0ONE"); err != nil {
			t.Errorf("WithNow lost the keys: %v", err)
		}
		bare := db.WithNow(time.Now)
		bare.Keys = nil
		if _, err := bare.BotToken(ctx, "T0ONE"); !errors.Is(err, store.ErrTokenKeyMissing) {
			t.Errorf("without keys: %v, want ErrTokenKeyMissing", err)
		}
	})
	t.Run("UninstallAndReinstall", func(t *testing.T) {
		changed, err := db.UninstallWorkspace(ctx, "T0ONE", "app_uninstalled")
		if err != nil || !changed {
			t.Fatalf("uninstall: %v, %v", changed, err)
		}
		if _, err := db.BotToken(ctx, "T0ONE"); !errors.Is(err, store.ErrWorkspaceGone) {
			t.Errorf("after the uninstall: %v, want ErrWorkspaceGone", err)
		}
		var sealed []byte
		var keyID *string
		db.QueryRowContext(ctx, `SELECT sealed_token, key_id FROM workspaces WHERE team_id = 'T0ONE'`).Scan(&sealed, &keyID)
		if sealed != nil || keyID != nil {
			t.Errorf("the sealed token is still in the row (%d bytes, key %v)", len(sealed), keyID)
		}
		if changed, err := db.UninstallWorkspace(ctx, "T0ONE", "tokens_revoked"); err != nil || changed {
			t.Errorf("a second uninstall: changed %v, %v; want nothing", changed, err)
		}
		if changed, err := db.UninstallWorkspace(ctx, "T0NONE", "app_uninstalled"); err != nil || changed {
			t.Errorf("uninstall of a team never installed: changed %v, %v", changed, err)
		}
		in.BotToken = "xoxb-again"
		if err := db.SaveInstall(ctx, in); err != nil {
			t.Fatal(err)
		}
		if got, err := db.BotToken(ctx, "T0ONE"); err != nil || got != "xoxb-again" {
			t.Errorf("after the reinstall: %q, %v", got, err)
		}
		ws, err := db.Workspaces(ctx)
		if err != nil || len(ws) != 2 || ws[0].TeamID != "T0ONE" || ws[0].UninstalledAt != nil {
			t.Errorf("workspaces: %+v, %v", ws, err)
		}
		var actions string
		db.GetContext(ctx, &actions, `SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE detail->>'team_id' = 'T0ONE'`)
		if actions != "workspace_installed,workspace_uninstalled,workspace_reinstalled" {
			t.Errorf("audit of T0ONE: %s", actions)
		}
	})
}

func TestRotateTokenKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	oldKey, newK := newKey(t), newKey(t)
	db.Keys = newKeyring(t, oldKey, nil)
	for _, team := range []string{"T0ONE", "T0TWO"} {
		if err := db.SaveInstall(ctx, store.Install{TeamID: team, BotToken: "xoxb-" + team}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.UninstallWorkspace(ctx, "T0TWO", "app_uninstalled"); err != nil {
		t.Fatal(err)
	}
	// The new key with the old one as previous: everything still reads before the rotation.
	db.Keys = newKeyring(t, newK, oldKey)
	if got, err := db.BotToken(ctx, "T0ONE"); err != nil || got != "xoxb-T0ONE" {
		t.Fatalf("before the rotation: %q, %v", got, err)
	}
	n, err := db.RotateTokenKey(ctx)
	if err != nil || n != 1 {
		t.Fatalf("rotate: %d, %v; want 1 (the uninstalled workspace has no token)", n, err)
	}
	if n, err := db.RotateTokenKey(ctx); err != nil || n != 0 {
		t.Errorf("a second rotation: %d, %v; want 0", n, err)
	}
	// Only the new key from now on.
	db.Keys = newKeyring(t, newK, nil)
	if got, err := db.BotToken(ctx, "T0ONE"); err != nil || got != "xoxb-T0ONE" {
		t.Errorf("after the rotation, with the new key only: %q, %v", got, err)
	}
	db.Keys = newKeyring(t, oldKey, nil)
	if _, err := db.BotToken(ctx, "T0ONE"); !errors.As(err, new(*store.UnknownKeyError)) {
		t.Errorf("after the rotation the old key still reads: %v", err)
	}
}

func TestOAuthState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	base := storetest.New(t)
	db := base.WithNow(func() time.Time { return now })
	create := func(state, browser string) {
		t.Helper()
		if err := db.CreateOAuthState(ctx, state, browser, 10*time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("OK", func(t *testing.T) {
		create("state-ok", "browser-ok")
		if err := db.ConsumeOAuthState(ctx, "state-ok", "browser-ok"); err != nil {
			t.Fatal(err)
		}
		if err := db.ConsumeOAuthState(ctx, "state-ok", "browser-ok"); !errors.Is(err, store.ErrStateUsed) {
			t.Errorf("replayed: %v, want ErrStateUsed", err)
		}
	})
	t.Run("Forged", func(t *testing.T) {
		if err := db.ConsumeOAuthState(ctx, "made-up", "browser-ok"); !errors.Is(err, store.ErrStateUnknown) {
			t.Errorf("forged: %v, want ErrStateUnknown", err)
		}
	})
	t.Run("OtherBrowser", func(t *testing.T) {
		create("state-b", "browser-b")
		for _, b := range []string{"", "browser-ok"} {
			if err := db.ConsumeOAuthState(ctx, "state-b", b); !errors.Is(err, store.ErrStateOtherBrowser) {
				t.Errorf("browser %q: %v, want ErrStateOtherBrowser", b, err)
			}
		}
		// The stranger did not spend it: the browser that started the install still finishes it.
		if err := db.ConsumeOAuthState(ctx, "state-b", "browser-b"); err != nil {
			t.Errorf("the right browser after a wrong one: %v", err)
		}
	})
	t.Run("Expired", func(t *testing.T) {
		create("state-old", "browser-old")
		later := base.WithNow(func() time.Time { return now.Add(10 * time.Minute) })
		if err := later.ConsumeOAuthState(ctx, "state-old", "browser-old"); !errors.Is(err, store.ErrStateExpired) {
			t.Errorf("expired: %v, want ErrStateExpired", err)
		}
	})
	t.Run("HashedOnly", func(t *testing.T) {
		create("stateplain7", "browserplain7")
		if left := append(storetest.Find(t, db, "browserplain7"), storetest.Find(t, db, "stateplain7")...); len(left) > 0 {
			t.Errorf("a state or cookie value is readable in %v", left)
		}
	})
}
