//! Moving a whole installation to another store (`refdesk migrate-data`): reading the
//! directory, guests and chats in id order, and writing them back exactly as they were.
//!
//! The reads run on the read pool, the directory inside one read transaction so that it is one
//! consistent snapshot. The writes are jobs of the single writer (see [`crate::writer`]), each
//! in its own savepoint, so a restore that fails leaves nothing behind. They bypass the
//! sequencer on purpose: a restored message keeps its sequence number and a restored chat its
//! `last_seq`, which is what the next append is numbered from.

use crate::directory::{
    insert_department, insert_guest, insert_institution, insert_user, insert_widget,
};
use crate::rows::{
    ChatRow, DepartmentRow, GuestRow, InstitutionRow, Result, UserRow, WidgetRow, all,
    chat_columns, db, message_columns, micros, seq_column, unique_is,
};
use crate::{SqliteStore, conversations, history, timers};
use async_trait::async_trait;
use refdesk_core::{Chat, ChatId, Coop, DisplayName, Guest, GuestId, Message};
use refdesk_store::{
    Conflict, Directory, MigrationStore, Rows, StoreError, Table, TokenHash, UserRecord,
};
use sqlx::{SqliteConnection, SqlitePool};
use uuid::Uuid;

// --- reads (on the pool) ----------------------------------------------------------------------------

