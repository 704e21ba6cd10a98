-- Speed at a heavy user's size (50,000 cards, 1,000,000 reviews; see bench/RESULTS.md).

-- The never-reviewed cards, in each deck's order, so the drill picks today's new cards with a
-- few index steps instead of scanning every card for the absence of a state. A card is new while
-- it has no card_state row; the triggers below keep this table equal to that definition whoever
-- writes cards or card_state (sync, drill, undo, rebuild, imports).
CREATE TABLE new_cards (
    deck_id  INTEGER NOT NULL,
    position INTEGER NOT NULL,
    card_id  INTEGER NOT NULL UNIQUE REFERENCES cards(id) ON DELETE CASCADE,
    PRIMARY KEY (deck_id, position, card_id)
) STRICT, WITHOUT ROWID;

INSERT INTO new_cards (deck_id, position, card_id)
SELECT c.deck_id, c.position, c.id FROM cards c
WHERE NOT EXISTS (SELECT 1 FROM card_state s WHERE s.card_id = c.id);

CREATE TRIGGER new_cards_card_added AFTER INSERT ON cards
WHEN NOT EXISTS (SELECT 1 FROM card_state WHERE card_id = NEW.id)
BEGIN
    INSERT INTO new_cards (deck_id, position, card_id) VALUES (NEW.deck_id, NEW.position, NEW.id);
END;

CREATE TRIGGER new_cards_card_moved AFTER UPDATE OF deck_id, position ON cards
BEGIN
    UPDATE new_cards SET deck_id = NEW.deck_id, position = NEW.position WHERE card_id = NEW.id;
END;

CREATE TRIGGER new_cards_card_reviewed AFTER INSERT ON card_state
BEGIN
    DELETE FROM new_cards WHERE card_id = NEW.card_id;
END;

CREATE TRIGGER new_cards_card_unreviewed AFTER DELETE ON card_state
BEGIN
    INSERT OR IGNORE INTO new_cards (deck_id, position, card_id)
    SELECT deck_id, position, id FROM cards WHERE id = OLD.card_id;
END;

-- A card's reviews are found by card id alone (a card has tens of reviews, sorted in memory);
-- dropping `at` from this index saves about 8 of the ~80 bytes each review costs on disk.
-- Time-range queries keep their own index, reviews_at.
DROP INDEX reviews_card;
CREATE INDEX reviews_card ON reviews(card_id);
