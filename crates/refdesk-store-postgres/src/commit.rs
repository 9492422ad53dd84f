//! The batch transaction of group commit. In one transaction on one connection: lock the heads
//! of the batch's streams (chats, then staff conversations, each in id order, so two writers
//! never deadlock), read the already-stored messages the batch's client ids point at, let
//! [`refdesk_store::sequencer::plan`] decide every message, insert all planned rows and move
//! every touched stream's `last_seq` with one statement, and COMMIT. Nothing is answered before
//! the commit has succeeded.

use crate::error::{BatchFailed, is_from_database, is_retryable, store_error};
use crate::messages::bind_message_rows;
use crate::rows::{HeadRow, MessageRow, seq_param};
use refdesk_core::{Message, NewMessage, StreamId};
use refdesk_store::sequencer::{ClientKey, Plan, Planned, StreamHead, notes_after_end, plan};
use refdesk_store::{Appended, Result, StoreError};
use sqlx::pool::PoolConnection;
use sqlx::postgres::Postgres;
use sqlx::{Connection, PgConnection, PgPool};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

/// How often a batch runs again after a deadlock or serialization failure.
const MAX_ATTEMPTS: u32 = 5;

/// Commits a batch and returns one answer per message, in order. When the batch as a whole is
/// refused by the database, each message is tried alone, so one bad message cannot fail the
/// others.
pub(crate) async fn commit_batch(
    pool: &PgPool,
    conn: &mut Option<PoolConnection<Postgres>>,
    messages: Vec<NewMessage>,
    shard: usize,
) -> Vec<Result<Appended>> {
    let n = messages.len();
    match commit_with_retries(pool, conn, &messages).await {
        Ok(results) => results,
        Err(e) if n > 1 && is_from_database(&e) => {
            tracing::warn!(writer.shard = shard, batch.size = n, error = %e,
                "batch refused; committing its messages one by one");
            let mut results = Vec::with_capacity(n);
            for m in messages {
                let one = commit_with_retries(pool, conn, std::slice::from_ref(&m)).await;
                results.push(match one {
                    Ok(mut r) => r.pop().unwrap_or(Err(StoreError::NotFound)),
                    Err(e) => Err(store_error(e)),
                });
            }
            results
        }
        Err(e) => {
            tracing::error!(writer.shard = shard, batch.size = n, error = %e,
                "batch of messages not committed");
            if n == 1 {
                return vec![Err(store_error(e))];
            }
            let shared = BatchFailed(Arc::new(e));
            (0..n)
                .map(|_| Err(StoreError::other(shared.clone())))
                .collect()
        }
    }
}

/// Runs the batch transaction, again after transient failures. The connection is kept across
/// batches and dropped only when it fails outside the database (the network, the driver).
async fn commit_with_retries(
    pool: &PgPool,
    conn: &mut Option<PoolConnection<Postgres>>,
    messages: &[NewMessage],
) -> Result<Vec<Result<Appended>>, sqlx::Error> {
    let mut attempt = 1;
    loop {
        let mut c = match conn.take() {
            Some(c) => c,
            None => writer_connection(pool).await?,
        };
        let started = Instant::now();
        let outcome = try_commit(&mut c, messages.to_vec()).await;
        match outcome {
            Ok((results, inserted)) => {
                *conn = Some(c);
                metrics::histogram!("refdesk_store_commit_batch_size")
                    .record(messages.len() as f64);
                metrics::histogram!("refdesk_store_commit_seconds")
                    .record(started.elapsed().as_secs_f64());
                metrics::counter!("refdesk_store_messages_appended_total").increment(inserted);
                return Ok(results);
            }
            Err(e) => {
                if is_from_database(&e) {
                    *conn = Some(c);
                }
                if is_retryable(&e) && attempt < MAX_ATTEMPTS {
                    tracing::debug!(attempt, error = %e, "retrying a batch of messages");
                    attempt += 1;
                    continue;
                }
                return Err(e);
            }
        }
    }
}

/// A connection for a writer. Its statements are planned for their actual arguments each time:
/// a plan cached while the tables were small (a new installation) would go on scanning them
/// whole long after they have grown, and planning costs far less than that.
async fn writer_connection(pool: &PgPool) -> Result<PoolConnection<Postgres>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    sqlx::query("SET plan_cache_mode = force_custom_plan")
        .execute(&mut *conn)
        .await?;
    Ok(conn)
}

/// One attempt: the whole batch in one transaction. Returns the answers and how many rows were
/// inserted.
async fn try_commit(
    conn: &mut PgConnection,
    batch: Vec<NewMessage>,
) -> Result<(Vec<Result<Appended>>, u64), sqlx::Error> {
    let mut tx = conn.begin().await?;
    let heads = lock_heads(&mut tx, &batch).await?;
    let stored = read_stored(&mut tx, &batch).await?;
    let plan = plan(batch, &heads, &stored);
    let inserted = store_planned(&mut tx, &plan).await?;
    for chat in notes_after_end(&plan, &heads) {
        crate::transcripts::reindex(&mut tx, chat).await?;
    }
    tx.commit().await?;
    let answers = plan
        .decisions
        .into_iter()
        .map(|d| match d {
            Planned::Insert(message) => Ok(Appended {
                message,
                duplicate: false,
            }),
            Planned::Duplicate(message) => Ok(Appended {
                message,
                duplicate: true,
            }),
            Planned::Refused(e) => Err(e),
        })
        .collect();
    Ok((answers, inserted))
}

