//! Phases of a policy action: imported with their citations, checked for order and repetition,
//! shown on the event page and in its JSON, carried by the calendar, and the `in_force` filter
//! at each edge of a phase (the day before it takes effect, the day it does, the day it is
//! revoked), with day- and month-precise phase dates, through the HTML, the JSON and the CSV.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::*;
use tradewatch::dataset;

/// A summary source and three test events: one with day-precise phases, one with month-precise
/// phases, one suspended and resumed.
const PHASES: &str = r#"
[[sources]]
slug = "test-controls-notice"
title = "Notice on the test controls"
publisher = "Test ministry"
voice = "chinese-government"
language = "en"
published = "2023-07-03"
url = "https://example.org/notice"
points = [
  "The ministry announced controls on two metals.",
  "The controls take effect on the first day of August.",
  "The controls were lifted in November.",
  "A second measure took effect in March.",
]

[[events]]
slug = "test-day-controls"
title = "Test controls dated to the day"
kind = "policy"
date = "2023-07-03"
status = "occurred"
sides = ["china"]
class = "material-conflict"
summary = "Controls on two metals, announced, in force and revoked on known days."
topics = ["export-controls"]
cites = [{ source = "test-controls-notice", points = [1] }]
phases = [
  { phase = "announced", date = "2023-07-03", cites = [{ source = "test-controls-notice", points = [1] }] },
  { phase = "in-force", date = "2023-08-01", date_phrase = "the first day of August", cites = [{ source = "test-controls-notice", points = [2] }] },
  { phase = "revoked", date = "2025-11-10", note = "Lifted as part of a truce.", cites = [{ source = "test-controls-notice", points = [3] }] },
]

[[events]]
slug = "test-month-controls"
title = "Test controls dated to the month"
kind = "policy"
date = "2024-02"
status = "occurred"
sides = ["china"]
class = "material-conflict"
summary = "A measure in force from some day in March 2024 and revoked some day in November 2025."
cites = [{ source = "test-controls-notice", points = [4] }]
phases = [
  { phase = "in-force", date = "2024-03", cites = [{ source = "test-controls-notice", points = [4] }] },
  { phase = "revoked", date = "2025-11", cites = [{ source = "test-controls-notice", points = [3] }] },
]

[[events]]
slug = "test-suspended-controls"
title = "Test controls suspended and resumed"
kind = "policy"
date = "2024-01-10"
status = "occurred"
sides = ["united-states"]
class = "material-conflict"
summary = "A measure in force, suspended for a while, then in force again."
cites = [{ source = "test-controls-notice", points = [2] }]
phases = [
  { phase = "in-force", date = "2024-01-10", cites = [{ source = "test-controls-notice", points = [2] }] },
  { phase = "suspended", date = "2024-06-01", cites = [{ source = "test-controls-notice", points = [3] }] },
  { phase = "resumed", date = "2024-09-01", cites = [{ source = "test-controls-notice", points = [2] }] },
]
"#;

/// The real dataset with the test events imported over it.
async fn with_phases() -> TestApp {
    let app = seeded().await;
    let files = vec![("data/test-phases.toml".to_owned(), PHASES.to_owned())];
    let existing = dataset::existing_records(&app.pool).await.unwrap();
    let data = dataset::parse_and_validate(&files, &existing).unwrap();
    dataset::import(&app.pool, &data, &files).await.unwrap();
    app
}

/// The test events among `slugs`, sorted.
fn tests_among(slugs: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut found: Vec<String> = slugs
        .into_iter()
        .filter(|s| s.starts_with("test-"))
        .collect();
    found.sort();
    found
}

/// The test events in force on `day`, asked of the timeline, the JSON API and the CSV; all
/// three must agree.
async fn in_force_on(app: &TestApp, day: &str) -> Vec<String> {
    let (status, html) = app.get_html(&format!("/?in_force={day}")).await;
    assert_eq!(status, StatusCode::OK, "{day}");
    let from_html = tests_among(event_slugs(&html));

    let (status, _, body) = app
        .get(&format!("/api/v1/events?in_force={day}&limit=1000"))
        .await;
    assert_eq!(status, StatusCode::OK, "{day}: {body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let from_json = tests_among(
        json["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["slug"].as_str().unwrap().to_owned()),
    );

    let (status, _, body) = app.get(&format!("/events.csv?in_force={day}")).await;
    assert_eq!(status, StatusCode::OK, "{day}");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let slug_column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "slug")
        .unwrap();
    let from_csv = tests_among(
        reader
            .records()
            .map(|r| r.unwrap().get(slug_column).unwrap().to_owned()),
    );

    assert_eq!(from_html, from_json, "{day}: HTML and JSON");
    assert_eq!(from_html, from_csv, "{day}: HTML and CSV");
    from_html
}

