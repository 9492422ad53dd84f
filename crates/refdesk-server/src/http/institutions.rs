//! An institution's settings over REST: its policy (privacy and staffing), for its admins.

use super::{Json, Path};
use crate::auth::Staff;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use refdesk_core::{Grant, InstitutionId, InstitutionPolicy, StaffPrincipal};
use refdesk_protocol::{ErrorBody, InstitutionPolicyBody};

/// Only the institution's admins (and system admins) read or change its policy; to anyone else
/// the institution is not found.
pub(crate) fn admin_of(staff: &StaffPrincipal, id: InstitutionId) -> ApiResult<()> {
    if staff.has(Grant::InstitutionAdmin(id)) || staff.has(Grant::SystemAdmin) {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

#[utoipa::path(get, path = "/api/institutions/{id}/policy", tag = "admin",
    params(("id" = String, Path, description = "institution id")),
    responses((status = 200, body = InstitutionPolicyBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn policy(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
) -> ApiResult<Json<InstitutionPolicyBody>> {
    admin_of(&staff, id)?;
    Ok(Json(state.store().institution_policy(id).await?.into()))
}

#[utoipa::path(put, path = "/api/institutions/{id}/policy", tag = "admin",
    params(("id" = String, Path, description = "institution id")),
    request_body = InstitutionPolicyBody,
    responses((status = 200, body = InstitutionPolicyBody), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such institution, or not its admin")))]
pub async fn set_policy(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<InstitutionId>,
    Json(body): Json<InstitutionPolicyBody>,
) -> ApiResult<Json<InstitutionPolicyBody>> {
    admin_of(&staff, id)?;
    let policy = InstitutionPolicy::from(body);
    policy
        .check()
        .map_err(|e| ApiError::invalid_body(e.to_string()))?;
    state.store().set_institution_policy(id, &policy).await?;
    state.policies().forget(id);
    tracing::info!(user.id = %staff.id(), institution.id = %id, ?policy, "institution policy changed");
    Ok(Json(policy.into()))
}
