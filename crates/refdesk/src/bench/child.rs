//! The server under test, as a child process: `refdesk serve` on a fresh SQLite database in a
//! temporary folder, seeded beforehand with the demo data (so the start that is timed is an
//! ordinary `serve` of an existing database, and the Riverside widget id is known without the
//! web UI). The child's memory is read from `/proc/<pid>/status`, apart from the generator's.

use anyhow::{Context, anyhow, bail};
use refdesk_server::{Settings, demo};
use std::collections::VecDeque;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// How long the child may take to print its address and answer `/healthz`.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Lines of the child's log kept to explain a failure.
const LOG_TAIL: usize = 30;

#[derive(Debug)]
pub struct Child {
    process: tokio::process::Child,
    pid: u32,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    /// The Riverside demo widget.
    pub widget: String,
    /// From spawning the process to the first successful `/healthz`.
    pub ready: Duration,
    /// The server's first line (`refdesk listening on …`).
    listening_line: String,
    log: Arc<Mutex<VecDeque<String>>>,
    _dir: tempfile::TempDir,
}

impl Child {
    /// Starts a server on a fresh database with the demo data and `monitors` more staff
    /// accounts who may monitor the demo co-op (`monitor-N@hillcrest.example`, the demo
    /// password).
    pub async fn start(synchronous: &str, monitors: usize) -> anyhow::Result<Child> {
        let dir = tempfile::Builder::new()
            .prefix("refdesk-bench-")
            .tempdir()
            .context("creating a temporary data folder")?;
        let widget = seed(dir.path(), synchronous, monitors).await?;
        let exe = std::env::current_exe().context("finding the refdesk executable")?;
        let spawned = Instant::now();
        let mut process = Command::new(exe)
            .arg("serve")
            .arg("--listen")
            .arg("127.0.0.1:0")
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("REFDESK_CONFIG")
            .env_remove("REFDESK_DATABASE_URL")
            .env_remove("REFDESK_BUS")
            .env("REFDESK_WS_MESSAGES_PER_SECOND", "1000000")
            // The generator starts every chat from 127.0.0.1.
            .env("REFDESK_CHAT_STARTS_PER_ADDRESS_PER_MINUTE", "100000000")
            .env("REFDESK_CHAT_STARTS_PER_WIDGET_PER_MINUTE", "100000000")
            .env("REFDESK_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE", "1000000")
            .env("REFDESK_SQLITE_SYNCHRONOUS", synchronous)
            .env("RUST_LOG", "warn,refdesk=info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting refdesk serve")?;
        let pid = process
            .id()
            .ok_or_else(|| anyhow!("the server exited at once"))?;
        let log = Arc::new(Mutex::new(VecDeque::new()));
        let stderr = process.stderr.take().expect("piped");
        tokio::spawn(keep_tail(stderr, log.clone()));
        let mut stdout = BufReader::new(process.stdout.take().expect("piped")).lines();
        let first = tokio::time::timeout(START_TIMEOUT, stdout.next_line()).await;
        let listening_line = match first {
            Ok(Ok(Some(line))) => line,
            _ => bail!(
                "the server did not print its address; its log:\n{}",
                tail(&log)
            ),
        };
        // Keep draining stdout so the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = stdout.next_line().await {} });
        let url = listening_line
            .strip_prefix("refdesk listening on ")
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("unexpected first line from the server: {listening_line:?}"))?;
        wait_healthy(&url, spawned).await.with_context(|| {
            format!(
                "the server did not become healthy; its log:\n{}",
                tail(&log)
            )
        })?;
        let ready = spawned.elapsed();
        Ok(Child {
            process,
            pid,
            url,
            widget,
            ready,
            listening_line,
            log,
            _dir: dir,
        })
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Resident memory of the server now.
    pub fn rss_bytes(&self) -> Option<u64> {
        rss_of(self.pid)
    }

    /// What the server said when it started, for the report.
    pub fn banner(&self) -> String {
        let own = self
            .log
            .lock()
            .expect("log lock")
            .iter()
            .find_map(|l| ready_ms(l))
            .map(|ms| format!(" (its own ready_ms={ms})"))
            .unwrap_or_default();
        format!(
            "server: {} — ready {:.1} ms after spawn{own}",
            self.listening_line,
            self.ready.as_secs_f64() * 1000.0
        )
    }

    pub async fn stop(mut self) {
        let _ = self.process.start_kill();
        let _ = self.process.wait().await;
    }
}

