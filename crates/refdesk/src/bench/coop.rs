//! `refdesk bench --coop-monitors N`: co-op fan-out. N staff accounts of Hillcrest monitor the
//! demo co-op on N dashboards (WebSockets); nobody at Riverside is monitoring, so each chat
//! started on Riverside's chat box is offered to the co-op at once (the demo's routing plan).
//! Figures: the time from a patron's `POST /api/chats` to the chat's `chat` frame on every one
//! of the N dashboards (p50, p99, max), and, with `--waiting` chats in the co-op's queue, how
//! many frames one claim costs each dashboard.

use super::{child, setup, wire};
use anyhow::{Context, anyhow, bail};
use futures::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

/// Most monitors, and most chats waiting.
pub const MAX_MONITORS: usize = 1_000;
pub const MAX_WAITING: usize = 2_000;
/// Chats whose arrival is timed.
const TIMED: usize = 50;
/// How long a chat may take to reach every dashboard before the run fails.
const ARRIVAL_TIMEOUT: Duration = Duration::from_secs(30);

/// What the bench asks one dashboard's task.
enum Ask {
    /// When the chat's `chat` frame arrived (waits for it).
    Arrival(String, oneshot::Sender<Instant>),
    /// How many frames arrived since the last mark (sends a marker `watch` and counts up to
    /// its answer).
    Mark(oneshot::Sender<usize>),
}

/// One dashboard: reads every frame, remembers when each chat first arrived, answers asks.
async fn dashboard(mut ws: wire::Ws, mut asks: mpsc::Receiver<Ask>) {
    let mut arrived: HashMap<String, Instant> = HashMap::new();
    let mut waiting: Vec<(String, oneshot::Sender<Instant>)> = Vec::new();
    let mut since_mark = 0usize;
    let mut marking: Option<(String, oneshot::Sender<usize>)> = None;
    loop {
        tokio::select! {
            ask = asks.recv() => match ask {
                None => break,
                Some(Ask::Arrival(chat, tx)) => match arrived.get(&chat) {
                    Some(at) => { let _ = tx.send(*at); }
                    None => waiting.push((chat, tx)),
                },
                Some(Ask::Mark(tx)) => {
                    let marker = uuid::Uuid::now_v7().to_string();
                    let frame = serde_json::json!({"type": "watch", "chat_id": marker, "after_seq": 0});
                    if ws.send(Message::text(frame.to_string())).await.is_err() { break; }
                    marking = Some((marker, tx));
                }
            },
            frame = ws.next() => {
                let now = Instant::now();
                let Some(Ok(Message::Text(text))) = frame else {
                    match frame { Some(Ok(_)) => continue, _ => break }
                };
                let kind = wire::frame_type(&text);
                if kind == "error" && marking.is_some() && text.contains("\"frame\":\"watch\"") {
                    let (_, tx) = marking.take().expect("marking");
                    let _ = tx.send(since_mark);
                    since_mark = 0;
                    continue;
                }
                since_mark += 1;
                if kind == "chat"
                    && let Some(id) = chat_id(&text)
                {
                    arrived.entry(id.clone()).or_insert(now);
                    if let Some(i) = waiting.iter().position(|(c, _)| *c == id) {
                        let (_, tx) = waiting.swap_remove(i);
                        let _ = tx.send(now);
                    }
                }
            }
        }
    }
}

