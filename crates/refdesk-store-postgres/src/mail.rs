//! The outbox and institutions' mail templates.

use crate::PgStore;
use crate::error::store_error;
use async_trait::async_trait;
use refdesk_core::{
    Email, InstitutionId, Mail, MailAttempt, MailId, MailKind, MailStatus, MailTemplate,
};
use refdesk_store::{MailStore, Result, StoreError};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

macro_rules! mail_columns {
    () => {
        "id, institution_id, kind, ticket_id, recipient, subject, body_text, body_html, status, \
         attempts, next_attempt_at, last_error, delivered_to, created_at, sent_at"
    };
}

#[derive(sqlx::FromRow)]
struct MailRow {
    id: Uuid,
    institution_id: Uuid,
    kind: String,
    ticket_id: Option<Uuid>,
    recipient: String,
    subject: String,
    body_text: String,
    body_html: String,
    status: String,
    attempts: i64,
    next_attempt_at: OffsetDateTime,
    last_error: Option<String>,
    delivered_to: Option<String>,
    created_at: OffsetDateTime,
    sent_at: Option<OffsetDateTime>,
}

fn decode(rows: Vec<MailRow>) -> Result<Vec<Mail>> {
    rows.into_iter()
        .map(|r| {
            Ok(Mail {
                id: r.id.into(),
                institution_id: r.institution_id.into(),
                kind: MailKind::parse(&r.kind).ok_or_else(|| StoreError::corrupt("mails.kind"))?,
                ticket_id: r.ticket_id.map(Into::into),
                to: Email::parse(&r.recipient)
                    .map_err(|_| StoreError::corrupt("mails.recipient"))?,
                subject: r.subject,
                text: r.body_text,
                html: r.body_html,
                status: MailStatus::parse(&r.status)
                    .ok_or_else(|| StoreError::corrupt("mails.status"))?,
                attempts: u32::try_from(r.attempts)
                    .map_err(|_| StoreError::corrupt("mails.attempts"))?,
                next_attempt_at: r.next_attempt_at,
                last_error: r.last_error,
                delivered_to: r.delivered_to,
                created_at: r.created_at,
                sent_at: r.sent_at,
            })
        })
        .collect()
}

