//! Mail over REST: a transcript by email (the patron of an ended chat, or staff who see the
//! chat), the outbox and the mail templates of an institution (its admins), and the endpoint a
//! mail gateway posts patrons' answers to.

use super::{Json, Path, Query};
use crate::auth::{Caller, Staff};
use crate::error::{ApiError, ApiResult};
use crate::mail::render;
use crate::service::faqs::manages_faqs as manages;
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use refdesk_core::{ChatId, Email, InstitutionId, MailId, MailKind, MailTemplate, Principal};
use refdesk_protocol::{
    ErrorBody, InboundAccepted, InboundMail, MailList, MailTemplateBody, MailTemplateView,
    MailView, TranscriptQueued, TranscriptRequest,
};
use serde::Deserialize;
use std::net::SocketAddr;

/// Mails per page of the outbox.
const PAGE: u32 = 50;

#[utoipa::path(post, path = "/api/chats/{id}/transcript", tag = "patron", request_body = TranscriptRequest,
    params(("id" = String, Path, description = "chat id")),
    responses((status = 202, body = TranscriptQueued, description = "queued; it is sent in the background"),
              (status = 400, body = ErrorBody, description = "no or a malformed email address"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "chat_open: a patron asks once the chat has ended"),
              (status = 429, body = ErrorBody)))]
pub async fn transcript(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(caller): Caller,
    Path(id): Path<ChatId>,
    Json(body): Json<TranscriptRequest>,
) -> ApiResult<(StatusCode, Json<TranscriptQueued>)> {
    let chat = state.chat_for(&caller, id).await?;
    let to = match (&caller, body.email.as_deref()) {
        (_, Some(e)) => {
            Email::parse(e).map_err(|_| ApiError::invalid_body("email is not an email address"))?
        }
        (Principal::Staff(_), None) => chat
            .patron_email
            .clone()
            .ok_or_else(|| ApiError::invalid_body("email is required: the patron gave none"))?,
        (Principal::Patron { .. }, None) => {
            return Err(ApiError::invalid_body("email is required"));
        }
    };
    if let Principal::Patron { .. } = caller {
        if chat.state.status().is_open() {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "chat_open",
                "a transcript is sent once the chat has ended",
            ));
        }
        // A transcript costs a patron's address as much as starting a chat.
        state
            .limits()
            .chat_start(chat.widget_id.into(), peer.ip())?;
    }
    let mail = state.queue_transcript(&chat, to).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(TranscriptQueued {
            mail_id: mail.id,
            to: mail.to.to_string(),
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MailQuery {
    /// Mails created before this instant (the `next_before` of the previous page).
    pub before: Option<String>,
}

#[utoipa::path(get, path = "/api/institutions/{id}/mails", tag = "admin", params(("id" = String, Path, description = "institution id"), MailQuery),
    responses((status = 200, body = MailList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn list(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Query(q): Query<MailQuery>,
) -> ApiResult<Json<MailList>> {
    if !manages(&staff, id) {
        return Err(ApiError::not_found());
    }
    let before = q
        .before
        .as_deref()
        .map(|b| {
            time::OffsetDateTime::parse(b, &time::format_description::well_known::Rfc3339)
                .map_err(|_| ApiError::invalid_query("before is an RFC 3339 instant"))
        })
        .transpose()?;
    let mails = state.store().mails_of(id, before, PAGE).await?;
    let next_before = (mails.len() == PAGE as usize)
        .then(|| mails.last().map(|m| m.created_at))
        .flatten();
    Ok(Json(MailList {
        mails: mails.iter().map(MailView::from).collect(),
        outbox_folder: state
            .mailer()
            .ok()
            .and_then(|m| m.outbox_folder())
            .map(|p| p.display().to_string()),
        next_before,
    }))
}

#[utoipa::path(post, path = "/api/mails/{id}/retry", tag = "admin",
    params(("id" = String, Path, description = "mail id")),
    responses((status = 200, body = MailView, description = "queued again, due now"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "not_failed: only a mail that failed for good is queued again")))]
pub async fn retry(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<MailId>,
) -> ApiResult<Json<MailView>> {
    let mail = state.store().mail(id).await?;
    if !manages(&staff, mail.institution_id) {
        return Err(ApiError::not_found());
    }
    if !state.store().requeue_mail(id, state.now()).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_failed",
            "only a mail that failed for good is queued again",
        ));
    }
    state.mail_queued().notify_one();
    tracing::info!(user.id = %staff.id(), mail.id = %id, "mail queued again");
    Ok(Json(MailView::from(&state.store().mail(id).await?)))
}

fn kind_of(s: &str) -> ApiResult<MailKind> {
    MailKind::parse(s).ok_or_else(ApiError::not_found)
}

