//! Hostile and malformed requests against the real router: every route validates its query the
//! same way (400 naming the parameter, HTML or JSON to match the route), paths cannot reach
//! outside the bundle, odd methods get 405 with `Allow`, HEAD works wherever GET does, and the
//! request limits answer 413, 414 and 503 with `Retry-After`.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::routing::get;
use common::*;
use tokio::sync::{Notify, oneshot};
use tower::ServiceExt;
use tradewatch::http::limits::{Limits, with_limits};
use tradewatch::http::security::HEADERS;

/// Every route with a parameter it takes (or `None`), and whether it answers errors as JSON.
const ROUTES: &[(&str, Option<&str>, bool)] = &[
    ("/", Some("official=li-qiang"), false),
    ("/events/raimondo-meets-li-qiang", None, false),
    ("/officials", None, false),
    ("/officials/li-qiang", None, false),
    ("/topics", None, false),
    ("/topics/export-controls", None, false),
    ("/organizations", None, false),
    ("/organizations/micron-technology", None, false),
    ("/agreements", Some("status=agreed"), false),
    ("/agreements/tourism-meeting-early-2024", None, false),
    ("/changes", None, false),
    ("/sources", None, false),
    ("/sources/raimondo-beijing-2023-08-29", None, false),
    ("/search", Some("q=export"), false),
    ("/about", None, false),
    ("/api", None, false),
    ("/healthz", None, false),
    ("/robots.txt", None, false),
    ("/static/css/site.css", None, false),
    ("/static/img/favicon.svg", None, false),
    ("/events.csv", Some("official=li-qiang"), true),
    ("/officials.csv", None, true),
    ("/datapackage.json", None, true),
    ("/agreements.csv", Some("status=agreed"), true),
    ("/feed.atom", Some("official=li-qiang"), true),
    ("/calendar.ics", Some("official=li-qiang"), true),
    ("/api/v1/events", Some("official=li-qiang"), true),
    ("/api/v1/events/facets", Some("official=li-qiang"), true),
    ("/api/v1/events/raimondo-meets-li-qiang", None, true),
    ("/api/v1/officials", None, true),
    ("/api/v1/officials/li-qiang", None, true),
    ("/api/v1/topics", None, true),
    ("/api/v1/topics/export-controls", None, true),
    ("/api/v1/organizations/micron-technology", None, true),
    ("/api/v1/agreements", Some("status=agreed"), true),
    ("/api/v1/agreements/tourism-meeting-early-2024", None, true),
    ("/api/v1/sources/raimondo-beijing-2023-08-29", None, true),
    ("/api/v1/search", Some("q=export"), true),
    ("/api/v1/openapi.json", None, true),
];

fn with_query(path: &str, query: &str) -> String {
    format!("{path}?{query}")
}

/// Asserts a 400 naming `param`, as JSON or as the HTML error (or form) page.
fn assert_names_parameter(label: &str, json: bool, status: StatusCode, body: &str, param: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{label}: {body}");
    if json {
        let value: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| {
            panic!("{label}: not JSON ({e}): {body}");
        });
        assert_eq!(value["error"]["status"], 400, "{label}");
        assert_eq!(value["error"]["parameter"], param, "{label}: {body}");
        assert!(
            !value["error"]["message"].as_str().unwrap().is_empty(),
            "{label}"
        );
    } else {
        assert!(body.contains("<html"), "{label}: not HTML: {body}");
        assert!(body.contains(param), "{label}: does not name {param}");
    }
}

#[tokio::test]
async fn every_route_takes_its_own_parameters_and_rejects_any_other() {
    let app = seeded().await;
    for (path, param, json) in ROUTES {
        let (status, _, body) = app.get(path).await;
        if *path == "/api/v1/search" {
            assert_names_parameter(path, true, status, &body, "q");
        } else {
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
        }
        if let Some(param) = param {
            let url = with_query(path, param);
            let (status, _, body) = app.get(&url).await;
            assert_eq!(status, StatusCode::OK, "{url}: {body}");
        }
        for stray in ["utm=newsletter", "oficial=li-qiang", "Q=export"] {
            let url = with_query(path, stray);
            let (status, _, body) = app.get(&url).await;
            let name = stray.split('=').next().unwrap();
            assert_names_parameter(&url, *json, status, &body, name);
        }
        // A tracking parameter from a shared link is dropped by a redirect, not refused.
        let url = with_query(path, "utm_source=newsletter");
        let (status, headers, _) = app.get(&url).await;
        assert_eq!(status, StatusCode::MOVED_PERMANENTLY, "{url}");
        assert_eq!(
            headers.get("location").and_then(|v| v.to_str().ok()),
            Some(*path),
            "{url}"
        );
    }
}

