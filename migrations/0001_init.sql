-- grill schema v1. Migrations are append-only: never edit a released file, add a new one.
-- Timestamps are Unix milliseconds (UTC). Text ids ("key") are the stable ids users see.

CREATE TABLE decks (
    id          INTEGER PRIMARY KEY,
    key         TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    area        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    -- where the deck came from: 'builtin' (embedded in the binary) or 'import'
    source      TEXT    NOT NULL CHECK (source IN ('builtin', 'import', 'user'))
) STRICT;

CREATE TABLE cards (
    id              INTEGER PRIMARY KEY,
    key             TEXT    NOT NULL UNIQUE,
    deck_id         INTEGER NOT NULL REFERENCES decks(id),
    area            TEXT    NOT NULL,
    prompt          TEXT    NOT NULL,
    answer          TEXT    NOT NULL,
    follow_ups      TEXT    NOT NULL DEFAULT '[]',  -- JSON array of strings
    tags            TEXT    NOT NULL DEFAULT '[]',  -- JSON array of strings
    roles           TEXT    NOT NULL DEFAULT '[]',  -- JSON array of strings
    level           TEXT,
    time_limit_secs INTEGER,
    example         TEXT,                           -- JSON object or NULL
    -- order in which new cards of a deck are introduced
    position        INTEGER NOT NULL DEFAULT 0,
    suspended       INTEGER NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1)),
    -- 1 when the card vanished from its source deck: suspended by sync, never deleted
    missing         INTEGER NOT NULL DEFAULT 0 CHECK (missing IN (0, 1)),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX cards_deck ON cards(deck_id, position);

-- The review log: the source of truth. Rows are only ever appended (undo removes the
-- row it just added). kind: 0 learn, 1 review, 2 relearn (same day), 3 cram, 4 preview, 5 interview.
-- stability/difficulty: the FSRS memory state after the review (NULL when the card has none).
CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    card_id     INTEGER NOT NULL REFERENCES cards(id),
    at          INTEGER NOT NULL,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    kind        INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 5),
    duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
    stability   REAL,
    difficulty  REAL
) STRICT;
CREATE INDEX reviews_card ON reviews(card_id, at);
CREATE INDEX reviews_at ON reviews(at);

CREATE TRIGGER reviews_append_only BEFORE UPDATE ON reviews
BEGIN
    SELECT RAISE(ABORT, 'the review log is append-only');
END;

-- The current scheduling state of every card reviewed at least once; derivable by replaying
-- the review log (see `grill` tests: replay reproduces it exactly).
CREATE TABLE card_state (
    card_id     INTEGER PRIMARY KEY REFERENCES cards(id),
    stability   REAL    NOT NULL,
    difficulty  REAL    NOT NULL,
    due         INTEGER NOT NULL,
    last_review INTEGER NOT NULL,
    reps        INTEGER NOT NULL,
    lapses      INTEGER NOT NULL
) STRICT;
CREATE INDEX card_state_due ON card_state(due);

-- Small key/value facts about the database (e.g. the hash of the last synced built-in decks).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
