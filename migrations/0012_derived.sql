-- Derived tables for readiness at a heavy user's size (see docs/derived.md): what the drill
-- header, the before/after readiness, `plan` and `score` show, without reading every card.
-- Triggers keep them equal to their definitions whoever writes cards or card_state (drill,
-- undo, rebuild, sync, imports, restore of an older file migrated on open); `grill rebuild`
-- recomputes them from scratch.

-- Stability classes: class `sb` holds stabilities in [lo, lo * 1.1), represented by `mid`, their
-- geometric middle. `width_ms` is how finely the last-review time is bucketed for that class:
-- the largest 15 minutes x 2^k not above lo/16 days (at least 15 minutes), so the elapsed time
-- of a card is known to 1/16 of its stability, and a 15-minute bucket never straddles a day
-- start (time zone offsets and the day's start hour are whole quarter hours).
CREATE TABLE stability_classes (
    sb       INTEGER PRIMARY KEY,
    lo       REAL    NOT NULL UNIQUE,
    mid      REAL    NOT NULL,
    width_ms INTEGER NOT NULL
) STRICT;

WITH RECURSIVE
    classes(sb, lo) AS (
        SELECT -80, 1.0
        UNION ALL SELECT sb + 1, lo * 1.1 FROM classes WHERE sb < 160
    ),
    widths(k, w) AS (
        SELECT 0, 900000
        UNION ALL SELECT k + 1, w * 2 FROM widths WHERE k < 24
    )
INSERT INTO stability_classes (sb, lo, mid, width_ms)
SELECT sb,
       -- 1.1^sb: the CTE starts at 1.0 for sb = -80 and is rescaled here.
       lo * 4.881858500499929e-4,
       lo * 4.881858500499929e-4 * 1.0488088481701516,
       coalesce((SELECT max(w) FROM widths WHERE w <= lo * 4.881858500499929e-4 * 86400000.0 / 16.0), 900000)
FROM classes;

-- Every area of the cards with its number of cards and of active (not suspended) cards.
CREATE TABLE area_cards (
    area   TEXT    PRIMARY KEY,
    cards  INTEGER NOT NULL,
    active INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Active reviewed cards by area, stability class and last-review bucket
-- (last_review / width_ms of the class).
CREATE TABLE recall_buckets (
    area TEXT    NOT NULL,
    sb   INTEGER NOT NULL,
    lb   INTEGER NOT NULL,
    n    INTEGER NOT NULL,
    PRIMARY KEY (area, sb, lb)
) STRICT, WITHOUT ROWID;

INSERT INTO area_cards (area, cards, active)
SELECT area, count(*), sum(suspended = 0) FROM cards GROUP BY area;

INSERT INTO recall_buckets (area, sb, lb, n)
SELECT area, sb, lb, count(*) FROM (
    SELECT c.area,
           k.sb,
           s.last_review / k.width_ms AS lb
    FROM card_state s JOIN cards c ON c.id = s.card_id
    JOIN stability_classes k ON k.sb = coalesce(
        (SELECT max(sb) FROM stability_classes WHERE lo <= s.stability), -80)
    WHERE c.suspended = 0)
GROUP BY area, sb, lb;

-- Adding and removing one card in a bucket. The class of a stability is the last class whose
-- `lo` is not above it (the smallest class for anything below).

CREATE TRIGGER derived_state_added AFTER INSERT ON card_state
WHEN (SELECT suspended FROM cards WHERE id = NEW.card_id) = 0
BEGIN
    INSERT INTO recall_buckets (area, sb, lb, n)
    SELECT c.area, k.sb, NEW.last_review / k.width_ms, 1
    FROM cards c, stability_classes k
    WHERE c.id = NEW.card_id
      AND k.sb = coalesce((SELECT max(sb) FROM stability_classes WHERE lo <= NEW.stability), -80)
    ON CONFLICT (area, sb, lb) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER derived_state_removed AFTER DELETE ON card_state
WHEN (SELECT suspended FROM cards WHERE id = OLD.card_id) = 0
BEGIN
    UPDATE recall_buckets SET n = n - 1
    WHERE (area, sb, lb) = (
        SELECT c.area, k.sb, OLD.last_review / k.width_ms
        FROM cards c, stability_classes k
        WHERE c.id = OLD.card_id
          AND k.sb = coalesce((SELECT max(sb) FROM stability_classes WHERE lo <= OLD.stability), -80));
    DELETE FROM recall_buckets
    WHERE n = 0 AND (area, sb, lb) = (
        SELECT c.area, k.sb, OLD.last_review / k.width_ms
        FROM cards c, stability_classes k
        WHERE c.id = OLD.card_id
          AND k.sb = coalesce((SELECT max(sb) FROM stability_classes WHERE lo <= OLD.stability), -80));
END;

CREATE TRIGGER derived_state_changed AFTER UPDATE OF stability, last_review ON card_state
WHEN (SELECT suspended FROM cards WHERE id = NEW.card_id) = 0
BEGIN
    UPDATE recall_buckets SET n = n - 1
    WHERE (area, sb, lb) = (
        SELECT c.area, k.sb, OLD.last_review / k.width_ms
        FROM cards c, stability_classes k
        WHERE c.id = OLD.card_id
          AND k.sb = coalesce((SELECT max(sb) FROM stability_classes WHERE lo <= OLD.stability), -80));
    DELETE FROM recall_buckets
    WHERE n = 0 AND (area, sb, lb) = (
        SELECT c.area, k.sb, OLD.last_review / k.width_ms
        FROM cards c, stability_classes k
        WHERE c.id = OLD.card_id
          AND k.sb = coalesce((SELECT max(sb) FROM stability_classes WHERE lo <= OLD.stability), -80));
    INSERT INTO recall_buckets (area, sb, lb, n)
    SELECT c.area, k.sb, NEW.last_review / k.width_ms, 1
    FROM cards c, stability_classes k
    WHERE c.id = NEW.card_id
      AND k.sb = coalesce((SELECT max(sb) FROM stability_classes WHERE lo <= NEW.stability), -80)
    ON CONFLICT (area, sb, lb) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER derived_card_added AFTER INSERT ON cards
BEGIN
    INSERT INTO area_cards (area, cards, active) VALUES (NEW.area, 1, NEW.suspended = 0)
    ON CONFLICT (area) DO UPDATE SET cards = cards + 1, active = active + (NEW.suspended = 0);
    INSERT INTO recall_buckets (area, sb, lb, n)
    SELECT NEW.area, k.sb, s.last_review / k.width_ms, 1
    FROM card_state s, stability_classes k
    WHERE s.card_id = NEW.id AND NEW.suspended = 0
      AND k.sb = coalesce((SELECT max(sb) FROM stability_classes WHERE lo <= s.stability), -80)
    ON CONFLICT (area, sb, lb) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER derived_card_removed AFTER DELETE ON cards
BEGIN
    UPDATE area_cards SET cards = cards - 1, active = active - (OLD.suspended = 0) WHERE area = OLD.area;
    DELETE FROM area_cards WHERE area = OLD.area AND cards = 0;
    UPDATE recall_buckets SET n = n - 1
    WHERE OLD.suspended = 0 AND (area, sb, lb) = (
        SELECT OLD.area, k.sb, s.last_review / k.width_ms
        FROM card_state s, stability_classes k
        WHERE s.card_id = OLD.id
          AND k.sb = coalesce((SELECT max(sb) FROM stability_classes WHERE lo <= s.stability), -80));
    DELETE FROM recall_buckets
    WHERE n = 0 AND OLD.suspended = 0 AND (area, sb, lb) = (
        SELECT OLD.area, k.sb, s.last_review / k.width_ms
        FROM card_state s, stability_classes k
        WHERE s.card_id = OLD.id
          AND k.sb = coalesce((SELECT max(sb) FROM stability_classes WHERE lo <= s.stability), -80));
END;

CREATE TRIGGER derived_card_changed AFTER UPDATE OF area, suspended ON cards
WHEN OLD.area IS NOT NEW.area OR OLD.suspended IS NOT NEW.suspended
BEGIN
    UPDATE area_cards SET cards = cards - 1, active = active - (OLD.suspended = 0) WHERE area = OLD.area;
    DELETE FROM area_cards WHERE area = OLD.area AND cards = 0;
    INSERT INTO area_cards (area, cards, active) VALUES (NEW.area, 1, NEW.suspended = 0)
    ON CONFLICT (area) DO UPDATE SET cards = cards + 1, active = active + (NEW.suspended = 0);
    UPDATE recall_buckets SET n = n - 1
    WHERE OLD.suspended = 0 AND (area, sb, lb) = (
        SELECT OLD.area, k.sb, s.last_review / k.width_ms
        FROM card_state s, stability_classes k
        WHERE s.card_id = OLD.id
          AND k.sb = coalesce((SELECT max(sb) FROM stability_classes WHERE lo <= s.stability), -80));
    DELETE FROM recall_buckets
    WHERE n = 0 AND OLD.suspended = 0 AND (area, sb, lb) = (
        SELECT OLD.area, k.sb, s.last_review / k.width_ms
        FROM card_state s, stability_classes k
        WHERE s.card_id = OLD.id
          AND k.sb = coalesce((SELECT max(sb) FROM stability_classes WHERE lo <= s.stability), -80));
    INSERT INTO recall_buckets (area, sb, lb, n)
    SELECT NEW.area, k.sb, s.last_review / k.width_ms, 1
    FROM card_state s, stability_classes k
    WHERE s.card_id = NEW.id AND NEW.suspended = 0
      AND k.sb = coalesce((SELECT max(sb) FROM stability_classes WHERE lo <= s.stability), -80)
    ON CONFLICT (area, sb, lb) DO UPDATE SET n = n + 1;
END;

-- Each card's first review that is not a preview: true retention over a window only needs to
-- know whether a card's window reviews had one before the window, and this answers it without
-- reading the card's log.
CREATE TABLE first_reviews (
    card_id INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL
) STRICT;

INSERT INTO first_reviews (card_id, at)
SELECT card_id, min(at) FROM reviews NOT INDEXED WHERE kind <> 4 GROUP BY card_id;

CREATE TRIGGER derived_review_added AFTER INSERT ON reviews
WHEN NEW.kind <> 4
BEGIN
    INSERT INTO first_reviews (card_id, at) VALUES (NEW.card_id, NEW.at)
    ON CONFLICT (card_id) DO UPDATE SET at = min(at, excluded.at);
END;

CREATE TRIGGER derived_review_removed AFTER DELETE ON reviews
WHEN OLD.kind <> 4
BEGIN
    DELETE FROM first_reviews WHERE card_id = OLD.card_id AND at = OLD.at;
    INSERT INTO first_reviews (card_id, at)
    SELECT card_id, min(at) FROM reviews
    WHERE card_id = OLD.card_id AND kind <> 4
      AND NOT EXISTS (SELECT 1 FROM first_reviews WHERE card_id = OLD.card_id)
    GROUP BY card_id;
END;

-- The short columns of a card by id, so reading the area of the cards in a window of the log
-- does not read the cards' text (most of the file).
CREATE INDEX cards_area ON cards(id, area, suspended, key);
