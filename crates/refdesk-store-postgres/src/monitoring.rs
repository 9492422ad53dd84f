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

/// Ends `user`'s open monitoring sessions (of `scope`, or of everything) at `at`: before the
/// live rows go, so the history has the switch's own time (see the `monitoring_sessions`
/// migration).
async fn close_sessions(
    conn: &mut PgConnection,
    user: UserId,
    scope: Option<MonitorScope>,
    at: OffsetDateTime,
) -> Result<()> {
    sqlx::query(
        "UPDATE monitoring_sessions SET ended_at = greatest(started_at, $4) \
         WHERE ended_at IS NULL AND user_id = $1 \
           AND ($2::text IS NULL OR (scope_kind = $2 AND scope_id = $3))",
    )
    .bind(user.as_uuid())
    .bind(scope.map(|s| s.kind()))
    .bind(scope.map(|s| s.id()))
    .bind(at)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

async fn set(
    conn: &mut PgConnection,
    user: UserId,
    scope: MonitorScope,
    online: bool,
    at: OffsetDateTime,
) -> Result<()> {
    if !online {
        close_sessions(&mut *conn, user, Some(scope), at).await?;
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

pub(crate) async fn chats_of_operator(
    pool: &PgPool,
    operator: UserId,
) -> Result<Vec<refdesk_core::Chat>> {
    let rows: Vec<crate::rows::ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats WHERE operator_id = $1 ORDER BY created_at, id"
    ))
    .bind(operator.as_uuid())
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter()
        .map(|r| r.decode().map_err(store_error))
        .collect()
}

async fn anywhere(conn: &mut PgConnection, user: UserId, now: OffsetDateTime) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff_presence WHERE user_id = $1 AND expires_at > $2",
    )
    .bind(user.as_uuid())
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(store_error)?;
    Ok(n > 0)
}

#[async_trait]
impl MonitoringStore for PgStore {
    async fn staff_connected(&self, user: UserId, node: Uuid, until: OffsetDateTime) -> Result<()> {
        sqlx::query(
            "INSERT INTO staff_presence (user_id, node_id, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, node_id) DO UPDATE SET expires_at = excluded.expires_at",
        )
        .bind(user.as_uuid())
        .bind(node)
        .bind(until)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }
    async fn staff_disconnected(
        &self,
        user: UserId,
        node: Uuid,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        sqlx::query("DELETE FROM staff_presence WHERE user_id = $1 AND node_id = $2")
            .bind(user.as_uuid())
            .bind(node)
            .execute(&mut *conn)
            .await
            .map_err(store_error)?;
        Ok(!anywhere(&mut conn, user, now).await?)
    }
    async fn staff_connected_anywhere(&self, user: UserId, now: OffsetDateTime) -> Result<bool> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        anywhere(&mut conn, user, now).await
    }
    async fn take_expired_staff(&self, now: OffsetDateTime) -> Result<Vec<UserId>> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        let gone: Vec<(Uuid,)> =
            sqlx::query_as("DELETE FROM staff_presence WHERE expires_at <= $1 RETURNING user_id")
                .bind(now)
                .fetch_all(&mut *conn)
                .await
                .map_err(store_error)?;
        let mut users: Vec<UserId> = gone.into_iter().map(|(u,)| u.into()).collect();
        users.sort();
        users.dedup();
        let mut out = Vec::new();
        for u in users {
            if !anywhere(&mut conn, u, now).await? {
                out.push(u);
            }
        }
        Ok(out)
    }
    async fn set_monitoring(
        &self,
        user: UserId,
        scope: MonitorScope,
        online: bool,
        at: OffsetDateTime,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        set(&mut tx, user, scope, online, at).await?;
        tx.commit().await.map_err(store_error)
    }
    async fn reset_monitoring(
        &self,
        user: UserId,
        online: &[MonitorScope],
        at: OffsetDateTime,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        close_sessions(&mut tx, user, None, at).await?;
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
    async fn staffed(
        &self,
        scopes: &[MonitorScope],
        now: OffsetDateTime,
    ) -> Result<Vec<MonitorScope>> {
        let kinds: Vec<&str> = scopes.iter().map(|s| s.kind()).collect();
        let ids: Vec<Uuid> = scopes.iter().map(|s| s.id()).collect();
        let rows: Vec<(String, Uuid)> = sqlx::query_as(
            "SELECT DISTINCT m.scope_kind, m.scope_id FROM monitoring AS m \
             WHERE (m.scope_kind, m.scope_id) IN (SELECT * FROM unnest($1::text[], $2::uuid[])) \
               AND EXISTS (SELECT 1 FROM staff_presence AS p \
                           WHERE p.user_id = m.user_id AND p.expires_at > $3) \
             ORDER BY m.scope_kind, m.scope_id",
        )
        .bind(&kinds)
        .bind(&ids)
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter()
            .map(|(kind, id)| {
                MonitorScope::from_parts(&kind, id)
                    .ok_or_else(|| StoreError::corrupt(format!("monitoring: {kind:?}")))
            })
            .collect()
    }
}
