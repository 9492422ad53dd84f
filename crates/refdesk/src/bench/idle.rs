//! Idle connections: one guest with one chat, and many chat box sockets of that guest, each
//! greeted (`hello` → `welcome`) and following the chat, then left idle. What they cost the
//! server is its resident memory after they connected minus before, per socket.

use super::setup;
use super::wire::{self, Ws};
use anyhow::Context;
use futures::{StreamExt, TryStreamExt};

/// Handshakes in flight at once (stays under the listen backlog).
const CONNECT_CONCURRENCY: usize = 128;

/// Opens `count` idle patron sockets on the node at `base`.
pub async fn open(
    http: &reqwest::Client,
    base: &str,
    widget: &str,
    count: usize,
) -> anyhow::Result<Vec<Ws>> {
    let chat = setup::start_chat(http, base, widget, usize::MAX)
        .await
        .context("starting the idle guest's chat")?;
    let url = setup::ws_url(base);
    let hello = wire::hello(Some(&chat.guest_token), &[&chat.chat_id]);
    futures::stream::iter(0..count)
        .map(|_| wire::connect_and_greet(&url, None, hello.clone()))
        .buffer_unordered(CONNECT_CONCURRENCY)
        .try_collect()
        .await
        .context("opening idle sockets")
}

/// Closes them all, a batch at a time.
pub async fn close(sockets: Vec<Ws>) {
    futures::stream::iter(sockets)
        .for_each_concurrent(CONNECT_CONCURRENCY, wire::close)
        .await;
}
