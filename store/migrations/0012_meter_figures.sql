-- Group figures of the competentiemeter that cannot be differenced, and consent that covers the answers as they were.
--
-- A measurement's answers get a version: it goes up each time the measurement is finished with answers that differ
-- from those of its last finish (answers_digest is the SHA-256 of the answers at that finish, only to tell). A reopen
-- that changes nothing keeps the version, so it does not count as a change of the group figures.
--
-- meter_snapshots are the group figures trainers were shown, per cohort and measurement kind: the number of
-- measurements and the sum of their scores per statement. meter_snapshot_members are the measurements (and their
-- versions) each was computed from, and meter_disclosures the measurements (and versions) whose own scores trainers
-- were shown after the participant pressed "Deel met trainer". Together they are what trainers can know; the bot
-- shows new figures or scores only when that knowledge gives no one's answers away (store/meter_figures.go).
--
-- These three tables hold no user ID. measurement_id has no foreign key on purpose: when a person is erased their
-- measurement goes, and the number left behind names no one, but it must stay to remember what trainers were shown.

ALTER TABLE meter_measurements
    ADD COLUMN version        int   NOT NULL DEFAULT 0 CHECK (version >= 0),
    ADD COLUMN answers_digest bytea;

UPDATE meter_measurements m SET version = 1, answers_digest = d.digest
FROM (SELECT a.measurement_id,
             sha256(convert_to(string_agg(a.statement_id || '=' || a.score, ',' ORDER BY a.statement_id), 'UTF8'))
               AS digest
      FROM meter_answers a GROUP BY a.measurement_id) d
WHERE d.measurement_id = m.id AND m.finished_at IS NOT NULL;

-- Consent covers the answers as they were when the participant shared them. A measurement reopened after it was
-- shared (still open, or finished again since) is no longer shared; the audit log says when it was reopened.
UPDATE meter_measurements m SET shared_at = NULL
WHERE m.shared_at IS NOT NULL
  AND (m.finished_at IS NULL
       OR EXISTS (SELECT 1 FROM audit_log l
                  WHERE l.action = 'meter_reopened' AND l.cohort_id = m.cohort_id AND l.user_id = m.user_id
                    AND l.detail->>'kind' = m.kind AND l.at >= m.shared_at));

CREATE TABLE meter_snapshots (
    id         bigserial   PRIMARY KEY,
    cohort_id  bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    kind       text        NOT NULL CHECK (kind IN ('voormeting', 'eindmeting')),
    taken_at   timestamptz NOT NULL,
    members    int         NOT NULL CHECK (members >= 3),
    sums       jsonb       NOT NULL  -- statement id -> the sum of the members' scores
);
CREATE INDEX meter_snapshots_cohort_kind ON meter_snapshots (cohort_id, kind, id);

CREATE TABLE meter_snapshot_members (
    snapshot_id     bigint NOT NULL REFERENCES meter_snapshots (id) ON DELETE CASCADE,
    measurement_id  bigint NOT NULL,
    version         int    NOT NULL CHECK (version >= 1),
    PRIMARY KEY (snapshot_id, measurement_id)
);

CREATE TABLE meter_disclosures (
    cohort_id       bigint      NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    kind            text        NOT NULL CHECK (kind IN ('voormeting', 'eindmeting')),
    measurement_id  bigint      NOT NULL,
    version         int         NOT NULL CHECK (version >= 1),
    disclosed_at    timestamptz NOT NULL,
    PRIMARY KEY (measurement_id, version)
);
CREATE INDEX meter_disclosures_cohort_kind ON meter_disclosures (cohort_id, kind);

-- meter_answer (migration 0010) as before, except that finishing sets the version as described above; the same
-- UPDATE as store.finishMeasurement, so that a measurement finished by its last click and one finished with
-- "Afronden" get the same version.
CREATE OR REPLACE FUNCTION meter_answer(p_measurement bigint, p_user text, p_round int, p_statement text,
                                        p_score int, p_statements text[], p_now timestamptz)
RETURNS TABLE (status text, id bigint, cohort_id bigint, user_id text, kind text, started_at timestamptz,
               finished_at timestamptz, locked boolean, round int, shared_at timestamptz, updated_at timestamptz,
               changed boolean, finished boolean, statement_ids text[], scores int[])
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_old int;  -- the statement's score before this answer; NULL: none
    v_at  int;  -- its place in statement_ids
BEGIN
    SELECT m.id, m.cohort_id, m.user_id, m.kind, m.started_at, m.finished_at, m.locked, m.round, m.shared_at,
           m.updated_at
      INTO id, cohort_id, user_id, kind, started_at, finished_at, locked, round, shared_at, updated_at
      FROM meter_measurements m WHERE m.id = p_measurement FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    changed := false;
    finished := false;
    status := CASE WHEN user_id <> p_user THEN 'not_yours'
                   WHEN locked THEN 'locked'
                   WHEN round <> p_round THEN 'stale'
                   ELSE 'ok' END;
    IF status <> 'ok' THEN
        RETURN NEXT;
        RETURN;
    END IF;

    SELECT coalesce(array_agg(a.statement_id), '{}'), coalesce(array_agg(a.score), '{}')
      INTO statement_ids, scores
      FROM meter_answers a WHERE a.measurement_id = p_measurement;
    v_at := array_position(statement_ids, p_statement);
    IF v_at IS NOT NULL THEN
        v_old := scores[v_at];
    END IF;
    changed := v_old IS DISTINCT FROM p_score;
    IF changed AND v_old IS NULL THEN
        INSERT INTO meter_answers AS a (measurement_id, statement_id, score, answered_at)
        VALUES (p_measurement, p_statement, p_score, p_now)
        ON CONFLICT (measurement_id, statement_id) DO UPDATE
        SET score = EXCLUDED.score, answered_at = EXCLUDED.answered_at;
        statement_ids := statement_ids || p_statement;
        scores := scores || p_score;
    ELSIF changed THEN
        UPDATE meter_answers a SET score = p_score, answered_at = p_now
         WHERE a.measurement_id = p_measurement AND a.statement_id = p_statement;
        scores[v_at] := p_score;
    END IF;

    IF cardinality(p_statements) > 0 AND p_statements <@ statement_ids
       AND (v_old IS NULL OR p_statement = p_statements[cardinality(p_statements)]) THEN
        UPDATE meter_measurements m
           SET finished_at = p_now, locked = true, updated_at = p_now,
               version = m.version + CASE WHEN d.digest IS DISTINCT FROM m.answers_digest THEN 1 ELSE 0 END,
               answers_digest = d.digest
          FROM (SELECT sha256(convert_to(string_agg(a.statement_id || '=' || a.score, ',' ORDER BY a.statement_id),
                                         'UTF8')) AS digest
                  FROM meter_answers a WHERE a.measurement_id = p_measurement) d
         WHERE m.id = p_measurement
        RETURNING m.finished_at, m.locked, m.updated_at INTO finished_at, locked, updated_at;
        INSERT INTO audit_log (at, cohort_id, actor, user_id, action, detail)
        VALUES (p_now, cohort_id, user_id, user_id, 'meter_finished', jsonb_build_object('kind', kind, 'round', round));
        finished := true;
    ELSIF changed THEN
        UPDATE meter_measurements m SET updated_at = p_now WHERE m.id = p_measurement;
        updated_at := p_now;
    END IF;
    RETURN NEXT;
END
$$;
