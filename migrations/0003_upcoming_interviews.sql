-- Upcoming interviews (`grill interview add NAME --on DATE --role R`): `grill cram` with no date
-- targets the next one, and the daily drill mentions it. The day is a calendar date in the
-- user's time zone (YYYY-MM-DD); roles is a JSON array of role names from decks/roles.toml.
CREATE TABLE upcoming_interviews (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    day        TEXT    NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    roles      TEXT    NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX upcoming_interviews_day ON upcoming_interviews(day);
