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
    // Due in the first half of 2024 (China's tourism ministry, the one government window;
    // the article said "early 2024") and held on 21–23 May 2024, by the Xi'an summit.
    assert_eq!(status_of(&html, "tourism-meeting-early-2024"), "Fulfilled");
    // Met in San Francisco on 16 November 2023, within the year.
    assert_eq!(
        status_of(&html, "annual-commerce-ministers-meeting"),
        "Fulfilled"
    );
    // The working group's first meeting, 4 April 2024, inside the early-2024 window.
    assert_eq!(status_of(&html, "commerce-deputies-meetings"), "Fulfilled");
    // No due date; its first session was held the day after it was agreed.
    assert_eq!(
        status_of(&html, "export-control-information-exchange"),
        "Fulfilled"
    );
    // Set for January 2024; no record that the talks were held.
    assert_eq!(status_of(&html, "trade-secrets-expert-talks"), "Overdue");
    // No due date and no follow-up.
    assert_eq!(status_of(&html, "chinese-group-tours-to-us"), "Agreed");
    let reasons = select(&html, ".agreement__reason");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("It was due in January 2024, and no follow-up is recorded")),
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
        (
            "met.toml",
            agreement_due("met-in-time", &day(-60), &day(-30)),
        ),
        (
            "met-event.toml",
            follow_up_event("meeting-in-time", &day(-30), "met-in-time", "fulfils"),
        ),
        ("late.toml", agreement_due("met-late", &day(-60), &day(-30))),
        (
            "late-event.toml",
            follow_up_event("meeting-late", &day(-29), "met-late", "fulfils"),
        ),
    ];
    import(&app, &files).await.expect("imported");
    let (_, html) = app.get_html("/agreements").await;
    // Met the day after its window closed: fulfilled, but late.
    assert_eq!(status_of(&html, "met-late"), "Fulfilled late");
    // Met on the last day of its window: on time.
    assert_eq!(status_of(&html, "met-in-time"), "Fulfilled");
    let (_, late) = app.get_html("/agreements?status=fulfilled-late").await;
    assert_eq!(listed(&late), ["met-late"]);
    let (_, page) = app.get_html("/agreements/met-late").await;
    assert_eq!(
        select(&page, ".record__kicker .tag--status"),
        ["Fulfilled late"]
    );
    assert!(
        select(&page, ".status-box--fulfilled-late")
            .join(" ")
            .contains("“Follow-up meeting-late” ("),
        "{:?}",
        select(&page, ".status-box")
    );
    assert!(
        select(&page, ".status-box--fulfilled-late")
            .join(" ")
            .contains("fulfils it, after it was due by "),
        "{:?}",
        select(&page, ".status-box")
    );
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
    // The list, judged before this import, judges again.
    let (_, html) = app.get_html("/agreements").await;
    assert_eq!(status_of(&html, "tourism-meeting-early-2024"), "Broken");
    let (_, html) = app.get_html("/agreements/tourism-meeting-early-2024").await;
    assert_eq!(select(&html, ".record__kicker .tag--status"), ["Broken"]);
    assert!(
        select(&html, ".status-box")
            .join(" ")
            .contains("“Follow-up summit-cancelled” (10 January 2025), breaks it")
    );
    let followups: Vec<String> = attrs(&html, ".followup > a", "href");
    assert_eq!(
        followups,
        [
            "/events/tourism-summit",
            "/events/us-china-tourism-leadership-summit-xian-2024",
            "/events/summit-cancelled"
        ]
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
        assert_bad_request_naming(&app, path, param).await;
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
    let mut files = common::bundled_unstamped();
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

/// A generated archive of 10,000 events (about 330 agreements: several pages of the list) and
/// the app over it, with every agreement's status as of today judged by SQL alone in the table
/// `oracle` (slug, status, parties, topics, position in the list's order), for the tests to count
/// against.
async fn archive() -> (TestApp, tempfile::TempDir) {
    let (pool, dir) = empty().await;
    dataset::synthetic::generate(&pool, 10_000, 1)
        .await
        .expect("generated");
    let today = day(0);
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE TABLE oracle AS
         WITH latest AS (
           SELECT f.agreement_id, f.effect,
                  min(CASE WHEN f.effect = 'fulfils' THEN e.date_start END)
                      OVER (PARTITION BY f.agreement_id) AS first_fulfilled,
                  row_number() OVER (PARTITION BY f.agreement_id
                                     ORDER BY e.date_end DESC, e.date_start DESC, e.slug DESC) AS n
             FROM agreement_followups f JOIN events e ON e.id = f.event_id)
         SELECT a.slug,
                CASE l.effect WHEN 'fulfils' THEN CASE WHEN l.first_fulfilled > a.due_end THEN 'fulfilled-late'
                                                       ELSE 'fulfilled' END
                              WHEN 'partly-fulfils' THEN 'in-progress'
                              WHEN 'breaks' THEN 'broken'
                  ELSE CASE WHEN a.due_end < '{today}' THEN 'overdue'
                            WHEN a.due_start <= '{today}' THEN 'due' ELSE 'agreed' END END AS status,
                ' ' || (SELECT group_concat(coalesce(o.slug, c.slug), ' ') FROM agreement_parties ap
                          LEFT JOIN organizations o ON o.id = ap.organization_id
                          LEFT JOIN countries c ON c.id = ap.country_id
                         WHERE ap.agreement_id = a.id) || ' ' AS parties,
                ' ' || (SELECT group_concat(t.slug, ' ') FROM agreement_topics at
                          JOIN topics t ON t.id = at.topic_id WHERE at.agreement_id = a.id) || ' ' AS topics,
                row_number() OVER (ORDER BY coalesce(e.date_start, a.due_start), a.slug) AS position
           FROM agreements a LEFT JOIN events e ON e.id = a.event_id
           LEFT JOIN latest l ON l.agreement_id = a.id AND l.n = 1"
    )))
    .execute(&pool)
    .await
    .expect("oracle");
    let app = TestApp::over(
        pool.clone(),
        tradewatch::app(tradewatch::AppState::new(pool)),
    );
    (app, dir)
}

