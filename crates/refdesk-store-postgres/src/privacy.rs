//! The privacy engine's writes: an ended chat's patron forgotten, or its transcript deleted.

use crate::PgStore;
use crate::error::store_error;
use crate::rows::seq_param;
use async_trait::async_trait;
use refdesk_core::{ChatId, InstitutionId};
use refdesk_store::{Conflict, Forgetting, PrivacyStore, StoreError};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

type Result<T, E = StoreError> = std::result::Result<T, E>;

async fn ids(
    pool: &PgPool,
    sql: &'static str,
    institution: InstitutionId,
    before: OffsetDateTime,
    limit: u32,
) -> Result<Vec<ChatId>> {
    let rows: Vec<(Uuid,)> = sqlx::query_as(sql)
        .bind(Uuid::from(institution))
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(store_error)?;
    Ok(rows.into_iter().map(|(id,)| id.into()).collect())
}

/// Locks an ended chat's row; refuses one that is unknown or still open.
async fn ended(conn: &mut PgConnection, chat: ChatId) -> Result<()> {
    let ended: Option<(Option<OffsetDateTime>,)> =
        sqlx::query_as("SELECT ended_at FROM chats WHERE id = $1 FOR UPDATE")
            .bind(Uuid::from(chat))
            .fetch_optional(&mut *conn)
            .await
            .map_err(store_error)?;
    match ended {
        None => Err(StoreError::NotFound),
        Some((None,)) => Err(Conflict::ChatOpen.into()),
        Some((Some(_),)) => Ok(()),
    }
}

/// Removes what identifies the patron on the chat row itself and marks it forgotten.
async fn forget_row(
    conn: &mut PgConnection,
    chat: ChatId,
    question: Option<&str>,
    referrer: Option<&str>,
    at: OffsetDateTime,
) -> Result<()> {
    sqlx::query(
        "UPDATE chats SET patron_name = NULL, patron_email = NULL, patron_ip = NULL, \
             user_agent = NULL, question = $2, referrer = $3, \
             forgotten_at = coalesce(forgotten_at, $4) \
         WHERE id = $1",
    )
    .bind(Uuid::from(chat))
    .bind(question)
    .bind(referrer)
    .bind(at)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

async fn forget(conn: &mut PgConnection, f: &Forgetting) -> Result<()> {
    ended(conn, f.chat).await?;
    forget_row(
        conn,
        f.chat,
        f.question.as_deref(),
        f.referrer.as_deref(),
        f.at,
    )
    .await?;
    for (seq, body) in &f.messages {
        sqlx::query("UPDATE messages SET body = $3 WHERE stream_id = $1 AND seq = $2")
            .bind(Uuid::from(f.chat))
            .bind(seq_param(*seq))
            .bind(body)
            .execute(&mut *conn)
            .await
            .map_err(store_error)?;
    }
    sqlx::query(
        "UPDATE chat_ratings SET comment = $2 WHERE chat_id = $1 AND comment IS DISTINCT FROM $2",
    )
    .bind(Uuid::from(f.chat))
    .bind(f.rating_comment.as_deref())
    .execute(&mut *conn)
    .await
    .map_err(store_error)?;
    crate::transcripts::index(conn, f.chat).await
}

async fn delete(conn: &mut PgConnection, chat: ChatId, at: OffsetDateTime) -> Result<()> {
    ended(conn, chat).await?;
    forget_row(conn, chat, None, None, at).await?;
    let id = Uuid::from(chat);
    for sql in [
        "DELETE FROM messages WHERE stream_id = $1",
        "DELETE FROM chat_transcripts WHERE chat_id = $1",
        "DELETE FROM attachments WHERE chat_id = $1",
        "UPDATE chat_ratings SET comment = NULL WHERE chat_id = $1 AND comment IS NOT NULL",
    ] {
        sqlx::query(sql)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(store_error)?;
    }
    sqlx::query(
        "UPDATE chats SET transcript_deleted_at = coalesce(transcript_deleted_at, $2) WHERE id = $1",
    )
    .bind(id)
    .bind(at)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

#[async_trait]
impl PrivacyStore for PgStore {
    async fn chats_to_forget(
        &self,
        institution: InstitutionId,
        ended_before: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<ChatId>> {
        ids(
            &self.pool,
            "SELECT id FROM chats \
             WHERE institution_id = $1 AND forgotten_at IS NULL AND ended_at IS NOT NULL \
               AND ended_at < $2 ORDER BY ended_at LIMIT $3",
            institution,
            ended_before,
            limit,
        )
        .await
    }

    async fn transcripts_to_delete(
        &self,
        institution: InstitutionId,
        ended_before: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<ChatId>> {
        ids(
            &self.pool,
            "SELECT id FROM chats \
             WHERE institution_id = $1 AND transcript_deleted_at IS NULL \
               AND ended_at IS NOT NULL AND ended_at < $2 ORDER BY ended_at LIMIT $3",
            institution,
            ended_before,
            limit,
        )
        .await
    }

    async fn forget_patron(&self, forgetting: &Forgetting) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        forget(&mut tx, forgetting).await?;
        tx.commit().await.map_err(store_error)
    }

    async fn delete_transcript(&self, chat: ChatId, at: OffsetDateTime) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        delete(&mut tx, chat, at).await?;
        tx.commit().await.map_err(store_error)
    }
}
