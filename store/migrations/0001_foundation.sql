-- The tables every later feature builds on: cohorts with their trainers, modules and participants; the planned
-- deliveries with their permanent key; the audit log; and the Slack event ids seen (retry dedupe).

CREATE TABLE cohorts (
    id          bigserial   PRIMARY KEY,
    name        text        NOT NULL UNIQUE CHECK (btrim(name) <> ''),
    channel_id  text        NOT NULL UNIQUE CHECK (channel_id <> ''),
    timezone    text        NOT NULL DEFAULT 'Europe/Amsterdam',
    cases       text[]      NOT NULL DEFAULT '{}',
    -- Overrides of the course defaults: quiet hours, holidays on/off, automatic case reveals on/off.
    settings    jsonb       NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cohort_trainers (
    cohort_id  bigint NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id    text   NOT NULL CHECK (user_id <> ''),
    PRIMARY KEY (cohort_id, user_id)
);

CREATE TABLE cohort_modules (
    cohort_id  bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    number     int         NOT NULL CHECK (number BETWEEN 1 AND 4),
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    location   text        NOT NULL DEFAULT '',
    PRIMARY KEY (cohort_id, number),
    CHECK (ends_at > starts_at)
);

-- Participants are the channel's human members who are not trainers; a row is kept from the first time the bot
-- sees them, so that a late joiner can be recognised and caught up.
CREATE TABLE participants (
    cohort_id  bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id    text        NOT NULL CHECK (user_id <> ''),
    name       text        NOT NULL DEFAULT '',
    joined_at  timestamptz NOT NULL DEFAULT now(),
    left_at    timestamptz,
    PRIMARY KEY (cohort_id, user_id)
);

-- One row per planned message. The key (cohort, rule, module, recipient) is permanent: re-planning changes due_at
-- and deadline of rows not yet sent, never their key. recipient is '' for a channel message, or for the planned
-- fan-out row of a per-participant rule before it is expanded into one row per participant at send time.
CREATE TABLE deliveries (
    id           bigserial   PRIMARY KEY,
    key          text        NOT NULL UNIQUE,
    cohort_id    bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    rule_id      text        NOT NULL,
    kind         text        NOT NULL,
    module       int         NOT NULL CHECK (module BETWEEN 0 AND 4),
    audience     text        NOT NULL CHECK (audience IN ('channel', 'participants', 'participant', 'trainers')),
    recipient    text        NOT NULL DEFAULT '',
    due_at       timestamptz NOT NULL,
    deadline     timestamptz,
    status       text        NOT NULL DEFAULT 'pending'
                             CHECK (status IN ('pending', 'sending', 'sent', 'missed', 'failed', 'cancelled')),
    attempts     int         NOT NULL DEFAULT 0,
    lease_owner  text,
    lease_until  timestamptz,
    channel_id   text,
    ts           text,
    error        text,
    sent_at      timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cohort_id, rule_id, module, recipient),
    CHECK (deadline IS NULL OR deadline >= due_at),
    CHECK (status <> 'sending' OR lease_until IS NOT NULL),
    CHECK (status <> 'sent' OR ts IS NOT NULL)
);

-- A tick reads only what is due: partial indexes keep its cost O(due rows), not O(all rows).
CREATE INDEX deliveries_pending_due ON deliveries (due_at) WHERE status = 'pending';
CREATE INDEX deliveries_sending_lease ON deliveries (lease_until) WHERE status = 'sending';

-- Who did what, when: commands, clicks, reveals, failures the operator must see. user_id is the person the row is
-- about (erased with them); actor is who caused it ('bot' for the scheduler).
CREATE TABLE audit_log (
    id         bigserial   PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    cohort_id  bigint      REFERENCES cohorts (id) ON DELETE SET NULL,
    actor      text        NOT NULL,
    user_id    text        NOT NULL DEFAULT '',
    action     text        NOT NULL CHECK (action <> ''),
    detail     jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_cohort_at ON audit_log (cohort_id, at);
CREATE INDEX audit_log_user ON audit_log (user_id) WHERE user_id <> '';
CREATE INDEX audit_log_actor ON audit_log (actor);

-- Slack retries events and envelopes; an id seen before is acknowledged and not handled again.
CREATE TABLE slack_events (
    event_id     text        PRIMARY KEY,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX slack_events_received_at ON slack_events (received_at);