async fn template_view(
    state: &AppState,
    institution: InstitutionId,
    kind: MailKind,
) -> ApiResult<MailTemplateView> {
    let stored = state.store().mail_template(institution, kind).await?;
    let custom = stored.is_some();
    let t = stored.unwrap_or_else(|| render::default_template(kind));
    let (preview, variables) = match kind {
        MailKind::Transcript => (
            render::render(&t, &render::sample_transcript()),
            "library, patron_name, started, messages (each: time, who, text)",
        ),
        MailKind::TicketReply => (
            render::render(&t, &render::sample_reply()),
            "library, patron_name, subject, reply, librarian",
        ),
    };
    let preview = preview.unwrap_or_else(|e| refdesk_core::Rendered {
        subject: String::new(),
        text: e,
        html: String::new(),
    });
    Ok(MailTemplateView {
        kind: kind.as_str().to_owned(),
        subject: t.subject,
        text: t.text,
        html: t.html,
        custom,
        variables: variables.split(", ").map(str::to_owned).collect(),
        preview_subject: preview.subject,
        preview_text: preview.text,
    })
}

#[utoipa::path(get, path = "/api/institutions/{id}/mail-templates/{kind}", tag = "admin",
    params(("id" = String, Path, description = "institution id"), ("kind" = String, Path, description = "transcript or ticket_reply")),
    responses((status = 200, body = MailTemplateView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn template(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path((id, kind)): Path<(InstitutionId, String)>,
) -> ApiResult<Json<MailTemplateView>> {
    let kind = kind_of(&kind)?;
    if !manages(&staff, id) {
        return Err(ApiError::not_found());
    }
    state.store().institution(id).await?;
    Ok(Json(template_view(&state, id, kind).await?))
}

#[utoipa::path(put, path = "/api/institutions/{id}/mail-templates/{kind}", tag = "admin", request_body = MailTemplateBody,
    params(("id" = String, Path, description = "institution id"), ("kind" = String, Path, description = "transcript or ticket_reply")),
    responses((status = 200, body = MailTemplateView), (status = 400, body = ErrorBody, description = "a part does not render; the message says which and why"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_template(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path((id, kind)): Path<(InstitutionId, String)>,
    Json(body): Json<MailTemplateBody>,
) -> ApiResult<Json<MailTemplateView>> {
    let kind = kind_of(&kind)?;
    if !manages(&staff, id) {
        return Err(ApiError::not_found());
    }
    let t = MailTemplate {
        subject: body.subject,
        text: body.text,
        html: body.html,
    };
    render::check(kind, &t).map_err(ApiError::invalid_body)?;
    state.store().set_mail_template(id, kind, Some(&t)).await?;
    tracing::info!(user.id = %staff.id(), institution.id = %id, kind = kind.as_str(), "mail template saved");
    Ok(Json(template_view(&state, id, kind).await?))
}

#[utoipa::path(delete, path = "/api/institutions/{id}/mail-templates/{kind}", tag = "admin",
    params(("id" = String, Path, description = "institution id"), ("kind" = String, Path, description = "transcript or ticket_reply")),
    responses((status = 200, body = MailTemplateView, description = "back to refdesk's default"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reset_template(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path((id, kind)): Path<(InstitutionId, String)>,
) -> ApiResult<Json<MailTemplateView>> {
    let kind = kind_of(&kind)?;
    if !manages(&staff, id) {
        return Err(ApiError::not_found());
    }
    state.store().set_mail_template(id, kind, None).await?;
    Ok(Json(template_view(&state, id, kind).await?))
}

#[utoipa::path(post, path = "/api/mail/inbound", tag = "operations", request_body = InboundMail,
    responses((status = 201, body = InboundAccepted, description = "threaded into the ticket, which is open again"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody, description = "wrong or missing gateway token"),
              (status = 404, body = ErrorBody, description = "inbound mail is not configured (mail_inbound_token is empty)"),
              (status = 422, body = ErrorBody, description = "no_ticket (it answers no ticket mail) or not_the_patron")))]
pub async fn inbound(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(mail): Json<InboundMail>,
) -> ApiResult<(StatusCode, Json<InboundAccepted>)> {
    let expected = state.settings().mail_inbound_token.as_bytes();
    if expected.is_empty() {
        return Err(ApiError::not_found());
    }
    let given = crate::auth::bearer_token(&headers).unwrap_or_default();
    // Digests are compared, so the time taken says nothing about the token.
    use sha2::Digest;
    if sha2::Sha256::digest(given.as_bytes()) != sha2::Sha256::digest(expected) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "the gateway token is missing or wrong",
        ));
    }
    let ticket = state.thread_inbound(&mail).await?;
    Ok((
        StatusCode::CREATED,
        Json(InboundAccepted {
            ticket_id: ticket.id,
        }),
    ))
}