/// The SQL condition for an agreements filter over `oracle`, leaving out one parameter.
fn oracle_condition(query: &str, except: Option<&str>) -> String {
    let mut by_param: Vec<(String, Vec<String>)> = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if Some(key.as_ref()) == except {
            continue;
        }
        let (column, test) = match key.as_ref() {
            "status" => ("status", format!("status = '{value}'")),
            "party" => ("parties", format!("parties LIKE '% {value} %'")),
            _ => ("topics", format!("topics LIKE '% {value} %'")),
        };
        match by_param.iter_mut().find(|(c, _)| c == column) {
            Some((_, tests)) => tests.push(test),
            None => by_param.push((column.to_owned(), vec![test])),
        }
    }
    let mut condition = "1 = 1".to_owned();
    for (_, tests) in by_param {
        condition.push_str(&format!(" AND ({})", tests.join(" OR ")));
    }
    condition
}

/// The slugs matching a filter, in the list's order, by SQL.
async fn oracle_slugs(app: &TestApp, query: &str) -> Vec<String> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT slug FROM oracle WHERE {} ORDER BY position",
        oracle_condition(query, None)
    )))
    .fetch_all(&app.pool)
    .await
    .expect("oracle slugs")
}

fn listed(html: &scraper::Html) -> Vec<String> {
    statuses(html).into_iter().map(|(slug, _)| slug).collect()
}

fn link(html: &scraper::Html, rel: &str) -> Option<String> {
    attrs(html, &format!(".pager a[rel={rel}]"), "href")
        .into_iter()
        .next()
}

