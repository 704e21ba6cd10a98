-- grill schema: the user's own FSRS parameters, and rewritten cards (leeches).
-- Migrations are append-only: never edit a released file, add a new one.

-- FSRS-6 parameters fitted to the user's review log by `grill optimize`. One row per change:
-- a kept fit, or a return to the defaults (`grill optimize --reset`, parameters '[]').
-- The newest row is the one in use. Card states are replayed with the new parameters in the
-- same transaction that inserts the row.
CREATE TABLE fsrs_parameters (
    id               INTEGER PRIMARY KEY,
    saved_at         INTEGER NOT NULL,          -- Unix ms
    parameters       TEXT    NOT NULL,          -- JSON array of 21 numbers; '[]' = the defaults
    reviews          INTEGER NOT NULL DEFAULT 0 CHECK (reviews >= 0),  -- reviews the fit learned from
    -- the crate's evaluation on the same history: default parameters vs these
    log_loss_default REAL,
    log_loss         REAL,
    rmse_default     REAL,
    rmse             REAL
) STRICT;

-- A built-in card rewritten by the user (`grill edit`): its text wins over the built-in one,
-- and syncs of the built-in decks never touch it. (Cards of imported decks are edited in place.)
CREATE TABLE card_edits (
    card_id    INTEGER PRIMARY KEY REFERENCES cards(id),
    prompt     TEXT    NOT NULL,
    answer     TEXT    NOT NULL,
    follow_ups TEXT    NOT NULL DEFAULT '[]',  -- JSON array of strings
    edited_at  INTEGER NOT NULL
) STRICT;

-- The card's lapses when a rewrite (`grill edit`) cleared its leech status, so a rewritten
-- leech gets a fresh start; NULL if never. Deck syncs do not touch it.
ALTER TABLE cards ADD COLUMN leech_cleared_at INTEGER CHECK (leech_cleared_at >= 0);
