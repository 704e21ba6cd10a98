-- Each area's recall sum at the end of past grill days: what `grill score --history` and the
-- report chart read instead of replaying the whole log (see docs/derived.md). A row is a fact
-- about one instant: the sum, per area, of the retrievability of its active cards at
-- `day_end` (the last millisecond of a grill day), their states replayed from the log up to
-- that instant. `sums` is a JSON object {area: sum}; an area left out sums to 0.
--
-- Rows are filled lazily, by the first `score --history` that needs them, for every day from
-- the oldest it needs to yesterday; the next day adds one day. They depend on the time zone,
-- the day's start hour and the FSRS parameters: `meta.recall_days_clock` names those the rows
-- were computed with, and a reader that finds others empties the table. Triggers named
-- `derived_...` drop every row a write could change: an answer added or removed drops the days
-- ending at or after it (a rating made now drops nothing), a card moved to another area,
-- suspended, renamed or deleted, or its imported starting state changed, drops every row.
-- `grill rebuild` and bulk writers (store::derived::rebuild_derived) empty the table.
CREATE TABLE recall_days (
    day_end INTEGER PRIMARY KEY,
    sums    TEXT    NOT NULL
) STRICT;

CREATE TRIGGER derived_recall_days_answer_added AFTER INSERT ON reviews
BEGIN
    DELETE FROM recall_days WHERE day_end >= NEW.at;
END;

CREATE TRIGGER derived_recall_days_answer_removed AFTER DELETE ON reviews
BEGIN
    DELETE FROM recall_days WHERE day_end >= OLD.at;
END;

CREATE TRIGGER derived_recall_days_answer_changed AFTER UPDATE OF card_id, at, rating, kind ON reviews
BEGIN
    DELETE FROM recall_days WHERE day_end >= min(OLD.at, NEW.at);
END;

CREATE TRIGGER derived_recall_days_card_changed AFTER UPDATE OF key, area, suspended ON cards
WHEN OLD.key IS NOT NEW.key OR OLD.area IS NOT NEW.area OR OLD.suspended IS NOT NEW.suspended
BEGIN
    DELETE FROM recall_days;
END;

CREATE TRIGGER derived_recall_days_card_removed AFTER DELETE ON cards
BEGIN
    DELETE FROM recall_days;
END;

CREATE TRIGGER derived_recall_days_start_added AFTER INSERT ON imported_cards
WHEN NEW.start_at IS NOT NULL
BEGIN
    DELETE FROM recall_days;
END;

CREATE TRIGGER derived_recall_days_start_changed AFTER UPDATE ON imported_cards
WHEN OLD.start_at IS NOT NEW.start_at OR OLD.start_ease IS NOT NEW.start_ease
  OR OLD.start_interval_days IS NOT NEW.start_interval_days OR OLD.start_retention IS NOT NEW.start_retention
  OR OLD.card_id IS NOT NEW.card_id
BEGIN
    DELETE FROM recall_days;
END;

CREATE TRIGGER derived_recall_days_start_removed AFTER DELETE ON imported_cards
WHEN OLD.start_at IS NOT NULL
BEGIN
    DELETE FROM recall_days;
END;
