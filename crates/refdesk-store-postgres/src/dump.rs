//! Moving a whole installation to another store (`refdesk migrate-data`): reading everything
//! page by page in id (or key) order, and writing it back exactly as read into an empty store.
//! The `restore_*` writes bypass the rules the other verbs keep (states, versions, sequence
//! numbers and timestamps are taken as given), so they are kept apart from them here.

use crate::error::store_error;
use crate::messages::bind_message_rows;
use crate::rows::{
    ChatRow, DepartmentRow, InstitutionRow, UserRow, WidgetRow, seq_param, version_param,
};
use crate::{grants, history, timers};
use refdesk_core::{Chat, ChatId, Coop, DisplayName, Guest, GuestId, Message};
use refdesk_store::{Directory, Result, Rows, StoreError, Table, TokenHash, UserRecord};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct CoopRow {
    id: Uuid,
    name: String,
}

#[derive(sqlx::FromRow)]
struct GuestTokenRow {
    id: Uuid,
    widget_id: Uuid,
    created_at: OffsetDateTime,
    token_hash: Vec<u8>,
}

fn decode_all<R, T>(rows: Vec<R>, decode: impl Fn(R) -> Result<T, sqlx::Error>) -> Result<Vec<T>> {
    rows.into_iter()
        .map(|r| decode(r).map_err(store_error))
        .collect()
}

async fn all<R>(conn: &mut PgConnection, sql: &'static str) -> Result<Vec<R>>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    sqlx::query_as(sql)
        .fetch_all(conn)
        .await
        .map_err(store_error)
}

/// The whole directory, read in one snapshot so its lists agree with each other.
pub(crate) async fn directory_snapshot(pool: &PgPool) -> Result<Directory> {
    let mut tx = pool.begin().await.map_err(store_error)?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
    let institutions: Vec<InstitutionRow> = all(
        &mut tx,
        "SELECT id, name, slug FROM institutions ORDER BY id",
    )
    .await?;
    let coops: Vec<CoopRow> = all(&mut tx, "SELECT id, name FROM coops ORDER BY id").await?;
    let members: Vec<(Uuid, Uuid)> = all(
        &mut tx,
        "SELECT coop_id, institution_id FROM coop_members ORDER BY coop_id, institution_id",
    )
    .await?;
    let departments: Vec<DepartmentRow> = all(
        &mut tx,
        "SELECT id, institution_id, name FROM departments ORDER BY id",
    )
    .await?;
    let widgets: Vec<WidgetRow> = all(
        &mut tx,
        "SELECT id, institution_id, department_id, name, allowed_origins, settings FROM widgets \
         ORDER BY id",
    )
    .await?;
    let users: Vec<UserRow> = all(
        &mut tx,
        concat!("SELECT ", user_columns!(), " FROM users ORDER BY id"),
    )
    .await?;
    let grants = grants::all_grants(&mut tx).await?;
    tx.commit().await.map_err(store_error)?;
    Ok(Directory {
        institutions: decode_all(institutions, InstitutionRow::decode)?,
        coops: decode_all(coops, |c| {
            Ok(Coop {
                id: c.id.into(),
                name: DisplayName::parse(&c.name).map_err(crate::error::corrupt)?,
            })
        })?,
        coop_members: members
            .into_iter()
            .map(|(c, i)| (c.into(), i.into()))
            .collect(),
        departments: decode_all(departments, DepartmentRow::decode)?,
        widgets: decode_all(widgets, WidgetRow::decode)?,
        users: decode_all(users, |u| {
            Ok(UserRecord {
                user: u.decode()?,
                password_hash: u.password_hash,
            })
        })?,
        grants,
    })
}

pub(crate) async fn guests_page(
    pool: &PgPool,
    after: Option<GuestId>,
    limit: u32,
) -> Result<Vec<(Guest, TokenHash)>> {
    let rows: Vec<GuestTokenRow> = sqlx::query_as(
        "SELECT id, widget_id, created_at, token_hash FROM guests \
         WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2",
    )
    .bind(after.map(Uuid::from))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    decode_all(rows, |g| {
        let token = <[u8; 32]>::try_from(g.token_hash.as_slice())
            .map_err(|_| crate::error::corrupt(format_args!("token hash of guest {}", g.id)))?;
        let guest = Guest {
            id: g.id.into(),
            widget_id: g.widget_id.into(),
            created_at: g.created_at,
        };
        Ok((guest, TokenHash(token)))
    })
}

