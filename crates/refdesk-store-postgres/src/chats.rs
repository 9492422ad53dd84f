//! Chats: starting, reading, listing, and state changes. A state change is one conditional
//! `UPDATE` (compare-and-set on status and operator) that also takes the next sequence number
//! for its system note, so the chat row's lock orders it with concurrent appends, and two nodes
//! racing to claim the same chat get exactly one winner.

use crate::error::store_error;
use crate::messages::insert_message;
use crate::rows::ChatRow;
use refdesk_core::{Chat, ChatId, ChatStatus, GuestId, Message, NewMessage, Seq, Transition};
use refdesk_store::{ChatFilter, NewChat, Result, StoreError};
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

pub(crate) async fn start_chat(
    pool: &PgPool,
    new: &NewChat,
    question: Option<NewMessage>,
) -> Result<Chat> {
    if let Some(q) = &question
        && q.chat_id != new.id
    {
        return Err(StoreError::corrupt(format!(
            "the question of chat {} names chat {}",
            new.id, q.chat_id
        )));
    }
    let last_seq = if question.is_some() {
        Seq(1)
    } else {
        Seq::ZERO
    };
    let mut tx = pool.begin().await.map_err(store_error)?;
    let row: ChatRow = sqlx::query_as(concat!(
        "INSERT INTO chats (id, institution_id, department_id, widget_id, guest_id, status, \
         patron_name, patron_email, question, referrer, user_agent, created_at, last_seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ",
        chat_columns!()
    ))
    .bind(new.id.as_uuid())
    .bind(new.institution_id.as_uuid())
    .bind(new.department_id.as_uuid())
    .bind(new.widget_id.as_uuid())
    .bind(new.guest_id.as_uuid())
    .bind(ChatStatus::Waiting.as_str())
    .bind(new.patron_name.as_ref().map(|n| n.as_str()))
    .bind(new.patron_email.as_ref().map(|e| e.as_str()))
    .bind(new.question.as_ref().map(|q| q.as_str()))
    .bind(new.referrer.as_deref())
    .bind(new.user_agent.as_deref())
    .bind(new.created_at)
    .bind(crate::rows::seq_param(last_seq))
    .fetch_one(&mut *tx)
    .await
    .map_err(store_error)?;
    if let Some(q) = question {
        insert_message(&mut tx, &Message::stored(q, Seq(1))).await?;
    }
    tx.commit().await.map_err(store_error)?;
    if last_seq == Seq(1) {
        metrics::counter!("refdesk_store_messages_appended_total").increment(1);
    }
    row.decode().map_err(store_error)
}

pub(crate) async fn chat(pool: &PgPool, id: ChatId) -> Result<Chat> {
    let row: Option<ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats WHERE id = $1"
    ))
    .bind(id.as_uuid())
    .fetch_optional(pool)
    .await
    .map_err(store_error)?;
    row.ok_or(StoreError::NotFound)?
        .decode()
        .map_err(store_error)
}

pub(crate) async fn open_chat_of_guest(pool: &PgPool, guest: GuestId) -> Result<Option<Chat>> {
    let row: Option<ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats WHERE guest_id = $1 AND status IN ('waiting', 'active')"
    ))
    .bind(guest.as_uuid())
    .fetch_optional(pool)
    .await
    .map_err(store_error)?;
    row.map(|r| r.decode().map_err(store_error)).transpose()
}

pub(crate) async fn chats(pool: &PgPool, filter: &ChatFilter) -> Result<Vec<Chat>> {
    let institutions: Vec<Uuid> = filter.institutions.iter().map(|i| *i.as_uuid()).collect();
    let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
    let rows: Vec<ChatRow> = sqlx::query_as(concat!(
        "SELECT ",
        chat_columns!(),
        " FROM chats WHERE institution_id = ANY($1) AND status = ANY($2) \
         ORDER BY created_at, id LIMIT $3"
    ))
    .bind(&institutions)
    .bind(&statuses)
    .bind(i64::from(filter.limit))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter()
        .map(|r| r.decode().map_err(store_error))
        .collect()
}

pub(crate) async fn transition_chat(
    pool: &PgPool,
    id: ChatId,
    t: &Transition,
    at: OffsetDateTime,
    note: NewMessage,
) -> Result<(Chat, Message)> {
    if note.chat_id != id {
        return Err(StoreError::corrupt(format!(
            "the note of a transition of chat {id} names chat {}",
            note.chat_id
        )));
    }
    let mut tx = pool.begin().await.map_err(store_error)?;
    // The compare-and-set: the row changes only if it is still in `from`. Claiming stamps
    // `claimed_at`, going back to the queue clears it, ending stamps `ended_at`.
    let row: Option<ChatRow> = sqlx::query_as(concat!(
        "UPDATE chats SET status = $4, operator_id = $5, \
         claimed_at = CASE $4 WHEN 'active' THEN $6 WHEN 'waiting' THEN NULL \
                      ELSE claimed_at END, \
         ended_at = CASE WHEN $4 IN ('closed', 'abandoned') THEN $6 ELSE ended_at END, \
         last_seq = last_seq + 1 \
         WHERE id = $1 AND status = $2 AND operator_id IS NOT DISTINCT FROM $3 \
         RETURNING ",
        chat_columns!()
    ))
    .bind(id.as_uuid())
    .bind(t.from.status().as_str())
    .bind(t.from.operator().map(Uuid::from))
    .bind(t.to.status().as_str())
    .bind(t.to.operator().map(Uuid::from))
    .bind(at)
    .fetch_optional(&mut *tx)
    .await
    .map_err(store_error)?;
    let Some(row) = row else {
        drop(tx);
        let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM chats WHERE id = $1")
            .bind(id.as_uuid())
            .fetch_optional(pool)
            .await
            .map_err(store_error)?;
        return Err(match exists {
            Some(_) => refdesk_store::Conflict::StateChanged.into(),
            None => StoreError::NotFound,
        });
    };
    let chat = row.decode().map_err(store_error)?;
    let note = Message::stored(note, chat.last_seq);
    insert_message(&mut tx, &note).await?;
    tx.commit().await.map_err(store_error)?;
    metrics::counter!("refdesk_store_messages_appended_total").increment(1);
    Ok((chat, note))
}
