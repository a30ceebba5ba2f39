-- Which world this database belongs to: the sandbox's (the bot ran against the in-repo Slack fake on it) or a real
-- Slack workspace's (a bot token passed auth.test on it). The two never share a database: the sandbox moves the
-- clock (a real group's messages would be marked missed), seeds a demo cohort, and shows every conversation to
-- whoever opens its page; a real group's answers do not belong there, and demo data does not belong with theirs.
-- cmd/gesprekbot claims the world before the sandbox or the Slack side writes anything, and refuses a database of
-- the other world. One row; no row: nothing has run on this database yet (migrate and cohort apply claim nothing,
-- so a trainer can apply their own cohort file and try it in the sandbox).
CREATE TABLE world (
    id          int         PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    kind        text        NOT NULL CHECK (kind IN ('sandbox', 'slack')),
    claimed_at  timestamptz NOT NULL DEFAULT now()
);

-- The Slack workspaces whose bot token passed auth.test on this database: one today, several once the bot is
-- installed in more than one. Only when world.kind is 'slack'.
CREATE TABLE world_slack_teams (
    team_id        text        PRIMARY KEY CHECK (team_id <> ''),
    team_name      text        NOT NULL DEFAULT '',
    first_auth_at  timestamptz NOT NULL DEFAULT now(),
    last_auth_at   timestamptz NOT NULL DEFAULT now()
);

-- A database from before this migration: the sandbox ran on it if it kept the sandbox's clock; real Slack was used
-- on it if, without the sandbox, a message was sent or an event received. Otherwise it stays unclaimed, and the
-- next start claims it.
INSERT INTO world (kind) SELECT 'sandbox' WHERE EXISTS (SELECT 1 FROM sandbox_clock);
INSERT INTO world (kind)
SELECT 'slack'
WHERE NOT EXISTS (SELECT 1 FROM world)
  AND (EXISTS (SELECT 1 FROM deliveries WHERE status = 'sent') OR EXISTS (SELECT 1 FROM slack_events));
