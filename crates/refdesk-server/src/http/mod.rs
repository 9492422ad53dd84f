//! REST handlers. Each is thin: extract (caller, state, body), call the service, map the result.

pub mod attachments;
pub mod auth;
pub mod canned;
pub mod chats;
pub mod conversations;
pub mod coops;
pub mod departments;
pub mod directory;
pub mod faq_page;
pub mod faqs;
pub mod health;
pub mod institutions;
mod json;
pub mod mail;
pub mod monitoring;
pub mod pages;
pub mod privacy_page;
pub mod ratings;
pub mod reports;
pub mod staff;
pub mod tags;
pub mod tickets;
pub mod totp;
pub mod transcripts;
pub mod transfers;
pub mod widgets;

pub use json::{Json, Path, Query};

/// A file to download: `bytes` as `content_type`, saved as `filename` (ASCII letters, digits,
/// `-`, `_` and `.`; anything else is dropped).
pub(crate) fn download(
    bytes: Vec<u8>,
    content_type: &'static str,
    filename: &str,
) -> crate::error::ApiResult<axum::response::Response> {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let name: String = filename
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            .map_err(crate::error::ApiError::internal)?,
    );
    Ok(resp)
}
