//! One patron: a chat box socket that sends `send` frames, either at a fixed rate (open loop) or
//! as fast as acks come back with a window of messages in flight (closed loop), and records which
//! of its messages were acknowledged.
//!
//! Message `n` of chat `i` has `client_msg_id` `b{i}-{n}` and body `bench {i} {n} {t}`, where `t`
//! is the send time in microseconds since the run's epoch: the operator who receives it computes
//! the delivery latency from the body alone, with no table shared between tasks.

use super::load::{Shared, Window};
use super::wire::{self, Ws};
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};
use tokio::time::{Interval, MissedTickBehavior};
use tokio_tungstenite::tungstenite::Message;

/// How long a patron waits for the acks of its last messages after sending stops.
pub const DRAIN: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct PatronPlan {
    pub idx: u32,
    pub chat_id: String,
    pub guest_token: String,
}

/// What every patron shares.
#[derive(Debug)]
pub struct PatronConfig {
    pub ws_url: String,
    /// `None`: closed loop; otherwise each patron sends one message per interval.
    pub interval: Option<Duration>,
    /// Open loop: the delay between consecutive patrons' first messages, so sends are spread.
    pub stagger: Duration,
    pub window: usize,
    pub cap: u64,
    pub epoch: Instant,
}

#[derive(Debug, Default)]
pub struct PatronResult {
    pub idx: u32,
    pub sent: u64,
    /// `acked[n]`: message `n` was acknowledged.
    pub acked: Vec<bool>,
    pub duplicate_acks: u64,
    pub errors: u64,
    pub first_error: Option<String>,
}

impl PatronResult {
    fn error(&mut self, e: impl Into<String>) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(e.into());
        }
    }
}

#[derive(Deserialize)]
struct Ack<'a> {
    #[serde(borrow)]
    client_msg_id: Cow<'a, str>,
}

#[derive(Deserialize)]
struct ErrorFrame<'a> {
    #[serde(borrow)]
    code: Cow<'a, str>,
    #[serde(borrow)]
    message: Cow<'a, str>,
    #[serde(borrow, default)]
    in_reply_to: Option<Cow<'a, str>>,
}

enum Step {
    Frame(Option<Result<Message, tokio_tungstenite::tungstenite::Error>>),
    Tick,
    Stop,
    GiveUp,
}

pub async fn run(
    plan: PatronPlan,
    config: Arc<PatronConfig>,
    shared: Arc<Shared>,
    ready: mpsc::Sender<Result<(), String>>,
    mut start: watch::Receiver<Option<Window>>,
) -> PatronResult {
    let mut result = PatronResult {
        idx: plan.idx,
        ..PatronResult::default()
    };
    let hello = wire::hello(Some(&plan.guest_token), &[&plan.chat_id]);
    let mut ws = match wire::connect_and_greet(&config.ws_url, None, hello).await {
        Ok(ws) => ws,
        Err(e) => {
            let _ = ready.send(Err(format!("patron {}: {e:#}", plan.idx))).await;
            result.error(e.to_string());
            return result;
        }
    };
    let _ = ready.send(Ok(())).await;
    drop(ready);
    let Ok(window) = start
        .wait_for(Option::is_some)
        .await
        .map(|w| w.expect("some"))
    else {
        return result;
    };
    let mut sender = Sender {
        plan: &plan,
        config: &config,
        in_flight: 0,
    };
    if let Err(e) = sender
        .send_loop(&mut ws, window, &shared, &mut result)
        .await
    {
        result.error(format!("socket: {e}"));
    }
    wire::close(ws).await;
    result
}

struct Sender<'a> {
    plan: &'a PatronPlan,
    config: &'a PatronConfig,
    in_flight: usize,
}

