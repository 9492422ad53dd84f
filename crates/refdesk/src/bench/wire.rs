//! WebSocket plumbing shared by patrons, operators and idle sockets: connecting (with Nagle off,
//! as a browser does), the `hello` handshake, and a cheap look at a frame's `type`.

use anyhow::{Context, anyhow, bail};
use futures::{SinkExt, StreamExt};
use std::borrow::Cow;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a handshake (connect, `hello`, `welcome`) may take.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// Opens `GET /ws`, with the staff session cookie when given.
pub async fn connect(ws_url: &str, cookie: Option<&str>) -> anyhow::Result<Ws> {
    let mut request = ws_url.into_client_request()?;
    if let Some(c) = cookie {
        request
            .headers_mut()
            .insert("cookie", HeaderValue::from_str(c)?);
    }
    let (ws, _) = tokio_tungstenite::connect_async_with_config(request, None, true)
        .await
        .with_context(|| format!("connecting to {ws_url}"))?;
    Ok(ws)
}

/// The `hello` frame: a guest token for patrons (staff use the cookie), and chats to follow.
pub fn hello(guest_token: Option<&str>, chats: &[&str]) -> String {
    let resume: Vec<_> = chats
        .iter()
        .map(|c| serde_json::json!({"chat_id": c, "after_seq": 0}))
        .collect();
    let mut hello = serde_json::json!({"type": "hello", "resume": resume});
    if let Some(t) = guest_token {
        hello["guest_token"] = t.into();
    }
    hello.to_string()
}

/// Connects, says `hello`, and waits for `welcome`.
pub async fn connect_and_greet(
    ws_url: &str,
    cookie: Option<&str>,
    hello: String,
) -> anyhow::Result<Ws> {
    tokio::time::timeout(HANDSHAKE_TIMEOUT, async {
        let mut ws = connect(ws_url, cookie).await?;
        ws.send(Message::text(hello)).await?;
        loop {
            let text = match ws.next().await {
                Some(Ok(Message::Text(t))) => t,
                Some(Ok(Message::Close(c))) => bail!("the server closed the socket: {c:?}"),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e.into()),
                None => bail!("the socket ended before welcome"),
            };
            match &*frame_type(&text) {
                "welcome" => return Ok(ws),
                "error" => bail!("hello refused: {}", text.as_str()),
                _ => continue,
            }
        }
    })
    .await
    .map_err(|_| anyhow!("no welcome within {HANDSHAKE_TIMEOUT:?}"))?
}

/// The `type` of a server frame. refdesk writes `type` first, which makes this a prefix test;
/// anything else is parsed in full.
pub fn frame_type(text: &str) -> Cow<'_, str> {
    if let Some(rest) = text.strip_prefix(r#"{"type":""#)
        && let Some(end) = rest.find('"')
    {
        return Cow::Borrowed(&rest[..end]);
    }
    let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    Cow::Owned(value["type"].as_str().unwrap_or("").to_owned())
}

/// Closes politely, without waiting long for the server's answer.
pub async fn close(mut ws: Ws) {
    let _ = tokio::time::timeout(Duration::from_secs(1), ws.close(None)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_types() {
        assert_eq!(frame_type(r#"{"type":"ack","seq":1}"#), "ack");
        assert_eq!(frame_type(r#"{"seq":1,"type":"message"}"#), "message");
        assert_eq!(frame_type("junk"), "");
    }
}