#[tokio::test]
async fn pages_walk_every_agreement_once_both_ways_keeping_the_filters() {
    let (app, _dir) = archive().await;
    let busy_topic: String = sqlx::query_scalar(
        "SELECT t.slug FROM agreement_topics at JOIN topics t ON t.id = at.topic_id
          GROUP BY t.id ORDER BY COUNT(*) DESC, t.slug LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    for query in [
        String::new(),
        "status=agreed&status=overdue".to_owned(),
        "party=china".to_owned(),
        format!("status=agreed&status=fulfilled&topic={busy_topic}"),
    ] {
        let expected = oracle_slugs(&app, &query).await;
        assert!(!expected.is_empty(), "{query}");
        let first = if query.is_empty() {
            "/agreements".to_owned()
        } else {
            format!("/agreements?{query}")
        };

        // Forwards from the first page by the Next links.
        let mut seen: Vec<String> = Vec::new();
        let mut pages = Vec::new();
        let mut at = Some(first.clone());
        while let Some(path) = at {
            let (status, html) = app.get_html(&path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            let shown = listed(&html);
            assert!(shown.len() <= 50, "{path}");
            assert_eq!(
                select(&html, ".results__range"),
                [format!(
                    "Showing {}–{} of {}{}.",
                    seen.len() + 1,
                    seen.len() + shown.len(),
                    expected.len(),
                    if expected.len() > 50 {
                        ", oldest first"
                    } else {
                        ""
                    }
                )],
                "{path}"
            );
            assert_eq!(
                link(&html, "prev").is_some(),
                !seen.is_empty(),
                "{path}: a Previous link exactly when there are earlier agreements"
            );
            seen.extend(shown);
            pages.push(path);
            at = link(&html, "next");
            if let Some(next) = &at {
                assert!(
                    next.starts_with(&format!(
                        "/agreements?{query}{}after=",
                        if query.is_empty() { "" } else { "&" }
                    )),
                    "the Next link keeps the filters: {next}"
                );
            }
        }
        assert_eq!(seen, expected, "{query}: forwards");
        assert_eq!(pages.len(), expected.len().div_ceil(50), "{query}");

        // Backwards from the last page by the Previous links.
        let mut back: Vec<String> = Vec::new();
        let mut at = pages.last().cloned();
        while let Some(path) = at {
            let (_, html) = app.get_html(&path).await;
            let mut shown = listed(&html);
            shown.extend(back);
            back = shown;
            at = link(&html, "prev");
            if let Some(previous) = &at {
                assert!(previous.contains("before="), "{previous}");
                assert!(previous.contains(&query), "{previous} keeps {query}");
            }
        }
        assert_eq!(back, expected, "{query}: backwards");
    }
}

#[tokio::test]
async fn facet_counts_are_those_of_the_whole_filtered_set() {
    let (app, _dir) = archive().await;
    for query in [
        "",
        "status=overdue",
        "status=due&status=agreed&party=united-states",
        "topic=tariffs&topic=semiconductors",
    ] {
        let path = format!("/agreements?{query}");
        let (status, html) = app.get_html(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM oracle WHERE {}",
            oracle_condition(query, None)
        )))
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert!(
            select(&html, "#results-heading")[0].starts_with(&format!("{total} agreement")),
            "{path}: {:?}",
            select(&html, "#results-heading")
        );
        for (param, column) in [
            ("status", "status"),
            ("party", "parties"),
            ("topic", "topics"),
        ] {
            let values = attrs(&html, &format!("input[name={param}]"), "value");
            assert!(!values.is_empty(), "{path}: {param}");
            for value in values {
                let test = if param == "status" {
                    format!("{column} = '{value}'")
                } else {
                    format!("{column} LIKE '% {value} %'")
                };
                let counted: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM oracle WHERE {} AND {test}",
                    oracle_condition(query, Some(param))
                )))
                .fetch_one(&app.pool)
                .await
                .unwrap();
                assert_eq!(
                    facet_count(&html, param, &value),
                    Some(counted),
                    "{path}: {param}={value}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_api_pages_by_cursor_and_the_csv_exports_every_match() {
    let (app, _dir) = archive().await;
    let query = "status=agreed&status=overdue&status=fulfilled";
    let expected = oracle_slugs(&app, query).await;
    assert!(expected.len() > 80, "{}", expected.len());
    let mut seen: Vec<String> = Vec::new();
    let mut at = Some(format!("/api/v1/agreements?{query}&limit=40"));
    let mut pages = 0;
    while let Some(path) = at {
        let (status, _, body) = app.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(page["meta"]["total"], expected.len(), "{path}");
        assert_eq!(page["meta"]["limit"], 40);
        assert_eq!(page["links"]["html"], format!("/agreements?{query}"));
        let data = page["data"].as_array().unwrap();
        assert!(data.len() <= 40);
        for a in data {
            assert!(a["status"] != "due" && a["status"] != "broken", "{a}");
            seen.push(a["slug"].as_str().unwrap().to_owned());
        }
        at = page["links"]["next"].as_str().map(str::to_owned);
        pages += 1;
    }
    assert_eq!(seen, expected);
    assert_eq!(pages, expected.len().div_ceil(40));

    let (status, headers, body) = app.get(&format!("/agreements.csv?{query}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let slugs: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(slugs, expected);
    let statuses: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT status FROM oracle WHERE {} ORDER BY position",
        oracle_condition(query, None)
    )))
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(rows.iter().map(|r| &r[9]).collect::<Vec<_>>(), statuses);
}

