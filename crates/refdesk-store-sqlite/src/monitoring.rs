//! Who monitors which queue right now, and how many chats operators hold.

use crate::SqliteStore;
use crate::grants::unknown_reference;
use crate::rows::{Result, db, from_micros, micros};
use async_trait::async_trait;
use refdesk_core::{Monitor, MonitorScope, UserId};
use refdesk_store::{MonitoringStore, StoreError};
use sqlx::{SqliteConnection, SqlitePool};
use time::OffsetDateTime;
use uuid::Uuid;

/// Ends `user`'s open monitoring sessions (of `scope`, or of everything) at `at`: before the
/// live rows go, so the history has the switch's own time (see the `monitoring_sessions`
/// migration).
async fn close_sessions(
    conn: &mut SqliteConnection,
    user: UserId,
    scope: Option<MonitorScope>,
    at: OffsetDateTime,
) -> Result<()> {
    sqlx::query(
        "UPDATE monitoring_sessions SET ended_at = max(started_at, $4) \
         WHERE ended_at IS NULL AND user_id = $1 \
           AND ($2 IS NULL OR (scope_kind = $2 AND scope_id = $3))",
    )
    .bind(Uuid::from(user))
    .bind(scope.map(|s| s.kind()))
    .bind(scope.map(|s| s.id()))
    .bind(micros(at))
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

pub(crate) async fn set(
    conn: &mut SqliteConnection,
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
        .bind(Uuid::from(user))
        .bind(scope.kind())
        .bind(scope.id())
        .execute(conn)
        .await
        .map_err(db)?;
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO monitoring (user_id, scope_kind, scope_id, since) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(Uuid::from(user))
    .bind(scope.kind())
    .bind(scope.id())
    .bind(micros(at))
    .execute(conn)
    .await
    .map_err(unknown_reference)?;
    Ok(())
}

pub(crate) async fn reset(
    conn: &mut SqliteConnection,
    user: UserId,
    online: &[MonitorScope],
    at: OffsetDateTime,
) -> Result<()> {
    close_sessions(&mut *conn, user, None, at).await?;
    sqlx::query("DELETE FROM monitoring WHERE user_id = $1")
        .bind(Uuid::from(user))
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    for scope in online {
        set(conn, user, *scope, true, at).await?;
    }
    Ok(())
}

type MonitorRow = (Uuid, String, Uuid, i64);

fn decode(rows: Vec<MonitorRow>) -> Result<Vec<Monitor>> {
    rows.into_iter()
        .map(|(user, kind, id, since)| {
            Ok(Monitor {
                user_id: user.into(),
                scope: MonitorScope::from_parts(&kind, id)
                    .ok_or_else(|| StoreError::corrupt(format!("monitoring: {kind:?}")))?,
                since: from_micros(since)?,
            })
        })
        .collect()
}

pub(crate) async fn of_user(pool: &SqlitePool, user: UserId) -> Result<Vec<Monitor>> {
    let rows: Vec<MonitorRow> = sqlx::query_as(
        "SELECT user_id, scope_kind, scope_id, since FROM monitoring WHERE user_id = $1 \
         ORDER BY scope_kind, scope_id",
    )
    .bind(Uuid::from(user))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    decode(rows)
}

pub(crate) async fn of_scopes(pool: &SqlitePool, scopes: &[MonitorScope]) -> Result<Vec<Monitor>> {
    if scopes.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<(&str, String)> = scopes
        .iter()
        .map(|s| (s.kind(), s.id().simple().to_string()))
        .collect();
    let rows: Vec<MonitorRow> = sqlx::query_as(
        "SELECT m.user_id, m.scope_kind, m.scope_id, m.since \
         FROM json_each($1) AS k JOIN monitoring AS m \
           ON m.scope_kind = k.value ->> 0 AND m.scope_id = unhex(k.value ->> 1) \
         ORDER BY m.scope_kind, m.scope_id, m.since, m.user_id",
    )
    .bind(serde_json::to_string(&keys).map_err(StoreError::other)?)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    decode(rows)
}

async fn staffed(
    pool: &SqlitePool,
    scopes: &[MonitorScope],
    now: OffsetDateTime,
) -> Result<Vec<MonitorScope>> {
    if scopes.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<(&str, String)> = scopes
        .iter()
        .map(|s| (s.kind(), s.id().simple().to_string()))
        .collect();
    let rows: Vec<(String, Uuid)> = sqlx::query_as(
        "SELECT DISTINCT m.scope_kind, m.scope_id \
         FROM json_each($1) AS k JOIN monitoring AS m \
           ON m.scope_kind = k.value ->> 0 AND m.scope_id = unhex(k.value ->> 1) \
         WHERE EXISTS (SELECT 1 FROM staff_presence AS p \
                       WHERE p.user_id = m.user_id AND p.expires_at > $2) \
         ORDER BY m.scope_kind, m.scope_id",
    )
    .bind(serde_json::to_string(&keys).map_err(StoreError::other)?)
    .bind(micros(now))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter()
        .map(|(kind, id)| {
            MonitorScope::from_parts(&kind, id)
                .ok_or_else(|| StoreError::corrupt(format!("monitoring: {kind:?}")))
        })
        .collect()
}

pub(crate) async fn chats_held(
    pool: &SqlitePool,
    operators: &[UserId],
) -> Result<Vec<(UserId, u32)>> {
    if operators.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = operators
        .iter()
        .map(|u| Uuid::from(*u).simple().to_string())
        .collect();
    let rows: Vec<(Uuid, i64)> = sqlx::query_as(
        "SELECT operator_id, COUNT(*) FROM chats \
         WHERE operator_id IN (SELECT unhex(value) FROM json_each($1)) \
         GROUP BY operator_id ORDER BY operator_id",
    )
    .bind(serde_json::to_string(&ids).map_err(StoreError::other)?)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    Ok(rows
        .into_iter()
        .map(|(u, n)| (u.into(), u32::try_from(n).unwrap_or(u32::MAX)))
        .collect())
}

pub(crate) async fn chats_of_operator(
    pool: &SqlitePool,
    operator: UserId,
) -> Result<Vec<refdesk_core::Chat>> {
    let rows: Vec<crate::rows::ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        crate::rows::chat_columns!(),
        " FROM chats WHERE operator_id = $1 ORDER BY created_at, id"
    ))
    .bind(Uuid::from(operator))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    crate::rows::all(rows)
}

