//! One operator: a dashboard socket, signed in with a demo operator's session cookie, following
//! the chats it claimed. It records, per chat and message number, the delivery latency of every
//! bench message it receives (receive time minus the send time carried in the body), and counts
//! duplicates.

use super::load::Shared;
use super::wire;
use futures::StreamExt;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

/// Marks a message not (yet) received.
pub const MISSING: u32 = u32::MAX;

#[derive(Debug, Clone)]
pub struct OperatorPlan {
    pub cookie: String,
    /// `(chat index, chat id)` of the chats it claimed.
    pub chats: Vec<(u32, String)>,
}

#[derive(Debug, Default)]
pub struct OperatorResult {
    /// Per chat index: latency in microseconds of message `n`, or [`MISSING`].
    pub latencies: Vec<(u32, Vec<u32>)>,
    pub duplicates: u64,
    pub errors: u64,
    pub first_error: Option<String>,
}

impl OperatorResult {
    fn error(&mut self, e: impl Into<String>) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(e.into());
        }
    }
}

#[derive(Deserialize)]
struct MessageFrame<'a> {
    #[serde(borrow)]
    message: MessageIn<'a>,
}

#[derive(Deserialize)]
struct MessageIn<'a> {
    #[serde(borrow)]
    sender: Cow<'a, str>,
    #[serde(borrow)]
    body: Cow<'a, str>,
}

#[derive(Deserialize)]
struct ChatFrame<'a> {
    #[serde(borrow)]
    chat: ChatIn<'a>,
}

#[derive(Deserialize)]
struct ChatIn<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
}

pub async fn run(
    plan: OperatorPlan,
    ws_url: String,
    epoch: Instant,
    shared: Arc<Shared>,
    ready: mpsc::Sender<Result<(), String>>,
    mut stop: watch::Receiver<bool>,
) -> OperatorResult {
    let mut result = OperatorResult {
        latencies: plan.chats.iter().map(|(i, _)| (*i, Vec::new())).collect(),
        ..OperatorResult::default()
    };
    let slots: HashMap<u32, usize> = plan
        .chats
        .iter()
        .enumerate()
        .map(|(slot, (i, _))| (*i, slot))
        .collect();
    let ids: Vec<&str> = plan.chats.iter().map(|(_, id)| id.as_str()).collect();
    let hello = wire::hello(None, &ids);
    let mut ws = match wire::connect_and_greet(&ws_url, Some(&plan.cookie), hello).await {
        Ok(ws) => ws,
        Err(e) => {
            let _ = ready.send(Err(format!("operator: {e:#}"))).await;
            result.error(e.to_string());
            return result;
        }
    };
    // Ready once every followed chat was confirmed (the `chat` frame that answers a watch).
    let mut waiting: HashSet<&str> = ids.iter().copied().collect();
    let confirm = tokio::time::timeout(wire::HANDSHAKE_TIMEOUT, async {
        while !waiting.is_empty() {
            match ws.next().await {
                Some(Ok(Message::Text(t))) if wire::frame_type(&t) == "chat" => {
                    if let Ok(c) = serde_json::from_str::<ChatFrame>(&t) {
                        waiting.remove(&*c.chat.id);
                    }
                }
                Some(Ok(Message::Text(t))) if wire::frame_type(&t) == "error" => {
                    return Err(format!("operator: {}", t.as_str()));
                }
                Some(Ok(_)) => {}
                _ => return Err("operator: the socket ended while following chats".into()),
            }
        }
        Ok(())
    })
    .await
    .unwrap_or_else(|_| Err("operator: chats not followed in time".into()));
    let failed = confirm.as_ref().err().cloned();
    let _ = ready.send(confirm).await;
    drop(ready);
    if let Some(e) = failed {
        result.error(e);
        return result;
    }

    loop {
        let frame = tokio::select! {
            biased;
            m = ws.next() => m,
            _ = stop.wait_for(|s| *s) => break,
        };
        match frame {
            Some(Ok(Message::Text(text))) => match &*wire::frame_type(&text) {
                "message" => on_message(&text, epoch, &slots, &shared, &mut result),
                "error" => result.error(text.as_str().to_owned()),
                _ => {}
            },
            Some(Ok(Message::Close(c))) => {
                result.error(format!("closed by the server: {c:?}"));
                break;
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => {
                result.error(format!("socket: {e}"));
                break;
            }
            None => {
                result.error("the socket ended");
                break;
            }
        }
    }
    wire::close(ws).await;
    result
}

fn on_message(
    text: &str,
    epoch: Instant,
    slots: &HashMap<u32, usize>,
    shared: &Shared,
    result: &mut OperatorResult,
) {
    let received = epoch.elapsed().as_micros() as u64;
    let Ok(frame) = serde_json::from_str::<MessageFrame>(text) else {
        result.error(format!("unreadable message frame: {text}"));
        return;
    };
    // The question, system messages: not bench messages.
    let Some(bench) = frame.message.body.strip_prefix("bench ") else {
        return;
    };
    let parsed = parse_body(bench);
    let Some((idx, n, sent)) = parsed.filter(|_| frame.message.sender == "patron") else {
        result.error(format!("unexpected bench message: {text}"));
        return;
    };
    let Some(&slot) = slots.get(&idx) else {
        result.error(format!("message of a chat not followed: {text}"));
        return;
    };
    let latencies = &mut result.latencies[slot].1;
    if latencies.len() <= n {
        latencies.resize(n + 1, MISSING);
    }
    if latencies[n] != MISSING {
        result.duplicates += 1;
        return;
    }
    latencies[n] = received.saturating_sub(sent).min(u64::from(MISSING - 1)) as u32;
    shared.received.fetch_add(1, Ordering::Relaxed);
    shared
        .last_received_us
        .fetch_max(received, Ordering::Relaxed);
}

/// `(chat index, n, sent µs)` from the body after `bench `.
fn parse_body(s: &str) -> Option<(u32, usize, u64)> {
    let mut parts = s.split(' ');
    let idx = parts.next()?.parse().ok()?;
    let n = parts.next()?.parse().ok()?;
    let sent = parts.next()?.parse().ok()?;
    Some((idx, n, sent))
}

#[cfg(test)]
mod tests {
    #[test]
    fn bodies_parse() {
        assert_eq!(super::parse_body("12 345 6789"), Some((12, 345, 6789)));
        assert_eq!(super::parse_body("12 x 6789"), None);
    }
}
