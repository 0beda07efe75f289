//! Real responses of every API endpoint validate against the OpenAPI document's own schemas.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::collections::BTreeSet;

use common::*;
use serde_json::{Value, json};

/// `(request, path template, status)` for every documented operation, and some errors.
const CASES: &[(&str, &str, u16)] = &[
    ("/api/v1/events?limit=5", "/api/v1/events", 200),
    (
        "/api/v1/events?official=li-qiang&sort=desc",
        "/api/v1/events",
        200,
    ),
    ("/api/v1/events?from=2023-02-30", "/api/v1/events", 400),
    (
        "/api/v1/events/facets?topic=tourism",
        "/api/v1/events/facets",
        200,
    ),
    (
        "/api/v1/events/facets?kind=nope",
        "/api/v1/events/facets",
        400,
    ),
    (
        "/api/v1/events/raimondo-wang-wentao-lunch-meeting",
        "/api/v1/events/{slug}",
        200,
    ),
    (
        "/api/v1/events/commercial-issues-working-group-agreed",
        "/api/v1/events/{slug}",
        200,
    ),
    ("/api/v1/events/no-such-event", "/api/v1/events/{slug}", 404),
    ("/api/v1/officials", "/api/v1/officials", 200),
    (
        "/api/v1/officials/li-qiang",
        "/api/v1/officials/{slug}",
        200,
    ),
    ("/api/v1/officials/nobody", "/api/v1/officials/{slug}", 404),
    ("/api/v1/topics", "/api/v1/topics", 200),
    (
        "/api/v1/topics/export-controls",
        "/api/v1/topics/{slug}",
        200,
    ),
    (
        "/api/v1/organizations/micron-technology",
        "/api/v1/organizations/{slug}",
        200,
    ),
    (
        "/api/v1/organizations/nobody",
        "/api/v1/organizations/{slug}",
        404,
    ),
    ("/api/v1/agreements", "/api/v1/agreements", 200),
    (
        "/api/v1/agreements?limit=2&cursor=2023-08-28.a&status=agreed",
        "/api/v1/agreements",
        200,
    ),
    (
        "/api/v1/agreements?cursor=2023.x",
        "/api/v1/agreements",
        400,
    ),
    ("/api/v1/agreements?status=late", "/api/v1/agreements", 400),
    (
        "/api/v1/agreements/biden-xi-bali-understanding",
        "/api/v1/agreements/{slug}",
        200,
    ),
    (
        "/api/v1/agreements/nothing",
        "/api/v1/agreements/{slug}",
        404,
    ),
    (
        "/api/v1/sources/raimondo-beijing-2023-08-29",
        "/api/v1/sources/{slug}",
        200,
    ),
    ("/api/v1/sources/nothing", "/api/v1/sources/{slug}", 404),
    ("/api/v1/readouts", "/api/v1/readouts", 200),
    (
        "/api/v1/readouts?official=gina-raimondo&topic=export-controls",
        "/api/v1/readouts",
        200,
    ),
    ("/api/v1/readouts?official=nobody", "/api/v1/readouts", 400),
    ("/api/v1/readouts?kind=meeting", "/api/v1/readouts", 400),
    (
        "/api/v1/events/readout-test-lunch",
        "/api/v1/events/{slug}",
        200,
    ),
    ("/api/v1/search?q=export%20contr", "/api/v1/search", 200),
    ("/api/v1/search?q=%2A%2A", "/api/v1/search", 400),
    ("/api/v1/search", "/api/v1/search", 400),
];

#[tokio::test]
async fn every_response_validates_against_the_document() {
    // With readouts, so that events' accounts and the readouts list have content to check.
    let app = seeded_with_readouts().await;
    let (status, _, body) = app.get("/api/v1/openapi.json").await;
    assert_eq!(status.as_u16(), 200);
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));

    for (request, template, expected) in CASES {
        let (status, _, body) = app.get(request).await;
        assert_eq!(status.as_u16(), *expected, "{request}");
        let instance: Value = serde_json::from_str(&body).unwrap();
        let schema = &doc["paths"][template]["get"]["responses"][expected.to_string()]["content"]["application/json"]
            ["schema"];
        assert!(
            schema.is_object(),
            "{template} documents no {expected} response"
        );
        let root = json!({ "$ref": schema["$ref"], "components": doc["components"] });
        let validator = jsonschema::validator_for(&root).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{request}: {errors:#?}");
    }

    // Every documented path is exercised above.
    let documented: BTreeSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|p| *p != "/api/v1/openapi.json")
        .collect();
    let tested: BTreeSet<&str> = CASES.iter().map(|(_, template, _)| *template).collect();
    assert_eq!(documented, tested);
}

#[tokio::test]
async fn a_wrong_response_would_fail_validation() {
    let app = seeded().await;
    let (_, _, body) = app.get("/api/v1/openapi.json").await;
    let doc: Value = serde_json::from_str(&body).unwrap();
    let root =
        json!({ "$ref": "#/components/schemas/EventSummary", "components": doc["components"] });
    let validator = jsonschema::validator_for(&root).unwrap();
    let (_, _, list) = app.get("/api/v1/events?limit=1").await;
    let mut event: Value = serde_json::from_str::<Value>(&list).unwrap()["data"][0].clone();
    assert!(validator.is_valid(&event));
    event["date"]["start"] = json!(20230828);
    assert!(
        !validator.is_valid(&event),
        "a number where the document says string"
    );
}

