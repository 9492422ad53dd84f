//! Staff conversations over REST: open the direct one with a colleague, open a co-op's or an
//! institution's room or make one, invite a colleague to a made room, list one's own, read
//! one's history. Messages are sent and followed over the WebSocket (`send` / `watch` with a
//! `conversation_id`), through the same log as patron chats.

use super::{Json, Path, Query};
use crate::auth::Staff;
use crate::error::ApiResult;
use crate::state::AppState;
use axum::extract::State;
use refdesk_core::{ConversationId, Principal, Sender};
use refdesk_protocol::{
    ConversationHistory, ConversationList, ConversationView, ErrorBody, HistoryQuery,
    InviteRequest, OpenConversationRequest, OpenRoomRequest,
};

#[utoipa::path(post, path = "/api/conversations", tag = "staff",
    request_body = OpenConversationRequest,
    responses((status = 200, body = ConversationView, description = "the pair's conversation, new or not"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such colleague")))]
pub async fn open(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Json(body): Json<OpenConversationRequest>,
) -> ApiResult<Json<ConversationView>> {
    let c = state.open_conversation(&staff, body.with).await?;
    Ok(Json(state.conversation_view(&c).await?))
}

#[utoipa::path(post, path = "/api/rooms", tag = "staff",
    request_body = OpenRoomRequest,
    responses((status = 200, body = ConversationView, description = "the co-op's or institution's room (made on first use), or the new room"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "a co-op one may not monitor, an institution one is not staff of, or someone who is not a colleague")))]
pub async fn open_room(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Json(body): Json<OpenRoomRequest>,
) -> ApiResult<Json<ConversationView>> {
    let c = state.open_room(&staff, body).await?;
    Ok(Json(state.conversation_view(&c).await?))
}

#[utoipa::path(post, path = "/api/conversations/{id}/members", tag = "staff",
    params(("id" = String, Path, description = "conversation id")),
    request_body = InviteRequest,
    responses((status = 200, body = ConversationView, description = "the room with its members"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "not a conversation of mine, or not a colleague"),
              (status = 409, body = ErrorBody, description = "not_invitable: a direct conversation or a co-op's or institution's room")))]
pub async fn invite(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ConversationId>,
    Json(body): Json<InviteRequest>,
) -> ApiResult<Json<ConversationView>> {
    let c = state.invite(&staff, id, body.user).await?;
    Ok(Json(state.conversation_view(&c).await?))
}

#[utoipa::path(get, path = "/api/conversations", tag = "staff",
    responses((status = 200, body = ConversationList), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Staff(staff): Staff,
) -> ApiResult<Json<ConversationList>> {
    let mine = state
        .store()
        .conversations_of(staff.id(), &staff.institutions, &staff.coops)
        .await?;
    let mut conversations = Vec::with_capacity(mine.len());
    for c in &mine {
        conversations.push(state.conversation_view(c).await?);
    }
    Ok(Json(ConversationList { conversations }))
}

#[utoipa::path(get, path = "/api/conversations/{id}/messages", tag = "staff",
    params(("id" = String, Path, description = "conversation id"), HistoryQuery),
    responses((status = 200, body = ConversationHistory), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ConversationId>,
    Query(q): Query<HistoryQuery>,
) -> ApiResult<Json<ConversationHistory>> {
    let reader = Sender::Staff(staff.id());
    let c = state.conversation_for(&Principal::Staff(staff), id).await?;
    let (after, limit) = super::chats::history_window(&q)?;
    let stored = state
        .store()
        .messages_after(c.id.into(), after, limit)
        .await?;
    let mut messages = Vec::with_capacity(stored.len());
    for m in &stored {
        if let Some(v) = state.conversation_message_view(m, reader).await? {
            messages.push(v);
        }
    }
    let fresh = state.store().conversation(c.id).await?;
    Ok(Json(ConversationHistory {
        conversation_id: c.id,
        messages,
        last_seq: fresh.last_seq.0,
    }))
}
