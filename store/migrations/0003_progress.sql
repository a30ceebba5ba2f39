-- Progress: which reading a participant marked read ("Gelezen") and which homework done ("Klaar"), and when.
-- One row per cohort, person and item, so that a double click records once; erased with the person.

CREATE TABLE progress (
    cohort_id  bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id    text        NOT NULL CHECK (user_id <> ''),
    kind       text        NOT NULL CHECK (kind IN ('reading', 'homework')),
    -- the reading id from the content ("m1_jungmann"), or "m<module>" for a module's homework
    item       text        NOT NULL CHECK (item <> ''),
    module     int         NOT NULL CHECK (module BETWEEN 1 AND 4),
    done_at    timestamptz NOT NULL,
    PRIMARY KEY (cohort_id, user_id, kind, item)
);

-- Trainers' completion counts read a cohort's progress by item.
CREATE INDEX progress_cohort_item ON progress (cohort_id, kind, item);
