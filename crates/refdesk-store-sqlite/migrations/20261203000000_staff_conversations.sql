-- Staff conversations beside patron chats, sharing one message log.
--
-- A message now belongs to a stream: a patron chat or a staff conversation, named by the chat's
-- or the conversation's id (both UUIDv7, so they never collide). `messages.chat_id` becomes
-- `stream_id` without a foreign key (the sequencer refuses a stream whose head it cannot read),
-- and `kind` takes 'staff'. The table is rebuilt for that, in arrival order as before.

CREATE TABLE conversations (
    id         BLOB PRIMARY KEY,
    created_at INTEGER NOT NULL,
    last_seq   INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    -- A direct (1:1) conversation's two members, in id order: one conversation per pair.
    direct_a   BLOB NOT NULL REFERENCES users (id),
    direct_b   BLOB NOT NULL REFERENCES users (id),
    CHECK (direct_a < direct_b),
    UNIQUE (direct_a, direct_b)
) STRICT;

-- The conversations of a user are found by either member.
CREATE INDEX conversations_by_second_member ON conversations (direct_b);

CREATE TABLE messages_of_streams (
    stream_id     BLOB NOT NULL,
    seq           INTEGER NOT NULL CHECK (seq > 0),
    id            BLOB NOT NULL,
    kind          TEXT NOT NULL
                  CHECK (kind IN ('patron', 'operator', 'system', 'internal_note', 'staff')),
    -- `Sender::key()`: 'g:<guest id>', 'u:<user id>' or 'system'.
    sender        TEXT NOT NULL,
    body          TEXT NOT NULL,
    client_msg_id TEXT,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (stream_id, seq)
) STRICT;

INSERT INTO messages_of_streams
    (stream_id, seq, id, kind, sender, body, client_msg_id, created_at)
SELECT chat_id, seq, id, kind, sender, body, client_msg_id, created_at
FROM messages
ORDER BY rowid;

DROP TABLE messages;
ALTER TABLE messages_of_streams RENAME TO messages;

-- A retried send is recognised by its sender's own id for it.
CREATE UNIQUE INDEX messages_by_client_id ON messages (stream_id, sender, client_msg_id)
    WHERE client_msg_id IS NOT NULL;
