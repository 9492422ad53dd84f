-- Transfers: a chat offered by the librarian holding it to another librarian, a department or
-- a co-op. At most one is pending (offered) per chat; the rest are its history, for reports.
CREATE TABLE transfers (
    id          BLOB PRIMARY KEY,
    chat_id     BLOB NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    from_user   BLOB NOT NULL REFERENCES users (id),
    target_kind TEXT NOT NULL CHECK (target_kind IN ('operator', 'department', 'coop')),
    target_id   BLOB NOT NULL,
    note        TEXT,
    state       TEXT NOT NULL
                CHECK (state IN ('offered', 'accepted', 'declined', 'expired', 'cancelled')),
    decided_by  BLOB REFERENCES users (id),
    version     INTEGER NOT NULL,
    offered_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    ended_at    INTEGER
) STRICT;

CREATE UNIQUE INDEX transfers_one_pending ON transfers (chat_id) WHERE state = 'offered';
CREATE INDEX transfers_of_chat ON transfers (chat_id, offered_at);
CREATE INDEX transfers_pending_by_target ON transfers (target_id) WHERE state = 'offered';

-- Librarians who handed a chat over and have not left it yet, as a JSON array of user ids.
ALTER TABLE chats ADD COLUMN companions TEXT NOT NULL DEFAULT '[]';
