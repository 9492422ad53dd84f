//! Files in chats over REST: sending one (the chat's patron while it is open, or a librarian in
//! the chat; the raw content as the body, the name in the query) and reading one (whoever may
//! see the chat). A file is served with its type as read from its content, `nosniff`, a
//! sandboxing CSP, and as a download unless it is a raster image.

use super::{Path, Query};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use refdesk_core::attachment::shown_inline;
use refdesk_core::{AttachmentError, AttachmentId, ChatId};
use refdesk_protocol::{AttachmentView, ErrorBody};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SendQuery {
    /// The file's name (shown to the other side; its type is read from the content).
    pub name: Option<String>,
}

#[utoipa::path(post, path = "/api/chats/{id}/attachments", tag = "patron",
    params(("id" = String, Path, description = "chat id"), SendQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "the file's content"),
    responses((status = 201, body = AttachmentView, description = "sent: the chat has a message that carries it"),
              (status = 400, body = ErrorBody, description = "an empty file"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "files_off: the library accepts no files"),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "chat_ended"),
              (status = 413, body = ErrorBody, description = "file_too_large: over the library's limit"),
              (status = 415, body = ErrorBody, description = "file_type_not_allowed: a type the library does not accept, markup (HTML, SVG, XML) or unknown"),
              (status = 429, body = ErrorBody, description = "a patron's files count against the chat-start limit of their address")))]
pub async fn send(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Caller(caller): Caller,
    Path(chat): Path<ChatId>,
    Query(q): Query<SendQuery>,
    request: Request,
) -> ApiResult<(StatusCode, Json<AttachmentView>)> {
    let max = state.file_allowance(&caller, chat).await?;
    if let refdesk_core::Principal::Patron { .. } = caller {
        // A patron's file costs their address as much as starting a chat.
        let widget = state.store().chat(chat).await?.widget_id;
        state.limits().chat_start(widget.into(), peer.ip())?;
    }
    let bytes = axum::body::to_bytes(request.into_body(), max)
        .await
        .map_err(|_| {
            ApiError::from(AttachmentError::TooLarge {
                max_kb: (max / 1024) as u32,
            })
        })?;
    let name = q.name.as_deref().unwrap_or("file");
    let (a, appended) = state.send_file(&caller, chat, name, bytes.to_vec()).await?;
    // A patron counts in their own numbering (it skips internal notes).
    let seq = match caller {
        refdesk_core::Principal::Patron { .. } => appended.message.patron_seq,
        refdesk_core::Principal::Staff(_) => None,
    }
    .unwrap_or(appended.message.seq);
    Ok((StatusCode::CREATED, Json(AttachmentView::new(&a, seq.0))))
}

/// `filename` for `Content-Disposition`: printable ASCII without quotes or backslashes, plus
/// the exact name as RFC 5987 `filename*`.
fn disposition(kind: &str, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[utoipa::path(get, path = "/api/attachments/{id}", tag = "patron",
    params(("id" = String, Path, description = "attachment id")),
    responses((status = 200, description = "the file, as a download (inline only for PNG, JPEG, GIF and WebP)"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody, description = "no such file, or not in a chat the caller sees")))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<AttachmentId>,
) -> ApiResult<Response> {
    let (a, bytes) = state.file_for(&caller, id).await?;
    let kind = if shown_inline(&a.content_type) {
        "inline"
    } else {
        "attachment"
    };
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    let value = |s: String| HeaderValue::from_str(&s).map_err(ApiError::internal);
    h.insert(header::CONTENT_TYPE, value(a.content_type.clone())?);
    h.insert(
        header::CONTENT_DISPOSITION,
        value(disposition(kind, &a.name))?,
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        ),
    );
    h.insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    Ok(resp)
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_cannot_break_the_header() {
        assert_eq!(
            super::disposition("attachment", "a\"b\\c é.pdf"),
            "attachment; filename=\"a_b_c _.pdf\"; filename*=UTF-8''a%22b%5Cc%20%C3%A9.pdf"
        );
    }
}
