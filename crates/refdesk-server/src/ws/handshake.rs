//! The start of a socket: the first frame must be `hello` (within 10 s), with a guest token or
//! the staff session cookie the upgrade carried. A refused hello gets its error frame and a
//! close frame, and no writer is started for a socket that has no one.

use super::incoming::{Unreadable, invalid, next_text};
use crate::state::AppState;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, close_code};
use futures::SinkExt;
use futures::stream::{SplitSink, SplitStream};
use refdesk_core::{Principal, StaffPrincipal};
use refdesk_protocol::{Answering, ClientFrame, MAX_FRAME_BYTES, ResumePoint, ServerFrame};
use std::time::Duration;

const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// Waits for `hello` and authenticates it; on refusal says why, closes, and answers `None`.
pub(super) async fn handshake(
    state: &AppState,
    sink: &mut SplitSink<WebSocket, WsMessage>,
    stream: &mut SplitStream<WebSocket>,
    staff: Option<StaffPrincipal>,
) -> Option<(Principal, Vec<ResumePoint>)> {
    let hello = tokio::time::timeout(HELLO_TIMEOUT, next_text(stream)).await;
    match authenticate(state, staff, hello).await {
        Ok(ok) => Some(ok),
        Err(frame) => {
            if let Ok(text) = serde_json::to_string(&frame) {
                let _ = sink.send(WsMessage::Text(text.into())).await;
            }
            let _ = sink.send(WsMessage::Close(Some(close_frame(frame)))).await;
            None
        }
    }
}

/// The close frame that goes with a refused hello.
fn close_frame(frame: ServerFrame) -> CloseFrame {
    let code = match &frame {
        ServerFrame::Error { code, .. } if code == "frame_too_large" => close_code::SIZE,
        _ => close_code::POLICY,
    };
    CloseFrame {
        code,
        reason: "refused".into(),
    }
}

async fn authenticate(
    state: &AppState,
    staff: Option<StaffPrincipal>,
    hello: Result<Option<Result<String, Unreadable>>, tokio::time::error::Elapsed>,
) -> Result<(Principal, Vec<ResumePoint>), ServerFrame> {
    let text = match hello {
        Err(_) => {
            return Err(ServerFrame::error(
                "hello_required",
                "send hello first",
                Answering::nothing(),
            ));
        }
        Ok(None) => {
            return Err(ServerFrame::error(
                "hello_required",
                "send hello first",
                Answering::nothing(),
            ));
        }
        Ok(Some(Err(Unreadable::Binary))) => {
            return Err(invalid("frames are JSON text", Answering::nothing()));
        }
        Ok(Some(Err(Unreadable::TooLarge))) => {
            return Err(ServerFrame::error(
                "frame_too_large",
                "frame too large",
                Answering::nothing(),
            ));
        }
        Ok(Some(Ok(t))) => t,
    };
    if text.len() > MAX_FRAME_BYTES {
        return Err(ServerFrame::error(
            "frame_too_large",
            "frame too large",
            Answering::nothing(),
        ));
    }
    let (guest_token, resume) = match serde_json::from_str::<ClientFrame>(&text) {
        Ok(ClientFrame::Hello {
            guest_token,
            resume,
        }) => (guest_token, resume),
        Ok(_) => {
            return Err(ServerFrame::error(
                "hello_required",
                "the first frame must be hello",
                Answering::nothing(),
            ));
        }
        Err(e) => return Err(invalid(e.to_string(), Answering::frame("hello"))),
    };
    // A chat box gives its guest token and stays a patron even when the same browser also has a
    // staff session cookie (the demo: dashboard and library page in two windows of one browser).
    if let Some(s) = staff.filter(|_| guest_token.is_none()) {
        return Ok((Principal::Staff(s), resume));
    }
    let Some(token) = guest_token else {
        return Err(ServerFrame::error(
            "unauthenticated",
            "sign in or give a guest token",
            Answering::frame("hello"),
        ));
    };
    match crate::auth::guest_of_token(state, &token).await {
        Ok(g) => Ok((Principal::Patron { guest_id: g.id }, resume)),
        Err(e) => Err(ServerFrame::error(
            e.code,
            e.message,
            Answering::frame("hello"),
        )),
    }
}
