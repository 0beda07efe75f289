//! The JSON API and CSV exports: the same filters and records as the HTML pages.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::Value;

async fn get_json(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let (status, headers, body) = app.get(path).await;
    assert!(
        headers
            .get("content-type")
            .is_some_and(|t| t.to_str().unwrap_or("").starts_with("application/json")),
        "{path}: {headers:?}"
    );
    (
        status,
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")),
    )
}

fn slugs(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap().to_owned())
        .collect()
}

/// Every event of a filtered list, following `next` links page by page.
async fn all_pages(app: &TestApp, first: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut next = Some(first.to_owned());
    while let Some(path) = next {
        let (status, page) = get_json(app, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        seen.extend(slugs(&page));
        next = page["links"]["next"].as_str().map(str::to_owned);
        assert!(seen.len() < 10_000, "pagination does not end");
    }
    seen
}

fn csv_slugs(body: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let slug = headers.iter().position(|h| h == "slug").unwrap();
    reader
        .records()
        .map(|r| r.unwrap()[slug].to_owned())
        .collect()
}

const FILTERS: &[&str] = &[
    "",
    "official=gina-raimondo",
    "official=gina-raimondo&official=wang-wentao&topic=export-controls",
    "kind=meeting&kind=visit&country=china",
    "from=2023-08-28&to=2023-08-29",
    "q=tourism",
    "sort=desc&topic=dialogue",
];

#[tokio::test]
async fn the_same_filter_gives_the_same_events_in_html_json_and_csv() {
    let app = seeded().await;
    for filter in FILTERS {
        let from_html = app.timeline_slugs(&format!("/?{filter}")).await;
        let from_json = all_pages(&app, &format!("/api/v1/events?{filter}&limit=4")).await;
        assert_eq!(from_json, from_html, "JSON, {filter}");
        let (status, headers, body) = app.get(&format!("/events.csv?{filter}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        assert_eq!(csv_slugs(&body), from_html, "CSV, {filter}");
    }
}

#[tokio::test]
async fn pagination_visits_every_event_exactly_once_in_either_order() {
    let app = seeded().await;
    let total = count(&app.pool, "events").await as usize;
    for sort in ["asc", "desc"] {
        for limit in [1, 3, 7, 1000] {
            let seen = all_pages(&app, &format!("/api/v1/events?sort={sort}&limit={limit}")).await;
            let mut unique = seen.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(
                (seen.len(), unique.len()),
                (total, total),
                "sort={sort} limit={limit}"
            );
        }
    }
    let (_, first) = get_json(&app, "/api/v1/events?limit=5").await;
    assert_eq!(first["meta"]["total"], total as i64);
    assert_eq!(first["links"]["html"], "/");
    assert!(first["links"]["next"].as_str().unwrap().contains("cursor="));
}

#[tokio::test]
async fn records_carry_dates_with_precision_citations_and_links() {
    let app = seeded().await;
    let (_, list) = get_json(&app, "/api/v1/events?q=Micron").await;
    let micron = &list["data"][0];
    assert_eq!(micron["slug"], "china-bars-micron-products");
    // "This year" in the article, pinned to the day by the later report it also cites.
    assert_eq!(micron["date"]["precision"], "day");
    assert_eq!(micron["date"]["start"], "2023-05-21");
    assert_eq!(
        micron["citations"][0]["source"],
        "raimondo-beijing-2023-08-29"
    );
    assert_eq!(micron["html_url"], "/events/china-bars-micron-products");

    let (status, event) = get_json(&app, "/api/v1/events/raimondo-wang-wentao-lunch-meeting").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(event["date"]["label"], "28 August 2023");
    assert_eq!(event["date_phrase"], "on Monday");
    let wang = event["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == "wang-wentao")
        .unwrap();
    assert_eq!(wang["title"], "Minister of Commerce of China");
    // The article's paragraph beside both governments' readouts.
    let citations = event["citations"].as_array().unwrap();
    let article = citations
        .iter()
        .find(|c| c["source"] == "raimondo-beijing-2023-08-29")
        .unwrap();
    assert!(article["text"].as_str().unwrap().contains("two-hour lunch"));
    assert_eq!(article["paragraph"], 32);
    for readout in [
        "doc-readout-raimondo-wang-2023-08-28",
        "mofcom-wang-raimondo-2023-08-28",
    ] {
        assert!(
            citations.iter().any(|c| c["source"] == readout),
            "{readout}"
        );
    }
    // Every link in the record leads somewhere real.
    for path in [
        event["html_url"].as_str().unwrap(),
        wang["api_url"].as_str().unwrap(),
        event["next"]["api_url"].as_str().unwrap(),
    ] {
        let (status, _, _) = app.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn agreements_in_json_and_csv_carry_the_judged_status() {
    let app = seeded().await;
    let (_, list) = get_json(&app, "/api/v1/agreements?status=overdue").await;
    let overdue = slugs(&list);
    assert!(overdue.contains(&"trade-secrets-expert-talks".to_owned()));
    assert!(
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["status"] == "overdue")
    );
    let (_, html) = app.get_html("/agreements?status=overdue").await;
    assert_eq!(
        attrs(&html, ".agreement__title a", "href").len(),
        overdue.len()
    );
    let (_, one) = get_json(&app, "/api/v1/agreements/biden-xi-bali-understanding").await;
    assert_eq!(one["status"], "in-progress");
    assert_eq!(one["follow_ups"].as_array().unwrap().len(), 3);
    let (_, _, body) = app.get("/agreements.csv?status=overdue").await;
    assert_eq!(csv_slugs(&body), overdue);
}

#[tokio::test]
async fn officials_topics_and_organizations_have_json_records() {
    let app = seeded().await;
    let (_, officials) = get_json(&app, "/api/v1/officials").await;
    assert_eq!(
        officials["data"].as_array().unwrap().len() as i64,
        count(&app.pool, "people").await
    );
    let (_, li) = get_json(&app, "/api/v1/officials/li-qiang").await;
    assert_eq!(li["native_name"], "李强");
    assert!(
        li["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "Premier Li")
    );
    let (_, topic) = get_json(&app, "/api/v1/topics/export-controls").await;
    let (_, html) = app.get_html("/topics/export-controls").await;
    assert_eq!(
        topic["events"].as_array().unwrap().len(),
        event_slugs(&html).len()
    );
    let (status, org) = get_json(&app, "/api/v1/organizations/micron-technology").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(org["events"][0]["slug"], "china-bars-micron-products");
    let (_, _, body) = app.get("/officials.csv").await;
    assert_eq!(
        csv_slugs(&body).len() as i64,
        count(&app.pool, "people").await
    );
}

#[tokio::test]
async fn facet_counts_match_the_timeline_form() {
    let app = seeded().await;
    let filter = "topic=export-controls&official=li-qiang";
    let (_, facets) = get_json(&app, &format!("/api/v1/events/facets?{filter}")).await;
    let (_, html) = app.get_html(&format!("/?{filter}")).await;
    for (param, list) in [
        ("official", &facets["official"]),
        ("topic", &facets["topic"]),
        ("kind", &facets["kind"]),
    ] {
        for option in list.as_array().unwrap() {
            let value = option["value"].as_str().unwrap();
            assert_eq!(
                facet_count(&html, param, value),
                option["count"].as_i64(),
                "{param}={value}"
            );
        }
    }
    assert_eq!(
        facets["total"].as_i64().unwrap() as usize,
        event_slugs(&html).len()
    );
}

#[tokio::test]
async fn errors_are_json_with_the_status_and_parameter() {
    let app = seeded().await;
    for (path, status, parameter) in [
        ("/api/v1/events?from=2023-02-30", 400, Some("from")),
        ("/api/v1/events?official=nobody", 400, Some("official")),
        ("/api/v1/events?limit=0", 400, Some("limit")),
        ("/api/v1/events?limit=5&limit=6", 400, Some("limit")),
        ("/api/v1/events?cursor=garbage", 400, Some("cursor")),
        ("/api/v1/events?colour=red", 400, Some("colour")),
        ("/api/v1/agreements?status=late", 400, Some("status")),
        // A record that does not exist stays a 400 in JSON (the HTML pages answer unfiltered).
        ("/api/v1/agreements?party=atlantis", 400, Some("party")),
        ("/api/v1/events/facets?topic=cheese", 400, Some("topic")),
        ("/api/v1/events/no-such-event", 404, None),
        ("/api/v1/officials/nobody", 404, None),
        ("/api/v1/no/such/endpoint", 404, None),
    ] {
        let (got, body) = get_json(&app, path).await;
        assert_eq!(got.as_u16(), status, "{path}");
        assert_eq!(body["error"]["status"], status, "{path}");
        assert_eq!(body["error"]["parameter"].as_str(), parameter, "{path}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    let (status, _, body) = app.get("/events.csv?to=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("\"parameter\":\"to\""));
}

#[tokio::test]
async fn the_api_is_read_only_and_open_to_other_origins() {
    let app = seeded().await;
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let request = Request::builder()
            .method(method)
            .uri("/api/v1/events")
            .body(Body::empty())
            .unwrap();
        let (status, headers, _) = app.request(request).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(headers["allow"], "GET,HEAD", "{method}");
    }
    let request = Request::get("/api/v1/events")
        .header("origin", "https://example.org")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = app.request(request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["access-control-allow-origin"], "*");
    let head = Request::head("/api/v1/events/raimondo-meets-li-qiang")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = app.request(head).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, ""));
}

#[tokio::test]
async fn list_pages_link_their_csv_and_json_with_the_current_filters() {
    let app = seeded().await;
    let (_, html) = app.get_html("/?topic=tourism&official=gina-raimondo").await;
    let links = attrs(&html, ".formats a", "href");
    assert_eq!(
        links,
        [
            "/feed.atom?official=gina-raimondo&topic=tourism",
            "/calendar.ics?official=gina-raimondo&topic=tourism",
            "/events.csv?official=gina-raimondo&topic=tourism",
            "/api/v1/events?official=gina-raimondo&topic=tourism"
        ]
    );
    assert_eq!(
        attrs(
            &html,
            "link[rel=alternate][type='application/atom+xml']",
            "href"
        ),
        ["/feed.atom?official=gina-raimondo&topic=tourism"]
    );
    let (_, _, body) = app.get(&links[2]).await;
    assert_eq!(csv_slugs(&body), event_slugs(&html));
    let (_, json) = get_json(&app, &links[3]).await;
    assert_eq!(slugs(&json), event_slugs(&html));
    let (_, html) = app.get_html("/agreements?status=overdue").await;
    assert_eq!(
        attrs(&html, ".formats a", "href"),
        [
            "/agreements.csv?status=overdue",
            "/api/v1/agreements?status=overdue"
        ]
    );
}

#[tokio::test]
async fn sources_and_search_have_json_records() {
    let app = seeded().await;
    let (status, source) = get_json(&app, "/api/v1/sources/raimondo-beijing-2023-08-29").await;
    assert_eq!(status, StatusCode::OK);
    let paragraphs = source["paragraphs"].as_array().unwrap();
    assert_eq!(paragraphs.len(), 36);
    assert_eq!(source["cited_paragraphs"], 36);
    assert_eq!(
        paragraphs[31]["html_url"],
        "/sources/raimondo-beijing-2023-08-29#p32"
    );
    let cited_by: Vec<&str> = paragraphs[31]["cited_by"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["html_url"].as_str())
        .collect();
    assert!(
        cited_by.contains(&"/events/raimondo-wang-wentao-lunch-meeting"),
        "{cited_by:?}"
    );

    let (status, results) = get_json(&app, "/api/v1/search?q=Micron").await;
    assert_eq!(status, StatusCode::OK);
    let organizations = results["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == "organization")
        .unwrap();
    assert_eq!(
        organizations["hits"][0]["html_url"],
        "/organizations/micron-technology"
    );
    let highlighted: Vec<&str> = organizations["hits"][0]["title"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["highlighted"] == true)
        .filter_map(|s| s["text"].as_str())
        .collect();
    assert_eq!(highlighted, ["Micron"]);
    let (status, error) = get_json(&app, "/api/v1/search?q=").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["parameter"], "q");
}
