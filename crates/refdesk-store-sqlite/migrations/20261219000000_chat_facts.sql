-- What reports read, one row per chat, kept by triggers: a report over a year of chats reads a
-- range of this table (by the patron's library, the answering library or the co-op, each with
-- its index on the start time) instead of joining each chat to its history, tickets, rating and
-- tags. It is filled once from what is there (below); each trigger then sets what its write
-- changed in the touched chat's row, reading only that chat's rows (its history, tickets,
-- rating, tags, by the chat's key), so a write costs the same however many chats there are.
CREATE VIEW chat_facts_source AS
SELECT c.id AS chat_id, c.institution_id, c.department_id, c.widget_id, c.coop_id,
       c.created_at, c.ended_at, c.status,
       fc.at AS claimed_at, fc.operator_id AS claimed_by,
       u.institution_id AS claimed_by_institution,
       (SELECT count(*) FROM chat_events e
         WHERE e.chat_id = c.id AND e.kind = 'transferred') AS transfers,
       (SELECT count(*) FROM tickets t WHERE t.chat_id = c.id) AS tickets,
       r.stars, coalesce(r.comment, '') <> '' AS commented,
       (SELECT json_group_array(g.tag) FROM chat_tags g WHERE g.chat_id = c.id) AS tags
FROM chats c
LEFT JOIN chat_events fc ON fc.chat_id = c.id AND fc.version =
  (SELECT min(e.version) FROM chat_events e WHERE e.chat_id = c.id AND e.kind = 'claimed')
LEFT JOIN users u ON u.id = fc.operator_id
LEFT JOIN chat_ratings r ON r.chat_id = c.id;

CREATE TABLE chat_facts (
    seq                    INTEGER PRIMARY KEY,
    chat_id                BLOB NOT NULL UNIQUE REFERENCES chats (id) ON DELETE CASCADE,
    institution_id         BLOB NOT NULL,
    department_id          BLOB NOT NULL,
    widget_id              BLOB NOT NULL,
    coop_id                BLOB,
    created_at             INTEGER NOT NULL,
    ended_at               INTEGER,
    status                 TEXT NOT NULL,
    claimed_at             INTEGER,
    claimed_by             BLOB,
    claimed_by_institution BLOB,
    transfers              INTEGER NOT NULL,
    tickets                INTEGER NOT NULL,
    stars                  INTEGER,
    commented              INTEGER NOT NULL,
    tags                   TEXT NOT NULL
) STRICT;

CREATE INDEX chat_facts_by_institution ON chat_facts (institution_id, created_at);
CREATE INDEX chat_facts_by_answering ON chat_facts (claimed_by_institution, created_at)
    WHERE claimed_by_institution IS NOT NULL;
CREATE INDEX chat_facts_by_coop ON chat_facts (coop_id, created_at) WHERE coop_id IS NOT NULL;

INSERT INTO chat_facts (chat_id, institution_id, department_id, widget_id, coop_id, created_at,
    ended_at, status, claimed_at, claimed_by, claimed_by_institution, transfers, tickets, stars,
    commented, tags)
SELECT * FROM chat_facts_source ORDER BY created_at;

DROP VIEW chat_facts_source;

-- One statement per source table: what it changed of the touched chat's row.
CREATE TRIGGER chat_facts_chat_inserted AFTER INSERT ON chats BEGIN
    INSERT INTO chat_facts (chat_id, institution_id, department_id, widget_id, coop_id,
        created_at, ended_at, status, transfers, tickets, commented, tags)
    VALUES (new.id, new.institution_id, new.department_id, new.widget_id, new.coop_id,
        new.created_at, new.ended_at, new.status, 0, 0, 0, '[]');
END;

CREATE TRIGGER chat_facts_chat_changed AFTER UPDATE ON chats
WHEN old.status IS NOT new.status OR old.ended_at IS NOT new.ended_at
  OR old.coop_id IS NOT new.coop_id BEGIN
    UPDATE chat_facts SET status = new.status, ended_at = new.ended_at, coop_id = new.coop_id
    WHERE chat_id = new.id;
END;

CREATE TRIGGER chat_facts_claimed AFTER INSERT ON chat_events
WHEN new.kind = 'claimed' BEGIN
    UPDATE chat_facts
    SET (claimed_at, claimed_by, claimed_by_institution) = (
        SELECT e.at, e.operator_id, u.institution_id
        FROM chat_events e LEFT JOIN users u ON u.id = e.operator_id
        WHERE e.chat_id = new.chat_id AND e.kind = 'claimed' ORDER BY e.version LIMIT 1)
    WHERE chat_id = new.chat_id;
END;

CREATE TRIGGER chat_facts_transferred AFTER INSERT ON chat_events
WHEN new.kind = 'transferred' BEGIN
    UPDATE chat_facts
    SET transfers = (SELECT count(*) FROM chat_events
                     WHERE chat_id = new.chat_id AND kind = 'transferred')
    WHERE chat_id = new.chat_id;
END;

CREATE TRIGGER chat_facts_ticket_added AFTER INSERT ON tickets
WHEN new.chat_id IS NOT NULL BEGIN
    UPDATE chat_facts SET tickets = (SELECT count(*) FROM tickets WHERE chat_id = new.chat_id)
    WHERE chat_id = new.chat_id;
END;

CREATE TRIGGER chat_facts_ticket_changed AFTER UPDATE OF chat_id ON tickets BEGIN
    UPDATE chat_facts SET tickets = (SELECT count(*) FROM tickets t WHERE t.chat_id = chat_facts.chat_id)
    WHERE chat_id IN (old.chat_id, new.chat_id);
END;

CREATE TRIGGER chat_facts_ticket_removed AFTER DELETE ON tickets
WHEN old.chat_id IS NOT NULL BEGIN
    UPDATE chat_facts SET tickets = (SELECT count(*) FROM tickets WHERE chat_id = old.chat_id)
    WHERE chat_id = old.chat_id;
END;

CREATE TRIGGER chat_facts_rated AFTER INSERT ON chat_ratings BEGIN
    UPDATE chat_facts SET stars = new.stars, commented = coalesce(new.comment, '') <> ''
    WHERE chat_id = new.chat_id;
END;

CREATE TRIGGER chat_facts_rating_changed AFTER UPDATE ON chat_ratings BEGIN
    UPDATE chat_facts SET stars = new.stars, commented = coalesce(new.comment, '') <> ''
    WHERE chat_id = new.chat_id;
END;

CREATE TRIGGER chat_facts_rating_removed AFTER DELETE ON chat_ratings BEGIN
    UPDATE chat_facts SET stars = NULL, commented = 0 WHERE chat_id = old.chat_id;
END;

CREATE TRIGGER chat_facts_tagged AFTER INSERT ON chat_tags BEGIN
    UPDATE chat_facts
    SET tags = (SELECT json_group_array(tag) FROM chat_tags WHERE chat_id = new.chat_id)
    WHERE chat_id = new.chat_id;
END;

CREATE TRIGGER chat_facts_untagged AFTER DELETE ON chat_tags BEGIN
    UPDATE chat_facts
    SET tags = (SELECT json_group_array(tag) FROM chat_tags WHERE chat_id = old.chat_id)
    WHERE chat_id = old.chat_id;
END;
