//! `refdesk bench`: the load generator. Patrons and operators talk to a refdesk node over real
//! WebSockets, exactly as the chat box and the dashboard do (docs/API.md), and the run ends with
//! delivered messages per second, delivery latency (patron send → operator receive, for
//! acknowledged messages), lost and duplicated messages, and the server's memory and start time.
//!
//! By default the bench starts its own server as a child process (a fresh SQLite database in a
//! temporary folder, with the demo data), so that the server's memory is measured apart from the
//! generator's. With `--target` it loads a running node instead (loopback only), which must hold
//! the demo data (`refdesk demo`). The bench is bounded: at most 120 s of load, a capped number
//! of sockets, and nothing but loopback addresses.

mod child;
mod coop;
mod idle;
mod load;
mod operator;
mod patron;
mod report;
mod setup;
mod wire;

use anyhow::{Context, bail, ensure};
use std::time::Instant;

/// Longest load phase accepted, in seconds.
const MAX_DURATION_S: u64 = 120;
/// Most patron chats (one socket each).
const MAX_CHATS: usize = 5_000;
/// Most idle sockets.
const MAX_IDLE: usize = 50_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Synchronous {
    /// Every commit is fsynced (the default of refdesk).
    Full,
    /// Commits survive a crash of refdesk, not of the machine.
    Normal,
}

impl Synchronous {
    fn as_str(self) -> &'static str {
        match self {
            Synchronous::Full => "full",
            Synchronous::Normal => "normal",
        }
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// A running node to load instead of starting one, e.g. http://127.0.0.1:8080 (loopback
    /// only; it must hold the demo data of `refdesk demo`).
    #[arg(long)]
    pub target: Option<String>,
    /// Node the patrons connect to (default: the target).
    #[arg(long)]
    pub patron_target: Option<String>,
    /// Node the operators connect to (default: the target).
    #[arg(long)]
    pub operator_target: Option<String>,
    /// Widget (chat box) id of the Riverside demo library; found from /demo/riverside when left
    /// out.
    #[arg(long)]
    pub widget: Option<String>,
    /// Process id of the target server, to read its memory from /proc (with --target).
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Chats, one patron WebSocket each.
    #[arg(long, default_value_t = 100)]
    pub chats: usize,
    /// Operator WebSockets; each claims and follows an equal share of the chats.
    #[arg(long, default_value_t = 10)]
    pub operators: usize,
    /// Patron messages per second, all patrons together (0: as fast as the server acknowledges,
    /// with `--window` messages in flight per patron).
    #[arg(long, default_value_t = 0)]
    pub rate: u64,
    /// Unacknowledged messages each patron keeps in flight when `--rate 0`.
    #[arg(long, default_value_t = 32)]
    pub window: usize,
    /// Seconds of sending (at most 120).
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Stop each patron after this many messages.
    #[arg(long)]
    pub messages_per_chat: Option<u64>,
    /// Idle patron WebSockets to open on the fresh server, to measure memory per connection.
    #[arg(long, default_value_t = 0)]
    pub idle_connections: usize,
    /// SQLite durability of the server the bench starts.
    #[arg(long, value_enum, default_value = "full")]
    pub synchronous: Synchronous,
    /// Print only the one-line JSON summary.
    #[arg(long)]
    pub json: bool,
    /// Instead of the message load: co-op fan-out with this many dashboards monitoring the
    /// demo co-op (how long a new chat takes to reach all of them, and what one claim costs
    /// each with `--waiting` chats in the queue).
    #[arg(long)]
    pub coop_monitors: Option<usize>,
    /// Chats waiting in the co-op's queue when the claim is measured (with --coop-monitors).
    #[arg(long, default_value_t = 500)]
    pub waiting: usize,
}

impl BenchArgs {
    fn validate(&self) -> anyhow::Result<()> {
        ensure!(
            (1..=MAX_DURATION_S).contains(&self.duration),
            "--duration must be 1 to {MAX_DURATION_S} seconds"
        );
        ensure!(
            (1..=MAX_CHATS).contains(&self.chats),
            "--chats must be 1 to {MAX_CHATS}"
        );
        ensure!(
            (1..=self.chats).contains(&self.operators),
            "--operators must be 1 to --chats ({})",
            self.chats
        );
        ensure!(
            (1..=1024).contains(&self.window),
            "--window must be 1 to 1024"
        );
        ensure!(
            self.idle_connections <= MAX_IDLE,
            "--idle-connections must be at most {MAX_IDLE}"
        );
        ensure!(
            self.messages_per_chat != Some(0),
            "--messages-per-chat must be at least 1"
        );
        if self.target.is_none() && (self.patron_target.is_some() || self.operator_target.is_some())
        {
            bail!("--patron-target and --operator-target need --target (the node to set up on)");
        }
        Ok(())
    }

