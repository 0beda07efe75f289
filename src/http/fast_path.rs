//! Repeat views answered before any layer runs. A page the page cache holds `Ready` is sent as
//! it was when it was kept, its headers (the security headers included) built once, without
//! routing, the limits' layers, a span per request or the tracking and caching middleware;
//! every other request goes to the application as before.
//!
//! What the layers passed by would do to such a request is done here, cheaply: it takes a slot
//! of the requests in flight (or, when none is free, goes the long way and is shed), it is
//! counted in the metrics through series resolved when the page was kept, and the request log
//! gets the same line the `TraceLayer` writes, only when that log is on. Conditional requests
//! are answered `304` by the same rule as `super::caching::conditional`.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse as _, Response};
use futures_util::future::Either;
use http_body_util::BodyExt as _;
use tokio::sync::Semaphore;
use tower::{Service, ServiceExt as _};
use tracing::Level;

use super::caching::{Kept, UNCACHEABLE, is_fresh, not_modified_headers};
use super::page_cache::{PageCache, Ready, request_hash};
use crate::db::revisions::Watch;
use crate::metrics::Metrics;
use crate::state::AppState;

/// The application behind its fast path for kept pages.
#[derive(Clone)]
pub struct FastPath {
    app: Router,
    shared: Arc<Shared>,
}

struct Shared {
    pages: Arc<PageCache>,
    revision: Arc<Watch>,
    metrics: Arc<Metrics>,
    /// The slots of the requests in flight, shared with the application's limits.
    in_flight: Arc<Semaphore>,
    /// Whether the application sends HSTS, so that a kept page's `304` does too.
    hsts: bool,
}

impl FastPath {
    /// `app` (with every layer) behind the fast path for the pages `state` keeps; `in_flight`
    /// are the slots `app`'s limits take requests' from.
    pub fn new(app: Router, state: &AppState, in_flight: Arc<Semaphore>, hsts: bool) -> Self {
        Self {
            app,
            shared: Arc::new(Shared {
                pages: state.pages.clone(),
                revision: state.revision.clone(),
                metrics: state.metrics.clone(),
                in_flight,
                hsts,
            }),
        }
    }
}

type Answer = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl Service<Request> for FastPath {
    type Response = Response;
    type Error = Infallible;
    type Future = Either<std::future::Ready<Result<Response, Infallible>>, Answer>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if let Some(response) = self.shared.answer(&request) {
            return Either::Left(std::future::ready(Ok(response)));
        }
        let app = self.app.clone();
        let shared = self.shared.clone();
        let method = request.method().clone();
        Either::Right(Box::pin(async move {
            let response = app.oneshot(request).await?;
            Ok(shared.hold_ready(method, response).await)
        }))
    }
}

impl Shared {
    /// The kept page `request` asks for, when it is held ready and current.
    fn answer(&self, request: &Request) -> Option<Response> {
        let started = Instant::now();
        let method = request.method();
        if !matches!(*method, Method::GET | Method::HEAD) {
            return None;
        }
        let uri = request.uri();
        // Absolute-form targets (`GET http://host/path`) are rare: the long way.
        if uri.scheme().is_some() {
            return None;
        }
        let target = uri.path_and_query()?.as_str();
        let headers = request.headers();
        // A body is for the limits to judge.
        if headers.contains_key(header::CONTENT_LENGTH)
            || headers.contains_key(header::TRANSFER_ENCODING)
        {
            return None;
        }
        let accept_encoding = match headers.get(header::ACCEPT_ENCODING) {
            Some(value) => value.to_str().ok()?.as_bytes(),
            None => b"",
        };
        let ready = self
            .pages
            .ready(request_hash(method.as_str(), target, accept_encoding))?;
        if !ready.answers(method, target, accept_encoding) {
            return None;
        }
        let (revision, _) = self.revision.known()??;
        if revision != ready.revision || ready.day != crate::domain::date::today() {
            return None;
        }
        // No slot free: the limits' layer answers it, shed.
        let _slot = self.in_flight.try_acquire().ok()?;
        let _in_flight = self.metrics.in_flight();
        self.metrics.page_cache_hit();
        let not_modified = is_fresh(headers, &ready.etag, ready.modified);
        let response = if not_modified {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            *response.headers_mut() = ready.not_modified.clone();
            response
        } else {
            let mut response = Response::new(Body::from(ready.body.clone()));
            *response.headers_mut() = ready.headers.clone();
            response
        };
        let elapsed = started.elapsed();
        ready.series.count(not_modified, elapsed);
        log(method, &ready.route, uri, response.status(), elapsed);
        Some(response)
    }

    /// Holds `response` ready when the caching layer marked it as a kept page's `200`, with
    /// every header the layers added on its way out.
    async fn hold_ready(&self, method: Method, mut response: Response) -> Response {
        let Some(Kept { key, modified }) = response.extensions_mut().remove::<Kept>() else {
            return response;
        };
        if response.status() != StatusCode::OK || !key.uri.starts_with('/') {
            return response;
        }
        let (parts, body) = response.into_parts();
        // The caching layer sent the page as one piece of memory: this takes it back whole.
        let body = match body.collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) => {
                tracing::error!(%error, "cannot read a kept page to hold it ready");
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    [(header::CACHE_CONTROL, UNCACHEABLE)],
                )
                    .into_response();
            }
        };
        if let Some(etag) = parts
            .headers
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
        {
            let mut not_modified = not_modified_headers(&parts.headers);
            super::security::add_missing(&mut not_modified, self.hsts);
            let route = crate::metrics::matched_route(&parts.extensions);
            let ready = Ready {
                series: self.metrics.series(route, &method),
                route: route.into(),
                method,
                target: key.uri.as_str().into(),
                accept_encoding: key.accept_encoding.as_bytes().into(),
                revision: key.revision,
                day: key.day,
                modified,
                etag: etag.into(),
                headers: parts.headers.clone(),
                not_modified,
                body: body.clone(),
            };
            self.pages.make_ready(&key, ready);
        }
        Response::from_parts(parts, Body::from(body))
    }
}

/// What the request log's `TraceLayer` writes for a request, written only when it is on.
fn log(method: &Method, route: &str, uri: &Uri, status: StatusCode, latency: Duration) {
    let started = tracing::enabled!(target: "tower_http::trace::on_request", Level::DEBUG);
    let finished = tracing::enabled!(target: "tower_http::trace::on_response", Level::INFO);
    if !started && !finished {
        return;
    }
    let span = tracing::info_span!(target: "tradewatch", "request", method = %method, matched_path = route, uri = %uri);
    if started {
        tracing::event!(target: "tower_http::trace::on_request", parent: &span, Level::DEBUG, "started processing request");
    }
    if finished {
        tracing::event!(
            target: "tower_http::trace::on_response",
            parent: &span,
            Level::INFO,
            latency = format_args!("{} ms", latency.as_millis()),
            status = i32::from(status.as_u16()),
            "finished processing request"
        );
    }
}
