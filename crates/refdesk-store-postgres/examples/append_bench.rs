//! Append throughput, by hand: N messages from 100 tasks over 100 chats, on a fresh database of
//! the server named by `REFDESK_TEST_DATABASE_URL`. Prints messages per second. Not a test.
//!
//! ```text
//! REFDESK_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//!     cargo run --release -p refdesk-store-postgres --example append_bench -- 200000
//! ```

#[path = "../tests/it/support.rs"]
#[allow(dead_code)]
mod support;

use refdesk_core::Seq;
use refdesk_store::DynStore;
use refdesk_store::conformance::Fixture;
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

    let mut stored = 0;
    for (chat, _) in chats.iter() {
        let last = store.chat(chat.id).await.expect("chat").last_seq;
        stored += last.0 - 1;
        let tail = store.messages_after(chat.id, Seq(last.0 - 1), 10).await;
        assert_eq!(tail.expect("tail").len(), 1);
    }
    assert_eq!(stored as usize, total, "every message stored once");
    println!(
        "{total} messages from {TASKS} tasks over {CHATS} chats in {:.2} s: {:.0} messages/s",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    println!("(database {url} left for inspection; test databases are swept after a day)");
}
