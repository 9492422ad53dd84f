//! Follow-up tickets and their entries.

use crate::SqliteStore;
use crate::grants::unknown_reference;
use crate::rows::{Result, db, from_micros, micros, unique_is};
use async_trait::async_trait;
use refdesk_core::{Email, EntryKind, Mail, Ticket, TicketEntry, TicketId, TicketStatus};
use refdesk_store::{Conflict, StoreError, TicketFilter, TicketStore, TicketUpdate};
use sqlx::{SqliteConnection, SqlitePool};
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
    created_at: i64,
    updated_at: i64,
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
                created_at: from_micros(r.created_at)?,
                updated_at: from_micros(r.updated_at)?,
            })
        })
        .collect()
}

type EntryRow = (Uuid, Uuid, String, Option<Uuid>, String, i64);

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
                at: from_micros(at)?,
            })
        })
        .collect()
}

fn refused(e: sqlx::Error) -> StoreError {
    if e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
    {
        unique_is(Conflict::AlreadyExists)(e)
    } else {
        unknown_reference(e)
    }
}

pub(crate) async fn insert(conn: &mut SqliteConnection, t: &Ticket) -> Result<()> {
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
    .bind(micros(t.created_at))
    .bind(micros(t.updated_at))
    .execute(conn)
    .await
    .map_err(refused)?;
    Ok(())
}

pub(crate) async fn insert_entry(conn: &mut SqliteConnection, e: &TicketEntry) -> Result<()> {
    sqlx::query(
        "INSERT INTO ticket_entries (id, ticket_id, kind, author, body, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(e.id)
    .bind(Uuid::from(e.ticket_id))
    .bind(e.kind.as_str())
    .bind(e.author.map(Uuid::from))
    .bind(&e.body)
    .bind(micros(e.at))
    .execute(conn)
    .await
    .map_err(refused)?;
    Ok(())
}

pub(crate) async fn page(pool: &SqlitePool, offset: u64, limit: u32) -> Result<Vec<Ticket>> {
    let rows: Vec<TicketRow> = sqlx::query_as(concat!(
        "SELECT ",
        ticket_columns!(),
        " FROM tickets ORDER BY id LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    decode(rows)
}

pub(crate) async fn entries_page(
    pool: &SqlitePool,
    offset: u64,
    limit: u32,
) -> Result<Vec<TicketEntry>> {
    let rows: Vec<EntryRow> = sqlx::query_as(
        "SELECT id, ticket_id, kind, author, body, at FROM ticket_entries ORDER BY id \
         LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    decode_entries(rows)
}

async fn one(conn: &mut SqliteConnection, id: TicketId) -> Result<Ticket> {
    let rows: Vec<TicketRow> = sqlx::query_as(concat!(
        "SELECT ",
        ticket_columns!(),
        " FROM tickets WHERE id = $1"
    ))
    .bind(Uuid::from(id))
    .fetch_all(conn)
    .await
    .map_err(db)?;
    decode(rows)?.pop().ok_or(StoreError::NotFound)
}

async fn apply(
    conn: &mut SqliteConnection,
    id: TicketId,
    update: &TicketUpdate,
    now: OffsetDateTime,
) -> Result<Ticket> {
    let done = sqlx::query(
        "UPDATE tickets SET status = coalesce($2, status), \
         assignee = CASE WHEN $3 THEN $4 ELSE assignee END, updated_at = $5 WHERE id = $1",
    )
    .bind(Uuid::from(id))
    .bind(update.status.map(TicketStatus::as_str))
    .bind(update.assignee.is_some())
    .bind(update.assignee.flatten().map(Uuid::from))
    .bind(micros(now))
    .execute(&mut *conn)
    .await
    .map_err(unknown_reference)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    one(conn, id).await
}

#[async_trait]
impl TicketStore for SqliteStore {
    async fn create_ticket(&self, ticket: &Ticket, entries: &[TicketEntry]) -> Result<()> {
        let t = ticket.clone();
        let entries = entries.to_vec();
        self.writer
            .exec(move |c| {
                Box::pin(async move {
                    insert(c, &t).await?;
                    for e in &entries {
                        insert_entry(c, e).await?;
                    }
                    Ok(())
                })
            })
            .await
    }
    async fn ticket(&self, id: TicketId) -> Result<Ticket> {
        let mut conn = self.read.acquire().await.map_err(db)?;
        one(&mut conn, id).await
    }
    async fn tickets(&self, f: &TicketFilter) -> Result<Vec<Ticket>> {
        let statuses: Vec<&str> = f.statuses.iter().map(|s| s.as_str()).collect();
        let statuses = serde_json::to_string(&statuses).map_err(StoreError::other)?;
        let (after_at, after_id) = match f.after {
            Some((at, id)) => (micros(at), Uuid::from(id)),
            None => (i64::MAX, Uuid::max()),
        };
        let rows: Vec<TicketRow> = sqlx::query_as(concat!(
            "SELECT ",
            ticket_columns!(),
            " FROM tickets WHERE institution_id = $1 \
             AND ($2 = '[]' OR status IN (SELECT value FROM json_each($2))) \
             AND ($3 IS NULL OR department_id = $3) AND ($4 IS NULL OR assignee = $4) \
             AND (updated_at, id) < ($5, $6) \
             ORDER BY updated_at DESC, id DESC LIMIT $7"
        ))
        .bind(Uuid::from(f.institution))
        .bind(statuses)
        .bind(f.department.map(Uuid::from))
        .bind(f.assignee.map(Uuid::from))
        .bind(after_at)
        .bind(after_id)
        .bind(i64::from(f.limit))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        decode(rows)
    }
    async fn ticket_entries(&self, id: TicketId) -> Result<Vec<TicketEntry>> {
        let rows: Vec<EntryRow> = sqlx::query_as(
            "SELECT id, ticket_id, kind, author, body, at FROM ticket_entries \
             WHERE ticket_id = $1 ORDER BY at, id",
        )
        .bind(Uuid::from(id))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        decode_entries(rows)
    }
    async fn add_ticket_entry(
        &self,
        entry: &TicketEntry,
        update: &TicketUpdate,
        mail: Option<&Mail>,
    ) -> Result<Ticket> {
        let (e, u, m) = (entry.clone(), update.clone(), mail.cloned());
        self.writer
            .exec(move |c| {
                Box::pin(async move {
                    let t = apply(c, e.ticket_id, &u, e.at).await?;
                    insert_entry(c, &e).await?;
                    if let Some(m) = &m {
                        crate::mail::insert(c, m).await?;
                    }
                    Ok(t)
                })
            })
            .await
    }
    async fn update_ticket(
        &self,
        id: TicketId,
        update: &TicketUpdate,
        now: OffsetDateTime,
    ) -> Result<Ticket> {
        let u = update.clone();
        self.writer
            .exec(move |c| Box::pin(async move { apply(c, id, &u, now).await }))
            .await
    }
}
