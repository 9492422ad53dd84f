-- Who answered a chat: the last operator who held it, kept after it ends (operator_id is only
-- set while the chat is active). Chats that ended before this column existed keep NULL.
ALTER TABLE chats ADD COLUMN answered_by BLOB REFERENCES users (id);
UPDATE chats SET answered_by = operator_id WHERE operator_id IS NOT NULL;
