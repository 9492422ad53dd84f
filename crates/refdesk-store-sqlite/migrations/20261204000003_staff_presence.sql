-- Which node holds a socket of which staff member, until when: each node renews its leases
-- while it holds the sockets, so an operator is "gone" only when no node holds one, and a node
-- that died stops counting once its leases run out.
CREATE TABLE staff_presence (
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    node_id    BLOB NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, node_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX staff_presence_by_expiry ON staff_presence (expires_at);
