//! What every response shares, HTML and JSON alike, around the two routers: the limits on
//! requests, the security headers, tracking parameters stripped, HTTP caching and the page
//! cache, and errors answered in the form the address calls for; and, outside them all, the
//! fast path that answers repeat views of kept pages.

pub mod caching;
pub mod fast_path;
pub mod limits;
pub mod page_cache;
pub mod security;
pub mod tracking;

use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};

use crate::error::Error;

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
        crate::api::ApiError(error).into_response()
    } else {
        error.into_response()
    }
}

/// A route that takes no parameters answers any with a `400` naming it, as the routes that
/// take some answer an unknown one: a misspelt or stray parameter is reported, never ignored.
pub async fn no_parameters(request: axum::extract::Request, next: Next) -> Response {
    match crate::domain::query::none(request.uri().query().unwrap_or_default()) {
        Ok(()) => next.run(request).await,
        Err(e) => error_response(request_path(&request), Error::BadRequest(e)),
    }
}
