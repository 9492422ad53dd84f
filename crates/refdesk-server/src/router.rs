//! Every route of refdesk, in one place.

use crate::http::{auth, chats, health, pages, widgets};
use crate::state::AppState;
use crate::{assets, ws};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "refdesk", description = "Virtual reference chat for libraries and library co-ops. \
        The WebSocket protocol at /ws is described in docs/API.md."),
    tags((name = "auth", description = "Staff sign-in"), (name = "patron", description = "The chat box"),
         (name = "staff", description = "The dashboard"), (name = "operations", description = "For system admins"))
)]
struct ApiDoc;

fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(widgets::widget))
        .routes(routes!(chats::start, chats::list))
        .routes(routes!(chats::end))
        .routes(routes!(chats::preview))
        .routes(routes!(chats::claim))
        .routes(routes!(chats::close))
        .routes(routes!(chats::history))
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
    .route("/metrics", get(health::metrics))
    .route("/ws", get(ws::upgrade))
    .route("/chat/{widget_id}", get(pages::chat_page))
    .merge(assets::router())
    .layer(DefaultBodyLimit::max(64 * 1024))
    .with_state(state)
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
