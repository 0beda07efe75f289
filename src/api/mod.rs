//! The JSON API under `/api/v1` and the CSV exports: the same queries and filters as the HTML
//! pages, for programs. Read-only: other methods get 405 with `Allow`; CORS is open for GET.
//! Each handler asks the catalog the question its HTML twin asks, and returns the revision the
//! answer was read at with the document (`JsonAt`).

mod datapackage;
mod dto;
mod events;
mod exports;
mod feeds;
pub mod openapi;
mod readouts;
mod records;
mod sources;

use axum::Json;
use axum::Router;
use axum::http::Method;
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use tower_http::cors::{Any, CorsLayer};

use crate::domain::links::{with_pairs, with_query};
use crate::domain::query::split_query;
use crate::error::Error;
use crate::http::no_parameters;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let api = Router::new()
        .route("/events/{slug}", get(events::show))
        .route("/officials", get(records::officials))
        .route("/officials/{slug}", get(records::official))
        .route("/topics", get(records::topics))
        .route("/topics/{slug}", get(records::topic))
        .route("/organizations/{slug}", get(records::organization))
        .route("/agreements/{slug}", get(records::agreement))
        .route("/sources/{slug}", get(sources::source))
        .route("/openapi.json", get(openapi::openapi_json))
        // The routes above take no parameters; those below parse their own.
        .route_layer(from_fn(no_parameters))
        .route("/events", get(events::list))
        .route("/events/facets", get(events::facets))
        .route("/agreements", get(records::agreements))
        .route("/readouts", get(readouts::list))
        .route("/search", get(sources::search))
        .fallback(api_not_found)
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET, Method::HEAD]),
        );
    Router::new()
        .route("/officials.csv", get(exports::officials))
        .route("/datapackage.json", get(datapackage::document))
        .route_layer(from_fn(no_parameters))
        .route("/events.csv", get(exports::events))
        .route("/agreements.csv", get(exports::agreements))
        .route("/readouts.csv", get(readouts::csv))
        .route("/feed.atom", get(feeds::atom))
        .route("/calendar.ics", get(feeds::calendar))
        .nest("/api/v1", api)
}

/// An error as JSON: `{"error": {"status": 400, "parameter": "from", "message": "…"}}`.
pub struct ApiError(pub Error);

impl<E: Into<Error>> From<E> for ApiError {
    fn from(error: E) -> Self {
        Self(error.into())
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub status: u16,
    /// The query parameter that was wrong, for 400s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let (parameter, message) = match &self.0 {
            Error::NotFound => (None, "no such record or endpoint".to_owned()),
            Error::BadRequest(e) => (Some(e.param.clone()), e.message.clone()),
            other => match other.message() {
                Some(message) => (None, message),
                None => {
                    tracing::error!(error = %other, "API request failed");
                    (None, "the server could not answer this request".to_owned())
                }
            },
        };
        let body = ErrorBody {
            error: ErrorDetail {
                status: status.as_u16(),
                parameter,
                message,
            },
        };
        self.0.with_headers((status, Json(body)).into_response())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A JSON document, and the revision its data was read at (`catalog::Answer`): what the HTTP
/// cache keeps and dates it by.
pub type JsonAt<T> = ApiResult<(Option<crate::catalog::Revision>, Json<T>)>;

async fn api_not_found() -> ApiError {
    ApiError(Error::NotFound)
}

/// A single-valued parameter of the API's own (`limit`, `cursor`); empty means not given.
fn single<'a>(own: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, ApiError> {
    Ok(crate::domain::query::single(own, name)?.filter(|v| !v.is_empty()))
}

/// The `limit` of a paged list: 1 to `MAX_LIMIT`, `DEFAULT_LIMIT` when not given.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;

fn page_limit(own: &[(String, String)]) -> Result<i64, ApiError> {
    match single(own, "limit")? {
        None => Ok(DEFAULT_LIMIT),
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                crate::domain::FilterError::new(
                    "limit",
                    format!("expected a whole number from 1 to {MAX_LIMIT}, got \"{text}\""),
                )
                .into()
            }),
    }
}

/// A paged list's `next` link: its canonical filters, the cursor after its last item, and its
/// `limit` when not the default.
fn next_link(path: &str, canonical: &str, cursor: &str, limit: i64) -> String {
    let limit_text = limit.to_string();
    let limit = (limit != DEFAULT_LIMIT).then_some(("limit", limit_text.as_str()));
    with_pairs(
        path,
        canonical,
        [("cursor", cursor)].into_iter().chain(limit),
    )
}

/// A paged list's `cursor`, read by `decode`.
fn page_cursor<T>(
    own: &[(String, String)],
    decode: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, ApiError> {
    match single(own, "cursor")? {
        None => Ok(None),
        Some(text) => Ok(Some(decode(text).ok_or_else(|| {
            crate::domain::FilterError::new(
                "cursor",
                "is not a cursor from this API: use the `next` link of a page",
            )
        })?)),
    }
}
