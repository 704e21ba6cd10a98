-- grill schema: what an Anki package says about a card beyond its answers, and where the
-- FSRS parameters in use came from. Migrations are append-only: never edit a released file.

-- An incomplete Anki history (truncated, or a card reviewed before FSRS): its memory state
-- starts, as in Anki, from the SM-2 ease and interval at one answer (`at`), and the answers
-- after it are replayed from there. The answer itself stays in the log; replays use this row
-- in its place. The state is computed at replay time, so it follows the parameters in use.
CREATE TABLE imported_start (
    card_id       INTEGER PRIMARY KEY REFERENCES cards(id),
    at            INTEGER NOT NULL,   -- Unix ms of the answer
    ease          REAL    NOT NULL CHECK (ease > 0),            -- SM-2 ease (2.5 = 250%)
    interval_days REAL    NOT NULL CHECK (interval_days >= 1),  -- SM-2 interval after it
    retention     REAL    NOT NULL CHECK (retention > 0 AND retention < 1)  -- the preset's sm2Retention
) STRICT;

-- The due date Anki had, kept while the card's last answer is still the one it followed
-- (`after`): the first answer in grill (or `grill import --reschedule`) replaces it.
CREATE TABLE imported_due (
    card_id INTEGER PRIMARY KEY REFERENCES cards(id),
    due     INTEGER NOT NULL,   -- Unix ms
    after   INTEGER NOT NULL    -- Unix ms of the last answer Anki scheduled from
) STRICT;

-- Where saved parameters came from: NULL for `grill optimize`, else e.g.
-- 'anki: FILE, preset NAME' when an import adopted a package's optimized parameters.
ALTER TABLE fsrs_parameters ADD COLUMN origin TEXT;
