//! Co-ops over REST: the co-ops an institution belongs to (for its admins, who route chats to
//! them), and a co-op's members with their contracted hours (for the co-op's admins, who set
//! them). To anyone else the institution or co-op is not found.

use super::institutions::admin_of;
use super::{Json, Path};
use crate::auth::Staff;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use refdesk_core::{CoopId, Grant, InstitutionId, StaffPrincipal};
use refdesk_protocol::{
    CoopHoursBody, CoopList, CoopMemberList, CoopMemberView, ErrorBody, NamedRef,
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
    params(("id" = String, Path, description = "co-op id")),
    responses((status = 200, body = CoopMemberList), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such co-op, or not its admin")))]
pub async fn members(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<CoopId>,
) -> ApiResult<Json<CoopMemberList>> {
    coop_admin_of(&staff, id)?;
    let Some(coop) = state.store().coops(&[id]).await?.into_iter().next() else {
        return Err(ApiError::not_found());
    };
    let mut members = Vec::new();
    for (_, institution) in state.store().coop_members(&[id]).await? {
        members.push(member_view(&state, id, institution).await?);
    }
    members.sort_by(|a, b| a.institution.name.cmp(&b.institution.name));
    Ok(Json(CoopMemberList {
        coop: NamedRef {
            id: id.into(),
            name: coop.name.to_string(),
        },
        members,
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