#[tokio::test]
async fn the_chart_draws_the_page_and_says_so() {
    let (app, _dir) = archive().await;
    let total = count(&app.pool, "agreements").await;
    let (_, _, body) = app.get("/agreements").await;
    let html = scraper::Html::parse_document(&body);
    let note = select(&html, "#commitments-chart .chart__note").join(" ");
    assert!(
        note.contains(&format!("listed on this page, 1–50 of {total}")),
        "{note}"
    );
    let drawn = attrs(&html, "#commitments-chart a[data-slug]", "data-slug");
    let shown = listed(&html);
    assert!(!drawn.is_empty());
    assert!(drawn.iter().all(|slug| shown.contains(slug)), "{drawn:?}");
}

#[tokio::test]
async fn a_bad_page_position_is_a_400_naming_the_parameter() {
    let app = seeded().await;
    for (path, param) in [
        ("/agreements?after=Not%20A%20Place", "after"),
        ("/agreements?before=2023-02-30.tourism", "before"),
        ("/agreements?status=due&after=2023.x", "after"),
        ("/agreements?after=tourism&before=tourism", "before"),
        ("/agreements?after=a&after=b", "after"),
        ("/agreements?cursor=tourism", "cursor"),
        ("/agreements?limit=5", "limit"),
    ] {
        let html = assert_bad_request_naming(&app, path, param).await;
        assert!(listed(&html).is_empty(), "{path}");
    }
    for (path, param) in [
        ("/api/v1/agreements?cursor=%00", "cursor"),
        ("/api/v1/agreements?cursor=a&cursor=b", "cursor"),
        ("/api/v1/agreements?limit=0", "limit"),
        ("/api/v1/agreements?after=tourism", "after"),
        ("/agreements.csv?after=tourism", "after"),
        ("/agreements.csv?cursor=tourism", "cursor"),
    ] {
        let (status, _, body) = app.get(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        let error: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["error"]["parameter"], param, "{path}");
    }
    // Beside the error, the form offers the unfiltered facets, whether the filter did not
    // parse or named no record.
    let (_, unfiltered) = app.get_html("/agreements").await;
    let tourism = facet_count(&unfiltered, "topic", "tourism");
    assert!(tourism.is_some_and(|n| n > 0), "{tourism:?}");
    for path in [
        "/agreements?party=no-such-party&status=fulfilled",
        "/agreements?status=sideways&party=united-states",
    ] {
        let html = assert_bad_request_naming(
            &app,
            path,
            if path.contains("no-such") {
                "party"
            } else {
                "status"
            },
        )
        .await;
        assert_eq!(facet_count(&html, "topic", "tourism"), tourism, "{path}");
    }
    // A well-formed place that no agreement holds still pages from where it would be.
    let (status, html) = app
        .get_html("/agreements?after=1900-01-01.nothing-here")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        listed(&html).len() as i64,
        count(&app.pool, "agreements").await
    );
}

/// Asserts that `path` is a 400 page whose alert names `param`; the page.
async fn assert_bad_request_naming(app: &TestApp, path: &str, param: &str) -> scraper::Html {
    let (status, html) = app.get_html(path).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
    assert!(
        select(&html, "[role=alert]")
            .join(" ")
            .contains(&format!("“{param}”")),
        "{path}"
    );
    html
}