    /// File descriptors the generator needs: every socket, plus some for HTTP and files.
    fn needed_fds(&self) -> u64 {
        (self.chats + self.operators + self.idle_connections + 256) as u64
    }
}

/// Raises the soft open-files limit to the hard one (the child server inherits it).
fn raise_fd_limit(needed: u64) -> anyhow::Result<u64> {
    let limit = rlimit::increase_nofile_limit(u64::MAX).context("raising the open-files limit")?;
    ensure!(
        limit >= needed,
        "the open-files limit is {limit}, but this run needs about {needed}: \
         raise it (ulimit -n) or open fewer sockets"
    );
    Ok(limit)
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    if let Some(monitors) = args.coop_monitors {
        ensure!(
            args.target.is_none(),
            "--coop-monitors starts its own server: leave out --target"
        );
        return coop::run(monitors, args.waiting, args.json).await;
    }
    args.validate()?;
    raise_fd_limit(args.needed_fds())?;
    let epoch = Instant::now();
    let http = setup::http_client()?;

    let mut server = None;
    let (base, widget) = match &args.target {
        Some(t) => (setup::loopback_url(t)?, args.widget.clone()),
        None => {
            let s = child::Child::start(args.synchronous.as_str(), 0)
                .await
                .context("starting the server")?;
            let parts = (s.url.clone(), Some(s.widget.clone()));
            server = Some(s);
            parts
        }
    };
    let patron_base = match &args.patron_target {
        Some(t) => setup::loopback_url(t)?,
        None => base.clone(),
    };
    let operator_base = match &args.operator_target {
        Some(t) => setup::loopback_url(t)?,
        None => base.clone(),
    };
    let rss = |server: &Option<child::Child>| match server {
        Some(s) => s.rss_bytes(),
        None => args.server_pid.and_then(child::rss_of),
    };
    let rss_idle = rss(&server);
    if !args.json
        && let Some(s) = &server
    {
        println!("{}", s.banner());
    }

    let widget = match widget {
        Some(w) => w,
        None => setup::find_widget(&http, &patron_base).await?,
    };

    // Idle sockets are measured first, on the fresh server: after the load, memory the load
    // freed would be reused by the new connections and hide their cost.
    let idle = if args.idle_connections > 0 {
        let before = rss(&server);
        let sockets = idle::open(&http, &patron_base, &widget, args.idle_connections).await?;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let after = rss(&server);
        idle::close(sockets).await;
        Some(report::IdleFigures {
            connections: args.idle_connections,
            rss_before: before,
            rss_after: after,
        })
    } else {
        None
    };

    // Also installs the server's metrics recorder, which starts with its first scrape.
    let metrics_before = report::scrape(&http, &base).await;
    let server_pid = server.as_ref().map(child::Child::pid).or(args.server_pid);
    let cpu = || report::Cpu {
        server: server_pid.and_then(|p| child::cpu_of(Some(p))),
        generator: child::cpu_of(None),
        server_waited: server_pid.and_then(child::runqueue_wait_of),
    };
    let cpu_before = cpu();
    let outcome = load::run(
        &load::LoadConfig::from_args(&args),
        &http,
        &patron_base,
        &operator_base,
        &widget,
        epoch,
    )
    .await?;
    let cpu_used = cpu().since(&cpu_before);
    let metrics_after = report::scrape(&http, &base).await;
    let rss_after = rss(&server);

    let summary = report::Summary::new(
        &args,
        &outcome,
        report::ServerFigures {
            rss_idle,
            rss_after,
            ready: server.as_ref().map(|s| s.ready),
            cpu: cpu_used,
        },
        idle.as_ref(),
    );
    if !args.json {
        report::print_table(
            &args,
            &summary,
            &outcome,
            idle.as_ref(),
            report::StoreFigures::between(metrics_before.as_ref(), metrics_after.as_ref()),
        );
    }
    println!("{}", serde_json::to_string(&summary)?);
    if let Some(s) = server {
        s.stop().await;
    }
    if outcome.lost > 0 {
        bail!(
            "{} acknowledged messages were never delivered",
            outcome.lost
        );
    }
    Ok(())
}
