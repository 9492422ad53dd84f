-- Routing: the step of its widget's plan a chat has reached (0: the widget's department), and
-- the co-op it is offered to while that step is a co-op. Chats started before read as step 0.
ALTER TABLE chats ADD COLUMN step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chats ADD COLUMN coop_id UUID REFERENCES coops (id);
CREATE INDEX chats_by_coop ON chats (coop_id, status) WHERE coop_id IS NOT NULL;

-- Each member's contracted hours with the co-op, as the JSON of `CoopHours` ('{}': around the
-- clock).
ALTER TABLE coop_members ADD COLUMN hours TEXT NOT NULL DEFAULT '{}';
