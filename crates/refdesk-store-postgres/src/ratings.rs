//! Patrons' ratings of their chats.

use crate::PgStore;
use crate::error::store_error;
use async_trait::async_trait;
use refdesk_core::{ChatId, Rating};
use refdesk_store::{RatingStore, Result, StoreError};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

type RatingRow = (Uuid, i16, Option<String>, OffsetDateTime);

fn decode(rows: Vec<RatingRow>) -> Result<Vec<Rating>> {
    rows.into_iter()
        .map(|(chat, stars, comment, at)| {
            Ok(Rating {
                chat_id: chat.into(),
                stars: u8::try_from(stars)
                    .map_err(|_| StoreError::corrupt("chat_ratings.stars"))?,
                comment,
                rated_at: at,
            })
        })
        .collect()
}

pub(crate) async fn insert(conn: &mut PgConnection, r: &Rating) -> Result<()> {
    sqlx::query(
        "INSERT INTO chat_ratings (chat_id, stars, comment, rated_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(r.chat_id.as_uuid())
    .bind(i16::from(r.stars))
    .bind(r.comment.as_deref())
    .bind(r.rated_at)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn page(pool: &sqlx::PgPool, offset: u64, limit: u32) -> Result<Vec<Rating>> {
    let rows: Vec<RatingRow> = sqlx::query_as(
        "SELECT chat_id, stars, comment, rated_at FROM chat_ratings ORDER BY chat_id \
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
impl RatingStore for PgStore {
    async fn rate_chat(&self, rating: &Rating) -> Result<()> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        insert(&mut conn, rating).await
    }
    async fn rating_of(&self, chat: ChatId) -> Result<Option<Rating>> {
        let rows: Vec<RatingRow> = sqlx::query_as(
            "SELECT chat_id, stars, comment, rated_at FROM chat_ratings WHERE chat_id = $1",
        )
        .bind(chat.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(decode(rows)?.pop())
    }
}
