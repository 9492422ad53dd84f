//! Tags on chats.

use crate::PgStore;
use crate::error::store_error;
use async_trait::async_trait;
use refdesk_core::{ChatId, ChatTag, InstitutionId, Tag};
use refdesk_store::{Result, StoreError, TagStore};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

type TagRow = (Uuid, String, Uuid, OffsetDateTime);

fn decode(rows: Vec<TagRow>) -> Result<Vec<ChatTag>> {
    rows.into_iter()
        .map(|(chat, tag, by, at)| {
            Ok(ChatTag {
                chat_id: chat.into(),
                tag: Tag::parse(&tag).map_err(|_| StoreError::corrupt("chat_tags.tag"))?,
                added_by: by.into(),
                added_at: at,
            })
        })
        .collect()
}

pub(crate) async fn insert(conn: &mut PgConnection, t: &ChatTag) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO chat_tags (chat_id, tag, added_by, added_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(t.chat_id.as_uuid())
    .bind(t.tag.as_str())
    .bind(t.added_by.as_uuid())
    .bind(t.added_at)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn page(pool: &sqlx::PgPool, offset: u64, limit: u32) -> Result<Vec<ChatTag>> {
    let rows: Vec<TagRow> = sqlx::query_as(
        "SELECT chat_id, tag, added_by, added_at FROM chat_tags ORDER BY chat_id, tag \
         LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(limit))
    .bind(crate::rows::count_param(offset))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    decode(rows)
}

#[async_trait]
impl TagStore for PgStore {
    async fn add_tag(&self, tag: &ChatTag) -> Result<bool> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        insert(&mut conn, tag).await
    }
    async fn remove_tag(&self, chat: ChatId, tag: &Tag) -> Result<bool> {
        let n = sqlx::query("DELETE FROM chat_tags WHERE chat_id = $1 AND tag = $2")
            .bind(chat.as_uuid())
            .bind(tag.as_str())
            .execute(&self.pool)
            .await
            .map_err(store_error)?
            .rows_affected();
        Ok(n > 0)
    }
    async fn tags_of(&self, chat: ChatId) -> Result<Vec<ChatTag>> {
        let rows: Vec<TagRow> = sqlx::query_as(
            "SELECT chat_id, tag, added_by, added_at FROM chat_tags WHERE chat_id = $1 \
             ORDER BY added_at, tag",
        )
        .bind(chat.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        decode(rows)
    }
    async fn tags_in(
        &self,
        institutions: &[InstitutionId],
        prefix: &str,
        limit: u32,
    ) -> Result<Vec<Tag>> {
        let ids: Vec<Uuid> = institutions.iter().map(|i| *i.as_uuid()).collect();
        let escaped = refdesk_store::like_prefix(prefix);
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT t.tag FROM chat_tags AS t JOIN chats AS c ON c.id = t.chat_id \
             WHERE c.institution_id = ANY($1) AND t.tag LIKE $2 || '%' ESCAPE '\\' \
             GROUP BY t.tag ORDER BY COUNT(*) DESC, t.tag LIMIT $3",
        )
        .bind(&ids)
        .bind(escaped)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter()
            .map(|(t,)| Tag::parse(&t).map_err(|_| StoreError::corrupt("chat_tags.tag")))
            .collect()
    }
}
