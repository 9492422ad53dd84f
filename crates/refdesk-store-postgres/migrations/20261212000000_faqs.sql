-- FAQs of institutions: the internal 24/7 Staffing group and public groups. `answer_text` is
-- the Markdown answer as plain text; `topics` a JSON array of lower-case topics. `search` is
-- the English text-search vector: the question weighs most (A), then topics (B), then the
-- answer (C).
CREATE TABLE faqs (
    id             UUID PRIMARY KEY,
    institution_id UUID NOT NULL REFERENCES institutions (id),
    visibility     TEXT NOT NULL CHECK (visibility IN ('internal', 'public')),
    group_name     TEXT NOT NULL,
    question       TEXT NOT NULL,
    answer         TEXT NOT NULL,
    answer_text    TEXT NOT NULL,
    topics         TEXT NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    search         TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', question), 'A')
        || setweight(to_tsvector('english', topics), 'B')
        || setweight(to_tsvector('english', answer_text), 'C')
    ) STORED
);

CREATE INDEX faqs_by_recent ON faqs (institution_id, visibility, updated_at DESC);
CREATE INDEX faqs_search ON faqs USING GIN (search);
