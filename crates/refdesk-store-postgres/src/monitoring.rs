//! Who monitors which queue right now, and how many chats operators hold. An unknown user is
//! `NotFound` (the foreign key, see [`crate::error`]).

use crate::PgStore;
use crate::error::store_error;
use async_trait::async_trait;
use refdesk_core::{Monitor, MonitorScope, UserId};
use refdesk_store::{MonitoringStore, Result, StoreError};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

async fn set(
    conn: &mut PgConnection,
    user: UserId,
    scope: MonitorScope,
    online: bool,
    at: OffsetDateTime,
) -> Result<()> {
    if !online {
        sqlx::query(
            "DELETE FROM monitoring WHERE user_id = $1 AND scope_kind = $2 AND scope_id = $3",
        )
        .bind(user.as_uuid())
        .bind(scope.kind())
        .bind(scope.id())
        .execute(conn)
        .await
        .map_err(store_error)?;
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO monitoring (user_id, scope_kind, scope_id, since) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(user.as_uuid())
    .bind(scope.kind())
    .bind(scope.id())
    .bind(at)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

type MonitorRow = (Uuid, String, Uuid, OffsetDateTime);

fn decode(rows: Vec<MonitorRow>) -> Result<Vec<Monitor>> {
    rows.into_iter()
        .map(|(user, kind, id, since)| {
            Ok(Monitor {
                user_id: user.into(),
                scope: MonitorScope::from_parts(&kind, id)
                    .ok_or_else(|| StoreError::corrupt(format!("monitoring: {kind:?}")))?,
                since,
            })
        })
        .collect()
}

pub(crate) async fn chats_held(pool: &PgPool, operators: &[UserId]) -> Result<Vec<(UserId, u32)>> {
    let ids: Vec<Uuid> = operators.iter().map(|u| *u.as_uuid()).collect();
    let rows: Vec<(Uuid, i64)> = sqlx::query_as(
        "SELECT operator_id, COUNT(*) FROM chats WHERE operator_id = ANY($1) \
         GROUP BY operator_id ORDER BY operator_id",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    Ok(rows
        .into_iter()
        .map(|(u, n)| (u.into(), u32::try_from(n).unwrap_or(u32::MAX)))
        .collect())
}

#[async_trait]
impl MonitoringStore for PgStore {
    async fn set_monitoring(
        &self,
        user: UserId,
        scope: MonitorScope,
        online: bool,
        at: OffsetDateTime,
    ) -> Result<()> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        set(&mut conn, user, scope, online, at).await
    }
    async fn reset_monitoring(
        &self,
        user: UserId,
        online: &[MonitorScope],
        at: OffsetDateTime,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        sqlx::query("DELETE FROM monitoring WHERE user_id = $1")
            .bind(user.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        for scope in online {
            set(&mut tx, user, *scope, true, at).await?;
        }
        tx.commit().await.map_err(store_error)
    }
    async fn monitoring_of(&self, user: UserId) -> Result<Vec<Monitor>> {
        let rows: Vec<MonitorRow> = sqlx::query_as(
            "SELECT user_id, scope_kind, scope_id, since FROM monitoring WHERE user_id = $1 \
             ORDER BY scope_kind, scope_id",
        )
        .bind(user.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        decode(rows)
    }
    async fn monitors_of(&self, scopes: &[MonitorScope]) -> Result<Vec<Monitor>> {
        let kinds: Vec<&str> = scopes.iter().map(|s| s.kind()).collect();
        let ids: Vec<Uuid> = scopes.iter().map(|s| s.id()).collect();
        let rows: Vec<MonitorRow> = sqlx::query_as(
            "SELECT user_id, scope_kind, scope_id, since FROM monitoring \
             WHERE (scope_kind, scope_id) IN (SELECT * FROM unnest($1::text[], $2::uuid[])) \
             ORDER BY scope_kind, scope_id, since, user_id",
        )
        .bind(&kinds)
        .bind(&ids)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        decode(rows)
    }
}