pub(crate) async fn directory_snapshot(pool: &SqlitePool) -> Result<Directory> {
    #[derive(sqlx::FromRow)]
    struct UserWithHash {
        #[sqlx(flatten)]
        user: UserRow,
        password_hash: String,
    }
    let mut tx = pool.begin().await.map_err(db)?;
    let institutions: Vec<InstitutionRow> =
        sqlx::query_as("SELECT id, name, slug FROM institutions ORDER BY id")
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
    let coops: Vec<(Uuid, String)> = sqlx::query_as("SELECT id, name FROM coops ORDER BY id")
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
    let coop_members: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT coop_id, institution_id FROM coop_members ORDER BY coop_id, institution_id",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?;
    let departments: Vec<DepartmentRow> =
        sqlx::query_as("SELECT id, institution_id, name FROM departments ORDER BY id")
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
    let widgets: Vec<WidgetRow> = sqlx::query_as(
        "SELECT id, institution_id, department_id, name, allowed_origins, settings FROM widgets \
         ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?;
    let users: Vec<UserWithHash> = sqlx::query_as(
        "SELECT id, institution_id, email, name, role, password_hash FROM users ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?;
    let grants = crate::grants::all_grants(&mut *tx).await?;
    tx.commit().await.map_err(db)?;
    Ok(Directory {
        institutions: all(institutions)?,
        coops: coops
            .into_iter()
            .map(|(id, name)| {
                Ok(Coop {
                    id: id.into(),
                    name: DisplayName::parse(&name)
                        .map_err(|e| StoreError::corrupt(format!("coops.name: {e}")))?,
                })
            })
            .collect::<Result<_>>()?,
        coop_members: coop_members
            .into_iter()
            .map(|(coop, institution)| (coop.into(), institution.into()))
            .collect(),
        departments: all(departments)?,
        widgets: all(widgets)?,
        users: users
            .into_iter()
            .map(|r| {
                Ok(UserRecord {
                    user: r.user.try_into()?,
                    password_hash: r.password_hash,
                })
            })
            .collect::<Result<_>>()?,
        grants,
    })
}

pub(crate) async fn guests_page(
    pool: &SqlitePool,
    after: Option<GuestId>,
    limit: u32,
) -> Result<Vec<(Guest, TokenHash)>> {
    #[derive(sqlx::FromRow)]
    struct GuestWithToken {
        #[sqlx(flatten)]
        guest: GuestRow,
        token_hash: Vec<u8>,
    }
    // Two statements rather than `$1 IS NULL OR id > $1`, so that both walk the primary key.
    let query = match after {
        None => sqlx::query_as(
            "SELECT id, widget_id, created_at, token_hash FROM guests ORDER BY id LIMIT $1",
        )
        .bind(i64::from(limit)),
        Some(after) => sqlx::query_as(
            "SELECT id, widget_id, created_at, token_hash FROM guests WHERE id > $1 \
             ORDER BY id LIMIT $2",
        )
        .bind(Uuid::from(after))
        .bind(i64::from(limit)),
    };
    let rows: Vec<GuestWithToken> = query.fetch_all(pool).await.map_err(db)?;
    rows.into_iter()
        .map(|r| {
            let token = <[u8; 32]>::try_from(r.token_hash.as_slice())
                .map_err(|_| StoreError::corrupt("guests.token_hash: not 32 bytes"))?;
            Ok((Guest::try_from(r.guest)?, TokenHash(token)))
        })
        .collect()
}

pub(crate) async fn chats_page(
    pool: &SqlitePool,
    after: Option<ChatId>,
    limit: u32,
) -> Result<Vec<Chat>> {
    let query = match after {
        None => sqlx::query_as(concat!(
            "SELECT ",
            chat_columns!(),
            " FROM chats ORDER BY id LIMIT $1"
        ))
        .bind(i64::from(limit)),
        Some(after) => sqlx::query_as(concat!(
            "SELECT ",
            chat_columns!(),
            " FROM chats WHERE id > $1 ORDER BY id LIMIT $2"
        ))
        .bind(Uuid::from(after))
        .bind(i64::from(limit)),
    };
    let rows: Vec<ChatRow> = query.fetch_all(pool).await.map_err(db)?;
    all(rows)
}

// --- writes (jobs on the writer's connection) ------------------------------------------------------

/// Writes the directory in the order its references need.
pub(crate) async fn restore_directory(conn: &mut SqliteConnection, d: &Directory) -> Result<()> {
    for i in &d.institutions {
        insert_institution(conn, i).await?;
    }
    for c in &d.coops {
        sqlx::query("INSERT INTO coops (id, name) VALUES ($1, $2)")
            .bind(Uuid::from(c.id))
            .bind(c.name.as_str())
            .execute(&mut *conn)
            .await
            .map_err(unique_is(Conflict::AlreadyExists))?;
    }
    for (coop, institution) in &d.coop_members {
        sqlx::query("INSERT INTO coop_members (coop_id, institution_id) VALUES ($1, $2)")
            .bind(Uuid::from(*coop))
            .bind(Uuid::from(*institution))
            .execute(&mut *conn)
            .await
            .map_err(unique_is(Conflict::AlreadyExists))?;
    }
    for dep in &d.departments {
        insert_department(conn, dep).await?;
    }
    for w in &d.widgets {
        insert_widget(conn, w).await?;
    }
    for u in &d.users {
        insert_user(conn, &u.user, &u.password_hash).await?;
    }
    for (user, grant) in &d.grants {
        crate::grants::insert_grant(conn, *user, *grant).await?;
    }
    Ok(())
}

pub(crate) async fn restore_guests(
    conn: &mut SqliteConnection,
    guests: &[(Guest, TokenHash)],
) -> Result<()> {
    for (guest, token) in guests {
        insert_guest(conn, guest, token).await?;
    }
    Ok(())
}

pub(crate) async fn restore_chat(conn: &mut SqliteConnection, chat: &Chat) -> Result<()> {
    sqlx::query(concat!(
        "INSERT INTO chats (",
        chat_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)"
    ))
    .bind(Uuid::from(chat.id))
    .bind(Uuid::from(chat.institution_id))
    .bind(Uuid::from(chat.department_id))
    .bind(Uuid::from(chat.widget_id))
    .bind(Uuid::from(chat.guest_id))
    .bind(chat.state.status().as_str())
    .bind(chat.state.operator().map(Uuid::from))
    .bind(chat.patron_name.as_ref().map(|n| n.as_str()))
    .bind(chat.patron_email.as_ref().map(|e| e.as_str()))
    .bind(chat.question.as_ref().map(|q| q.as_str()))
    .bind(chat.referrer.as_deref())
    .bind(chat.user_agent.as_deref())
    .bind(micros(chat.created_at))
    .bind(chat.claimed_at.map(micros))
    .bind(chat.ended_at.map(micros))
    .bind(seq_column(chat.last_seq)?)
    .bind(i64::try_from(chat.version).map_err(|_| StoreError::corrupt("version beyond i64"))?)
    .bind(chat.answered_by.map(Uuid::from))
    .bind(seq_column(chat.last_patron_seq)?)
    .bind(i64::from(chat.step))
    .bind(chat.coop_id.map(Uuid::from))
    .bind(serde_json::to_string(&chat.companions).map_err(StoreError::other)?)
    .bind(chat.patron_ip.as_deref())
    .execute(conn)
    .await
    .map_err(unique_is(Conflict::AlreadyExists))?;
    Ok(())
}

pub(crate) async fn restore_messages(
    conn: &mut SqliteConnection,
    messages: &[Message],
) -> Result<()> {
    for m in messages {
        sqlx::query(concat!(
            "INSERT INTO messages (",
            message_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(*m.stream.as_uuid())
        .bind(seq_column(m.seq)?)
        .bind(Uuid::from(m.id))
        .bind(m.kind.as_str())
        .bind(m.sender.key())
        .bind(m.body.as_str())
        .bind(m.client_msg_id.as_ref().map(|c| c.as_str()))
        .bind(micros(m.created_at))
        .bind(m.patron_seq.map(seq_column).transpose()?)
        .execute(&mut *conn)
        .await
        .map_err(unique_is(Conflict::AlreadyExists))?;
    }
    // Ended chats' words, for transcript search (a chat's messages may come in several
    // batches: each rewrites its words).
    let mut chats: Vec<refdesk_core::ChatId> = Vec::new();
    for m in messages {
        if let refdesk_core::StreamId::Chat(id) = m.stream
            && !chats.contains(&id)
        {
            chats.push(id);
        }
    }
    for chat in chats {
        crate::transcripts::index(conn, chat).await?;
    }
    Ok(())
}

#[async_trait]
impl MigrationStore for SqliteStore {
    async fn directory_snapshot(&self) -> Result<Directory> {
        directory_snapshot(&self.read).await
    }
    async fn guests_page(
        &self,
        after: Option<GuestId>,
        limit: u32,
    ) -> Result<Vec<(Guest, TokenHash)>> {
        guests_page(&self.read, after, limit).await
    }
    async fn chats_page(&self, after: Option<ChatId>, limit: u32) -> Result<Vec<Chat>> {
        chats_page(&self.read, after, limit).await
    }
    async fn restore_directory(&self, directory: &Directory) -> Result<()> {
        let d = directory.clone();
        self.writer
            .exec(move |c| Box::pin(async move { restore_directory(c, &d).await }))
            .await
    }
    async fn restore_guests(&self, guests: &[(Guest, TokenHash)]) -> Result<()> {
        let g = guests.to_vec();
        self.writer
            .exec(move |c| Box::pin(async move { restore_guests(c, &g).await }))
            .await
    }
    async fn restore_chat(&self, chat: &Chat) -> Result<()> {
        let chat = chat.clone();
        self.writer
            .exec(move |c| Box::pin(async move { restore_chat(c, &chat).await }))
            .await
    }
    async fn restore_messages(&self, messages: &[Message]) -> Result<()> {
        let m = messages.to_vec();
        self.writer
            .exec(move |c| Box::pin(async move { restore_messages(c, &m).await }))
            .await
    }
    async fn rows_page(&self, table: Table, offset: u64, limit: u32) -> Result<Rows> {
        Ok(match table {
            Table::ChatHistory => {
                Rows::ChatHistory(history::page(&self.read, offset, limit).await?)
            }
            Table::Timers => Rows::Timers(timers::page(&self.read, offset, limit).await?),
            Table::Conversations => {
                Rows::Conversations(conversations::page(&self.read, offset, limit).await?)
            }
            Table::ChatTags => Rows::ChatTags(crate::tags::page(&self.read, offset, limit).await?),
            Table::Transfers => {
                Rows::Transfers(crate::transfers::page(&self.read, offset, limit).await?)
            }
            Table::CannedMessages => {
                Rows::CannedMessages(crate::canned::page(&self.read, offset, limit).await?)
            }
            Table::ChatRatings => {
                Rows::ChatRatings(crate::ratings::page(&self.read, offset, limit).await?)
            }
            Table::Faqs => Rows::Faqs(crate::faqs::page(&self.read, offset, limit).await?),
            Table::Mails => Rows::Mails(crate::mail::page(&self.read, offset, limit).await?),
            Table::MailTemplates => {
                Rows::MailTemplates(crate::mail::templates_page(&self.read, offset, limit).await?)
            }
            Table::Tickets => Rows::Tickets(crate::tickets::page(&self.read, offset, limit).await?),
            Table::TicketEntries => {
                Rows::TicketEntries(crate::tickets::entries_page(&self.read, offset, limit).await?)
            }
            Table::Attachments => {
                Rows::Attachments(crate::attachments::page(&self.read, offset, limit).await?)
            }
            Table::MonitoringSessions => Rows::MonitoringSessions(
                crate::reports::sessions_page(&self.read, offset, limit).await?,
            ),
            Table::AuditLog => {
                Rows::AuditLog(crate::transcripts::audit_page(&self.read, offset, limit).await?)
            }
        })
    }
    async fn restore_rows(&self, rows: &Rows) -> Result<()> {
        let rows = rows.clone();
        self.writer
            .exec(move |c| {
                Box::pin(async move {
                    match &rows {
                        Rows::ChatHistory(r) => {
                            for e in r {
                                history::insert(c, e).await?;
                            }
                        }
                        Rows::Timers(r) => {
                            for t in r {
                                timers::insert(c, t).await?;
                            }
                        }
                        Rows::Conversations(r) => {
                            for conversation in r {
                                conversations::restore(c, conversation).await?;
                            }
                        }
                        Rows::ChatTags(r) => {
                            for t in r {
                                crate::tags::insert(c, t).await?;
                            }
                        }
                        Rows::Transfers(r) => {
                            for (t, ended_at) in r {
                                crate::transfers::insert(c, t, *ended_at).await?;
                            }
                        }
                        Rows::CannedMessages(r) => {
                            for m in r {
                                crate::canned::put(c, m).await?;
                            }
                        }
                        Rows::ChatRatings(r) => {
                            for rating in r {
                                crate::ratings::insert(c, rating).await?;
                            }
                        }
                        Rows::Faqs(r) => {
                            for f in r {
                                crate::faqs::put(c, f).await?;
                            }
                        }
                        Rows::Mails(r) => {
                            for m in r {
                                crate::mail::insert(c, m).await?;
                            }
                        }
                        Rows::MailTemplates(r) => {
                            for (i, k, t) in r {
                                crate::mail::put_template(c, *i, *k, Some(t)).await?;
                            }
                        }
                        Rows::Tickets(r) => {
                            for t in r {
                                crate::tickets::insert(c, t).await?;
                            }
                        }
                        Rows::TicketEntries(r) => {
                            for e in r {
                                crate::tickets::insert_entry(c, e).await?;
                            }
                        }
                        Rows::Attachments(r) => {
                            for a in r {
                                crate::attachments::insert(c, a).await?;
                            }
                        }
                        Rows::MonitoringSessions(r) => {
                            for m in r {
                                crate::reports::insert_session(c, m).await?;
                            }
                        }
                        Rows::AuditLog(r) => {
                            for e in r {
                                crate::transcripts::insert_audit(c, e).await?;
                            }
                        }
                    }
                    Ok(())
                })
            })
            .await
    }
}
