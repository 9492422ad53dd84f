//! Group commit: the single writer every change goes through.
//!
//! SQLite allows one writer at a time, and a durable commit costs an fsync. So one task owns the
//! only read-write connection and takes requests from a channel: it waits for the first, drains
//! whatever else is already queued (up to `max_batch`), runs them all in one `BEGIN IMMEDIATE`
//! transaction, and answers them only after `COMMIT` returns. Many senders share one fsync, and
//! nobody is told "stored" before it is.
//!
//! Requests run in arrival order. Consecutive appends are sequenced together (see
//! [`crate::append`]); every other change is a job that runs inside its own savepoint, so a job
//! that is refused (a lost claim, a taken email) leaves no trace and does not disturb the rest of
//! the batch. If the transaction itself fails, it is rolled back and every request of the batch
//! gets the error.

use crate::append;
use crate::rows::{Result, db};
use futures::FutureExt;
use futures::future::BoxFuture;
use refdesk_core::NewMessage;
use refdesk_store::sequencer::Planned;
use refdesk_store::{Appended, StoreError};
use sqlx::SqliteConnection;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};

/// A handle to the writer task; cheap to clone. The task ends when the last handle is dropped.
#[derive(Debug, Clone)]
pub(crate) struct Writer {
    requests: mpsc::Sender<Request>,
}

/// Why a write was not done, when the reason is the writer rather than the request.
#[derive(Debug, thiserror::Error)]
enum WriteFailure {
    #[error("the write batch was rolled back: {0}")]
    RolledBack(Arc<StoreError>),
    #[error("the SQLite writer did not answer (it has stopped, or the batch failed)")]
    Stopped,
}

impl From<WriteFailure> for StoreError {
    fn from(f: WriteFailure) -> Self {
        StoreError::other(f)
    }
}

enum Request {
    Append(NewMessage, oneshot::Sender<Result<Appended>>),
    Exec(Box<dyn Job>),
}

/// A change other than an append: run once inside the batch transaction, answered after it.
trait Job: Send {
    /// Does the work on the writer's connection; false when the job failed or was refused, and
    /// its savepoint must be rolled back.
    fn run<'c>(&'c mut self, conn: &'c mut SqliteConnection) -> BoxFuture<'c, bool>;
    /// Answers the caller: with the job's own result once the batch committed, with `failure`
    /// otherwise.
    fn answer(self: Box<Self>, failure: Option<&Arc<StoreError>>);
}

struct ExecJob<T, F> {
    work: Option<F>,
    outcome: Option<Result<T>>,
    reply: oneshot::Sender<Result<T>>,
}

impl<T, F> Job for ExecJob<T, F>
where
    T: Send + 'static,
    F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, Result<T>> + Send + 'static,
{
    fn run<'c>(&'c mut self, conn: &'c mut SqliteConnection) -> BoxFuture<'c, bool> {
        Box::pin(async move {
            let Some(work) = self.work.take() else {
                return false;
            };
            let outcome = work(conn).await;
            let ok = outcome.is_ok();
            self.outcome = Some(outcome);
            ok
        })
    }

    fn answer(self: Box<Self>, failure: Option<&Arc<StoreError>>) {
        let result = match (failure, self.outcome) {
            (Some(f), _) => Err(WriteFailure::RolledBack(f.clone()).into()),
            (None, Some(outcome)) => outcome,
            (None, None) => Err(StoreError::corrupt(
                "a job of a committed batch did not run",
            )),
        };
        // The caller may have given up waiting; the change stands all the same.
        let _ = self.reply.send(result);
    }
}

impl Writer {
    /// Starts the writer task on `conn`, which it owns from now on.
    pub(crate) fn start(conn: SqliteConnection, max_batch: usize) -> Writer {
        let max_batch = max_batch.max(1);
        let (requests, rx) = mpsc::channel(max_batch.saturating_mul(4).max(1024));
        tokio::spawn(run(conn, rx, max_batch));
        Writer { requests }
    }

    /// How many requests wait for the writer.
    #[cfg(test)]
    pub(crate) fn queued(&self) -> usize {
        self.requests.max_capacity() - self.requests.capacity()
    }

    /// Appends a message, answering once it is durable (or refused).
    pub(crate) async fn append(&self, message: NewMessage) -> Result<Appended> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(Request::Append(message, reply))
            .await
            .map_err(|_| WriteFailure::Stopped)?;
        answer.await.map_err(|_| WriteFailure::Stopped)?
    }

    /// Runs `work` in the next batch, answering once the batch committed. An `Err` from `work`
    /// undoes everything `work` wrote and is passed back to the caller.
    pub(crate) async fn exec<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = ExecJob {
            work: Some(work),
            outcome: None,
            reply,
        };
        self.requests
            .send(Request::Exec(Box::new(job)))
            .await
            .map_err(|_| WriteFailure::Stopped)?;
        answer.await.map_err(|_| WriteFailure::Stopped)?
    }
}

