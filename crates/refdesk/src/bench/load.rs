//! The load phase: start and claim the chats, connect every operator and patron, start them
//! together, stop sending after the duration, wait (bounded) until every acknowledged message
//! has reached its operator, and add up what happened.

use super::operator::{self, MISSING, OperatorPlan, OperatorResult};
use super::patron::{self, PatronConfig, PatronPlan, PatronResult};
use super::{BenchArgs, setup};
use anyhow::{Context, bail};
use hdrhistogram::Histogram;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// How long, after the last patron finished, the bench waits for deliveries still under way.
const DELIVERY_WAIT: Duration = Duration::from_secs(10);

/// Counters every task updates, for deciding when the run is complete.
#[derive(Debug, Default)]
pub struct Shared {
    pub acked: AtomicU64,
    pub received: AtomicU64,
    /// Latest operator receive time, µs since the epoch.
    pub last_received_us: AtomicU64,
}

/// The sending window, the same for every patron.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub start: Instant,
    pub stop: Instant,
}

#[derive(Debug, Clone)]
pub struct LoadConfig {
    pub chats: usize,
    pub operators: usize,
    pub rate: u64,
    pub window: usize,
    pub duration: Duration,
    pub cap: u64,
}

impl LoadConfig {
    pub fn from_args(args: &BenchArgs) -> Self {
        LoadConfig {
            chats: args.chats,
            operators: args.operators,
            rate: args.rate,
            window: args.window,
            duration: Duration::from_secs(args.duration),
            cap: args.messages_per_chat.unwrap_or(u64::MAX),
        }
    }
}

/// What the load phase measured.
#[derive(Debug)]
pub struct Outcome {
    pub sent: u64,
    pub acked: u64,
    /// Acknowledged and received by an operator.
    pub delivered: u64,
    /// Acknowledged but never received.
    pub lost: u64,
    /// Sent but never acknowledged.
    pub unacked: u64,
    pub duplicates: u64,
    pub errors: u64,
    pub first_errors: Vec<String>,
    /// Delivery latency of delivered messages, µs.
    pub latency: Histogram<u64>,
    /// From the start of sending to the last delivery.
    pub elapsed: Duration,
    /// Setting up: starting and claiming chats, connecting sockets.
    pub setup: Duration,
}

