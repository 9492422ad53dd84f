//! The chat box's public configuration.

use super::Json;
use super::Path;
use crate::error::ApiResult;
use crate::state::AppState;
use axum::extract::State;
use refdesk_core::WidgetId;
use refdesk_protocol::{ErrorBody, WidgetConfig};

#[utoipa::path(get, path = "/api/widgets/{id}", tag = "patron",
    params(("id" = String, Path, description = "widget id")),
    responses((status = 200, body = WidgetConfig), (status = 404, body = ErrorBody)))]
pub async fn widget(
    State(state): State<AppState>,
    Path(id): Path<WidgetId>,
) -> ApiResult<Json<WidgetConfig>> {
    let w = state.store().widget(id).await?;
    let institution_name = state
        .names()
        .institution(state.store(), w.institution_id)
        .await?;
    Ok(Json(WidgetConfig {
        id: w.id,
        name: w.name.to_string(),
        institution_name,
    }))
}