#[tokio::test]
async fn in_force_at_each_edge_of_day_precise_phases() {
    let app = with_phases().await;
    let day = "test-day-controls";
    // The day before it takes effect, the day it does, the day before and the day of revocation.
    assert!(!in_force_on(&app, "2023-07-31").await.contains(&day.into()));
    assert!(in_force_on(&app, "2023-08-01").await.contains(&day.into()));
    assert!(in_force_on(&app, "2025-11-09").await.contains(&day.into()));
    assert!(!in_force_on(&app, "2025-11-10").await.contains(&day.into()));
    // Announced is not in force.
    assert!(!in_force_on(&app, "2023-07-03").await.contains(&day.into()));
}

#[tokio::test]
async fn in_force_with_month_precise_phases_counts_only_certain_days() {
    let app = with_phases().await;
    let month = "test-month-controls";
    // "March 2024": certainly in force only from its last day.
    assert!(
        !in_force_on(&app, "2024-03-01")
            .await
            .contains(&month.into())
    );
    assert!(
        !in_force_on(&app, "2024-03-30")
            .await
            .contains(&month.into())
    );
    assert!(
        in_force_on(&app, "2024-03-31")
            .await
            .contains(&month.into())
    );
    // "November 2025": perhaps no longer in force from its first day.
    assert!(
        in_force_on(&app, "2025-10-31")
            .await
            .contains(&month.into())
    );
    assert!(
        !in_force_on(&app, "2025-11-01")
            .await
            .contains(&month.into())
    );
}

#[tokio::test]
async fn a_suspension_takes_a_measure_out_of_force_until_it_resumes() {
    let app = with_phases().await;
    assert_eq!(
        in_force_on(&app, "2024-05-31").await,
        [
            "test-day-controls",
            "test-month-controls",
            "test-suspended-controls"
        ]
    );
    assert_eq!(
        in_force_on(&app, "2024-06-01").await,
        ["test-day-controls", "test-month-controls"]
    );
    assert_eq!(
        in_force_on(&app, "2024-09-01").await,
        [
            "test-day-controls",
            "test-month-controls",
            "test-suspended-controls"
        ]
    );
    assert_eq!(
        in_force_on(&app, "2026-01-01").await,
        ["test-suspended-controls"]
    );
}

#[tokio::test]
async fn in_force_combines_with_the_other_filters_and_keeps_its_value_in_the_form() {
    let app = with_phases().await;
    let (status, html) = app
        .get_html("/?in_force=2024-07-01&topic=export-controls")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tests_among(event_slugs(&html)), ["test-day-controls"]);
    assert_eq!(
        attrs(&html, "input[name=in_force]", "value"),
        ["2024-07-01"]
    );
    assert_eq!(
        select(&html, "label[for=filter-in-force]"),
        ["Policy actions in force on"]
    );
    assert!(
        select(&html, ".active-filters .chip")
            .iter()
            .any(|c| c.contains("In force on 2024-07-01"))
    );
    let (status, _, body) = app.get("/api/v1/events/facets?in_force=2024-07-01").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The feeds take the same filter.
    let (status, _, body) = app.get("/feed.atom?in_force=2024-07-01").await;
    assert_eq!(status, StatusCode::OK);
    let feed = roxmltree::Document::parse(&body).unwrap();
    let entries: Vec<String> = feed
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| {
            e.children()
                .find(|c| c.has_tag_name("id"))
                .and_then(|c| c.text())
                .map(str::to_owned)
        })
        .collect();
    let tests: Vec<&String> = entries
        .iter()
        .filter(|e| e.contains("/events/test-"))
        .collect();
    assert_eq!(tests.len(), 2, "{entries:?}");
}

#[tokio::test]
async fn a_bad_in_force_day_is_a_400_naming_the_parameter() {
    let app = seeded().await;
    let (status, html) = app.get_html("/?in_force=2024-02-30").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(select(&html, "#filter-error").concat().contains("in_force"));
    for path in [
        "/api/v1/events?in_force=soon",
        "/events.csv?in_force=2024",
        "/calendar.ics?in_force=2024-13-01",
    ] {
        let (status, _, body) = app.get(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            body.contains("\"parameter\":\"in_force\""),
            "{path}: {body}"
        );
    }
}

