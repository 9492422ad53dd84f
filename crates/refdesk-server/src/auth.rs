//! Credentials: Argon2id password hashes, bearer tokens (staff sessions and patron guest tokens)
//! stored only as SHA-256 hashes, and the extractors that turn a request into a `Principal`.

use crate::error::ApiError;
use crate::state::AppState;
use argon2::{Argon2, PasswordHasher};
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use refdesk_core::{CoopId, Grant, Guest, StaffPrincipal, User};
use refdesk_store::{StoreError, TokenHash};
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "refdesk_session";

/// Hashes a password with Argon2id (a fresh random salt, PHC string). Slow on purpose: call it
/// from `spawn_blocking`.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    verify_password_in(&mut Vec::new(), password, hash)
}

/// [`verify_password`] with Argon2's working memory (~19 MiB) in `memory`, grown to the hash's
/// memory cost if needed and kept by the caller for the next check: a thread that checks
/// passwords all day holds one such buffer instead of asking the allocator for a fresh one
/// every time (which left the process a few hundred megabytes larger after a burst of checks).
pub fn verify_password_in(memory: &mut Vec<argon2::Block>, password: &str, hash: &str) -> bool {
    use argon2::password_hash::phc::Output;
    use argon2::{Algorithm, Params, PasswordHash, Version};
    let Ok(hash) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(hash.algorithm.as_str()),
        Params::try_from(&hash),
    ) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, argon2::Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params);
    if argon
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..blocks])
        .is_err()
    {
        return false;
    }
    // `Output`'s equality is constant-time.
    Output::new(&out).is_ok_and(|computed| computed == *expected)
}

/// A new random bearer token (256 bits, base64url) and the hash to store.
pub fn new_token() -> (String, TokenHash) {
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let token = URL_SAFE_NO_PAD.encode(raw);
    let hash = hash_token(&token);
    (token, hash)
}

pub fn hash_token(token: &str) -> TokenHash {
    TokenHash(Sha256::digest(token.as_bytes()).into())
}

pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_owned())
}

pub fn bearer_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_owned())
}

/// Whether a browser request's `Origin` (if any) is this server itself or an allowed origin.
/// Requests without `Origin` come from non-browser clients and cannot be forged cross-site.
/// "This server" is the configured `public_url` when there is one; only without it is the
/// request's own `Host` header taken as the server's name.
pub fn origin_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers
        .get(axum::http::header::ORIGIN)
        .and_then(|o| o.to_str().ok())
    else {
        return true;
    };
    let public = origin_of(&state.settings().public_url);
    let own = if public.is_empty() {
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            .is_some_and(|rest| rest == host)
    } else {
        origin.eq_ignore_ascii_case(public)
    };
    own || state.settings().allowed_origins.iter().any(|o| o == origin)
}

/// The origin part (`scheme://host[:port]`) of a URL such as `public_url`: a path or trailing
/// slash is not part of what a browser sends as `Origin`.
fn origin_of(url: &str) -> &str {
    let host = url.find("://").map_or(0, |i| i + 3);
    match url[host..].find('/') {
        Some(slash) => &url[..host + slash],
        None => url,
    }
}

/// Looks up the staff member of a session token, with their grants evaluated now.
pub async fn staff_of_session(state: &AppState, token: &str) -> Result<StaffPrincipal, ApiError> {
    let hash = hash_token(token);
    match state
        .store()
        .session_user(&hash, state.now(), state.idle_since())
        .await
    {
        Ok(user) => {
            state.session_used(hash).await;
            staff_principal(state, user).await
        }
        Err(StoreError::NotFound) => Err(ApiError::unauthenticated()),
        Err(e) => Err(e.into()),
    }
}