#[tokio::test]
async fn malformed_query_text_is_rejected_naming_the_parameter_on_every_route() {
    let app = seeded().await;
    for (path, _, json) in ROUTES {
        for (query, param) in [
            // Not UTF-8 once decoded: rejected, not searched as U+FFFD.
            ("q=caf%E9", "q"),
            ("q=%C0%AF", "q"),
            ("official=%FF%FE", "official"),
            // Broken escapes.
            ("q=100%", "q"),
            ("from=%zz", "from"),
            ("to=%4", "to"),
        ] {
            let url = with_query(path, query);
            let (status, _, body) = app.get(&url).await;
            assert_names_parameter(&url, *json, status, &body, param);
        }
    }
}

#[tokio::test]
async fn bad_values_are_rejected_naming_the_parameter_on_the_filtered_routes() {
    let app = seeded().await;
    let thousand: String = (0..1000)
        .map(|i| format!("official=p{i}"))
        .collect::<Vec<_>>()
        .join("&");
    let long_q = format!("q={}", "a".repeat(501));
    let cases: Vec<(&str, &str)> = vec![
        ("from=2023-02-30", "from"),
        ("to=2023-13", "to"),
        ("from=yesterday", "from"),
        ("from=2024-01-01&to=2023-01-01", "to"),
        ("from=2023&from=2024", "from"),
        ("sort=sideways", "sort"),
        ("sort=asc&sort=desc", "sort"),
        ("kind=party", "kind"),
        ("official=no-such-person", "official"),
        ("topic=Not%20A%20Slug", "topic"),
        (&thousand, "official"),
        (&long_q, "q"),
        ("q=%22%22%22", "q"),
    ];
    for path in [
        "/",
        "/events.csv",
        "/feed.atom",
        "/calendar.ics",
        "/api/v1/events",
        "/api/v1/events/facets",
    ] {
        let json = path != "/";
        for (query, param) in &cases {
            let url = with_query(path, query);
            let (status, _, body) = app.get(&url).await;
            assert_names_parameter(&url[..url.len().min(80)], json, status, &body, param);
        }
    }
    for (path, json) in [("/api/v1/events", true), ("/api/v1/agreements", true)] {
        for (query, param) in [
            ("limit=0", "limit"),
            ("limit=ten", "limit"),
            ("limit=99999999999999999999999", "limit"),
            ("limit=5&limit=6", "limit"),
            ("cursor=%00%01", "cursor"),
        ] {
            let url = with_query(path, query);
            let (status, _, body) = app.get(&url).await;
            assert_names_parameter(&url, json, status, &body, param);
        }
    }
    for (path, json) in [("/agreements", false), ("/api/v1/agreements", true)] {
        let thousand_parties: String = (0..1000)
            .map(|i| format!("party=p{i}"))
            .collect::<Vec<_>>()
            .join("&");
        for (query, param) in [
            ("status=late", "status"),
            ("party=nobody-at-all", "party"),
            ("topic=NOT-A-SLUG", "topic"),
            (thousand_parties.as_str(), "party"),
        ] {
            let url = with_query(path, query);
            let (status, _, body) = app.get(&url).await;
            assert_names_parameter(&url[..url.len().min(80)], json, status, &body, param);
        }
    }
    // Each list takes its own page position and rejects the other's.
    for (path, json, own, other) in [
        ("/agreements", false, "after", "cursor"),
        ("/agreements", false, "before", "limit"),
        ("/api/v1/agreements", true, "cursor", "after"),
        ("/agreements.csv", true, "status", "before"),
    ] {
        for (query, param) in [
            (format!("{own}=%00%01"), own),
            (format!("{other}=x"), other),
        ] {
            let url = with_query(path, &query);
            let (status, _, body) = app.get(&url).await;
            assert_names_parameter(&url, json, status, &body, param);
        }
    }
    for (path, json) in [("/search", false), ("/api/v1/search", true)] {
        for (query, param) in [("q=a&q=b", "q"), ("q=***", "q"), (long_q.as_str(), "q")] {
            let url = with_query(path, query);
            let (status, _, body) = app.get(&url).await;
            assert_names_parameter(&url, json, status, &body, param);
        }
    }
}

