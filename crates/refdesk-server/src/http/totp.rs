//! Two-step sign-in for one's own account: set it up (the current password again; a new secret
//! offered as a QR code), turn it on with the first code from the app, or turn it off (the
//! current password again). Sign-in then asks for a code (`http::auth`).

use super::Json;
use super::auth::check_current_password;
use crate::auth::{Staff, origin_allowed};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use refdesk_protocol::{CurrentPassword, ErrorBody, TotpCode, TotpEnrolment, TotpStatus};
use refdesk_store::TotpState;
use std::net::SocketAddr;

fn status(t: &TotpState) -> TotpStatus {
    TotpStatus {
        enabled: t.secret.is_some(),
        setting_up: t.pending.is_some(),
    }
}

#[utoipa::path(get, path = "/api/auth/totp", tag = "auth",
    responses((status = 200, body = TotpStatus), (status = 401, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Staff(staff): Staff,
) -> ApiResult<Json<TotpStatus>> {
    Ok(Json(status(&state.store().totp_of(staff.id()).await?)))
}

#[utoipa::path(post, path = "/api/auth/totp/setup", tag = "auth", request_body = CurrentPassword,
    responses((status = 200, body = TotpEnrolment, description = "a new secret, waiting for its first code (two-step sign-in already on stays on until then)"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "`wrong_password`, or `bad_origin`"),
              (status = 429, body = ErrorBody)))]
pub async fn setup(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Staff(staff): Staff,
    headers: HeaderMap,
    Json(req): Json<CurrentPassword>,
) -> ApiResult<Json<TotpEnrolment>> {
    if !origin_allowed(&state, &headers) {
        return Err(ApiError::bad_origin());
    }
    check_current_password(&state, &staff.user, req.current_password, peer).await?;
    let secret = crate::totp::new_secret();
    let (otpauth_url, qr_svg) = crate::totp::enrolment(&secret, staff.user.email.as_str())
        .ok_or_else(|| ApiError::internal("the one-time code setup could not be made"))?;
    let now = state.store().totp_of(staff.id()).await?;
    state
        .store()
        .set_totp(
            staff.id(),
            &TotpState {
                secret: now.secret,
                pending: Some(secret.clone()),
            },
        )
        .await?;
    Ok(Json(TotpEnrolment {
        secret,
        otpauth_url,
        qr_svg,
    }))
}

#[utoipa::path(post, path = "/api/auth/totp/enable", tag = "auth", request_body = TotpCode,
    responses((status = 200, body = TotpStatus, description = "on: every later sign-in asks for a code"),
              (status = 400, body = ErrorBody, description = "`invalid_totp`: the code is not the app's current one"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "`not_setting_up`: no setup is waiting")))]
pub async fn enable(
    State(state): State<AppState>,
    Staff(staff): Staff,
    headers: HeaderMap,
    Json(req): Json<TotpCode>,
) -> ApiResult<Json<TotpStatus>> {
    if !origin_allowed(&state, &headers) {
        return Err(ApiError::bad_origin());
    }
    let Some(pending) = state.store().totp_of(staff.id()).await?.pending else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_setting_up",
            "set up two-step sign-in first",
        ));
    };
    let unix = u64::try_from(state.now().unix_timestamp()).unwrap_or(0);
    let Some(step) = crate::totp::matching_step(&pending, &req.code, unix) else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_totp",
            "that is not the code your app shows now",
        ));
    };
    let on = TotpState {
        secret: Some(pending),
        pending: None,
    };
    state.store().set_totp(staff.id(), &on).await?;
    // The code just typed may not sign anyone in again.
    state.store().use_totp_step(staff.id(), step).await?;
    tracing::info!(user.id = %staff.id(), "two-step sign-in turned on");
    Ok(Json(status(&on)))
}

#[utoipa::path(post, path = "/api/auth/totp/disable", tag = "auth", request_body = CurrentPassword,
    responses((status = 200, body = TotpStatus), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "`wrong_password`, or `bad_origin`"),
              (status = 429, body = ErrorBody)))]
pub async fn disable(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Staff(staff): Staff,
    headers: HeaderMap,
    Json(req): Json<CurrentPassword>,
) -> ApiResult<Json<TotpStatus>> {
    if !origin_allowed(&state, &headers) {
        return Err(ApiError::bad_origin());
    }
    check_current_password(&state, &staff.user, req.current_password, peer).await?;
    let off = TotpState::default();
    state.store().set_totp(staff.id(), &off).await?;
    tracing::info!(user.id = %staff.id(), "two-step sign-in turned off");
    Ok(Json(status(&off)))
}
