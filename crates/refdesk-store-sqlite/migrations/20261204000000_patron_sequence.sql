-- Patron sequence numbers: a patron-visible message (patron, operator, system) is numbered a
-- second time, counting only what the chat's patron sees, so the numbers a patron is shown never
-- reveal how many internal notes lie between them. `chats.last_patron_seq` is that numbering's
-- head. Existing messages are numbered in their sequence order.

ALTER TABLE messages ADD COLUMN patron_seq INTEGER CHECK (patron_seq > 0);
ALTER TABLE chats ADD COLUMN last_patron_seq INTEGER NOT NULL DEFAULT 0
    CHECK (last_patron_seq >= 0);

UPDATE messages SET patron_seq = numbered.n
FROM (
    SELECT stream_id AS s, seq AS q,
           ROW_NUMBER() OVER (PARTITION BY stream_id ORDER BY seq) AS n
    FROM messages
    WHERE kind IN ('patron', 'operator', 'system')
) AS numbered
WHERE messages.stream_id = numbered.s AND messages.seq = numbered.q;

UPDATE chats SET last_patron_seq =
    COALESCE((SELECT MAX(patron_seq) FROM messages WHERE stream_id = chats.id), 0);

-- A patron's reads (resume, history) go by this number.
CREATE UNIQUE INDEX messages_by_patron_seq ON messages (stream_id, patron_seq)
    WHERE patron_seq IS NOT NULL;
