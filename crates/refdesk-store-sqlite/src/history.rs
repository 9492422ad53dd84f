//! The typed history of chats: one row per state change, written in the transaction of the
//! change, read by transcripts, reports and audit.

use crate::rows::{Result, db, from_micros, micros};
use refdesk_core::{ChatEvent, ChatHistoryEntry, ChatId};
use refdesk_store::StoreError;
use sqlx::{SqliteConnection, SqlitePool};
use uuid::Uuid;

pub(crate) async fn insert(conn: &mut SqliteConnection, e: &ChatHistoryEntry) -> Result<()> {
    sqlx::query(
        "INSERT INTO chat_events \
           (chat_id, version, at, kind, operator_id, institution_id, department_id, event) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(Uuid::from(e.chat_id))
    .bind(i64::try_from(e.version).map_err(|_| StoreError::corrupt("version beyond i64"))?)
    .bind(micros(e.at))
    .bind(e.event.kind())
    .bind(e.event.operator().map(Uuid::from))
    .bind(Uuid::from(e.institution_id))
    .bind(Uuid::from(e.department_id))
    .bind(serde_json::to_string(&e.event).map_err(StoreError::other)?)
    .execute(conn)
    .await
    .map_err(refdesk_store_unique)?;
    Ok(())
}

fn refdesk_store_unique(e: sqlx::Error) -> StoreError {
    crate::rows::unique_is(refdesk_store::Conflict::AlreadyExists)(e)
}

type Row = (Uuid, i64, i64, Uuid, Uuid, String);

fn entry((chat, version, at, institution, department, event): Row) -> Result<ChatHistoryEntry> {
    Ok(ChatHistoryEntry {
        chat_id: chat.into(),
        version: u64::try_from(version)
            .map_err(|_| StoreError::corrupt("chat_events.version: negative"))?,
        at: from_micros(at)?,
        event: serde_json::from_str::<ChatEvent>(&event)
            .map_err(|e| StoreError::corrupt(format!("chat_events.event: {e}")))?,
        institution_id: institution.into(),
        department_id: department.into(),
    })
}

pub(crate) async fn of_chat(pool: &SqlitePool, chat: ChatId) -> Result<Vec<ChatHistoryEntry>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT chat_id, version, at, institution_id, department_id, event FROM chat_events \
         WHERE chat_id = $1 ORDER BY version",
    )
    .bind(Uuid::from(chat))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter().map(entry).collect()
}

pub(crate) async fn page(
    pool: &SqlitePool,
    offset: u64,
    limit: u32,
) -> Result<Vec<ChatHistoryEntry>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT chat_id, version, at, institution_id, department_id, event FROM chat_events \
         ORDER BY chat_id, version LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter().map(entry).collect()
}
