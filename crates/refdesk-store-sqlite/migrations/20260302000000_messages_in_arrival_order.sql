-- Messages are stored in arrival order (by rowid), and (chat_id, seq) becomes the primary key's
-- index instead of the table's own order.
--
-- Clustered by chat, every batch inserted its rows into the middle of the table, beside the last
-- message of each chat it touched; with rows of a hundred bytes and more, those pages split and
-- rebalanced all the time, and a commit wrote several whole pages to the WAL per message. In
-- arrival order a batch's rows fill the last pages of the table, and only the two small-entry
-- indexes are touched chat by chat.

CREATE TABLE messages_by_arrival (
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
) STRICT;

INSERT INTO messages_by_arrival
    (chat_id, seq, id, kind, sender, body, client_msg_id, created_at)
SELECT chat_id, seq, id, kind, sender, body, client_msg_id, created_at
FROM messages
ORDER BY created_at, chat_id, seq;

DROP TABLE messages;
ALTER TABLE messages_by_arrival RENAME TO messages;

-- A retried send is recognised by its sender's own id for it.
CREATE UNIQUE INDEX messages_by_client_id ON messages (chat_id, sender, client_msg_id)
    WHERE client_msg_id IS NOT NULL;
