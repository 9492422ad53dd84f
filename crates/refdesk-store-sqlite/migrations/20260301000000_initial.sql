-- The initial schema of the SQLite backend.
--
-- Ids are UUIDs stored as 16-byte BLOBs, timestamps are INTEGER microseconds since the Unix
-- epoch (UTC), enums are TEXT. Tables are STRICT so a wrongly typed bind fails loudly.

CREATE TABLE institutions (
    id   BLOB NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE coops (
    id   BLOB NOT NULL PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;

CREATE TABLE coop_members (
    coop_id        BLOB NOT NULL REFERENCES coops (id) ON DELETE CASCADE,
    institution_id BLOB NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
    PRIMARY KEY (coop_id, institution_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX coop_members_by_institution ON coop_members (institution_id);

CREATE TABLE departments (
    id             BLOB NOT NULL PRIMARY KEY,
    institution_id BLOB NOT NULL REFERENCES institutions (id),
    name           TEXT NOT NULL
) STRICT;

CREATE INDEX departments_by_institution ON departments (institution_id);

CREATE TABLE widgets (
    id              BLOB NOT NULL PRIMARY KEY,
    institution_id  BLOB NOT NULL REFERENCES institutions (id),
    department_id   BLOB NOT NULL REFERENCES departments (id),
    name            TEXT NOT NULL,
    -- A JSON array of origins; empty means any origin may embed the widget.
    allowed_origins TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(allowed_origins))
) STRICT;

CREATE INDEX widgets_by_institution ON widgets (institution_id);
CREATE INDEX widgets_by_department ON widgets (department_id);

CREATE TABLE users (
    id             BLOB NOT NULL PRIMARY KEY,
    institution_id BLOB NOT NULL REFERENCES institutions (id),
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL
        CHECK (role IN ('operator', 'institution_admin', 'coop_admin', 'system_admin')),
    password_hash  TEXT NOT NULL
) STRICT;

CREATE INDEX users_by_institution ON users (institution_id);

CREATE TABLE sessions (
    token_hash BLOB NOT NULL PRIMARY KEY,
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE guests (
    id         BLOB NOT NULL PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    widget_id  BLOB NOT NULL REFERENCES widgets (id),
    created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX guests_by_widget ON guests (widget_id);

CREATE TABLE chats (
    id             BLOB NOT NULL PRIMARY KEY,
    institution_id BLOB NOT NULL REFERENCES institutions (id),
    department_id  BLOB NOT NULL REFERENCES departments (id),
    widget_id      BLOB NOT NULL REFERENCES widgets (id),
    guest_id       BLOB NOT NULL REFERENCES guests (id),
    status         TEXT NOT NULL CHECK (status IN ('waiting', 'active', 'closed', 'abandoned')),
    operator_id    BLOB REFERENCES users (id),
    patron_name    TEXT,
    patron_email   TEXT,
    question       TEXT,
    referrer       TEXT,
    user_agent     TEXT,
    created_at     INTEGER NOT NULL,
    claimed_at     INTEGER,
    ended_at       INTEGER,
    -- The sequence number of the chat's last message; the writer keeps it in step with messages.
    last_seq       INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    -- An active chat always has its operator, and only an active chat has one.
    CHECK ((status = 'active') = (operator_id IS NOT NULL))
) STRICT;

-- One open chat per guest, even under concurrent starts.
CREATE UNIQUE INDEX chats_one_open_per_guest ON chats (guest_id)
    WHERE status IN ('waiting', 'active');
CREATE INDEX chats_by_guest ON chats (guest_id, created_at);
CREATE INDEX chats_by_institution_status ON chats (institution_id, status, created_at);
CREATE INDEX chats_by_operator ON chats (operator_id) WHERE operator_id IS NOT NULL;

CREATE TABLE messages (
    chat_id       BLOB NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL CHECK (seq > 0),
    id            BLOB NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('patron', 'operator', 'system', 'internal_note')),
    -- `Sender::key()`: 'g:<guest id>', 'u:<user id>' or 'system'.
    sender        TEXT NOT NULL,
    body          TEXT NOT NULL,
    client_msg_id TEXT,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (chat_id, seq)
) STRICT, WITHOUT ROWID;

-- A retried send is recognised by its sender's own id for it.
CREATE UNIQUE INDEX messages_by_client_id ON messages (chat_id, sender, client_msg_id)
    WHERE client_msg_id IS NOT NULL;
