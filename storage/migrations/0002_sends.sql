-- What the bot sent and what the platform reported about it.

CREATE TABLE accounts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    api_family TEXT NOT NULL CHECK (api_family IN ('rest', 'legacy')),
    created_at TEXT NOT NULL
) STRICT;

-- operator_id has no foreign key on purpose: admins from ADMIN_IDS may send before they
-- have an operators row, and revoked operators keep their history.
CREATE TABLE sends (
    id              INTEGER PRIMARY KEY,
    partner_id      TEXT    NOT NULL UNIQUE,   -- our `id` / client_id_message
    account_id      INTEGER NOT NULL REFERENCES accounts (id),
    api_family      TEXT    NOT NULL CHECK (api_family IN ('rest', 'legacy')),
    channel         TEXT    NOT NULL,          -- label for humans: SMS, FLASHINGCALL, CASCADE...
    steps_json      TEXT    NOT NULL CHECK (json_valid(steps_json)),   -- ["VIBER", "SMS"]
    destination     TEXT    NOT NULL CHECK (destination <> '' AND destination NOT GLOB '*[^0-9]*'),
    request_json    TEXT    NOT NULL CHECK (json_valid(request_json)), -- scrubbed
    mt_num          TEXT    UNIQUE,            -- REST
    legacy_id       TEXT,                      -- legacy id_message
    legacy_ids_json TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(legacy_ids_json)),
    operator_id     INTEGER NOT NULL,
    chat_id         INTEGER NOT NULL,
    card_message_id INTEGER,
    state           TEXT    NOT NULL
                    CHECK (state IN ('submitting', 'accepted', 'failed', 'unknown')),
    status          TEXT,                      -- aggregate: the furthest step's status
    final           INTEGER NOT NULL DEFAULT 0 CHECK (final IN (0, 1)),
    error           TEXT,                      -- why submitting failed / became unknown
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (account_id, legacy_id)
) STRICT;
CREATE INDEX sends_destination ON sends (destination, created_at);
CREATE INDEX sends_operator ON sends (operator_id, id);
CREATE INDEX sends_open ON sends (id) WHERE final = 0 AND state <> 'failed';

-- The current state of each step: the maximum, by rank, of every event seen for it.
-- position is the step's place in the declared chain; NULL for a type that was not
-- declared (sorted after the declared ones, by name).
CREATE TABLE send_steps (
    send_id    INTEGER NOT NULL REFERENCES sends (id) ON DELETE CASCADE,
    step_type  TEXT    NOT NULL,
    position   INTEGER,
    status     TEXT,
    rank       INTEGER,
    error_code INTEGER,
    updated_at TEXT,
    PRIMARY KEY (send_id, step_type)
) STRICT, WITHOUT ROWID;

-- Every distinct report, once: natural_key is the JSON array
-- [step_type, status, error_code, done_at], so a redelivered report is a no-op.
CREATE TABLE status_events (
    id           INTEGER PRIMARY KEY,
    send_id      INTEGER NOT NULL REFERENCES sends (id) ON DELETE CASCADE,
    step_type    TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    error_code   INTEGER,
    done_at      TEXT,
    submitted_at TEXT,
    raw_json     TEXT    CHECK (raw_json IS NULL OR json_valid(raw_json)),   -- scrubbed
    natural_key  TEXT    NOT NULL,
    received_at  TEXT    NOT NULL,
    UNIQUE (send_id, natural_key)
) STRICT;
