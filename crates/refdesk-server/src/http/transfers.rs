//! Transfers over REST: where the chat I hold may go now, offering it, the transfers that
//! concern me, a transfer's preview, accepting, declining and cancelling, and leaving a chat I
//! handed over. Staff only; a transfer is seen by its sender and its receivers alone.

use super::{Json, Path};
use crate::auth::Staff;
use crate::error::ApiResult;
use crate::service::TransferAction;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use refdesk_core::{Audience, ChatId, Sender, TransferId};
use refdesk_protocol::{
    ErrorBody, OfferTransferRequest, StaffChatView, TransferList, TransferPreview, TransferTargets,
    TransferView,
};

#[utoipa::path(get, path = "/api/chats/{id}/transfer-targets", tag = "staff",
    params(("id" = String, Path, description = "chat id")),
    responses((status = 200, body = TransferTargets, description = "the librarians, departments and co-ops online now that the chat may be transferred to"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "not_assigned: only the chat's holder transfers it")))]
pub async fn targets(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ChatId>,
) -> ApiResult<Json<TransferTargets>> {
    Ok(Json(state.transfer_targets(&staff, id).await?))
}

#[utoipa::path(post, path = "/api/chats/{id}/transfers", tag = "staff",
    params(("id" = String, Path, description = "chat id")),
    request_body = OfferTransferRequest,
    responses((status = 201, body = TransferView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "not_assigned: only the chat's holder transfers it"),
              (status = 409, body = ErrorBody, description = "transfer_pending or target_unavailable")))]
pub async fn offer(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ChatId>,
    Json(body): Json<OfferTransferRequest>,
) -> ApiResult<(StatusCode, Json<TransferView>)> {
    let t = state.offer_transfer(&staff, id, body).await?;
    let chat = state.store().chat(t.chat_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(state.transfer_view(&t, &chat, &staff).await?),
    ))
}

#[utoipa::path(post, path = "/api/chats/{id}/leave", tag = "staff",
    params(("id" = String, Path, description = "chat id")),
    responses((status = 200, body = StaffChatView, description = "I left the chat I had handed over"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "not_assigned: I am not in it beside its holder (its holder closes or transfers it instead)"),
              (status = 409, body = ErrorBody)))]
pub async fn leave(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ChatId>,
) -> ApiResult<Json<StaffChatView>> {
    let chat = state.leave_chat(&staff, id).await?;
    Ok(Json(state.staff_view(&chat).await?))
}

#[utoipa::path(get, path = "/api/transfers", tag = "staff",
    responses((status = 200, body = TransferList, description = "pending transfers I offered or may accept, oldest first"),
              (status = 401, body = ErrorBody)))]
pub async fn pending(
    State(state): State<AppState>,
    Staff(staff): Staff,
) -> ApiResult<Json<TransferList>> {
    Ok(Json(TransferList {
        transfers: state.pending_transfers_for(&staff).await?,
    }))
}

#[utoipa::path(get, path = "/api/transfers/{id}", tag = "staff",
    params(("id" = String, Path, description = "transfer id")),
    responses((status = 200, body = TransferPreview, description = "the transfer with its chat so far, for its sender and receivers"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn preview(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<TransferId>,
) -> ApiResult<Json<TransferPreview>> {
    let (t, chat) = state.transfer_for(&staff, id).await?;
    let head = chat.last_seq.0.saturating_sub(50);
    let stored = state
        .store()
        .messages_after(chat.id.into(), refdesk_core::Seq(head), 50)
        .await?;
    let mut messages = Vec::with_capacity(stored.len());
    for m in &stored {
        let reader = Sender::Staff(staff.id());
        if let Some(v) = state
            .message_view(&chat, m, Audience::Staff, reader)
            .await?
        {
            messages.push(v);
        }
    }
    Ok(Json(TransferPreview {
        transfer: state.transfer_view(&t, &chat, &staff).await?,
        chat: state.staff_view(&chat).await?,
        messages,
    }))
}

async fn act(
    state: &AppState,
    staff: &refdesk_core::StaffPrincipal,
    id: TransferId,
    action: TransferAction,
) -> ApiResult<Json<TransferView>> {
    let t = state.act_on_transfer(staff, id, action).await?;
    let chat = state.store().chat(t.chat_id).await?;
    Ok(Json(state.transfer_view(&t, &chat, staff).await?))
}

#[utoipa::path(post, path = "/api/transfers/{id}/accept", tag = "staff",
    params(("id" = String, Path, description = "transfer id")),
    responses((status = 200, body = TransferView, description = "accepted: the chat is mine, its sender stays in it until they leave"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "transfer_ended: another receiver accepted first, or it was cancelled or expired")))]
pub async fn accept(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<TransferId>,
) -> ApiResult<Json<TransferView>> {
    act(&state, &staff, id, TransferAction::Accept).await
}

#[utoipa::path(post, path = "/api/transfers/{id}/decline", tag = "staff",
    params(("id" = String, Path, description = "transfer id")),
    responses((status = 200, body = TransferView, description = "declined (only a transfer offered to me by name)"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decline(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<TransferId>,
) -> ApiResult<Json<TransferView>> {
    act(&state, &staff, id, TransferAction::Decline).await
}

#[utoipa::path(post, path = "/api/transfers/{id}/cancel", tag = "staff",
    params(("id" = String, Path, description = "transfer id")),
    responses((status = 200, body = TransferView, description = "cancelled by its sender"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<TransferId>,
) -> ApiResult<Json<TransferView>> {
    act(&state, &staff, id, TransferAction::Cancel).await
}
