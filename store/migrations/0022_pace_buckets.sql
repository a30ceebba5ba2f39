-- The rate-limit buckets the replicas of one deployment share, so that together they stay within Slack's limits
-- per workspace, per method and per channel (bot/pacer.go; ARCHITECTURE.md "Replicas and Slack's budget"). A row is
-- one key ("T123/channel:C456", "T123/method:chat.postMessage"): a token bucket kept as the theoretical arrival
-- time of its next call (GCRA), or a quota kept as its calls in the last window. Times are the database's clock
-- (clock_timestamp()), the one clock all replicas agree on, or the app's test clock when one is passed in.
--
-- A row absent and a row whose every time has passed mean the same; idle_at says from when that is so, and rows
-- idle for a while are deleted (channels come and go).
--
-- Unlogged: a reservation is a write on every call to Slack, and a commit that waited for the WAL's flush to disk
-- would put a disk's latency, and its jitter, between a call and its slot. What a crash of the database loses is
-- a few seconds of pacing state: the buckets restart full, as for a new deployment.
CREATE UNLOGGED TABLE pace_buckets (
    key        text        PRIMARY KEY,
    tat        timestamptz,                           -- a token bucket: the next call's theoretical arrival time
    not_before timestamptz,                           -- a 429's Retry-After: nothing goes before it
    free       timestamptz[] NOT NULL DEFAULT '{}',   -- slots given back while still ahead, oldest first
    sent       timestamptz[] NOT NULL DEFAULT '{}',   -- a quota: its booked calls within the last window, in order
    idle_at    timestamptz NOT NULL                   -- from then on the row means what no row means
) WITH (fillfactor = 50); -- updated many times a second: room on the page keeps the updates HOT

-- pace_row returns key's row locked, made when missing. Callers lock their keys in one order (sorted), so two
-- reservations never wait on each other in a cycle.
CREATE FUNCTION pace_row(p_key text) RETURNS pace_buckets LANGUAGE plpgsql AS $$
DECLARE
    r pace_buckets;
BEGIN
    SELECT * INTO r FROM pace_buckets WHERE key = p_key FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO pace_buckets (key, idle_at) VALUES (p_key, '-infinity') ON CONFLICT (key) DO NOTHING;
        SELECT * INTO r FROM pace_buckets WHERE key = p_key FOR UPDATE;
    END IF;
    RETURN r;
END $$;

-- pace_reserve books a slot on every key at the earliest moment at or after now that all of them allow, as
-- bot.memBook.reserve does; intervals, tolerances and windows in microseconds (a window of 0: a token bucket). When
-- that moment is more than p_horizon ahead (0: no bound) nothing is booked and booked is false: the caller asks
-- again later, so that no replica holds slots far ahead that would outlive it. The slot arrays say what was taken on
-- each key, for pace_release.
CREATE FUNCTION pace_reserve(p_now timestamptz, p_keys text[], p_interval bigint[], p_tolerance bigint[],
                             p_window bigint[], p_burst int[], p_horizon bigint,
                             OUT at timestamptz, OUT now timestamptz, OUT booked boolean, OUT reused boolean[],
                             OUT tat_before timestamptz[], OUT tat_after timestamptz[])
LANGUAGE plpgsql AS $$
DECLARE
    r pace_buckets;
    n int := coalesce(array_length(p_keys, 1), 0);
    win interval;
    v_free timestamptz[];
    v_sent timestamptz[];
    earliest timestamptz;
    k int;
    i int;
    t timestamptz;
BEGIN
    FOR k IN 1..n LOOP
        PERFORM pace_row(p_keys[k]);
    END LOOP;
    -- The time once the rows are ours: a wait for another replica's lock does not make the call late for its slot
    -- (the caller sleeps for at - now from when the answer comes back).
    now := coalesce(p_now, clock_timestamp());
    at := now;
    booked := false;
    FOR k IN 1..n LOOP
        SELECT * INTO r FROM pace_buckets WHERE key = p_keys[k];
        IF r.not_before > at THEN
            at := r.not_before;
        END IF;
        win := p_window[k] * interval '1 microsecond';
        IF p_window[k] > 0 THEN
            v_sent := ARRAY(SELECT s FROM unnest(r.sent) s WHERE s + win > now ORDER BY s);
            i := coalesce(array_length(v_sent, 1), 0);
            IF i > 0 AND v_sent[i] > at THEN
                at := v_sent[i];
            END IF;
            IF i >= greatest(p_burst[k], 1) AND v_sent[i - greatest(p_burst[k], 1) + 1] + win > at THEN
                at := v_sent[i - greatest(p_burst[k], 1) + 1] + win;
            END IF;
            CONTINUE;
        END IF;
        v_free := ARRAY(SELECT f FROM unnest(r.free) f
                      WHERE f >= now AND (r.not_before IS NULL OR f >= r.not_before) ORDER BY f);
        earliest := coalesce(r.tat, '-infinity') - p_tolerance[k] * interval '1 microsecond';
        IF array_length(v_free, 1) > 0 AND v_free[1] < earliest THEN
            earliest := v_free[1];
        END IF;
        IF earliest > at THEN
            at := earliest;
        END IF;
    END LOOP;
    IF p_horizon > 0 AND at > now + p_horizon * interval '1 microsecond' THEN
        RETURN;
    END IF;
    booked := true;
    reused := array_fill(false, ARRAY[n]);
    tat_before := array_fill(NULL::timestamptz, ARRAY[n]);
    tat_after := array_fill(NULL::timestamptz, ARRAY[n]);
    FOR k IN 1..n LOOP
        SELECT * INTO r FROM pace_buckets WHERE key = p_keys[k];
        win := p_window[k] * interval '1 microsecond';
        IF p_window[k] > 0 THEN
            -- at is not before the key's last booked call: appending keeps the calls in order.
            v_sent := ARRAY(SELECT s FROM unnest(r.sent) s WHERE s + win > now ORDER BY s) || at;
            UPDATE pace_buckets SET sent = v_sent,
                idle_at = greatest(pace_reserve.at + win, r.tat, r.not_before)
            WHERE key = p_keys[k];
            CONTINUE;
        END IF;
        v_free := ARRAY(SELECT f FROM unnest(r.free) f
                      WHERE f >= now AND (r.not_before IS NULL OR f >= r.not_before) ORDER BY f);
        IF coalesce(r.tat, '-infinity') - p_tolerance[k] * interval '1 microsecond' > at THEN
            -- The key allows at only through a slot someone gave back: take the latest one not after at, so that
            -- the call goes as close to its slot as it can.
            i := coalesce((SELECT max(o) FROM unnest(v_free) WITH ORDINALITY AS x(f, o) WHERE x.f <= at), 0);
            v_free := v_free[:i - 1] || v_free[i + 1:];
            reused[k] := true;
            UPDATE pace_buckets SET free = v_free WHERE key = p_keys[k];
            CONTINUE;
        END IF;
        tat_before[k] := r.tat;
        t := greatest(r.tat, at) + p_interval[k] * interval '1 microsecond';
        tat_after[k] := t;
        UPDATE pace_buckets SET tat = t, free = v_free,
            idle_at = greatest(t, r.not_before, v_free[array_length(v_free, 1)])
        WHERE key = p_keys[k];
    END LOOP;
