//! Transcript search (a generated `tsvector` over one row of words per ended chat, GIN-indexed)
//! and the audit log.

use crate::PgStore;
use crate::error::store_error;
use crate::faqs::tsquery;
use async_trait::async_trait;
use refdesk_core::{AuditAction, AuditEntry, AuditRecord, ChatId, InstitutionId};
use refdesk_store::{StoreError, TranscriptStore};

type Result<T, E = StoreError> = std::result::Result<T, E>;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

/// (Re)writes the words of chat `$1`: its patron's and librarians' messages and its notes, in
/// order. Run when the chat ends and when a note is added after.
const INDEX: &str = "\
    INSERT INTO chat_transcripts (chat_id, institution_id, created_at, words) \
    SELECT c.id, c.institution_id, c.created_at, \
           coalesce((SELECT string_agg(m.body, E'\\n' ORDER BY m.seq) FROM messages AS m \
                     WHERE m.stream_id = c.id \
                       AND m.kind IN ('patron', 'operator', 'internal_note')), '') \
    FROM chats AS c WHERE c.id = $1 AND c.status IN ('closed', 'abandoned') \
    ON CONFLICT (chat_id) DO UPDATE SET words = excluded.words";

/// Indexes the words of `chat`, if it has ended (inside the caller's transaction).
pub(crate) async fn index(conn: &mut PgConnection, chat: ChatId) -> Result<()> {
    reindex(conn, chat).await.map_err(store_error)
}

/// [`index`] for the append path, whose transaction retries on sqlx's errors.
pub(crate) async fn reindex(conn: &mut PgConnection, chat: ChatId) -> Result<(), sqlx::Error> {
    sqlx::query(INDEX)
        .bind(Uuid::from(chat))
        .execute(conn)
        .await?;
    Ok(())
}

type AuditRow = (
    i64,
    Uuid,
    Uuid,
    String,
    Option<Uuid>,
    String,
    OffsetDateTime,
);

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
            at,
        },
    })
}

/// A page of the whole audit log, oldest first (for a dump).
pub(crate) async fn audit_page(pool: &PgPool, offset: u64, limit: u32) -> Result<Vec<AuditEntry>> {
    let rows: Vec<AuditRow> = sqlx::query_as(
        "SELECT id, institution_id, actor_id, action, chat_id, detail, at FROM audit_log \
         ORDER BY id LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter().map(decode).collect()
}

/// Restores one entry with its id (from a dump), and moves the log's id sequence past it.
pub(crate) async fn insert_audit(conn: &mut PgConnection, e: &AuditEntry) -> Result<()> {
    let id = i64::try_from(e.id).map_err(|_| StoreError::corrupt("an audit id beyond i64"))?;
    let r = &e.record;
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
    .bind(r.at)
    .execute(&mut *conn)
    .await
    .map_err(store_error)?;
    sqlx::query(
        "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), (SELECT max(id) FROM audit_log))",
    )
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

#[async_trait]
impl TranscriptStore for PgStore {
    async fn search_transcripts(
        &self,
        institution: InstitutionId,
        from: OffsetDateTime,
        to: OffsetDateTime,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<ChatId>> {
        let query = tsquery(terms, true);
        if query.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let ids: Vec<(Uuid,)> = sqlx::query_as(
            "SELECT t.chat_id FROM chat_transcripts AS t, to_tsquery('english', $1) AS q \
             WHERE t.institution_id = $2 AND t.created_at >= $3 AND t.created_at < $4 \
               AND t.search @@ q \
             ORDER BY ts_rank(t.search, q) DESC, t.created_at DESC LIMIT $5",
        )
        .bind(query)
        .bind(Uuid::from(institution))
        .bind(from)
        .bind(to)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(ids.into_iter().map(|(id,)| id.into()).collect())
    }

    async fn transcript_snippets(
        &self,
        terms: &[String],
        chats: &[ChatId],
    ) -> Result<Vec<(ChatId, String)>> {
        let query = tsquery(terms, false);
        if query.is_empty() || chats.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = chats.iter().map(|c| Uuid::from(*c)).collect();
        // chr(1) and chr(2) mark the matched words. ts_headline drops what its parser takes
        // for markup (a patron's `<b>`), so `<` and `>` pass through it as chr(3) and chr(4).
        let rows: Vec<(Uuid, String)> = sqlx::query_as(
            "SELECT t.chat_id, translate(ts_headline('english', \
                 translate(t.words, '<>', chr(3) || chr(4)), q, \
                 'StartSel=\"' || chr(1) || '\", StopSel=\"' || chr(2) || \
                 '\", MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, \
                  FragmentDelimiter=\" … \"'), chr(3) || chr(4), '<>') \
             FROM chat_transcripts AS t, to_tsquery('english', $1) AS q \
             WHERE t.chat_id = ANY($2) AND t.search @@ q",
        )
        .bind(query)
        .bind(&ids)
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        // In the order asked for.
        let mut out = Vec::with_capacity(rows.len());
        for id in chats {
            if let Some((_, s)) = rows.iter().find(|(c, _)| *c == Uuid::from(*id)) {
                out.push((*id, s.clone()));
            }
        }
        Ok(out)
    }

    async fn record_audit(&self, r: &AuditRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (institution_id, actor_id, action, chat_id, detail, at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(Uuid::from(r.institution_id))
        .bind(Uuid::from(r.actor_id))
        .bind(r.action.as_str())
        .bind(r.chat_id.map(Uuid::from))
        .bind(&r.detail)
        .bind(r.at)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
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
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter().map(decode).collect()
    }
}
