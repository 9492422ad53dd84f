//! Staff conversations: opening the one direct conversation of a pair, and the reads. Their
//! messages are appended by the batching writer like a chat's.

use crate::error::{corrupt, store_error};
use crate::rows::{seq, seq_param};
use refdesk_core::{Conversation, ConversationId, UserId, conversation::direct_pair};
use refdesk_store::{Result, StoreError};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

macro_rules! columns {
    () => {
        "id, created_at, last_seq, direct_a, direct_b"
    };
}

#[derive(sqlx::FromRow)]
struct ConversationRow {
    id: Uuid,
    created_at: OffsetDateTime,
    last_seq: i64,
    direct_a: Uuid,
    direct_b: Uuid,
}

impl ConversationRow {
    fn decode(self) -> Result<Conversation> {
        Ok(Conversation {
            id: self.id.into(),
            members: vec![self.direct_a.into(), self.direct_b.into()],
            created_at: self.created_at,
            last_seq: seq(self.last_seq).map_err(store_error)?,
        })
    }
}

fn pair(c: &Conversation) -> Result<[UserId; 2]> {
    match c.members.as_slice() {
        [a, b] if a != b => Ok(direct_pair(*a, *b)),
        _ => Err(store_error(corrupt(
            "a direct conversation has two members",
        ))),
    }
}

/// Stores `c` unless its pair has a conversation already; returns the pair's conversation.
/// The insert and the read are one statement; when a racing open of the same pair committed
/// after that statement's snapshot was taken (so it neither added nor saw a row), the pair is
/// read again.
pub(crate) async fn open_direct(pool: &PgPool, c: &Conversation) -> Result<Conversation> {
    let [a, b] = pair(c)?;
    let row: Option<ConversationRow> = sqlx::query_as(concat!(
        "WITH added AS (INSERT INTO conversations (id, created_at, last_seq, direct_a, direct_b) \
         VALUES ($1, $2, 0, $3, $4) ON CONFLICT (direct_a, direct_b) DO NOTHING RETURNING ",
        columns!(),
        ") SELECT ",
        columns!(),
        " FROM added UNION ALL SELECT ",
        columns!(),
        " FROM conversations WHERE direct_a = $3 AND direct_b = $4"
    ))
    .bind(c.id.as_uuid())
    .bind(c.created_at)
    .bind(Uuid::from(a))
    .bind(Uuid::from(b))
    .fetch_optional(pool)
    .await
    .map_err(store_error)?;
    if let Some(row) = row {
        return row.decode();
    }
    let row: ConversationRow = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations WHERE direct_a = $1 AND direct_b = $2"
    ))
    .bind(Uuid::from(a))
    .bind(Uuid::from(b))
    .fetch_one(pool)
    .await
    .map_err(store_error)?;
    row.decode()
}

pub(crate) async fn conversation(pool: &PgPool, id: ConversationId) -> Result<Conversation> {
    let row: Option<ConversationRow> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations WHERE id = $1"
    ))
    .bind(id.as_uuid())
    .fetch_optional(pool)
    .await
    .map_err(store_error)?;
    row.ok_or(StoreError::NotFound)?.decode()
}

pub(crate) async fn of_user(pool: &PgPool, user: UserId) -> Result<Vec<Conversation>> {
    let rows: Vec<ConversationRow> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations WHERE direct_a = $1 OR direct_b = $1 ORDER BY id DESC"
    ))
    .bind(user.as_uuid())
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter().map(ConversationRow::decode).collect()
}

/// Conversations in id order, for `migrate-data`.
pub(crate) async fn page(pool: &PgPool, offset: u64, limit: u32) -> Result<Vec<Conversation>> {
    let rows: Vec<ConversationRow> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations ORDER BY id LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter().map(ConversationRow::decode).collect()
}

/// Writes a conversation exactly as read, head included (`migrate-data`).
pub(crate) async fn restore(conn: &mut PgConnection, c: &Conversation) -> Result<()> {
    let [a, b] = pair(c)?;
    sqlx::query(
        "INSERT INTO conversations (id, created_at, last_seq, direct_a, direct_b) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(c.id.as_uuid())
    .bind(c.created_at)
    .bind(seq_param(c.last_seq))
    .bind(Uuid::from(a))
    .bind(Uuid::from(b))
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}
