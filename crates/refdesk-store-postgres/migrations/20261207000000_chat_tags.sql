-- Tags librarians put on chats, who put each there and when (kept for reports).
CREATE TABLE chat_tags (
    chat_id  UUID NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    added_by UUID NOT NULL REFERENCES users (id),
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (chat_id, tag)
);

-- Type-ahead: the tags in use, by their first letters.
CREATE INDEX chat_tags_by_tag ON chat_tags (tag);
