//! Reports over REST, as JSON or CSV, and the live boards: figures only, for those the
//! figures belong to.

use super::{Json, Path, Query};
use crate::auth::Staff;
use crate::error::{ApiError, ApiResult};
use crate::service::accounting::accounting_csv;
use crate::service::reports::{ReportQuery, report_csv};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use refdesk_core::{CoopId, InstitutionId};
use refdesk_protocol::{BoardView, ChatReportView, CoopAccountingView, ErrorBody};

/// Whether the report is asked for as CSV (`format=csv`) rather than JSON (the default).
fn wants_csv(q: &ReportQuery) -> ApiResult<bool> {
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(false),
        "csv" => Ok(true),
        _ => Err(ApiError::invalid_query("format is csv or json")),
    }
}

#[utoipa::path(get, path = "/api/institutions/{id}/reports/chats", tag = "admin",
    params(("id" = String, Path, description = "institution id"), ReportQuery),
    responses((status = 200, body = ChatReportView,
                description = "the institution's chats in the range (JSON, or CSV with format=csv)"),
              (status = 400, body = ErrorBody, description = "a bad date, range, rating, tag or format"),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn institution_chats(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    let csv = wants_csv(&q)?;
    let report = state.institution_chat_report(&staff, id, &q).await?;
    if !csv {
        return Ok(axum::Json(report).into_response());
    }
    super::download(
        report_csv(&report)?,
        "text/csv; charset=utf-8",
        &format!("chats-{}-{}.csv", report.from, report.to),
    )
}

#[utoipa::path(get, path = "/api/institutions/{id}/board", tag = "admin",
    params(("id" = String, Path, description = "institution id")),
    responses((status = 200, body = BoardView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn institution_board(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
) -> ApiResult<Json<BoardView>> {
    Ok(Json(state.institution_board(&staff, id).await?))
}

#[utoipa::path(get, path = "/api/coops/{id}/board", tag = "admin",
    params(("id" = String, Path, description = "co-op id")),
    responses((status = 200, body = BoardView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such co-op, or not its admin")))]
pub async fn coop_board(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<CoopId>,
) -> ApiResult<Json<BoardView>> {
    Ok(Json(state.coop_board(&staff, id).await?))
}

#[utoipa::path(get, path = "/api/coops/{id}/reports/accounting", tag = "admin",
    params(("id" = String, Path, description = "co-op id"), ReportQuery),
    responses((status = 200, body = CoopAccountingView,
                description = "each member's account over the range (JSON, or CSV with format=csv)"),
              (status = 400, body = ErrorBody, description = "a bad date, range, format or parameter"),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such co-op, or not its admin")))]
pub async fn coop_accounting(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<CoopId>,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    let csv = wants_csv(&q)?;
    let accounts = state.coop_accounting(&staff, id, &q).await?;
    if !csv {
        return Ok(axum::Json(accounts).into_response());
    }
    super::download(
        accounting_csv(&accounts)?,
        "text/csv; charset=utf-8",
        &format!("coop-accounting-{}-{}.csv", accounts.from, accounts.to),
    )
}
