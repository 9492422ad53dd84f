-- FAQs of institutions: the internal 24/7 Staffing group and public groups. `seq` is the key of
-- the full-text index; `answer_text` is the Markdown answer as plain text; `topics` a JSON
-- array of lower-case topics.
CREATE TABLE faqs (
    seq            INTEGER PRIMARY KEY,
    id             BLOB NOT NULL UNIQUE,
    institution_id BLOB NOT NULL REFERENCES institutions (id),
    visibility     TEXT NOT NULL CHECK (visibility IN ('internal', 'public')),
    group_name     TEXT NOT NULL,
    question       TEXT NOT NULL,
    answer         TEXT NOT NULL,
    answer_text    TEXT NOT NULL,
    topics         TEXT NOT NULL,
    updated_at     INTEGER NOT NULL,
    -- What the index's `scope` column holds (below); FTS5 reads it back by name.
    scope          TEXT GENERATED ALWAYS AS (
        char(57344) || 'i' || lower(hex(institution_id)) || ' ' || char(57344) || 'v' || visibility
    ) VIRTUAL
) STRICT;

CREATE INDEX faqs_by_recent ON faqs (institution_id, visibility, updated_at DESC);

-- The full-text index (FTS5, external content): Porter stems of Unicode words without
-- diacritics, with prefix indexes for two and three characters. `scope` holds two tokens, the
-- institution ('i' and its id in hex) and the visibility ('vpublic', 'vinternal'), so a search
-- narrows to one library inside the index, before any row is ranked. Each starts with U+E000,
-- a private-use character FTS5 keeps in tokens but no search term holds, so no word a person
-- types (or its prefix) ever matches a scope token.
CREATE VIRTUAL TABLE faqs_fts USING fts5 (
    scope, question, topics, answer_text,
    content = 'faqs', content_rowid = 'seq',
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TRIGGER faqs_fts_insert AFTER INSERT ON faqs BEGIN
    INSERT INTO faqs_fts (rowid, scope, question, topics, answer_text)
    VALUES (new.seq, new.scope, new.question, new.topics, new.answer_text);
END;

CREATE TRIGGER faqs_fts_delete AFTER DELETE ON faqs BEGIN
    INSERT INTO faqs_fts (faqs_fts, rowid, scope, question, topics, answer_text)
    VALUES ('delete', old.seq, old.scope,
            old.question, old.topics, old.answer_text);
END;

CREATE TRIGGER faqs_fts_update AFTER UPDATE ON faqs BEGIN
    INSERT INTO faqs_fts (faqs_fts, rowid, scope, question, topics, answer_text)
    VALUES ('delete', old.seq, old.scope,
            old.question, old.topics, old.answer_text);
    INSERT INTO faqs_fts (rowid, scope, question, topics, answer_text)
    VALUES (new.seq, new.scope, new.question, new.topics, new.answer_text);
END;
