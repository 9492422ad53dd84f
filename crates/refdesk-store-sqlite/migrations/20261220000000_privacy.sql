-- The privacy engine: the patron's address as the institution's policy keeps it, and when a
-- chat's patron was forgotten (their name, email, address and the contact details in the
-- chat's text removed) and its transcript deleted (its messages, words, files and rating
-- comment), by the retention policy or at the patron's request. What is left of such a chat
-- (its times, queue, librarian, outcome) still counts in reports.
ALTER TABLE chats ADD COLUMN patron_ip TEXT;
ALTER TABLE chats ADD COLUMN forgotten_at INTEGER;
ALTER TABLE chats ADD COLUMN transcript_deleted_at INTEGER;

-- The retention sweeps' work: an institution's ended chats not yet forgotten (or deleted),
-- oldest end first.
CREATE INDEX chats_to_forget ON chats (institution_id, ended_at)
    WHERE forgotten_at IS NULL AND ended_at IS NOT NULL;
CREATE INDEX chats_to_delete ON chats (institution_id, ended_at)
    WHERE transcript_deleted_at IS NULL AND ended_at IS NOT NULL;