async fn connected(
    conn: &mut SqliteConnection,
    user: UserId,
    node: Uuid,
    until: OffsetDateTime,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO staff_presence (user_id, node_id, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, node_id) DO UPDATE SET expires_at = excluded.expires_at",
    )
    .bind(Uuid::from(user))
    .bind(node)
    .bind(micros(until))
    .execute(conn)
    .await
    .map_err(unknown_reference)?;
    Ok(())
}

async fn anywhere(conn: &mut SqliteConnection, user: UserId, now: OffsetDateTime) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff_presence WHERE user_id = $1 AND expires_at > $2",
    )
    .bind(Uuid::from(user))
    .bind(micros(now))
    .fetch_one(conn)
    .await
    .map_err(db)?;
    Ok(n > 0)
}

async fn disconnected(
    conn: &mut SqliteConnection,
    user: UserId,
    node: Uuid,
    now: OffsetDateTime,
) -> Result<bool> {
    sqlx::query("DELETE FROM staff_presence WHERE user_id = $1 AND node_id = $2")
        .bind(Uuid::from(user))
        .bind(node)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(!anywhere(conn, user, now).await?)
}

async fn take_expired(conn: &mut SqliteConnection, now: OffsetDateTime) -> Result<Vec<UserId>> {
    let gone: Vec<(Uuid,)> =
        sqlx::query_as("DELETE FROM staff_presence WHERE expires_at <= $1 RETURNING user_id")
            .bind(micros(now))
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
    let mut users: Vec<UserId> = gone.into_iter().map(|(u,)| u.into()).collect();
    users.sort();
    users.dedup();
    let mut out = Vec::new();
    for u in users {
        if !anywhere(conn, u, now).await? {
            out.push(u);
        }
    }
    Ok(out)
}

#[async_trait]
impl MonitoringStore for SqliteStore {
    async fn staff_connected(&self, user: UserId, node: Uuid, until: OffsetDateTime) -> Result<()> {
        self.writer
            .exec(move |c| Box::pin(async move { connected(c, user, node, until).await }))
            .await
    }
    async fn staff_disconnected(
        &self,
        user: UserId,
        node: Uuid,
        now: OffsetDateTime,
    ) -> Result<bool> {
        self.writer
            .exec(move |c| Box::pin(async move { disconnected(c, user, node, now).await }))
            .await
    }
    async fn staff_connected_anywhere(&self, user: UserId, now: OffsetDateTime) -> Result<bool> {
        let mut conn = self.read.acquire().await.map_err(db)?;
        anywhere(&mut conn, user, now).await
    }
    async fn take_expired_staff(&self, now: OffsetDateTime) -> Result<Vec<UserId>> {
        self.writer
            .exec(move |c| Box::pin(async move { take_expired(c, now).await }))
            .await
    }
    async fn set_monitoring(
        &self,
        user: UserId,
        scope: MonitorScope,
        online: bool,
        at: OffsetDateTime,
    ) -> Result<()> {
        self.writer
            .exec(move |c| Box::pin(async move { set(c, user, scope, online, at).await }))
            .await
    }
    async fn reset_monitoring(
        &self,
        user: UserId,
        online: &[MonitorScope],
        at: OffsetDateTime,
    ) -> Result<()> {
        let online = online.to_vec();
        self.writer
            .exec(move |c| Box::pin(async move { reset(c, user, &online, at).await }))
            .await
    }
    async fn monitoring_of(&self, user: UserId) -> Result<Vec<Monitor>> {
        of_user(&self.read, user).await
    }
    async fn monitors_of(&self, scopes: &[MonitorScope]) -> Result<Vec<Monitor>> {
        of_scopes(&self.read, scopes).await
    }
    async fn staffed(
        &self,
        scopes: &[MonitorScope],
        now: OffsetDateTime,
    ) -> Result<Vec<MonitorScope>> {
        staffed(&self.read, scopes, now).await
    }
}
