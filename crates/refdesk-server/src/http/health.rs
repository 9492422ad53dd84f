//! Liveness and metrics for operators of refdesk.

use super::Json;
use crate::state::{AppState, metrics_handle};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use refdesk_protocol::{ErrorBody, Health};

#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = ErrorBody)))]
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store().ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok".into(),
            }),
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: store unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(ErrorBody::new(
                    "store_unavailable",
                    "the database does not answer",
                )),
            )
                .into_response()
        }
    }
}

/// Prometheus text exposition.
pub async fn metrics() -> impl IntoResponse {
    crate::metrics::record_process();
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        metrics_handle().render(),
    )
}