#[tokio::test]
async fn static_paths_never_reach_outside_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    // A static directory with the real files and a secret beside it.
    std::fs::create_dir_all(dir.path().join("static/css")).unwrap();
    std::fs::write(dir.path().join("static/css/site.css"), "body{}").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "SECRET").unwrap();
    let bundled = seeded().await;
    let with_dir = tradewatch::app(
        tradewatch::AppState::new(bundled.pool.clone())
            .with_static_dir(Some(dir.path().join("static"))),
    );
    let attempts = [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/%2E%2E%2FCargo.toml",
        "/static/..%2fCargo.toml",
        "/static/..%5cCargo.toml",
        "/static/..%5c..%5cCargo.toml",
        "/static/%252e%252e%252fCargo.toml",
        "/static/css/../../Cargo.toml",
        "/static/css/..%2f..%2fsecret.txt",
        "/static/..%2fsecret.txt",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/css/site.css%00.txt",
        "/static/css/site.css/",
        "/static/./css/site.css",
        "/static/",
        "/static/%c0%ae%c0%ae/Cargo.toml",
        "/static/%ff",
        "/static/css/%zz",
    ];
    for (label, router) in [("bundled", &bundled.router), ("--static-dir", &with_dir)] {
        for path in attempts {
            let Ok(request) = Request::get(path).body(Body::empty()) else {
                continue; // not even a valid URI: hyper would refuse it with 400
            };
            let response = router.clone().oneshot(request).await.unwrap();
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            let text = String::from_utf8_lossy(&body);
            assert_eq!(status, StatusCode::NOT_FOUND, "{label} {path}: {text}");
            assert!(
                !text.contains("[package]") && !text.contains("SECRET"),
                "{label} {path}"
            );
        }
        let response = router
            .clone()
            .oneshot(
                Request::get("/static/css/site.css")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{label}");
    }
}

#[tokio::test]
async fn paths_that_are_not_utf8_are_not_found_in_the_routes_format() {
    let app = seeded().await;
    for (path, json) in [
        ("/events/%FF", false),
        ("/officials/%C0%AF", false),
        ("/api/v1/events/%FF%FE", true),
        ("/no/%E9t%E9", false),
    ] {
        let (status, _, body) = app.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_eq!(body.contains("\"status\":404"), json, "{path}: {body}");
    }
}

#[tokio::test]
async fn odd_methods_get_405_with_allow_and_head_works_wherever_get_does() {
    let app = seeded().await;
    for (path, _, _) in ROUTES {
        for method in ["POST", "PUT", "DELETE", "PATCH", "TRACE", "FROB"] {
            let request = Request::builder()
                .method(Method::from_bytes(method.as_bytes()).unwrap())
                .uri(*path)
                .body(Body::empty())
                .unwrap();
            let (status, headers, _) = app.request(request).await;
            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            let allow = headers["allow"].to_str().unwrap();
            assert!(
                allow.contains("GET") && allow.contains("HEAD"),
                "{method} {path}: {allow}"
            );
        }
        let (get_status, get_headers, _) = app.get(path).await;
        let request = Request::head(*path).body(Body::empty()).unwrap();
        let (status, headers, body) = app.request(request).await;
        assert_eq!(status, get_status, "HEAD {path}");
        assert!(body.is_empty(), "HEAD {path} has no body");
        assert_eq!(
            headers.get("content-type"),
            get_headers.get("content-type"),
            "HEAD {path}"
        );
    }
}