#[tokio::test]
async fn the_event_page_lists_the_phases_with_dates_citations_and_the_state_in_words() {
    let app = with_phases().await;
    let (status, html) = app.get_html("/events/test-day-controls").await;
    assert_eq!(status, StatusCode::OK);
    let names = select(&html, "ol.phases .phase__name");
    assert_eq!(names, ["Announced", "In force", "Revoked"]);
    assert_eq!(
        attrs(&html, "ol.phases time", "datetime"),
        ["2023-07-03", "2023-08-01", "2025-11-10"]
    );
    assert_eq!(
        attrs(&html, "ol.phases .phase__cites a", "href"),
        [
            "/sources/test-controls-notice#p1",
            "/sources/test-controls-notice#p2",
            "/sources/test-controls-notice#p3"
        ]
    );
    assert_eq!(
        select(&html, ".phases__state"),
        ["Revoked on 10 November 2025."]
    );
    assert!(select(&html, ".phase__note").concat().contains("truce"));
    // The phases' citations are the event's too.
    let cited = attrs(
        &html,
        "#sources-heading ~ .source .paragraph__number",
        "href",
    );
    assert_eq!(cited.len(), 3, "{cited:?}");

    let (_, html) = app.get_html("/events/test-suspended-controls").await;
    assert_eq!(
        select(&html, ".phases__state"),
        ["In force again since 1 September 2024."]
    );
    // An event with no phases has no such section.
    let (_, html) = app
        .get_html("/events/raimondo-wang-wentao-lunch-meeting")
        .await;
    assert!(select(&html, "ol.phases").is_empty());
}

#[tokio::test]
async fn the_event_json_carries_the_phases() {
    let app = with_phases().await;
    let (status, _, body) = app.get("/api/v1/events/test-month-controls").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let phases = json["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 2);
    assert_eq!(phases[0]["phase"], "in-force");
    assert_eq!(phases[0]["date"]["start"], "2024-03-01");
    assert_eq!(phases[0]["date"]["end"], "2024-03-31");
    assert_eq!(phases[0]["date"]["precision"], "month");
    assert_eq!(phases[0]["citations"][0]["source"], "test-controls-notice");
    assert_eq!(phases[0]["citations"][0]["paragraph"], 4);
    assert_eq!(phases[0]["citations"][0]["text_kind"], "summary");
    assert_eq!(phases[1]["phase"], "revoked");
    assert_eq!(json["phase_state"], "Revoked in November 2025");
    let (_, _, body) = app
        .get("/api/v1/events/raimondo-wang-wentao-lunch-meeting")
        .await;
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["phases"], serde_json::json!([]));
    assert!(json["phase_state"].is_null());
}

#[tokio::test]
async fn the_calendar_carries_each_day_a_measure_takes_effect() {
    let app = with_phases().await;
    let (status, _, body) = app.get("/calendar.ics?kind=policy").await;
    assert_eq!(status, StatusCode::OK);
    let unfolded = icalendar::parser::unfold(&body);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("valid iCalendar");
    let prop = |c: &icalendar::parser::Component, name: &str| {
        c.properties
            .iter()
            .find(|p| p.name.as_str() == name)
            .map(|p| p.val.as_str().to_owned())
    };
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .collect();
    let uids: Vec<String> = events.iter().filter_map(|e| prop(e, "UID")).collect();
    assert!(uids.contains(&"event-test-day-controls@tradewatch".to_owned()));
    let effect = events
        .iter()
        .find(|e| {
            prop(e, "UID").as_deref() == Some("in-force-test-day-controls-2023-08-01@tradewatch")
        })
        .expect("the day it takes effect");
    assert_eq!(prop(effect, "DTSTART").as_deref(), Some("20230801"));
    assert_eq!(prop(effect, "DTEND").as_deref(), Some("20230802"));
    assert_eq!(
        prop(effect, "SUMMARY").as_deref(),
        Some("Takes effect: Test controls dated to the day")
    );
    // A month-precise date spans the month and says so, as events do.
    let month = events
        .iter()
        .find(|e| {
            prop(e, "UID").as_deref() == Some("in-force-test-month-controls-2024-03-01@tradewatch")
        })
        .expect("the month it takes effect");
    assert_eq!(
        (
            prop(month, "DTSTART").as_deref(),
            prop(month, "DTEND").as_deref()
        ),
        (Some("20240301"), Some("20240401"))
    );
    assert!(uids.contains(&"resumed-test-suspended-controls-2024-09-01@tradewatch".to_owned()));
}

