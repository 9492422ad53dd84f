-- Files sent in chats. The content is kept apart (a file store), under its SHA-256.
CREATE TABLE attachments (
    id           UUID PRIMARY KEY,
    chat_id      UUID NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    sender       TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE INDEX attachments_of_chat ON attachments (chat_id);
CREATE INDEX attachments_by_hash ON attachments (sha256);
