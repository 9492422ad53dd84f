//! What reports read: one fact per chat, from the chat, its history's first claim, its
//! transfers, tickets, rating and tags.

use crate::PgStore;
use crate::error::store_error;
use async_trait::async_trait;
use refdesk_core::report::{ChatFact, MonitoringSession, Outcome};
use refdesk_core::{ChatStatus, MonitorScope};
use refdesk_store::{FactFilter, ReportStore, Result, StoreError};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct FactRow {
    id: Uuid,
    institution_id: Uuid,
    department_id: Uuid,
    widget_id: Uuid,
    coop_id: Option<Uuid>,
    created_at: OffsetDateTime,
    ended_at: Option<OffsetDateTime>,
    status: String,
    claimed_at: Option<OffsetDateTime>,
    claimed_by: Option<Uuid>,
    claimed_by_institution: Option<Uuid>,
    transfers: i64,
    tickets: i64,
    stars: Option<i16>,
    commented: bool,
    tags: Vec<String>,
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
            created_at: self.created_at,
            first_claimed_at: self.claimed_at,
            ended_at: self.ended_at,
            outcome: Outcome::of(status, self.claimed_at.is_some()),
            answered_by: self.claimed_by.map(Into::into),
            answered_by_institution: self.claimed_by_institution.map(Into::into),
            transfers: u32::try_from(self.transfers).unwrap_or(0),
            tickets: u32::try_from(self.tickets).unwrap_or(0),
            stars: self.stars.and_then(|s| u8::try_from(s).ok()),
            commented: self.commented,
            tags: self.tags,
        })
    }
}

type SessionRow = (Uuid, String, Uuid, OffsetDateTime, Option<OffsetDateTime>);

fn decode_session((user, kind, id, started_at, ended_at): SessionRow) -> Result<MonitoringSession> {
    Ok(MonitoringSession {
        user_id: user.into(),
        scope: MonitorScope::from_parts(&kind, id)
            .ok_or_else(|| StoreError::corrupt("monitoring_sessions.scope_kind"))?,
        started_at,
        ended_at,
    })
}

/// A page of every monitoring session (for a dump).
pub(crate) async fn sessions_page(
    pool: &PgPool,
    offset: u64,
    limit: u32,
) -> Result<Vec<MonitoringSession>> {
    let rows: Vec<SessionRow> = sqlx::query_as(
        "SELECT user_id, scope_kind, scope_id, started_at, ended_at FROM monitoring_sessions \
         ORDER BY user_id, scope_kind, scope_id, started_at LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(limit))
    .bind(crate::rows::count_param(offset))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter().map(decode_session).collect()
}

/// Restores one monitoring session (from a dump).
pub(crate) async fn insert_session(conn: &mut PgConnection, m: &MonitoringSession) -> Result<()> {
    sqlx::query(
        "INSERT INTO monitoring_sessions (user_id, scope_kind, scope_id, started_at, ended_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(m.user_id.as_uuid())
    .bind(m.scope.kind())
    .bind(m.scope.id())
    .bind(m.started_at)
    .bind(m.ended_at)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

#[async_trait]
impl ReportStore for PgStore {
    async fn chat_facts(&self, filter: &FactFilter) -> Result<Vec<ChatFact>> {
        if filter.institutions.is_empty()
            && filter.answered_by.is_empty()
            && filter.coops.is_empty()
        {
            return Ok(Vec::new());
        }
        let ids = |v: &[refdesk_core::InstitutionId]| -> Vec<Uuid> {
            v.iter().map(|i| *i.as_uuid()).collect()
        };
        let coops: Vec<Uuid> = filter.coops.iter().map(|c| *c.as_uuid()).collect();
        // Each of the three reaches is a range of its own index; their union is sorted here.
        let rows: Vec<FactRow> = sqlx::query_as(
            "SELECT chat_id AS id, institution_id, department_id, widget_id, coop_id, \
               created_at, ended_at, status, claimed_at, claimed_by, claimed_by_institution, \
               transfers, tickets, stars, commented, tags \
             FROM chat_facts \
             WHERE created_at >= coalesce($1, '-infinity'::timestamptz) \
               AND created_at < coalesce($2, 'infinity'::timestamptz) \
               AND (institution_id = ANY($3) OR claimed_by_institution = ANY($4) \
                    OR coop_id = ANY($5))",
        )
        .bind(filter.from)
        .bind(filter.to)
        .bind(ids(&filter.institutions))
        .bind(ids(&filter.answered_by))
        .bind(coops)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
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
        let kinds: Vec<&str> = scopes.iter().map(|s| s.kind()).collect();
        let ids: Vec<Uuid> = scopes.iter().map(|s| s.id()).collect();
        let rows: Vec<SessionRow> = sqlx::query_as(
            "SELECT user_id, scope_kind, scope_id, started_at, ended_at \
                 FROM monitoring_sessions \
                 WHERE (scope_kind, scope_id) IN (SELECT * FROM unnest($1::text[], $2::uuid[])) \
                   AND started_at < $4 AND (ended_at IS NULL OR ended_at > $3) \
                 ORDER BY started_at, user_id",
        )
        .bind(&kinds)
        .bind(&ids)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter().map(decode_session).collect()
    }
}
