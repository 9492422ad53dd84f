//! Durable timers: set and cancelled by decisions (in their transaction) or on their own, and
//! claimed when due. Claims run on the single writer, so two callers can never claim one timer;
//! a lease lets another node take over a timer whose claimant died before finishing it.

use crate::rows::{Result, db, from_micros, micros};
use refdesk_core::{Timer, TimerKey, TimerKind, TimerOp};
use refdesk_store::{ClaimedTimer, StoreError};
use sqlx::{SqliteConnection, SqlitePool};
use time::OffsetDateTime;
use uuid::Uuid;

fn version_column(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| StoreError::corrupt("timer version beyond i64"))
}

pub(crate) fn timer_of(kind: &str, subject: Uuid, due_at: i64, version: i64) -> Result<Timer> {
    Ok(Timer {
        key: TimerKey {
            kind: TimerKind::parse(kind)
                .ok_or_else(|| StoreError::corrupt(format!("timers.kind: {kind:?}")))?,
            subject,
        },
        due_at: from_micros(due_at)?,
        version: u64::try_from(version)
            .map_err(|_| StoreError::corrupt("timers.version: negative"))?,
    })
}

pub(crate) async fn apply(conn: &mut SqliteConnection, ops: &[TimerOp]) -> Result<()> {
    for op in ops {
        match op {
            TimerOp::Set(t) => insert(conn, t).await?,
            TimerOp::Cancel(k) => {
                sqlx::query("DELETE FROM timers WHERE kind = $1 AND subject = $2")
                    .bind(k.kind.as_str())
                    .bind(k.subject)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?;
            }
            TimerOp::Carry { key, from, to } => {
                let (from, to) = (version_column(*from)?, version_column(*to)?);
                sqlx::query(
                    "UPDATE timers SET version = $4, claim = NULL, claimed_until = NULL \
                     WHERE kind = $1 AND subject = $2 AND version = $3",
                )
                .bind(key.kind.as_str())
                .bind(key.subject)
                .bind(from)
                .bind(to)
                .execute(&mut *conn)
                .await
                .map_err(db)?;
            }
        }
    }
    Ok(())
}

/// Sets a timer, replacing one of the same key and dropping any claim on it.
pub(crate) async fn insert(conn: &mut SqliteConnection, t: &Timer) -> Result<()> {
    sqlx::query(
        "INSERT INTO timers (kind, subject, due_at, version, claim, claimed_until) \
         VALUES ($1, $2, $3, $4, NULL, NULL) \
         ON CONFLICT (kind, subject) DO UPDATE SET due_at = excluded.due_at, \
           version = excluded.version, claim = NULL, claimed_until = NULL",
    )
    .bind(t.key.kind.as_str())
    .bind(t.key.subject)
    .bind(micros(t.due_at))
    .bind(version_column(t.version)?)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

pub(crate) async fn claim_due(
    conn: &mut SqliteConnection,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: u32,
) -> Result<Vec<ClaimedTimer>> {
    let claim = Uuid::now_v7();
    let rows: Vec<(String, Uuid, i64, i64)> = sqlx::query_as(
        "UPDATE timers SET claim = $1, claimed_until = $2 \
         WHERE (kind, subject) IN ( \
           SELECT kind, subject FROM timers \
           WHERE due_at <= $3 AND (claimed_until IS NULL OR claimed_until <= $3) \
           ORDER BY due_at LIMIT $4) \
         RETURNING kind, subject, due_at, version",
    )
    .bind(claim)
    .bind(micros(lease_until))
    .bind(micros(now))
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await
    .map_err(db)?;
    let mut claimed = rows
        .into_iter()
        .map(|(k, s, d, v)| {
            Ok(ClaimedTimer {
                timer: timer_of(&k, s, d, v)?,
                claim,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    claimed.sort_by_key(|c| (c.timer.due_at, c.timer.key));
    Ok(claimed)
}

pub(crate) async fn finish(conn: &mut SqliteConnection, c: &ClaimedTimer) -> Result<()> {
    sqlx::query("DELETE FROM timers WHERE kind = $1 AND subject = $2 AND claim = $3")
        .bind(c.timer.key.kind.as_str())
        .bind(c.timer.key.subject)
        .bind(c.claim)
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}

pub(crate) async fn next_due(pool: &SqlitePool) -> Result<Option<OffsetDateTime>> {
    let next: Option<i64> = sqlx::query_scalar(
        "SELECT min(CASE WHEN claimed_until > due_at THEN claimed_until ELSE due_at END) \
         FROM timers",
    )
    .fetch_one(pool)
    .await
    .map_err(db)?;
    next.map(from_micros).transpose()
}

pub(crate) async fn page(pool: &SqlitePool, offset: u64, limit: u32) -> Result<Vec<Timer>> {
    let rows: Vec<(String, Uuid, i64, i64)> = sqlx::query_as(
        "SELECT kind, subject, due_at, version FROM timers ORDER BY kind, subject \
         LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter()
        .map(|(k, s, d, v)| timer_of(&k, s, d, v))
        .collect()
}
