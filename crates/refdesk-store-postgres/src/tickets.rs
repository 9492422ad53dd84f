//! Follow-up tickets and their entries.

use crate::PgStore;
use crate::error::store_error;
use async_trait::async_trait;
use refdesk_core::{Email, EntryKind, Mail, Ticket, TicketEntry, TicketId, TicketStatus};
use refdesk_store::{Result, StoreError, TicketFilter, TicketStore, TicketUpdate};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

macro_rules! ticket_columns {
    () => {
        "id, institution_id, department_id, chat_id, patron_name, patron_email, subject, status, \
         assignee, created_by, created_at, updated_at"
    };
}

#[derive(sqlx::FromRow)]
struct TicketRow {
    id: Uuid,
    institution_id: Uuid,
    department_id: Uuid,
    chat_id: Option<Uuid>,
    patron_name: String,
    patron_email: String,
    subject: String,
    status: String,
    assignee: Option<Uuid>,
    created_by: Option<Uuid>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

fn decode(rows: Vec<TicketRow>) -> Result<Vec<Ticket>> {
    rows.into_iter()
        .map(|r| {
            Ok(Ticket {
                id: r.id.into(),
                institution_id: r.institution_id.into(),
                department_id: r.department_id.into(),
                chat_id: r.chat_id.map(Into::into),
                patron_name: r.patron_name,
                patron_email: Email::parse(&r.patron_email)
                    .map_err(|_| StoreError::corrupt("tickets.patron_email"))?,
                subject: r.subject,
                status: TicketStatus::parse(&r.status)
                    .ok_or_else(|| StoreError::corrupt("tickets.status"))?,
                assignee: r.assignee.map(Into::into),
                created_by: r.created_by.map(Into::into),
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
        })
        .collect()
}

type EntryRow = (Uuid, Uuid, String, Option<Uuid>, String, OffsetDateTime);

fn decode_entries(rows: Vec<EntryRow>) -> Result<Vec<TicketEntry>> {
    rows.into_iter()
        .map(|(id, ticket, kind, author, body, at)| {
            Ok(TicketEntry {
                id,
                ticket_id: ticket.into(),
                kind: EntryKind::parse(&kind)
                    .ok_or_else(|| StoreError::corrupt("ticket_entries.kind"))?,
                author: author.map(Into::into),
                body,
                at,
            })
        })
        .collect()
}

pub(crate) async fn insert(conn: &mut PgConnection, t: &Ticket) -> Result<()> {
    sqlx::query(concat!(
        "INSERT INTO tickets (",
        ticket_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(Uuid::from(t.id))
    .bind(Uuid::from(t.institution_id))
    .bind(Uuid::from(t.department_id))
    .bind(t.chat_id.map(Uuid::from))
    .bind(&t.patron_name)
    .bind(t.patron_email.as_str())
    .bind(&t.subject)
    .bind(t.status.as_str())
    .bind(t.assignee.map(Uuid::from))
    .bind(t.created_by.map(Uuid::from))
    .bind(t.created_at)
    .bind(t.updated_at)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn insert_entry(conn: &mut PgConnection, e: &TicketEntry) -> Result<()> {
    sqlx::query(
        "INSERT INTO ticket_entries (id, ticket_id, kind, author, body, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(e.id)
    .bind(Uuid::from(e.ticket_id))
    .bind(e.kind.as_str())
    .bind(e.author.map(Uuid::from))
    .bind(&e.body)
    .bind(e.at)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn page(pool: &PgPool, offset: u64, limit: u32) -> Result<Vec<Ticket>> {
    let rows: Vec<TicketRow> = sqlx::query_as(concat!(
        "SELECT ",
        ticket_columns!(),
        " FROM tickets ORDER BY id LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(crate::rows::count_param(offset))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    decode(rows)
}

pub(crate) async fn entries_page(
    pool: &PgPool,
    offset: u64,
    limit: u32,
) -> Result<Vec<TicketEntry>> {
    let rows: Vec<EntryRow> = sqlx::query_as(
        "SELECT id, ticket_id, kind, author, body, at FROM ticket_entries ORDER BY id \
         LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(limit))
    .bind(crate::rows::count_param(offset))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    decode_entries(rows)
}

async fn one(conn: &mut PgConnection, id: TicketId) -> Result<Ticket> {
    let rows: Vec<TicketRow> = sqlx::query_as(concat!(
        "SELECT ",
        ticket_columns!(),
        " FROM tickets WHERE id = $1"
    ))
    .bind(Uuid::from(id))
    .fetch_all(conn)
    .await
    .map_err(store_error)?;
    decode(rows)?.pop().ok_or(StoreError::NotFound)
}

async fn apply(
    conn: &mut PgConnection,
    id: TicketId,
    update: &TicketUpdate,
    now: OffsetDateTime,
) -> Result<Ticket> {
    let done = sqlx::query(
        "UPDATE tickets SET status = coalesce($2::text, status), \
         assignee = CASE WHEN $3 THEN $4::uuid ELSE assignee END, updated_at = $5 WHERE id = $1",
    )
    .bind(Uuid::from(id))
    .bind(update.status.map(TicketStatus::as_str))
    .bind(update.assignee.is_some())
    .bind(update.assignee.flatten().map(Uuid::from))
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(store_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    one(conn, id).await
}

#[async_trait]
impl TicketStore for PgStore {
    async fn create_ticket(&self, ticket: &Ticket, entries: &[TicketEntry]) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        insert(&mut tx, ticket).await?;
        for e in entries {
            insert_entry(&mut tx, e).await?;
        }
        tx.commit().await.map_err(store_error)
    }
    async fn ticket(&self, id: TicketId) -> Result<Ticket> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        one(&mut conn, id).await
    }
    async fn tickets(&self, f: &TicketFilter) -> Result<Vec<Ticket>> {
        let statuses: Vec<&str> = f.statuses.iter().map(|s| s.as_str()).collect();
        let (after_at, after_id) = (f.after.map(|a| a.0), f.after.map(|a| Uuid::from(a.1)));
        let rows: Vec<TicketRow> = sqlx::query_as(concat!(
            "SELECT ",
            ticket_columns!(),
            " FROM tickets WHERE institution_id = $1 \
             AND (cardinality($2::text[]) = 0 OR status = ANY($2)) \
             AND ($3::uuid IS NULL OR department_id = $3) AND ($4::uuid IS NULL OR assignee = $4) \
             AND ($5::timestamptz IS NULL OR (updated_at, id) < ($5, $6::uuid)) \
             ORDER BY updated_at DESC, id DESC LIMIT $7"
        ))
        .bind(Uuid::from(f.institution))
        .bind(statuses)
        .bind(f.department.map(Uuid::from))
        .bind(f.assignee.map(Uuid::from))
        .bind(after_at)
        .bind(after_id)
        .bind(i64::from(f.limit))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        decode(rows)
    }
    async fn ticket_entries(&self, id: TicketId) -> Result<Vec<TicketEntry>> {
        let rows: Vec<EntryRow> = sqlx::query_as(
            "SELECT id, ticket_id, kind, author, body, at FROM ticket_entries \
             WHERE ticket_id = $1 ORDER BY at, id",
        )
        .bind(Uuid::from(id))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        decode_entries(rows)
    }
    async fn add_ticket_entry(
        &self,
        entry: &TicketEntry,
        update: &TicketUpdate,
        mail: Option<&Mail>,
    ) -> Result<Ticket> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let t = apply(&mut tx, entry.ticket_id, update, entry.at).await?;
        insert_entry(&mut tx, entry).await?;
        if let Some(m) = mail {
            crate::mail::insert(&mut tx, m).await?;
        }
        tx.commit().await.map_err(store_error)?;
        Ok(t)
    }
    async fn update_ticket(
        &self,
        id: TicketId,
        update: &TicketUpdate,
        now: OffsetDateTime,
    ) -> Result<Ticket> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        apply(&mut conn, id, update, now).await
    }
}
