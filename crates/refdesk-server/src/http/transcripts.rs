//! Transcript search and the audit log over REST, for institution admins (and system admins).

use super::{Json, Path, Query};
use crate::auth::Staff;
use crate::error::ApiResult;
use crate::service::transcripts::{ExportFormat, TranscriptQuery, transcript_file};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use refdesk_core::{AuditAction, ChatId, InstitutionId};
use refdesk_protocol::{AuditLogView, ErrorBody, TranscriptList, TranscriptView};
use serde::Deserialize;

#[utoipa::path(get, path = "/api/institutions/{id}/transcripts", tag = "admin",
    params(("id" = String, Path, description = "institution id"), TranscriptQuery),
    responses((status = 200, body = TranscriptList,
                description = "the institution's ended chats that match; the search is recorded in its audit log"),
              (status = 400, body = ErrorBody, description = "a bad date, range, rating, tag, limit or only common words"),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn search(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Query(q): Query<TranscriptQuery>,
) -> ApiResult<Json<TranscriptList>> {
    Ok(Json(state.search_transcripts(&staff, id, &q).await?))
}

#[utoipa::path(get, path = "/api/institutions/{id}/transcripts/{chat}", tag = "admin",
    params(("id" = String, Path, description = "institution id"),
           ("chat" = String, Path, description = "chat id")),
    responses((status = 200, body = TranscriptView,
                description = "the whole conversation, internal notes marked; the view is recorded in the audit log"),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such ended chat of the institution, or not its admin")))]
pub async fn view(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path((id, chat)): Path<(InstitutionId, ChatId)>,
) -> ApiResult<Json<TranscriptView>> {
    Ok(Json(
        state
            .transcript(&staff, id, chat, AuditAction::TranscriptViewed)
            .await?,
    ))
}

/// The file format of an export.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `txt` (default) or `json`.
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/institutions/{id}/transcripts/{chat}/export", tag = "admin",
    params(("id" = String, Path, description = "institution id"),
           ("chat" = String, Path, description = "chat id"), ExportQuery),
    responses((status = 200, content_type = "text/plain",
                description = "the transcript as a file (text, or JSON with format=json), internal notes marked; the export is recorded in the audit log"),
              (status = 400, body = ErrorBody, description = "a format other than txt or json"),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such ended chat of the institution, or not its admin")))]
pub async fn export(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path((id, chat)): Path<(InstitutionId, ChatId)>,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let format = ExportFormat::parse(q.format.as_deref())?;
    let t = state
        .transcript(&staff, id, chat, AuditAction::TranscriptExported)
        .await?;
    let (content_type, ext) = match format {
        ExportFormat::Text => ("text/plain; charset=utf-8", "txt"),
        ExportFormat::Json => ("application/json", "json"),
    };
    super::download(
        transcript_file(&t, format)?,
        content_type,
        &format!("transcript-{chat}.{ext}"),
    )
}

/// A page of the audit log.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Entries before this one (its `id`; from the newest when absent).
    pub before: Option<u64>,
    /// Entries per page, 1 to 500 (default 100).
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/institutions/{id}/audit", tag = "admin",
    params(("id" = String, Path, description = "institution id"), AuditQuery),
    responses((status = 200, body = AuditLogView, description = "who searched, viewed and exported the institution's transcripts, newest first"),
              (status = 400, body = ErrorBody, description = "a bad limit or cursor"),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn audit(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<AuditLogView>> {
    Ok(Json(state.audit_log(&staff, id, q.before, q.limit).await?))
}
