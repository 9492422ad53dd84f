//! An institution's staff over REST, for its admins: the accounts (paged), adding one, changing
//! a role, and which of the institution's co-ops each may monitor. To anyone else, the
//! institution (and its staff) is not found; a co-op's admins do not manage members' staff.

use super::institutions::admin_of;
use super::{Json, Path, Query};
use crate::admin;
use crate::auth::Staff;
use crate::error::{ApiError, ApiResult};
use crate::events::Event;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use refdesk_core::{CoopId, Email, Grant, InstitutionId, User, UserId};
use refdesk_protocol::{
    CoopAccess, ErrorBody, MayMonitorBody, NewStaffBody, PageQuery, RoleBody, StaffList, StaffView,
};

async fn view(state: &AppState, user: User) -> ApiResult<StaffView> {
    let grants = state.store().grants_of(user.id).await?;
    let coops = state
        .store()
        .coops_of_institution(user.institution_id)
        .await?
        .into_iter()
        .map(|c| CoopAccess {
            id: c.id.into(),
            name: c.name.to_string(),
            may_monitor: grants.contains(&Grant::MonitorCoop(c.id)),
        })
        .collect();
    Ok(StaffView {
        id: user.id,
        name: user.name.to_string(),
        email: user.email.to_string(),
        role: user.role,
        coops,
    })
}

/// A staff member of `institution`; `not_found` for anyone else's.
async fn member(state: &AppState, institution: InstitutionId, id: UserId) -> ApiResult<User> {
    match state.store().user(id).await {
        Ok(u) if u.institution_id == institution => Ok(u),
        Ok(_) | Err(refdesk_store::StoreError::NotFound) => Err(ApiError::not_found()),
        Err(e) => Err(e.into()),
    }
}

#[utoipa::path(get, path = "/api/institutions/{id}/staff", tag = "admin",
    params(("id" = String, Path, description = "institution id"), PageQuery),
    responses((status = 200, body = StaffList), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn list(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<StaffList>> {
    admin_of(&staff, id)?;
    let limit = q.limit().map_err(ApiError::invalid_query)?;
    let after = match q.after.as_deref() {
        None | Some("") => None,
        Some(a) => Some(Email::parse(a).map_err(|e| ApiError::invalid_query(e.to_string()))?),
    };
    let page = state.store().users_page(id, after.as_ref(), limit).await?;
    let next = (page.len() == limit as usize)
        .then(|| page.last().map(|u| u.email.to_string()))
        .flatten();
    let mut out = Vec::with_capacity(page.len());
    for u in page {
        out.push(view(&state, u).await?);
    }
    Ok(Json(StaffList { staff: out, next }))
}

#[utoipa::path(post, path = "/api/institutions/{id}/staff", tag = "admin",
    params(("id" = String, Path, description = "institution id")),
    request_body = NewStaffBody,
    responses((status = 201, body = StaffView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Json(body): Json<NewStaffBody>,
) -> ApiResult<(StatusCode, Json<StaffView>)> {
    admin_of(&staff, id)?;
    admin::check_role(body.role, staff.has(Grant::SystemAdmin))?;
    let user = admin::create_staff(
        state.store(),
        id,
        body.email,
        body.name,
        body.role,
        body.password,
    )
    .await?;
    tracing::info!(user.id = %staff.id(), new.id = %user.id, role = user.role.as_str(), "staff account created");
    Ok((StatusCode::CREATED, Json(view(&state, user).await?)))
}

#[utoipa::path(put, path = "/api/institutions/{id}/staff/{user_id}/role", tag = "admin",
    params(("id" = String, Path, description = "institution id"),
           ("user_id" = String, Path, description = "a staff member of the institution")),
    request_body = RoleBody,
    responses((status = 200, body = StaffView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn set_role(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path((id, user_id)): Path<(InstitutionId, UserId)>,
    Json(body): Json<RoleBody>,
) -> ApiResult<Json<StaffView>> {
    admin_of(&staff, id)?;
    let user = member(&state, id, user_id).await?;
    let system = staff.has(Grant::SystemAdmin);
    admin::check_role(body.role, system)?;
    // Nobody takes away a role they could not give, or locks themselves out.
    admin::check_role(user.role, system)?;
    if user.id == staff.id() {
        return Err(ApiError::invalid_body("you may not change your own role"));
    }
    state.store().set_user_role(user.id, body.role).await?;
    tracing::info!(user.id = %staff.id(), target.id = %user.id, role = body.role.as_str(), "role changed");
    state.publish(Event::AccessChanged { user: user.id }).await;
    let fresh = state.store().user(user.id).await?;
    Ok(Json(view(&state, fresh).await?))
}

#[utoipa::path(put, path = "/api/institutions/{id}/staff/{user_id}/coops/{coop_id}", tag = "admin",
    params(("id" = String, Path, description = "institution id"),
           ("user_id" = String, Path, description = "a staff member of the institution"),
           ("coop_id" = String, Path, description = "a co-op the institution belongs to")),
    request_body = MayMonitorBody,
    responses((status = 200, body = StaffView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_coop_access(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path((id, user_id, coop)): Path<(InstitutionId, UserId, CoopId)>,
    Json(body): Json<MayMonitorBody>,
) -> ApiResult<Json<StaffView>> {
    admin_of(&staff, id)?;
    let user = member(&state, id, user_id).await?;
    admin::set_may_monitor(state.store(), coop, &user, body.may_monitor).await?;
    tracing::info!(user.id = %staff.id(), target.id = %user.id, coop.id = %coop, may = body.may_monitor, "co-op access changed");
    state.publish(Event::AccessChanged { user: user.id }).await;
    Ok(Json(view(&state, user).await?))
}
