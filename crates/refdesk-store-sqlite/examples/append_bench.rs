//! A throughput check to run by hand (not a test: its figures depend on the machine):
//!
//! ```text
//! cargo run --release -p refdesk-store-sqlite --example append_bench -- [MESSAGES] [full|normal] [CHATS]
//! ```
//!
//! Appends MESSAGES (default 200,000) durable messages from 100 concurrent tasks over CHATS
//! (default 100) chats, each with a client message id as real senders use, and prints messages
//! per second and the sizes of the commit batches. `normal` selects `synchronous=NORMAL`.
//!
//! With 100 chats, every message of a batch goes to another chat, the worst case for SQLite:
//! each dirties its own pages of the messages table and of the client-id index, and each of
//! those pages is written to the WAL whole. Fewer chats show what sharing pages is worth.

use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};
use refdesk_store::conformance::Fixture;
use refdesk_store_sqlite::{SqliteOptions, SqliteStore, Synchronous};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

const TASKS: usize = 100;

/// Keeps every value recorded into a histogram, by metric name.
#[derive(Debug, Default)]
struct Samples(Mutex<HashMap<String, Vec<f64>>>);

#[derive(Debug)]
struct Series(Arc<Samples>, String);

impl metrics::HistogramFn for Series {
    fn record(&self, value: f64) {
        let mut all = self.0.0.lock().unwrap();
        all.entry(self.1.clone()).or_default().push(value);
    }
}

#[derive(Debug, Clone, Default)]
struct SampleRecorder(Arc<Samples>);

impl Recorder for SampleRecorder {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, _: &Key, _: &Metadata<'_>) -> Counter {
        Counter::noop()
    }
    fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::noop()
    }
    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::from_arc(Arc::new(Series(self.0.clone(), key.name().to_owned())))
    }
}

impl SampleRecorder {
    fn take(&self, name: &str) -> Vec<f64> {
        self.0.0.lock().unwrap().remove(name).unwrap_or_default()
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let total: usize = args
        .next()
        .map_or(200_000, |n| n.parse().expect("MESSAGES"));
    let synchronous = match args.next().as_deref() {
        Some("normal") => Synchronous::Normal,
        _ => Synchronous::Full,
    };
    let chat_count: usize = args.next().map_or(100, |n| n.parse().expect("CHATS"));
    let recorder = SampleRecorder::default();
    metrics::set_global_recorder(recorder.clone()).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let options = SqliteOptions {
        synchronous,
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open(&url, options).await.unwrap();
    let f = Arc::new(Fixture::new(Arc::new(store)).await);
    let mut chats = Vec::with_capacity(chat_count);
    for _ in 0..chat_count {
        chats.push(f.chat().await);
    }
    let chats = Arc::new(chats);
    recorder.take("refdesk_store_commit_batch_size");
    recorder.take("refdesk_store_commit_seconds");

    let per_task = total / TASKS;
    let before = Usage::now();
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let (f, chats) = (f.clone(), chats.clone());
            tokio::spawn(async move {
                for i in 0..per_task {
                    let (chat, guest) = &chats[(t + i) % chat_count];
                    let client = format!("t{t}-{i}");
                    let m = f.patron_message(&chat.id, guest, Some(&client), "A benchmark line.");
                    f.store.append_message(m).await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed();
    let sent = per_task * TASKS;
    let used = Usage::now().and_then(|now| now.since(&before));

    let mut sizes = recorder.take("refdesk_store_commit_batch_size");
    let mut seconds = recorder.take("refdesk_store_commit_seconds");
    sizes.sort_by(f64::total_cmp);
    seconds.sort_by(f64::total_cmp);
    let mean = sizes.iter().sum::<f64>() / sizes.len().max(1) as f64;
    println!(
        "{sent} messages from {TASKS} tasks over {chat_count} chats, synchronous={synchronous:?}: \
         {:.2} s, {:.0} messages/s",
        elapsed.as_secs_f64(),
        sent as f64 / elapsed.as_secs_f64()
    );
    println!(
        "{} commits; batch size mean {mean:.1}, p50 {}, p99 {}, max {}; \
         commit time p50 {:.2} ms, p99 {:.2} ms",
        sizes.len(),
        percentile(&sizes, 0.5),
        percentile(&sizes, 0.99),
        percentile(&sizes, 1.0),
        percentile(&seconds, 0.5) * 1e3,
        percentile(&seconds, 0.99) * 1e3,
    );
    if let Some(used) = used {
        println!(
            "per message: {:.1} µs of CPU, {:.0} bytes written to disk",
            used.cpu_seconds / sent as f64 * 1e6,
            used.bytes_written as f64 / sent as f64
        );
    }
}

/// CPU time and bytes written by this process so far (Linux only: read from `/proc`).
#[derive(Debug)]
struct Usage {
    cpu_seconds: f64,
    bytes_written: u64,
}

impl Usage {
    fn now() -> Option<Usage> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // Fields after the command name, which is in parentheses: utime and stime are the 12th
        // and 13th, in clock ticks (100 per second on Linux).
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let ticks: u64 =
            fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        let io = std::fs::read_to_string("/proc/self/io").ok()?;
        let bytes_written = io
            .lines()
            .find_map(|l| l.strip_prefix("write_bytes: "))?
            .trim()
            .parse()
            .ok()?;
        Some(Usage {
            cpu_seconds: ticks as f64 / 100.0,
            bytes_written,
        })
    }

    fn since(&self, before: &Option<Usage>) -> Option<Usage> {
        let before = before.as_ref()?;
        Some(Usage {
            cpu_seconds: self.cpu_seconds - before.cpu_seconds,
            bytes_written: self.bytes_written.saturating_sub(before.bytes_written),
        })
    }
}
