-- Syncing devices through a shared folder (`grill sync DIR`, docs/sync.md).
-- Migrations are append-only: never edit a released file, add a new one.

-- This database's device id: it names the device's folder in the sync folder and, with a
-- review's row id, makes the review's stable id (device, seq = reviews.id). Reviews logged before
-- this migration get theirs that way too, without a single row of the log changing.
INSERT OR IGNORE INTO meta (key, value) VALUES ('device_id', lower(hex(randomblob(8))));

-- Reviews merged in from other devices keep the stable id they were given where they were made.
-- A review with no row here was made on this device.
CREATE TABLE review_origin (
    review_id INTEGER PRIMARY KEY REFERENCES reviews(id),
    device    TEXT    NOT NULL CHECK (device <> ''),
    seq       INTEGER NOT NULL CHECK (seq > 0),
    UNIQUE (device, seq)
) STRICT;

-- A review other devices have (merged in, or written to the sync folder: meta 'sync_published'
-- holds the highest row id written there) is never removed again, not even by undo: its
-- sequence number must not be handed to a different review, and the devices must not disagree.
CREATE TRIGGER reviews_keep_synced BEFORE DELETE ON reviews
WHEN OLD.id <= CAST(ifnull((SELECT value FROM meta WHERE key = 'sync_published'), '0') AS INTEGER)
    OR EXISTS (SELECT 1 FROM review_origin WHERE review_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'this review is already on your other devices (grill sync); it cannot be undone');
END;

-- Segment files of other devices whose every review is in this log: later syncs skip them by
-- name without reading them (a heavy user's folder holds a million reviews).
CREATE TABLE sync_segments_merged (
    device TEXT NOT NULL,
    name   TEXT NOT NULL,
    PRIMARY KEY (device, name)
) STRICT, WITHOUT ROWID;
