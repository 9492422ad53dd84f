//! HTML pages served by refdesk itself: the chat box page that runs inside the iframe (with a
//! per-widget `frame-ancestors` policy, so only the library's own sites may embed it), and the
//! demo library website of `refdesk demo`.

use super::Path;
use crate::assets;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use refdesk_core::WidgetId;

/// The iframe page of a chat box.
pub async fn chat_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id: WidgetId = id.parse().map_err(|_| ApiError::not_found())?;
    let widget = state.store().widget(id).await?;
    let Some(page) = assets::chat_page() else {
        return Ok((
            StatusCode::SERVICE_UNAVAILABLE,
            "refdesk was built without its web UI",
        )
            .into_response());
    };
    // refdesk's own pages (the demo library, the chat page opened on its own) and the
    // widget's listed origins, nothing else: a widget that lists none is embeddable only by
    // refdesk itself. Origins were validated when the widget was saved; spaces or semicolons
    // would break the header, so anything carrying them is dropped here as well.
    let ancestors = std::iter::once("'self'")
        .chain(
            widget
                .allowed_origins
                .iter()
                .map(String::as_str)
                .filter(|o| !o.contains([' ', ';', ',', '\''])),
        )
        .collect::<Vec<_>>()
        .join(" ");
    let csp = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
         connect-src 'self'; frame-ancestors {ancestors}; base-uri 'none'; object-src 'none'; form-action 'self'"
    );
    let mut resp = (StatusCode::OK, page).into_response();
    let h = resp.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&csp).map_err(ApiError::internal)?,
    );
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(resp)
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `/demo/`: the demo libraries.
pub async fn demo_index(State(state): State<AppState>) -> ApiResult<Html<String>> {
    let mut items = String::new();
    for slug in crate::demo::SLUGS {
        if let Ok(i) = state.store().institution_by_slug(slug).await {
            items.push_str(&format!(
                "<li><a href=\"/demo/{}\">{}</a></li>",
                escape_html(&i.slug),
                escape_html(i.name.as_str())
            ));
        }
    }
    Ok(Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>refdesk demo</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body><main>\
         <h1>refdesk demo</h1><p>Open a library's site to play the patron, and the \
         <a href=\"/dashboard/\">staff dashboard</a> in another window to play the librarian.</p>\
         <ul>{items}</ul></main></body></html>"
    )))
}

/// `/demo/{slug}` and `/demo/{slug}/{page}`: a small library website with the chat box.
pub async fn demo_library(
    State(state): State<AppState>,
    Path(path): Path<String>,
) -> ApiResult<Response> {
    let (slug, page) = path.split_once('/').unwrap_or((path.as_str(), ""));
    let institution = state.store().institution_by_slug(slug).await?;
    let widget = state
        .store()
        .widgets(institution.id)
        .await?
        .into_iter()
        .next()
        .ok_or_else(ApiError::not_found)?;
    let (title, body) = match page {
        "" => (
            "Home",
            format!(
                "Welcome to {}. Search the catalogue, renew your loans, or ask a librarian: the chat \
             button in the corner connects you with our reference staff.",
                institution.name
            ),
        ),
        "hours" => (
            "Hours",
            "Monday to Friday 9:00–20:00, Saturday 10:00–17:00, closed Sunday. \
             Chat with a librarian is staffed while we are open."
                .to_owned(),
        ),
        _ => return Err(ApiError::not_found()),
    };
    let Some(template) = assets::demo_page_template() else {
        return Ok((
            StatusCode::SERVICE_UNAVAILABLE,
            "refdesk was built without its web UI",
        )
            .into_response());
    };
    let html = template
        .replace("__LIBRARY_NAME__", &escape_html(institution.name.as_str()))
        .replace("__PAGE_TITLE__", &escape_html(title))
        .replace("__PAGE_BODY__", &escape_html(&body))
        .replace("__SLUG__", &escape_html(&institution.slug))
        .replace("__WIDGET_ID__", &widget.id.to_string());
    Ok(Html(html).into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::escape_html("<b a=\"x\">'&"),
            "&lt;b a=&quot;x&quot;&gt;&#39;&amp;"
        );
    }
}
