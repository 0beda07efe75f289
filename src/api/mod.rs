//! The JSON API under `/api/v1` and the CSV exports: the same queries and filters as the HTML
//! pages, for programs. Read-only: other methods get 405 with `Allow`; CORS is open for GET.

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

use crate::error::Error;
use crate::state::AppState;
use crate::web::no_parameters;

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

/// Whether a request's errors are answered as JSON: the API's, and the data package's and the
/// CSV, Atom and iCalendar documents', which a program reads.
pub fn wants_json(path: &str) -> bool {
    path == "/api/v1"
        || path == "/datapackage.json"
        || path.starts_with("/api/v1/")
        || [".csv", ".atom", ".ics"]
            .iter()
            .any(|ext| path.ends_with(ext) && !path.starts_with("/static/"))
}

/// The path a request was made to, before any nesting stripped a prefix from it.
pub fn request_path(request: &axum::extract::Request) -> &str {
    request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| request.uri().path(), |original| original.path())
}

/// `error` as the kind of response the path answers with: JSON for programs, an HTML page for
/// people.
pub fn error_response(path: &str, error: Error) -> Response {
    if wants_json(path) {
        ApiError(error).into_response()
    } else {
        error.into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

async fn api_not_found() -> ApiError {
    ApiError(Error::NotFound)
}

/// Splits API-only parameters (`cursor`, `limit`) from the timeline filter's.
pub(crate) fn split_query(
    query: &str,
    api_params: &[&str],
) -> Result<(Vec<(String, String)>, String), crate::domain::FilterError> {
    let mut own = Vec::new();
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (key, value) in crate::domain::query::pairs(query)? {
        if api_params.contains(&key.as_str()) {
            own.push((key, value));
        } else {
            rest.append_pair(&key, &value);
        }
    }
    Ok((own, rest.finish()))
}

/// A single-valued API parameter, given at most once.
fn single<'a>(own: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, ApiError> {
    let mut values = own
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str());
    let first = values.next();
    if values.next().is_some() {
        return Err(crate::domain::FilterError::new(
            name,
            "was given more than once; give it once",
        )
        .into());
    }
    Ok(first.filter(|v| !v.is_empty()))
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

/// `path?query`, or the path alone.
fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}