/// A staff member's rights: their account's grants, their stored grants, the members of the
/// co-ops those name, and which co-ops they are monitoring now.
pub async fn staff_principal(state: &AppState, user: User) -> Result<StaffPrincipal, ApiError> {
    let grants = state.store().grants_of(user.id).await?;
    let monitoring: Vec<CoopId> = state
        .store()
        .monitoring_of(user.id)
        .await?
        .iter()
        .filter_map(|m| m.scope.coop())
        .collect();
    let coops: Vec<CoopId> = grants
        .iter()
        .filter_map(|g| match g {
            Grant::MonitorCoop(c) | Grant::CoopAdmin(c) => Some(*c),
            _ => None,
        })
        .collect();
    let members = state.store().coop_members(&coops).await?;
    Ok(StaffPrincipal::evaluate(
        user,
        &grants,
        &members,
        &monitoring,
    ))
}

/// The guest of a chat box's token, while it is younger than `guest_token_hours`: a token left
/// on a shared computer stops working on its own.
pub async fn guest_of_token(state: &AppState, token: &str) -> Result<Guest, ApiError> {
    match state.store().guest_by_token(&hash_token(token)).await {
        Ok(g) => {
            let lifetime = time::Duration::hours(i64::from(state.settings().guest_token_hours));
            if state.now() - g.created_at > lifetime {
                return Err(ApiError::unauthenticated());
            }
            Ok(g)
        }
        Err(StoreError::NotFound) => Err(ApiError::unauthenticated()),
        Err(e) => Err(e.into()),
    }
}

/// A signed-in staff member (session cookie). State-changing requests must also pass the
/// origin check, which is what stops cross-site request forgery.
#[derive(Debug, Clone)]
pub struct Staff(pub StaffPrincipal);

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = session_token(&parts.headers).ok_or_else(ApiError::unauthenticated)?;
        if parts.method != Method::GET && !origin_allowed(state, &parts.headers) {
            return Err(ApiError::bad_origin());
        }
        staff_of_session(state, &token).await.map(Staff)
    }
}

/// A patron, by the guest token in `Authorization: Bearer`.
#[derive(Debug, Clone)]
pub struct Patron(pub Guest);

impl FromRequestParts<AppState> for Patron {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(&parts.headers).ok_or_else(ApiError::unauthenticated)?;
        guest_of_token(state, &token).await.map(Patron)
    }
}

/// Staff or patron, whichever credential the request carries. A guest token wins over a session
/// cookie: the chat box runs on refdesk's own origin, so a librarian trying the chat box in the
/// browser they are signed in with sends both, and must see what a patron sees.
#[derive(Debug, Clone)]
pub struct Caller(pub refdesk_core::Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if bearer_token(&parts.headers).is_some() {
            let Patron(g) = Patron::from_request_parts(parts, state).await?;
            return Ok(Caller(refdesk_core::Principal::Patron { guest_id: g.id }));
        }
        let Staff(s) = Staff::from_request_parts(parts, state).await?;
        Ok(Caller(refdesk_core::Principal::Staff(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
    }

    #[test]
    fn one_reused_buffer_checks_hashes_of_any_cost() {
        // A hash made elsewhere with other costs (argon2i, 4 MiB, 2 passes), then the default.
        let small = argon2::Argon2::new(
            argon2::Algorithm::Argon2i,
            argon2::Version::V0x13,
            argon2::Params::new(4096, 2, 1, None).unwrap(),
        )
        .hash_password(b"correct horse")
        .unwrap()
        .to_string();
        let default = hash_password("correct horse").unwrap();
        let mut memory = Vec::new();
        for h in [&small, &default, &small] {
            assert!(verify_password_in(&mut memory, "correct horse", h), "{h}");
            assert!(!verify_password_in(&mut memory, "correct horsE", h), "{h}");
        }
        assert_eq!(
            memory.len(),
            19 * 1024,
            "grown once, to the largest cost, and kept"
        );
        assert!(!verify_password_in(&mut memory, "x", "not a hash"));
        assert!(!verify_password_in(
            &mut memory,
            "x",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA"
        ));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, ha) = new_token();
        let (b, hb) = new_token();
        assert_ne!(a, b);
        assert_ne!(ha, hb);
        assert_eq!(hash_token(&a), ha);
        assert_eq!(a.len(), 43);
    }

    #[test]
    fn cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, "a=1; refdesk_session=tok; b=2".parse().unwrap());
        assert_eq!(session_token(&h).as_deref(), Some("tok"));
    }
}