END $$;

-- pace_release gives back a reservation whose caller gave up before using it, as bot.memBook.release does.
CREATE FUNCTION pace_release(p_now timestamptz, p_at timestamptz, p_keys text[], p_quota boolean[],
                             p_reused boolean[], p_tat_before timestamptz[], p_tat_after timestamptz[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r pace_buckets;
    now timestamptz := coalesce(p_now, clock_timestamp());
    i int;
    k int;
BEGIN
    FOR k IN 1..coalesce(array_length(p_keys, 1), 0) LOOP
        SELECT * INTO r FROM pace_buckets WHERE key = p_keys[k] FOR UPDATE;
        CONTINUE WHEN NOT FOUND;
        IF p_quota[k] THEN
            -- The call never went: it takes nothing of the window.
            i := array_position(r.sent, p_at);
            IF i IS NOT NULL THEN
                UPDATE pace_buckets SET sent = r.sent[:i - 1] || r.sent[i + 1:] WHERE key = p_keys[k];
            END IF;
        ELSIF NOT p_reused[k] AND r.tat = p_tat_after[k] THEN
            -- Nothing was booked after it: as if it had never been booked.
            UPDATE pace_buckets SET tat = p_tat_before[k] WHERE key = p_keys[k];
        ELSIF p_at >= now AND (r.not_before IS NULL OR p_at >= r.not_before) THEN
            -- Later callers hold the slots after it; this one is free for the next caller while it is ahead.
            UPDATE pace_buckets SET free = ARRAY(SELECT f FROM unnest(r.free || p_at) f ORDER BY f),
                idle_at = greatest(r.idle_at, p_at)
            WHERE key = p_keys[k];
        END IF;
    END LOOP;
END $$;

-- pace_block keeps every call on the keys back until now + p_wait (a 429's Retry-After), as bot.memBook.block
-- does: a token bucket restarts empty, a quota as if its last window had been spent evenly.
CREATE FUNCTION pace_block(p_now timestamptz, p_wait bigint, p_keys text[], p_tolerance bigint[], p_window bigint[],
                           p_burst int[])
RETURNS timestamptz LANGUAGE plpgsql AS $$
DECLARE
    r pace_buckets;
    until timestamptz := coalesce(p_now, clock_timestamp()) + p_wait * interval '1 microsecond';
    win interval;
    burst int;
    k int;
BEGIN
    FOR k IN 1..coalesce(array_length(p_keys, 1), 0) LOOP
        r := pace_row(p_keys[k]);
        r.not_before := greatest(r.not_before, until);
        IF p_window[k] > 0 THEN
            win := p_window[k] * interval '1 microsecond';
            burst := greatest(p_burst[k], 1);
            -- Calls booked after until still go (their callers see the block has passed): keep counting them.
            r.sent := ARRAY(SELECT s FROM (
                SELECT until - win + (win / burst) * g AS s FROM generate_series(0, burst - 1) g
                UNION ALL SELECT s FROM unnest(r.sent) s WHERE s > until) x ORDER BY s);
            UPDATE pace_buckets SET not_before = r.not_before, sent = r.sent,
                idle_at = greatest(r.idle_at, r.sent[array_length(r.sent, 1)] + win)
            WHERE key = p_keys[k];
            CONTINUE;
        END IF;
        r.tat := greatest(r.tat, until + p_tolerance[k] * interval '1 microsecond');
        UPDATE pace_buckets SET not_before = r.not_before, tat = r.tat,
            free = ARRAY(SELECT f FROM unnest(r.free) f WHERE f >= until ORDER BY f),
            idle_at = greatest(r.idle_at, r.tat, r.not_before)
        WHERE key = p_keys[k];
    END LOOP;
    RETURN until;
END $$;
