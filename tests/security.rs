//! Security headers on every kind of response.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use axum::body::Body;
use axum::http::Request;
use common::*;
use tradewatch::http::security::HEADERS;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = seeded().await;
    let (_, page_headers, _) = app.get("/").await;
    let etag = page_headers["etag"].to_str().unwrap().to_owned();
    let requests = vec![
        Request::get("/").body(Body::empty()).unwrap(),
        Request::get("/events/raimondo-meets-li-qiang")
            .body(Body::empty())
            .unwrap(),
        Request::get("/api/v1/events?limit=2")
            .body(Body::empty())
            .unwrap(),
        Request::get("/events.csv").body(Body::empty()).unwrap(),
        Request::get("/feed.atom").body(Body::empty()).unwrap(),
        Request::get("/static/css/site.css")
            .body(Body::empty())
            .unwrap(),
        Request::get("/no/such/page").body(Body::empty()).unwrap(),
        Request::get("/?from=yesterday")
            .body(Body::empty())
            .unwrap(),
        Request::get("/api/v1/nothing").body(Body::empty()).unwrap(),
        Request::post("/api/v1/events").body(Body::empty()).unwrap(),
        Request::get("/")
            .header("if-none-match", etag)
            .body(Body::empty())
            .unwrap(),
    ];
    for request in requests {
        let label = format!("{} {}", request.method(), request.uri());
        let (status, headers, _) = app.request(request).await;
        for (name, value) in HEADERS {
            assert_eq!(
                headers.get(*name).and_then(|v| v.to_str().ok()),
                Some(*value),
                "{label} ({status}): {name}"
            );
        }
    }
}

#[tokio::test]
async fn the_policy_forbids_scripts_framing_and_foreign_resources() {
    let csp = tradewatch::http::security::CONTENT_SECURITY_POLICY;
    assert!(csp.contains("default-src 'none'"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("script-src"), "no scripts are allowed at all");
    assert!(!csp.contains("unsafe-inline"));
    // The pages need nothing the policy forbids: no inline styles or scripts.
    let app = seeded().await;
    for path in [
        "/",
        "/events/raimondo-meets-li-qiang",
        "/agreements",
        "/sources/raimondo-beijing-2023-08-29",
        "/search?q=export",
    ] {
        let (_, _, body) = app.get(path).await;
        assert!(
            !body.contains("<script") && !body.contains(" style=") && !body.contains("<style"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn robots_txt_allows_every_page() {
    let app = seeded().await;
    let (status, headers, body) = app.get("/robots.txt").await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
    assert_eq!(body, "User-agent: *\nAllow: /\n");
}
