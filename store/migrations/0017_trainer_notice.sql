-- The trainer hears about it first: a delivery that failed for good or was missed is told to its cohort's
-- trainers in a DM, at most one an hour per trainer and cohort (store/trainer_notice.go).
--
-- trainers_told marks a failed or missed row whose trainers have been given it: the dispatcher's sweep takes the
-- rows without it (FOR UPDATE SKIP LOCKED, so that replicas share them), hangs each on every trainer's next notice
-- and sets it, in one transaction. A process that dies between the failure and the sweep leaves the row untold,
-- and the next sweep, of any replica, tells it. Rows that ended before this migration count as told: trainers are
-- not sent a year of old failures at once.
ALTER TABLE deliveries ADD COLUMN trainers_told boolean NOT NULL DEFAULT true;
ALTER TABLE deliveries ALTER COLUMN trainers_told SET DEFAULT false;

CREATE INDEX deliveries_untold ON deliveries (id) WHERE status IN ('failed', 'missed') AND NOT trainers_told;

-- Which undelivered rows a notice (itself a delivery of kind trainer_notice, to one trainer) tells. Only ids: the
-- trainer is the notice's recipient, the person who missed a message the undelivered row's; both go with their
-- rows.
CREATE TABLE trainer_notice_items (
    notice_id    bigint NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    delivery_id  bigint NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    PRIMARY KEY (notice_id, delivery_id)
);
CREATE INDEX trainer_notice_items_delivery ON trainer_notice_items (delivery_id);
