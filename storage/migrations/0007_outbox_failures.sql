-- Card updates Telegram refuses for good (the chat is gone, the bot was blocked, the card
-- was deleted and cannot be posted again) are marked with the reason instead of being
-- retried forever; a later status change of the send tries again.
ALTER TABLE outbox ADD COLUMN failed_at TEXT;
ALTER TABLE outbox ADD COLUMN failure TEXT;

-- What the notifier reads: updates not failed, oldest first (those of cards not posted yet
-- skipped on the way). The due time no longer selects them: the notifier times its retries
-- on a monotonic clock (a wall-clock step back held every update written before it for as
-- long as the step); it stays, for people reading the file.
CREATE INDEX outbox_owed ON outbox (id) WHERE failed_at IS NULL;
