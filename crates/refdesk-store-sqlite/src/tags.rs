//! Tags on chats.

use crate::SqliteStore;
use crate::grants::unknown_reference;
use crate::rows::{Result, db, from_micros, hex_array, micros};
use async_trait::async_trait;
use refdesk_core::{ChatId, ChatTag, InstitutionId, Tag};
use refdesk_store::{StoreError, TagStore};
use sqlx::{SqliteConnection, SqlitePool};
use uuid::Uuid;

type TagRow = (Uuid, String, Uuid, i64);

fn decode(rows: Vec<TagRow>) -> Result<Vec<ChatTag>> {
    rows.into_iter()
        .map(|(chat, tag, by, at)| {
            Ok(ChatTag {
                chat_id: chat.into(),
                tag: Tag::parse(&tag).map_err(|_| StoreError::corrupt("chat_tags.tag"))?,
                added_by: by.into(),
                added_at: from_micros(at)?,
            })
        })
        .collect()
}

pub(crate) async fn insert(conn: &mut SqliteConnection, t: &ChatTag) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO chat_tags (chat_id, tag, added_by, added_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(Uuid::from(t.chat_id))
    .bind(t.tag.as_str())
    .bind(Uuid::from(t.added_by))
    .bind(micros(t.added_at))
    .execute(conn)
    .await
    .map_err(unknown_reference)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn page(pool: &SqlitePool, offset: u64, limit: u32) -> Result<Vec<ChatTag>> {
    let rows: Vec<TagRow> = sqlx::query_as(
        "SELECT chat_id, tag, added_by, added_at FROM chat_tags ORDER BY chat_id, tag \
         LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    decode(rows)
}

#[async_trait]
impl TagStore for SqliteStore {
    async fn add_tag(&self, tag: &ChatTag) -> Result<bool> {
        let t = tag.clone();
        self.writer
            .exec(move |c| Box::pin(async move { insert(c, &t).await }))
            .await
    }
    async fn remove_tag(&self, chat: ChatId, tag: &Tag) -> Result<bool> {
        let tag = tag.clone();
        self.writer
            .exec(move |c| {
                Box::pin(async move {
                    let n = sqlx::query("DELETE FROM chat_tags WHERE chat_id = $1 AND tag = $2")
                        .bind(Uuid::from(chat))
                        .bind(tag.as_str())
                        .execute(c)
                        .await
                        .map_err(db)?
                        .rows_affected();
                    Ok(n > 0)
                })
            })
            .await
    }
    async fn tags_of(&self, chat: ChatId) -> Result<Vec<ChatTag>> {
        let rows: Vec<TagRow> = sqlx::query_as(
            "SELECT chat_id, tag, added_by, added_at FROM chat_tags WHERE chat_id = $1 \
             ORDER BY added_at, tag",
        )
        .bind(Uuid::from(chat))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        decode(rows)
    }
    async fn tags_in(
        &self,
        institutions: &[InstitutionId],
        prefix: &str,
        limit: u32,
    ) -> Result<Vec<Tag>> {
        if institutions.is_empty() {
            return Ok(Vec::new());
        }
        let escaped = refdesk_store::like_prefix(prefix);
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT t.tag FROM chat_tags AS t JOIN chats AS c ON c.id = t.chat_id \
             WHERE c.institution_id IN (SELECT unhex(value) FROM json_each($1)) \
               AND t.tag LIKE $2 || '%' ESCAPE '\\' \
             GROUP BY t.tag ORDER BY COUNT(*) DESC, t.tag LIMIT $3",
        )
        .bind(hex_array(institutions)?)
        .bind(escaped)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        rows.into_iter()
            .map(|(t,)| Tag::parse(&t).map_err(|_| StoreError::corrupt("chat_tags.tag")))
            .collect()
    }
}
