//! Chats over REST: patrons start and end them; staff list, preview, claim and close them;
//! both read history.

use super::Json;
use super::{Path, Query};
use crate::auth::{Caller, Patron, Staff, bearer_token, guest_of_token};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::header::USER_AGENT;
use axum::http::{HeaderMap, StatusCode};
use refdesk_core::{ChatId, ChatStatus, Principal, Seq};
use refdesk_protocol::{
    ErrorBody, HistoryQuery, HistoryResponse, PatronChatView, StaffChatList, StaffChatView,
    StartChatRequest, StartChatResponse,
};
use serde::Deserialize;
use std::net::SocketAddr;

#[utoipa::path(post, path = "/api/chats", tag = "patron", request_body = StartChatRequest,
    responses((status = 201, body = StartChatResponse), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 429, body = ErrorBody, description = "too many chats started; see Retry-After")))]
pub async fn start(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(form): Json<StartChatRequest>,
) -> ApiResult<(StatusCode, Json<StartChatResponse>)> {
    state
        .limits()
        .chat_start(form.widget_id.into(), peer.ip())?;
    let guest = match bearer_token(&headers) {
        Some(token) => Some(guest_of_token(&state, &token).await?),
        None => None,
    };
    let reused = guest.is_some();
    let ua = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (chat, token) = state.start_chat(guest, form, ua, peer.ip()).await?;
    let token = match (token, reused) {
        (Some(t), _) => t,
        (None, _) => bearer_token(&headers).unwrap_or_default(),
    };
    let view = state.patron_view(&chat, None).await?;
    Ok((
        StatusCode::CREATED,
        Json(StartChatResponse {
            chat: view,
            guest_token: token,
        }),
    ))
}

#[utoipa::path(post, path = "/api/chats/{id}/end", tag = "patron",
    params(("id" = String, Path, description = "chat id")),
    responses((status = 200, body = PatronChatView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn end(
    State(state): State<AppState>,
    Patron(guest): Patron,
    Path(id): Path<ChatId>,
) -> ApiResult<Json<PatronChatView>> {
    let chat = state
        .close(&Principal::Patron { guest_id: guest.id }, id)
        .await?;
    Ok(Json(state.patron_view(&chat, None).await?))
}

#[utoipa::path(delete, path = "/api/chats/{id}", tag = "patron",
    params(("id" = String, Path, description = "chat id")),
    responses((status = 204, description = "the chat's transcript and the patron's identity are deleted"),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such chat, or another guest's"),
              (status = 409, body = ErrorBody, description = "`chat_open`: end the chat first")))]
