-- The competentiemeter: a participant's voormeting and eindmeting (one measurement of each per cohort), the scores
-- given per statement, and the development plan of Stap 3 and 4. Every row hangs off a cohort and names the person
-- by user_id, and everything below a measurement cascades from it, so erasing a person is
-- DELETE FROM meter_measurements WHERE user_id = $1 and DELETE FROM meter_plans WHERE user_id = $1.

CREATE TABLE meter_measurements (
    id           bigserial   PRIMARY KEY,
    cohort_id    bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id      text        NOT NULL CHECK (user_id <> ''),
    kind         text        NOT NULL CHECK (kind IN ('voormeting', 'eindmeting')),
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    -- A finished measurement is locked; reopening unlocks it and starts a new round, so that buttons on messages of
    -- an earlier round are recognised as old.
    locked       boolean     NOT NULL DEFAULT false,
    round        int         NOT NULL DEFAULT 1 CHECK (round >= 1),
    -- When the participant pressed "Deel met trainer"; NULL: the trainers see only completion and group averages.
    shared_at    timestamptz,
    updated_at   timestamptz NOT NULL,
    UNIQUE (cohort_id, user_id, kind),
    CHECK (NOT locked OR finished_at IS NOT NULL)
);
CREATE INDEX meter_measurements_user ON meter_measurements (user_id);

-- One score per measurement and statement: answering again replaces it, the same answer twice changes nothing.
CREATE TABLE meter_answers (
    measurement_id  bigint      NOT NULL REFERENCES meter_measurements (id) ON DELETE CASCADE,
    statement_id    text        NOT NULL CHECK (statement_id <> ''),  -- content id: "g1" .. "o4"
    score           int         NOT NULL CHECK (score BETWEEN 1 AND 5),
    answered_at     timestamptz NOT NULL,
    PRIMARY KEY (measurement_id, statement_id)
);

-- Stap 3 (ontwikkelpunten) and Stap 4 (how, and with whom, the participant works on them); one plan per cohort and
-- person, edited in place.
CREATE TABLE meter_plans (
    cohort_id        bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id          text        NOT NULL CHECK (user_id <> ''),
    ontwikkelpunten  text        NOT NULL CHECK (btrim(ontwikkelpunten) <> ''),
    aanpak           text        NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (cohort_id, user_id)
);
CREATE INDEX meter_plans_user ON meter_plans (user_id);
