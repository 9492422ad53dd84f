//! Staff sign-in and sign-out.

use super::Json;
use crate::auth::{SESSION_COOKIE, Staff, hash_token, new_token, session_token};
use crate::error::{ApiError, ApiResult};
use crate::events::Event;
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse};
use refdesk_core::{Email, Timer, TimerKey, TimerKind, TimerOp, UserId};
use refdesk_protocol::{ErrorBody, LoginRequest, LoginResponse, PasswordChangeRequest, UserView};
use refdesk_store::{SessionRecord, StoreError};
use std::net::SocketAddr;
use time::Duration;

/// A real hash of a random password, verified when the email is unknown so that both failures
/// take the same time and an unknown address cannot be told from a wrong password.
fn dummy_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        crate::auth::hash_password(&crate::auth::new_token().0).expect("hashing works")
    })
    .clone()
}

#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 400, body = ErrorBody),
              (status = 429, body = ErrorBody, description = "too many attempts; see Retry-After")))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(req): Json<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    if !crate::auth::origin_allowed(&state, &headers) {
        return Err(ApiError::bad_origin());
    }
    state
        .limits()
        .login(&req.email, peer.ip())
        .inspect_err(|_| {
            tracing::warn!(client.ip = %peer.ip(), "sign-in refused: too many attempts");
        })?;
    let invalid = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "wrong email or password",
        )
    };
    let record = match Email::parse(&req.email) {
        Ok(email) => match state.store().user_by_email(&email).await {
            Ok(r) => Some(r),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        Err(_) => None,
    };
    let hash = record.as_ref().map(|r| r.password_hash.clone());
    let ok = verify_password(&state, req.password, hash.unwrap_or_else(dummy_hash)).await?;
    let known = record.as_ref().map(|r| r.user.id.to_string());
    let Some(record) = record.filter(|_| ok) else {
        // Logged without the password, and without the address typed (it may be a password
        // typed into the wrong box): the account if there is one, and where from.
        tracing::warn!(user.id = known, client.ip = %peer.ip(), "sign-in failed");
        return Err(invalid());
    };
    second_factor(&state, record.user.id, req.totp_code.as_deref()).await?;
    let cookie = start_session(&state, record.user.id).await?;
    tracing::info!(user.id = %record.user.id, "staff signed in");
    // Each sign-in starts as local monitoring on, co-op monitoring off.
    let staff = crate::auth::staff_principal(&state, record.user.clone()).await?;
    state.start_monitoring(&staff).await?;
    Ok((
        AppendHeaders([(SET_COOKIE, cookie)]),
        Json(LoginResponse {
            user: UserView::from(&record.user),
        }),
    ))
}

/// With two-step sign-in on, the code from the authenticator app must be given and right, and
/// its time step not used before (`401 totp_required`, `401 invalid_totp`).
async fn second_factor(state: &AppState, user: UserId, code: Option<&str>) -> ApiResult<()> {
    let Some(secret) = state.store().totp_of(user).await?.secret else {
        return Ok(());
    };
    let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "totp_required",
            "enter the 6-digit code from your authenticator app",
        ));
    };
    let unix = u64::try_from(state.now().unix_timestamp()).unwrap_or(0);
    match crate::totp::matching_step(&secret, code, unix) {
        Some(step) if state.store().use_totp_step(user, step).await? => Ok(()),
        _ => {
            tracing::warn!(user.id = %user, "sign-in refused: wrong or reused one-time code");
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_totp",
                "that code is wrong or was used already: wait for the next one",
            ))
        }
    }
}

/// Whether `password` matches `hash`. Each check holds Argon2id's memory while it runs: only
/// so many at once, on threads of their own (see `passwords`); a full queue is `429`.
async fn verify_password(state: &AppState, password: String, hash: String) -> ApiResult<bool> {
    state
        .limits()
        .password_checks
        .verify(password, hash)
        .await
        .map_err(|e| match e {
            crate::passwords::CheckFailed::Busy => ApiError::rate_limited(1),
            crate::passwords::CheckFailed::Stopped => ApiError::internal(e),
        })
}

