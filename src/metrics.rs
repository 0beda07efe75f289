//! What an operator watches, in the Prometheus (OpenMetrics) text format: requests by route
//! template, method and status, their latency, requests in flight and shed, the page cache,
//! the data's revision, the state of background work and the log lines dropped. Counted here;
//! served only on the address `--metrics-bind` names, never on the public one.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The media type of the text `Metrics::encode` writes.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds of the latency histogram's buckets, in seconds: a page from the cache takes
/// well under a millisecond, a first view a few, a request is abandoned at ten seconds.
const LATENCY_BUCKETS: [f64; 14] = [
    0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WorkLabels {
    work: String,
    state: String,
}

/// Marks a response as a request shed by the server's limits (`overloaded`, `timeout`).
#[derive(Debug, Clone, Copy)]
pub struct Shed(pub &'static str);

/// The route template a request matched, carried out on its response to be counted.
#[derive(Debug, Clone)]
struct Route(MatchedPath);

/// What `/metrics` reports that is read when it is asked for, not counted as it happens.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub page_cache_bytes: usize,
    pub page_cache_entries: usize,
    /// The latest revision's id and the Unix time of its latest change.
    pub revision: Option<(i64, i64)>,
    /// Background work and its state: `("event_index", "ready")`.
    pub work: Vec<(&'static str, &'static str)>,
    pub log_lines_dropped: u64,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
    shed: Family<ReasonLabels, Counter>,
    page_cache_hits: Counter,
    page_cache_misses: Counter,
    page_cache_bytes: Gauge,
    page_cache_entries: Gauge,
    revision: Gauge,
    revision_time: Gauge,
    work: Family<WorkLabels, Gauge>,
    log_lines_dropped: Counter,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("tradewatch");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "Requests answered, by route template, method and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request (to the response's head), by route template",
            latency.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "http_requests_in_flight",
            "Requests being answered now",
            in_flight.clone(),
        );
        let shed = Family::<ReasonLabels, Counter>::default();
        registry.register(
            "http_requests_shed",
            "Requests answered 503 by the server's limits: overloaded or timeout",
            shed.clone(),
        );
        let page_cache_hits = Counter::default();
        registry.register(
            "page_cache_hits",
            "Pages served from the page cache",
            page_cache_hits.clone(),
        );
        let page_cache_misses = Counter::default();
        registry.register(
            "page_cache_misses",
            "Pages built because the page cache did not hold them",
            page_cache_misses.clone(),
        );
        let page_cache_bytes = Gauge::default();
        registry.register(
            "page_cache_bytes",
            "Bytes of rendered pages held in the page cache",
            page_cache_bytes.clone(),
        );
        let page_cache_entries = Gauge::default();
        registry.register(
            "page_cache_entries",
            "Rendered pages held in the page cache",
            page_cache_entries.clone(),
        );
        let revision = Gauge::default();
        registry.register(
            "data_revision",
            "The latest data revision's number",
            revision.clone(),
        );
        let revision_time = Gauge::default();
        registry.register(
            "data_revision_changed_timestamp_seconds",
            "When the latest revision's latest change was made, as the data dates it (Unix time)",
            revision_time.clone(),
        );
        let work = Family::<WorkLabels, Gauge>::default();
        registry.register(
            "background_work_state",
            "Background work by its state: 1 for the state it is in",
            work.clone(),
        );
        let log_lines_dropped = Counter::default();
        registry.register(
            "log_lines_dropped",
            "Log lines dropped because the log's reader did not keep up",
            log_lines_dropped.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            in_flight,
            shed,
            page_cache_hits,
            page_cache_misses,
            page_cache_bytes,
            page_cache_entries,
            revision,
            revision_time,
            work,
            log_lines_dropped,
        }
    }
}

/// Every state a piece of background work reports (`SharedIndex::status`), so each is written
/// (as 0 or 1) in every scrape and a change of state never leaves a stale 1 behind.
const WORK_STATES: [&str; 2] = crate::db::index::STATES;

/// The series one route's requests by one method are counted in, resolved once: a page held
/// ready is counted without looking its labels up again.
#[derive(Debug, Clone)]
pub struct Series {
    ok: Counter,
    not_modified: Counter,
    latency: Histogram,
}

impl Series {
    /// Counts a request answered `200` (or `304` when `not_modified`) after `elapsed`.
    pub fn count(&self, not_modified: bool, elapsed: std::time::Duration) {
        self.latency.observe(elapsed.as_secs_f64());
        if not_modified {
            self.not_modified.inc();
        } else {
            self.ok.inc();
        }
    }
}