fn agreement_searched(slug: &str, on: &str) -> String {
    format!(
        r#"
[[agreements]]
slug = "{slug}"
title = "Agreement {slug}"
kind = "commitment"
parties = ["china"]
terms = "Something."
due = "early 2024"
searched = {{ on = "{on}", for = "a readout of the meeting <b>or</b> a notice of its date" }}
cites = [{{ source = "raimondo-beijing-2023-08-29", paragraphs = [36] }}]
"#
    )
}

#[tokio::test]
async fn an_agreement_nobody_reported_on_says_no_record_found_with_the_day_searched() {
    let app = seeded().await;
    import(
        &app,
        &[(
            "searched.toml",
            agreement_searched("unreported", "2026-11-30"),
        )],
    )
    .await
    .expect("imported");
    let (_, html) = app.get_html("/agreements/unreported").await;
    let searched = select(&html, ".status-box__searched");
    assert_eq!(
        searched,
        [
            "No record found (searched 30 November 2026). Looked for: a readout of the meeting <b>or</b> a notice of its date"
        ]
    );
    assert_eq!(
        status_of(&app.get_html("/agreements").await.1, "unreported"),
        "Overdue"
    );
    let (_, list) = app.get_html("/agreements?status=overdue").await;
    assert!(
        select(&list, ".agreement__searched")
            .contains(&"No record found (searched 30 November 2026)".to_owned())
    );
    let (_, _, body) = app.get("/api/v1/agreements/unreported").await;
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(json["searched"]["on"], "2026-11-30");
    assert_eq!(
        json["searched"]["for"],
        "a readout of the meeting <b>or</b> a notice of its date"
    );

    // Once a follow-up is recorded, the old search no longer speaks for the agreement.
    import(
        &app,
        &[(
            "found.toml",
            follow_up_event("found-at-last", "2024-03-01", "unreported", "fulfils"),
        )],
    )
    .await
    .expect("imported");
    let (_, html) = app.get_html("/agreements/unreported").await;
    assert!(select(&html, ".status-box__searched").is_empty());

    // A day that is not one is refused, naming the field.
    let err = import(
        &app,
        &[(
            "bad.toml",
            agreement_searched("unreported-2", "30 November 2026"),
        )],
    )
    .await
    .expect_err("refused")
    .to_string();
    assert!(
        err.contains("bad.toml: agreement \"unreported-2\": searched.on: \"30 November 2026\" is not a date like 2023-08-29"),
        "{err}"
    );
}

