-- grill schema: what an Anki package says about a card beyond its answers, and where the
-- FSRS parameters in use came from. Migrations are append-only: never edit a released file.

-- One row per card imported from an Anki package (docs/anki.md). Every replay of the card's
-- log (import, rebuild, undo, new parameters) applies it, so the log stays the source of truth.
CREATE TABLE imported_cards (
    card_id             INTEGER PRIMARY KEY REFERENCES cards(id),
    -- An incomplete history (truncated, or reviewed before FSRS): as in Anki, the state after
    -- the answer at start_at comes from its SM-2 ease and interval with the preset's
    -- sm2Retention, and later answers are replayed from there. All four NULL otherwise. The
    -- state is computed at replay time, so it follows the parameters in use.
    start_at            INTEGER,   -- Unix ms of that answer (it stays in the log)
    start_ease          REAL CHECK (start_ease > 0),                  -- SM-2 ease (2.5 = 250%)
    start_interval_days REAL CHECK (start_interval_days >= 1),        -- SM-2 interval after it
    start_retention     REAL CHECK (start_retention > 0 AND start_retention < 1),
    -- The due date Anki had, kept while the card's last answer is still due_after: the first
    -- answer in grill (or `grill import --reschedule`) replaces it. Both NULL otherwise.
    due                 INTEGER,   -- Unix ms
    due_after           INTEGER,   -- Unix ms of the last answer Anki scheduled from
    -- Lapses Anki counted in history that no longer counts (before a reset or a cut-off, or
    -- before a truncated log): added to the replayed lapses, so leeches stay leeches.
    lapses_before       INTEGER NOT NULL DEFAULT 0 CHECK (lapses_before >= 0),
    CHECK ((start_at IS NULL) = (start_ease IS NULL)
       AND (start_at IS NULL) = (start_interval_days IS NULL)
       AND (start_at IS NULL) = (start_retention IS NULL)),
    CHECK ((due IS NULL) = (due_after IS NULL))
) STRICT;

-- Where saved parameters came from: NULL for `grill optimize`, else e.g.
-- 'anki: FILE, preset "NAME"' when an import adopted a package's optimized parameters.
ALTER TABLE fsrs_parameters ADD COLUMN origin TEXT;
