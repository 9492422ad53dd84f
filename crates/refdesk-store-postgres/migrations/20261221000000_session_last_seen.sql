-- When each staff session was last used (a request, or a dashboard socket kept open), for the
-- idle timeout: a session unused for `session_idle_minutes` is refused like an expired one.
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz;
UPDATE sessions SET last_seen_at = created_at;
ALTER TABLE sessions ALTER COLUMN last_seen_at SET NOT NULL;
