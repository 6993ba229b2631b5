-- An invite can be cancelled: by an admin (/invites), or by the bot when its creator stops
-- being an admin (revoked, or given another role). A cancelled invite grants nothing.
ALTER TABLE invites ADD COLUMN cancelled_at TEXT;
ALTER TABLE invites ADD COLUMN cancelled_by INTEGER;  -- NULL: the bot (the creator's role went)

-- Open invites whose creator is no longer an admin were never meant to outlive them.
UPDATE invites
   SET cancelled_at = strftime('%Y-%m-%dT%H:%M:%S', 'now') || '.000000+00:00'
 WHERE used_at IS NULL
   AND created_by NOT IN (SELECT user_id FROM operators WHERE active = 1 AND role = 'admin');