pub(crate) async fn chats_page(
    pool: &PgPool,
    after: Option<ChatId>,
    limit: u32,
) -> Result<Vec<Chat>> {
    let rows: Vec<ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2"
    ))
    .bind(after.map(Uuid::from))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    decode_all(rows, ChatRow::decode)
}

pub(crate) async fn restore_directory(pool: &PgPool, d: &Directory) -> Result<()> {
    let mut tx = pool.begin().await.map_err(store_error)?;
    for i in &d.institutions {
        crate::directory::insert_institution(&mut tx, i).await?;
    }
    for c in &d.coops {
        grants::insert_coop(&mut tx, c).await?;
    }
    for (coop, institution) in &d.coop_members {
        sqlx::query("INSERT INTO coop_members (coop_id, institution_id) VALUES ($1, $2)")
            .bind(coop.as_uuid())
            .bind(institution.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
    }
    for dep in &d.departments {
        crate::directory::insert_department(&mut tx, dep).await?;
    }
    for w in &d.widgets {
        crate::directory::insert_widget(&mut tx, w).await?;
    }
    for u in &d.users {
        crate::directory::insert_user(&mut tx, &u.user, &u.password_hash).await?;
    }
    for (user, grant) in &d.grants {
        grants::insert_grant(&mut tx, *user, *grant).await?;
    }
    tx.commit().await.map_err(store_error)
}

pub(crate) async fn restore_guests(pool: &PgPool, guests: &[(Guest, TokenHash)]) -> Result<()> {
    let ids: Vec<Uuid> = guests.iter().map(|(g, _)| *g.id.as_uuid()).collect();
    let tokens: Vec<Vec<u8>> = guests.iter().map(|(_, t)| t.0.to_vec()).collect();
    let widgets: Vec<Uuid> = guests.iter().map(|(g, _)| *g.widget_id.as_uuid()).collect();
    let times: Vec<OffsetDateTime> = guests.iter().map(|(g, _)| g.created_at).collect();
    sqlx::query(
        "INSERT INTO guests (id, token_hash, widget_id, created_at) \
         SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::uuid[], $4::timestamptz[])",
    )
    .bind(ids)
    .bind(tokens)
    .bind(widgets)
    .bind(times)
    .execute(pool)
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn restore_chat(pool: &PgPool, c: &Chat) -> Result<()> {
    sqlx::query(concat!(
        "INSERT INTO chats (",
        chat_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)"
    ))
    .bind(c.id.as_uuid())
    .bind(c.institution_id.as_uuid())
    .bind(c.department_id.as_uuid())
    .bind(c.widget_id.as_uuid())
    .bind(c.guest_id.as_uuid())
    .bind(c.state.status().as_str())
    .bind(c.state.operator().map(Uuid::from))
    .bind(c.patron_name.as_ref().map(|n| n.as_str()))
    .bind(c.patron_email.as_ref().map(|e| e.as_str()))
    .bind(c.question.as_ref().map(|q| q.as_str()))
    .bind(c.referrer.as_deref())
    .bind(c.user_agent.as_deref())
    .bind(c.created_at)
    .bind(c.claimed_at)
    .bind(c.ended_at)
    .bind(seq_param(c.last_seq))
    .bind(version_param(c.version)?)
    .bind(c.answered_by.map(Uuid::from))
    .bind(seq_param(c.last_patron_seq))
    .bind(i32::try_from(c.step).map_err(|_| StoreError::corrupt("step beyond i32"))?)
    .bind(c.coop_id.map(Uuid::from))
    .bind(c.companions.iter().map(|u| Uuid::from(*u)).collect::<Vec<_>>())
    .bind(c.patron_ip.as_deref())
    .execute(pool)
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn restore_messages(pool: &PgPool, messages: &[Message]) -> Result<()> {
    if messages.is_empty() {
        return Ok(());
    }
    if let Some(m) = messages.iter().find(|m| m.seq.0 == 0) {
        return Err(StoreError::corrupt(format!("message {} has seq 0", m.id)));
    }
    let mut tx = pool.begin().await.map_err(store_error)?;
    let (query, _) = bind_message_rows(sqlx::query(insert_message_rows!()), messages);
    query.execute(&mut *tx).await.map_err(store_error)?;
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
        crate::transcripts::index(&mut tx, chat).await?;
    }
    tx.commit().await.map_err(store_error)
}

/// One page of a table moved by rows rather than by a verb of its own, in key order.
pub(crate) async fn rows_page(
    pool: &PgPool,
    table: Table,
    offset: u64,
    limit: u32,
) -> Result<Rows> {
    Ok(match table {
        Table::ChatHistory => Rows::ChatHistory(history::page(pool, offset, limit).await?),
        Table::Timers => Rows::Timers(timers::page(pool, offset, limit).await?),
        Table::Conversations => {
            Rows::Conversations(crate::conversations::page(pool, offset, limit).await?)
        }
        Table::ChatTags => Rows::ChatTags(crate::tags::page(pool, offset, limit).await?),
        Table::Transfers => Rows::Transfers(crate::transfers::page(pool, offset, limit).await?),
        Table::CannedMessages => {
            Rows::CannedMessages(crate::canned::page(pool, offset, limit).await?)
        }
        Table::ChatRatings => Rows::ChatRatings(crate::ratings::page(pool, offset, limit).await?),
        Table::Faqs => Rows::Faqs(crate::faqs::page(pool, offset, limit).await?),
        Table::Mails => Rows::Mails(crate::mail::page(pool, offset, limit).await?),
        Table::MailTemplates => {
            Rows::MailTemplates(crate::mail::templates_page(pool, offset, limit).await?)
        }
        Table::Tickets => Rows::Tickets(crate::tickets::page(pool, offset, limit).await?),
        Table::TicketEntries => {
            Rows::TicketEntries(crate::tickets::entries_page(pool, offset, limit).await?)
        }
        Table::Attachments => {
            Rows::Attachments(crate::attachments::page(pool, offset, limit).await?)
        }
        Table::MonitoringSessions => {
            Rows::MonitoringSessions(crate::reports::sessions_page(pool, offset, limit).await?)
        }
        Table::AuditLog => {
            Rows::AuditLog(crate::transcripts::audit_page(pool, offset, limit).await?)
        }
    })
}

/// Writes rows read by [`rows_page`], in one transaction. Restored timers are unclaimed: a
/// claim belongs to a node of the store they were read from.
pub(crate) async fn restore_rows(pool: &PgPool, rows: &Rows) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut tx = pool.begin().await.map_err(store_error)?;
    match rows {
        Rows::ChatHistory(entries) => {
            for e in entries {
                history::insert(&mut tx, e).await?;
            }
        }
        Rows::Timers(list) => {
            for t in list {
                timers::insert(&mut tx, t).await?;
            }
        }
        Rows::Conversations(list) => {
            for c in list {
                crate::conversations::restore(&mut tx, c).await?;
            }
        }
        Rows::ChatTags(list) => {
            for t in list {
                crate::tags::insert(&mut tx, t).await?;
            }
        }
        Rows::Transfers(list) => {
            for (t, ended_at) in list {
                crate::transfers::insert(&mut tx, t, *ended_at).await?;
            }
        }
        Rows::CannedMessages(list) => {
            for m in list {
                crate::canned::put(&mut tx, m).await?;
            }
        }
        Rows::ChatRatings(list) => {
            for r in list {
                crate::ratings::insert(&mut tx, r).await?;
            }
        }
        Rows::Faqs(list) => {
            for f in list {
                crate::faqs::put(&mut tx, f).await?;
            }
        }
        Rows::Mails(list) => {
            for m in list {
                crate::mail::insert(&mut tx, m).await?;
            }
        }
        Rows::MailTemplates(list) => {
            for (i, k, t) in list {
                crate::mail::put_template(&mut tx, *i, *k, Some(t)).await?;
            }
        }
        Rows::Tickets(list) => {
            for t in list {
                crate::tickets::insert(&mut tx, t).await?;
            }
        }
        Rows::TicketEntries(list) => {
            for e in list {
                crate::tickets::insert_entry(&mut tx, e).await?;
            }
        }
        Rows::Attachments(list) => {
            for a in list {
                crate::attachments::insert(&mut tx, a).await?;
            }
        }
        Rows::MonitoringSessions(list) => {
            for m in list {
                crate::reports::insert_session(&mut tx, m).await?;
            }
        }
        Rows::AuditLog(list) => {
            for e in list {
                crate::transcripts::insert_audit(&mut tx, e).await?;
            }
        }
    }
    tx.commit().await.map_err(store_error)
}
