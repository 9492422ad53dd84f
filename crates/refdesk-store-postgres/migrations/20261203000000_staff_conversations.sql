-- Staff conversations beside patron chats, sharing one message log.
--
-- A message now belongs to a stream: a patron chat or a staff conversation, named by the chat's
-- or the conversation's id (both UUIDv7, so they never collide). `messages.chat_id` becomes
-- `stream_id` without a foreign key: the append path refuses a stream whose head it cannot lock.

CREATE TABLE conversations (
    id         UUID PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    last_seq   BIGINT NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    -- A direct (1:1) conversation's two members, in id order: one conversation per pair.
    direct_a   UUID NOT NULL REFERENCES users (id),
    direct_b   UUID NOT NULL REFERENCES users (id),
    CHECK (direct_a < direct_b),
    UNIQUE (direct_a, direct_b)
);

-- The conversations of a user are found by either member.
CREATE INDEX conversations_by_second_member ON conversations (direct_b);

ALTER TABLE messages DROP CONSTRAINT messages_chat_id_fkey;
ALTER TABLE messages RENAME COLUMN chat_id TO stream_id;