#[tokio::test]
async fn the_real_policy_actions_are_in_force_from_the_days_their_sources_give() {
    let app = seeded().await;
    let in_force = |day: &'static str| {
        let app = &app;
        async move {
            let (status, html) = app.get_html(&format!("/?in_force={day}")).await;
            assert_eq!(status, StatusCode::OK);
            event_slugs(&html)
        }
    };
    let gallium = "china-gallium-germanium-export-controls".to_owned();
    let chips = "us-tightens-chip-export-controls-2023-10".to_owned();
    // Gallium and germanium: announced 3 July, in force 1 August 2023.
    assert!(!in_force("2023-07-31").await.contains(&gallium));
    assert!(in_force("2023-08-01").await.contains(&gallium));
    // US chip rules of 17 October 2023: published 25 October, in force 17 November.
    assert!(!in_force("2023-11-16").await.contains(&chips));
    assert!(in_force("2023-11-17").await.contains(&chips));
    // China's ban of 3 December 2024 stays in force after its partial suspension.
    let ban = "china-bans-dual-use-exports-to-us-military-2024-12".to_owned();
    assert!(!in_force("2024-12-02").await.contains(&ban));
    assert!(in_force("2024-12-03").await.contains(&ban));
    assert!(in_force("2026-01-01").await.contains(&ban));

    let (_, html) = app.get_html(&format!("/events/{chips}")).await;
    assert_eq!(
        select(&html, "ol.phases .phase__name"),
        ["Announced", "Published", "Published", "In force"]
    );
    assert_eq!(
        select(&html, ".phases__state"),
        ["In force since 17 November 2023."]
    );
}

fn errors_of(text: &str) -> String {
    let files = vec![("data/test-phases.toml".to_owned(), text.to_owned())];
    let mut all = bundled_unstamped();
    all.extend(files);
    match dataset::parse_and_validate(&all, &dataset::Existing::default()) {
        Ok(_) => panic!("the dataset should be rejected"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn phase_mistakes_name_file_record_and_field() {
    let record = "data/test-phases.toml: event \"test-day-controls\"";
    for (from, to, expected) in [
        (
            "phase = \"revoked\"",
            "phase = \"repealed\"",
            format!("{record}: phases[2].phase: \"repealed\" is not a policy phase"),
        ),
        (
            "date = \"2023-08-01\"",
            "date = \"2023-06-01\"",
            format!("{record}: phases[1]: is out of chronological order"),
        ),
        (
            "points = [2] }] },\n  { phase = \"revoked\"",
            "points = [9] }] },\n  { phase = \"revoked\"",
            format!(
                "{record}: phases[1].cites.points: source \"test-controls-notice\" has no point 9"
            ),
        ),
        (
            "phase = \"revoked\", date = \"2025-11-10\"",
            "phase = \"in-force\", date = \"2025-11-10\"",
            format!("{record}: phases[2]: puts the measure in force again"),
        ),
        (
            "{ phase = \"announced\", date = \"2023-07-03\", cites = [{ source = \"test-controls-notice\", points = [1] }] },",
            "{ phase = \"announced\", date = \"2023-07-03\" },",
            format!("{record}: phases[0].cites: is missing"),
        ),
        (
            "date = \"2025-11-10\"",
            "date = \"2025-11-31\"",
            format!("{record}: phases[2].date: \"2025-11-31\" is not a real date"),
        ),
    ] {
        assert!(PHASES.contains(from), "{from}");
        let errors = errors_of(&PHASES.replacen(from, to, 1));
        assert!(errors.contains(&expected), "{expected}\n in:\n{errors}");
    }
}

#[tokio::test]
async fn importing_phases_stores_them_with_their_stretches_and_replaces_them_on_reimport() {
    let app = with_phases().await;
    let stretches: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT e.slug, f.from_day, f.until_day FROM event_in_force f JOIN events e ON e.id = f.event_id
          WHERE e.slug LIKE 'test-%' ORDER BY e.slug, f.from_day",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let expected =
        |s: &str, f: &str, u: Option<&str>| (s.to_owned(), f.to_owned(), u.map(str::to_owned));
    assert_eq!(
        stretches,
        [
            expected("test-day-controls", "2023-08-01", Some("2025-11-10")),
            expected("test-month-controls", "2024-03-31", Some("2025-11-01")),
            expected("test-suspended-controls", "2024-01-10", Some("2024-06-01")),
            expected("test-suspended-controls", "2024-09-01", None),
        ]
    );
    // Dropping the revocation on re-import leaves the measure in force, with no stale rows.
    let files = vec![(
        "data/test-phases.toml".to_owned(),
        PHASES.replacen(
            ",\n  { phase = \"revoked\", date = \"2025-11-10\", note = \"Lifted as part of a truce.\", cites = [{ source = \"test-controls-notice\", points = [3] }] },",
            ",",
            1,
        ),
    )];
    let existing = dataset::existing_records(&app.pool).await.unwrap();
    let data = dataset::parse_and_validate(&files, &existing).unwrap();
    dataset::import(&app.pool, &data, &files).await.unwrap();
    let phases: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM event_phases p JOIN events e ON e.id = p.event_id WHERE e.slug = 'test-day-controls'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(phases, 2);
    assert!(
        in_force_on(&app, "2030-01-01")
            .await
            .contains(&"test-day-controls".to_owned())
    );
}
