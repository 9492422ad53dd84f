//! Staff conversations: opening the one direct conversation of a pair, and the reads. Their
//! messages are appended by [`crate::append`] like a chat's.

use crate::SqliteStore;
use crate::grants::unknown_reference;
use crate::rows::{Result, db, from_micros, micros, seq, seq_column, unique_is};
use async_trait::async_trait;
use refdesk_core::{Conversation, ConversationId, UserId, conversation::direct_pair};
use refdesk_store::{Conflict, ConversationStore, StoreError};
use sqlx::{SqliteConnection, SqlitePool};
use uuid::Uuid;

macro_rules! columns {
    () => {
        "id, created_at, last_seq, direct_a, direct_b"
    };
}

#[derive(sqlx::FromRow)]
struct ConversationRow {
    id: Uuid,
    created_at: i64,
    last_seq: i64,
    direct_a: Uuid,
    direct_b: Uuid,
}

impl TryFrom<ConversationRow> for Conversation {
    type Error = StoreError;
    fn try_from(r: ConversationRow) -> Result<Self> {
        Ok(Conversation {
            id: r.id.into(),
            members: vec![r.direct_a.into(), r.direct_b.into()],
            created_at: from_micros(r.created_at)?,
            last_seq: seq("conversations.last_seq", r.last_seq)?,
        })
    }
}

fn pair(c: &Conversation) -> Result<[UserId; 2]> {
    match c.members.as_slice() {
        [a, b] if a != b => Ok(direct_pair(*a, *b)),
        _ => Err(StoreError::corrupt("a direct conversation has two members")),
    }
}

/// Stores `c` unless its pair has a conversation already; returns the pair's conversation.
pub(crate) async fn open_direct(
    conn: &mut SqliteConnection,
    c: &Conversation,
) -> Result<Conversation> {
    let [a, b] = pair(c)?;
    sqlx::query(
        "INSERT INTO conversations (id, created_at, last_seq, direct_a, direct_b) \
         VALUES ($1, $2, 0, $3, $4) ON CONFLICT (direct_a, direct_b) DO NOTHING",
    )
    .bind(Uuid::from(c.id))
    .bind(micros(c.created_at))
    .bind(Uuid::from(a))
    .bind(Uuid::from(b))
    .execute(&mut *conn)
    .await
    .map_err(unknown_reference)?;
    let row: ConversationRow = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations WHERE direct_a = $1 AND direct_b = $2"
    ))
    .bind(Uuid::from(a))
    .bind(Uuid::from(b))
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    row.try_into()
}

pub(crate) async fn conversation(pool: &SqlitePool, id: ConversationId) -> Result<Conversation> {
    let row: Option<ConversationRow> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations WHERE id = $1"
    ))
    .bind(Uuid::from(id))
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

pub(crate) async fn of_user(pool: &SqlitePool, user: UserId) -> Result<Vec<Conversation>> {
    let rows: Vec<ConversationRow> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations WHERE direct_a = $1 OR direct_b = $1 \
         ORDER BY id DESC"
    ))
    .bind(Uuid::from(user))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter().map(Conversation::try_from).collect()
}

/// Conversations in id order, for `migrate-data`.
pub(crate) async fn page(pool: &SqlitePool, offset: u64, limit: u32) -> Result<Vec<Conversation>> {
    let offset = i64::try_from(offset).map_err(|_| StoreError::corrupt("offset beyond i64"))?;
    let rows: Vec<ConversationRow> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM conversations ORDER BY id LIMIT $1 OFFSET $2"
    ))
    .bind(i64::from(limit))
    .bind(offset)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter().map(Conversation::try_from).collect()
}

/// Writes a conversation exactly as read, head included (`migrate-data`).
pub(crate) async fn restore(conn: &mut SqliteConnection, c: &Conversation) -> Result<()> {
    let [a, b] = pair(c)?;
    sqlx::query(
        "INSERT INTO conversations (id, created_at, last_seq, direct_a, direct_b) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(Uuid::from(c.id))
    .bind(micros(c.created_at))
    .bind(seq_column(c.last_seq)?)
    .bind(Uuid::from(a))
    .bind(Uuid::from(b))
    .execute(conn)
    .await
    .map_err(unique_is(Conflict::AlreadyExists))?;
    Ok(())
}

#[async_trait]
impl ConversationStore for SqliteStore {
    async fn open_direct_conversation(&self, conversation: &Conversation) -> Result<Conversation> {
        let c = conversation.clone();
        self.writer
            .exec(move |conn| Box::pin(async move { open_direct(conn, &c).await }))
            .await
    }
    async fn conversation(&self, id: ConversationId) -> Result<Conversation> {
        conversation(&self.read, id).await
    }
    async fn conversations_of(&self, user: UserId) -> Result<Vec<Conversation>> {
        of_user(&self.read, user).await
    }
}
