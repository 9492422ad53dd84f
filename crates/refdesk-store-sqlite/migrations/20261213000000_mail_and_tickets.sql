-- The outbox: every mail refdesk sends (transcripts, ticket replies), queued until an attempt
-- succeeds or every attempt has failed. next_attempt_at doubles as the lease of a node that
-- claimed the mail.
CREATE TABLE mails (
    id              BLOB PRIMARY KEY,
    institution_id  BLOB NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    ticket_id       BLOB,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    delivered_to    TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
) STRICT;

CREATE INDEX mails_due ON mails (next_attempt_at) WHERE status = 'queued';
CREATE INDEX mails_by_institution ON mails (institution_id, created_at);

-- An institution's own templates, one per kind of mail (JSON of MailTemplate).
CREATE TABLE mail_templates (
    institution_id BLOB NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    template       TEXT NOT NULL,
    PRIMARY KEY (institution_id, kind)
) STRICT, WITHOUT ROWID;

-- Follow-up tickets, in the patron's home institution, in one of its departments (queues).
CREATE TABLE tickets (
    id             BLOB PRIMARY KEY,
    institution_id BLOB NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
    department_id  BLOB NOT NULL REFERENCES departments (id),
    chat_id        BLOB REFERENCES chats (id) ON DELETE SET NULL,
    patron_name    TEXT NOT NULL,
    patron_email   TEXT NOT NULL,
    subject        TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'pending', 'closed')),
    assignee       BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_by     BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX tickets_by_institution ON tickets (institution_id, updated_at DESC, id DESC);

CREATE TABLE ticket_entries (
    id        BLOB PRIMARY KEY,
    ticket_id BLOB NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('question', 'note', 'reply', 'patron_reply')),
    author    BLOB REFERENCES users (id) ON DELETE SET NULL,
    body      TEXT NOT NULL,
    at        INTEGER NOT NULL
) STRICT;

CREATE INDEX ticket_entries_of_ticket ON ticket_entries (ticket_id, at);