/// Locks the batch's chats, then its conversations, each in id order, and reads whether each
/// is open and its last sequence number.
async fn lock_heads(
    conn: &mut PgConnection,
    batch: &[NewMessage],
) -> Result<HashMap<StreamId, StreamHead>, sqlx::Error> {
    let (mut chats, mut conversations): (Vec<Uuid>, Vec<Uuid>) = (Vec::new(), Vec::new());
    for m in batch {
        match m.stream {
            StreamId::Chat(id) => chats.push(id.into()),
            StreamId::Conversation(id) => conversations.push(id.into()),
        }
    }
    let mut heads = HashMap::new();
    let tables: [(Vec<Uuid>, &str, StreamOf); 2] = [
        (chats, LOCK_CHAT_HEADS, |id| StreamId::Chat(id.into())),
        (conversations, LOCK_CONVERSATION_HEADS, |id| {
            StreamId::Conversation(id.into())
        }),
    ];
    for (mut ids, lock, stream) in tables {
        if ids.is_empty() {
            continue;
        }
        ids.sort_unstable();
        ids.dedup();
        let rows: Vec<HeadRow> = sqlx::query_as(lock)
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await?;
        for r in rows {
            heads.insert(stream(r.id), r.decode()?);
        }
    }
    Ok(heads)
}

/// Names a locked head's stream by the table it was read from.
type StreamOf = fn(Uuid) -> StreamId;

// NO KEY UPDATE is the lock an UPDATE of `last_seq` takes anyway: it orders this batch with
// every other append and state change of these streams, without blocking foreign-key checks.
const LOCK_CHAT_HEADS: &str = "SELECT id, status, last_seq, last_patron_seq FROM chats \
     WHERE id = ANY($1) \
     ORDER BY id FOR NO KEY UPDATE";
const LOCK_CONVERSATION_HEADS: &str = "SELECT id, NULL::text AS status, last_seq, \
     0::int8 AS last_patron_seq \
     FROM conversations WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE";

/// The stored messages whose (chat, sender, client id) the batch uses again.
async fn read_stored(
    conn: &mut PgConnection,
    batch: &[NewMessage],
) -> Result<HashMap<ClientKey, Message>, sqlx::Error> {
    let mut streams = Vec::new();
    let mut senders = Vec::new();
    let mut clients = Vec::new();
    // A stored row names its stream by uuid only; the batch says which stream that is.
    let mut kinds: HashMap<Uuid, StreamId> = HashMap::new();
    for m in batch {
        if let Some(c) = &m.client_msg_id {
            streams.push(*m.stream.as_uuid());
            kinds.insert(*m.stream.as_uuid(), m.stream);
            senders.push(m.sender.key());
            clients.push(c.as_str());
        }
    }
    if streams.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<MessageRow> = sqlx::query_as(concat!(
        "SELECT ",
        message_columns!(),
        " FROM messages WHERE (stream_id, sender, client_msg_id) IN \
         (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]))"
    ))
    .bind(&streams)
    .bind(&senders)
    .bind(&clients)
    .fetch_all(&mut *conn)
    .await?;
    let mut stored = HashMap::with_capacity(rows.len());
    for row in rows {
        let Some(&stream) = kinds.get(&row.stream_uuid()) else {
            return Err(crate::error::corrupt(
                "a stored retry of no stream asked for",
            ));
        };
        let m = row.decode(stream)?;
        if let Some(client) = &m.client_msg_id {
            let key = (m.stream, m.sender.key(), client.as_str().to_owned());
            stored.insert(key, m);
        }
    }
    Ok(stored)
}

/// Inserts every planned message and moves each touched stream's `last_seq` to its new head, in
/// one statement (one round trip). Returns how many messages were inserted.
async fn store_planned(conn: &mut PgConnection, plan: &Plan) -> Result<u64, sqlx::Error> {
    if plan.inserts().next().is_none() {
        return Ok(0);
    }
    let (mut chats, mut chat_seqs) = (Vec::<Uuid>::new(), Vec::<i64>::new());
    let mut chat_patron_seqs = Vec::<i64>::new();
    let (mut conversations, mut conversation_seqs) = (Vec::<Uuid>::new(), Vec::<i64>::new());
    for (stream, heads) in &plan.new_heads {
        match stream {
            StreamId::Chat(id) => {
                chats.push(*id.as_uuid());
                chat_seqs.push(seq_param(heads.seq));
                chat_patron_seqs.push(seq_param(heads.patron_seq));
            }
            StreamId::Conversation(id) => {
                conversations.push(*id.as_uuid());
                conversation_seqs.push(seq_param(heads.seq));
            }
        }
    }
    let query = sqlx::query(concat!(
        "WITH inserted AS (",
        insert_message_rows!(),
        "), conversation_heads AS (UPDATE conversations SET last_seq = h.last_seq \
         FROM unnest($13::uuid[], $14::int8[]) AS h(id, last_seq) \
         WHERE conversations.id = h.id) \
         UPDATE chats SET last_seq = h.last_seq, last_patron_seq = h.last_patron_seq \
         FROM unnest($10::uuid[], $11::int8[], $12::int8[]) AS h(id, last_seq, last_patron_seq) \
         WHERE chats.id = h.id"
    ));
    let (query, inserted) = bind_message_rows(query, plan.inserts());
    query
        .bind(chats)
        .bind(chat_seqs)
        .bind(chat_patron_seqs)
        .bind(conversations)
        .bind(conversation_seqs)
        .execute(&mut *conn)
        .await?;
    Ok(inserted as u64)
}
