-- Transfers: a chat offered by the librarian holding it to another librarian, a department or
-- a co-op. At most one is pending (offered) per chat; the rest are its history, for reports.
CREATE TABLE transfers (
    id          UUID PRIMARY KEY,
    chat_id     UUID NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    from_user   UUID NOT NULL REFERENCES users (id),
    target_kind TEXT NOT NULL CHECK (target_kind IN ('operator', 'department', 'coop')),
    target_id   UUID NOT NULL,
    note        TEXT,
    state       TEXT NOT NULL
                CHECK (state IN ('offered', 'accepted', 'declined', 'expired', 'cancelled')),
    decided_by  UUID REFERENCES users (id),
    version     BIGINT NOT NULL,
    offered_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    ended_at    TIMESTAMPTZ
);

CREATE UNIQUE INDEX transfers_one_pending ON transfers (chat_id) WHERE state = 'offered';
CREATE INDEX transfers_of_chat ON transfers (chat_id, offered_at);
CREATE INDEX transfers_pending_by_target ON transfers (target_id) WHERE state = 'offered';

-- Librarians who handed a chat over and have not left it yet.
ALTER TABLE chats ADD COLUMN companions UUID[] NOT NULL DEFAULT '{}';
