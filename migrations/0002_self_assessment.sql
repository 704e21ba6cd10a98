-- grill schema v2: the user's own readiness ratings (`grill score set AREA N`).
-- A new rating is a new row: how the user felt over time is kept, never overwritten.
-- area: an area of the decks (e.g. 'sql', 'behavioral') or 'language-depth'.

CREATE TABLE self_assessments (
    id    INTEGER PRIMARY KEY,
    area  TEXT    NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    at    INTEGER NOT NULL
) STRICT;
CREATE INDEX self_assessments_area ON self_assessments(area, at);

CREATE TRIGGER self_assessments_no_update BEFORE UPDATE ON self_assessments
BEGIN
    SELECT RAISE(ABORT, 'self-assessments are append-only');
END;

CREATE TRIGGER self_assessments_no_delete BEFORE DELETE ON self_assessments
BEGIN
    SELECT RAISE(ABORT, 'self-assessments are append-only');
END;