pub async fn run(
    config: &LoadConfig,
    http: &reqwest::Client,
    patron_base: &str,
    operator_base: &str,
    widget: &str,
    epoch: Instant,
) -> anyhow::Result<Outcome> {
    let setup_started = Instant::now();
    let mut cookies = Vec::new();
    for email in setup::OPERATOR_EMAILS {
        cookies.push(setup::login(http, operator_base, email).await?);
    }
    let chats = setup::start_chats(http, patron_base, widget, config.chats)
        .await
        .context("starting chats")?;
    // Chat i belongs to operator socket i % M; operator socket j signs in as account j % 2.
    let mut plans: Vec<OperatorPlan> = (0..config.operators)
        .map(|j| OperatorPlan {
            cookie: cookies[j % cookies.len()].clone(),
            chats: Vec::new(),
        })
        .collect();
    for (i, c) in chats.iter().enumerate() {
        plans[i % config.operators]
            .chats
            .push((i as u32, c.chat_id.clone()));
    }
    let claims = plans
        .iter()
        .flat_map(|p| p.chats.iter().map(|(_, id)| (id.clone(), p.cookie.clone())))
        .collect();
    setup::claim_all(http, operator_base, claims)
        .await
        .context("claiming chats")?;

    let shared = Arc::new(Shared::default());
    let (ready_tx, mut ready_rx) = mpsc::channel(config.chats + config.operators);
    let (stop_tx, stop_rx) = watch::channel(false);
    let (start_tx, start_rx) = watch::channel(None);
    let operator_url = setup::ws_url(operator_base);
    let operators: Vec<_> = plans
        .into_iter()
        .map(|plan| {
            tokio::spawn(operator::run(
                plan,
                operator_url.clone(),
                epoch,
                shared.clone(),
                ready_tx.clone(),
                stop_rx.clone(),
            ))
        })
        .collect();
    let patron_config = Arc::new(patron_config(config, patron_base, epoch));
    let patrons: Vec<_> = chats
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let plan = PatronPlan {
                idx: i as u32,
                chat_id: c.chat_id,
                guest_token: c.guest_token,
            };
            tokio::spawn(patron::run(
                plan,
                patron_config.clone(),
                shared.clone(),
                ready_tx.clone(),
                start_rx.clone(),
            ))
        })
        .collect();
    drop(ready_tx);
    for _ in 0..config.chats + config.operators {
        match ready_rx.recv().await {
            Some(Ok(())) => {}
            Some(Err(e)) => bail!("a socket could not be set up: {e}"),
            None => bail!("a socket task ended during setup"),
        }
    }
    let setup = setup_started.elapsed();

    let start = Instant::now() + Duration::from_millis(20);
    let window = Window {
        start,
        stop: start + config.duration,
    };
    start_tx.send_replace(Some(window));
    let mut patron_results = Vec::with_capacity(patrons.len());
    for p in patrons {
        patron_results.push(p.await.context("a patron task panicked")?);
    }
    let deadline = Instant::now() + DELIVERY_WAIT;
    while shared.received.load(Ordering::Relaxed) < shared.acked.load(Ordering::Relaxed)
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    stop_tx.send_replace(true);
    let mut operator_results = Vec::with_capacity(operators.len());
    for o in operators {
        operator_results.push(o.await.context("an operator task panicked")?);
    }
    let last = Duration::from_micros(shared.last_received_us.load(Ordering::Relaxed));
    let elapsed = (epoch + last)
        .saturating_duration_since(start)
        .max(Duration::from_millis(1));
    Ok(tally(
        patron_results,
        operator_results,
        elapsed,
        setup,
        config.chats,
    ))
}

fn patron_config(config: &LoadConfig, base: &str, epoch: Instant) -> PatronConfig {
    let (interval, stagger) = if config.rate == 0 {
        (None, Duration::ZERO)
    } else {
        // Each patron sends chats/rate seconds apart; patron i starts i/rate seconds in.
        let every = Duration::from_secs_f64(config.chats as f64 / config.rate as f64);
        (
            Some(every),
            Duration::from_secs_f64(1.0 / config.rate as f64),
        )
    };
    PatronConfig {
        ws_url: setup::ws_url(base),
        interval,
        stagger,
        window: config.window,
        cap: config.cap,
        epoch,
    }
}

/// Joins what the patrons sent and acknowledged with what the operators received.
fn tally(
    patrons: Vec<PatronResult>,
    operators: Vec<OperatorResult>,
    elapsed: Duration,
    setup: Duration,
    chats: usize,
) -> Outcome {
    let mut latency =
        Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds");
    let mut received: Vec<Vec<u32>> = vec![Vec::new(); chats];
    let mut out = Outcome {
        sent: 0,
        acked: 0,
        delivered: 0,
        lost: 0,
        unacked: 0,
        duplicates: 0,
        errors: 0,
        first_errors: Vec::new(),
        latency: latency.clone(),
        elapsed,
        setup,
    };
    for o in operators {
        out.duplicates += o.duplicates;
        out.errors += o.errors;
        out.first_errors.extend(o.first_error);
        for (idx, l) in o.latencies {
            received[idx as usize] = l;
        }
    }
    for p in patrons {
        out.sent += p.sent;
        out.duplicates += p.duplicate_acks;
        out.errors += p.errors;
        out.first_errors.extend(p.first_error);
        let got = &received[p.idx as usize];
        for (n, acked) in p.acked.iter().enumerate() {
            if !acked {
                out.unacked += 1;
                continue;
            }
            out.acked += 1;
            match got.get(n).copied().unwrap_or(MISSING) {
                MISSING => out.lost += 1,
                us => {
                    out.delivered += 1;
                    latency.saturating_record(u64::from(us).max(1));
                }
            }
        }
    }
    out.first_errors.truncate(5);
    out.latency = latency;
    out
}
