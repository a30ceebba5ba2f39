-- The competentiemeter's rules, in one place. Migrate runs this file after the migrations on every start (CREATE OR
-- REPLACE), so a fix here is not a migration; migrations 0010, 0012 and 0013 are the history of meter_answer. The
-- store's Go only calls these functions: a score click (meter_answer, 1,000 a second in the bench) is one round
-- trip, and "Afronden", "Heropenen" and "Delen met trainer" follow the same rules. store/meter_rules_test.go pins
-- each rule. The functions are PL/pgSQL, which keeps its plans for the session; a SQL function called from
-- PL/pgSQL is parsed and planned on every call.

-- meter_refusal says why p_user may not change a measurement of p_owner in cohort p_cohort: 'not_yours' (someone
-- else's), 'left' (the participant left the cohort's channel), or NULL: they may.
CREATE OR REPLACE FUNCTION meter_refusal(p_owner text, p_cohort bigint, p_user text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_owner <> p_user THEN
        RETURN 'not_yours';
    ELSIF EXISTS (SELECT 1 FROM participants p
                  WHERE p.cohort_id = p_cohort AND p.user_id = p_user AND p.left_at IS NOT NULL) THEN
        RETURN 'left';
    END IF;
    RETURN NULL;
END
$$;

-- meter_round_refusal says why a click from a message of round p_round cannot answer a measurement in round
-- p_current: 'locked' (finished, not reopened), 'stale' (a message of an earlier round), or NULL: it can.
CREATE OR REPLACE FUNCTION meter_round_refusal(p_locked boolean, p_current int, p_round int) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN CASE WHEN p_locked THEN 'locked' WHEN p_current <> p_round THEN 'stale' END;
END
$$;

-- meter_complete says whether every statement of the meter (p_statements, never empty) has an answer.
CREATE OR REPLACE FUNCTION meter_complete(p_statements text[], p_answered text[]) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN cardinality(p_statements) > 0 AND p_statements <@ p_answered;
END
$$;

-- meter_finish closes and locks a measurement (the caller holds its row lock and checked the rules) and writes the
-- audit entry. Its version goes up only when the answers differ from those of the last finish: a reopen that
-- changes nothing is no change of the group figures.
CREATE OR REPLACE FUNCTION meter_finish(p_measurement bigint, p_now timestamptz) RETURNS SETOF meter_measurements
LANGUAGE plpgsql AS $$
DECLARE
    m meter_measurements;
BEGIN
    UPDATE meter_measurements mm
       SET finished_at = p_now, locked = true, updated_at = p_now,
           version = mm.version + CASE WHEN d.digest IS DISTINCT FROM mm.answers_digest THEN 1 ELSE 0 END,
           answers_digest = d.digest
      FROM (SELECT sha256(convert_to(string_agg(a.statement_id || '=' || a.score, ',' ORDER BY a.statement_id),
                                     'UTF8')) AS digest
              FROM meter_answers a WHERE a.measurement_id = p_measurement) d
     WHERE mm.id = p_measurement
    RETURNING mm.* INTO m;
    INSERT INTO audit_log (at, cohort_id, actor, user_id, action, detail)
    VALUES (p_now, m.cohort_id, m.user_id, m.user_id, 'meter_finished',
            jsonb_build_object('kind', m.kind, 'round', m.round));
    RETURN NEXT m;
END
$$;

-- meter_answer stores a score click: it locks the measurement, refuses (status 'not_yours', 'left', 'locked',
-- 'stale', nothing written) or writes the score when it changed, and finishes the measurement when this answer
-- completes it: every statement has a score, and either one was missing before this answer, or this is the last
-- statement (the way through a reopened measurement ends there). It returns the measurement after the click and
-- every answer. No row: the measurement does not exist.
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
    status := coalesce(meter_refusal(user_id, cohort_id, p_user), meter_round_refusal(locked, round, p_round), 'ok');
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

    IF meter_complete(p_statements, statement_ids)
       AND (v_old IS NULL OR p_statement = p_statements[cardinality(p_statements)]) THEN
        SELECT f.finished_at, f.locked, f.updated_at INTO finished_at, locked, updated_at
          FROM meter_finish(p_measurement, p_now) f;
        finished := true;
    ELSIF changed THEN
        UPDATE meter_measurements m SET updated_at = p_now WHERE m.id = p_measurement;
        updated_at := p_now;
    END IF;
    RETURN NEXT;
END
$$;

-- meter_finish_measurement is "Afronden" of a reopened measurement: the rules of a click (meter_refusal,
-- meter_round_refusal), then 'incomplete' while a statement has no score; 'ok' finishes it. It returns the status
-- and the measurement after it; no row: the measurement does not exist.
CREATE OR REPLACE FUNCTION meter_finish_measurement(p_measurement bigint, p_user text, p_round int,
                                                    p_statements text[], p_now timestamptz)
RETURNS TABLE (status text, m meter_measurements)
LANGUAGE plpgsql AS $$
BEGIN
    SELECT * INTO m FROM meter_measurements mm WHERE mm.id = p_measurement FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    status := coalesce(meter_refusal(m.user_id, m.cohort_id, p_user), meter_round_refusal(m.locked, m.round, p_round),
                       CASE WHEN NOT meter_complete(p_statements, (SELECT coalesce(array_agg(a.statement_id), '{}')
                                                                   FROM meter_answers a
                                                                   WHERE a.measurement_id = p_measurement))
                            THEN 'incomplete' END,
                       'ok');
    IF status = 'ok' THEN
        SELECT * INTO m FROM meter_finish(p_measurement, p_now);
    END IF;
    RETURN NEXT;
END
$$;

-- meter_reopen is "Heropenen": 'too_late' from p_until on (the next session began; the caller derives it from the
-- cohort's dates), then the rules of who may change it (meter_refusal); a locked measurement is unlocked for a next round, so that the buttons of earlier
-- messages no longer count, and a share with the trainers is withdrawn (consent covers the answers as they were),
-- each with its audit entry. An open one is left as it is (a double click): reopened is false. No row: the
-- measurement does not exist.
CREATE OR REPLACE FUNCTION meter_reopen(p_measurement bigint, p_user text, p_until timestamptz, p_now timestamptz)
RETURNS TABLE (status text, reopened boolean, withdrawn boolean, m meter_measurements)
LANGUAGE plpgsql AS $$
BEGIN
    reopened := false;
    withdrawn := false;
    SELECT * INTO m FROM meter_measurements mm WHERE mm.id = p_measurement FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    status := coalesce(CASE WHEN p_now >= p_until THEN 'too_late' END, meter_refusal(m.user_id, m.cohort_id, p_user),
                       'ok');
    IF status <> 'ok' OR NOT m.locked THEN
        RETURN NEXT;
        RETURN;
    END IF;
    reopened := true;
    withdrawn := m.shared_at IS NOT NULL;
    UPDATE meter_measurements mm
       SET locked = false, finished_at = NULL, round = mm.round + 1, shared_at = NULL, updated_at = p_now
     WHERE mm.id = p_measurement
    RETURNING mm.* INTO m;
    INSERT INTO audit_log (at, cohort_id, actor, user_id, action, detail)
    VALUES (p_now, m.cohort_id, p_user, p_user, 'meter_reopened', jsonb_build_object('kind', m.kind, 'round', m.round));
    IF withdrawn THEN
        INSERT INTO audit_log (at, cohort_id, actor, user_id, action, detail)
        VALUES (p_now, m.cohort_id, p_user, p_user, 'meter_share_withdrawn',
                jsonb_build_object('kind', m.kind, 'reason', 'reopened'));
    END IF;
    RETURN NEXT;
END
$$;

-- meter_share is "Delen met trainer": the rules of who may change it (meter_refusal), then 'not_finished' for an
-- open measurement; a finished one is shared as it is now, once (sharing again keeps the first moment). No row: the
-- measurement does not exist.
CREATE OR REPLACE FUNCTION meter_share(p_measurement bigint, p_user text, p_now timestamptz)
RETURNS TABLE (status text, m meter_measurements)
LANGUAGE plpgsql AS $$
BEGIN
    SELECT * INTO m FROM meter_measurements mm WHERE mm.id = p_measurement FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    status := coalesce(meter_refusal(m.user_id, m.cohort_id, p_user),
                       CASE WHEN m.finished_at IS NULL THEN 'not_finished' END, 'ok');
    IF status = 'ok' AND m.shared_at IS NULL THEN
        UPDATE meter_measurements mm SET shared_at = p_now, updated_at = p_now WHERE mm.id = p_measurement
        RETURNING mm.* INTO m;
        INSERT INTO audit_log (at, cohort_id, actor, user_id, action, detail)
        VALUES (p_now, m.cohort_id, p_user, p_user, 'meter_shared', jsonb_build_object('kind', m.kind));
    END IF;
    RETURN NEXT;
END
$$;
