//! Records of files sent in chats.

use crate::SqliteStore;
use crate::grants::unknown_reference;
use crate::rows::{Result, db, from_micros, micros};
use async_trait::async_trait;
use refdesk_core::{Attachment, AttachmentId, Sender};
use refdesk_store::{AttachmentStore, StoreError};
use sqlx::{SqliteConnection, SqlitePool};
use uuid::Uuid;

type Row = (Uuid, Uuid, String, String, String, i64, String, i64);

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
                created_at: from_micros(at)?,
            })
        })
        .collect()
}

macro_rules! columns {
    () => {
        "id, chat_id, sender, name, content_type, size, sha256, created_at"
    };
}

pub(crate) async fn insert(conn: &mut SqliteConnection, a: &Attachment) -> Result<()> {
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
    .bind(micros(a.created_at))
    .execute(conn)
    .await
    .map_err(unknown_reference)?;
    Ok(())
}

pub(crate) async fn page(pool: &SqlitePool, offset: u64, limit: u32) -> Result<Vec<Attachment>> {
    let rows: Vec<Row> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM attachments ORDER BY id LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(i64::try_from(offset).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    decode(rows)
}

#[async_trait]
impl AttachmentStore for SqliteStore {
    async fn put_attachment(&self, attachment: &Attachment) -> Result<()> {
        let a = attachment.clone();
        self.writer
            .exec(move |c| Box::pin(async move { insert(c, &a).await }))
            .await
    }
    async fn attachment(&self, id: AttachmentId) -> Result<Attachment> {
        let rows: Vec<Row> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM attachments WHERE id = $1"
        ))
        .bind(Uuid::from(id))
        .fetch_all(&self.read)
        .await
        .map_err(db)?;
        decode(rows)?.pop().ok_or(StoreError::NotFound)
    }
}
