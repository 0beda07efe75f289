//! The commitment tracker, "cite this" and the change history.

mod common;

use axum::http::StatusCode;
use common::*;
use time::{Duration, OffsetDateTime};
use tradewatch::dataset;

/// Imports extra dataset files into the app's database, returning the revision.
async fn import(app: &TestApp, files: &[(&str, String)]) -> Result<i64, dataset::DatasetError> {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(n, t)| ((*n).to_owned(), t.clone()))
        .collect();
    let existing = dataset::existing_records(&app.pool)
        .await
        .expect("existing");
    let data = dataset::parse_and_validate(&files, &existing)?;
    Ok(dataset::import(&app.pool, &data, &files).await?.revision)
}

fn follow_up_event(slug: &str, date: &str, agreement: &str, effect: &str) -> String {
    format!(
        r#"
[[events]]
slug = "{slug}"
title = "Follow-up {slug}"
kind = "meeting"
date = "{date}"
status = "occurred"
sides = ["united-states", "china"]
class = "material-cooperation"
summary = "A later event."
participants = [{{ person = "gina-raimondo", role = "attendee" }}]
follows_up = [{{ agreement = "{agreement}", effect = "{effect}", note = "Test follow-up." }}]
cites = [{{ source = "raimondo-beijing-2023-08-29", paragraphs = [35] }}]
"#
    )
}

fn agreement_due(slug: &str, from: &str, to: &str) -> String {
    format!(
        r#"
[[agreements]]
slug = "{slug}"
title = "Agreement {slug}"
kind = "commitment"
parties = ["china"]
terms = "Something."
due = {{ from = "{from}", to = "{to}", precision = "day" }}
topics = ["tourism"]
cites = [{{ source = "raimondo-beijing-2023-08-29", paragraphs = [36] }}]
"#
    )
}

/// The status shown for each agreement on the list page, by slug.
fn statuses(html: &scraper::Html) -> Vec<(String, String)> {
    let hrefs = attrs(html, ".agreement__title a", "href");
    let tags = select(html, ".agreement__title .tag");
    hrefs
        .into_iter()
        .map(|h| h.trim_start_matches("/agreements/").to_owned())
        .zip(tags)
        .collect()
}

fn status_of(html: &scraper::Html, slug: &str) -> String {
    statuses(html)
        .into_iter()
        .find(|(s, _)| s == slug)
        .map(|(_, t)| t)
        .unwrap_or_default()
}

fn day(offset_days: i64) -> String {
    let d = OffsetDateTime::now_utc().date() + Duration::days(offset_days);
    tradewatch::domain::date::iso(d)
}

#[tokio::test]
async fn statuses_are_derived_from_the_bundled_record() {
    let app = seeded().await;
    let (status, html) = app.get_html("/agreements").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        statuses(&html).len() as i64,
        count(&app.pool, "agreements").await
    );
    // Partly fulfilled by the visits the article says followed from it.
    assert_eq!(
        status_of(&html, "biden-xi-bali-understanding"),
        "In progress"
    );
    // Due in early 2024, with no follow-up in the record.
    assert_eq!(status_of(&html, "tourism-meeting-early-2024"), "Overdue");
    // No due date and no follow-up.
    assert_eq!(
        status_of(&html, "export-control-information-exchange"),
        "Agreed"
    );
    let reasons = select(&html, ".agreement__reason");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("It was due in early 2024, and no follow-up is recorded")),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn each_status_follows_from_follow_ups_and_due_dates() {
    let app = seeded().await;
    let files = [
        (
            "fulfilled.toml",
            follow_up_event(
                "tourism-summit",
                "2024-05",
                "tourism-meeting-early-2024",
                "fulfils",
            ),
        ),
        (
            "broken.toml",
            follow_up_event(
                "exchange-halted",
                "2024-03-01",
                "export-control-information-exchange",
                "breaks",
            ),
        ),
        (
            "partly.toml",
            follow_up_event(
                "first-talks",
                "2023-12",
                "trade-secrets-expert-talks",
                "partly-fulfils",
            ),
        ),
        ("due.toml", agreement_due("due-now", &day(-10), &day(10))),
        (
            "future.toml",
            agreement_due("due-later", &day(30), &day(60)),
        ),
        (
            "past.toml",
            agreement_due("due-before", &day(-60), &day(-30)),
        ),
    ];
    import(&app, &files).await.expect("imported");
    let (_, html) = app.get_html("/agreements").await;
    assert_eq!(status_of(&html, "tourism-meeting-early-2024"), "Fulfilled");
    assert_eq!(
        status_of(&html, "export-control-information-exchange"),
        "Broken"
    );
    assert_eq!(
        status_of(&html, "trade-secrets-expert-talks"),
        "In progress"
    );
    assert_eq!(status_of(&html, "due-now"), "Due");
    assert_eq!(status_of(&html, "due-later"), "Agreed");
    assert_eq!(status_of(&html, "due-before"), "Overdue");

    // A later follow-up decides: breaking it after it was fulfilled makes it broken.
    import(
        &app,
        &[(
            "later.toml",
            follow_up_event(
                "summit-cancelled",
                "2025-01-10",
                "tourism-meeting-early-2024",
                "breaks",
            ),
        )],
    )
    .await
    .expect("imported");
    let (_, html) = app.get_html("/agreements/tourism-meeting-early-2024").await;
    assert_eq!(select(&html, ".record__kicker .tag--status"), ["Broken"]);
    assert!(
        select(&html, ".status-box")
            .join(" ")
            .contains("“Follow-up summit-cancelled” (10 January 2025), breaks it")
    );
    let followups: Vec<String> = attrs(&html, ".followup a", "href");
    assert_eq!(
        followups,
        ["/events/tourism-summit", "/events/summit-cancelled"]
    );

    // The follow-up event links back to what it follows up.
    let (_, html) = app.get_html("/events/tourism-summit").await;
    assert!(
        attrs(
            &html,
            "#follows-up-heading ~ .agreements .agreement__title a",
            "href"
        )
        .contains(&"/agreements/tourism-meeting-early-2024".to_owned())
    );
}