#[tokio::test]
async fn the_api_page_lists_every_endpoint_of_the_document() {
    let app = seeded().await;
    let (status, html) = app.get_html("/api").await;
    assert_eq!(status.as_u16(), 200);
    let listed = select(&html, ".endpoint code");
    for path in [
        "/api/v1/events",
        "/api/v1/events/{slug}",
        "/api/v1/agreements",
        "/api/v1/openapi.json",
    ] {
        assert!(
            listed.iter().any(|l| l.ends_with(path)),
            "{path} in {listed:?}"
        );
    }
    assert!(attrs(&html, "a", "href").contains(&"/api/v1/openapi.json".to_owned()));
}

fn slugs_of(body: &str) -> Vec<Value> {
    let list: Value = serde_json::from_str(body).unwrap();
    let mut slugs: Vec<Value> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["slug"].clone())
        .collect();
    slugs.sort_by_key(|s| s.as_str().unwrap().to_owned());
    slugs
}

fn parameter<'a>(doc: &'a Value, path: &str, name: &str) -> &'a Value {
    doc["paths"][path]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{path} has no parameter {name}"))
}

#[tokio::test]
async fn slug_filters_accept_exactly_the_slugs_of_the_dataset() {
    let app = seeded().await;
    let (_, _, body) = app.get("/api/v1/openapi.json").await;
    let doc: Value = serde_json::from_str(&body).unwrap();
    for (list, path, name) in [
        ("/api/v1/officials", "/api/v1/events", "official"),
        ("/api/v1/topics", "/api/v1/events", "topic"),
        ("/api/v1/topics", "/api/v1/events/facets", "topic"),
        ("/api/v1/topics", "/api/v1/agreements", "topic"),
    ] {
        let (_, _, body) = app.get(list).await;
        let mut expected = slugs_of(&body);
        expected.push(json!(""));
        let listed = &parameter(&doc, path, name)["schema"]["items"]["enum"];
        assert_eq!(listed, &json!(expected), "{path} ?{name}");
        // Each listed slug is accepted, and one not listed is refused.
        for slug in expected.iter().filter_map(Value::as_str) {
            let (status, _, _) = app.get(&format!("{path}?{name}={slug}")).await;
            assert_eq!(status.as_u16(), 200, "{path}?{name}={slug}");
        }
        let (status, _, _) = app.get(&format!("{path}?{name}=not-listed")).await;
        assert_eq!(status.as_u16(), 400, "{path}?{name}=not-listed");
    }
    let parties = &parameter(&doc, "/api/v1/agreements", "party")["schema"]["items"]["enum"];
    for party in ["china", "united-states", "micron-technology", ""] {
        assert!(
            parties.as_array().unwrap().contains(&json!(party)),
            "{party}"
        );
    }
}

#[tokio::test]
async fn every_path_example_names_a_record_and_every_link_an_operation() {
    let app = seeded().await;
    let (_, _, body) = app.get("/api/v1/openapi.json").await;
    let doc: Value = serde_json::from_str(&body).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let operations: BTreeSet<&str> = paths
        .values()
        .filter_map(|item| item["get"]["operationId"].as_str())
        .collect();
    assert_eq!(operations.len(), paths.len(), "every operation has an id");
    let mut linked = BTreeSet::new();
    for (path, item) in paths {
        let get = &item["get"];
        for p in get["parameters"].as_array().into_iter().flatten() {
            if p["in"] == "path" {
                let example = p["example"].as_str().unwrap_or_else(|| {
                    panic!("{path}: path parameter {} has no example", p["name"])
                });
                let (status, _, _) = app.get(&path.replace("{slug}", example)).await;
                assert_eq!(status.as_u16(), 200, "{path} with its example {example}");
            }
        }
        for (name, link) in get["responses"]["200"]["links"]
            .as_object()
            .into_iter()
            .flatten()
        {
            let target = link["operationId"].as_str().unwrap();
            assert!(operations.contains(target), "{path} link {name}: {target}");
            linked.insert(target);
        }
    }
    // Every record operation is reached from a list or another record.
    for target in [
        "getEvent",
        "getOfficial",
        "getTopic",
        "getOrganization",
        "getAgreement",
        "getSource",
    ] {
        assert!(linked.contains(target), "no link leads to {target}");
    }
}

#[tokio::test]
async fn the_document_states_the_limit_and_search_text_the_server_enforces() {
    let app = seeded().await;
    let (_, _, body) = app.get("/api/v1/openapi.json").await;
    let doc: Value = serde_json::from_str(&body).unwrap();
    for path in ["/api/v1/events", "/api/v1/agreements"] {
        let limit = &parameter(&doc, path, "limit")["schema"];
        let (min, max) = (
            limit["minimum"].as_i64().unwrap(),
            limit["maximum"].as_i64().unwrap(),
        );
        for (n, expected) in [(min - 1, 400), (min, 200), (max, 200), (max + 1, 400)] {
            let (status, _, _) = app.get(&format!("{path}?limit={n}")).await;
            assert_eq!(status.as_u16(), expected, "{path}?limit={n}");
        }
    }
    let q = parameter(&doc, "/api/v1/search", "q");
    assert_eq!(q["required"], true);
    let max = q["schema"]["maxLength"].as_u64().unwrap() as usize;
    let (status, _, _) = app
        .get(&format!("/api/v1/search?q={}", "a".repeat(max)))
        .await;
    assert_eq!(status.as_u16(), 200);
    let (status, _, _) = app
        .get(&format!("/api/v1/search?q={}", "a".repeat(max + 1)))
        .await;
    assert_eq!(status.as_u16(), 400);
}
