-- Who monitored what, when: one row per stretch a librarian had a queue (a department or a
-- co-op) switched on, for the co-op accounting (coverage, hours given) and for "chats that
-- arrived when nobody was monitoring". `monitoring` is the live state; this is its history.
-- A row opens when a `monitoring` row is inserted (at its `since`) and closes when it goes:
-- refdesk closes it at the time of the switch or sign-out itself, before deleting; the
-- trigger closes what any other deletion leaves open (a department deleted, a library leaving
-- a co-op) at the database's clock. Switched on again at the very instant it ended, a stretch
-- goes on.
CREATE TABLE monitoring_sessions (
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scope_kind TEXT NOT NULL CHECK (scope_kind IN ('department', 'coop')),
    scope_id   BLOB NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER CHECK (ended_at >= started_at),
    PRIMARY KEY (user_id, scope_kind, scope_id, started_at)
) STRICT;

CREATE INDEX monitoring_sessions_by_scope ON monitoring_sessions (scope_kind, scope_id, started_at);

CREATE TRIGGER monitoring_session_starts AFTER INSERT ON monitoring BEGIN
    INSERT INTO monitoring_sessions (user_id, scope_kind, scope_id, started_at)
    VALUES (new.user_id, new.scope_kind, new.scope_id, new.since)
    ON CONFLICT (user_id, scope_kind, scope_id, started_at) DO UPDATE SET ended_at = NULL;
END;

CREATE TRIGGER monitoring_session_ends AFTER DELETE ON monitoring BEGIN
    UPDATE monitoring_sessions
    SET ended_at = max(started_at, CAST(unixepoch('subsec') * 1000000 AS INTEGER))
    WHERE ended_at IS NULL AND user_id = old.user_id
      AND scope_kind = old.scope_kind AND scope_id = old.scope_id;
END;

INSERT INTO monitoring_sessions (user_id, scope_kind, scope_id, started_at)
SELECT user_id, scope_kind, scope_id, since FROM monitoring;
