-- Mock interview rounds (`grill mock`) and the notes typed while answering.
-- Migrations are append-only: never edit a released file, add a new one.

-- The review log gains kind 6, `mock`: a deck question answered in a mock round (it moves the
-- card's state only when it is the card's first answer of that day). SQLite cannot widen a
-- CHECK in place, so the table is rebuilt as its documented procedure says: copy every row
-- (ids kept), swap, and recreate the indexes and the append-only trigger. Nothing refers to
-- reviews yet, so dropping the old table checks no foreign key. (About 2 s at 1,000,000 reviews,
-- once; the database is copied to grill.db.vN.bak before any migration.)
CREATE TABLE reviews_v9 (
    id          INTEGER PRIMARY KEY,
    card_id     INTEGER NOT NULL REFERENCES cards(id),
    at          INTEGER NOT NULL,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    -- 0 learn, 1 review, 2 relearn, 3 cram, 4 preview, 5 interview, 6 mock
    kind        INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 6),
    duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
    stability   REAL,
    difficulty  REAL
) STRICT;
INSERT INTO reviews_v9 (id, card_id, at, rating, kind, duration_ms, stability, difficulty)
SELECT id, card_id, at, rating, kind, duration_ms, stability, difficulty FROM reviews;
DROP TABLE reviews;
ALTER TABLE reviews_v9 RENAME TO reviews;
CREATE INDEX reviews_card ON reviews(card_id);
CREATE INDEX reviews_at ON reviews(at);
CREATE TRIGGER reviews_append_only BEFORE UPDATE ON reviews
BEGIN
    SELECT RAISE(ABORT, 'the review log is append-only');
END;

-- What the user typed while answering a card (drill or mock), kept beside the review rather
-- than in the append-only log's rows. An undone review takes its notes with it.
CREATE TABLE review_notes (
    review_id INTEGER PRIMARY KEY REFERENCES reviews(id) ON DELETE CASCADE,
    card_id   INTEGER NOT NULL REFERENCES cards(id),
    at        INTEGER NOT NULL,
    text      TEXT    NOT NULL CHECK (length(trim(text)) > 0)
) STRICT;
CREATE INDEX review_notes_card ON review_notes(card_id, at);

-- An entry of the interview log is a real interview or a mock round.
ALTER TABLE interviews ADD COLUMN kind TEXT NOT NULL DEFAULT 'real' CHECK (kind IN ('real', 'mock'));

-- A mock round's self-scored rubric (1-5 each), its clock and where its transcript was written.
CREATE TABLE mock_rounds (
    interview_id  INTEGER PRIMARY KEY REFERENCES interviews(id),
    minutes       INTEGER NOT NULL CHECK (minutes > 0),
    took_ms       INTEGER NOT NULL CHECK (took_ms >= 0),
    structure     INTEGER CHECK (structure BETWEEN 1 AND 5),
    depth         INTEGER CHECK (depth BETWEEN 1 AND 5),
    trade_offs    INTEGER CHECK (trade_offs BETWEEN 1 AND 5),
    failure_modes INTEGER CHECK (failure_modes BETWEEN 1 AND 5),
    communication INTEGER CHECK (communication BETWEEN 1 AND 5),
    transcript    TEXT    NOT NULL DEFAULT ''
) STRICT;

-- The questions of a mock round, in the order asked: a deck card (its review is in the log as
-- `mock`) or one of the user's own profile stories (card_id NULL). area/tags are the card's at
-- the time, so `grill gaps` counts a topic missed across rounds; missed: JSON array of the key
-- points the typed answer did not touch.
CREATE TABLE mock_questions (
    id           INTEGER PRIMARY KEY,
    interview_id INTEGER NOT NULL REFERENCES interviews(id),
    position     INTEGER NOT NULL,
    card_id      INTEGER REFERENCES cards(id),
    prompt       TEXT    NOT NULL,
    area         TEXT    NOT NULL,
    tags         TEXT    NOT NULL DEFAULT '[]',
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    took_ms      INTEGER NOT NULL CHECK (took_ms >= 0),
    budget_ms    INTEGER NOT NULL CHECK (budget_ms >= 0),
    missed       TEXT    NOT NULL DEFAULT '[]',
    UNIQUE (interview_id, position)
) STRICT;
