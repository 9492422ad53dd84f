//! Reading a socket's frames: the next text frame (or why it cannot be read), and what an error
//! about a frame answers.

use axum::extract::ws::{Message as WsMessage, WebSocket};
use futures::StreamExt;
use futures::stream::SplitStream;
use refdesk_protocol::{Answering, ServerFrame};

/// A frame the reader does not take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unreadable {
    /// A binary frame (frames are JSON text).
    Binary,
    /// A frame or message beyond what the transport accepts (`4 × MAX_FRAME_BYTES`): the
    /// socket is closed with 1009.
    TooLarge,
}

/// How often the writer pings the client.
pub(super) const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(25);
/// A socket from which nothing (no frame, no pong) arrives for this long is taken as dead: a
/// laptop closed mid-shift, a network gone without a close. Its staff member's grace period
/// starts then, not whenever TCP notices.
pub(super) const HEARTBEAT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(75);

/// The next text frame's content; `None` when the socket ended or went silent for
/// `HEARTBEAT_TIMEOUT`.
pub(super) async fn next_text(
    stream: &mut SplitStream<WebSocket>,
) -> Option<Result<String, Unreadable>> {
    loop {
        let next = tokio::time::timeout(HEARTBEAT_TIMEOUT, stream.next())
            .await
            .ok()?;
        match next? {
            Ok(WsMessage::Text(t)) => return Some(Ok(t.to_string())),
            Ok(WsMessage::Binary(_)) => return Some(Err(Unreadable::Binary)),
            Ok(WsMessage::Ping(_) | WsMessage::Pong(_)) => continue,
            // The transport's size limit ("Space limit exceeded: Message too long"); axum does
            // not expose the error's type, only its text.
            Err(e) if e.to_string().contains("Space limit exceeded") => {
                return Some(Err(Unreadable::TooLarge));
            }
            Ok(WsMessage::Close(_)) | Err(_) => return None,
        }
    }
}

/// What an error about this frame answers: the `client_msg_id` of a send (so the client's
/// retry logic finds its message) and the frame's `type`, as far as they can be read.
pub(super) fn answered(text: &str) -> Answering {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return Answering::nothing();
    };
    let field = |name: &str| v.get(name).and_then(|t| t.as_str()).map(str::to_owned);
    Answering {
        client_msg_id: field("client_msg_id"),
        frame: field("type"),
    }
}

pub(super) fn invalid(message: impl Into<String>, about: Answering) -> ServerFrame {
    ServerFrame::error("invalid_frame", message, about)
}
