//! Reading a stream's messages, and storing the single messages that ride along with a chat
//! change (the opening question, a transition's note). Ordinary sends go through the batching
//! writer in [`crate::writer`] instead.

use crate::error::store_error;
use crate::rows::{MessageRow, seq_param};
use refdesk_core::{ChatId, Message, Seq, StreamId};
use refdesk_store::Result;
use sqlx::postgres::{PgArguments, Postgres};
use sqlx::query::Query;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

pub(crate) async fn messages_after(
    pool: &PgPool,
    stream: StreamId,
    after: Seq,
    limit: u32,
) -> Result<Vec<Message>> {
    // A chat's id asked for as a conversation (or the reverse) names nothing.
    let query = match stream {
        StreamId::Chat(_) => concat!(
            "SELECT ",
            message_columns!(),
            " FROM messages WHERE stream_id = $1 AND seq > $2 \
              AND EXISTS (SELECT 1 FROM chats WHERE id = $1) ORDER BY seq LIMIT $3"
        ),
        StreamId::Conversation(_) => concat!(
            "SELECT ",
            message_columns!(),
            " FROM messages WHERE stream_id = $1 AND seq > $2 \
              AND EXISTS (SELECT 1 FROM conversations WHERE id = $1) ORDER BY seq LIMIT $3"
        ),
    };
    let rows: Vec<MessageRow> = sqlx::query_as(query)
        .bind(stream.as_uuid())
        .bind(seq_param(after))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(store_error)?;
    rows.into_iter()
        .map(|r| r.decode(stream).map_err(store_error))
        .collect()
}

pub(crate) async fn patron_messages_after(
    pool: &PgPool,
    chat: ChatId,
    after: Seq,
    limit: u32,
) -> Result<Vec<Message>> {
    let rows: Vec<MessageRow> = sqlx::query_as(concat!(
        "SELECT ",
        message_columns!(),
        " FROM messages WHERE stream_id = $1 AND patron_seq > $2 \
          AND EXISTS (SELECT 1 FROM chats WHERE id = $1) ORDER BY patron_seq LIMIT $3"
    ))
    .bind(chat.as_uuid())
    .bind(seq_param(after))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    rows.into_iter()
        .map(|r| r.decode(chat.into()).map_err(store_error))
        .collect()
}

/// Inserts one message whose sequence number the caller took under the chat's row lock.
pub(crate) async fn insert_message(conn: &mut PgConnection, m: &Message) -> Result<()> {
    sqlx::query(concat!(
        "INSERT INTO messages (",
        message_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(m.id.as_uuid())
    .bind(m.stream.as_uuid())
    .bind(seq_param(m.seq))
    .bind(m.kind.as_str())
    .bind(m.sender.key())
    .bind(m.body.as_str())
    .bind(m.client_msg_id.as_ref().map(|c| c.as_str()))
    .bind(m.created_at)
    .bind(m.patron_seq.map(seq_param))
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

/// Binds messages as the nine column arrays of [`insert_message_rows!`], so any number of
/// them is inserted by one statement. Returns the query and how many messages it holds.
pub(crate) fn bind_message_rows<'q, 'm>(
    query: Query<'q, Postgres, PgArguments>,
    messages: impl IntoIterator<Item = &'m Message>,
) -> (Query<'q, Postgres, PgArguments>, usize) {
    let mut ids: Vec<Uuid> = Vec::new();
    let mut streams: Vec<Uuid> = Vec::new();
    let mut seqs: Vec<i64> = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    let mut senders: Vec<String> = Vec::new();
    let mut bodies: Vec<&str> = Vec::new();
    let mut clients: Vec<Option<&str>> = Vec::new();
    let mut times: Vec<OffsetDateTime> = Vec::new();
    let mut patron_seqs: Vec<Option<i64>> = Vec::new();
    for m in messages {
        ids.push(*m.id.as_uuid());
        streams.push(*m.stream.as_uuid());
        seqs.push(seq_param(m.seq));
        kinds.push(m.kind.as_str());
        senders.push(m.sender.key());
        bodies.push(m.body.as_str());
        clients.push(m.client_msg_id.as_ref().map(|c| c.as_str()));
        times.push(m.created_at);
        patron_seqs.push(m.patron_seq.map(seq_param));
    }
    let n = ids.len();
    let query = query
        .bind(ids)
        .bind(streams)
        .bind(seqs)
        .bind(kinds)
        .bind(senders)
        .bind(bodies)
        .bind(clients)
        .bind(times)
        .bind(patron_seqs);
    (query, n)
}
