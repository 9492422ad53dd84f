//! Sequencing in SQL: appends a group of messages with a fixed handful of statements, however
//! many messages and streams (patron chats, staff conversations) the group holds.
//!
//! Statements, not rows, are what cost: every statement is a round trip to the connection's
//! worker thread. So the group's stream heads and its already-stored client ids are each read with
//! one statement (the keys go in as one JSON parameter, unpacked by `jsonb_each`), the pure
//! [`sequencer::plan`] decides every message, and the inserts and the new heads are written with
//! one statement each. This runs on the writer's connection, inside its transaction, so nothing
//! else moves the heads in between.

use crate::rows::{self, MessageRow, Result, db, seq_column};
use refdesk_core::{ChatStatus, Heads, Message, NewMessage, StreamId};
use refdesk_store::StoreError;
use refdesk_store::sequencer::{self, ClientKey, Plan, Planned, StreamHead};
use sqlx::SqliteConnection;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Plans `batch` against the database and writes the messages it accepts. The decisions come
/// back in the order of `batch`; nothing is durable until the caller commits.
pub(crate) async fn apply(conn: &mut SqliteConnection, mut batch: Vec<NewMessage>) -> Result<Plan> {
    for m in &mut batch {
        // Answer with the instant as it will read back.
        m.created_at = rows::stored_instant(m.created_at);
    }
    let heads = read_heads(conn, &batch).await?;
    let stored = read_stored(conn, &batch).await?;
    let plan = sequencer::plan(batch, &heads, &stored);
    insert(conn, &plan).await?;
    move_heads(conn, &plan).await?;
    for chat in sequencer::notes_after_end(&plan, &heads) {
        crate::transcripts::index(conn, chat).await?;
    }
    Ok(plan)
}

/// Appends one message as part of a larger change (a chat's first question, a transition's
/// note): the change fails with the message's refusal, and a retry is not expected here.
pub(crate) async fn one(conn: &mut SqliteConnection, message: NewMessage) -> Result<Message> {
    let plan = apply(conn, vec![message]).await?;
    match plan.decisions.into_iter().next() {
        Some(Planned::Insert(m)) => Ok(m),
        Some(Planned::Refused(e)) => Err(e),
        Some(Planned::Duplicate(_)) => Err(refdesk_store::Conflict::ClientIdReused.into()),
        None => Err(StoreError::corrupt("the sequencer returned no decision")),
    }
}

/// The heads of the chats whose hex ids are in the JSON array `$1` and of the conversations
/// whose hex ids are in `$2`, each tagged with its table: an id names a stream only in its own.
pub(crate) const READ_HEADS: &str = "\
    SELECT 0, id, status, last_seq, last_patron_seq FROM chats \
         WHERE id IN (SELECT unhex(value) FROM jsonb_each($1)) \
    UNION ALL \
    SELECT 1, id, 'active', last_seq, 0 FROM conversations \
         WHERE id IN (SELECT unhex(value) FROM jsonb_each($2))";

/// Stored messages whose `[stream hex, sender key, client id]` is in the JSON array `$1`; the
/// keys drive the loop, each probing the unique index on the client id.
pub(crate) const READ_STORED: &str = "\
    SELECT m.stream_id, m.seq, m.id, m.kind, m.sender, m.body, m.client_msg_id, m.created_at, \
           m.patron_seq \
         FROM jsonb_each($1) AS k CROSS JOIN messages AS m \
         WHERE m.stream_id = unhex(k.value ->> 0) \
           AND m.sender = k.value ->> 1 \
           AND m.client_msg_id = k.value ->> 2";

/// Inserts the messages of the JSON array `$1`, each an [`InsertRow`].
pub(crate) const INSERT: &str = "\
    INSERT INTO messages \
         (stream_id, seq, id, kind, sender, body, client_msg_id, created_at, patron_seq) \
         SELECT unhex(value ->> 0), value ->> 1, unhex(value ->> 2), value ->> 3, value ->> 4, \
                value ->> 5, value ->> 6, value ->> 7, value ->> 8 \
         FROM jsonb_each($1)";

/// Sets `last_seq` and `last_patron_seq` of each `[chat hex, seq, patron seq]` of the JSON
/// array `$1`.
pub(crate) const MOVE_CHAT_HEADS: &str = "\
    UPDATE chats SET last_seq = h.value ->> 1, last_patron_seq = h.value ->> 2 \
         FROM jsonb_each($1) AS h \
         WHERE chats.id = unhex(h.value ->> 0)";

/// Sets `last_seq` of each `[conversation hex, seq]` of the JSON array `$1`.
pub(crate) const MOVE_CONVERSATION_HEADS: &str = "\
    UPDATE conversations SET last_seq = h.value ->> 1 \
         FROM jsonb_each($1) AS h \
         WHERE conversations.id = unhex(h.value ->> 0)";