#[tokio::test]
async fn each_follow_up_links_its_evidence_the_event_and_the_sources_it_cites() {
    let app = seeded().await;
    let (status, html) = app
        .get_html("/agreements/annual-commerce-ministers-meeting")
        .await;
    assert_eq!(status, StatusCode::OK);
    let events = attrs(&html, ".followup > a", "href");
    assert!(
        events.iter().any(|h| h.starts_with("/events/")),
        "{events:?}"
    );
    // The San Francisco meeting of 16 November 2023 rests on the US readout of it.
    let evidence = attrs(&html, ".followup__evidence a", "href");
    assert!(
        evidence.contains(&"/sources/doc-readout-raimondo-wang-2023-11-16".to_owned()),
        "{evidence:?}"
    );
    // The JSON gives the same evidence.
    let (_, _, body) = app
        .get("/api/v1/agreements/annual-commerce-ministers-meeting")
        .await;
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let sources: Vec<&str> = json["follow_ups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["sources"].as_array().unwrap())
        .map(|s| s["html_url"].as_str().unwrap())
        .collect();
    assert!(
        sources.contains(&"/sources/doc-readout-raimondo-wang-2023-11-16"),
        "{sources:?}"
    );
}

/// An agreement whose two sources give two windows: "2024-03" (the one the status follows)
/// and "early 2024" (January to April).
fn agreement_two_windows(slug: &str) -> String {
    format!(
        r#"
[[agreements]]
slug = "{slug}"
title = "Agreement {slug}"
kind = "agreement"
parties = ["united-states", "china"]
terms = "Meet in the spring."
due = "2024-03"
due_cites = [{{ source = "raimondo-beijing-2023-08-29", paragraphs = [35] }}]
due_reason = "the <host>'s window."
other_due = [
  {{ date = "early 2024", cites = [{{ source = "raimondo-beijing-2023-08-29", paragraphs = [36] }}] }},
]
cites = [{{ source = "raimondo-beijing-2023-08-29", paragraphs = [34] }}]
"#
    )
}

/// The windows of an agreement's status box: (window label, status by it), the followed first.
fn windows_of(html: &scraper::Html) -> Vec<(String, String)> {
    let labels = select(html, ".status-box .due-window > strong:first-child");
    let tags = select(html, ".status-box .due-window .tag--status");
    labels.into_iter().zip(tags).collect()
}

#[tokio::test]
async fn two_due_windows_are_both_shown_each_with_the_status_by_it() {
    let app = seeded().await;
    import(
        &app,
        &[
            ("windows.toml", agreement_two_windows("two-windows")),
            (
                "met.toml",
                follow_up_event("met-in-april", "2024-04-10", "two-windows", "fulfils"),
            ),
        ],
    )
    .await
    .expect("imported");
    let (_, html) = app.get_html("/agreements/two-windows").await;
    // Met on 10 April: late by the March window the status follows, on time by early 2024.
    assert_eq!(
        select(&html, ".record__kicker .tag--status"),
        ["Fulfilled late"]
    );
    assert_eq!(
        windows_of(&html),
        [
            ("March 2024".to_owned(), "Fulfilled late".to_owned()),
            ("Early 2024".to_owned(), "Fulfilled".to_owned()),
        ]
    );
    let followed = select(&html, ".status-box .due-window--followed").join(" ");
    assert!(
        followed.contains("The status follows this window: the <host>'s window."),
        "{followed}"
    );
    assert_eq!(
        attrs(&html, ".status-box .due-window a", "href"),
        [
            "/sources/raimondo-beijing-2023-08-29",
            "/sources/raimondo-beijing-2023-08-29"
        ]
    );
    assert!(
        select(&html, ".status-box .due-window")
            .join(" ")
            .contains("¶ 36"),
        "{:?}",
        select(&html, ".status-box .due-window")
    );
    // The list shows the same.
    let (_, list) = app.get_html("/agreements?status=fulfilled-late").await;
    assert_eq!(
        select(&list, ".agreement .due-window .tag--status"),
        ["Fulfilled late", "Fulfilled"]
    );

    // The JSON gives both windows, which one the status follows, and why.
    let (_, _, body) = app.get("/api/v1/agreements/two-windows").await;
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(json["status"], "fulfilled-late");
    assert_eq!(json["due_reason"], "the <host>'s window.");
    let windows = json["due_windows"].as_array().expect("windows");
    assert_eq!(windows.len(), 2);
    assert_eq!(windows[0]["followed"], true);
    assert_eq!(windows[0]["due"]["start"], "2024-03-01");
    assert_eq!(windows[0]["status"], "fulfilled-late");
    assert_eq!(windows[1]["followed"], false);
    assert_eq!(windows[1]["due"]["end"], "2024-04-30");
    assert_eq!(windows[1]["status"], "fulfilled");
    assert_eq!(windows[1]["sources"][0]["cited"], "¶ 36");
    assert_eq!(
        windows[1]["sources"][0]["source"]["slug"],
        "raimondo-beijing-2023-08-29"
    );

    // The CSV names the other window and the status by it.
    let (_, _, csv) = app.get("/agreements.csv?status=fulfilled-late").await;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    let column = headers
        .iter()
        .position(|h| h == "other_due")
        .expect("other_due");
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "two-windows")
        .expect("row");
    assert_eq!(
        &row[column],
        "Early 2024 (2024-01-01/2024-04-30): fulfilled"
    );

    // Without a follow-up, each window is judged alone: both have passed.
    import(
        &app,
        &[("unmet.toml", agreement_two_windows("two-windows-unmet"))],
    )
    .await
    .expect("imported");
    let (_, html) = app.get_html("/agreements/two-windows-unmet").await;
    assert_eq!(
        windows_of(&html),
        [
            ("March 2024".to_owned(), "Overdue".to_owned()),
            ("Early 2024".to_owned(), "Overdue".to_owned()),
        ]
    );
    // An agreement whose sources agree shows no windows.
    let (_, html) = app.get_html("/agreements/trade-secrets-expert-talks").await;
    assert!(select(&html, ".due-windows").is_empty());
    let (_, _, body) = app
        .get("/api/v1/agreements/trade-secrets-expert-talks")
        .await;
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(json["due_windows"], serde_json::json!([]));
}

