//! Every route of refdesk, in one place.

use crate::http::{
    attachments, auth, canned, chats, conversations, coops, departments, directory, faq_page, faqs,
    health, institutions, mail, monitoring, pages, privacy_page, ratings, reports, staff, tags,
    tickets, totp, transcripts, transfers, widgets,
};
use crate::state::AppState;
use crate::{assets, ws};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "refdesk", description = "Virtual reference chat for libraries and library co-ops. \
        The WebSocket protocol at /ws is described in docs/API.md."),
    tags((name = "auth", description = "Staff sign-in"), (name = "patron", description = "The chat box"),
         (name = "staff", description = "The dashboard"),
         (name = "admin", description = "Managing institutions and co-ops"), (name = "operations", description = "For system admins"))
)]
struct ApiDoc;

fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::change_password))
        .routes(routes!(totp::get))
        .routes(routes!(totp::setup))
        .routes(routes!(totp::enable))
        .routes(routes!(totp::disable))
        .routes(routes!(auth::me))
        .routes(routes!(widgets::widget))
        .routes(routes!(chats::start, chats::list))
        .routes(routes!(chats::end))
        .routes(routes!(chats::preview, chats::delete))
        .routes(routes!(chats::today))
        .routes(routes!(chats::claim))
        .routes(routes!(chats::outbound))
        .routes(routes!(chats::close))
        .routes(routes!(chats::history))
        .routes(routes!(ratings::get, ratings::rate))
        .routes(routes!(attachments::send))
        .routes(routes!(attachments::get))
        .routes(routes!(mail::transcript))
        .routes(routes!(mail::list))
        .routes(routes!(mail::retry))
        .routes(routes!(
            mail::template,
            mail::set_template,
            mail::reset_template
        ))
        .routes(routes!(mail::inbound))
        .routes(routes!(tickets::form))
        .routes(routes!(tickets::create))
        .routes(routes!(tickets::offline))
        .routes(routes!(tickets::list))
        .routes(routes!(tickets::get, tickets::update))
        .routes(routes!(tickets::note))
        .routes(routes!(tickets::reply))
        .routes(routes!(transfers::targets))
        .routes(routes!(transfers::offer))
        .routes(routes!(transfers::leave))
        .routes(routes!(transfers::pending))
        .routes(routes!(transfers::preview))
        .routes(routes!(transfers::accept))
        .routes(routes!(transfers::decline))
        .routes(routes!(transfers::cancel))
        .routes(routes!(tags::list, tags::add))
        .routes(routes!(tags::remove))
        .routes(routes!(tags::suggest))
        .routes(routes!(canned::list, canned::create))
        .routes(routes!(canned::update, canned::delete))
        .routes(routes!(faqs::list, faqs::create))
        .routes(routes!(faqs::get, faqs::update, faqs::delete))
        .routes(routes!(faqs::export))
        .routes(routes!(faqs::import))
        .routes(routes!(faqs::of_chat))
        .routes(routes!(faqs::suggest))
        .routes(routes!(conversations::open, conversations::list))
        .routes(routes!(conversations::history))
        .routes(routes!(conversations::open_room))
        .routes(routes!(conversations::invite))
        .routes(routes!(monitoring::mine, monitoring::switch))
        .routes(routes!(monitoring::coop_status))
        .routes(routes!(monitoring::librarians))
        .routes(routes!(institutions::policy, institutions::set_policy))
        .routes(routes!(reports::institution_chats))
        .routes(routes!(reports::institution_board))
        .routes(routes!(reports::coop_board))
        .routes(routes!(reports::coop_accounting))
        .routes(routes!(transcripts::search))
        .routes(routes!(transcripts::view))
        .routes(routes!(transcripts::export))
        .routes(routes!(transcripts::audit))
        .routes(routes!(departments::list, departments::create))
        .routes(routes!(departments::delete))
        .routes(routes!(staff::list, staff::create))
        .routes(routes!(staff::set_role))
        .routes(routes!(staff::set_coop_access))
        .routes(routes!(
            directory::institutions,
            directory::create_institution
        ))
        .routes(routes!(directory::coops, directory::create_coop))
        .routes(routes!(widgets::list, widgets::create))
        .routes(routes!(widgets::update))
        .routes(routes!(coops::of_institution))
        .routes(routes!(coops::members, coops::add_member))
        .routes(routes!(coops::remove_member))
        .routes(routes!(coops::monitors))
        .routes(routes!(coops::set_monitor))
        .routes(routes!(coops::set_hours))
        .routes(routes!(health::healthz))
}

/// The OpenAPI document of the REST API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().into_openapi()
}

/// The application: API, WebSocket, chat box page, web assets.
pub fn router(state: AppState) -> Router {
    let (api, doc) = api().split_for_parts();
    let doc = std::sync::Arc::new(doc);
    api.route(
        "/api/openapi.json",
        get(move || {
            let d = doc.clone();
            async move { axum::Json((*d).clone()) }
        }),
    )
    .route(
        "/",
        get(|| async { axum::response::Redirect::temporary("/dashboard/") }),
    )
    .route("/metrics", get(health::metrics))
    .route("/ws", get(ws::upgrade))
    .route("/chat/{widget_id}", get(pages::chat_page))
    .route("/faq/{slug}", get(faq_page::page))
    .route("/privacy/{slug}", get(privacy_page::page))
    .merge(assets::router())
    .fallback(not_found)
    .method_not_allowed_fallback(method_not_allowed)
    .layer(axum::middleware::from_fn(security_headers))
    .layer(DefaultBodyLimit::max(64 * 1024))
    // Every request gets an id (its own `X-Request-Id`, or a fresh UUID), which the log lines
    // of its handling carry and its response returns, so a reported error is found in the log.
    .layer(
        tower::ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(request_span))
            .layer(PropagateRequestIdLayer::x_request_id()),
    )
    .with_state(state)
}

/// The `request` span of a request: every log line written while it is handled carries its
/// id (see `router`).
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!("request", id = %id, method = %req.method(), path = req.uri().path())
}

async fn not_found() -> crate::error::ApiError {
    crate::error::ApiError::not_found()
}

async fn method_not_allowed() -> crate::error::ApiError {
    crate::error::ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this path does not take this method",
    )
}

/// Headers every response carries: no content sniffing, no referrer beyond the origin, and no
/// caching of API answers (they are personal).
async fn security_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let api = req.uri().path().starts_with("/api/");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    if api {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// The application plus the demo library website of `refdesk demo`.
pub fn demo_router(state: AppState) -> Router {
    let demo = Router::new()
        .route(
            "/demo",
            get(|| async { axum::response::Redirect::permanent("/demo/") }),
        )
        .route("/demo/", get(pages::demo_index))
        .route("/demo/{*path}", get(pages::demo_library))
        .with_state(state.clone());
    router(state).merge(demo)
}
