-- Casuïstiek: which stage of which case was revealed in which cohort, when, by whom, and the message that showed
-- it; and the role cards and actor backgrounds handed out privately. A stage is revealed once per cohort, whatever
-- races: the unique key decides who posts it.

CREATE TABLE case_reveals (
    id           bigserial   PRIMARY KEY,
    cohort_id    bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    case_id      text        NOT NULL CHECK (case_id <> ''),   -- "richard", "johan", "emma"
    variant      text        NOT NULL CHECK (variant <> ''),   -- the name variant it was shown with: "johanna"
    stage_id     text        NOT NULL CHECK (stage_id <> ''),  -- "aanmelding", "gedrag", ...
    position     int         NOT NULL CHECK (position >= 0),   -- its place in the case's line of stages
    module       int         NOT NULL CHECK (module BETWEEN 1 AND 4),
    revealed_by  text        NOT NULL CHECK (revealed_by <> ''), -- a trainer's user ID, or 'bot'
    revealed_at  timestamptz NOT NULL,
    channel_id   text,
    ts           text,
    UNIQUE (cohort_id, case_id, stage_id),
    UNIQUE (cohort_id, case_id, position)
);
CREATE INDEX case_reveals_recent ON case_reveals (cohort_id, revealed_by, revealed_at);

-- A role card (audience "role") or the actor background (audience "trainer") sent to one person by DM.
CREATE TABLE case_cards (
    id           bigserial   PRIMARY KEY,
    cohort_id    bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    case_id      text        NOT NULL CHECK (case_id <> ''),
    variant      text        NOT NULL CHECK (variant <> ''),
    stage_id     text        NOT NULL CHECK (stage_id <> ''),
    role         text        NOT NULL DEFAULT '',              -- "moeder", "vader", "begeleider"; '' for the actor
    user_id      text        NOT NULL CHECK (user_id <> ''),   -- who received it
    sent_by      text        NOT NULL CHECK (sent_by <> ''),
    sent_at      timestamptz NOT NULL,
    channel_id   text        NOT NULL DEFAULT '',
    ts           text        NOT NULL DEFAULT ''
);
CREATE INDEX case_cards_cohort ON case_cards (cohort_id, sent_at);
CREATE INDEX case_cards_user ON case_cards (user_id);
