-- Planning: the plan shows a short title for each delivery and why the calendar moved it; trainers keep the order
-- in which the cohort file lists them; a cohort's timeline is read by cohort and due time.

ALTER TABLE deliveries ADD COLUMN title text NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN note  text NOT NULL DEFAULT '';

ALTER TABLE cohort_trainers ADD COLUMN position int NOT NULL DEFAULT 0;

CREATE INDEX deliveries_cohort_due ON deliveries (cohort_id, due_at);
