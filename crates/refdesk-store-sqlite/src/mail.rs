//! The outbox and institutions' mail templates.

use crate::SqliteStore;
use crate::grants::unknown_reference;
use crate::rows::{Result, db, from_micros, micros, unique_is};
use async_trait::async_trait;
use refdesk_core::{
    Email, InstitutionId, Mail, MailAttempt, MailId, MailKind, MailStatus, MailTemplate,
};
use refdesk_store::{Conflict, MailStore, StoreError};
use sqlx::{SqliteConnection, SqlitePool};
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
    next_attempt_at: i64,
    last_error: Option<String>,
    delivered_to: Option<String>,
    created_at: i64,
    sent_at: Option<i64>,
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
                next_attempt_at: from_micros(r.next_attempt_at)?,
                last_error: r.last_error,
                delivered_to: r.delivered_to,
                created_at: from_micros(r.created_at)?,
                sent_at: r.sent_at.map(from_micros).transpose()?,
            })
        })
        .collect()
}

pub(crate) async fn insert(conn: &mut SqliteConnection, m: &Mail) -> Result<()> {
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
    .bind(micros(m.next_attempt_at))
    .bind(m.last_error.as_deref())
    .bind(m.delivered_to.as_deref())
    .bind(micros(m.created_at))
    .bind(m.sent_at.map(micros))
    .execute(conn)
    .await
    .map_err(|e| {
        if e.as_database_error()
            .is_some_and(|d| d.is_unique_violation())
        {
            unique_is(Conflict::AlreadyExists)(e)
        } else {
            unknown_reference(e)
        }
    })?;
    Ok(())
}

pub(crate) async fn page(pool: &SqlitePool, offset: u64, limit: u32) -> Result<Vec<Mail>> {
    let rows: Vec<MailRow> = sqlx::query_as(concat!(
        "SELECT ",
        mail_columns!(),
        " FROM mails ORDER BY id LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    decode(rows)
}

type TemplateRow = (Uuid, String, String);

pub(crate) async fn templates_page(
    pool: &SqlitePool,
    offset: u64,
    limit: u32,
) -> Result<Vec<(InstitutionId, MailKind, MailTemplate)>> {
    let rows: Vec<TemplateRow> = sqlx::query_as(
        "SELECT institution_id, kind, template FROM mail_templates \
         ORDER BY institution_id, kind LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?;
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
    conn: &mut SqliteConnection,
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
            .map_err(unknown_reference)?;
        }
        None => {
            sqlx::query("DELETE FROM mail_templates WHERE institution_id = $1 AND kind = $2")
                .bind(Uuid::from(institution))
                .bind(kind.as_str())
                .execute(conn)
                .await
                .map_err(db)?;
        }
    }
    Ok(())
}

async fn claim_due(
    conn: &mut SqliteConnection,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: u32,
) -> Result<Vec<Mail>> {
    let rows: Vec<MailRow> = sqlx::query_as(concat!(
        "UPDATE mails SET next_attempt_at = $1 WHERE id IN (SELECT id FROM mails \
         WHERE status = 'queued' AND next_attempt_at <= $2 ORDER BY next_attempt_at LIMIT $3) \
         RETURNING ",
        mail_columns!()
    ))
    .bind(micros(lease_until))
    .bind(micros(now))
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await
    .map_err(db)?;
    let mut mails = decode(rows)?;
    mails.sort_by_key(|m| (m.created_at, m.id));
    Ok(mails)
}

async fn record(conn: &mut SqliteConnection, id: MailId, attempt: &MailAttempt) -> Result<()> {
    let q = match attempt {
        MailAttempt::Sent { at, delivered_to } => sqlx::query(
            "UPDATE mails SET status = 'sent', attempts = attempts + 1, sent_at = $2, \
             delivered_to = $3, last_error = NULL WHERE id = $1",
        )
        .bind(Uuid::from(id))
        .bind(micros(*at))
        .bind(delivered_to.as_str()),
        MailAttempt::Retry {
            error,
            next_attempt_at,
        } => sqlx::query(
            "UPDATE mails SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3 \
             WHERE id = $1",
        )
        .bind(Uuid::from(id))
        .bind(micros(*next_attempt_at))
        .bind(error.as_str()),
        MailAttempt::Failed { error } => sqlx::query(
            "UPDATE mails SET status = 'failed', attempts = attempts + 1, last_error = $2 \
             WHERE id = $1",
        )
        .bind(Uuid::from(id))
        .bind(error.as_str()),
    };
    let done = q.execute(conn).await.map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[async_trait]
impl MailStore for SqliteStore {
    async fn queue_mail(&self, mail: &Mail) -> Result<()> {
        let m = mail.clone();
        self.writer
            .exec(move |c| Box::pin(async move { insert(c, &m).await }))
            .await
    }
    async fn claim_due_mails(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Mail>> {
        self.writer
            .exec(move |c| Box::pin(async move { claim_due(c, now, lease_until, limit).await }))
            .await
    }
    async fn record_mail_attempt(&self, mail: MailId, attempt: &MailAttempt) -> Result<()> {
        let a = attempt.clone();
        self.writer
            .exec(move |c| Box::pin(async move { record(c, mail, &a).await }))
            .await
    }
    async fn requeue_mail(&self, mail: MailId, now: OffsetDateTime) -> Result<bool> {
        self.writer
            .exec(move |c| {
                Box::pin(async move {
                    let done = sqlx::query(
                        "UPDATE mails SET status = 'queued', attempts = 0, next_attempt_at = $2 \
                         WHERE id = $1 AND status = 'failed'",
                    )
                    .bind(Uuid::from(mail))
                    .bind(micros(now))
                    .execute(c)
                    .await
                    .map_err(db)?;
                    Ok(done.rows_affected() == 1)
                })
            })
            .await
    }
    async fn mail(&self, id: MailId) -> Result<Mail> {
        let rows: Vec<MailRow> = sqlx::query_as(concat!(
            "SELECT ",
            mail_columns!(),
            " FROM mails WHERE id = $1"
        ))
        .bind(Uuid::from(id))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
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
            " FROM mails WHERE institution_id = $1 AND created_at < $2 \
             ORDER BY created_at DESC, id DESC LIMIT $3"
        ))
        .bind(Uuid::from(institution))
        .bind(before.map_or(i64::MAX, micros))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        decode(rows)
    }
    async fn next_mail_due(&self) -> Result<Option<OffsetDateTime>> {
        let due: Option<i64> =
            sqlx::query_scalar("SELECT min(next_attempt_at) FROM mails WHERE status = 'queued'")
                .fetch_one(&self.read)
                .await
                .map_err(db)?;
        due.map(from_micros).transpose()
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
        .fetch_optional(&self.read)
        .await
        .map_err(db)?;
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
        let t = template.cloned();
        self.writer
            .exec(move |c| {
                Box::pin(async move { put_template(c, institution, kind, t.as_ref()).await })
            })
            .await
    }
}
