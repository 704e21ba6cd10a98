-- A covering index with each card's short columns, so the drill's planning and the scorecard
-- scan it instead of the cards table, whose prompts and answers make up most of the file
-- (52 MB of text at 50,000 cards: a full table scan read all of it on every start).
CREATE INDEX cards_outline ON cards(suspended, area, position, key, tags, roles, time_limit_secs);
