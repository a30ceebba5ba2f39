-- The participants' own work (issue 17): written homework, feedback on the role plays, the closing evaluation and
-- the answer to the follow-up. All of it is personal: every table has the person's user ID, indexed, so that
-- erasure finds it by one lookup (store/privacy.go), and export reads it the same way.

-- Written homework: one row per participant and task (a huiswerk task id from the content). sections maps the
-- format's section ids to the participant's text, stored whole however long. handed_in_at is set the first time it
-- is handed in; the text stays editable until the next module starts (the store refuses later changes).
CREATE TABLE written_work (
    cohort_id     bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id       text        NOT NULL CHECK (user_id <> ''),
    task_id       text        NOT NULL CHECK (task_id ~ '^[a-z0-9_]+$'),
    module        int         NOT NULL CHECK (module BETWEEN 1 AND 4),
    sections      jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(sections) = 'object'),
    handed_in_at  timestamptz,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (cohort_id, user_id, task_id)
);
CREATE INDEX written_work_user ON written_work (user_id);
CREATE INDEX written_work_module ON written_work (cohort_id, module);

-- Feedback on a gespreksvoerder (receiver) by an observer (giver) in the role play of a module: per point of the
-- module's Feedbackformulier a score on its scale (or none) and a comment, as {"point": {"score": 2, "comment":
-- "…"}}. One form per giver, receiver and module: giving it again replaces it. shared_at is set when the receiver
-- shares the feedback with the trainers, and cleared when the giver changes it afterwards, because the consent
-- covered the feedback as it was.
CREATE TABLE feedback (
    id          bigserial   PRIMARY KEY,
    cohort_id   bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    module      int         NOT NULL CHECK (module BETWEEN 1 AND 4),
    giver       text        NOT NULL CHECK (giver <> ''),
    receiver    text        NOT NULL CHECK (receiver <> '' AND receiver <> giver),
    points      jsonb       NOT NULL CHECK (jsonb_typeof(points) = 'object'),
    shared_at   timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (cohort_id, module, giver, receiver)
);
CREATE INDEX feedback_receiver ON feedback (receiver, cohort_id, module);
CREATE INDEX feedback_giver ON feedback (giver);

-- The closing evaluation: a participant's notes per place ({"bloem": ["…", "…"], "zaad": ["…"]}, in order, one
-- thought per note), and whether they go on the group's board.
CREATE TABLE evaluations (
    cohort_id   bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id     text        NOT NULL CHECK (user_id <> ''),
    notes       jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(notes) = 'object'),
    on_board    boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (cohort_id, user_id)
);
CREATE INDEX evaluations_user ON evaluations (user_id);

-- The answer to the follow-up ("Hoe staat het ermee?"). version goes up when the answer changes (the note does not
-- count): the trainers' counts are snapshots, like the competentiemeter's group figures, that move on only when
-- enough answers were added or changed (store/followup.go).
CREATE TABLE followup_answers (
    id           bigserial   PRIMARY KEY,
    cohort_id    bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id      text        NOT NULL CHECK (user_id <> ''),
    answer       text        NOT NULL CHECK (answer IN ('gelukt', 'ermee_bezig', 'nog_niet')),
    note         text        NOT NULL DEFAULT '',
    version      int         NOT NULL DEFAULT 1 CHECK (version >= 1),
    answered_at  timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    UNIQUE (cohort_id, user_id)
);
CREATE INDEX followup_answers_user ON followup_answers (user_id);

-- The counts trainers were shown, and the answers (by number and version) each was computed from. No user ID:
-- answer_id has no foreign key on purpose, so that what trainers know stays known after a person is erased.
CREATE TABLE followup_snapshots (
    id         bigserial   PRIMARY KEY,
    cohort_id  bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    taken_at   timestamptz NOT NULL,
    members    int         NOT NULL CHECK (members >= 3),
    counts     jsonb       NOT NULL  -- answer -> how many
);
CREATE INDEX followup_snapshots_cohort ON followup_snapshots (cohort_id, id);

CREATE TABLE followup_snapshot_members (
    snapshot_id  bigint NOT NULL REFERENCES followup_snapshots (id) ON DELETE CASCADE,
    answer_id    bigint NOT NULL,
    version      int    NOT NULL CHECK (version >= 1),
    PRIMARY KEY (snapshot_id, answer_id)
);
