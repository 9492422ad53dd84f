//! Append throughput, by hand: N messages from 100 tasks over 100 chats, on a fresh database of
//! the server named by `REFDESK_TEST_DATABASE_URL`. Prints messages per second. Not a test.
//!
//! ```text
//! REFDESK_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//!     cargo run --release -p refdesk-store-postgres --example pg_append_bench -- 200000
//! ```

#[path = "../tests/it/support.rs"]
#[allow(dead_code)]
mod support;

use refdesk_core::Seq;
use refdesk_store::DynStore;
use refdesk_store::conformance::Fixture;
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
use std::sync::Arc;
use std::time::Instant;

const TASKS: usize = 100;
const CHATS: usize = 100;

#[tokio::main]
async fn main() {
    let total: usize = std::env::args()
        .nth(1)
        .map(|n| {
            n.parse()
                .expect("the first argument is a number of messages")
        })
        .unwrap_or(100_000);
    let url = support::fresh_database().await;
    let store: DynStore = Arc::new(support::open(&url).await);
    let f = Arc::new(Fixture::new(store.clone()).await);
    let mut chats = Vec::with_capacity(CHATS);
    for _ in 0..CHATS {
        chats.push(f.chat().await);
    }
    let chats = Arc::new(chats);

    let commits_before = commits(&url).await;
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let (f, chats) = (f.clone(), chats.clone());
            tokio::spawn(async move {
                let mut i = t;
                while i < total {
                    // Task t writes messages t, t + TASKS, …, each to the next chat in turn, so
                    // every chat is written by many tasks.
                    let (chat, guest) = &chats[(i / TASKS + t) % CHATS];
                    let m = f.patron_message(&chat.id, guest, Some(&format!("b{i}")), "hello");
                    f.store.append_message(m).await.expect("append");
                    i += TASKS;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    let elapsed = started.elapsed();
    let commits = commits(&url).await - commits_before;

    let mut stored = 0;
    for (chat, _) in chats.iter() {
        let last = store.chat(chat.id).await.expect("chat").last_seq;
        stored += last.0 - 1;
        let tail = store
            .messages_after(chat.id.into(), Seq(last.0 - 1), 10)
            .await;
        assert_eq!(tail.expect("tail").len(), 1);
    }
    assert_eq!(stored as usize, total, "every message stored once");
    println!(
        "{total} messages from {TASKS} tasks over {CHATS} chats in {:.2} s: {:.0} messages/s",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    println!(
        "{commits} transactions committed: {:.1} messages per commit",
        total as f64 / commits as f64
    );
    drop((f, store));
    let name = url.rsplit('/').next().expect("a database name");
    let mut admin = PgConnection::connect(&support::admin_url())
        .await
        .expect("connect");
    admin
        .execute(AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
        .await
        .expect("drop the bench database");
}

/// Transactions committed so far in the database of `url` (as the statistics collector saw).
async fn commits(url: &str) -> i64 {
    let mut conn = PgConnection::connect(url).await.expect("connect");
    sqlx::query("SELECT pg_stat_clear_snapshot()")
        .execute(&mut conn)
        .await
        .expect("clear");
    sqlx::query_scalar(
        "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
    )
    .fetch_one(&mut conn)
    .await
    .expect("pg_stat_database")
}