pub(crate) fn hex(id: impl Into<Uuid>) -> String {
    id.into().simple().to_string()
}

fn json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(StoreError::other)
}

async fn read_heads(
    conn: &mut SqliteConnection,
    batch: &[NewMessage],
) -> Result<HashMap<StreamId, StreamHead>> {
    let streams: HashSet<StreamId> = batch.iter().map(|m| m.stream).collect();
    let (mut chats, mut conversations) = (Vec::new(), Vec::new());
    for s in streams {
        match s {
            StreamId::Chat(id) => chats.push(hex(id)),
            StreamId::Conversation(id) => conversations.push(hex(id)),
        }
    }
    let rows: Vec<(i64, Uuid, String, i64, i64)> = sqlx::query_as(READ_HEADS)
        .bind(json(&chats)?)
        .bind(json(&conversations)?)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
    rows.into_iter()
        .map(|(table, id, status, last_seq, last_patron_seq)| {
            let heads = Heads {
                seq: rows::seq("last_seq", last_seq)?,
                patron_seq: rows::seq("last_patron_seq", last_patron_seq)?,
            };
            if table == 1 {
                return Ok((
                    StreamId::Conversation(id.into()),
                    StreamHead::of_conversation(heads.seq),
                ));
            }
            let status = ChatStatus::parse(&status)
                .ok_or_else(|| StoreError::corrupt(format!("chats.status: {status:?}")))?;
            Ok((
                StreamId::Chat(id.into()),
                StreamHead::of_chat(status, heads),
            ))
        })
        .collect()
}

async fn read_stored(
    conn: &mut SqliteConnection,
    batch: &[NewMessage],
) -> Result<HashMap<ClientKey, Message>> {
    let keys: HashSet<ClientKey> = batch.iter().filter_map(sequencer::client_key).collect();
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    // A stored row names its stream by uuid only; the batch says which stream that is.
    let streams: HashMap<Uuid, StreamId> = keys.iter().map(|k| (*k.0.as_uuid(), k.0)).collect();
    let keys: Vec<(String, &str, &str)> = keys
        .iter()
        .map(|(stream, sender, client)| (hex(*stream.as_uuid()), sender.as_str(), client.as_str()))
        .collect();
    let rows: Vec<MessageRow> = sqlx::query_as(READ_STORED)
        .bind(json(&keys)?)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
    rows.into_iter()
        .map(|row| {
            let stream = *streams
                .get(&row.stream_uuid())
                .ok_or_else(|| StoreError::corrupt("a stored retry of no stream asked for"))?;
            let m = row.into_message(stream)?;
            let client = m
                .client_msg_id
                .as_ref()
                .ok_or_else(|| StoreError::corrupt("a stored retry without its client id"))?;
            Ok(((m.stream, m.sender.key(), client.as_str().to_owned()), m))
        })
        .collect()
}

/// One message as a JSON array, in the column order of the insert below.
type InsertRow<'a> = (
    String,
    i64,
    String,
    &'a str,
    String,
    &'a str,
    Option<&'a str>,
    i64,
    Option<i64>,
);

async fn insert(conn: &mut SqliteConnection, plan: &Plan) -> Result<()> {
    let rows = plan
        .inserts()
        .map(|m| {
            Ok((
                hex(*m.stream.as_uuid()),
                seq_column(m.seq)?,
                hex(m.id),
                m.kind.as_str(),
                m.sender.key(),
                m.body.as_str(),
                m.client_msg_id.as_ref().map(|c| c.as_str()),
                rows::micros(m.created_at),
                m.patron_seq.map(seq_column).transpose()?,
            ))
        })
        .collect::<Result<Vec<InsertRow<'_>>>>()?;
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(INSERT)
        .bind(json(&rows)?)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}

/// Moves the heads of the chats and of the conversations the plan touched: one statement for
/// each kind present.
async fn move_heads(conn: &mut SqliteConnection, plan: &Plan) -> Result<()> {
    let (mut chats, mut conversations) = (Vec::new(), Vec::new());
    for (stream, heads) in &plan.new_heads {
        let id = hex(*stream.as_uuid());
        match stream {
            StreamId::Chat(_) => {
                chats.push((id, seq_column(heads.seq)?, seq_column(heads.patron_seq)?))
            }
            StreamId::Conversation(_) => conversations.push((id, seq_column(heads.seq)?)),
        }
    }
    for (heads, statement) in [
        (json(&chats)?, MOVE_CHAT_HEADS),
        (json(&conversations)?, MOVE_CONVERSATION_HEADS),
    ] {
        if heads == "[]" {
            continue;
        }
        sqlx::query(statement)
            .bind(heads)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    Ok(())
}
