-- Erasure that scales ("/gesprekbot vergeet-mij"). Every row that names a person is found through an index, so an
-- erasure costs what the person has, not what the database holds; and the requests themselves are rows, so that an
-- erasure promised to someone survives a crash after its ack and runs once per person at a time.

-- Indexes for the deletes and updates of store.ErasePerson (meter_measurements_user, meter_plans_user,
-- case_cards_user, audit_log_user and audit_log_actor exist already).
CREATE INDEX participants_user ON participants (user_id);
CREATE INDEX cohort_trainers_user ON cohort_trainers (user_id);
CREATE INDEX progress_user ON progress (user_id);
CREATE INDEX deliveries_recipient ON deliveries (recipient) WHERE recipient <> '';
CREATE INDEX case_cards_sent_by ON case_cards (sent_by);
CREATE INDEX case_reveals_revealed_by ON case_reveals (revealed_by);

-- An audit row's detail may name people besides its actor and user_id (the trainers of a created cohort, the
-- delivery key of a failed post). names holds every Slack user ID in the detail, set by the trigger below whoever
-- writes the row, so that the rows naming a person are found by the GIN index instead of a scan of every detail.
ALTER TABLE audit_log ADD COLUMN names text[] NOT NULL DEFAULT '{}';

CREATE FUNCTION audit_log_names() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.names := ARRAY(SELECT DISTINCT m[1] FROM regexp_matches(NEW.detail::text, '(?:^|[^A-Za-z0-9])([UW][A-Z0-9]{2,})', 'g') AS m);
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_names BEFORE INSERT OR UPDATE OF detail ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_names();

UPDATE audit_log SET detail = detail;
-- fastupdate off: a lookup reads the index, not a pending list of recent rows (audit rows are written one by one,
-- so the slower insert costs nothing that matters).
CREATE INDEX audit_log_names ON audit_log USING gin (names) WITH (fastupdate = off);

-- One row per person whose erasure was asked for and is not finished: the primary key makes it one at a time. The
-- process that runs it holds a lease; when that process dies, another takes the row over once the lease ran out
-- and goes on from the stage it reached. The row is deleted when the person has been told what was erased.
CREATE TABLE erasure_requests (
    user_id       text        PRIMARY KEY CHECK (user_id <> ''),
    requested_at  timestamptz NOT NULL,
    -- database: erase the rows; slack: delete the bot's messages and files in the DM; tell: post what was erased
    stage         text        NOT NULL DEFAULT 'database' CHECK (stage IN ('database', 'slack', 'tell')),
    dm_channel    text        NOT NULL DEFAULT '',   -- the person's DM with the bot, once known
    message_ts    text[]      NOT NULL DEFAULT '{}', -- the bot's messages in that DM the database had recorded
    erased        jsonb       NOT NULL DEFAULT '{}', -- what was erased so far, by kind, for the last message
    response_url  text        NOT NULL DEFAULT '',   -- the confirmation's, to say there that it is done
    attempts      int         NOT NULL DEFAULT 0,
    lease_owner   text,
    lease_until   timestamptz
);
CREATE INDEX erasure_requests_lease ON erasure_requests (lease_until);
