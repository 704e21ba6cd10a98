-- Derived tables for the daily commands at a heavy user's size (see docs/derived.md): the
-- answers of the log counted per area and 15-minute UTC slot (heatmap, streak, true retention,
-- the drill's 30-day window), and the active cards' due times per area and slot (forecast).
-- Grill days depend on the configured time zone and rollover hour, so nothing here is keyed by
-- day: a reader folds slots into its days (exact, since a day starts on a whole quarter hour).
-- `last_answers` (each card's last non-preview answer) lets a rating find its key without
-- reading the card's log. Triggers named `derived_...` keep them equal to their definitions in the writer's
-- transaction; `grill rebuild` (store::derived::rebuild_derived) recomputes them from scratch.

-- Every answer of the log, counted by the card's area and state (active: not suspended), the
-- 15-minute UTC slot of the answer (`at / 900000`) and `gap`, what true retention needs to know
-- about the card's previous answer that was not a preview:
--   -1  the answer cannot count for retention: a preview, or no earlier answer;
--   -2  a cram or mock answer, or one right after such an answer: whether it counts depends on
--       other answers of the same grill day, so a reader computes retention exactly from the
--       log when a window holds any;
--   0..99  the slots since that previous answer; it counts when that slot's day is earlier;
--   100 at least 100 slots (25 hours) since: always a later day.
CREATE TABLE answer_slots (
    slot        INTEGER NOT NULL,
    area        TEXT    NOT NULL,
    active      INTEGER NOT NULL,
    gap         INTEGER NOT NULL,
    answers     INTEGER NOT NULL,
    passes      INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    PRIMARY KEY (slot, area, active, gap)
) STRICT, WITHOUT ROWID;

-- Active cards with a state, counted by area and the 15-minute UTC slot of their due time.
CREATE TABLE due_slots (
    slot INTEGER NOT NULL,
    area TEXT    NOT NULL,
    n    INTEGER NOT NULL,
    PRIMARY KEY (slot, area)
) STRICT, WITHOUT ROWID;

-- Filled from scratch, as store::derived::rebuild_derived does.
INSERT INTO answer_slots (slot, area, active, gap, answers, passes, duration_ms)
SELECT k.slot, c.area, c.suspended = 0, k.gap, count(*), sum(k.pass), sum(k.dur)
FROM (
    SELECT card_id, at / 900000 AS slot,
           CASE WHEN pat IS NULL THEN -1
                WHEN kind IN (3, 6) OR pkind IN (3, 6) THEN -2
                ELSE min(at / 900000 - pat / 900000, 100) END AS gap,
           rating > 1 AS pass, duration_ms AS dur
    FROM (SELECT card_id, at, kind, rating, duration_ms,
                 lag(at) OVER w AS pat, lag(kind) OVER w AS pkind
          FROM reviews WHERE kind <> 4
          WINDOW w AS (PARTITION BY card_id ORDER BY at, id))
    UNION ALL
    SELECT card_id, at / 900000, -1, rating > 1, duration_ms FROM reviews WHERE kind = 4
) k JOIN cards c ON c.id = k.card_id
GROUP BY k.slot, c.area, c.suspended, k.gap;

INSERT INTO due_slots (slot, area, n)
SELECT s.due / 900000, c.area, count(*)
FROM card_state s JOIN cards c ON c.id = s.card_id
WHERE c.suspended = 0
GROUP BY s.due / 900000, c.area;

-- Each card's last answer that is not a preview (by time, then log order): the previous answer
-- of the next one the drill logs, found without reading the card's log.
CREATE TABLE last_answers (
    card_id INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    id      INTEGER NOT NULL,
    kind    INTEGER NOT NULL
) STRICT;

INSERT INTO last_answers (card_id, at, id, kind)
SELECT card_id, at, id, kind FROM (
    SELECT card_id, at, id, kind, row_number() OVER (PARTITION BY card_id ORDER BY at DESC, id DESC) AS rn
    FROM reviews WHERE kind <> 4)
WHERE rn = 1;

-- An answer added. A preview, or an answer after the card's last one (what the drill logs):
-- its key needs only `last_answers`. An answer older than the card's last one (an import of
-- older history): its previous answer is found in the card's log, and the card's next
-- non-preview answer moves from the key it had after the earlier answer to the key it has
-- after this one. Rows whose count falls to 0 may stay: they count nothing, and `rebuild`
-- drops them.
CREATE TRIGGER derived_answer_added AFTER INSERT ON reviews
BEGIN
    INSERT INTO answer_slots (slot, area, active, gap, answers, passes, duration_ms)
    SELECT NEW.at / 900000, c.area, c.suspended = 0,
           CASE WHEN NEW.kind = 4 OR l.at IS NULL THEN -1
                WHEN NEW.kind IN (3, 6) OR l.kind IN (3, 6) THEN -2
                ELSE min(NEW.at / 900000 - l.at / 900000, 100) END,
           1, NEW.rating > 1, NEW.duration_ms
    FROM cards c INDEXED BY cards_area LEFT JOIN last_answers l ON l.card_id = NEW.card_id
    WHERE c.id = NEW.card_id AND (NEW.kind = 4 OR l.at IS NULL OR (l.at, l.id) < (NEW.at, NEW.id))
    ON CONFLICT (slot, area, active, gap) DO UPDATE SET answers = answers + 1,
        passes = passes + excluded.passes, duration_ms = duration_ms + excluded.duration_ms;
    INSERT INTO answer_slots (slot, area, active, gap, answers, passes, duration_ms)
    SELECT NEW.at / 900000, c.area, c.suspended = 0,
           CASE WHEN p.at IS NULL THEN -1
                WHEN NEW.kind IN (3, 6) OR p.kind IN (3, 6) THEN -2
                ELSE min(NEW.at / 900000 - p.at / 900000, 100) END,
           1, NEW.rating > 1, NEW.duration_ms
    FROM cards c INDEXED BY cards_area JOIN last_answers l ON l.card_id = NEW.card_id LEFT JOIN (
        SELECT at, kind FROM reviews
        WHERE card_id = NEW.card_id AND kind <> 4 AND (at, id) < (NEW.at, NEW.id)
        ORDER BY at DESC, id DESC LIMIT 1) p ON 1
    WHERE c.id = NEW.card_id AND NEW.kind <> 4 AND (l.at, l.id) > (NEW.at, NEW.id)
    ON CONFLICT (slot, area, active, gap) DO UPDATE SET answers = answers + 1,
        passes = passes + excluded.passes, duration_ms = duration_ms + excluded.duration_ms;
    UPDATE answer_slots SET answers = answers - 1, passes = passes - k.pass, duration_ms = duration_ms - k.dur
    FROM (
        SELECT n.at / 900000 AS slot, c.area AS area, c.suspended = 0 AS active,
               CASE WHEN p.at IS NULL THEN -1
                    WHEN n.kind IN (3, 6) OR p.kind IN (3, 6) THEN -2
                    ELSE min(n.at / 900000 - p.at / 900000, 100) END AS gap,
               n.rating > 1 AS pass, n.duration_ms AS dur
        FROM (SELECT card_id, at, kind, rating, duration_ms FROM reviews
              WHERE card_id = NEW.card_id AND kind <> 4 AND (at, id) > (NEW.at, NEW.id)
              ORDER BY at, id LIMIT 1) n
        JOIN cards c INDEXED BY cards_area ON c.id = n.card_id
        LEFT JOIN (SELECT at, kind FROM reviews
                   WHERE card_id = NEW.card_id AND kind <> 4 AND (at, id) < (NEW.at, NEW.id)
                   ORDER BY at DESC, id DESC LIMIT 1) p ON 1
        WHERE NEW.kind <> 4
          AND EXISTS (SELECT 1 FROM last_answers l WHERE l.card_id = NEW.card_id AND (l.at, l.id) > (NEW.at, NEW.id))) k
    WHERE (answer_slots.slot, answer_slots.area, answer_slots.active, answer_slots.gap) = (k.slot, k.area, k.active, k.gap);
    INSERT INTO answer_slots (slot, area, active, gap, answers, passes, duration_ms)
    SELECT n.at / 900000, c.area, c.suspended = 0,
           CASE WHEN n.kind IN (3, 6) OR NEW.kind IN (3, 6) THEN -2
                ELSE min(n.at / 900000 - NEW.at / 900000, 100) END,
           1, n.rating > 1, n.duration_ms
    FROM (SELECT card_id, at, kind, rating, duration_ms FROM reviews
          WHERE card_id = NEW.card_id AND kind <> 4 AND (at, id) > (NEW.at, NEW.id)
          ORDER BY at, id LIMIT 1) n
    JOIN cards c INDEXED BY cards_area ON c.id = n.card_id
    WHERE NEW.kind <> 4
      AND EXISTS (SELECT 1 FROM last_answers l WHERE l.card_id = NEW.card_id AND (l.at, l.id) > (NEW.at, NEW.id))
    ON CONFLICT (slot, area, active, gap) DO UPDATE SET answers = answers + 1,
        passes = passes + excluded.passes, duration_ms = duration_ms + excluded.duration_ms;
    INSERT INTO last_answers (card_id, at, id, kind)
    SELECT NEW.card_id, NEW.at, NEW.id, NEW.kind WHERE NEW.kind <> 4
    ON CONFLICT (card_id) DO UPDATE SET at = excluded.at, id = excluded.id, kind = excluded.kind
    WHERE (at, id) < (excluded.at, excluded.id);
END;

-- An answer removed (undo): the reverse.
CREATE TRIGGER derived_answer_removed AFTER DELETE ON reviews
BEGIN
    UPDATE answer_slots SET answers = answers - 1, passes = passes - k.pass, duration_ms = duration_ms - k.dur
    FROM (
        SELECT OLD.at / 900000 AS slot, c.area AS area, c.suspended = 0 AS active,
               CASE WHEN OLD.kind = 4 OR p.at IS NULL THEN -1
                    WHEN OLD.kind IN (3, 6) OR p.kind IN (3, 6) THEN -2
                    ELSE min(OLD.at / 900000 - p.at / 900000, 100) END AS gap,
               OLD.rating > 1 AS pass, OLD.duration_ms AS dur
        FROM cards c LEFT JOIN (
            SELECT at, kind FROM reviews
            WHERE card_id = OLD.card_id AND kind <> 4 AND (at, id) < (OLD.at, OLD.id)
            ORDER BY at DESC, id DESC LIMIT 1) p ON 1
        WHERE c.id = OLD.card_id) k
    WHERE (answer_slots.slot, answer_slots.area, answer_slots.active, answer_slots.gap) = (k.slot, k.area, k.active, k.gap);
    UPDATE answer_slots SET answers = answers - 1, passes = passes - k.pass, duration_ms = duration_ms - k.dur
    FROM (
        SELECT n.at / 900000 AS slot, c.area AS area, c.suspended = 0 AS active,
               CASE WHEN n.kind IN (3, 6) OR OLD.kind IN (3, 6) THEN -2
                    ELSE min(n.at / 900000 - OLD.at / 900000, 100) END AS gap,
               n.rating > 1 AS pass, n.duration_ms AS dur
        FROM (SELECT card_id, at, kind, rating, duration_ms FROM reviews
              WHERE card_id = OLD.card_id AND kind <> 4 AND (at, id) > (OLD.at, OLD.id)
              ORDER BY at, id LIMIT 1) n
        JOIN cards c ON c.id = n.card_id
        WHERE OLD.kind <> 4) k
    WHERE (answer_slots.slot, answer_slots.area, answer_slots.active, answer_slots.gap) = (k.slot, k.area, k.active, k.gap);
    INSERT INTO answer_slots (slot, area, active, gap, answers, passes, duration_ms)
    SELECT n.at / 900000, c.area, c.suspended = 0,
           CASE WHEN p.at IS NULL THEN -1
                WHEN n.kind IN (3, 6) OR p.kind IN (3, 6) THEN -2
                ELSE min(n.at / 900000 - p.at / 900000, 100) END,
           1, n.rating > 1, n.duration_ms
    FROM (SELECT card_id, at, kind, rating, duration_ms FROM reviews
          WHERE card_id = OLD.card_id AND kind <> 4 AND (at, id) > (OLD.at, OLD.id)
          ORDER BY at, id LIMIT 1) n
    JOIN cards c ON c.id = n.card_id
    LEFT JOIN (SELECT at, kind FROM reviews
               WHERE card_id = OLD.card_id AND kind <> 4 AND (at, id) < (OLD.at, OLD.id)
               ORDER BY at DESC, id DESC LIMIT 1) p ON 1
    WHERE OLD.kind <> 4
    ON CONFLICT (slot, area, active, gap) DO UPDATE SET answers = answers + 1,
        passes = passes + excluded.passes, duration_ms = duration_ms + excluded.duration_ms;
    DELETE FROM last_answers WHERE card_id = OLD.card_id AND id = OLD.id;
    INSERT INTO last_answers (card_id, at, id, kind)
    SELECT card_id, at, id, kind FROM reviews
    WHERE card_id = OLD.card_id AND kind <> 4 AND NOT EXISTS (SELECT 1 FROM last_answers WHERE card_id = OLD.card_id)
    ORDER BY at DESC, id DESC LIMIT 1;
END;

-- A card's area or suspension changed: its answers move from the old key to the new one.
CREATE TRIGGER derived_answers_moved AFTER UPDATE OF area, suspended ON cards
WHEN OLD.area IS NOT NEW.area OR OLD.suspended IS NOT NEW.suspended
BEGIN
    UPDATE answer_slots SET answers = answers - k.n, passes = passes - k.np, duration_ms = duration_ms - k.dur
    FROM (
        SELECT slot, gap, count(*) AS n, sum(pass) AS np, sum(dur) AS dur FROM (
            SELECT r.at / 900000 AS slot,
                   CASE WHEN r.kind = 4 THEN -1 ELSE coalesce((
                       SELECT CASE WHEN r.kind IN (3, 6) OR p.kind IN (3, 6) THEN -2
                                   ELSE min(r.at / 900000 - p.at / 900000, 100) END
                       FROM reviews p
                       WHERE p.card_id = r.card_id AND p.kind <> 4 AND (p.at, p.id) < (r.at, r.id)
                       ORDER BY p.at DESC, p.id DESC LIMIT 1), -1) END AS gap,
                   r.rating > 1 AS pass, r.duration_ms AS dur
            FROM reviews r WHERE r.card_id = OLD.id)
        GROUP BY slot, gap) k
    WHERE (answer_slots.slot, answer_slots.area, answer_slots.active, answer_slots.gap)
        = (k.slot, OLD.area, OLD.suspended = 0, k.gap);
    INSERT INTO answer_slots (slot, area, active, gap, answers, passes, duration_ms)
    SELECT slot, NEW.area, NEW.suspended = 0, gap, count(*), sum(pass), sum(dur) FROM (
        SELECT r.at / 900000 AS slot,
               CASE WHEN r.kind = 4 THEN -1 ELSE coalesce((
                   SELECT CASE WHEN r.kind IN (3, 6) OR p.kind IN (3, 6) THEN -2
                               ELSE min(r.at / 900000 - p.at / 900000, 100) END
                   FROM reviews p
                   WHERE p.card_id = r.card_id AND p.kind <> 4 AND (p.at, p.id) < (r.at, r.id)
                   ORDER BY p.at DESC, p.id DESC LIMIT 1), -1) END AS gap,
               r.rating > 1 AS pass, r.duration_ms AS dur
        FROM reviews r WHERE r.card_id = NEW.id)
    WHERE 1
    GROUP BY slot, gap
    ON CONFLICT (slot, area, active, gap) DO UPDATE SET answers = answers + excluded.answers,
        passes = passes + excluded.passes, duration_ms = duration_ms + excluded.duration_ms;
    -- Due times: the card's state leaves the old area or returns with the new one.
    UPDATE due_slots SET n = n - 1
    WHERE OLD.suspended = 0 AND (slot, area) = (SELECT s.due / 900000, OLD.area FROM card_state s WHERE s.card_id = OLD.id);
    INSERT INTO due_slots (slot, area, n)
    SELECT s.due / 900000, NEW.area, 1 FROM card_state s WHERE s.card_id = NEW.id AND NEW.suspended = 0
    ON CONFLICT (slot, area) DO UPDATE SET n = n + 1;
END;

-- Due times follow the states (a card without a state is not due) and the cards' removal.
CREATE TRIGGER derived_due_added AFTER INSERT ON card_state
WHEN (SELECT suspended FROM cards WHERE id = NEW.card_id) = 0
BEGIN
    INSERT INTO due_slots (slot, area, n)
    SELECT NEW.due / 900000, c.area, 1 FROM cards c WHERE c.id = NEW.card_id
    ON CONFLICT (slot, area) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER derived_due_removed AFTER DELETE ON card_state
WHEN (SELECT suspended FROM cards WHERE id = OLD.card_id) = 0
BEGIN
    UPDATE due_slots SET n = n - 1
    WHERE (slot, area) = (SELECT OLD.due / 900000, c.area FROM cards c WHERE c.id = OLD.card_id);
END;

CREATE TRIGGER derived_due_changed AFTER UPDATE OF due ON card_state
WHEN OLD.due / 900000 IS NOT NEW.due / 900000 AND (SELECT suspended FROM cards WHERE id = NEW.card_id) = 0
BEGIN
    UPDATE due_slots SET n = n - 1
    WHERE (slot, area) = (SELECT OLD.due / 900000, c.area FROM cards c WHERE c.id = OLD.card_id);
    INSERT INTO due_slots (slot, area, n)
    SELECT NEW.due / 900000, c.area, 1 FROM cards c WHERE c.id = NEW.card_id
    ON CONFLICT (slot, area) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER derived_due_card_removed AFTER DELETE ON cards
WHEN OLD.suspended = 0
BEGIN
    UPDATE due_slots SET n = n - 1
    WHERE (slot, area) = (SELECT s.due / 900000, OLD.area FROM card_state s WHERE s.card_id = OLD.id);
END;

-- Answers that took a measured time (duration_ms > 0), per area of their card: `plan` reads
-- the latest 50 of each area walking the log backwards, and stops once every area has them
-- all or 50 (areas without any no longer send it through the whole log).
CREATE TABLE area_answers (
    area  TEXT    PRIMARY KEY,
    timed INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO area_answers (area, timed)
SELECT c.area, count(*) FROM reviews r JOIN cards c ON c.id = r.card_id WHERE r.duration_ms > 0 GROUP BY c.area;

CREATE TRIGGER derived_area_answer_added AFTER INSERT ON reviews
WHEN NEW.duration_ms > 0
BEGIN
    INSERT INTO area_answers (area, timed)
    SELECT area, 1 FROM cards INDEXED BY cards_area WHERE id = NEW.card_id
    ON CONFLICT (area) DO UPDATE SET timed = timed + 1;
END;

CREATE TRIGGER derived_area_answer_removed AFTER DELETE ON reviews
WHEN OLD.duration_ms > 0
BEGIN
    UPDATE area_answers SET timed = timed - 1
    WHERE area = (SELECT area FROM cards INDEXED BY cards_area WHERE id = OLD.card_id);
END;

CREATE TRIGGER derived_area_answers_moved AFTER UPDATE OF area ON cards
WHEN OLD.area IS NOT NEW.area
BEGIN
    UPDATE area_answers SET timed = timed - (SELECT count(*) FROM reviews WHERE card_id = OLD.id AND duration_ms > 0)
    WHERE area = OLD.area;
    INSERT INTO area_answers (area, timed)
    SELECT NEW.area, count(*) FROM reviews WHERE card_id = NEW.id AND duration_ms > 0
    ON CONFLICT (area) DO UPDATE SET timed = timed + excluded.timed;
END;

-- The active cards' time limits by area, for `plan`'s pace (median limits per area) without
-- reading every card: an index SQLite keeps itself, no trigger needed.
CREATE INDEX cards_time_limits ON cards(area, time_limit_secs) WHERE suspended = 0;
