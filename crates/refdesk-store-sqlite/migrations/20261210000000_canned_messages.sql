-- Canned messages: ready-made replies, each one librarian's own (personal), an institution's,
-- or a co-op's (scope_kind and scope_id).
CREATE TABLE canned_messages (
    id         BLOB PRIMARY KEY,
    scope_kind TEXT NOT NULL CHECK (scope_kind IN ('personal', 'institution', 'coop')),
    scope_id   BLOB NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX canned_messages_by_scope ON canned_messages (scope_kind, scope_id, title);
