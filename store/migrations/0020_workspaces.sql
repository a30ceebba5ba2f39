-- The Slack workspaces the app was installed in with OAuth v2 (/slack/install), one row each. The bot token is kept
-- sealed (AES-256-GCM, store/seal.go) with the team ID as additional data, so that a sealed token copied to
-- another row does not open; key_id names the key it was sealed with, so that the key can be rotated
-- (gesprekbot workspaces rotate-key). An uninstall (app_uninstalled, tokens_revoked) deletes the sealed token at
-- once and keeps the row, marked uninstalled; a reinstall fills it again.
CREATE TABLE workspaces (
    team_id         text        PRIMARY KEY CHECK (team_id <> ''),
    team_name       text        NOT NULL DEFAULT '',
    bot_user_id     text        NOT NULL DEFAULT '',
    app_id          text        NOT NULL DEFAULT '',
    sealed_token    bytea,
    key_id          text,
    scopes          text        NOT NULL DEFAULT '',
    installed_by    text        NOT NULL DEFAULT '',
    installed_at    timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    uninstalled_at  timestamptz,
    -- A token always says which key sealed it; an uninstalled workspace has none.
    CHECK ((sealed_token IS NULL) = (key_id IS NULL)),
    CHECK (uninstalled_at IS NULL OR sealed_token IS NULL),
    CHECK (uninstalled_at IS NOT NULL OR sealed_token IS NOT NULL)
);

-- The OAuth v2 installs under way: the state sent to Slack's consent page and the browser that started it (a
-- cookie), both as SHA-256, so that the table holds nothing a callback could be forged from. Single use
-- (used_at), short-lived (expires_at); in Postgres, so that any replica can finish a flow another one started.
CREATE TABLE oauth_states (
    state_hash    bytea       PRIMARY KEY,
    browser_hash  bytea       NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz
);
CREATE INDEX oauth_states_expires_at ON oauth_states (expires_at);
