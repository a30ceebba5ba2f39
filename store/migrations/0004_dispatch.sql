-- Dispatch: a planned row for "each participant" is expanded at send time into one row per recipient and then
-- has status 'expanded' (it is never posted itself, so it has no ts); claimed_at is the first time a dispatcher
-- took a row, the earliest moment it can have been posted, from where a conversation's history is searched for
-- its key when its lease expired while sending.

ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('pending', 'sending', 'sent', 'missed', 'failed', 'cancelled', 'expanded'));

ALTER TABLE deliveries ADD COLUMN claimed_at timestamptz;

-- Pending rows past their deadline are found through deliveries_pending_due (deadline >= due_at always holds), so
-- no further index is needed for marking them missed.
