//! Group commit: sends are queued to a few writer tasks, each with its own connection. A writer
//! takes what is queued (up to `max_batch`), stores the whole batch in one transaction, and only
//! after COMMIT answers each sender. One fsync then covers many messages, so durability does not
//! cost throughput. A chat's messages always go to the same writer (sharded by chat id), which
//! keeps its batches from contending; correctness comes from the row locks in
//! [`crate::commit`], which also order writers of other nodes.

use crate::commit::commit_batch;
use crate::error::{WriterGone, WriterPanicked};
use futures::FutureExt;
use refdesk_core::NewMessage;
use refdesk_store::{Appended, Result, StoreError};
use sqlx::PgPool;
use sqlx::pool::PoolConnection;
use sqlx::postgres::Postgres;
use std::panic::AssertUnwindSafe;
use tokio::sync::{mpsc, oneshot};

/// One send waiting for its batch.
struct Request {
    message: NewMessage,
    reply: oneshot::Sender<Result<Appended>>,
}

/// The handle the store appends through; dropping it stops the writers once their queues are
/// drained.
#[derive(Debug)]
pub(crate) struct Writer {
    shards: Vec<mpsc::Sender<Request>>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("stream", &self.message.stream)
            .finish_non_exhaustive()
    }
}

impl Writer {
    /// Starts `shards` writer tasks on the current Tokio runtime.
    pub(crate) fn start(pool: PgPool, shards: usize, max_batch: usize) -> Writer {
        let max_batch = max_batch.max(1);
        let shards = (0..shards.max(1))
            .map(|shard| {
                let (tx, rx) = mpsc::channel(max_batch * 4);
                tokio::spawn(run(pool.clone(), rx, max_batch, shard));
                tx
            })
            .collect();
        Writer { shards }
    }

    /// Queues a message and waits until its batch has committed (or failed).
    pub(crate) async fn append(&self, message: NewMessage) -> Result<Appended> {
        let shard = (message.stream.as_uuid().as_u128() % self.shards.len() as u128) as usize;
        let (reply, answer) = oneshot::channel();
        self.shards[shard]
            .send(Request { message, reply })
            .await
            .map_err(|_| StoreError::other(WriterGone))?;
        answer.await.map_err(|_| StoreError::other(WriterGone))?
    }
}

/// One writer: batches what is queued and commits it, until every handle is dropped.
async fn run(pool: PgPool, mut queue: mpsc::Receiver<Request>, max_batch: usize, shard: usize) {
    let mut conn: Option<PoolConnection<Postgres>> = None;
    let mut requests = Vec::with_capacity(max_batch);
    while queue.recv_many(&mut requests, max_batch).await > 0 {
        let (messages, replies): (Vec<_>, Vec<_>) =
            requests.drain(..).map(|r| (r.message, r.reply)).unzip();
        let n = messages.len();
        let batch = AssertUnwindSafe(commit_batch(&pool, &mut conn, messages, shard));
        let results = match batch.catch_unwind().await {
            Ok(results) => results,
            Err(_) => {
                // A bug, not a database refusal: the batch is answered as failed, its connection
                // (in an unknown state) is let go, and the writer carries on with the next batch.
                tracing::error!(writer.shard = shard, batch.size = n, "writer panicked");
                conn = None;
                (0..n)
                    .map(|_| Err(StoreError::other(WriterPanicked)))
                    .collect()
            }
        };
        for (reply, result) in replies.into_iter().zip(results) {
            // The sender may have given up waiting; its message is stored all the same, and a
            // retry with the same client id will find it.
            let _ = reply.send(result);
        }
    }
}
