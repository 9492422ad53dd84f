//! Transcript search (FTS5 over one row of words per ended chat) and the audit log.

use crate::SqliteStore;
use crate::faqs::term_expression;
use crate::rows::{Result, db, from_micros, micros};
use async_trait::async_trait;
use refdesk_core::{AuditAction, AuditEntry, AuditRecord, ChatId, InstitutionId};
use refdesk_store::{StoreError, TranscriptStore};
use sqlx::{SqliteConnection, SqlitePool};
use time::OffsetDateTime;
use uuid::Uuid;

/// (Re)writes the words of chat `$1`: its patron's and librarians' messages and its notes, in
/// order. Run when the chat ends and when a note is added after.
const INDEX: &str = "\
    INSERT INTO chat_transcripts (chat_id, institution_id, created_at, words) \
    SELECT c.id, c.institution_id, c.created_at, \
           coalesce((SELECT group_concat(m.body, char(10) ORDER BY m.seq) FROM messages AS m \
                     WHERE m.stream_id = c.id \
                       AND m.kind IN ('patron', 'operator', 'internal_note')), '') \
    FROM chats AS c WHERE c.id = $1 AND c.status IN ('closed', 'abandoned') \
    ON CONFLICT (chat_id) DO UPDATE SET words = excluded.words";

/// Indexes the words of `chat`, if it has ended (inside the caller's transaction).
pub(crate) async fn index(conn: &mut SqliteConnection, chat: ChatId) -> Result<()> {
    sqlx::query(INDEX)
        .bind(Uuid::from(chat))
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}

type AuditRow = (i64, Uuid, Uuid, String, Option<Uuid>, String, i64);

fn decode((id, institution, actor, action, chat, detail, at): AuditRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: u64::try_from(id).map_err(|_| StoreError::corrupt("audit_log.id"))?,
        record: AuditRecord {
            institution_id: institution.into(),
            actor_id: actor.into(),
            action: AuditAction::parse(&action)
                .ok_or_else(|| StoreError::corrupt(format!("audit_log.action: {action:?}")))?,
            chat_id: chat.map(Into::into),
            detail,
            at: from_micros(at)?,
        },
    })
}

/// A page of the whole audit log, oldest first (for a dump).
pub(crate) async fn audit_page(
    pool: &SqlitePool,
    offset: u64,
    limit: u32,
) -> Result<Vec<AuditEntry>> {
    let rows: Vec<AuditRow> = sqlx::query_as(
        "SELECT id, institution_id, actor_id, action, chat_id, detail, at FROM audit_log \
         ORDER BY id LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter().map(decode).collect()
}

/// Restores one entry with its id (from a dump).
pub(crate) async fn insert_audit(conn: &mut SqliteConnection, e: &AuditEntry) -> Result<()> {
    let id = i64::try_from(e.id).map_err(|_| StoreError::corrupt("an audit id beyond i64"))?;
    insert(conn, Some(id), &e.record).await
}

async fn insert(conn: &mut SqliteConnection, id: Option<i64>, r: &AuditRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (id, institution_id, actor_id, action, chat_id, detail, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(Uuid::from(r.institution_id))
    .bind(Uuid::from(r.actor_id))
    .bind(r.action.as_str())
    .bind(r.chat_id.map(Uuid::from))
    .bind(&r.detail)
    .bind(micros(r.at))
    .execute(conn)
    .await
    .map_err(crate::grants::unknown_reference)?;
    Ok(())
}

#[async_trait]
impl TranscriptStore for SqliteStore {
    async fn search_transcripts(
        &self,
        institution: InstitutionId,
        from: OffsetDateTime,
        to: OffsetDateTime,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<ChatId>> {
        if terms.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let ids: Vec<(Uuid,)> = sqlx::query_as(
            "SELECT t.chat_id FROM chat_transcripts_fts AS f \
               JOIN chat_transcripts AS t ON t.seq = f.rowid \
             WHERE chat_transcripts_fts MATCH $1 AND t.institution_id = $2 \
               AND t.created_at >= $3 AND t.created_at < $4 \
             ORDER BY f.rank, t.created_at DESC LIMIT $5",
        )
        .bind(term_expression(terms, true))
        .bind(Uuid::from(institution))
        .bind(micros(from))
        .bind(micros(to))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        Ok(ids.into_iter().map(|(id,)| id.into()).collect())
    }

    async fn transcript_snippets(
        &self,
        terms: &[String],
        chats: &[ChatId],
    ) -> Result<Vec<(ChatId, String)>> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        // Any of the words is marked; each chat's row is found by its rowid at once (a chat not
        // indexed has no row, so no snippet).
        let expression = term_expression(terms, false);
        let mut out = Vec::with_capacity(chats.len());
        for &chat in chats {
            let snippet: Option<String> = sqlx::query_scalar(
                "SELECT snippet(chat_transcripts_fts, 0, char(1), char(2), '…', 24) \
                 FROM chat_transcripts AS t \
                   JOIN chat_transcripts_fts ON chat_transcripts_fts.rowid = t.seq \
                 WHERE t.chat_id = $2 AND chat_transcripts_fts MATCH $1",
            )
            .bind(&expression)
            .bind(Uuid::from(chat))
            .fetch_optional(&self.read)
            .await
            .map_err(db)?;
            if let Some(s) = snippet {
                out.push((chat, s));
            }
        }
        Ok(out)
    }

    async fn record_audit(&self, record: &AuditRecord) -> Result<()> {
        let record = record.clone();
        self.writer
            .exec(move |c| Box::pin(async move { insert(c, None, &record).await }))
            .await
    }

    async fn audit_entries(
        &self,
        institution: InstitutionId,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>> {
        let before = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, institution_id, actor_id, action, chat_id, detail, at FROM audit_log \
             WHERE institution_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(Uuid::from(institution))
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        rows.into_iter().map(decode).collect()
    }
}
