//! What reports read: one fact per chat, from the chat, its history's first claim, its
//! transfers, tickets, rating and tags.

use crate::SqliteStore;
use crate::rows::{Result, db, from_micros, hex_array, micros};
use async_trait::async_trait;
use refdesk_core::report::{ChatFact, MonitoringSession, Outcome};
use refdesk_core::{ChatStatus, MonitorScope};
use refdesk_store::{FactFilter, ReportStore, StoreError};
use sqlx::{SqliteConnection, SqlitePool};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct FactRow {
    id: Uuid,
    institution_id: Uuid,
    department_id: Uuid,
    widget_id: Uuid,
    coop_id: Option<Uuid>,
    created_at: i64,
    ended_at: Option<i64>,
    status: String,
    claimed_at: Option<i64>,
    claimed_by: Option<Uuid>,
    claimed_by_institution: Option<Uuid>,
    transfers: i64,
    tickets: i64,
    stars: Option<i64>,
    commented: bool,
    tags: String,
}

impl FactRow {
    fn decode(self) -> Result<ChatFact> {
        let status =
            ChatStatus::parse(&self.status).ok_or_else(|| StoreError::corrupt("chats.status"))?;
        Ok(ChatFact {
            chat_id: self.id.into(),
            institution_id: self.institution_id.into(),
            department_id: self.department_id.into(),
            widget_id: self.widget_id.into(),
            coop_id: self.coop_id.map(Into::into),
            created_at: from_micros(self.created_at)?,
            first_claimed_at: self.claimed_at.map(from_micros).transpose()?,
            ended_at: self.ended_at.map(from_micros).transpose()?,
            outcome: Outcome::of(status, self.claimed_at.is_some()),
            answered_by: self.claimed_by.map(Into::into),
            answered_by_institution: self.claimed_by_institution.map(Into::into),
            transfers: u32::try_from(self.transfers).unwrap_or(0),
            tickets: u32::try_from(self.tickets).unwrap_or(0),
            stars: self.stars.and_then(|s| u8::try_from(s).ok()),
            commented: self.commented,
            tags: serde_json::from_str(&self.tags).map_err(|_| StoreError::corrupt("chat_tags"))?,
        })
    }
}

type SessionRow = (Uuid, String, Uuid, i64, Option<i64>);

fn decode_session((user, kind, id, started, ended): SessionRow) -> Result<MonitoringSession> {
    Ok(MonitoringSession {
        user_id: user.into(),
        scope: MonitorScope::from_parts(&kind, id)
            .ok_or_else(|| StoreError::corrupt("monitoring_sessions.scope_kind"))?,
        started_at: from_micros(started)?,
        ended_at: ended.map(from_micros).transpose()?,
    })
}

/// A page of every monitoring session (for a dump).
pub(crate) async fn sessions_page(
    pool: &SqlitePool,
    offset: u64,
    limit: u32,
) -> Result<Vec<MonitoringSession>> {
    let rows: Vec<SessionRow> = sqlx::query_as(
        "SELECT user_id, scope_kind, scope_id, started_at, ended_at FROM monitoring_sessions \
         ORDER BY user_id, scope_kind, scope_id, started_at LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter().map(decode_session).collect()
}

/// Restores one monitoring session (from a dump).
pub(crate) async fn insert_session(
    conn: &mut SqliteConnection,
    m: &MonitoringSession,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO monitoring_sessions (user_id, scope_kind, scope_id, started_at, ended_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(Uuid::from(m.user_id))
    .bind(m.scope.kind())
    .bind(m.scope.id())
    .bind(micros(m.started_at))
    .bind(m.ended_at.map(micros))
    .execute(conn)
    .await
    .map_err(crate::grants::unknown_reference)?;
    Ok(())
}

#[async_trait]
impl ReportStore for SqliteStore {
    async fn chat_facts(&self, filter: &FactFilter) -> Result<Vec<ChatFact>> {
        if filter.institutions.is_empty()
            && filter.answered_by.is_empty()
            && filter.coops.is_empty()
        {
            return Ok(Vec::new());
        }
        // Each reach is a range of its own index on the start time; the union is sorted here,
        // which is cheaper than asking SQLite to sort a year of rows.
        let rows: Vec<FactRow> = sqlx::query_as(
            "SELECT chat_id AS id, institution_id, department_id, widget_id, coop_id, \
               created_at, ended_at, status, claimed_at, claimed_by, claimed_by_institution, \
               transfers, tickets, stars, commented, tags \
             FROM chat_facts WHERE seq IN ( \
               SELECT seq FROM chat_facts \
                WHERE institution_id IN (SELECT unhex(value) FROM json_each($3)) \
                  AND created_at >= $1 AND created_at < $2 \
               UNION SELECT seq FROM chat_facts \
                WHERE claimed_by_institution IN (SELECT unhex(value) FROM json_each($4)) \
                  AND created_at >= $1 AND created_at < $2 \
               UNION SELECT seq FROM chat_facts \
                WHERE coop_id IN (SELECT unhex(value) FROM json_each($5)) \
                  AND created_at >= $1 AND created_at < $2)",
        )
        .bind(filter.from.map_or(i64::MIN, micros))
        .bind(filter.to.map_or(i64::MAX, micros))
        .bind(hex_array(&filter.institutions)?)
        .bind(hex_array(&filter.answered_by)?)
        .bind(hex_array(&filter.coops)?)
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        let mut facts = rows
            .into_iter()
            .map(FactRow::decode)
            .collect::<Result<Vec<_>>>()?;
        facts.sort_unstable_by_key(|f| (f.created_at, f.chat_id));
        Ok(facts)
    }

    async fn monitoring_sessions(
        &self,
        scopes: &[MonitorScope],
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<MonitoringSession>> {
        if scopes.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<(&str, String)> = scopes
            .iter()
            .map(|s| (s.kind(), s.id().simple().to_string()))
            .collect();
        let rows: Vec<SessionRow> = sqlx::query_as(
            "SELECT m.user_id, m.scope_kind, m.scope_id, m.started_at, m.ended_at \
             FROM json_each($1) AS k JOIN monitoring_sessions AS m \
               ON m.scope_kind = k.value ->> 0 AND m.scope_id = unhex(k.value ->> 1) \
             WHERE m.started_at < $3 AND (m.ended_at IS NULL OR m.ended_at > $2) \
             ORDER BY m.started_at, m.user_id",
        )
        .bind(serde_json::to_string(&keys).map_err(StoreError::other)?)
        .bind(micros(from))
        .bind(micros(to))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        rows.into_iter().map(decode_session).collect()
    }
}
