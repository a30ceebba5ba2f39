-- The retention period (store/retention.go): a cohort's personal data is deleted RETENTION_MONTHS after its last
-- module. One row per cohort: when that is, as the last retention run computed it from the modules and the
-- setting, and, once done, when it was done and the counts kept without people.
--
-- Numbered 0018 after the issue it belongs to; the runner applies every migration not yet recorded, gaps allowed.
CREATE TABLE cohort_retention (
    cohort_id     bigint      PRIMARY KEY REFERENCES cohorts (id) ON DELETE CASCADE,
    delete_after  timestamptz NOT NULL,
    erased_at     timestamptz,
    participants  int,                   -- how many participants the cohort had
    trainers      int,                   -- how many trainers
    deliveries    jsonb                  -- messages by kind and final state: {"homework": {"sent": 12}, ...}
);
CREATE INDEX cohort_retention_due ON cohort_retention (delete_after) WHERE erased_at IS NULL;
