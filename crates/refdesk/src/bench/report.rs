//! The figures of a run: a table for people, then one line of JSON for scripts, and what the
//! server's own `/metrics` say about its store commits during the load.

use super::BenchArgs;
use super::load::Outcome;
use serde::Serialize;
use std::collections::HashMap;
use std::time::Duration;

const MIB: f64 = 1024.0 * 1024.0;

/// What was read off the server process.
#[derive(Debug, Clone, Copy)]
pub struct ServerFigures {
    pub rss_idle: Option<u64>,
    pub rss_after: Option<u64>,
    pub ready: Option<Duration>,
    /// CPU used during the load phase (setup included).
    pub cpu: Cpu,
}

/// CPU time of the server and of the generator.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cpu {
    pub server: Option<Duration>,
    pub generator: Option<Duration>,
    /// Time the server's threads were runnable but waited for a CPU.
    pub server_waited: Option<Duration>,
}

impl Cpu {
    pub fn since(&self, before: &Cpu) -> Cpu {
        let d = |a: Option<Duration>, b: Option<Duration>| Some(a?.saturating_sub(b?));
        Cpu {
            server: d(self.server, before.server),
            generator: d(self.generator, before.generator),
            server_waited: d(self.server_waited, before.server_waited),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct IdleFigures {
    pub connections: usize,
    pub rss_before: Option<u64>,
    pub rss_after: Option<u64>,
}

impl IdleFigures {
    fn kib_per_connection(&self) -> Option<f64> {
        let (b, a) = (self.rss_before?, self.rss_after?);
        Some((a as f64 - b as f64) / 1024.0 / self.connections as f64)
    }
}

#[derive(Debug, Serialize)]
pub struct Latency {
    pub p50: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
}

/// The one-line JSON summary (`null` for what this run could not measure).
#[derive(Debug, Serialize)]
pub struct Summary {
    pub chats: usize,
    pub operators: usize,
    pub target_rate: u64,
    pub duration_s: u64,
    pub sent: u64,
    pub acked: u64,
    pub delivered: u64,
    pub lost: u64,
    pub duplicates: u64,
    pub errors: u64,
    pub delivered_per_s: f64,
    pub latency_ms: Latency,
    pub server_rss_idle_mib: Option<f64>,
    pub server_rss_after_mib: Option<f64>,
    pub ready_ms: Option<f64>,
    pub idle_conn_kib: Option<f64>,
    pub idle_connections: usize,
    pub unacked: u64,
    pub window: Option<usize>,
    pub synchronous: Option<&'static str>,
    /// CPU seconds the server and the generator used during the load phase.
    pub server_cpu_s: Option<f64>,
    pub generator_cpu_s: Option<f64>,
    /// Seconds the server's threads waited for a CPU during the load phase (0 on a quiet
    /// machine with cores to spare; high when other work competed for the cores).
    pub server_cpu_wait_s: Option<f64>,
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

fn ms(us: u64) -> f64 {
    round(us as f64 / 1000.0, 3)
}

fn mib(bytes: Option<u64>) -> Option<f64> {
    bytes.map(|b| round(b as f64 / MIB, 1))
}

impl Summary {
    pub fn new(
        args: &BenchArgs,
        o: &Outcome,
        server: ServerFigures,
        idle: Option<&IdleFigures>,
    ) -> Self {
        let h = &o.latency;
        let (p50, p99, p999, max) = if h.is_empty() {
            (0, 0, 0, 0)
        } else {
            (
                h.value_at_quantile(0.5),
                h.value_at_quantile(0.99),
                h.value_at_quantile(0.999),
                h.max(),
            )
        };
        let own_server = args.target.is_none();
        Summary {
            chats: args.chats,
            operators: args.operators,
            target_rate: args.rate,
            duration_s: args.duration,
            sent: o.sent,
            acked: o.acked,
            delivered: o.delivered,
            lost: o.lost,
            duplicates: o.duplicates,
            errors: o.errors,
            delivered_per_s: round(o.delivered as f64 / o.elapsed.as_secs_f64(), 1),
            latency_ms: Latency {
                p50: ms(p50),
                p99: ms(p99),
                p999: ms(p999),
                max: ms(max),
            },
            server_rss_idle_mib: mib(server.rss_idle),
            server_rss_after_mib: mib(server.rss_after),
            ready_ms: server.ready.map(|d| round(d.as_secs_f64() * 1000.0, 1)),
            idle_conn_kib: idle
                .and_then(IdleFigures::kib_per_connection)
                .map(|k| round(k, 2)),
            idle_connections: args.idle_connections,
            unacked: o.unacked,
            window: (args.rate == 0).then_some(args.window),
            synchronous: own_server.then(|| args.synchronous.as_str()),
            server_cpu_s: server.cpu.server.map(|d| round(d.as_secs_f64(), 2)),
            generator_cpu_s: server.cpu.generator.map(|d| round(d.as_secs_f64(), 2)),
            server_cpu_wait_s: server.cpu.server_waited.map(|d| round(d.as_secs_f64(), 2)),
        }
    }
}

/// Counters of the server's `/metrics`, by series name (labels included).
pub type Scrape = HashMap<String, f64>;

/// Reads the server's Prometheus text; `None` when it has none to give.
pub async fn scrape(http: &reqwest::Client, base: &str) -> Option<Scrape> {
    let text = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .ok()?
        .error_for_status()
        .ok()?
        .text()
        .await
        .ok()?;
    Some(
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (name, value) = l.rsplit_once(' ')?;
                Some((name.to_owned(), value.parse().ok()?))
            })
            .collect(),
    )
}

/// The store's group commits during the load, from two scrapes.
#[derive(Debug, Default)]
pub struct StoreFigures {
    pub commits: f64,
    pub mean_batch: f64,
    pub mean_commit_ms: f64,
    pub commit_busy: f64,
    pub lagged: f64,
    pub catch_up_messages: f64,
}

impl StoreFigures {
    pub fn between(before: Option<&Scrape>, after: Option<&Scrape>) -> Option<StoreFigures> {
        let (before, after) = (before?, after?);
        let delta =
            |k: &str| after.get(k).copied().unwrap_or(0.0) - before.get(k).copied().unwrap_or(0.0);
        let commits = delta("refdesk_store_commit_seconds_count");
        if commits <= 0.0 {
            return None;
        }
        let commit_seconds = delta("refdesk_store_commit_seconds_sum");
        Some(StoreFigures {
            commits,
            mean_batch: delta("refdesk_store_commit_batch_size_sum") / commits,
            mean_commit_ms: commit_seconds * 1000.0 / commits,
            commit_busy: commit_seconds,
            lagged: delta("refdesk_ws_lagged_total"),
            catch_up_messages: delta("refdesk_ws_catch_up_messages_total"),
        })
    }
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn opt(x: Option<f64>, unit: &str) -> String {
    x.map(|v| format!("{v} {unit}"))
        .unwrap_or_else(|| "not measured".into())
}

pub fn print_table(
    args: &BenchArgs,
    s: &Summary,
    o: &Outcome,
    idle: Option<&IdleFigures>,
    store: Option<StoreFigures>,
) {
    let mode = if args.rate == 0 {
        format!("as fast as acked, window {} per patron", args.window)
    } else {
        format!("{} msg/s in all", thousands(args.rate))
    };
    println!(
        "load: {} chats, {} operators, {mode}, {} s (setup took {:.1} s)",
        s.chats,
        s.operators,
        s.duration_s,
        o.setup.as_secs_f64()
    );
    let rows: Vec<(&str, String)> = vec![
        ("sent", thousands(s.sent)),
        ("acked", thousands(s.acked)),
        (
            "delivered",
            format!(
                "{}  ({} msg/s over {:.2} s)",
                thousands(s.delivered),
                thousands(s.delivered_per_s as u64),
                o.elapsed.as_secs_f64()
            ),
        ),
        ("lost", thousands(s.lost)),
        ("unacked", thousands(s.unacked)),
        ("duplicates", thousands(s.duplicates)),
        ("errors", thousands(s.errors)),
        ("latency p50", format!("{:.3} ms", s.latency_ms.p50)),
        ("latency p99", format!("{:.3} ms", s.latency_ms.p99)),
        ("latency p99.9", format!("{:.3} ms", s.latency_ms.p999)),
        ("latency max", format!("{:.3} ms", s.latency_ms.max)),
        ("server RSS idle", opt(s.server_rss_idle_mib, "MiB")),
        ("server RSS after", opt(s.server_rss_after_mib, "MiB")),
        ("server ready", opt(s.ready_ms, "ms")),
        (
            "CPU during load",
            format!(
                "server {} (its threads waited {} for a CPU), generator {}",
                opt(s.server_cpu_s, "s"),
                opt(s.server_cpu_wait_s, "s"),
                opt(s.generator_cpu_s, "s")
            ),
        ),
    ];
    for (k, v) in rows {
        println!("  {k:<18} {v}");
    }
    if let Some(i) = idle {
        println!(
            "  {:<18} {} sockets: {} per socket (RSS {} → {})",
            "idle WebSockets",
            thousands(i.connections as u64),
            opt(s.idle_conn_kib, "KiB"),
            opt(mib(i.rss_before), "MiB"),
            opt(mib(i.rss_after), "MiB"),
        );
    }
    if let Some(st) = store {
        println!(
            "  {:<18} {} commits, {:.1} messages per commit, {:.3} ms per commit \
             (writer busy {:.2} s), {} lagged sockets, {} caught up from the store",
            "store",
            thousands(st.commits as u64),
            st.mean_batch,
            st.mean_commit_ms,
            st.commit_busy,
            thousands(st.lagged as u64),
            thousands(st.catch_up_messages as u64),
        );
    }
    for e in &o.first_errors {
        println!("  error: {e}");
    }
}