/// The chat id of a `chat` frame: refdesk writes `{"type":"chat","chat":{"id":"…` first, which
/// makes this a prefix test (the generator shares the machine with the server: it should cost
/// little); anything else is parsed in full.
fn chat_id(text: &str) -> Option<String> {
    if let Some(rest) = text.strip_prefix(r#"{"type":"chat","chat":{"id":""#)
        && let Some(end) = rest.find('"')
    {
        return Some(rest[..end].to_owned());
    }
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    v["chat"]["id"].as_str().map(str::to_owned)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

pub async fn run(monitors: usize, waiting: usize, json: bool) -> anyhow::Result<()> {
    if !(1..=MAX_MONITORS).contains(&monitors) {
        bail!("--coop-monitors must be 1 to {MAX_MONITORS}");
    }
    if !(TIMED..=MAX_WAITING).contains(&waiting) {
        bail!("--waiting must be {TIMED} to {MAX_WAITING}");
    }
    super::raise_fd_limit((monitors + 256) as u64)?;
    let http = setup::http_client()?;
    let server = child::Child::start("full", monitors)
        .await
        .context("starting the server")?;
    if !json {
        println!("{}", server.banner());
        println!("signing in {monitors} co-op monitors…");
    }
    let base = server.url.clone();
    let ws_url = setup::ws_url(&base);
    let cookies: Vec<String> = futures::stream::iter(0..monitors)
        .map(|n| {
            let http = http.clone();
            let base = base.clone();
            async move { setup::login(&http, &base, &child::monitor_email(n)).await }
        })
        .buffered(8)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    let mine: serde_json::Value = http
        .get(format!("{base}/api/monitoring"))
        .header("cookie", &cookies[0])
        .send()
        .await?
        .json()
        .await?;
    let coop = mine["coops"][0]["id"]
        .as_str()
        .ok_or_else(|| anyhow!("the monitors may monitor no co-op: {mine}"))?
        .to_owned();
    let mut dashboards = Vec::with_capacity(monitors);
    for cookie in &cookies {
        let r = http
            .put(format!("{base}/api/monitoring"))
            .header("cookie", cookie)
            .header("origin", &base)
            .json(&serde_json::json!({"coop_id": coop, "online": true}))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("switching co-op monitoring on failed: {}", r.status());
        }
        let ws = wire::connect_and_greet(&ws_url, Some(cookie), wire::hello(None, &[])).await?;
        let (tx, rx) = mpsc::channel(4);
        tokio::spawn(dashboard(ws, rx));
        dashboards.push(tx);
    }

    // Arrival: one chat at a time, from the patron's request to every dashboard.
    let mut latencies = Vec::with_capacity(TIMED * monitors);
    let mut requests = Vec::with_capacity(TIMED);
    let mut chats = Vec::new();
    for n in 0..TIMED {
        let mut arrivals = Vec::with_capacity(monitors);
        let start = Instant::now();
        let chat = setup::start_chat(&http, &base, &server.widget, n).await?;
        requests.push(start.elapsed());
        for d in &dashboards {
            let (tx, rx) = oneshot::channel();
            d.send(Ask::Arrival(chat.chat_id.clone(), tx)).await?;
            arrivals.push(rx);
        }
        for rx in arrivals {
            let at = tokio::time::timeout(ARRIVAL_TIMEOUT, rx)
                .await
                .map_err(|_| anyhow!("chat {} did not reach every dashboard", chat.chat_id))??;
            latencies.push(at.saturating_duration_since(start));
        }
        chats.push(chat);
    }
    latencies.sort();
    requests.sort();

    // The queue fills up to `waiting`; then one claim, and what each dashboard received for it.
    let more = setup::start_chats(&http, &base, &server.widget, waiting - TIMED).await?;
    chats.extend(more);
    let last = chats.last().expect("chats").chat_id.clone();
    for d in &dashboards {
        let (tx, rx) = oneshot::channel();
        d.send(Ask::Arrival(last.clone(), tx)).await?;
        tokio::time::timeout(ARRIVAL_TIMEOUT, rx).await??;
    }
    let mark = async || -> anyhow::Result<Vec<usize>> {
        let mut rxs = Vec::new();
        for d in &dashboards {
            let (tx, rx) = oneshot::channel();
            d.send(Ask::Mark(tx)).await?;
            rxs.push(rx);
        }
        let mut out = Vec::new();
        for rx in rxs {
            out.push(tokio::time::timeout(ARRIVAL_TIMEOUT, rx).await??);
        }
        Ok(out)
    };
    mark().await?;
    setup::claim_all(
        &http,
        &base,
        vec![(chats[0].chat_id.clone(), cookies[0].clone())],
    )
    .await?;
    // A socket's events and its answers to frames travel apart: the claim's frame may come
    // after the first marker's answer. Nothing else happens meanwhile, so two marks count all.
    let first = mark().await?;
    let second = mark().await?;
    let per_socket: Vec<usize> = first.iter().zip(&second).map(|(a, b)| a + b).collect();
    let max_frames = per_socket.iter().copied().max().unwrap_or(0);
    let total: usize = per_socket.iter().sum();
    server.stop().await;

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let summary = serde_json::json!({
        "scenario": "coop-fanout",
        "monitors": monitors,
        "chats_timed": TIMED,
        "arrival_ms": {"p50": ms(percentile(&latencies, 0.5)), "p99": ms(percentile(&latencies, 0.99)),
                       "max": ms(*latencies.last().unwrap_or(&Duration::ZERO))},
        "start_request_ms": {"p50": ms(percentile(&requests, 0.5)), "p99": ms(percentile(&requests, 0.99))},
        "waiting": waiting,
        "claim_frames_per_socket": {"max": max_frames, "mean": total as f64 / monitors as f64},
    });
    if !json {
        println!(
            "new chat → all {monitors} co-op dashboards ({TIMED} chats, {} deliveries): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            latencies.len(),
            ms(percentile(&latencies, 0.5)),
            ms(percentile(&latencies, 0.99)),
            ms(*latencies.last().unwrap_or(&Duration::ZERO)),
        );
        println!(
            "the patron's POST /api/chats (started and offered to the co-op): p50 {:.2} ms, p99 {:.2} ms",
            ms(percentile(&requests, 0.5)),
            ms(percentile(&requests, 0.99)),
        );
        println!(
            "one claim with {waiting} chats waiting: at most {max_frames} frame(s) per dashboard ({:.2} on average)",
            total as f64 / monitors as f64
        );
    }
    println!("{summary}");
    Ok(())
}
