-- Staff rooms beside direct conversations: a co-op's room and an institution's room (one each;
-- who is in them follows the grants, so no members are stored), and rooms someone made, whose
-- members are stored in `conversation_members`. A direct conversation keeps its pair in
-- `direct_a`/`direct_b`, which rooms leave empty.
ALTER TABLE conversations
    ADD COLUMN kind TEXT NOT NULL DEFAULT 'direct'
        CHECK (kind IN ('direct', 'coop', 'institution', 'room')),
    ADD COLUMN scope_id UUID,
    ADD COLUMN name TEXT,
    ALTER COLUMN direct_a DROP NOT NULL,
    ALTER COLUMN direct_b DROP NOT NULL,
    ADD CHECK ((kind = 'direct') = (direct_a IS NOT NULL AND direct_b IS NOT NULL)),
    ADD CHECK ((kind IN ('coop', 'institution')) = (scope_id IS NOT NULL)),
    ADD CHECK ((kind = 'room') = (name IS NOT NULL));

CREATE UNIQUE INDEX conversations_one_room_per_scope ON conversations (kind, scope_id)
    WHERE kind IN ('coop', 'institution');

CREATE TABLE conversation_members (
    conversation_id UUID NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         UUID NOT NULL REFERENCES users (id),
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_by_user ON conversation_members (user_id);
