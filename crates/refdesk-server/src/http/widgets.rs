//! Chat boxes over REST: the public configuration a chat box reads, and the admin endpoints
//! that list, create and rewrite an institution's widgets. The chat box reads its configuration
//! from the store on every load, so a change takes effect at the next load, with no restart.

use super::institutions::admin_of;
use super::{Json, Path, Query};
use crate::auth::Staff;
use crate::error::{ApiError, ApiResult};
use crate::service::new_id;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use refdesk_core::{InstitutionId, StepTarget, Widget, WidgetId};
use refdesk_protocol::{ErrorBody, PageQuery, WidgetBody, WidgetConfig, WidgetList, WidgetView};

#[utoipa::path(get, path = "/api/widgets/{id}", tag = "patron",
    params(("id" = String, Path, description = "widget id")),
    responses((status = 200, body = WidgetConfig), (status = 404, body = ErrorBody)))]
pub async fn widget(
    State(state): State<AppState>,
    Path(id): Path<WidgetId>,
) -> ApiResult<Json<WidgetConfig>> {
    let w = state.store().widget(id).await?;
    if !w.settings.enabled {
        return Err(ApiError::not_found());
    }
    let institution_name = state
        .names()
        .institution(state.store(), w.institution_id)
        .await?;
    let online = state.widget_online(&w).await?;
    let slug = state.store().institution(w.institution_id).await?.slug;
    Ok(Json(WidgetConfig {
        id: w.id,
        name: w.name.to_string(),
        institution_name,
        fields: w.settings.fields.into(),
        texts: w.settings.texts.into(),
        online,
        ask_rating: w.settings.ask_rating,
        privacy_url: format!("/privacy/{slug}"),
    }))
}

#[utoipa::path(get, path = "/api/institutions/{id}/widgets", tag = "admin",
    params(("id" = String, Path, description = "institution id"), PageQuery),
    responses((status = 200, body = WidgetList), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn list(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<WidgetList>> {
    admin_of(&staff, id)?;
    let all = state.store().widgets(id).await?;
    let (page, next) = crate::admin::page(all, |w| w.id.to_string(), &q)?;
    Ok(Json(WidgetList {
        widgets: page.into_iter().map(WidgetView::from).collect(),
        next,
    }))
}

/// Builds the widget a body describes, checking every part against the institution.
async fn widget_of(
    state: &AppState,
    institution_id: InstitutionId,
    id: WidgetId,
    body: WidgetBody,
) -> ApiResult<Widget> {
    let department = match state.store().department(body.department_id).await {
        Ok(d) if d.institution_id == institution_id => d,
        Ok(_) | Err(refdesk_store::StoreError::NotFound) => {
            return Err(ApiError::invalid_body(
                "department_id is not a department of this institution",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    for origin in &body.allowed_origins {
        Widget::check_origin(origin)
            .map_err(|_| ApiError::invalid_body(format!("{origin:?} is not an origin")))?;
    }
    let settings = body.settings().map_err(ApiError::invalid_body)?;
    settings
        .check()
        .map_err(|e| ApiError::invalid_body(e.to_string()))?;
    check_plan(state, institution_id, &department, &settings.routing).await?;
    Ok(Widget {
        id,
        institution_id,
        department_id: department.id,
        name: body.name,
        allowed_origins: body.allowed_origins,
        settings,
    })
}

/// A plan's steps are departments of the institution and co-ops it belongs to.
async fn check_plan(
    state: &AppState,
    institution_id: InstitutionId,
    first: &refdesk_core::Department,
    plan: &refdesk_core::RoutingPlan,
) -> ApiResult<()> {
    plan.check(first.id)
        .map_err(|e| ApiError::invalid_body(e.to_string()))?;
    let departments = state.store().departments(institution_id).await?;
    let coops = state.store().coops_of_institution(institution_id).await?;
    for step in &plan.steps {
        let known = match step.target {
            StepTarget::Department(d) => departments.iter().any(|x| x.id == d),
            StepTarget::Coop(c) => coops.iter().any(|x| x.id == c),
        };
        if !known {
            return Err(ApiError::invalid_body(
                "a routing step is neither a department of this institution nor a co-op it \
                 belongs to",
            ));
        }
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/institutions/{id}/widgets", tag = "admin",
    params(("id" = String, Path, description = "institution id")),
    request_body = WidgetBody,
    responses((status = 201, body = WidgetView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn create(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Json(body): Json<WidgetBody>,
) -> ApiResult<(StatusCode, Json<WidgetView>)> {
    admin_of(&staff, id)?;
    let widget = widget_of(&state, id, new_id(), body).await?;
    state.store().create_widget(&widget).await?;
    tracing::info!(user.id = %staff.id(), widget.id = %widget.id, "widget created");
    Ok((StatusCode::CREATED, Json(widget.into())))
}

#[utoipa::path(put, path = "/api/institutions/{id}/widgets/{widget_id}", tag = "admin",
    params(("id" = String, Path, description = "institution id"),
           ("widget_id" = String, Path, description = "widget id")),
    request_body = WidgetBody,
    responses((status = 200, body = WidgetView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such widget of the institution, or not its admin")))]
pub async fn update(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path((id, widget_id)): Path<(InstitutionId, WidgetId)>,
    Json(body): Json<WidgetBody>,
) -> ApiResult<Json<WidgetView>> {
    admin_of(&staff, id)?;
    let widget = widget_of(&state, id, widget_id, body).await?;
    state.store().update_widget(&widget).await?;
    tracing::info!(user.id = %staff.id(), widget.id = %widget.id, "widget changed");
    Ok(Json(widget.into()))
}
