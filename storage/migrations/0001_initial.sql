-- People and bookkeeping: who may use the bot, how they were invited, what they did,
-- and the few settings the bot generates once.
-- Timestamps are UTC ISO-8601 text of fixed width (see storage/timeutil.py).

CREATE TABLE operators (
    user_id      INTEGER PRIMARY KEY,          -- Telegram user id
    display_name TEXT,
    role         TEXT    NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    added_by     INTEGER,                      -- NULL: bootstrap from ADMIN_IDS
    added_at     TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
) STRICT;

-- Only a hash of the token is kept: a copied database file must not hold usable invites.
CREATE TABLE invites (
    id           INTEGER PRIMARY KEY,
    token_sha256 TEXT    NOT NULL UNIQUE,
    role         TEXT    NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    created_by   INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    used_by      INTEGER,
    used_at      TEXT,
    CHECK ((used_by IS NULL) = (used_at IS NULL))
) STRICT;

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    actor_id     INTEGER,                      -- NULL: the bot itself
    action       TEXT    NOT NULL,
    subject      TEXT,
    details_json TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(details_json)),
    at           TEXT    NOT NULL
) STRICT;
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE kv (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
