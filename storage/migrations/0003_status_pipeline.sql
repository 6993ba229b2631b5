-- The status pipeline: reports about traffic the bot did not send, and the outbox of
-- status-card edits that must survive a restart.

-- The account's report URL receives all of the account's traffic; /status and /trace show
-- it, and retention (default 7 days) removes it.
CREATE TABLE outside_reports (
    id          INTEGER PRIMARY KEY,
    mt_num      TEXT,
    partner_id  TEXT,
    destination TEXT,
    step_type   TEXT,
    status      TEXT NOT NULL,
    error_code  INTEGER,
    done_at     TEXT,
    raw_json    TEXT NOT NULL CHECK (json_valid(raw_json)),   -- scrubbed
    natural_key TEXT NOT NULL UNIQUE,
    received_at TEXT NOT NULL
) STRICT;
CREATE INDEX outside_reports_mt_num ON outside_reports (mt_num, received_at);
CREATE INDEX outside_reports_destination ON outside_reports (destination, received_at);
CREATE INDEX outside_reports_received ON outside_reports (received_at);

-- One pending row per (send, kind): later changes bump `version` instead of adding rows,
-- which coalesces edits; the notifier deletes a row only if the version it rendered is
-- still current.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    send_id    INTEGER NOT NULL REFERENCES sends (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    chat_id    INTEGER NOT NULL,
    message_id INTEGER,
    version    INTEGER NOT NULL DEFAULT 1,
    due_at     TEXT    NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT    NOT NULL,
    UNIQUE (send_id, kind)
) STRICT;
CREATE INDEX outbox_due ON outbox (due_at);
