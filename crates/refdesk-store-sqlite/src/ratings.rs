//! Patrons' ratings of their chats.

use crate::SqliteStore;
use crate::grants::unknown_reference;
use crate::rows::{Result, db, from_micros, micros, unique_is};
use async_trait::async_trait;
use refdesk_core::{ChatId, Rating};
use refdesk_store::{Conflict, RatingStore, StoreError};
use sqlx::{SqliteConnection, SqlitePool};
use uuid::Uuid;

type RatingRow = (Uuid, i64, Option<String>, i64);

fn decode(rows: Vec<RatingRow>) -> Result<Vec<Rating>> {
    rows.into_iter()
        .map(|(chat, stars, comment, at)| {
            Ok(Rating {
                chat_id: chat.into(),
                stars: u8::try_from(stars)
                    .map_err(|_| StoreError::corrupt("chat_ratings.stars"))?,
                comment,
                rated_at: from_micros(at)?,
            })
        })
        .collect()
}

pub(crate) async fn insert(conn: &mut SqliteConnection, r: &Rating) -> Result<()> {
    sqlx::query(
        "INSERT INTO chat_ratings (chat_id, stars, comment, rated_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(Uuid::from(r.chat_id))
    .bind(i64::from(r.stars))
    .bind(r.comment.as_deref())
    .bind(micros(r.rated_at))
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

pub(crate) async fn page(pool: &SqlitePool, offset: u64, limit: u32) -> Result<Vec<Rating>> {
    let rows: Vec<RatingRow> = sqlx::query_as(
        "SELECT chat_id, stars, comment, rated_at FROM chat_ratings ORDER BY chat_id \
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
impl RatingStore for SqliteStore {
    async fn rate_chat(&self, rating: &Rating) -> Result<()> {
        let r = rating.clone();
        self.writer
            .exec(move |c| Box::pin(async move { insert(c, &r).await }))
            .await
    }
    async fn rating_of(&self, chat: ChatId) -> Result<Option<Rating>> {
        let rows: Vec<RatingRow> = sqlx::query_as(
            "SELECT chat_id, stars, comment, rated_at FROM chat_ratings WHERE chat_id = $1",
        )
        .bind(Uuid::from(chat))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        Ok(decode(rows)?.pop())
    }
}
