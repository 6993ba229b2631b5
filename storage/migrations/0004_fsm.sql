-- aiogram FSM records, so a restart does not lose a half-filled form.
-- aiogram treats a falsy thread id / business connection id as absent; 0 and '' stand for
-- "none" here because NULLs would make the primary key non-unique.
CREATE TABLE fsm_records (
    bot_id                 INTEGER NOT NULL,
    chat_id                INTEGER NOT NULL,
    user_id                INTEGER NOT NULL,
    thread_id              INTEGER NOT NULL,
    business_connection_id TEXT    NOT NULL,
    destiny                TEXT    NOT NULL,
    state                  TEXT,
    data_json              TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(data_json)),
    updated_at             TEXT    NOT NULL,
    PRIMARY KEY (bot_id, chat_id, user_id, thread_id, business_connection_id, destiny)
) STRICT, WITHOUT ROWID;
