//! Follow-up tickets over REST: the "Create a follow-up ticket" form of a chat and creating
//! from it, the chat box's offline question form, and the home institution's Tickets view
//! (list, detail, notes, replies by email, status and assignee).

use super::{Json, Path, Query};
use crate::auth::Staff;
use crate::error::{ApiError, ApiResult};
use crate::service::tickets::{sees_tickets, ticket_status};
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use refdesk_core::{
    ChatId, DepartmentId, EntryKind, InstitutionId, Principal, TicketId, UserId, WidgetId,
};
use refdesk_protocol::{
    ErrorBody, NewTicketBody, OfflineQuestionBody, OfflineQuestionReceived, TicketDetail,
    TicketEntryBody, TicketFormView, TicketList, TicketUpdateBody, TicketView,
};
use refdesk_store::TicketFilter;
use serde::Deserialize;
use std::net::SocketAddr;

/// Tickets per page.
const PAGE: u32 = 50;

#[utoipa::path(get, path = "/api/chats/{id}/ticket-form", tag = "staff",
    params(("id" = String, Path, description = "chat id")),
    responses((status = 200, body = TicketFormView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn form(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ChatId>,
) -> ApiResult<Json<TicketFormView>> {
    let chat = state.chat_for(&Principal::Staff(staff), id).await?;
    Ok(Json(state.ticket_form(&chat).await?))
}

#[utoipa::path(post, path = "/api/chats/{id}/tickets", tag = "staff", request_body = NewTicketBody,
    params(("id" = String, Path, description = "chat id")),
    responses((status = 201, body = TicketView, description = "made in the chat's home institution"),
              (status = 400, body = ErrorBody, description = "a missing name or email, a bad note, or a queue of another library"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<ChatId>,
    Json(body): Json<NewTicketBody>,
) -> ApiResult<(StatusCode, Json<TicketView>)> {
    let chat = state.chat_for(&Principal::Staff(staff.clone()), id).await?;
    let ticket = state.create_ticket_from_chat(&staff, &chat, &body).await?;
    Ok((StatusCode::CREATED, Json(state.ticket_view(&ticket).await?)))
}

#[utoipa::path(post, path = "/api/widgets/{id}/tickets", tag = "patron", request_body = OfflineQuestionBody,
    params(("id" = String, Path, description = "widget id")),
    responses((status = 201, body = OfflineQuestionReceived, description = "a ticket in the chat box's library and department"),
              (status = 400, body = ErrorBody, description = "a missing name, email or question"),
              (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn offline(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<WidgetId>,
    Json(body): Json<OfflineQuestionBody>,
) -> ApiResult<(StatusCode, Json<OfflineQuestionReceived>)> {
    let widget = state.store().widget(id).await?;
    if !widget.settings.enabled {
        return Err(ApiError::not_found());
    }
    state.limits().chat_start(id.into(), peer.ip())?;
    state.create_ticket_offline(&widget, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(OfflineQuestionReceived { received: true }),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// Comma-separated: `open`, `pending`, `closed` (default: all).
    pub status: Option<String>,
    /// Only this queue (department).
    pub queue: Option<String>,
    /// Only tickets assigned to this librarian (`me` for the caller).
    pub assignee: Option<String>,
    /// The page starts after this ticket (the `next_after` of the previous page).
    pub after: Option<String>,
}

fn bad(what: &'static str) -> impl Fn(uuid::Error) -> ApiError {
    move |_| ApiError::invalid_query(format!("{what} is not an id"))
}

#[utoipa::path(get, path = "/api/institutions/{id}/tickets", tag = "staff", params(("id" = String, Path, description = "institution id"), TicketQuery),
    responses((status = 200, body = TicketList, description = "most recently updated first"), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody, description = "no such institution, or not one of its staff")))]
pub async fn list(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Query(q): Query<TicketQuery>,
) -> ApiResult<Json<TicketList>> {
    if !sees_tickets(&staff, id) {
        return Err(ApiError::not_found());
    }
    let statuses = q
        .status
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| ticket_status(s).map_err(|e| ApiError::invalid_query(e.message)))
        .collect::<ApiResult<Vec<_>>>()?;
    let department: Option<DepartmentId> = q
        .queue
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(bad("queue")))
        .transpose()?;
    let assignee: Option<UserId> = match q.assignee.as_deref().filter(|s| !s.is_empty()) {
        Some("me") => Some(staff.id()),
        Some(s) => Some(s.parse().map_err(bad("assignee"))?),
        None => None,
    };
    let after = match q.after.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => {
            let t = state
                .store()
                .ticket(s.parse().map_err(bad("after"))?)
                .await?;
            Some((t.updated_at, t.id))
        }
        None => None,
    };
    let tickets = state
        .store()
        .tickets(&TicketFilter {
            institution: id,
            statuses,
            department,
            assignee,
            after,
            limit: PAGE,
        })
        .await?;
    let next_after = (tickets.len() == PAGE as usize)
        .then(|| tickets.last().map(|t| t.id.to_string()))
        .flatten();
    let mut views = Vec::with_capacity(tickets.len());
    for t in &tickets {
        views.push(state.ticket_view(t).await?);
    }
    Ok(Json(TicketList {
        tickets: views,
        next_after,
    }))
}

