//! The installation's directory over REST, for system admins: institutions (paged) and co-ops,
//! listed and created. `GET /api/coops` also answers a co-op admin, with the co-ops they
//! administer (the dashboard's co-op screen starts there).

use super::{Json, Query};
use crate::admin;
use crate::auth::Staff;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use refdesk_core::{Grant, StaffPrincipal};
use refdesk_protocol::{
    CoopList, ErrorBody, InstitutionList, InstitutionView, NamedRef, NewCoopBody,
    NewInstitutionBody, PageQuery,
};

fn system_admin(staff: &StaffPrincipal) -> ApiResult<()> {
    if staff.has(Grant::SystemAdmin) {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

#[utoipa::path(get, path = "/api/institutions", tag = "admin", params(PageQuery),
    responses((status = 200, body = InstitutionList), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "not a system admin")))]
pub async fn institutions(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<InstitutionList>> {
    system_admin(&staff)?;
    let limit = q.limit().map_err(ApiError::invalid_query)?;
    let page = state
        .store()
        .institutions_page(q.after.as_deref().filter(|a| !a.is_empty()), limit)
        .await?;
    let next = (page.len() == limit as usize)
        .then(|| page.last().map(|i| i.slug.clone()))
        .flatten();
    Ok(Json(InstitutionList {
        institutions: page.into_iter().map(InstitutionView::from).collect(),
        next,
    }))
}

#[utoipa::path(post, path = "/api/institutions", tag = "admin", request_body = NewInstitutionBody,
    responses((status = 201, body = InstitutionView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "the slug is taken")))]
pub async fn create_institution(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Json(body): Json<NewInstitutionBody>,
) -> ApiResult<(StatusCode, Json<InstitutionView>)> {
    system_admin(&staff)?;
    let i = admin::create_institution(state.store(), body.name, body.slug).await?;
    tracing::info!(user.id = %staff.id(), institution.id = %i.id, "institution created");
    Ok((StatusCode::CREATED, Json(i.into())))
}

#[utoipa::path(get, path = "/api/coops", tag = "admin",
    responses((status = 200, body = CoopList, description = "every co-op for a system admin; the co-ops a co-op admin administers"),
              (status = 401, body = ErrorBody)))]
pub async fn coops(
    State(state): State<AppState>,
    Staff(staff): Staff,
) -> ApiResult<Json<CoopList>> {
    let all = state.store().all_coops().await?;
    let system = staff.has(Grant::SystemAdmin);
    Ok(Json(CoopList {
        coops: all
            .into_iter()
            .filter(|c| system || staff.has(Grant::CoopAdmin(c.id)))
            .map(|c| NamedRef {
                id: c.id.into(),
                name: c.name.to_string(),
            })
            .collect(),
    }))
}

#[utoipa::path(post, path = "/api/coops", tag = "admin", request_body = NewCoopBody,
    responses((status = 201, body = NamedRef), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "the name is taken")))]
pub async fn create_coop(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Json(body): Json<NewCoopBody>,
) -> ApiResult<(StatusCode, Json<NamedRef>)> {
    system_admin(&staff)?;
    let c = admin::create_coop(state.store(), body.name).await?;
    tracing::info!(user.id = %staff.id(), coop.id = %c.id, "co-op created");
    Ok((
        StatusCode::CREATED,
        Json(NamedRef {
            id: c.id.into(),
            name: c.name.to_string(),
        }),
    ))
}
