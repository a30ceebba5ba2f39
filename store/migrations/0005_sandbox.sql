-- The sandbox (no Slack tokens: the bot runs against the in-repo fake and a local web page) keeps its state here,
-- so that a restart shows the same conversations at the same simulated time. Nothing here is used with real Slack.

-- The simulated clock: its offset from the real clock. One row.
CREATE TABLE sandbox_clock (
    id          int         PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    offset_ms   bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- What the fake workspace showed, to load back into it on start: every message of a conversation (a JSON array,
-- oldest first), each published App Home view, and each uploaded file with its bytes.
CREATE TABLE sandbox_conversations (
    id          text        PRIMARY KEY CHECK (id <> ''),
    messages    jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sandbox_homes (
    user_id     text        PRIMARY KEY CHECK (user_id <> ''),
    view_id     text        NOT NULL CHECK (view_id <> ''),
    view        jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sandbox_files (
    id          text        PRIMARY KEY CHECK (id <> ''),
    name        text        NOT NULL,
    title       text        NOT NULL DEFAULT '',
    channels    text[]      NOT NULL DEFAULT '{}',
    message_ts  text        NOT NULL DEFAULT '',
    data        bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
