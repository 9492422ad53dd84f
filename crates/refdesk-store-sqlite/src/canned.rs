//! Canned messages.

use crate::SqliteStore;
use crate::rows::{Result, db, from_micros, micros};
use async_trait::async_trait;
use refdesk_core::{CannedId, CannedMessage, CannedScope};
use refdesk_store::{CannedStore, StoreError};
use sqlx::{SqliteConnection, SqlitePool};
use uuid::Uuid;

type CannedRow = (Uuid, String, Uuid, String, String, i64);

fn decode(rows: Vec<CannedRow>) -> Result<Vec<CannedMessage>> {
    rows.into_iter()
        .map(|(id, kind, scope, title, body, at)| {
            Ok(CannedMessage {
                id: id.into(),
                scope: CannedScope::from_parts(&kind, scope)
                    .ok_or_else(|| StoreError::corrupt("canned_messages.scope_kind"))?,
                title,
                body,
                updated_at: from_micros(at)?,
            })
        })
        .collect()
}

/// Inserts or replaces a canned message (never moving it to another scope).
pub(crate) async fn put(conn: &mut SqliteConnection, c: &CannedMessage) -> Result<()> {
    let done = sqlx::query(
        "INSERT INTO canned_messages (id, scope_kind, scope_id, title, body, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body, \
           updated_at = excluded.updated_at \
         WHERE canned_messages.scope_kind = excluded.scope_kind \
           AND canned_messages.scope_id = excluded.scope_id",
    )
    .bind(Uuid::from(c.id))
    .bind(c.scope.kind())
    .bind(c.scope.id())
    .bind(&c.title)
    .bind(&c.body)
    .bind(micros(c.updated_at))
    .execute(conn)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn page(pool: &SqlitePool, offset: u64, limit: u32) -> Result<Vec<CannedMessage>> {
    let rows: Vec<CannedRow> = sqlx::query_as(
        "SELECT id, scope_kind, scope_id, title, body, updated_at FROM canned_messages \
         ORDER BY id LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    decode(rows)
}

#[async_trait]
impl CannedStore for SqliteStore {
    async fn put_canned(&self, canned: &CannedMessage) -> Result<()> {
        let c = canned.clone();
        self.writer
            .exec(move |conn| Box::pin(async move { put(conn, &c).await }))
            .await
    }
    async fn canned(&self, id: CannedId) -> Result<CannedMessage> {
        let rows: Vec<CannedRow> = sqlx::query_as(
            "SELECT id, scope_kind, scope_id, title, body, updated_at FROM canned_messages \
             WHERE id = $1",
        )
        .bind(Uuid::from(id))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        decode(rows)?.pop().ok_or(StoreError::NotFound)
    }
    async fn delete_canned(&self, id: CannedId) -> Result<bool> {
        self.writer
            .exec(move |conn| {
                Box::pin(async move {
                    let n = sqlx::query("DELETE FROM canned_messages WHERE id = $1")
                        .bind(Uuid::from(id))
                        .execute(conn)
                        .await
                        .map_err(db)?
                        .rows_affected();
                    Ok(n > 0)
                })
            })
            .await
    }
    async fn canned_of(&self, scopes: &[CannedScope]) -> Result<Vec<CannedMessage>> {
        if scopes.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = scopes
            .iter()
            .map(|s| format!("{}:{}", s.kind(), s.id().simple()))
            .collect();
        let rows: Vec<CannedRow> = sqlx::query_as(
            "SELECT id, scope_kind, scope_id, title, body, updated_at FROM canned_messages \
             WHERE scope_kind || ':' || lower(hex(scope_id)) IN (SELECT value FROM json_each($1)) \
             ORDER BY title, id LIMIT 1000",
        )
        .bind(serde_json::to_string(&keys).map_err(StoreError::other)?)
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        decode(rows)
    }
}