async fn run(mut conn: SqliteConnection, mut rx: mpsc::Receiver<Request>, max_batch: usize) {
    let mut requests = Vec::with_capacity(max_batch);
    while rx.recv_many(&mut requests, max_batch).await > 0 {
        let batch = AssertUnwindSafe(commit(&mut conn, requests.drain(..)));
        if batch.catch_unwind().await.is_err() {
            // A bug in a job must not stop every later write. The batch's requests were dropped
            // unanswered, so their callers get an error; what it wrote is undone.
            tracing::error!("a write batch panicked; rolling it back");
            if let Err(e) = sqlx::query("ROLLBACK").execute(&mut conn).await {
                tracing::debug!(error = %e, "rollback after a panicked batch");
            }
        }
        // The senders just answered are likely to send again at once: let them, as long as
        // requests keep coming, so that the next batch is a full one rather than the first few.
        let mut queued = rx.len();
        for _ in 0..16 {
            tokio::task::yield_now().await;
            let now = rx.len();
            if now == queued || now >= max_batch {
                break;
            }
            queued = now;
        }
    }
    if let Err(e) = sqlx::Connection::close(conn).await {
        tracing::warn!(error = %e, "closing the SQLite writer connection failed");
    }
}

/// A batch, in arrival order, with consecutive appends grouped.
enum Entry {
    Appends {
        messages: Vec<NewMessage>,
        replies: Vec<oneshot::Sender<Result<Appended>>>,
        decisions: Vec<Planned>,
    },
    Job(Box<dyn Job>),
}

fn group(requests: impl Iterator<Item = Request>) -> Vec<Entry> {
    let mut entries = Vec::new();
    for request in requests {
        match (request, entries.last_mut()) {
            (
                Request::Append(m, reply),
                Some(Entry::Appends {
                    messages, replies, ..
                }),
            ) => {
                messages.push(m);
                replies.push(reply);
            }
            (Request::Append(m, reply), _) => entries.push(Entry::Appends {
                messages: vec![m],
                replies: vec![reply],
                decisions: Vec::new(),
            }),
            (Request::Exec(job), _) => entries.push(Entry::Job(job)),
        }
    }
    entries
}

async fn commit(conn: &mut SqliteConnection, requests: impl Iterator<Item = Request>) {
    let started = Instant::now();
    let mut entries = group(requests);
    let size: usize = entries
        .iter()
        .map(|e| match e {
            Entry::Appends { replies, .. } => replies.len(),
            Entry::Job(_) => 1,
        })
        .sum();
    let failure = match execute(conn, &mut entries).await {
        Ok(()) => None,
        Err(e) => {
            tracing::error!(error = %e, batch.size = size, "write batch failed; rolling back");
            if let Err(e) = sqlx::query("ROLLBACK").execute(&mut *conn).await {
                // Expected when SQLite already rolled the transaction back itself.
                tracing::debug!(error = %e, "rollback after a failed batch");
            }
            Some(Arc::new(e))
        }
    };
    metrics::histogram!("refdesk_store_commit_batch_size").record(size as f64);
    metrics::histogram!("refdesk_store_commit_seconds").record(started.elapsed().as_secs_f64());
    if failure.is_none() {
        let appended = entries
            .iter()
            .map(|e| match e {
                Entry::Appends { decisions, .. } => decisions
                    .iter()
                    .filter(|d| matches!(d, Planned::Insert(_)))
                    .count(),
                Entry::Job(_) => 0,
            })
            .sum::<usize>();
        metrics::counter!("refdesk_store_messages_appended_total").increment(appended as u64);
    }
    for entry in entries {
        answer(entry, failure.as_ref());
    }
}

async fn execute(conn: &mut SqliteConnection, entries: &mut [Entry]) -> Result<()> {
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    for entry in entries.iter_mut() {
        match entry {
            Entry::Appends {
                messages,
                decisions,
                ..
            } => {
                *decisions = append::apply(conn, std::mem::take(messages))
                    .await?
                    .decisions;
            }
            Entry::Job(job) => run_job(conn, job.as_mut()).await?,
        }
    }
    sqlx::query("COMMIT")
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}

/// Runs one job in a savepoint. A refused job is undone; if even that fails, the transaction is
/// no longer what we think it is, and the whole batch fails.
async fn run_job(conn: &mut SqliteConnection, job: &mut dyn Job) -> Result<()> {
    sqlx::query("SAVEPOINT job")
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    if job.run(conn).await {
        sqlx::query("RELEASE job")
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    } else {
        sqlx::raw_sql("ROLLBACK TO job; RELEASE job")
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    Ok(())
}

fn answer(entry: Entry, failure: Option<&Arc<StoreError>>) {
    match entry {
        Entry::Job(job) => job.answer(failure),
        Entry::Appends {
            replies, decisions, ..
        } => {
            if let Some(f) = failure {
                for reply in replies {
                    let _ = reply.send(Err(WriteFailure::RolledBack(f.clone()).into()));
                }
                return;
            }
            for (reply, decision) in replies.into_iter().zip(decisions) {
                let result = match decision {
                    Planned::Insert(message) => Ok(Appended {
                        message,
                        duplicate: false,
                    }),
                    Planned::Duplicate(message) => Ok(Appended {
                        message,
                        duplicate: true,
                    }),
                    Planned::Refused(e) => Err(e),
                };
                let _ = reply.send(result);
            }
        }
    }
}
