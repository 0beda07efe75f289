//! Limits on one request and on the requests served at once. A request over a size limit, or
//! with a path that is not UTF-8, is refused before it takes a slot; past `max_in_flight` requests are shed with a `503` and
//! `Retry-After` at once instead of queueing without bound; a request that takes longer than
//! `request_timeout` is abandoned with a `503`. Each answer is an HTML page or JSON, like the
//! route's other errors. (Limits on connections, header sizes and slow clients are the
//! server's: see `crate::server`.)

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{OriginalUri, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::Semaphore;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::{BoxError, ServiceBuilder};

use super::{error_response, request_path};
use crate::error::Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Requests handled at once; more are answered `503` straight away.
    pub max_in_flight: usize,
    /// How long a request may take before it is abandoned with a `503`.
    pub request_timeout: Duration,
    /// The longest path and query accepted, in bytes; longer gets `414`.
    pub max_uri_bytes: usize,
    /// The largest request body accepted (no route reads one); larger gets `413`.
    pub max_body_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_in_flight: 64,
            request_timeout: Duration::from_secs(10),
            // Room for the longest link the site writes (50 values of each filter and 500
            // characters of search text, each up to 9 bytes once percent-encoded) and then some.
            max_uri_bytes: 16 * 1024,
            max_body_bytes: 1024,
        }
    }
}

/// Applies `limits` to every route of `router`.
pub fn with_limits(router: Router, limits: &Limits) -> Router {
    with_limits_sharing(router, limits, &in_flight_slots(limits))
}

/// The slots of the requests in flight `limits` allow, to share with what answers requests
/// outside the router (`super::fast_path`).
pub fn in_flight_slots(limits: &Limits) -> Arc<Semaphore> {
    Arc::new(Semaphore::new(limits.max_in_flight))
}

/// Applies `limits` to every route of `router`, requests in flight taking their slots from
/// `in_flight`.
pub fn with_limits_sharing(router: Router, limits: &Limits, in_flight: &Arc<Semaphore>) -> Router {
    let shed = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(unavailable))
        .load_shed()
        .layer(GlobalConcurrencyLimitLayer::with_semaphore(
            in_flight.clone(),
        ))
        .timeout(limits.request_timeout);
    router
        .layer(shed)
        .layer(axum::middleware::from_fn_with_state(
            limits.clone(),
            refuse_malformed,
        ))
}

/// `414` for an address over the limit, `404` for a path that is not UTF-8 once decoded (no
/// page has one), `413` for a declared body over the limit.
async fn refuse_malformed(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let uri_bytes = request
        .uri()
        .path_and_query()
        .map_or(0, |pq| pq.as_str().len());
    if uri_bytes > limits.max_uri_bytes {
        return error_response(request_path(&request), Error::UriTooLong(uri_bytes));
    }
    if !crate::domain::query::is_readable_path(request.uri().path()) {
        return error_response(request_path(&request), Error::NotFound);
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(length) = declared.filter(|length| *length > limits.max_body_bytes) {
        return error_response(request_path(&request), Error::BodyTooLarge(length));
    }
    next.run(request).await
}

/// Shed (the limit of requests in flight was reached) or timed out: `503` with `Retry-After`.
async fn unavailable(OriginalUri(uri): OriginalUri, error: BoxError) -> Response {
    let (reason, shed) = if error.is::<tower::load_shed::error::Overloaded>() {
        (
            "The server is answering as many requests as it can.",
            Some("overloaded"),
        )
    } else if error.is::<tower::timeout::error::Elapsed>() {
        ("The server took too long to answer.", Some("timeout"))
    } else {
        tracing::error!(%error, "request failed in a middleware");
        ("The server could not answer this request.", None)
    };
    let mut response = error_response(uri.path(), Error::Unavailable(reason));
    if let Some(shed) = shed {
        response.extensions_mut().insert(crate::metrics::Shed(shed));
    }
    response
}
