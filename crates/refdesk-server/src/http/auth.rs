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
use refdesk_core::{Email, Timer, TimerKey, TimerKind, TimerOp};
use refdesk_protocol::{ErrorBody, LoginRequest, LoginResponse, UserView};
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
    let password = req.password;
    // Each check holds Argon2id's memory while it runs: only so many at once, on threads of
    // their own (see `passwords`).
    let ok = state
        .limits()
        .password_checks
        .verify(password, hash.unwrap_or_else(dummy_hash))
        .await
        .map_err(|e| match e {
            crate::passwords::CheckFailed::Busy => ApiError::rate_limited(1),
            crate::passwords::CheckFailed::Stopped => ApiError::internal(e),
        })?;
    let known = record.as_ref().map(|r| r.user.id.to_string());
    let Some(record) = record.filter(|_| ok) else {
        // Logged without the password, and without the address typed (it may be a password
        // typed into the wrong box): the account if there is one, and where from.
        tracing::warn!(user.id = known, client.ip = %peer.ip(), "sign-in failed");
        return Err(invalid());
    };
    let (token, hash) = new_token();
    let t = state.now();
    let hours = state.settings().session_hours;
    let expires_at = t + Duration::hours(i64::from(hours));
    state
        .store()
        .create_session(&SessionRecord {
            token: hash,
            user_id: record.user.id,
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
    tracing::info!(user.id = %record.user.id, "staff signed in");
    // Each sign-in starts as local monitoring on, co-op monitoring off.
    let staff = crate::auth::staff_principal(&state, record.user.clone()).await?;
    state.start_monitoring(&staff).await?;
    let secure = if state.settings().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{secure}",
        u64::from(hours) * 3600
    );
    Ok((
        AppendHeaders([(SET_COOKIE, cookie)]),
        Json(LoginResponse {
            user: UserView::from(&record.user),
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
