-- Privacy: people who asked to be forgotten ("/gesprekbot vergeet-mij"). Everything about them is erased; what
-- stays is this tombstone, so that the bot does not message them again of its own accord while they are still in a
-- cohort's channel (the fan-out and the late-joiner catch-up skip them). It holds no Slack user ID, only its SHA-256
-- and the day of the erasure: enough to recognise the person when the bot meets the ID again, not to name them.
-- (A hash of a Slack ID is pseudonymous, not anonymous: whoever has the workspace's member list can recompute it.)

CREATE TABLE erased_users (
    user_hash  bytea PRIMARY KEY CHECK (length(user_hash) = 32),
    erased_on  date  NOT NULL
);