impl Metrics {
    /// The series of `route`'s requests by `method`.
    pub fn series(&self, route: &str, method: &axum::http::Method) -> Series {
        let labels = |status: u16| RequestLabels {
            route: route.to_owned(),
            method: method_label(method).to_owned(),
            status,
        };
        // One at a time: a family's lookup holds its lock until the statement ends, and
        // creating a series takes it to write.
        let ok = self.requests.get_or_create(&labels(200)).clone();
        let not_modified = self.requests.get_or_create(&labels(304)).clone();
        let latency = self
            .latency
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
            })
            .clone();
        Series {
            ok,
            not_modified,
            latency,
        }
    }

    /// Counts a request in flight until the guard is dropped.
    pub fn in_flight(&self) -> InFlight<'_> {
        self.in_flight.inc();
        InFlight(&self.in_flight)
    }

    pub fn page_cache_hit(&self) {
        self.page_cache_hits.inc();
    }

    pub fn page_cache_miss(&self) {
        self.page_cache_misses.inc();
    }

    /// The text of every metric, with `now`'s readings.
    pub fn encode(&self, now: &Snapshot) -> String {
        self.page_cache_bytes
            .set(i64::try_from(now.page_cache_bytes).unwrap_or(i64::MAX));
        self.page_cache_entries
            .set(i64::try_from(now.page_cache_entries).unwrap_or(i64::MAX));
        if let Some((id, changed)) = now.revision {
            self.revision.set(id);
            self.revision_time.set(changed);
        }
        for (work, state) in &now.work {
            for each in WORK_STATES {
                self.work
                    .get_or_create(&WorkLabels {
                        work: (*work).to_owned(),
                        state: each.to_owned(),
                    })
                    .set(i64::from(each == *state));
            }
        }
        let dropped = now.log_lines_dropped;
        let counted = self.log_lines_dropped.get();
        if dropped > counted {
            self.log_lines_dropped.inc_by(dropped - counted);
        }
        let mut text = String::new();
        if let Err(error) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::error!(%error, "cannot encode the metrics");
        }
        text
    }
}

/// Innermost: carries the route template the request matched out on its response.
pub async fn remember_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(Route(route));
    }
    response
}

/// The route template a response's request matched, as `remember_route` carried it out, or
/// `unmatched`.
pub fn matched_route(extensions: &axum::http::Extensions) -> &str {
    extensions
        .get::<Route>()
        .map_or("unmatched", |r| r.0.as_str())
}

/// Methods counted by name; any other is counted as `other`, so a client cannot grow the
/// number of series.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

/// Outermost: counts every request, its latency and status, and what is in flight.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let method = method_label(request.method());
    let started = Instant::now();
    // Decremented however the request ends, abandoned by its client included.
    let _in_flight = metrics.in_flight();
    let response = next.run(request).await;
    let route = matched_route(response.extensions()).to_owned();
    if let Some(Shed(reason)) = response.extensions().get::<Shed>() {
        metrics
            .shed
            .get_or_create(&ReasonLabels {
                reason: (*reason).to_owned(),
            })
            .inc();
    }
    metrics
        .latency
        .get_or_create(&RouteLabels {
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            route,
            method: method.to_owned(),
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// A request in flight: decrements the gauge when dropped.
pub struct InFlight<'a>(&'a Gauge);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_names_every_family_with_its_readings() {
        let metrics = Metrics::default();
        metrics.page_cache_hit();
        let text = metrics.encode(&Snapshot {
            page_cache_bytes: 2048,
            page_cache_entries: 3,
            revision: Some((7, 1_700_000_000)),
            work: vec![("event_index", "ready")],
            log_lines_dropped: 5,
        });
        assert!(
            text.contains("tradewatch_page_cache_hits_total 1"),
            "{text}"
        );
        assert!(text.contains("tradewatch_page_cache_bytes 2048"), "{text}");
        assert!(text.contains("tradewatch_data_revision 7"), "{text}");
        assert!(
            text.contains(
                "tradewatch_background_work_state{work=\"event_index\",state=\"ready\"} 1"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "tradewatch_background_work_state{work=\"event_index\",state=\"loading\"} 0"
            ),
            "{text}"
        );
        assert!(
            text.contains("tradewatch_log_lines_dropped_total 5"),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
