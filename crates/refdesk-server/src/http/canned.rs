//! Canned messages over REST: the ones I may insert, and writing, changing and deleting the
//! ones I may manage (my own; my institution's as its admin; my co-op's as its admin).

use super::{Json, Path};
use crate::auth::Staff;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use refdesk_core::{
    CannedError, CannedId, CannedMessage, CannedScope, CoopId, Grant, InstitutionId, StaffPrincipal,
};
use refdesk_protocol::{CannedBody, CannedList, CannedScopeBody, CannedView, ErrorBody};

impl From<CannedError> for ApiError {
    fn from(e: CannedError) -> Self {
        ApiError::invalid_body(e.to_string())
    }
}

impl AppState {
    /// The scopes whose canned messages `staff` may insert.
    async fn canned_scopes(&self, staff: &StaffPrincipal) -> Vec<CannedScope> {
        let mut scopes = vec![CannedScope::Personal(staff.id())];
        scopes.extend(
            staff
                .institutions
                .iter()
                .map(|i| CannedScope::Institution(*i)),
        );
        scopes.extend(staff.coops.iter().map(|c| CannedScope::Coop(*c)));
        scopes.extend(staff.grants.iter().filter_map(|g| match g {
            Grant::CoopAdmin(c) if !staff.coops.contains(c) => Some(CannedScope::Coop(*c)),
            _ => None,
        }));
        scopes
    }

    async fn canned_view(
        &self,
        staff: &StaffPrincipal,
        c: &CannedMessage,
    ) -> ApiResult<CannedView> {
        let name = match c.scope {
            CannedScope::Personal(_) => "Mine".to_owned(),
            CannedScope::Institution(i) => self.names().institution(self.store(), i).await?,
            CannedScope::Coop(co) => self.coop_name(co).await?,
        };
        Ok(CannedView::new(c, name, c.scope.managed_by(staff)))
    }
}

/// The scope a body names, for `staff` (personal is always theirs).
fn scope_of(staff: &StaffPrincipal, body: &CannedScopeBody) -> ApiResult<CannedScope> {
    match (body.kind.as_str(), body.id) {
        ("personal", None) => Ok(CannedScope::Personal(staff.id())),
        ("personal", Some(id)) if id == uuid::Uuid::from(staff.id()) => {
            Ok(CannedScope::Personal(staff.id()))
        }
        ("institution", Some(id)) => Ok(CannedScope::Institution(InstitutionId::from(id))),
        ("coop", Some(id)) => Ok(CannedScope::Coop(CoopId::from(id))),
        _ => Err(ApiError::invalid_body(
            "scope is personal, or institution or coop with its id",
        )),
    }
}

#[utoipa::path(get, path = "/api/canned", tag = "staff",
    responses((status = 200, body = CannedList, description = "the canned messages I may insert: mine, my institution's, my co-ops'; by title"),
              (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Staff(staff): Staff,
) -> ApiResult<Json<CannedList>> {
    let scopes = state.canned_scopes(&staff).await;
    let mut canned = Vec::new();
    for c in state.store().canned_of(&scopes).await? {
        canned.push(state.canned_view(&staff, &c).await?);
    }
    Ok(Json(CannedList { canned }))
}

#[utoipa::path(post, path = "/api/canned", tag = "staff", request_body = CannedBody,
    responses((status = 201, body = CannedView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "a scope I may not manage")))]
pub async fn create(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Json(body): Json<CannedBody>,
) -> ApiResult<(StatusCode, Json<CannedView>)> {
    let scope = scope_of(&staff, &body.scope)?;
    if !scope.managed_by(&staff) {
        return Err(ApiError::not_found());
    }
    let c = CannedMessage::new(
        crate::service::new_id(),
        scope,
        &body.title,
        &body.body,
        state.now(),
    )?;
    state.store().put_canned(&c).await?;
    Ok((
        StatusCode::CREATED,
        Json(state.canned_view(&staff, &c).await?),
    ))
}

/// The canned message, if `staff` may manage it; `not_found` otherwise.
async fn managed(
    state: &AppState,
    staff: &StaffPrincipal,
    id: CannedId,
) -> ApiResult<CannedMessage> {
    let c = state.store().canned(id).await?;
    if c.scope.managed_by(staff) {
        Ok(c)
    } else {
        Err(ApiError::not_found())
    }
}

#[utoipa::path(put, path = "/api/canned/{id}", tag = "staff", request_body = CannedBody,
    params(("id" = String, Path, description = "canned message id")),
    responses((status = 200, body = CannedView), (status = 400, body = ErrorBody, description = "a bad title or body, or another scope (a canned message never moves)"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<CannedId>,
    Json(body): Json<CannedBody>,
) -> ApiResult<Json<CannedView>> {
    let old = managed(&state, &staff, id).await?;
    if scope_of(&staff, &body.scope)? != old.scope {
        return Err(ApiError::invalid_body("a canned message keeps its scope"));
    }
    let c = CannedMessage::new(id, old.scope, &body.title, &body.body, state.now())?;
    state.store().put_canned(&c).await?;
    Ok(Json(state.canned_view(&staff, &c).await?))
}

#[utoipa::path(delete, path = "/api/canned/{id}", tag = "staff",
    params(("id" = String, Path, description = "canned message id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<CannedId>,
) -> ApiResult<StatusCode> {
    managed(&state, &staff, id).await?;
    state.store().delete_canned(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
