//! Durable timers: set and cancelled by decisions (in their transaction) or on their own, and
//! claimed when due. Several nodes claim at once, so a claim locks the due rows it takes with
//! `FOR UPDATE SKIP LOCKED`: each due timer goes to exactly one node, and no node waits for
//! another's claim. A lease (`claimed_until`) lets another node take over a timer whose claimant
//! died before finishing it.

use crate::error::store_error;
use crate::rows::{TimerRow, count_param, version_param};
use refdesk_core::{Timer, TimerOp};
use refdesk_store::{ClaimedTimer, Result};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

/// Applies timer operations in order, inside the caller's transaction.
pub(crate) async fn apply(conn: &mut PgConnection, ops: &[TimerOp]) -> Result<()> {
    for op in ops {
        match op {
            TimerOp::Set(t) => insert(&mut *conn, t).await?,
            TimerOp::Cancel(k) => {
                sqlx::query("DELETE FROM timers WHERE kind = $1 AND subject = $2")
                    .bind(k.kind.as_str())
                    .bind(k.subject)
                    .execute(&mut *conn)
                    .await
                    .map_err(store_error)?;
            }
            TimerOp::Carry { key, from, to } => {
                let (from, to) = (version_param(*from)?, version_param(*to)?);
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
                .map_err(store_error)?;
            }
        }
    }
    Ok(())
}

/// Sets a timer, replacing one of the same key and dropping any claim on it.
pub(crate) async fn insert(conn: &mut PgConnection, t: &Timer) -> Result<()> {
    sqlx::query(
        "INSERT INTO timers (kind, subject, due_at, version, claim, claimed_until) \
         VALUES ($1, $2, $3, $4, NULL, NULL) \
         ON CONFLICT (kind, subject) DO UPDATE SET due_at = excluded.due_at, \
           version = excluded.version, claim = NULL, claimed_until = NULL",
    )
    .bind(t.key.kind.as_str())
    .bind(t.key.subject)
    .bind(t.due_at)
    .bind(version_param(t.version)?)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

/// Applies timer operations outside a decision, in one transaction.
pub(crate) async fn set_timers(pool: &PgPool, ops: &[TimerOp]) -> Result<()> {
    if ops.is_empty() {
        return Ok(());
    }
    let mut tx = pool.begin().await.map_err(store_error)?;
    apply(&mut tx, ops).await?;
    tx.commit().await.map_err(store_error)
}

/// Claims up to `limit` timers due at `now` that nobody holds, or whose lease ran out, until
/// `lease_until`. Rows another node is claiming at this moment are skipped, not waited for; a
/// row whose claim committed meanwhile is checked again against the lease, and left out.
pub(crate) async fn claim_due(
    pool: &PgPool,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: u32,
) -> Result<Vec<ClaimedTimer>> {
    let claim = Uuid::now_v7();
    let rows: Vec<TimerRow> = sqlx::query_as(concat!(
        "UPDATE timers SET claim = $1, claimed_until = $2 \
         WHERE (kind, subject) IN ( \
           SELECT kind, subject FROM timers \
           WHERE due_at <= $3 AND (claimed_until IS NULL OR claimed_until <= $3) \
           ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED) \
         RETURNING ",
        timer_columns!()
    ))
    .bind(claim)
    .bind(lease_until)
    .bind(now)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    let mut claimed = rows
        .into_iter()
        .map(|r| {
            Ok(ClaimedTimer {
                timer: r.decode().map_err(store_error)?,
                claim,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    claimed.sort_by_key(|c| (c.timer.due_at, c.timer.key));
    Ok(claimed)
}

/// Removes a fired timer, only if it is still under this claim (not set again since).
pub(crate) async fn finish(pool: &PgPool, c: &ClaimedTimer) -> Result<()> {
    sqlx::query("DELETE FROM timers WHERE kind = $1 AND subject = $2 AND claim = $3")
        .bind(c.timer.key.kind.as_str())
        .bind(c.timer.key.subject)
        .bind(c.claim)
        .execute(pool)
        .await
        .map_err(store_error)?;
    Ok(())
}

/// When the next timer can be claimed: when it is due, or when its claim's lease runs out.
pub(crate) async fn next_due(pool: &PgPool) -> Result<Option<OffsetDateTime>> {
    let next: Option<OffsetDateTime> = sqlx::query_scalar(
        "SELECT min(greatest(due_at, coalesce(claimed_until, due_at))) FROM timers",
    )
    .fetch_one(pool)
    .await
    .map_err(store_error)?;
    Ok(next)
}

/// Timers in key order (kind, then subject), skipping the first `offset`.
pub(crate) async fn page(pool: &PgPool, offset: u64, limit: u32) -> Result<Vec<Timer>> {
    let rows: Vec<TimerRow> = sqlx::query_as(concat!(
        "SELECT ",
        timer_columns!(),
        " FROM timers ORDER BY kind, subject LIMIT $1 OFFSET $2"
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