#[utoipa::path(get, path = "/api/tickets/{id}", tag = "staff",
    params(("id" = String, Path, description = "ticket id")),
    responses((status = 200, body = TicketDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<TicketId>,
) -> ApiResult<Json<TicketDetail>> {
    let ticket = state.ticket_for(&staff, id).await?;
    Ok(Json(state.ticket_detail(&ticket).await?))
}

#[utoipa::path(patch, path = "/api/tickets/{id}", tag = "staff", request_body = TicketUpdateBody,
    params(("id" = String, Path, description = "ticket id")),
    responses((status = 200, body = TicketView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<TicketId>,
    Json(body): Json<TicketUpdateBody>,
) -> ApiResult<Json<TicketView>> {
    let ticket = state.ticket_for(&staff, id).await?;
    let status = body.status.as_deref().map(ticket_status).transpose()?;
    let t = state
        .update_ticket(&ticket, status, body.assignee_id)
        .await?;
    tracing::info!(user.id = %staff.id(), ticket.id = %id, "ticket updated");
    Ok(Json(state.ticket_view(&t).await?))
}

#[utoipa::path(post, path = "/api/tickets/{id}/notes", tag = "staff", request_body = TicketEntryBody,
    params(("id" = String, Path, description = "ticket id")),
    responses((status = 201, body = TicketDetail, description = "an internal note: never emailed"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn note(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<TicketId>,
    Json(body): Json<TicketEntryBody>,
) -> ApiResult<(StatusCode, Json<TicketDetail>)> {
    add_entry(&state, &staff, id, EntryKind::Note, &body.body).await
}

#[utoipa::path(post, path = "/api/tickets/{id}/replies", tag = "staff", request_body = TicketEntryBody,
    params(("id" = String, Path, description = "ticket id")),
    responses((status = 201, body = TicketDetail, description = "emailed to the patron; the ticket is pending"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reply(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<TicketId>,
    Json(body): Json<TicketEntryBody>,
) -> ApiResult<(StatusCode, Json<TicketDetail>)> {
    add_entry(&state, &staff, id, EntryKind::Reply, &body.body).await
}

/// A note or a reply to a ticket `staff` sees; answers the ticket as it is now.
async fn add_entry(
    state: &AppState,
    staff: &refdesk_core::StaffPrincipal,
    id: TicketId,
    kind: EntryKind,
    body: &str,
) -> ApiResult<(StatusCode, Json<TicketDetail>)> {
    let ticket = state.ticket_for(staff, id).await?;
    let t = state.add_ticket_entry(staff, &ticket, kind, body).await?;
    Ok((StatusCode::CREATED, Json(state.ticket_detail(&t).await?)))
}
