-- Foundations for co-op work: chat versions and their typed history, durable timers, and grants.
--
-- Every state change of a chat is a compare-and-set on `chats.version` and writes one row of
-- `chat_events` (the version it made) in the same transaction. Chats that existed before this
-- migration get their `started` row; their earlier changes are only in their system messages.

ALTER TABLE chats ADD COLUMN version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1);

-- Queues monitored department by department are listed by department.
CREATE INDEX chats_department_status_idx ON chats (department_id, status);

CREATE TABLE chat_events (
    chat_id        UUID NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    version        BIGINT NOT NULL CHECK (version >= 1),
    at             TIMESTAMPTZ NOT NULL,
    -- `ChatEvent::kind()`; the whole event, as JSON, is in `event`.
    kind           TEXT NOT NULL,
    operator_id    UUID,
    institution_id UUID NOT NULL,
    department_id  UUID NOT NULL,
    event          JSONB NOT NULL,
    PRIMARY KEY (chat_id, version)
);

CREATE INDEX chat_events_by_institution ON chat_events (institution_id, at);

INSERT INTO chat_events
    (chat_id, version, at, kind, operator_id, institution_id, department_id, event)
SELECT id, 1, created_at, 'started', NULL::uuid, institution_id, department_id,
       '{"event":"started"}'::jsonb
FROM chats;

-- Durable timers, one per (kind, subject). A node claims due timers by setting `claim` and a
-- lease (`claimed_until`); setting a timer again clears the claim.
CREATE TABLE timers (
    kind          TEXT NOT NULL,
    subject       UUID NOT NULL,
    due_at        TIMESTAMPTZ NOT NULL,
    version       BIGINT NOT NULL CHECK (version >= 0),
    claim         UUID,
    claimed_until TIMESTAMPTZ,
    PRIMARY KEY (kind, subject)
);

CREATE INDEX timers_by_due ON timers (due_at);

-- Grants beyond those of the account row. `scope` is the nil UUID for system-wide grants.
CREATE TABLE grants (
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    scope   UUID NOT NULL,
    PRIMARY KEY (user_id, kind, scope)
);
