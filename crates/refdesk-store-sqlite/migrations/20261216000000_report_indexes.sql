-- Reports read the chats started in a date range (and, per chat, its tickets).
CREATE INDEX chats_by_created ON chats (created_at);
CREATE INDEX tickets_by_chat ON tickets (chat_id);
