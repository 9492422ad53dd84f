//! Setting a run up over the REST API: where to connect (loopback only), the demo widget, the
//! demo operators' sessions, and chats started and claimed as the chat box and the dashboard do.

use anyhow::{Context, anyhow, bail, ensure};
use futures::{StreamExt, TryStreamExt};
use refdesk_protocol::{StaffChatView, StartChatResponse};
use reqwest::header::SET_COOKIE;
use std::net::IpAddr;

/// The demo operators of the Riverside library (see `refdesk_server::demo`).
pub const OPERATOR_EMAILS: [&str; 2] = ["alice@riverside.example", "bob@riverside.example"];

/// REST requests in flight at once while setting up.
const SETUP_CONCURRENCY: usize = 8;

pub fn http_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .no_proxy()
        .timeout(std::time::Duration::from_secs(30))
        .build()?)
}

/// `url` without a trailing slash, refused unless its host is a loopback address: the bench
/// never loads another machine.
pub fn loopback_url(url: &str) -> anyhow::Result<String> {
    let parsed = reqwest::Url::parse(url).with_context(|| format!("invalid URL {url:?}"))?;
    ensure!(
        parsed.scheme() == "http",
        "only http:// targets are supported, not {url:?}"
    );
    let host = parsed.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    ensure!(
        loopback,
        "{url:?} is not a loopback address: the bench only loads this machine"
    );
    Ok(url.trim_end_matches('/').to_owned())
}

/// The WebSocket endpoint of a node at `base` (`http://…`).
pub fn ws_url(base: &str) -> String {
    format!("ws{}/ws", base.trim_start_matches("http"))
}

/// The Riverside widget id, from the `data-widget` attribute of the demo library page.
pub async fn find_widget(http: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let page = http
        .get(format!("{base}/demo/riverside"))
        .send()
        .await?
        .error_for_status()
        .context("the target has no /demo/riverside page: start it with `refdesk demo`, or give --widget")?
        .text()
        .await?;
    let start = page
        .find("data-widget=\"")
        .ok_or_else(|| anyhow!("no data-widget in /demo/riverside: give --widget"))?
        + "data-widget=\"".len();
    let id = &page[start..];
    Ok(id[..id.find('"').unwrap_or(id.len())].to_owned())
}

/// Signs a demo operator in; returns the `Cookie` header value of the session.
pub async fn login(http: &reqwest::Client, base: &str, email: &str) -> anyhow::Result<String> {
    let response = http
        .post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({"email": email, "password": refdesk_server::demo::DEMO_PASSWORD}))
        .send()
        .await?;
    if !response.status().is_success() {
        bail!(
            "signing in as {email} failed ({}): the target must hold the demo data",
            response.status()
        );
    }
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|c| c.starts_with("refdesk_session="))
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("the login answer set no refdesk_session cookie"))
}

/// One started chat: the patron's side of it.
#[derive(Debug, Clone)]
pub struct StartedChat {
    pub chat_id: String,
    pub guest_token: String,
}

/// Starts a chat as a new guest.
pub async fn start_chat(
    http: &reqwest::Client,
    base: &str,
    widget: &str,
    n: usize,
) -> anyhow::Result<StartedChat> {
    let response = http
        .post(format!("{base}/api/chats"))
        .json(&serde_json::json!({
            "widget_id": widget,
            "question": format!("load test chat {n}"),
            "name": format!("Bench patron {n}"),
        }))
        .send()
        .await?;
    let status = response.status();
    if !status.is_success() {
        bail!(
            "starting a chat failed ({status}): {}",
            response.text().await.unwrap_or_default()
        );
    }
    let started: StartChatResponse = response.json().await?;
    Ok(StartedChat {
        chat_id: started.chat.id.to_string(),
        guest_token: started.guest_token,
    })
}

/// Starts `count` chats, a few requests at a time, in order.
pub async fn start_chats(
    http: &reqwest::Client,
    base: &str,
    widget: &str,
    count: usize,
) -> anyhow::Result<Vec<StartedChat>> {
    futures::stream::iter(0..count)
        .map(|n| start_chat(http, base, widget, n))
        .buffered(SETUP_CONCURRENCY)
        .try_collect()
        .await
}

/// Claims each `(chat id, session cookie)`.
pub async fn claim_all(
    http: &reqwest::Client,
    base: &str,
    claims: Vec<(String, String)>,
) -> anyhow::Result<()> {
    futures::stream::iter(claims)
        .map(|(chat, cookie)| async move {
            let response = http
                .post(format!("{base}/api/chats/{chat}/claim"))
                .header(reqwest::header::COOKIE, cookie)
                .send()
                .await?;
            let status = response.status();
            if !status.is_success() {
                bail!(
                    "claiming chat {chat} failed ({status}): {}",
                    response.text().await.unwrap_or_default()
                );
            }
            let _: StaffChatView = response.json().await?;
            Ok(())
        })
        .buffer_unordered(SETUP_CONCURRENCY)
        .try_collect()
        .await
}
