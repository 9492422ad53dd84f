-- Who answered a chat: the last operator who held it, kept after it ends (operator_id is only
-- set while the chat is active). Filled in from what there is: the operator of an active chat,
-- else the last operator who claimed an ended one (its history's `claimed` rows).
ALTER TABLE chats ADD COLUMN answered_by UUID REFERENCES users (id);
UPDATE chats SET answered_by = operator_id WHERE operator_id IS NOT NULL;
UPDATE chats SET answered_by = (
    SELECT e.operator_id FROM chat_events AS e
    WHERE e.chat_id = chats.id AND e.kind = 'claimed' AND e.operator_id IS NOT NULL
    ORDER BY e.version DESC LIMIT 1
) WHERE answered_by IS NULL;
