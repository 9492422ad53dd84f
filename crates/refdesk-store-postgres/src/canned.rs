//! Canned messages.

use crate::PgStore;
use crate::error::store_error;
use async_trait::async_trait;
use refdesk_core::{CannedId, CannedMessage, CannedScope};
use refdesk_store::{CannedStore, Result, StoreError};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

type CannedRow = (Uuid, String, Uuid, String, String, OffsetDateTime);

fn decode(rows: Vec<CannedRow>) -> Result<Vec<CannedMessage>> {
    rows.into_iter()
        .map(|(id, kind, scope, title, body, at)| {
            Ok(CannedMessage {
                id: id.into(),
                scope: CannedScope::from_parts(&kind, scope)
                    .ok_or_else(|| StoreError::corrupt("canned_messages.scope_kind"))?,
                title,
                body,
                updated_at: at,
            })
        })
        .collect()
}

/// Inserts or replaces a canned message (never moving it to another scope).
pub(crate) async fn put(conn: &mut PgConnection, c: &CannedMessage) -> Result<()> {
    let done = sqlx::query(
        "INSERT INTO canned_messages (id, scope_kind, scope_id, title, body, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body, \
           updated_at = excluded.updated_at \
         WHERE canned_messages.scope_kind = excluded.scope_kind \
           AND canned_messages.scope_id = excluded.scope_id",
    )
    .bind(c.id.as_uuid())
    .bind(c.scope.kind())
    .bind(c.scope.id())
    .bind(&c.title)
    .bind(&c.body)
    .bind(c.updated_at)
    .execute(conn)
    .await
    .map_err(store_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn page(
    pool: &sqlx::PgPool,
    offset: u64,
    limit: u32,
) -> Result<Vec<CannedMessage>> {
    let rows: Vec<CannedRow> = sqlx::query_as(
        "SELECT id, scope_kind, scope_id, title, body, updated_at FROM canned_messages \
         ORDER BY id LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(limit))
    .bind(crate::rows::count_param(offset))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    decode(rows)
}

#[async_trait]
impl CannedStore for PgStore {
    async fn put_canned(&self, canned: &CannedMessage) -> Result<()> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        put(&mut conn, canned).await
    }
    async fn canned(&self, id: CannedId) -> Result<CannedMessage> {
        let rows: Vec<CannedRow> = sqlx::query_as(
            "SELECT id, scope_kind, scope_id, title, body, updated_at FROM canned_messages \
             WHERE id = $1",
        )
        .bind(id.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        decode(rows)?.pop().ok_or(StoreError::NotFound)
    }
    async fn delete_canned(&self, id: CannedId) -> Result<bool> {
        let n = sqlx::query("DELETE FROM canned_messages WHERE id = $1")
            .bind(id.as_uuid())
            .execute(&self.pool)
            .await
            .map_err(store_error)?
            .rows_affected();
        Ok(n > 0)
    }
    async fn canned_of(&self, scopes: &[CannedScope]) -> Result<Vec<CannedMessage>> {
        if scopes.is_empty() {
            return Ok(Vec::new());
        }
        let kinds: Vec<&str> = scopes.iter().map(|s| s.kind()).collect();
        let ids: Vec<Uuid> = scopes.iter().map(|s| s.id()).collect();
        let rows: Vec<CannedRow> = sqlx::query_as(
            "SELECT c.id, c.scope_kind, c.scope_id, c.title, c.body, c.updated_at \
             FROM canned_messages AS c \
             JOIN UNNEST($1::TEXT[], $2::UUID[]) AS s (kind, id) \
               ON c.scope_kind = s.kind AND c.scope_id = s.id \
             ORDER BY c.title, c.id LIMIT 1000",
        )
        .bind(&kinds)
        .bind(&ids)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        decode(rows)
    }
}