/// Creates the demo data in `dir` and returns the Riverside widget id.
async fn seed(dir: &std::path::Path, synchronous: &str, monitors: usize) -> anyhow::Result<String> {
    let settings = Settings {
        data_dir: dir.to_owned(),
        sqlite_synchronous: synchronous.to_owned(),
        ..Settings::default()
    };
    let store = refdesk_server::store::open(&settings)
        .await
        .context("creating the bench database")?;
    demo::seed(&store).await.context("seeding the demo data")?;
    if monitors > 0 {
        seed_monitors(&store, monitors).await?;
    }
    let riverside = store.institution_by_slug("riverside").await?;
    let widget = store
        .widgets(riverside.id)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("the demo data has no Riverside widget"))?;
    Ok(widget.id.to_string())
}

/// The email of the `n`th co-op monitor account.
pub fn monitor_email(n: usize) -> String {
    format!("monitor-{n}@hillcrest.example")
}

async fn seed_monitors(store: &refdesk_store::DynStore, count: usize) -> anyhow::Result<()> {
    let hillcrest = store.institution_by_slug("hillcrest").await?;
    let coop = store.coops_of_institution(hillcrest.id).await?[0].id;
    let hash = tokio::task::spawn_blocking(|| {
        refdesk_server::auth::hash_password(refdesk_server::demo::DEMO_PASSWORD)
    })
    .await?
    .map_err(|e| anyhow!("hashing failed: {e}"))?;
    for n in 0..count {
        let user = refdesk_core::User {
            id: refdesk_server::service::new_id(),
            institution_id: hillcrest.id,
            email: refdesk_core::Email::parse(&monitor_email(n))?,
            name: refdesk_core::DisplayName::parse(&format!("Monitor {n}"))?,
            role: refdesk_core::Role::Operator,
        };
        store.create_user(&user, &hash).await?;
        store
            .add_grant(user.id, refdesk_core::Grant::MonitorCoop(coop))
            .await?;
    }
    Ok(())
}

async fn wait_healthy(url: &str, spawned: Instant) -> anyhow::Result<()> {
    let http = super::setup::http_client()?;
    let health = format!("{url}/healthz");
    loop {
        if let Ok(r) = http.get(&health).send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        if spawned.elapsed() > START_TIMEOUT {
            bail!("no healthy answer from {health} within {START_TIMEOUT:?}");
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

async fn keep_tail(stderr: tokio::process::ChildStderr, log: Arc<Mutex<VecDeque<String>>>) {
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let line = strip_ansi(&line);
        let mut log = log.lock().expect("log lock");
        // The ready line is kept for the banner; the rest is a rolling tail.
        if log.len() >= LOG_TAIL {
            let keep = log.iter().position(|l| ready_ms(l).is_some());
            let drop_at = if keep == Some(0) { 1 } else { 0 };
            log.remove(drop_at);
        }
        log.push_back(line);
    }
}

fn tail(log: &Mutex<VecDeque<String>>) -> String {
    let log = log.lock().expect("log lock");
    log.iter().cloned().collect::<Vec<_>>().join("\n")
}

/// The log line without terminal colour codes (`ESC [ … letter`).
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `ready_ms=12.3` from the server's "ready" log line.
fn ready_ms(line: &str) -> Option<&str> {
    let rest = &line[line.find("ready_ms=")? + "ready_ms=".len()..];
    Some(rest.split_whitespace().next().unwrap_or(rest))
}

/// CPU time (user + system) a process has used so far, from `/proc/<pid>/stat` (in clock ticks,
/// 100 per second on Linux).
pub fn cpu_of(pid: Option<u32>) -> Option<Duration> {
    let path = match pid {
        Some(p) => format!("/proc/{p}/stat"),
        None => "/proc/self/stat".to_owned(),
    };
    let stat = std::fs::read_to_string(path).ok()?;
    // Fields after the command name (which may hold spaces) start with the state, field 3.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Time the threads of a process spent waiting for a CPU while runnable (the second field of
/// `/proc/<pid>/task/*/schedstat`): how much the machine's other work held the server back.
pub fn runqueue_wait_of(pid: u32) -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let Ok(task) = task else { continue };
        let Ok(stat) = std::fs::read_to_string(task.path().join("schedstat")) else {
            continue;
        };
        total += stat
            .split_whitespace()
            .nth(1)
            .and_then(|w| w.parse::<u64>().ok())
            .unwrap_or(0);
    }
    Some(Duration::from_nanos(total))
}

/// Resident set size of a process, from `/proc/<pid>/status` (`VmRSS`, in KiB there).
pub fn rss_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
