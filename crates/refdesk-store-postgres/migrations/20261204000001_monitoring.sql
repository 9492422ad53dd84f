-- Who is monitoring which queue right now: one row per staff member and department or co-op
-- they have switched Online, since when. Live state (not dumped); a sign-in resets it.
CREATE TABLE monitoring (
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scope_kind TEXT NOT NULL CHECK (scope_kind IN ('department', 'coop')),
    scope_id   UUID NOT NULL,
    since      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, scope_kind, scope_id)
);

-- "Who monitors this co-op (or department)?"
CREATE INDEX monitoring_by_scope ON monitoring (scope_kind, scope_id, since);

-- "How many chats does each of them hold?"
-- (Only an active chat has an operator.)
CREATE INDEX chats_by_operator ON chats (operator_id) WHERE operator_id IS NOT NULL;
