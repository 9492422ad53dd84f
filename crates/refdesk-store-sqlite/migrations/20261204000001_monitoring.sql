-- Who is monitoring which queue right now: one row per staff member and department or co-op
-- they have switched Online, since when. Live state (not dumped); a sign-in resets it.
CREATE TABLE monitoring (
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scope_kind TEXT NOT NULL CHECK (scope_kind IN ('department', 'coop')),
    scope_id   BLOB NOT NULL,
    since      INTEGER NOT NULL,
    PRIMARY KEY (user_id, scope_kind, scope_id)
) STRICT, WITHOUT ROWID;

-- "Who monitors this co-op (or department)?"
CREATE INDEX monitoring_by_scope ON monitoring (scope_kind, scope_id, since);

-- "How many chats does each of them hold?" is answered by `chats_by_operator`: only an active
-- chat has an operator.