#[tokio::test]
async fn the_bundled_tourism_and_deputies_agreements_show_both_windows() {
    let app = seeded().await;
    // Tourism: China's tourism ministry's "first half of 2024", which the status follows; by
    // the article's "early 2024", the Xi'an summit of 21–23 May 2024 was late.
    let (_, html) = app.get_html("/agreements/tourism-meeting-early-2024").await;
    assert_eq!(
        windows_of(&html),
        [
            ("First half of 2024".to_owned(), "Fulfilled".to_owned()),
            ("Early 2024".to_owned(), "Fulfilled late".to_owned()),
        ]
    );
    let followed = select(&html, ".status-box .due-window--followed").join(" ");
    assert!(
        followed.contains("Ministry of Culture and Tourism"),
        "{followed}"
    );
    // The deputies: the US "early 2024", which the status follows; by China's "first quarter
    // of 2024", the first meeting on 4 April 2024 was late.
    let (_, html) = app.get_html("/agreements/commerce-deputies-meetings").await;
    assert_eq!(
        windows_of(&html),
        [
            ("Early 2024".to_owned(), "Fulfilled".to_owned()),
            (
                "First quarter of 2024".to_owned(),
                "Fulfilled late".to_owned()
            ),
        ]
    );
    let (_, _, body) = app.get("/api/v1/agreements?status=fulfilled").await;
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    let items = json["data"].as_array().expect("data");
    let deputies = items
        .iter()
        .find(|a| a["slug"] == "commerce-deputies-meetings")
        .expect("deputies");
    let statuses: Vec<&str> = deputies["due_windows"]
        .as_array()
        .expect("windows")
        .iter()
        .map(|w| w["status"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(statuses, ["fulfilled", "fulfilled-late"]);
}

/// A record's page lists its latest agreements, found by walking the latest agreements for a
/// busy record and by listing the record's own for a rare one: both give what the plain query
/// gives, for every official, topic and organisation of a generated archive (the busy ones
/// take the walk, those in fewer than twenty agreements the list).
#[tokio::test]
async fn a_record_s_latest_agreements_are_the_same_by_either_read() {
    use tradewatch::db::agreements::{RECORD_AGREEMENTS, of_organization, of_person, on_topic};
    let (pool, _dir) = empty().await;
    dataset::synthetic::generate(&pool, 10_000, 3)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let plain = [
        (
            "people",
            "SELECT a.slug FROM agreements a WHERE a.event_id IN (SELECT event_id FROM event_people WHERE person_id = ?1)",
        ),
        (
            "topics",
            "SELECT a.slug FROM agreements a WHERE a.id IN (SELECT agreement_id FROM agreement_topics WHERE topic_id = ?1)",
        ),
        (
            "organizations",
            "SELECT a.slug FROM agreements a WHERE a.id IN (SELECT agreement_id FROM agreement_parties WHERE organization_id = ?1)",
        ),
    ];
    let (mut walked, mut listed) = (0, 0);
    for (table, sql) in plain {
        let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM {table} ORDER BY id"
        )))
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        for id in ids {
            let mut expected: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT slug FROM ({sql} ORDER BY a.date DESC, a.title DESC, a.id DESC LIMIT {RECORD_AGREEMENTS})"
            )))
            .bind(id)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
            expected.reverse();
            let rows = match table {
                "people" => of_person(&mut conn, id).await,
                "topics" => on_topic(&mut conn, id).await,
                _ => of_organization(&mut conn, id).await,
            }
            .unwrap();
            let got: Vec<String> = rows.into_iter().map(|r| r.slug).collect();
            assert_eq!(got, expected, "{table} {id}");
            if expected.len() as i64 == RECORD_AGREEMENTS {
                walked += 1;
            } else {
                listed += 1;
            }
        }
    }
    assert!(
        walked > 0 && listed > 0,
        "both reads are taken: {walked} walked, {listed} listed"
    );
}