#[tokio::test]
async fn overlong_addresses_get_414_and_bodies_413_in_the_routes_format() {
    let app = seeded().await;
    let long = "a".repeat(Limits::default().max_uri_bytes);
    for (path, json) in [
        (format!("/{long}"), false),
        (format!("/?q={long}"), false),
        (format!("/api/v1/events?q={long}"), true),
        (format!("/events/{long}"), false),
    ] {
        let (status, headers, body) = app.get(&path).await;
        assert_eq!(status, StatusCode::URI_TOO_LONG, "{}", &path[..30]);
        assert_eq!(body.contains("\"error\""), json, "{body}");
        assert!(body.len() < 10_000, "the address is not echoed back");
        assert!(headers.contains_key("content-security-policy"));
    }
    for (path, json) in [("/", false), ("/api/v1/events", true)] {
        let request = Request::get(path)
            .header("content-length", "1000000")
            .body(Body::from(vec![b'x'; 1_000_000]))
            .unwrap();
        let (status, headers, body) = app.request(request).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        assert_eq!(body.contains("\"error\""), json, "{body}");
        assert!(body.contains("read-only"), "{body}");
        assert!(headers.contains_key("x-content-type-options"));
        // A small body is ignored, as no route reads one.
        let request = Request::get(path)
            .header("content-length", "2")
            .body(Body::from("{}"))
            .unwrap();
        assert_eq!(app.request(request).await.0, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn overload_answers_503_with_retry_after_and_the_security_headers() {
    let app = seeded().await;
    // No request may be in flight: every one is shed, through the whole real stack.
    let full = tradewatch::app_with_limits(
        tradewatch::AppState::new(app.pool.clone()),
        &Limits {
            max_in_flight: 0,
            ..Limits::default()
        },
    );
    for (path, json) in [
        ("/", false),
        ("/api/v1/events", true),
        ("/static/css/site.css", false),
        ("/events.csv", true),
    ] {
        let response = full
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        let headers = response.headers().clone();
        assert_eq!(headers["retry-after"], "1", "{path}");
        for (name, value) in HEADERS {
            assert_eq!(headers[*name], *value, "{path}: {name}");
        }
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let body = String::from_utf8_lossy(&body);
        assert_eq!(body.contains("\"status\":503"), json, "{path}: {body}");
        assert!(
            body.contains("as many requests as it can"),
            "{path}: {body}"
        );
    }
}

/// A router whose `/slow` waits until released, to hold requests in flight.
fn slow_router(entered: Arc<Notify>, release: Arc<Notify>) -> Router {
    Router::new()
        .route(
            "/slow",
            get(move || {
                let (entered, release) = (entered.clone(), release.clone());
                async move {
                    entered.notify_one();
                    release.notified().await;
                    "done"
                }
            }),
        )
        .route("/fast", get(|| async { "fast" }))
}

async fn status_of(router: &Router, path: &str) -> (StatusCode, Option<String>) {
    let response = router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (response.status(), retry)
}

#[tokio::test]
async fn requests_past_the_limit_in_flight_are_shed_at_once_not_queued() {
    let (entered, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let router = with_limits(
        slow_router(entered.clone(), release.clone()),
        &Limits {
            max_in_flight: 2,
            request_timeout: Duration::from_secs(60),
            ..Limits::default()
        },
    );
    let mut held = Vec::new();
    for _ in 0..2 {
        let router = router.clone();
        let (tx, rx) = oneshot::channel();
        tokio::spawn(async move {
            let _ = tx.send(status_of(&router, "/slow").await);
        });
        entered.notified().await;
        held.push(rx);
    }
    // Both slots are taken: the next requests are answered at once, whatever their route.
    for path in ["/fast", "/slow", "/nowhere"] {
        let (status, retry) = status_of(&router, path).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(retry.as_deref(), Some("1"), "{path}");
    }
    release.notify_waiters();
    for rx in held {
        assert_eq!(rx.await.unwrap().0, StatusCode::OK);
    }
    // The slots are free again.
    assert_eq!(status_of(&router, "/fast").await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_request_that_takes_too_long_is_abandoned_with_503() {
    let (entered, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let router = with_limits(
        slow_router(entered, release),
        &Limits {
            request_timeout: Duration::from_millis(200),
            ..Limits::default()
        },
    );
    let (status, retry) = status_of(&router, "/slow").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(retry.as_deref(), Some("1"));
    assert_eq!(status_of(&router, "/fast").await.0, StatusCode::OK);
}

#[tokio::test]
async fn hsts_is_sent_only_when_the_site_is_served_over_tls() {
    let app = seeded().await;
    let (_, headers, _) = app.get("/").await;
    assert!(!headers.contains_key("strict-transport-security"));
    let tls = tradewatch::app(
        tradewatch::AppState::new(app.pool.clone()).with_public_url("https://trade.example"),
    );
    for path in [
        "/",
        "/api/v1/events",
        "/static/css/site.css",
        "/nowhere",
        "/?x=1",
    ] {
        let response = tls
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(
            response.headers()["strict-transport-security"],
            tradewatch::http::security::HSTS,
            "{path}"
        );
    }
}
