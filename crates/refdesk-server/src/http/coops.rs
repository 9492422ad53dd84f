//! Co-ops over REST: the co-ops an institution belongs to (for its admins, who route chats to
//! them), and a co-op's members with their contracted hours (for the co-op's admins, who set
//! them). To anyone else the institution or co-op is not found.

use super::institutions::admin_of;
use super::{Json, Path, Query};
use crate::auth::Staff;
use crate::error::{ApiError, ApiResult};
use crate::events::Event;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use refdesk_core::UserId;
use refdesk_core::{CoopId, Grant, InstitutionId, StaffPrincipal};
use refdesk_protocol::{
    CoopHoursBody, CoopList, CoopMemberList, CoopMemberView, CoopMonitorList, CoopMonitorView,
    ErrorBody, MayMonitorBody, NamedRef, NewMemberBody, PageQuery,
};

fn coop_admin_of(staff: &StaffPrincipal, coop: CoopId) -> ApiResult<()> {
    if staff.has(Grant::CoopAdmin(coop)) || staff.has(Grant::SystemAdmin) {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

#[utoipa::path(get, path = "/api/institutions/{id}/coops", tag = "admin",
    params(("id" = String, Path, description = "institution id")),
    responses((status = 200, body = CoopList), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn of_institution(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
) -> ApiResult<Json<CoopList>> {
    admin_of(&staff, id)?;
    let coops = state.store().coops_of_institution(id).await?;
    Ok(Json(CoopList {
        coops: coops
            .into_iter()
            .map(|c| NamedRef {
                id: c.id.into(),
                name: c.name.to_string(),
            })
            .collect(),
    }))
}

async fn member_view(
    state: &AppState,
    coop: CoopId,
    institution: InstitutionId,
) -> ApiResult<CoopMemberView> {
    let hours = state.store().coop_hours(coop, institution).await?;
    Ok(CoopMemberView {
        institution: NamedRef {
            id: institution.into(),
            name: state
                .names()
                .institution(state.store(), institution)
                .await?,
        },
        time_zone: state
            .policies()
            .get(state.store(), institution)
            .await?
            .time_zone,
        hours: hours.into(),
    })
}

#[utoipa::path(get, path = "/api/coops/{id}/members", tag = "admin",
    params(("id" = String, Path, description = "co-op id"), PageQuery),
    responses((status = 200, body = CoopMemberList), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such co-op, or not its admin")))]
pub async fn members(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<CoopId>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<CoopMemberList>> {
    coop_admin_of(&staff, id)?;
    let Some(coop) = state.store().coops(&[id]).await?.into_iter().next() else {
        return Err(ApiError::not_found());
    };
    let mut named = Vec::new();
    for (_, institution) in state.store().coop_members(&[id]).await? {
        let name = state
            .names()
            .institution(state.store(), institution)
            .await?;
        named.push((name, institution));
    }
    named.sort();
    let (page, next) = crate::admin::page(named, |(_, i)| i.to_string(), &q)?;
    let mut members = Vec::with_capacity(page.len());
    for (_, institution) in page {
        members.push(member_view(&state, id, institution).await?);
    }
    Ok(Json(CoopMemberList {
        coop: NamedRef {
            id: id.into(),
            name: coop.name.to_string(),
        },
        members,
        next,
    }))
}

#[utoipa::path(put, path = "/api/coops/{id}/members/{institution_id}/hours", tag = "admin",
    params(("id" = String, Path, description = "co-op id"),
           ("institution_id" = String, Path, description = "a member institution's id")),
    request_body = CoopHoursBody,
    responses((status = 200, body = CoopMemberView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such member of the co-op, or not its admin")))]
pub async fn set_hours(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path((id, institution)): Path<(CoopId, InstitutionId)>,
    Json(body): Json<CoopHoursBody>,
) -> ApiResult<Json<CoopMemberView>> {
    coop_admin_of(&staff, id)?;
    let hours = body.hours().map_err(ApiError::invalid_body)?;
    hours
        .check()
        .map_err(|e| ApiError::invalid_body(e.to_string()))?;
    state
        .store()
        .set_coop_hours(id, institution, &hours)
        .await?;
    tracing::info!(user.id = %staff.id(), coop.id = %id, institution.id = %institution, ?hours, "co-op hours changed");
    Ok(Json(member_view(&state, id, institution).await?))
}

#[utoipa::path(post, path = "/api/coops/{id}/members", tag = "admin",
    params(("id" = String, Path, description = "co-op id")),
    request_body = NewMemberBody,
    responses((status = 201, body = CoopMemberView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such co-op, or not its admin")))]
pub async fn add_member(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<CoopId>,
    Json(body): Json<NewMemberBody>,
) -> ApiResult<(StatusCode, Json<CoopMemberView>)> {
    coop_admin_of(&staff, id)?;
    let institution = match state.store().institution_by_slug(&body.slug).await {
        Ok(i) => i,
        Err(refdesk_store::StoreError::NotFound) => {
            return Err(ApiError::invalid_body(format!(
                "no library {:?}",
                body.slug
            )));
        }
        Err(e) => return Err(e.into()),
    };
    crate::admin::add_member(state.store(), id, institution.id).await?;
    state.names().forget_coops(institution.id);
    tracing::info!(user.id = %staff.id(), coop.id = %id, institution.id = %institution.id, "co-op member added");
    Ok((
        StatusCode::CREATED,
        Json(member_view(&state, id, institution.id).await?),
    ))
}

#[utoipa::path(delete, path = "/api/coops/{id}/members/{institution_id}", tag = "admin",
    params(("id" = String, Path, description = "co-op id"),
           ("institution_id" = String, Path, description = "a member institution's id")),
    responses((status = 204, description = "no longer a member; its staff may no longer monitor the co-op"),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "not a member, no such co-op, or not its admin"),
              (status = 409, body = ErrorBody, description = "in_use: a chat box of the member routes chats to the co-op, or one of its chats is offered to it now")))]
pub async fn remove_member(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path((id, institution)): Path<(CoopId, InstitutionId)>,
) -> ApiResult<StatusCode> {
    coop_admin_of(&staff, id)?;
    let losing = crate::admin::remove_member(state.store(), id, institution).await?;
    state.names().forget_coops(institution);
    tracing::info!(user.id = %staff.id(), coop.id = %id, institution.id = %institution, "co-op member removed");
    for user in losing {
        state.publish(Event::AccessChanged { user }).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/coops/{id}/monitors", tag = "admin",
    params(("id" = String, Path, description = "co-op id")),
    responses((status = 200, body = CoopMonitorList), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such co-op, or not its admin")))]
pub async fn monitors(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<CoopId>,
) -> ApiResult<Json<CoopMonitorList>> {
    coop_admin_of(&staff, id)?;
    let mut out = Vec::new();
    for u in state.store().holders_of(Grant::MonitorCoop(id)).await? {
        let user = state.store().user(u).await?;
        out.push(CoopMonitorView {
            id: u.into(),
            name: user.name.to_string(),
            institution: NamedRef {
                id: user.institution_id.into(),
                name: state
                    .names()
                    .institution(state.store(), user.institution_id)
                    .await?,
            },
        });
    }
    out.sort_by(|a, b| (&a.institution.name, &a.name).cmp(&(&b.institution.name, &b.name)));
    Ok(Json(CoopMonitorList { monitors: out }))
}

#[utoipa::path(put, path = "/api/coops/{id}/monitors/{user_id}", tag = "admin",
    params(("id" = String, Path, description = "co-op id"),
           ("user_id" = String, Path, description = "a staff member of a member institution")),
    request_body = MayMonitorBody,
    responses((status = 200, body = CoopMonitorList), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such co-op or user, or not the co-op's admin")))]
pub async fn set_monitor(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path((id, user_id)): Path<(CoopId, UserId)>,
    Json(body): Json<MayMonitorBody>,
) -> ApiResult<Json<CoopMonitorList>> {
    coop_admin_of(&staff, id)?;
    let user = match state.store().user(user_id).await {
        Ok(u) => u,
        Err(refdesk_store::StoreError::NotFound) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    crate::admin::set_may_monitor(state.store(), id, &user, body.may_monitor).await?;
    state.publish(Event::AccessChanged { user: user.id }).await;
    tracing::info!(user.id = %staff.id(), target.id = %user.id, coop.id = %id, may = body.may_monitor, "co-op monitor changed");
    monitors(State(state), Staff(staff), Path(id)).await
}
