-- Foundations for co-op work: chat versions and their typed history, durable timers, and grants.
--
-- Every state change of a chat is a compare-and-set on `chats.version` and writes one row of
-- `chat_events` (the version it made) in the same transaction. Chats that existed before this
-- migration get their `started` row; their earlier changes are only in their system messages.

ALTER TABLE chats ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);

CREATE TABLE chat_events (
    chat_id        BLOB NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    version        INTEGER NOT NULL CHECK (version >= 1),
    at             INTEGER NOT NULL,
    -- `ChatEvent::kind()`; the whole event, as JSON, is in `event`.
    kind           TEXT NOT NULL,
    operator_id    BLOB,
    institution_id BLOB NOT NULL,
    department_id  BLOB NOT NULL,
    event          TEXT NOT NULL CHECK (json_valid(event)),
    PRIMARY KEY (chat_id, version)
) STRICT, WITHOUT ROWID;

CREATE INDEX chat_events_by_institution ON chat_events (institution_id, at);

INSERT INTO chat_events (chat_id, version, at, kind, operator_id, institution_id, department_id, event)
SELECT id, 1, created_at, 'started', NULL, institution_id, department_id, '{"event":"started"}'
FROM chats;

-- Durable timers, one per (kind, subject). A node claims due timers by setting `claim` and a
-- lease (`claimed_until`); setting a timer again clears the claim.
CREATE TABLE timers (
    kind          TEXT NOT NULL,
    subject       BLOB NOT NULL,
    due_at        INTEGER NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 0),
    claim         BLOB,
    claimed_until INTEGER,
    PRIMARY KEY (kind, subject)
) STRICT, WITHOUT ROWID;

CREATE INDEX timers_by_due ON timers (due_at);

-- Grants beyond those of the account row. `scope` is the nil UUID for system-wide grants.
CREATE TABLE grants (
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    scope   BLOB NOT NULL,
    PRIMARY KEY (user_id, kind, scope)
) STRICT, WITHOUT ROWID;
