//! WebSocket sessions: one socket per client, a reader task and a writer task. The reader
//! authenticates (`hello`), parses and rate-limits frames and runs sends; the writer owns the
//! socket's outgoing side and the per-chat delivery cursor, so every followed chat is delivered
//! in order, exactly once, with gaps filled from the store.

mod access;
mod handshake;
mod incoming;
mod reader;
mod writer;

use crate::auth::{hash_token, origin_allowed, session_token, staff_of_session};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use refdesk_protocol::MAX_FRAME_BYTES;

/// `GET /ws`.
pub async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&state, &headers) {
        tracing::warn!(origin = ?headers.get("origin"), "websocket refused: foreign origin");
        return ApiError::bad_origin().into_response();
    }
    let staff = match session_token(&headers) {
        Some(token) => staff_of_session(&state, &token)
            .await
            .ok()
            .map(|s| (s, hash_token(&token))),
        None => None,
    };
    ws.read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_write_buffer_size(1 << 20)
        .max_message_size(4 * MAX_FRAME_BYTES)
        .max_frame_size(4 * MAX_FRAME_BYTES)
        .on_upgrade(move |socket| reader::run(state, socket, staff))
}
