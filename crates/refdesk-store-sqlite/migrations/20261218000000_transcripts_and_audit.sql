-- Transcript search: one row per ended chat holding its words (its patron's and librarians'
-- messages and its internal notes, in order; never its system lines), written when the chat
-- ends and again when a note is added after the end, so appending a message writes nothing
-- here. The words are a copy of the messages': they go with the chat (ON DELETE CASCADE).
CREATE TABLE chat_transcripts (
    seq            INTEGER PRIMARY KEY,
    chat_id        BLOB NOT NULL UNIQUE REFERENCES chats (id) ON DELETE CASCADE,
    institution_id BLOB NOT NULL,
    created_at     INTEGER NOT NULL,
    words          TEXT NOT NULL
) STRICT;

CREATE INDEX chat_transcripts_by_institution ON chat_transcripts (institution_id, created_at);

CREATE VIRTUAL TABLE chat_transcripts_fts USING fts5 (
    words,
    content = 'chat_transcripts', content_rowid = 'seq',
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '3'
);

CREATE TRIGGER chat_transcripts_fts_insert AFTER INSERT ON chat_transcripts BEGIN
    INSERT INTO chat_transcripts_fts (rowid, words) VALUES (new.seq, new.words);
END;

CREATE TRIGGER chat_transcripts_fts_delete AFTER DELETE ON chat_transcripts BEGIN
    INSERT INTO chat_transcripts_fts (chat_transcripts_fts, rowid, words)
    VALUES ('delete', old.seq, old.words);
END;

CREATE TRIGGER chat_transcripts_fts_update AFTER UPDATE ON chat_transcripts BEGIN
    INSERT INTO chat_transcripts_fts (chat_transcripts_fts, rowid, words)
    VALUES ('delete', old.seq, old.words);
    INSERT INTO chat_transcripts_fts (rowid, words) VALUES (new.seq, new.words);
END;

-- The chats that had ended before this migration.
INSERT INTO chat_transcripts (chat_id, institution_id, created_at, words)
SELECT c.id, c.institution_id, c.created_at,
       coalesce((SELECT group_concat(m.body, char(10) ORDER BY m.seq) FROM messages AS m
                 WHERE m.stream_id = c.id AND m.kind IN ('patron', 'operator', 'internal_note')),
                '')
FROM chats AS c WHERE c.status IN ('closed', 'abandoned')
ORDER BY c.created_at;

-- Who read which patrons' conversations: each search of past chats, each transcript opened or
-- exported, recorded before the words are shown. Never updated; kept with the institution.
CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    institution_id BLOB NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
    actor_id       BLOB NOT NULL,
    action         TEXT NOT NULL
                   CHECK (action IN ('transcripts_searched', 'transcript_viewed',
                                     'transcript_exported')),
    chat_id        BLOB,
    detail         TEXT NOT NULL,
    at             INTEGER NOT NULL
) STRICT;

CREATE INDEX audit_log_by_institution ON audit_log (institution_id, id);
