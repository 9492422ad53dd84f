-- Staff rooms beside direct conversations: a co-op's room and an institution's room (one each;
-- who is in them follows the grants, so no members are stored), and rooms someone made, whose
-- members are stored in `conversation_members`. A direct conversation keeps its pair in
-- `direct_a`/`direct_b`. The table is rebuilt to let the pair be empty for rooms.
CREATE TABLE conversations_with_rooms (
    id         BLOB PRIMARY KEY,
    created_at INTEGER NOT NULL,
    last_seq   INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    kind       TEXT NOT NULL DEFAULT 'direct'
               CHECK (kind IN ('direct', 'coop', 'institution', 'room')),
    -- The co-op or institution of its room.
    scope_id   BLOB,
    -- A made room's name.
    name       TEXT,
    direct_a   BLOB REFERENCES users (id),
    direct_b   BLOB REFERENCES users (id),
    CHECK ((kind = 'direct') = (direct_a IS NOT NULL AND direct_b IS NOT NULL)),
    CHECK (direct_a IS NULL OR direct_a < direct_b),
    CHECK ((kind IN ('coop', 'institution')) = (scope_id IS NOT NULL)),
    CHECK ((kind = 'room') = (name IS NOT NULL)),
    UNIQUE (direct_a, direct_b)
) STRICT;

INSERT INTO conversations_with_rooms (id, created_at, last_seq, kind, direct_a, direct_b)
SELECT id, created_at, last_seq, 'direct', direct_a, direct_b FROM conversations;

DROP TABLE conversations;
ALTER TABLE conversations_with_rooms RENAME TO conversations;
CREATE INDEX conversations_by_second_member ON conversations (direct_b);
CREATE UNIQUE INDEX conversations_one_room_per_scope ON conversations (kind, scope_id)
    WHERE kind IN ('coop', 'institution');

CREATE TABLE conversation_members (
    conversation_id BLOB NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         BLOB NOT NULL REFERENCES users (id),
    PRIMARY KEY (conversation_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX conversation_members_by_user ON conversation_members (user_id);