pub(crate) async fn insert(conn: &mut PgConnection, m: &Mail) -> Result<()> {
    sqlx::query(concat!(
        "INSERT INTO mails (",
        mail_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    ))
    .bind(Uuid::from(m.id))
    .bind(Uuid::from(m.institution_id))
    .bind(m.kind.as_str())
    .bind(m.ticket_id.map(Uuid::from))
    .bind(m.to.as_str())
    .bind(&m.subject)
    .bind(&m.text)
    .bind(&m.html)
    .bind(m.status.as_str())
    .bind(i64::from(m.attempts))
    .bind(m.next_attempt_at)
    .bind(m.last_error.as_deref())
    .bind(m.delivered_to.as_deref())
    .bind(m.created_at)
    .bind(m.sent_at)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn page(pool: &PgPool, offset: u64, limit: u32) -> Result<Vec<Mail>> {
    let rows: Vec<MailRow> = sqlx::query_as(concat!(
        "SELECT ",
        mail_columns!(),
        " FROM mails ORDER BY id LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(crate::rows::count_param(offset))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    decode(rows)
}

type TemplateRow = (Uuid, String, String);

pub(crate) async fn templates_page(
    pool: &PgPool,
    offset: u64,
    limit: u32,
) -> Result<Vec<(InstitutionId, MailKind, MailTemplate)>> {
    let rows: Vec<TemplateRow> = sqlx::query_as(
        "SELECT institution_id, kind, template FROM mail_templates \
         ORDER BY institution_id, kind LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(limit))
    .bind(crate::rows::count_param(offset))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter()
        .map(|(i, k, t)| {
            Ok((
                i.into(),
                MailKind::parse(&k).ok_or_else(|| StoreError::corrupt("mail_templates.kind"))?,
                serde_json::from_str(&t)
                    .map_err(|_| StoreError::corrupt("mail_templates.template"))?,
            ))
        })
        .collect()
}

pub(crate) async fn put_template(
    conn: &mut PgConnection,
    institution: InstitutionId,
    kind: MailKind,
    template: Option<&MailTemplate>,
) -> Result<()> {
    match template {
        Some(t) => {
            let json = serde_json::to_string(t).map_err(StoreError::other)?;
            sqlx::query(
                "INSERT INTO mail_templates (institution_id, kind, template) VALUES ($1, $2, $3) \
                 ON CONFLICT (institution_id, kind) DO UPDATE SET template = excluded.template",
            )
            .bind(Uuid::from(institution))
            .bind(kind.as_str())
            .bind(json)
            .execute(conn)
            .await
            .map_err(store_error)?;
        }
        None => {
            sqlx::query("DELETE FROM mail_templates WHERE institution_id = $1 AND kind = $2")
                .bind(Uuid::from(institution))
                .bind(kind.as_str())
                .execute(conn)
                .await
                .map_err(store_error)?;
        }
    }
    Ok(())
}

async fn claim_due(
    conn: &mut PgConnection,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: u32,
) -> Result<Vec<Mail>> {
    let rows: Vec<MailRow> = sqlx::query_as(concat!(
        "UPDATE mails SET next_attempt_at = $1 WHERE id IN (SELECT id FROM mails \
         WHERE status = 'queued' AND next_attempt_at <= $2 ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) \
         RETURNING ",
        mail_columns!()
    ))
    .bind(lease_until)
    .bind(now)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await
    .map_err(store_error)?;
    let mut mails = decode(rows)?;
    mails.sort_by_key(|m| (m.created_at, m.id));
    Ok(mails)
}

async fn record(conn: &mut PgConnection, id: MailId, attempt: &MailAttempt) -> Result<()> {
    let q = match attempt {
        MailAttempt::Sent { at, delivered_to } => sqlx::query(
            "UPDATE mails SET status = 'sent', attempts = attempts + 1, sent_at = $2, \
             delivered_to = $3, last_error = NULL WHERE id = $1",
        )
        .bind(Uuid::from(id))
        .bind(*at)
        .bind(delivered_to.as_str()),
        MailAttempt::Retry {
            error,
            next_attempt_at,
        } => sqlx::query(
            "UPDATE mails SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3 \
             WHERE id = $1",
        )
        .bind(Uuid::from(id))
        .bind(*next_attempt_at)
        .bind(error.as_str()),
        MailAttempt::Failed { error } => sqlx::query(
            "UPDATE mails SET status = 'failed', attempts = attempts + 1, last_error = $2 \
             WHERE id = $1",
        )
        .bind(Uuid::from(id))
        .bind(error.as_str()),
    };
    let done = q.execute(conn).await.map_err(store_error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[async_trait]
impl MailStore for PgStore {
    async fn queue_mail(&self, mail: &Mail) -> Result<()> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        insert(&mut conn, mail).await
    }
    async fn claim_due_mails(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Mail>> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        claim_due(&mut conn, now, lease_until, limit).await
    }
    async fn record_mail_attempt(&self, mail: MailId, attempt: &MailAttempt) -> Result<()> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        record(&mut conn, mail, attempt).await
    }
    async fn requeue_mail(&self, mail: MailId, now: OffsetDateTime) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE mails SET status = 'queued', attempts = 0, next_attempt_at = $2 \
                         WHERE id = $1 AND status = 'failed'",
        )
        .bind(Uuid::from(mail))
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(done.rows_affected() == 1)
    }
    async fn mail(&self, id: MailId) -> Result<Mail> {
        let rows: Vec<MailRow> = sqlx::query_as(concat!(
            "SELECT ",
            mail_columns!(),
            " FROM mails WHERE id = $1"
        ))
        .bind(Uuid::from(id))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        decode(rows)?.pop().ok_or(StoreError::NotFound)
    }
    async fn mails_of(
        &self,
        institution: InstitutionId,
        before: Option<OffsetDateTime>,
        limit: u32,
    ) -> Result<Vec<Mail>> {
        let rows: Vec<MailRow> = sqlx::query_as(concat!(
            "SELECT ",
            mail_columns!(),
            " FROM mails WHERE institution_id = $1 AND ($2::timestamptz IS NULL OR created_at < $2) \
             ORDER BY created_at DESC, id DESC LIMIT $3"
        ))
        .bind(Uuid::from(institution))
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        decode(rows)
    }
    async fn next_mail_due(&self) -> Result<Option<OffsetDateTime>> {
        let due: Option<OffsetDateTime> =
            sqlx::query_scalar("SELECT min(next_attempt_at) FROM mails WHERE status = 'queued'")
                .fetch_one(&self.pool)
                .await
                .map_err(store_error)?;
        Ok(due)
    }
    async fn mail_template(
        &self,
        institution: InstitutionId,
        kind: MailKind,
    ) -> Result<Option<MailTemplate>> {
        let json: Option<String> = sqlx::query_scalar(
            "SELECT template FROM mail_templates WHERE institution_id = $1 AND kind = $2",
        )
        .bind(Uuid::from(institution))
        .bind(kind.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        json.map(|j| {
            serde_json::from_str(&j).map_err(|_| StoreError::corrupt("mail_templates.template"))
        })
        .transpose()
    }
    async fn set_mail_template(
        &self,
        institution: InstitutionId,
        kind: MailKind,
        template: Option<&MailTemplate>,
    ) -> Result<()> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        put_template(&mut conn, institution, kind, template).await
    }
}
