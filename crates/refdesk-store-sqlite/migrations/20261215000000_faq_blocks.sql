-- FAQ search ranks inside one library's part of the index, chosen by rowid, not by scope
-- tokens: FTS5's bm25 counts, for every phrase of a query, the rows of the whole index that
-- hold it (its IDF), so a scope token held by every FAQ of a visibility cost a walk over tens
-- of thousands of rows per search. Instead each (institution, visibility) has a block of
-- rowids: an institution's block `b` (faq_blocks) holds its internal FAQs at
-- `b * 2^33 + [0, 2^32)` and its public ones at `b * 2^33 + 2^32 + [0, 2^32)`, so
-- `rowid BETWEEN` narrows a search to one library (and visibility) and FTS5 seeks straight
-- into that part of each term's doclist. An FAQ whose visibility changes moves to its other
-- block (a new `seq`).
CREATE TABLE faq_blocks (
    institution_id BLOB PRIMARY KEY REFERENCES institutions (id),
    block          INTEGER NOT NULL UNIQUE CHECK (block > 0)
) STRICT;

INSERT INTO faq_blocks (institution_id, block)
SELECT institution_id, row_number() OVER (ORDER BY institution_id)
FROM (SELECT DISTINCT institution_id FROM faqs);

DROP TRIGGER faqs_fts_insert;
DROP TRIGGER faqs_fts_delete;
DROP TRIGGER faqs_fts_update;
DROP TABLE faqs_fts;
DROP INDEX faqs_by_recent;
ALTER TABLE faqs RENAME TO faqs_old;

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
    updated_at     INTEGER NOT NULL
) STRICT;

INSERT INTO faqs (seq, id, institution_id, visibility, group_name, question, answer,
                  answer_text, topics, updated_at)
SELECT b.block * 8589934592 + (CASE f.visibility WHEN 'public' THEN 4294967296 ELSE 0 END)
         + row_number() OVER (PARTITION BY f.institution_id, f.visibility ORDER BY f.seq),
       f.id, f.institution_id, f.visibility, f.group_name, f.question, f.answer,
       f.answer_text, f.topics, f.updated_at
FROM faqs_old f JOIN faq_blocks b ON b.institution_id = f.institution_id;

DROP TABLE faqs_old;

CREATE INDEX faqs_by_recent ON faqs (institution_id, visibility, updated_at DESC);

-- The full-text index (FTS5, external content): Porter stems of Unicode words without
-- diacritics, with prefix indexes for two and three characters.
CREATE VIRTUAL TABLE faqs_fts USING fts5 (
    question, topics, answer_text,
    content = 'faqs', content_rowid = 'seq',
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TRIGGER faqs_fts_insert AFTER INSERT ON faqs BEGIN
    INSERT INTO faqs_fts (rowid, question, topics, answer_text)
    VALUES (new.seq, new.question, new.topics, new.answer_text);
END;

CREATE TRIGGER faqs_fts_delete AFTER DELETE ON faqs BEGIN
    INSERT INTO faqs_fts (faqs_fts, rowid, question, topics, answer_text)
    VALUES ('delete', old.seq, old.question, old.topics, old.answer_text);
END;

CREATE TRIGGER faqs_fts_update AFTER UPDATE ON faqs BEGIN
    INSERT INTO faqs_fts (faqs_fts, rowid, question, topics, answer_text)
    VALUES ('delete', old.seq, old.question, old.topics, old.answer_text);
    INSERT INTO faqs_fts (rowid, question, topics, answer_text)
    VALUES (new.seq, new.question, new.topics, new.answer_text);
END;

INSERT INTO faqs_fts (faqs_fts) VALUES ('rebuild');
