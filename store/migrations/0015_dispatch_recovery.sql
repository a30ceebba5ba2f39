-- Dispatch after a crash, and the calendar at sending time.
--
-- attempted_at is set in the statement that renews a row's lease right before it is posted: a row taken over
-- after its dispatcher died needs a look in the conversation's history only when it was attempted; one that was
-- claimed but never attempted is posted at once.
--
-- follows_calendar says the row may not go out in the cohort's quiet hours, at weekends or on holidays (a DM that
-- is not urgent, a channel message whose rule says so). The dispatcher checks it again right before sending.
--
-- owners registers each running dispatcher with the PostgreSQL session it holds open: when that session's backend
-- is gone (the process died), its leases can be taken over at once instead of after they run out.

ALTER TABLE deliveries ADD COLUMN attempted_at timestamptz;
ALTER TABLE deliveries ADD COLUMN follows_calendar boolean NOT NULL DEFAULT false;

-- A row sending at the time of the upgrade may have been posted by the process that held it: it keeps the history
-- look-up it would have had before.
UPDATE deliveries SET attempted_at = COALESCE(claimed_at, updated_at) WHERE status = 'sending';

-- Rows planned before this migration: DMs kept to the calendar when they were planned (no default rule is urgent).
-- Channel messages get the flag when their cohort is planned again.
UPDATE deliveries SET follows_calendar = true
WHERE audience IN ('participants', 'participant', 'trainers') AND status IN ('pending', 'sending');

CREATE INDEX deliveries_sending_owner ON deliveries (lease_owner) WHERE status = 'sending';

CREATE TABLE owners (
    name           text        PRIMARY KEY CHECK (name <> ''),
    -- The session the owner holds open; it is alive while pg_stat_activity shows this pid with this start time.
    backend_pid    int         NOT NULL,
    backend_start  timestamptz NOT NULL,
    registered_at  timestamptz NOT NULL DEFAULT now(),
    -- Written by the owner through its session every heartbeat, on the database's clock.
    seen_at        timestamptz NOT NULL DEFAULT now()
);