/// Checks the signed-in person's current password again (for a password change, or setting
/// two-step sign-in up or off), rate-limited as a sign-in; `403 wrong_password`.
pub(super) async fn check_current_password(
    state: &AppState,
    user: &refdesk_core::User,
    password: String,
    peer: SocketAddr,
) -> ApiResult<()> {
    state.limits().login(user.email.as_str(), peer.ip())?;
    let record = state.store().user_by_email(&user.email).await?;
    if verify_password(state, password, record.password_hash).await? {
        return Ok(());
    }
    tracing::warn!(user.id = %user.id, client.ip = %peer.ip(), "refused: wrong current password");
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "wrong_password",
        "the current password is wrong",
    ))
}

/// Stores a new session for `user` (a new token every time: at sign-in and after a password
/// change) with the timer that ends its sockets when it expires; returns its cookie.
async fn start_session(state: &AppState, user: UserId) -> ApiResult<String> {
    let (token, hash) = new_token();
    let t = state.now();
    let hours = state.settings().session_hours;
    let expires_at = t + Duration::hours(i64::from(hours));
    state
        .store()
        .create_session(&SessionRecord {
            token: hash,
            user_id: user,
            created_at: t,
            expires_at,
        })
        .await?;
    // When the session expires, its open sockets lose their rights at once.
    state
        .store()
        .set_timers(&[TimerOp::Set(Timer {
            key: session_timer(&hash),
            due_at: expires_at,
            version: 0,
        })])
        .await?;
    let secure = if state.settings().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    Ok(format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{secure}",
        u64::from(hours) * 3600
    ))
}

#[utoipa::path(post, path = "/api/auth/password", tag = "auth", request_body = PasswordChangeRequest,
    responses((status = 200, body = LoginResponse, description = "changed; every session of the account ended, and a new one started for this browser (Set-Cookie)"),
              (status = 400, body = ErrorBody, description = "the new password is too short or too easy to guess"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "`wrong_password`: the current password is wrong"),
              (status = 429, body = ErrorBody, description = "too many attempts; see Retry-After")))]
/// A staff member changes their own password: the current one is checked (rate-limited as a
/// sign-in), the new one must pass the password policy, and every session of the account (on
/// every device, with its sockets) ends; this browser gets a new session.
pub async fn change_password(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Staff(staff): Staff,
    headers: HeaderMap,
    Json(req): Json<PasswordChangeRequest>,
) -> ApiResult<impl IntoResponse> {
    if !crate::auth::origin_allowed(&state, &headers) {
        return Err(ApiError::bad_origin());
    }
    let user = staff.user.clone();
    check_current_password(&state, &user, req.current_password, peer).await?;
    let hash = crate::admin::new_password_hash(
        req.new_password,
        &[user.email.as_str(), user.name.as_str()],
    )
    .await?;
    let ended = state.store().change_password(user.id, &hash).await?;
    let timers: Vec<TimerOp> = ended
        .iter()
        .map(|h| TimerOp::Cancel(session_timer(h)))
        .collect();
    state.store().set_timers(&timers).await?;
    // Every socket of every ended session, on every node, closes now.
    for h in &ended {
        state
            .publish(Event::SessionEnded { session: h.key() })
            .await;
    }
    let cookie = start_session(&state, user.id).await?;
    tracing::info!(user.id = %user.id, sessions_ended = ended.len(), "staff password changed");
    Ok((
        AppendHeaders([(SET_COOKIE, cookie)]),
        Json(LoginResponse {
            user: UserView::from(&user),
        }),
    ))
}

/// The timer that ends a session's sockets when it expires.
fn session_timer(hash: &refdesk_store::TokenHash) -> TimerKey {
    TimerKey {
        kind: TimerKind::SessionExpiry,
        subject: hash.key(),
    }
}

#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    if let Some(token) = session_token(&headers) {
        let hash = hash_token(&token);
        state.store().delete_session(&hash).await?;
        state
            .store()
            .set_timers(&[TimerOp::Cancel(session_timer(&hash))])
            .await?;
        // Every socket of this session, on every node, closes now.
        state
            .publish(Event::SessionEnded {
                session: hash.key(),
            })
            .await;
        state.stop_monitoring(&staff.0).await?;
        tracing::info!(user.id = %staff.0.id(), "staff signed out");
    }
    let cookie = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([(SET_COOKIE, cookie)]),
    ))
}

#[utoipa::path(get, path = "/api/me", tag = "auth",
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody)))]
pub async fn me(Staff(staff): Staff) -> Json<LoginResponse> {
    Json(LoginResponse {
        user: UserView::from(&staff.user),
    })
}