/// The patron deletes their own ended chat from the chat box: its messages, files and
/// rating comment, and their name, email and address. Its counts stay in reports.
pub async fn delete(
    State(state): State<AppState>,
    Patron(guest): Patron,
    Path(id): Path<ChatId>,
) -> ApiResult<StatusCode> {
    state.delete_own_chat(guest.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Comma-separated states: `waiting`, `active`, `closed`, `abandoned` (default
    /// `waiting,active`).
    pub status: Option<String>,
    /// The page starts after this chat (the `next` of the previous page).
    pub after: Option<String>,
    /// Chats per page, 1 to 500 (default 200).
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/chats", tag = "staff", params(ListQuery),
    responses((status = 200, body = StaffChatList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<StaffChatList>> {
    let statuses = match q.status.as_deref() {
        None | Some("") => vec![ChatStatus::Waiting, ChatStatus::Active],
        Some(s) => s
            .split(',')
            .map(|p| {
                ChatStatus::parse(p.trim())
                    .ok_or_else(|| ApiError::invalid_query(format!("unknown status {p:?}")))
            })
            .collect::<ApiResult<Vec<_>>>()?,
    };
    let limit = match q.limit {
        None => 200,
        Some(n @ 1..=500) => n,
        Some(n) => {
            return Err(ApiError::invalid_query(format!(
                "limit must be 1 to 500, not {n}"
            )));
        }
    };
    let after = match q.after.as_deref() {
        None | Some("") => None,
        Some(id) => {
            let id: ChatId = id
                .parse()
                .map_err(|_| ApiError::invalid_query(format!("after: {id:?} is not a chat id")))?;
            let chat = state
                .chat_for(&Principal::Staff(staff.clone()), id)
                .await
                .map_err(|_| ApiError::invalid_query("after: no such chat"))?;
            Some(refdesk_store::ChatCursor::after(&chat))
        }
    };
    let page = state
        .staff_chats_page(&staff, statuses, after, limit)
        .await?;
    let next = (page.len() == limit as usize)
        .then(|| page.last().map(|c| c.id.to_string()))
        .flatten();
    let mut chats = Vec::with_capacity(page.len());
    for c in &page {
        chats.push(state.staff_view(c).await?);
    }
    Ok(Json(StaffChatList { chats, next }))
}

#[utoipa::path(get, path = "/api/chats/{id}", tag = "staff",
    params(("id" = String, Path, description = "chat id")),
    responses((status = 200, body = StaffChatView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn preview(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ChatId>,
) -> ApiResult<Json<StaffChatView>> {
    let chat = state.chat_for(&Principal::Staff(staff), id).await?;
    let fresh = state.store().chat(chat.id).await?;
    Ok(Json(state.staff_view(&fresh).await?))
}

#[utoipa::path(get, path = "/api/chats/{id}/today", tag = "staff",
    params(("id" = String, Path, description = "chat id")),
    responses((status = 200, body = StaffChatList, description = "the same guest's chats since midnight in the chat's library's time zone, oldest first, those the caller may see"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn today(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ChatId>,
) -> ApiResult<Json<StaffChatList>> {
    let principal = Principal::Staff(staff);
    let chat = state.chat_for(&principal, id).await?;
    let midnight = state.midnight_for(&chat).await?;
    let mut chats = Vec::new();
    for c in state
        .store()
        .chats_of_guest(chat.guest_id, midnight)
        .await?
    {
        if principal.may_view(&c) {
            chats.push(state.staff_view(&c).await?);
        }
    }
    Ok(Json(StaffChatList { chats, next: None }))
}

#[utoipa::path(post, path = "/api/chats/{id}/outbound", tag = "staff",
    params(("id" = String, Path, description = "a chat of the patron's from today")),
    responses((status = 201, body = StaffChatView, description = "a new chat with the same patron, held by me from the start; their open chat box opens it"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "open_chat_exists (they have an open chat), not_today, or patron_gone (their chat box is closed)")))]
pub async fn outbound(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ChatId>,
) -> ApiResult<(StatusCode, Json<StaffChatView>)> {
    let chat = state.start_outbound(&staff, id).await?;
    Ok((StatusCode::CREATED, Json(state.staff_view(&chat).await?)))
}

#[utoipa::path(post, path = "/api/chats/{id}/claim", tag = "staff",
    params(("id" = String, Path, description = "chat id")),
    responses((status = 200, body = StaffChatView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn claim(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ChatId>,
) -> ApiResult<Json<StaffChatView>> {
    let chat = state.claim(&staff, id).await?;
    tracing::info!(chat.id = %id, operator.id = %staff.id(), "chat claimed");
    Ok(Json(state.staff_view(&chat).await?))
}

#[utoipa::path(post, path = "/api/chats/{id}/close", tag = "staff",
    params(("id" = String, Path, description = "chat id")),
    responses((status = 200, body = StaffChatView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ChatId>,
) -> ApiResult<Json<StaffChatView>> {
    let chat = state.close(&Principal::Staff(staff), id).await?;
    Ok(Json(state.staff_view(&chat).await?))
}

#[utoipa::path(get, path = "/api/chats/{id}/messages", tag = "patron",
    params(("id" = String, Path, description = "chat id"), HistoryQuery),
    responses((status = 200, body = HistoryResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ChatId>,
    Query(q): Query<HistoryQuery>,
) -> ApiResult<Json<HistoryResponse>> {
    let chat = state.chat_for(&caller, id).await?;
    let (after, limit) = history_window(&q)?;
    let fresh = state.store().chat(chat.id).await?;
    let stored = state
        .store()
        .messages_seen_by(caller.audience(), chat.id.into(), after, limit)
        .await?;
    let reader = reader_of(&caller);
    let mut messages = Vec::with_capacity(stored.len());
    for m in &stored {
        if let Some(v) = state
            .message_view(&fresh, m, caller.audience(), reader)
            .await?
        {
            messages.push(v);
        }
    }
    Ok(Json(HistoryResponse {
        chat_id: chat.id,
        messages,
        last_seq: fresh.heads().last_for(caller.audience()).0,
    }))
}

/// The part of a history a `HistoryQuery` asks for: after which seq (default 0; below 2⁶³),
/// how many (default and at most 500).
pub(super) fn history_window(q: &HistoryQuery) -> ApiResult<(Seq, u32)> {
    let after = Seq(q.after_seq.unwrap_or(0));
    if i64::try_from(after.0).is_err() {
        return Err(ApiError::invalid_query("after_seq must be below 2^63"));
    }
    Ok((after, q.limit.unwrap_or(500).clamp(1, 500)))
}

pub fn reader_of(p: &Principal) -> refdesk_core::Sender {
    match p {
        Principal::Staff(s) => refdesk_core::Sender::Staff(s.id()),
        Principal::Patron { guest_id } => refdesk_core::Sender::Patron(*guest_id),
    }
}
