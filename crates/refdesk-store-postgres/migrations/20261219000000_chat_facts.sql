-- What reports read, one row per chat, kept by triggers: a report over a year of chats reads a
-- range of this table (by the patron's library, the answering library or the co-op, each with
-- its index on the start time) instead of joining each chat to its history, tickets, rating and
-- tags. `chat_facts_source` is the one definition of a row; every trigger rewrites the row of
-- the chat it touched from it (`chat_facts_refresh`), so the table never drifts from what it
-- summarises.
CREATE VIEW chat_facts_source AS
SELECT c.id AS chat_id, c.institution_id, c.department_id, c.widget_id, c.coop_id,
       c.created_at, c.ended_at, c.status,
       fc.at AS claimed_at, fc.operator_id AS claimed_by,
       u.institution_id AS claimed_by_institution,
       (SELECT count(*) FROM chat_events e
         WHERE e.chat_id = c.id AND e.kind = 'transferred') AS transfers,
       (SELECT count(*) FROM tickets t WHERE t.chat_id = c.id) AS tickets,
       r.stars, coalesce(r.comment, '') <> '' AS commented,
       coalesce((SELECT array_agg(g.tag ORDER BY g.tag) FROM chat_tags g
                 WHERE g.chat_id = c.id), '{}') AS tags
FROM chats c
LEFT JOIN LATERAL (SELECT e.at, e.operator_id FROM chat_events e
                   WHERE e.chat_id = c.id AND e.kind = 'claimed'
                   ORDER BY e.version LIMIT 1) fc ON true
LEFT JOIN users u ON u.id = fc.operator_id
LEFT JOIN chat_ratings r ON r.chat_id = c.id;

CREATE TABLE chat_facts (
    chat_id                UUID PRIMARY KEY REFERENCES chats (id) ON DELETE CASCADE,
    institution_id         UUID NOT NULL,
    department_id          UUID NOT NULL,
    widget_id              UUID NOT NULL,
    coop_id                UUID,
    created_at             TIMESTAMPTZ NOT NULL,
    ended_at               TIMESTAMPTZ,
    status                 TEXT NOT NULL,
    claimed_at             TIMESTAMPTZ,
    claimed_by             UUID,
    claimed_by_institution UUID,
    transfers              BIGINT NOT NULL,
    tickets                BIGINT NOT NULL,
    stars                  SMALLINT,
    commented              BOOLEAN NOT NULL,
    tags                   TEXT[] NOT NULL
);

CREATE INDEX chat_facts_by_institution ON chat_facts (institution_id, created_at);
CREATE INDEX chat_facts_by_answering ON chat_facts (claimed_by_institution, created_at)
    WHERE claimed_by_institution IS NOT NULL;
CREATE INDEX chat_facts_by_coop ON chat_facts (coop_id, created_at) WHERE coop_id IS NOT NULL;

INSERT INTO chat_facts SELECT * FROM chat_facts_source;

CREATE FUNCTION chat_facts_refresh(chat UUID) RETURNS void LANGUAGE sql AS $$
    INSERT INTO chat_facts SELECT * FROM chat_facts_source WHERE chat_id = chat
    ON CONFLICT (chat_id) DO UPDATE SET
        coop_id = excluded.coop_id, ended_at = excluded.ended_at, status = excluded.status,
        claimed_at = excluded.claimed_at, claimed_by = excluded.claimed_by,
        claimed_by_institution = excluded.claimed_by_institution,
        transfers = excluded.transfers, tickets = excluded.tickets, stars = excluded.stars,
        commented = excluded.commented, tags = excluded.tags;
$$;

-- One trigger per source table: the row of each chat it touched, rewritten.
CREATE FUNCTION chat_facts_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'chats' THEN
        PERFORM chat_facts_refresh(NEW.id);
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.chat_id IS NOT NULL THEN
            PERFORM chat_facts_refresh(OLD.chat_id);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF NEW.chat_id IS NOT NULL THEN
            PERFORM chat_facts_refresh(NEW.chat_id);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER chat_facts_chat_inserted AFTER INSERT ON chats
    FOR EACH ROW EXECUTE FUNCTION chat_facts_touched();
CREATE TRIGGER chat_facts_chat_changed AFTER UPDATE ON chats FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.ended_at IS DISTINCT FROM NEW.ended_at
          OR OLD.coop_id IS DISTINCT FROM NEW.coop_id)
    EXECUTE FUNCTION chat_facts_touched();
CREATE TRIGGER chat_facts_event_added AFTER INSERT ON chat_events FOR EACH ROW
    WHEN (NEW.kind IN ('claimed', 'transferred'))
    EXECUTE FUNCTION chat_facts_touched();
CREATE TRIGGER chat_facts_tickets AFTER INSERT OR UPDATE OF chat_id OR DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION chat_facts_touched();
CREATE TRIGGER chat_facts_ratings AFTER INSERT OR UPDATE OR DELETE ON chat_ratings
    FOR EACH ROW EXECUTE FUNCTION chat_facts_touched();
CREATE TRIGGER chat_facts_tags AFTER INSERT OR DELETE ON chat_tags
    FOR EACH ROW EXECUTE FUNCTION chat_facts_touched();
