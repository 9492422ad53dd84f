-- The first schema of refdesk on PostgreSQL. Shipped migrations are never edited: later changes
-- go in new files.

CREATE TABLE institutions (
    id   UUID PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    CONSTRAINT institutions_slug_key UNIQUE (slug)
);

-- Co-ops group institutions that answer each other's patrons. Not used yet.
CREATE TABLE coops (
    id   UUID PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE coop_members (
    coop_id        UUID NOT NULL REFERENCES coops (id) ON DELETE CASCADE,
    institution_id UUID NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
    PRIMARY KEY (coop_id, institution_id)
);

CREATE TABLE departments (
    id             UUID PRIMARY KEY,
    institution_id UUID NOT NULL REFERENCES institutions (id),
    name           TEXT NOT NULL
);
CREATE INDEX departments_institution_idx ON departments (institution_id);

CREATE TABLE widgets (
    id              UUID PRIMARY KEY,
    institution_id  UUID NOT NULL REFERENCES institutions (id),
    department_id   UUID NOT NULL REFERENCES departments (id),
    name            TEXT NOT NULL,
    allowed_origins TEXT[] NOT NULL DEFAULT '{}'
);
CREATE INDEX widgets_institution_idx ON widgets (institution_id);

CREATE TABLE users (
    id             UUID PRIMARY KEY,
    institution_id UUID NOT NULL REFERENCES institutions (id),
    email          TEXT NOT NULL,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE guests (
    id         UUID PRIMARY KEY,
    token_hash BYTEA NOT NULL,
    widget_id  UUID NOT NULL REFERENCES widgets (id),
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT guests_token_hash_key UNIQUE (token_hash)
);

CREATE TABLE chats (
    id             UUID PRIMARY KEY,
    institution_id UUID NOT NULL REFERENCES institutions (id),
    department_id  UUID NOT NULL REFERENCES departments (id),
    widget_id      UUID NOT NULL REFERENCES widgets (id),
    guest_id       UUID NOT NULL REFERENCES guests (id),
    status         TEXT NOT NULL,
    operator_id    UUID REFERENCES users (id),
    patron_name    TEXT,
    patron_email   TEXT,
    question       TEXT,
    referrer       TEXT,
    user_agent     TEXT,
    created_at     TIMESTAMPTZ NOT NULL,
    claimed_at     TIMESTAMPTZ,
    ended_at       TIMESTAMPTZ,
    last_seq       BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT chats_status_check
        CHECK (status IN ('waiting', 'active', 'closed', 'abandoned')),
    CONSTRAINT chats_operator_check
        CHECK ((status = 'active') = (operator_id IS NOT NULL))
);
-- A patron has at most one open chat; the database decides when two starts race.
CREATE UNIQUE INDEX chats_one_open_per_guest
    ON chats (guest_id) WHERE status IN ('waiting', 'active');
CREATE INDEX chats_institution_status_idx ON chats (institution_id, status);

CREATE TABLE messages (
    id            UUID NOT NULL,
    chat_id       UUID NOT NULL REFERENCES chats (id),
    seq           BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    sender        TEXT NOT NULL,
    body          TEXT NOT NULL,
    client_msg_id TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (chat_id, seq),
    CONSTRAINT messages_client_msg_id_key UNIQUE (chat_id, sender, client_msg_id)
);
