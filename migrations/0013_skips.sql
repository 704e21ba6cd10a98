-- `s` in the drill leaves a card for the rest of the grill day: a skipped card is not offered
-- again until `until` (the next day's start, in ms), by any session. Not part of the review
-- log: a skip changes no memory state.
CREATE TABLE skips (
    card_id INTEGER PRIMARY KEY REFERENCES cards(id) ON DELETE CASCADE,
    until INTEGER NOT NULL
) STRICT;
