-- Copies of a person's own work that the bot posted into other people's conversations: their handed-in homework in
-- a trainer's DM (a message per participant, and the file with everyone's), the feedback they gave in the
-- gespreksvoerder's DM (the news that they gave it, and the grouped read-out), and the evaluation board in the
-- channel with their notes. Erasure (vergeet-mij) reads a person's rows here and deletes those messages and files
-- in Slack, or redraws the board without them; without this table the bot would not know where its copies are.
--
-- One row per copy and person it holds: a file or board message with several people's text has a row for each.
CREATE TABLE posted_copies (
    id          bigserial   PRIMARY KEY,
    cohort_id   bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    about_user  text        NOT NULL CHECK (about_user <> ''), -- whose text the copy holds
    kind        text        NOT NULL CHECK (kind IN ('work', 'feedback', 'board')),
    channel_id  text        NOT NULL,                          -- where it was posted or shared
    ts          text        NOT NULL DEFAULT '',               -- the message's; '' for a file
    file_id     text        NOT NULL DEFAULT '',               -- the file's; '' for a message
    post_ts     text        NOT NULL DEFAULT '',               -- a board: the ts of its first message, for its parts
    part        int         NOT NULL DEFAULT 0,                -- a board: which of its messages, from 0
    created_at  timestamptz NOT NULL,
    CHECK (channel_id <> '' AND (ts <> '') <> (file_id <> ''))
);
CREATE INDEX posted_copies_about ON posted_copies (about_user);
CREATE INDEX posted_copies_cohort ON posted_copies (cohort_id);
CREATE INDEX posted_copies_channel ON posted_copies (channel_id, ts);

-- The copies an erasure read before the database stage deleted their rows, kept with the request until the Slack
-- stage has deleted them, so that a crash in between loses none.
ALTER TABLE erasure_requests ADD COLUMN copies jsonb NOT NULL DEFAULT '[]';
