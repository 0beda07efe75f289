//! The HTML site: one module per page family, each with its handlers and page structs. A
//! handler parses its request, asks the catalog one question and renders the answer, returning
//! the revision it was read at with the page (`PageAt`).

pub mod about;
pub mod agreements;
pub mod api_docs;
pub mod assets;
pub mod changes;
pub mod charts;
pub mod cite;
pub mod events;
pub mod head;
pub mod links;
pub mod network;
pub mod officials;
pub mod organizations;
pub mod pages;
pub mod readouts;
pub mod search;
pub mod sources;
pub mod timeline;
pub mod topics;
pub mod views;

use crate::catalog::health;
use crate::error::Error;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use crate::state::AppState;

/// A page, and the revision its data was read at (`catalog::Answer`): what the HTTP cache
/// keeps and dates it by.
pub type PageAt = crate::error::Result<(
    Option<crate::catalog::Revision>,
    axum::response::Html<String>,
)>;

/// The site's pages. `api_description` gives the API's OpenAPI document, which the API's
/// human page (`/api`) lists; the router of the whole application passes it in, so that the
/// HTML side never imports the JSON side.
pub fn router(api_description: fn() -> serde_json::Value) -> Router<AppState> {
    Router::new()
        .route("/events/{slug}", get(events::show))
        .route("/officials", get(officials::index))
        .route("/officials/{slug}", get(officials::show))
        .route("/network", get(network::show))
        .route("/topics", get(topics::index))
        .route("/topics/{slug}", get(topics::show))
        .route("/organizations", get(organizations::index))
        .route("/organizations/{slug}", get(organizations::show))
        .route("/agreements/{slug}", get(agreements::show))
        .route("/changes", get(changes::index))
        .route("/sources", get(sources::index))
        .route("/sources/{slug}", get(sources::show))
        .route("/about", get(about::show))
        .route(
            "/api",
            get(move || async move { api_docs::show(&api_description()) }),
        )
        .route("/healthz", get(healthz))
        .route("/robots.txt", get(robots))
        .route("/static/{*path}", get(assets::serve))
        // The routes above take no parameters; those below parse their own.
        .route_layer(axum::middleware::from_fn(crate::http::no_parameters))
        .route("/", get(timeline::show))
        .route("/agreements", get(agreements::index))
        .route("/readouts", get(readouts::index))
        .route("/search", get(search::show))
        .fallback(not_found)
}

/// The router of the operators' address (`--metrics-bind`): `/metrics` and `/healthz`.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .route_layer(axum::middleware::from_fn(crate::http::no_parameters))
        .with_state(state)
}

/// `/metrics`: every counter, with the page cache, the data's revision and the background
/// work read now.
async fn metrics(State(state): State<AppState>) -> Response {
    use axum::response::IntoResponse as _;
    let revision = health::latest_revision(&state.db).await;
    let snapshot = crate::metrics::Snapshot {
        page_cache_bytes: state.pages.bytes(),
        page_cache_entries: state.pages.len(),
        revision,
        work: vec![(
            "event_index",
            health::index_status(&state.db, &state.index).await,
        )],
        log_lines_dropped: crate::telemetry::dropped_lines(),
    };
    (
        [(
            axum::http::header::CONTENT_TYPE,
            crate::metrics::CONTENT_TYPE,
        )],
        state.metrics.encode(&snapshot),
    )
        .into_response()
}

/// 200 when the database answers, 503 when it does not.
/// `ok` while the database answers, with the event index's state on a second line: `ready`
/// once the latest revision's index is in memory, `loading` until a request has loaded it.
async fn healthz(State(state): State<AppState>) -> (StatusCode, String) {
    match health::database(&state.db).await {
        Ok(()) => (
            StatusCode::OK,
            format!(
                "ok\nindex: {}\n",
                health::index_status(&state.db, &state.index).await
            ),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable\n".to_owned(),
            )
        }
    }
}

/// A page's own parameters: a keyset position (`what`) from its Previous or Next link, as
/// `after` or `before`, given once at most.
fn page_position<C>(
    own: &[(String, String)],
    decode: impl Fn(&str) -> Option<C>,
    what: &str,
) -> std::result::Result<Option<(C, crate::db::events::Side)>, crate::domain::FilterError> {
    use crate::db::events::Side;
    use crate::domain::FilterError;
    let mut found = None;
    for (key, value) in own {
        let side = match key.as_str() {
            "after" => Side::After,
            "before" => Side::Before,
            _ => continue,
        };
        if found.is_some() {
            return Err(FilterError::new(
                key.as_str(),
                "was given with another page position; give one of after and before, once",
            ));
        }
        let cursor = decode(value).ok_or_else(|| {
            FilterError::new(
                key.as_str(),
                format!("is not {what}: use the page's Previous and Next links"),
            )
        })?;
        found = Some((cursor, side));
    }
    Ok(found)
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
