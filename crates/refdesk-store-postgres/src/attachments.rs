//! Records of files sent in chats.

use crate::PgStore;
use crate::error::store_error;
use async_trait::async_trait;
use refdesk_core::{Attachment, AttachmentId, Sender};
use refdesk_store::{AttachmentStore, Result, StoreError};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

type Row = (
    Uuid,
    Uuid,
    String,
    String,
    String,
    i64,
    String,
    time::OffsetDateTime,
);

fn decode(rows: Vec<Row>) -> Result<Vec<Attachment>> {
    rows.into_iter()
        .map(|(id, chat, sender, name, content_type, size, sha256, at)| {
            Ok(Attachment {
                id: id.into(),
                chat_id: chat.into(),
                sender: Sender::parse_key(&sender)
                    .ok_or_else(|| StoreError::corrupt("attachments.sender"))?,
                name,
                content_type,
                size: u64::try_from(size).map_err(|_| StoreError::corrupt("attachments.size"))?,
                sha256,
                created_at: at,
            })
        })
        .collect()
}

macro_rules! columns {
    () => {
        "id, chat_id, sender, name, content_type, size, sha256, created_at"
    };
}

pub(crate) async fn insert(conn: &mut PgConnection, a: &Attachment) -> Result<()> {
    sqlx::query(
        "INSERT INTO attachments (id, chat_id, sender, name, content_type, size, sha256, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(Uuid::from(a.id))
    .bind(Uuid::from(a.chat_id))
    .bind(a.sender.key())
    .bind(&a.name)
    .bind(&a.content_type)
    .bind(i64::try_from(a.size).unwrap_or(i64::MAX))
    .bind(&a.sha256)
    .bind(a.created_at)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn page(pool: &PgPool, offset: u64, limit: u32) -> Result<Vec<Attachment>> {
    let rows: Vec<Row> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM attachments ORDER BY id LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(crate::rows::count_param(offset))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    decode(rows)
}

#[async_trait]
impl AttachmentStore for PgStore {
    async fn put_attachment(&self, attachment: &Attachment) -> Result<()> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        insert(&mut conn, attachment).await
    }
    async fn attachment(&self, id: AttachmentId) -> Result<Attachment> {
        let rows: Vec<Row> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM attachments WHERE id = $1"
        ))
        .bind(Uuid::from(id))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        decode(rows)?.pop().ok_or(StoreError::NotFound)
    }
}
