//! The HTML site: one module per page family, each with its handlers and page structs.

pub mod about;
pub mod agreements;
pub mod api_docs;
pub mod assets;
pub mod caching;
pub mod changes;
pub mod charts;
pub mod cite;
pub mod events;
pub mod head;
pub mod links;
pub mod network;
pub mod officials;
pub mod organizations;
pub mod page_cache;
pub mod pages;
pub mod search;
pub mod security;
pub mod sources;
pub mod timeline;
pub mod topics;
pub mod views;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use crate::error::Error;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(timeline::show))
        .route("/events/{slug}", get(events::show))
        .route("/officials", get(officials::index))
        .route("/officials/{slug}", get(officials::show))
        .route("/network", get(network::show))
        .route("/topics", get(topics::index))
        .route("/topics/{slug}", get(topics::show))
        .route("/organizations", get(organizations::index))
        .route("/organizations/{slug}", get(organizations::show))
        .route("/agreements", get(agreements::index))
        .route("/agreements/{slug}", get(agreements::show))
        .route("/changes", get(changes::index))
        .route("/search", get(search::show))
        .route("/sources", get(sources::index))
        .route("/sources/{slug}", get(sources::show))
        .route("/about", get(about::show))
        .route("/api", get(api_docs::show))
        .route("/healthz", get(healthz))
        .route("/robots.txt", get(robots))
        .route("/static/{*path}", get(assets::serve))
        .fallback(not_found)
}

/// 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match crate::db::ping(&state.db).await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

/// Every page is public and meant to be found.
async fn robots() -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        "User-agent: *\nAllow: /\n",
    )
}

async fn not_found() -> Error {
    Error::NotFound
}
