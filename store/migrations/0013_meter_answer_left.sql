-- A participant who left the cohort's channel no longer takes part in its competentiemeter (issue 13): a click on
-- a score button of an old message in their DM must change nothing. meter_answer (migration 0012) gets one more
-- status for that, 'left', checked right after 'not_yours', with nothing written. It costs one primary-key lookup
-- in participants inside the same call, so a click is still one round trip. Everything else is as in 0012.
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
                   WHEN EXISTS (SELECT 1 FROM participants p
                                WHERE p.cohort_id = meter_answer.cohort_id AND p.user_id = p_user
                                  AND p.left_at IS NOT NULL)
                        THEN 'left'
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