#[tokio::test]
async fn the_agreements_list_filters_by_status_party_and_topic() {
    let app = seeded().await;
    let (_, html) = app.get_html("/agreements?status=overdue").await;
    let shown = statuses(&html);
    assert!(!shown.is_empty());
    assert!(shown.iter().all(|(_, s)| s == "Overdue"), "{shown:?}");
    assert_eq!(
        facet_count(&html, "status", "overdue"),
        Some(shown.len() as i64)
    );

    let (_, html) = app
        .get_html("/agreements?party=us-department-of-commerce&topic=dialogue")
        .await;
    let shown: Vec<String> = statuses(&html).into_iter().map(|(s, _)| s).collect();
    assert!(
        shown.contains(&"annual-commerce-ministers-meeting".to_owned()),
        "{shown:?}"
    );
    assert!(
        !shown.contains(&"biden-xi-bali-understanding".to_owned()),
        "{shown:?}"
    );

    for (path, param) in [
        ("/agreements?status=late", "status"),
        ("/agreements?party=atlantis", "party"),
        ("/agreements?topic=cheese", "topic"),
        ("/agreements?kind=treaty", "kind"),
    ] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            select(&html, "[role=alert]")
                .join(" ")
                .contains(&format!("“{param}”")),
            "{path}"
        );
    }
}

