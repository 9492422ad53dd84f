-- A patron's rating of an ended chat (1 to 5 stars) and comment, once per chat, for reports.
CREATE TABLE chat_ratings (
    chat_id  BLOB PRIMARY KEY REFERENCES chats (id) ON DELETE CASCADE,
    stars    INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment  TEXT,
    rated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
