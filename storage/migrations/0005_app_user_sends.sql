-- A Push may go to a user of the customer's app, named by externalUserId, without a phone:
-- the platform's Push page makes destAddr required only when externalUserId is absent.
-- Such a send has no destination (NULL); who it went to is in its request.
--
-- SQLite cannot change a column's CHECK in place, and a table rebuild would have to drop
-- `sends`, whose rows send_steps, status_events and outbox reference with ON DELETE
-- CASCADE (foreign keys cannot be switched off inside the migration's transaction). So the
-- column is copied into a new one that allows NULL, and the old one dropped: no row of
-- `sends` is ever deleted.
ALTER TABLE sends ADD COLUMN destination_or_none TEXT
    CHECK (destination_or_none IS NULL
           OR (destination_or_none <> '' AND destination_or_none NOT GLOB '*[^0-9]*'));
UPDATE sends SET destination_or_none = destination;
DROP INDEX sends_destination;
ALTER TABLE sends DROP COLUMN destination;
ALTER TABLE sends RENAME COLUMN destination_or_none TO destination;
CREATE INDEX sends_destination ON sends (destination, created_at);
