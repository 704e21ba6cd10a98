-- The preparation cycle: the interview log and the job listings of market reviews.
-- (The dashboard's hand-written profile lives in profile.toml next to config.toml, not here.)

-- One real interview. held_on: the local calendar date (YYYY-MM-DD) it took place.
CREATE TABLE interviews (
    id         INTEGER PRIMARY KEY,
    company    TEXT    NOT NULL CHECK (company <> ''),
    held_on    TEXT    NOT NULL CHECK (held_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    role       TEXT    NOT NULL,
    format     TEXT    NOT NULL
               CHECK (format IN ('live-coding', 'take-home', 'system-design', 'behavioral', 'mixed')),
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX interviews_held_on ON interviews(held_on);

-- A question remembered from an interview: a card of the `interviews` deck (which holds its
-- text, area and tags, editable with `grill edit`), and how it went (1-4, the drill scale). The
-- same rating is in the review log as an `interview` review; it is kept here too because the log
-- is per card and a later drill review of the card must not change the interview's record.
CREATE TABLE interview_questions (
    id           INTEGER PRIMARY KEY,
    interview_id INTEGER NOT NULL REFERENCES interviews(id),
    position     INTEGER NOT NULL,
    card_id      INTEGER NOT NULL UNIQUE REFERENCES cards(id),
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    UNIQUE (interview_id, position)
) STRICT;

-- Job listings pasted for market reviews, kept verbatim; what they mention is extracted when
-- they are read, so a better lexicon improves old reviews too. digest: a hash of the text with
-- whitespace collapsed, so adding the same listing twice keeps one.
CREATE TABLE listings (
    id       INTEGER PRIMARY KEY,
    added_at INTEGER NOT NULL,
    source   TEXT    NOT NULL,
    text     TEXT    NOT NULL,
    digest   TEXT    NOT NULL UNIQUE
) STRICT;
CREATE INDEX listings_added_at ON listings(added_at);
