//! An institution's departments (its queues) over REST, for its admins.

use super::institutions::admin_of;
use super::{Json, Path, Query};
use crate::auth::Staff;
use crate::error::ApiResult;
use crate::service::new_id;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use refdesk_core::{Department, InstitutionId};
use refdesk_protocol::{DepartmentBody, DepartmentList, DepartmentView, ErrorBody, PageQuery};

#[utoipa::path(get, path = "/api/institutions/{id}/departments", tag = "admin",
    params(("id" = String, Path, description = "institution id"), PageQuery),
    responses((status = 200, body = DepartmentList), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn list(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<DepartmentList>> {
    admin_of(&staff, id)?;
    let all = state.store().departments(id).await?;
    let (page, next) = crate::admin::page(all, |d| d.id.to_string(), &q)?;
    Ok(Json(DepartmentList {
        departments: page.into_iter().map(DepartmentView::from).collect(),
        next,
    }))
}

#[utoipa::path(post, path = "/api/institutions/{id}/departments", tag = "admin",
    params(("id" = String, Path, description = "institution id")),
    request_body = DepartmentBody,
    responses((status = 201, body = DepartmentView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn create(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Json(body): Json<DepartmentBody>,
) -> ApiResult<(StatusCode, Json<DepartmentView>)> {
    admin_of(&staff, id)?;
    let department = Department {
        id: new_id(),
        institution_id: id,
        name: body.name,
    };
    state.store().create_department(&department).await?;
    tracing::info!(user.id = %staff.id(), department.id = %department.id, "department created");
    Ok((StatusCode::CREATED, Json(department.into())))
}

#[utoipa::path(delete, path = "/api/institutions/{id}/departments/{department_id}", tag = "admin",
    params(("id" = String, Path, description = "institution id"),
           ("department_id" = String, Path, description = "a department of the institution")),
    responses((status = 204, description = "deleted"), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such department of the institution, or not its admin"),
              (status = 409, body = ErrorBody, description = "in_use: a chat box lands or routes chats there, or chats of it are in the history")))]
pub async fn delete(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path((id, department)): Path<(InstitutionId, refdesk_core::DepartmentId)>,
) -> ApiResult<StatusCode> {
    admin_of(&staff, id)?;
    crate::admin::delete_department(state.store(), id, department).await?;
    tracing::info!(user.id = %staff.id(), department.id = %department, "department deleted");
    Ok(StatusCode::NO_CONTENT)
}
