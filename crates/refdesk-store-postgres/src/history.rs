//! The typed history of chats: one row per state change, written in the transaction of the
//! change (see [`crate::chats`]), read by transcripts, reports and audit. The event is kept
//! whole as JSON; its kind and operator are columns of their own, for queries that select by
//! them.

use crate::error::store_error;
use crate::rows::{HistoryRow, count_param, version_param};
use refdesk_core::{ChatHistoryEntry, ChatId};
use refdesk_store::Result;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Stores one history row; `Conflict::AlreadyExists` when the chat already has that version.
pub(crate) async fn insert(conn: &mut PgConnection, e: &ChatHistoryEntry) -> Result<()> {
    sqlx::query(
        "INSERT INTO chat_events \
           (chat_id, version, at, kind, operator_id, institution_id, department_id, event) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.chat_id.as_uuid())
    .bind(version_param(e.version)?)
    .bind(e.at)
    .bind(e.event.kind())
    .bind(e.event.operator().map(Uuid::from))
    .bind(e.institution_id.as_uuid())
    .bind(e.department_id.as_uuid())
    .bind(Json(e.event))
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn of_chat(pool: &PgPool, chat: ChatId) -> Result<Vec<ChatHistoryEntry>> {
    let rows: Vec<HistoryRow> = sqlx::query_as(concat!(
        "SELECT ",
        history_columns!(),
        " FROM chat_events WHERE chat_id = $1 ORDER BY version"
    ))
    .bind(chat.as_uuid())
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter()
        .map(|r| r.decode().map_err(store_error))
        .collect()
}

/// History rows of every chat in key order (chat, then version), skipping the first `offset`.
pub(crate) async fn page(pool: &PgPool, offset: u64, limit: u32) -> Result<Vec<ChatHistoryEntry>> {
    let rows: Vec<HistoryRow> = sqlx::query_as(concat!(
        "SELECT ",
        history_columns!(),
        " FROM chat_events ORDER BY chat_id, version LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(count_param(offset))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter()
        .map(|r| r.decode().map_err(store_error))
        .collect()
}
