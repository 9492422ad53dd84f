//! The web UI built from `web/` (see `build.rs`): the chat box loader `widget.js`, the chat page
//! inside its iframe, the staff dashboard and the demo library website template. The files of
//! `web/dist` are embedded with rust-embed (read from disk in debug builds, so a front-end rebuild
//! needs no Rust rebuild). Every file gets an ETag from its SHA-256 and answers `If-None-Match`
//! with 304. Built with `REFDESK_SKIP_WEB_BUILD=1`, there is no `web/dist` and these routes say so.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Path;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use rust_embed::RustEmbed;
use std::borrow::Cow;

#[derive(RustEmbed)]
#[folder = "../../web/dist"]
#[allow_missing = true]
struct Dist;

/// The policy of the dashboard's HTML: only its own scripts, styles and connections, and it may
/// not be framed.
const DASHBOARD_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
    object-src 'none'";

const NOT_BUILT: &str = "refdesk was built without its web UI (REFDESK_SKIP_WEB_BUILD)";

/// How long browsers may keep a file without asking again.
#[derive(Debug, Clone, Copy)]
enum Caching {
    /// `widget.js`: library pages load it on every view, and a new version should reach them soon.
    Short,
    /// Everything else: revalidate every time (a 304 thanks to the ETag).
    Revalidate,
}

/// Routes for `/widget.js`, `/dashboard/…` and `/assets/…`.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/widget.js", get(|h: HeaderMap| async move { serve("widget.js", &h, Caching::Short) }))
        .route("/dashboard", get(|| async { Redirect::permanent("/dashboard/") }))
        .route(
            "/dashboard/",
            get(|h: HeaderMap| async move { serve("dashboard/index.html", &h, Caching::Revalidate) }),
        )
        .route(
            "/dashboard/{*path}",
            get(|Path(path): Path<String>, h: HeaderMap| async move {
                serve_path("dashboard/", &path, &h)
            }),
        )
        .route(
            "/assets/{*path}",
            get(|Path(path): Path<String>, h: HeaderMap| async move { serve_path("", &path, &h) }),
        )
}

/// The chat page of the widget's iframe (served per widget at `/chat/{widget_id}`).
pub fn chat_page() -> Option<Bytes> {
    Dist::get("chat.html").map(|f| bytes(f.data))
}

/// The demo library page, with `__LIBRARY_NAME__`, `__PAGE_TITLE__`, `__PAGE_BODY__`, `__SLUG__`
/// and `__WIDGET_ID__` to fill in.
pub fn demo_page_template() -> Option<String> {
    Dist::get("demo/library.html").map(|f| String::from_utf8_lossy(&f.data).into_owned())
}

/// Whether the web UI was built into (or, in debug builds, is on disk for) this binary.
pub fn built() -> bool {
    Dist::get("sizes.json").is_some()
}

fn bytes(data: Cow<'static, [u8]>) -> Bytes {
    match data {
        Cow::Borrowed(b) => Bytes::from_static(b),
        Cow::Owned(v) => Bytes::from(v),
    }
}

/// Serves `prefix + path` after refusing anything that could step outside `web/dist`.
fn serve_path(prefix: &str, path: &str, headers: &HeaderMap) -> Response {
    let safe = !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains('\0')
        && path
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..");
    if !safe {
        return not_found();
    }
    serve(&format!("{prefix}{path}"), headers, Caching::Revalidate)
}

fn serve(name: &str, headers: &HeaderMap, caching: Caching) -> Response {
    let Some(file) = Dist::get(name) else {
        return if built() { not_found() } else { not_built() };
    };
    let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()));
    let mut resp = if matches(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Body::from(bytes(file.data)).into_response();
        if let Ok(v) = HeaderValue::from_str(file.metadata.mimetype()) {
            r.headers_mut().insert(CONTENT_TYPE, v);
        }
        r
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(ETAG, v);
    }
    h.insert(
        CACHE_CONTROL,
        HeaderValue::from_static(match caching {
            Caching::Short => "public, max-age=300",
            Caching::Revalidate => "no-cache",
        }),
    );
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if name.starts_with("dashboard/") && name.ends_with(".html") {
        h.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DASHBOARD_CSP),
        );
        h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    resp
}

/// `If-None-Match`: a list of ETags (weak ones compare equal too) or `*`.
fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t.trim_start_matches("W/") == etag)
        })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(X_CONTENT_TYPE_OPTIONS, "nosniff")],
        "not found",
    )
        .into_response()
}

fn not_built() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(CACHE_CONTROL, "no-store")],
        NOT_BUILT,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;
    use tower::ServiceExt;

    async fn get(path: &str, if_none_match: Option<&str>) -> Response {
        let mut req = Request::get(path);
        if let Some(t) = if_none_match {
            req = req.header(IF_NONE_MATCH, t);
        }
        router::<()>()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn serves_the_built_ui_or_says_it_is_missing() {
        let widget = get("/widget.js", None).await;
        if !built() {
            assert_eq!(widget.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert!(chat_page().is_none());
            return;
        }
        assert_eq!(widget.status(), StatusCode::OK);
        assert_eq!(widget.headers()[CACHE_CONTROL], "public, max-age=300");
        assert!(
            widget.headers()[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .contains("javascript")
        );
        let etag = widget.headers()[ETAG].to_str().unwrap().to_owned();
        assert_eq!(
            get("/widget.js", Some(&etag)).await.status(),
            StatusCode::NOT_MODIFIED
        );
        assert_eq!(
            get("/widget.js", Some("\"other\"")).await.status(),
            StatusCode::OK
        );

        let dash = get("/dashboard/", None).await;
        assert_eq!(dash.status(), StatusCode::OK);
        assert_eq!(dash.headers()[CONTENT_SECURITY_POLICY], DASHBOARD_CSP);
        assert_eq!(dash.headers()[X_FRAME_OPTIONS], "DENY");
        assert_eq!(
            get("/dashboard", None).await.status(),
            StatusCode::PERMANENT_REDIRECT
        );
        assert_eq!(
            get("/dashboard/app.js", None).await.status(),
            StatusCode::OK
        );
        assert_eq!(
            get("/assets/chat/chat.js", None).await.status(),
            StatusCode::OK
        );

        assert!(chat_page().is_some());
        let demo = demo_page_template().unwrap();
        for placeholder in [
            "__LIBRARY_NAME__",
            "__PAGE_TITLE__",
            "__PAGE_BODY__",
            "__WIDGET_ID__",
            "__SLUG__",
        ] {
            assert!(demo.contains(placeholder), "{placeholder}");
        }
    }

    #[tokio::test]
    async fn refuses_paths_outside_dist() {
        for path in [
            "/assets/../Cargo.toml",
            "/assets/chat/../../build.mjs",
            "/assets/nope.js",
            "/assets/a//b",
        ] {
            let status = get(path, None).await.status();
            assert!(
                status == StatusCode::NOT_FOUND || status == StatusCode::SERVICE_UNAVAILABLE,
                "{path}: {status}"
            );
        }
    }
}