impl Sender<'_> {
    async fn send_loop(
        &mut self,
        ws: &mut Ws,
        window: Window,
        shared: &Shared,
        result: &mut PatronResult,
    ) -> anyhow::Result<()> {
        let stop = tokio::time::Instant::from_std(window.stop);
        let give_up = stop + DRAIN;
        let mut ticker: Option<Interval> = self.config.interval.map(|every| {
            let first = window.start + self.config.stagger * self.plan.idx;
            let mut t = tokio::time::interval_at(first.into(), every);
            t.set_missed_tick_behavior(MissedTickBehavior::Burst);
            t
        });
        let closed_loop = ticker.is_none();
        let mut sending = true;
        loop {
            if sending && result.sent >= self.config.cap {
                sending = false;
            }
            if sending && closed_loop && self.in_flight < self.config.window {
                while self.in_flight < self.config.window && result.sent < self.config.cap {
                    ws.feed(self.next_frame(result)).await?;
                }
                ws.flush().await?;
            }
            if !sending && self.in_flight == 0 {
                return Ok(());
            }
            let step = tokio::select! {
                biased;
                m = ws.next() => Step::Frame(m),
                _ = tokio::time::sleep_until(stop), if sending => Step::Stop,
                _ = tick(&mut ticker), if sending && !closed_loop => Step::Tick,
                _ = tokio::time::sleep_until(give_up), if !sending => Step::GiveUp,
            };
            match step {
                Step::Frame(Some(Ok(Message::Text(text)))) => {
                    self.on_frame(&text, shared, result);
                }
                Step::Frame(Some(Ok(Message::Close(c)))) => {
                    anyhow::bail!("closed by the server: {c:?}")
                }
                Step::Frame(Some(Ok(_))) => {}
                Step::Frame(Some(Err(e))) => return Err(e.into()),
                Step::Frame(None) => anyhow::bail!("the socket ended"),
                Step::Tick => {
                    let frame = self.next_frame(result);
                    ws.send(frame).await?;
                }
                Step::Stop => sending = false,
                Step::GiveUp => {
                    result.error(format!(
                        "{} messages still unacknowledged {DRAIN:?} after sending stopped",
                        self.in_flight
                    ));
                    return Ok(());
                }
            }
        }
    }

    /// The next `send` frame, counted as sent and in flight.
    fn next_frame(&mut self, result: &mut PatronResult) -> Message {
        use std::fmt::Write;
        let n = result.sent;
        let idx = self.plan.idx;
        let t = self.config.epoch.elapsed().as_micros() as u64;
        let mut frame = String::with_capacity(160);
        let _ = write!(
            frame,
            r#"{{"type":"send","chat_id":"{}","client_msg_id":"b{idx}-{n}","body":"bench {idx} {n} {t}"}}"#,
            self.plan.chat_id
        );
        result.sent += 1;
        result.acked.push(false);
        self.in_flight += 1;
        Message::text(frame)
    }

    fn on_frame(&mut self, text: &str, shared: &Shared, result: &mut PatronResult) {
        match &*wire::frame_type(text) {
            "ack" => {
                let Ok(ack) = serde_json::from_str::<Ack>(text) else {
                    result.error(format!("unreadable ack: {text}"));
                    return;
                };
                let n = self.own_message(&ack.client_msg_id);
                match n.and_then(|n| result.acked.get(n).copied()) {
                    None => result.error(format!("ack of a message not sent: {text}")),
                    Some(true) => result.duplicate_acks += 1,
                    Some(false) => {
                        result.acked[n.expect("checked")] = true;
                        shared.acked.fetch_add(1, Ordering::Relaxed);
                        self.in_flight = self.in_flight.saturating_sub(1);
                    }
                }
            }
            "error" => {
                let Ok(e) = serde_json::from_str::<ErrorFrame>(text) else {
                    result.error(format!("unreadable error frame: {text}"));
                    return;
                };
                result.error(format!("{}: {}", e.code, e.message));
                // A refused send is no longer in flight. Refusals that name no message
                // (rate_limited) are taken as one of ours, so a closed loop does not stall.
                let ours = match e.in_reply_to.as_deref() {
                    Some(id) => self.own_message(id).is_some(),
                    None => true,
                };
                if ours {
                    self.in_flight = self.in_flight.saturating_sub(1);
                }
            }
            // Its own messages coming back, chat status, typing: not measured here.
            _ => {}
        }
    }

    /// `n` of `b{idx}-{n}`, when it is one of ours.
    fn own_message(&self, client_msg_id: &str) -> Option<usize> {
        let (idx, n) = client_msg_id.strip_prefix('b')?.split_once('-')?;
        if idx.parse::<u32>().ok()? != self.plan.idx {
            return None;
        }
        n.parse().ok()
    }
}

async fn tick(ticker: &mut Option<Interval>) {
    match ticker {
        Some(t) => {
            t.tick().await;
        }
        None => std::future::pending().await,
    }
}