#[tokio::test]
async fn agreement_pages_link_both_ways_with_events_and_officials() {
    let app = seeded().await;
    let (status, html) = app
        .get_html("/agreements/annual-commerce-ministers-meeting")
        .await;
    assert_eq!(status, StatusCode::OK);
    let links = attrs(&html, ".facts a", "href");
    assert!(
        links.contains(&"/events/commercial-issues-working-group-agreed".to_owned()),
        "{links:?}"
    );
    assert!(
        links.contains(&"/officials/wang-wentao".to_owned()),
        "{links:?}"
    );
    assert!(
        links.contains(&"/organizations/china-ministry-of-commerce".to_owned()),
        "{links:?}"
    );
    let (_, html) = app
        .get_html("/events/commercial-issues-working-group-agreed")
        .await;
    assert!(
        attrs(&html, ".agreement__title a", "href")
            .contains(&"/agreements/annual-commerce-ministers-meeting".to_owned())
    );
    let (_, html) = app.get_html("/officials/wang-wentao").await;
    assert!(
        attrs(&html, ".agreement__title a", "href")
            .contains(&"/agreements/annual-commerce-ministers-meeting".to_owned())
    );
    let (status, _) = app.get_html("/agreements/no-such-agreement").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn cite_this_gives_a_permalink_the_revision_and_three_formats() {
    let app = seeded().await;
    let (_, html) = app.get_html("/events/raimondo-meets-li-qiang").await;
    let permalink = "http://127.0.0.1:3000/events/raimondo-meets-li-qiang";
    assert_eq!(attrs(&html, ".cite .facts a", "href")[0], permalink);
    let plain = select(&html, "#cite-plain").join("");
    assert!(
        plain.contains("“Raimondo meets Premier Li Qiang.”")
            && plain.contains("data revision 1")
            && plain.contains(permalink),
        "{plain}"
    );
    let bibtex = select(&html, "#cite-bibtex").join("");
    assert!(
        bibtex.starts_with("@misc{tradewatch:event:raimondo-meets-li-qiang,"),
        "{bibtex}"
    );
    assert_eq!(
        bibtex.matches('{').count(),
        bibtex.matches('}').count(),
        "{bibtex}"
    );
    assert!(bibtex.contains("US--China"), "{bibtex}");
    let csl: serde_json::Value =
        serde_json::from_str(&select(&html, "#cite-csl").join("")).expect("CSL-JSON parses");
    assert_eq!(csl[0]["title"], "Raimondo meets Premier Li Qiang");
    assert_eq!(csl[0]["URL"], permalink);
    assert_eq!(csl[0]["type"], "webpage");
    assert!(csl[0]["issued"]["date-parts"][0][0].as_i64().is_some());

    for path in [
        "/officials/li-qiang",
        "/agreements/tourism-meeting-early-2024",
    ] {
        let (_, html) = app.get_html(path).await;
        assert_eq!(
            attrs(&html, ".cite .facts a", "href")[0],
            format!("http://127.0.0.1:3000{path}"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn each_import_records_a_revision_of_what_it_changed() {
    let app = seeded().await;
    let first: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM revision_changes WHERE revision_id = 1 AND change = 'added'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let records: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM people) + (SELECT COUNT(*) FROM organizations)
              + (SELECT COUNT(*) FROM topics) + (SELECT COUNT(*) FROM agreements) + (SELECT COUNT(*) FROM quotes)
              + (SELECT COUNT(*) FROM sources) + (SELECT COUNT(*) FROM countries)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(first, records, "the first import adds every record");

    // A second import: one new event, one edited event, everything else unchanged.
    let mut files = dataset::bundled_files();
    let events = files
        .iter_mut()
        .find(|(n, _)| n == "data/events.toml")
        .unwrap();
    events.1 = events.1.replace(
        "title = \"Raimondo meets Premier Li Qiang\"",
        "title = \"Raimondo meets Li Qiang\"",
    );
    let named: Vec<(&str, String)> = files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    let mut with_new = named.clone();
    with_new.push((
        "new.toml",
        follow_up_event(
            "tourism-summit",
            "2024-05",
            "tourism-meeting-early-2024",
            "fulfils",
        ),
    ));
    assert_eq!(import(&app, &with_new).await.expect("imported"), 2);
    let changes: Vec<(String, String, String)> =
        sqlx::query_as("SELECT record_type, slug, change FROM revision_changes WHERE revision_id = 2 ORDER BY slug")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        changes,
        [
            (
                "event".to_owned(),
                "raimondo-meets-li-qiang".to_owned(),
                "updated".to_owned()
            ),
            (
                "event".to_owned(),
                "tourism-summit".to_owned(),
                "added".to_owned()
            ),
        ]
    );

    // A failing import records nothing.
    let mut broken = named.clone();
    broken.push((
        "bad.toml",
        follow_up_event("bad", "2024-05", "no-such-agreement", "fulfils"),
    ));
    assert!(import(&app, &broken).await.is_err());
    assert_eq!(count(&app.pool, "revisions").await, 2);

    // The history and the record's page say so.
    let (status, html) = app.get_html("/changes").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        select(&html, ".revision h2")
            .iter()
            .map(|h| h.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>(),
        ["Revision 2", "Revision 1"]
    );
    let latest = select(&html, "#revision-2 ~ ul li");
    assert!(
        select(&html, ".revision")
            .first()
            .is_some_and(|r| r.contains("1 added, 1 updated"))
    );
    assert!(
        attrs(&html, ".revision a", "href").contains(&"/events/tourism-summit".to_owned()),
        "{latest:?}"
    );
    let (_, html) = app.get_html("/events/raimondo-meets-li-qiang").await;
    assert!(
        select(&html, ".cite .facts")
            .join(" ")
            .contains("Last changedin revision 2,")
    );
    let (_, html) = app
        .get_html("/events/raimondo-wang-wentao-lunch-meeting")
        .await;
    assert!(
        select(&html, ".cite .facts")
            .join(" ")
            .contains("Last changedin revision 1,")
    );
}
