//! Chats and their messages: starting a chat, state changes as compare-and-set, and the reads.
//!
//! The writes here run as jobs on the writer's connection and use [`crate::append`] for the
//! message they record, so a chat's question and a transition's note take their sequence
//! numbers exactly like any other message.

use crate::append;
use crate::rows::{
    ChatRow, MessageRow, Result, all, chat_columns, db, is_second_open_chat, message_columns,
    micros, seq_column, unique_is, waiting_chat,
};
use refdesk_core::{Chat, ChatId, ChatStatus, GuestId, Message, NewMessage, Seq, Transition};
use refdesk_store::{ChatFilter, Conflict, NewChat, StoreError};
use sqlx::{SqliteConnection, SqlitePool};
use time::OffsetDateTime;
use uuid::Uuid;

// --- writes (on the writer's connection) ---------------------------------------------------------

/// Stores a waiting chat and its question (as seq 1), or neither.
pub(crate) async fn start(
    conn: &mut SqliteConnection,
    new: &NewChat,
    question: Option<NewMessage>,
) -> Result<Chat> {
    let mut chat = waiting_chat(new);
    sqlx::query(concat!(
        "INSERT INTO chats (",
        chat_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
    ))
    .bind(Uuid::from(chat.id))
    .bind(Uuid::from(chat.institution_id))
    .bind(Uuid::from(chat.department_id))
    .bind(Uuid::from(chat.widget_id))
    .bind(Uuid::from(chat.guest_id))
    .bind(ChatStatus::Waiting.as_str())
    .bind(None::<Uuid>)
    .bind(chat.patron_name.as_ref().map(|n| n.as_str()))
    .bind(chat.patron_email.as_ref().map(|e| e.as_str()))
    .bind(chat.question.as_ref().map(|q| q.as_str()))
    .bind(chat.referrer.as_deref())
    .bind(chat.user_agent.as_deref())
    .bind(micros(chat.created_at))
    .bind(None::<i64>)
    .bind(None::<i64>)
    .bind(seq_column(chat.last_seq)?)
    .execute(&mut *conn)
    .await
    .map_err(|e| {
        if is_second_open_chat(&e) {
            Conflict::OpenChatExists.into()
        } else {
            unique_is(Conflict::AlreadyExists)(e)
        }
    })?;
    if let Some(q) = question {
        if q.chat_id != chat.id {
            return Err(StoreError::corrupt("a chat's question must belong to it"));
        }
        chat.last_seq = append::one(conn, q).await?.seq;
    }
    Ok(chat)
}

/// Applies `t` if the chat is still in `t.from`, and records `note`; otherwise changes nothing.
pub(crate) async fn transition(
    conn: &mut SqliteConnection,
    id: ChatId,
    t: &Transition,
    at: OffsetDateTime,
    note: NewMessage,
) -> Result<(Chat, Message)> {
    if note.chat_id != id {
        return Err(StoreError::corrupt(
            "a transition's note must belong to its chat",
        ));
    }
    let to = t.to.status();
    let row: Option<ChatRow> = sqlx::query_as(concat!(
        "UPDATE chats SET status = $1, operator_id = $2, \
           claimed_at = CASE WHEN $1 = 'active' THEN $3 ELSE claimed_at END, \
           ended_at = CASE WHEN $1 IN ('closed', 'abandoned') THEN $3 ELSE ended_at END \
         WHERE id = $4 AND status = $5 AND operator_id IS $6 \
         RETURNING ",
        chat_columns!()
    ))
    .bind(to.as_str())
    .bind(t.to.operator().map(Uuid::from))
    .bind(micros(at))
    .bind(Uuid::from(id))
    .bind(t.from.status().as_str())
    .bind(t.from.operator().map(Uuid::from))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    let Some(row) = row else {
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM chats WHERE id = $1")
            .bind(Uuid::from(id))
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?;
        return Err(match exists {
            Some(_) => Conflict::StateChanged.into(),
            None => StoreError::NotFound,
        });
    };
    let mut chat = Chat::try_from(row)?;
    let note = append::one(conn, note).await?;
    chat.last_seq = note.seq;
    Ok((chat, note))
}

// --- reads (on the pool) ----------------------------------------------------------------------------

pub(crate) async fn chat(pool: &SqlitePool, id: ChatId) -> Result<Chat> {
    let row: Option<ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats WHERE id = $1"
    ))
    .bind(Uuid::from(id))
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.ok_or(StoreError::NotFound).and_then(Chat::try_from)
}

pub(crate) async fn open_chat_of_guest(pool: &SqlitePool, guest: GuestId) -> Result<Option<Chat>> {
    let row: Option<ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats WHERE guest_id = $1 AND status IN ('waiting', 'active')"
    ))
    .bind(Uuid::from(guest))
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.map(Chat::try_from).transpose()
}

/// Chats of the filter's institutions in its states, oldest first.
pub(crate) async fn chats(pool: &SqlitePool, filter: &ChatFilter) -> Result<Vec<Chat>> {
    if filter.institutions.is_empty() || filter.statuses.is_empty() || filter.limit == 0 {
        return Ok(Vec::new());
    }
    let institutions: Vec<String> = filter
        .institutions
        .iter()
        .map(|i| Uuid::from(*i).simple().to_string())
        .collect();
    let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
    let rows: Vec<ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats \
         WHERE institution_id IN (SELECT unhex(value) FROM json_each($1)) \
           AND status IN (SELECT value FROM json_each($2)) \
         ORDER BY created_at, id LIMIT $3"
    ))
    .bind(serde_json::to_string(&institutions).map_err(StoreError::other)?)
    .bind(serde_json::to_string(&statuses).map_err(StoreError::other)?)
    .bind(i64::from(filter.limit))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    all(rows)
}

pub(crate) async fn messages_after(
    pool: &SqlitePool,
    chat: ChatId,
    after: Seq,
    limit: u32,
) -> Result<Vec<Message>> {
    let rows: Vec<MessageRow> = sqlx::query_as(concat!(
        "SELECT ",
        message_columns!(),
        " FROM messages WHERE chat_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
    ))
    .bind(Uuid::from(chat))
    .bind(seq_column(after)?)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    all(rows)
}
