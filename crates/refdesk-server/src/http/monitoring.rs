//! Monitoring over REST: my toggles, switching one, a co-op's Check status, the Librarians list.

use super::{Json, Path};
use crate::auth::Staff;
use crate::error::ApiResult;
use crate::state::AppState;
use axum::extract::State;
use refdesk_core::CoopId;
use refdesk_protocol::{
    CoopStatusView, ErrorBody, LibrariansView, MonitoringView, SetMonitoringRequest,
};

#[utoipa::path(get, path = "/api/monitoring", tag = "staff",
    responses((status = 200, body = MonitoringView), (status = 401, body = ErrorBody)))]
pub async fn mine(
    State(state): State<AppState>,
    Staff(staff): Staff,
) -> ApiResult<Json<MonitoringView>> {
    Ok(Json(state.monitoring_view(&staff).await?))
}

#[utoipa::path(put, path = "/api/monitoring", tag = "staff", request_body = SetMonitoringRequest,
    responses((status = 200, body = MonitoringView, description = "my toggles after the change"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "a co-op I may not monitor"),
              (status = 404, body = ErrorBody, description = "not one of my departments")))]
pub async fn switch(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Json(body): Json<SetMonitoringRequest>,
) -> ApiResult<Json<MonitoringView>> {
    Ok(Json(state.set_monitoring(&staff, &body).await?))
}

#[utoipa::path(get, path = "/api/coops/{id}/status", tag = "staff",
    params(("id" = String, Path, description = "co-op id")),
    responses((status = 200, body = CoopStatusView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such co-op, or not one I may monitor")))]
pub async fn coop_status(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<CoopId>,
) -> ApiResult<Json<CoopStatusView>> {
    Ok(Json(state.coop_status(&staff, id).await?))
}

#[utoipa::path(get, path = "/api/librarians", tag = "staff",
    responses((status = 200, body = LibrariansView), (status = 401, body = ErrorBody)))]
pub async fn librarians(
    State(state): State<AppState>,
    Staff(staff): Staff,
) -> ApiResult<Json<LibrariansView>> {
    Ok(Json(LibrariansView {
        librarians: state.librarians(&staff).await?,
    }))
}
