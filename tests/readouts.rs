//! Readouts: both governments' accounts of an event side by side on its page, compared by
//! topic, and `/readouts` with its JSON and CSV, which agree.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::Value;

#[tokio::test]
async fn the_event_page_sets_each_side_s_account_in_its_own_column() {
    let app = seeded_with_readouts().await;
    let (status, html) = app.get_html("/events/readout-test-lunch").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(select(&html, "#accounts > h2"), ["Accounts"]);
    assert_eq!(
        attrs(&html, ".accounts__sides > .account-side", "data-side"),
        ["united-states", "china"]
    );
    assert_eq!(
        select(&html, ".accounts__sides > .account-side > h3"),
        ["United States", "China"]
    );
    let us = ".account-side[data-side=united-states] .account";
    assert_eq!(attrs(&html, us, "data-source"), ["test-us-readout-lunch"]);
    assert_eq!(
        attrs(&html, &format!("{us} .account__source a"), "href"),
        ["/sources/test-us-readout-lunch"]
    );
    assert_eq!(
        attrs(&html, &format!("{us} .account__original a"), "href"),
        ["https://example.com/us-lunch"]
    );
    let facts = select(&html, &format!("{us} .facts dd"));
    assert_eq!(
        facts,
        [
            "US Department of Commerce",
            "28 August 2023",
            "US government"
        ]
    );
    assert_eq!(
        select(&html, &format!("{us} .account-item__text")),
        [
            "A working group meeting twice a year, the US hosting the first.",
            "Fair treatment of US companies in China."
        ]
    );
    assert_eq!(
        select(&html, &format!("{us} .account-item__kind")),
        ["Agreed:", "Raised by United States:"]
    );
    let china = ".account-side[data-side=china] .account";
    assert_eq!(
        select(&html, &format!("{china} .facts dd")),
        [
            "Ministry of Commerce of the People's Republic of China",
            "28 August 2023",
            "Chinese government"
        ]
    );
    // Each item links to the points it rests on.
    assert_eq!(
        attrs(
            &html,
            &format!("{china} .account-item--raised .account-item__meta a[href^='/sources/']"),
            "href"
        ),
        [
            "/sources/test-cn-readout-lunch#p2",
            "/sources/test-cn-readout-lunch#p3"
        ]
    );
}

#[tokio::test]
async fn the_comparison_lists_a_shared_topic_once_under_both_and_one_sided_topics_under_their_side()
{
    let app = seeded_with_readouts().await;
    let (_, html) = app.get_html("/events/readout-test-lunch").await;
    let group = |key: &str| format!(".comparison__group[data-group={key}]");
    let topics = |key: &str| {
        attrs(
            &html,
            &format!("{} .comparison-topic", group(key)),
            "data-topic",
        )
    };
    assert_eq!(topics("both"), ["dialogue"]);
    assert_eq!(topics("united-states"), ["business-climate"]);
    assert_eq!(topics("china"), ["export-controls", "trade-war"]);
    // Under "both", the shared topic appears once, with each side's item once.
    let dialogue = format!("{} .comparison-topic[data-topic=dialogue]", group("both"));
    assert_eq!(
        select(
            &html,
            &format!("{dialogue} [data-side=united-states] .account-item__text")
        ),
        ["A working group meeting twice a year, the US hosting the first."]
    );
    assert_eq!(
        select(
            &html,
            &format!("{dialogue} [data-side=china] .account-item__text")
        ),
        ["A working group at vice-minister level."]
    );
    // A one-sided item is under its own side only.
    let business = format!(
        "{} .comparison-topic[data-topic=business-climate]",
        group("united-states")
    );
    assert_eq!(
        select(
            &html,
            &format!("{business} [data-side=united-states] .account-item__text")
        ),
        ["Fair treatment of US companies in China."]
    );
    assert!(select(&html, &format!("{business} [data-side=china]")).is_empty());
    let all_items = select(&html, ".comparison .account-item__text");
    assert_eq!(
        all_items
            .iter()
            .filter(|t| t.as_str() == "Fair treatment of US companies in China.")
            .count(),
        1
    );
    // The Chinese item tagged with two one-sided topics is listed under each of them.
    for topic in ["export-controls", "trade-war"] {
        assert_eq!(
            select(
                &html,
                &format!(
                    "{} .comparison-topic[data-topic={topic}] [data-side=china] .account-item__text",
                    group("china")
                )
            ),
            ["Concerns about tariffs and chip export controls."]
        );
    }
}

#[tokio::test]
async fn accounts_that_share_no_topic_and_a_missing_side_say_so() {
    let app = seeded_with_readouts().await;
    let (_, html) = app.get_html("/events/readout-test-he-lifeng").await;
    assert_eq!(
        select(
            &html,
            ".comparison__group[data-group=both] .comparison__none"
        ),
        ["No topic is mentioned by both accounts."]
    );
    assert_eq!(
        select(&html, ".account-side[data-side=china] .facts dd"),
        ["Xinhua", "30 August 2023", "State media"]
    );
    let (_, html) = app.get_html("/events/readout-test-one-sided").await;
    assert_eq!(
        select(&html, ".account-side[data-side=china] .account__none"),
        ["No account from the China side is recorded."]
    );
    // An event without accounts has no such section.
    let (_, html) = app.get_html("/events/raimondo-meets-li-qiang").await;
    assert!(select(&html, "#accounts").is_empty());
}

#[tokio::test]
async fn the_source_page_lists_the_event_its_account_reports() {
    let app = seeded_with_readouts().await;
    let (status, body) = {
        let (s, _, b) = app.get("/sources/test-xinhua-he").await;
        (s, b)
    };
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("/events/readout-test-he-lifeng"), "{body}");
}

#[tokio::test]
async fn the_event_endpoint_carries_the_accounts_and_their_comparison() {
    let app = seeded_with_readouts().await;
    let (status, _, body) = app.get("/api/v1/events/readout-test-lunch").await;
    assert_eq!(status, StatusCode::OK);
    let json: Value = serde_json::from_str(&body).unwrap();
    let accounts = json["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    assert_eq!(accounts[0]["side"], "united-states");
    assert_eq!(accounts[0]["source"]["slug"], "test-us-readout-lunch");
    assert_eq!(accounts[0]["voice"], "us-government");
    assert_eq!(accounts[1]["items"][1]["by"], "china");
    assert_eq!(
        accounts[1]["items"][1]["numbers"],
        serde_json::json!([2, 3])
    );
    let comparison = &json["comparison"];
    assert_eq!(comparison["both"][0]["topic"]["slug"], "dialogue");
    assert_eq!(
        comparison["both"][0]["china"][0]["text"],
        "A working group at vice-minister level."
    );
    assert_eq!(
        comparison["united_states_only"][0]["topic"]["slug"],
        "business-climate"
    );
    assert_eq!(comparison["counts"]["shared_topics"], 1);
    assert_eq!(comparison["counts"]["china_only_topics"], 2);
    // An event without accounts has empty ones.
    let (_, _, body) = app.get("/api/v1/events/raimondo-meets-li-qiang").await;
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["accounts"], serde_json::json!([]));
    assert_eq!(json["comparison"]["both"], serde_json::json!([]));
}

/// The slugs and counts the page lists, in order.
fn page_rows(html: &scraper::Html) -> Vec<(String, Vec<String>)> {
    let slugs = attrs(html, ".readout", "data-slug");
    slugs
        .into_iter()
        .map(|slug| {
            let counts = attrs(
                html,
                &format!(".readout[data-slug={slug}] [data-topics], .readout[data-slug={slug}] [data-items]"),
                "data-topics",
            );
            let items = attrs(
                html,
                &format!(".readout[data-slug={slug}] [data-items]"),
                "data-items",
            );
            (slug, counts.into_iter().chain(items).collect())
        })
        .collect()
}

#[tokio::test]
async fn readouts_lists_events_both_sides_reported_newest_first_and_its_json_and_csv_agree() {
    let app = seeded_with_readouts().await;
    let (status, html) = app.get_html("/readouts").await;
    assert_eq!(status, StatusCode::OK);
    let rows = page_rows(&html);
    let slugs: Vec<&str> = rows.iter().map(|(s, _)| s.as_str()).collect();
    // The one-sided event is left out.
    assert_eq!(slugs, ["readout-test-he-lifeng", "readout-test-lunch"]);
    // topics shared, US-only, China-only; then items shared, US-only, China-only.
    assert_eq!(rows[1].1, ["1", "1", "2", "2", "1", "1"]);
    assert_eq!(rows[0].1, ["0", "1", "1", "0", "1", "1"]);
    assert_eq!(
        attrs(&html, ".formats a", "href"),
        ["/readouts.csv", "/api/v1/readouts"]
    );
    assert_eq!(
        attrs(&html, ".site-nav a[aria-current=page]", "href"),
        ["/readouts"]
    );

    let (status, _, body) = app.get("/api/v1/readouts").await;
    assert_eq!(status, StatusCode::OK);
    let json: Value = serde_json::from_str(&body).unwrap();
    let data = json["data"].as_array().unwrap();
    let api_rows: Vec<(String, Vec<String>)> = data
        .iter()
        .map(|r| {
            let c = &r["counts"];
            let counts = [
                "shared_topics",
                "united_states_only_topics",
                "china_only_topics",
                "shared_items",
                "united_states_only_items",
                "china_only_items",
            ]
            .iter()
            .map(|k| c[k].to_string())
            .collect();
            (r["slug"].as_str().unwrap().to_owned(), counts)
        })
        .collect();
    assert_eq!(api_rows, rows);
    assert_eq!(json["total"], 2);
    assert_eq!(data[1]["shared_topics"], serde_json::json!(["dialogue"]));
    assert_eq!(json["links"]["csv"], "/readouts.csv");

    let (status, headers, body) = app.get("/readouts.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, tradewatch::domain::exports::READOUTS.header());
    let csv_rows: Vec<(String, Vec<String>)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), (5..11).map(|i| r[i].to_owned()).collect())
        })
        .collect();
    assert_eq!(csv_rows, rows);
}

#[tokio::test]
async fn readouts_filter_by_official_and_topic_alike_in_html_json_and_csv() {
    let app = seeded_with_readouts().await;
    for (query, expected) in [
        ("official=wang-wentao", vec!["readout-test-lunch"]),
        ("official=he-lifeng", vec!["readout-test-he-lifeng"]),
        // An event's own topic, or one its accounts mention.
        ("topic=trade-secrets", vec!["readout-test-he-lifeng"]),
        ("topic=business-climate", vec!["readout-test-lunch"]),
        (
            "topic=export-controls",
            vec!["readout-test-he-lifeng", "readout-test-lunch"],
        ),
        ("official=wang-wentao&topic=trade-secrets", vec![]),
        (
            "official=wang-wentao&official=he-lifeng",
            vec!["readout-test-he-lifeng", "readout-test-lunch"],
        ),
        ("topic=tourism", vec![]),
    ] {
        let (status, html) = app.get_html(&format!("/readouts?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(attrs(&html, ".readout", "data-slug"), expected, "{query}");
        let (_, _, body) = app.get(&format!("/api/v1/readouts?{query}")).await;
        let json: Value = serde_json::from_str(&body).unwrap();
        let slugs: Vec<&str> = json["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["slug"].as_str().unwrap())
            .collect();
        assert_eq!(slugs, expected, "{query}");
        let (_, _, body) = app.get(&format!("/readouts.csv?{query}")).await;
        let slugs: Vec<String> = csv::Reader::from_reader(body.as_bytes())
            .records()
            .map(|r| r.unwrap()[0].to_owned())
            .collect();
        assert_eq!(slugs, expected, "{query}");
    }
    let (_, html) = app.get_html("/readouts?topic=tourism").await;
    assert_eq!(
        select(&html, ".notice"),
        ["No event with accounts from both sides matches these filters."]
    );
}

#[tokio::test]
async fn bad_readout_filters_are_400s_naming_the_parameter_everywhere() {
    let app = seeded_with_readouts().await;
    for (query, param) in [
        ("official=no-such-person", "official"),
        ("topic=Not+A+Slug", "topic"),
        ("kind=meeting", "kind"),
        ("topic=%zz", "topic"),
    ] {
        for path in ["/api/v1/readouts", "/readouts.csv"] {
            let (status, _, body) = app.get(&format!("{path}?{query}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}?{query}");
            let json: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(json["error"]["parameter"], param, "{path}?{query}");
        }
        let (status, _, body) = app.get(&format!("/readouts?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "/readouts?{query}");
        assert!(body.contains(param), "{body}");
    }
    let (_, _, body) = app.get("/api/v1/readouts?official=no-such-person").await;
    assert!(
        body.contains("there is no official \\\"no-such-person\\\""),
        "{body}"
    );
}

#[tokio::test]
async fn with_no_accounts_the_readouts_page_says_so() {
    let app = seeded_with_files(bundled_without_accounts()).await;
    let (status, html) = app.get_html("/readouts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(attrs(&html, ".readout", "data-slug").is_empty());
    assert_eq!(
        select(&html, ".notice"),
        ["No event has accounts from both sides yet."]
    );
}

/// The topics a group of an event page's comparison lists.
fn group_topics(html: &scraper::Html, group: &str) -> Vec<String> {
    attrs(
        html,
        &format!(".comparison__group[data-group={group}] .comparison-topic"),
        "data-topic",
    )
}

#[tokio::test]
async fn the_bundled_record_sets_both_governments_accounts_of_each_meeting_side_by_side() {
    let app = seeded().await;
    let (_, html) = app.get_html("/readouts").await;
    assert_eq!(
        attrs(&html, ".readout", "data-slug"),
        [
            "commercial-issues-working-group-second-meeting",
            "us-china-tourism-leadership-summit-xian-2024",
            "commercial-issues-working-group-first-meeting",
            "raimondo-wang-wentao-meet-san-francisco-2023-11",
            "raimondo-meets-li-qiang",
            "raimondo-meets-he-lifeng",
            "raimondo-wang-wentao-lunch-meeting",
        ]
    );

    // 28 August 2023: both list the same mechanisms; only China lists its complaints.
    let (_, html) = app
        .get_html("/events/raimondo-wang-wentao-lunch-meeting")
        .await;
    assert_eq!(
        attrs(&html, ".account-side .account", "data-source"),
        [
            "doc-readout-raimondo-wang-2023-08-28",
            "mofcom-wang-raimondo-2023-08-28"
        ]
    );
    let both = group_topics(&html, "both");
    for topic in ["dialogue", "export-controls", "trade-secrets"] {
        assert!(both.contains(&topic.to_owned()), "{topic}: {both:?}");
    }
    let china_only = group_topics(&html, "china");
    for topic in ["tariffs", "sanctions", "outbound-investment"] {
        assert!(
            china_only.contains(&topic.to_owned()),
            "{topic}: {china_only:?}"
        );
    }

    // With He Lifeng the two accounts share no topic: each records its own side's issues.
    let (_, html) = app.get_html("/events/raimondo-meets-he-lifeng").await;
    assert!(group_topics(&html, "both").is_empty());
    assert!(group_topics(&html, "united-states").contains(&"trade-secrets".to_owned()));
    assert!(group_topics(&html, "china").contains(&"tariffs".to_owned()));

    // Tianjin: the US raises overcapacity and China rejects the charge, so both mention it.
    let (_, html) = app
        .get_html("/events/commercial-issues-working-group-second-meeting")
        .await;
    assert!(group_topics(&html, "both").contains(&"overcapacity".to_owned()));

    // The calls with one side's account say the other's is not recorded, and when the
    // curators looked for it.
    let (_, html) = app
        .get_html("/events/raimondo-wang-wentao-call-2024-01")
        .await;
    let none = select(&html, ".account-side[data-side=china] .account__none").join(" ");
    assert!(
        none.starts_with(
            "No account from the China side is recorded. None found (searched 30 November 2026 for a Ministry of Commerce"
        ),
        "{none}"
    );
    let (_, html) = app
        .get_html("/events/vice-ministers-video-call-2024-02")
        .await;
    let none = select(
        &html,
        ".account-side[data-side=united-states] .account__none",
    )
    .join(" ");
    assert!(
        none.starts_with("No account from the United States side is recorded. None found (searched 30 November 2026 for a US Department of Commerce"),
        "{none}"
    );

    // Hu Heping: China's account, from CRI's report of the tourism ministry's statement; no US
    // readout was found.
    let (_, html) = app.get_html("/events/raimondo-meets-hu-heping").await;
    assert_eq!(
        attrs(
            &html,
            ".account-side[data-side=china] .account",
            "data-source"
        ),
        ["cri-hu-heping-raimondo-2023-08-30"]
    );
    assert!(
        select(
            &html,
            ".account-side[data-side=united-states] .account__searched"
        )
        .join(" ")
        .starts_with(
            "None found (searched 30 November 2026 for a US Department of Commerce readout"
        )
    );
    // The October 2024 call: China's account, from Xinhua's report of the ministry's statement.
    let (_, html) = app
        .get_html("/events/wang-wentao-raimondo-call-2024-10")
        .await;
    assert_eq!(
        attrs(
            &html,
            ".account-side[data-side=china] .account",
            "data-source"
        ),
        ["peoples-daily-wang-raimondo-call-2024-10-09"]
    );
    assert!(group_topics(&html, "china").contains(&"connected-vehicles".to_owned()));

    // A meeting with no government's account has no accounts section.
    let (_, html) = app.get_html("/events/biden-xi-meeting-bali-2022").await;
    assert!(select(&html, "#accounts").is_empty());
}

#[tokio::test]
async fn a_filtered_readouts_page_names_its_filter_in_its_canonical_address() {
    let app = seeded().await;
    let (status, html) = app
        .get_html("/readouts?topic=export-controls&official=gina-raimondo")
        .await;
    assert_eq!(status, StatusCode::OK);
    let canonical = attrs(&html, "link[rel=canonical]", "href");
    assert_eq!(canonical.len(), 1);
    assert!(
        canonical[0].ends_with("/readouts?official=gina-raimondo&topic=export-controls"),
        "{canonical:?}"
    );
    let (_, html) = app.get_html("/readouts").await;
    let canonical = attrs(&html, "link[rel=canonical]", "href");
    assert!(canonical[0].ends_with("/readouts"), "{canonical:?}");
}

/// `count` more meetings with both sides' accounts, one a day from 1 March 2024, besides the
/// two of `READOUTS` (August 2023); every other one tagged with the topic `tariffs`. Two share
/// each day, so the cursor's slug part decides between them.
fn many_readouts(count: usize) -> Vec<(String, String)> {
    let mut text = String::new();
    for i in 0..count {
        let day = time::macros::date!(2024 - 03 - 01) + time::Duration::days((i / 2) as i64);
        let topic = if i % 2 == 0 { "tariffs" } else { "dialogue" };
        text.push_str(&format!(
            r#"
[[events]]
slug = "paged-meeting-{i:02}"
title = "Paged meeting {i}"
kind = "meeting"
date = "{day}"
status = "occurred"
sides = ["united-states", "china"]
class = "verbal-cooperation"
summary = "A meeting both sides reported."
topics = ["{topic}"]
cites = [{{ source = "test-us-readout-he", points = [1] }}]
accounts = [
  {{ source = "test-us-readout-he", side = "united-states", items = [{{ kind = "stated", text = "They met.", topics = ["dialogue"], points = [1] }}] }},
  {{ source = "test-xinhua-he", side = "china", items = [{{ kind = "stated", text = "They met.", topics = ["dialogue"], points = [1] }}] }},
]
"#
        ));
    }
    let mut files = with_readouts("", "");
    files.push(("data/paged.toml".into(), text));
    files
}

/// The slugs of every row of `/readouts.csv?{query}`: the whole list, unpaged.
async fn csv_slugs(app: &TestApp, query: &str) -> Vec<String> {
    let (_, _, body) = app.get(&format!("/readouts.csv?{query}")).await;
    csv::Reader::from_reader(body.as_bytes())
        .records()
        .map(|r| r.expect("a CSV row")[0].to_owned())
        .collect()
}

#[tokio::test]
async fn readouts_page_by_keyset_in_html_and_json_keeping_the_filter() {
    let app = seeded_with_files(many_readouts(45)).await;
    for query in ["", "topic=tariffs"] {
        let all = csv_slugs(&app, query).await;
        assert_eq!(all.len(), if query.is_empty() { 47 } else { 23 }, "{query}");

        // The page: Next links walk the whole list once, newest first, 20 a page.
        let mut seen: Vec<String> = Vec::new();
        let mut at = Some(format!("/readouts?{query}"));
        let mut pages = Vec::new();
        while let Some(path) = at {
            let (status, html) = app.get_html(&path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            let rows: Vec<String> = page_rows(&html).into_iter().map(|(s, _)| s).collect();
            assert!(rows.len() <= 20, "{path}");
            assert!(
                select(&html, "#readouts-heading")[0]
                    .starts_with(&format!("{} events with both accounts", all.len())),
                "{path}"
            );
            seen.extend(rows);
            at = attrs(&html, ".pager a[rel=next]", "href")
                .into_iter()
                .next();
            if let Some(next) = &at {
                assert!(next.contains(query), "{next} keeps {query}");
            }
            pages.push(path);
        }
        assert_eq!(seen, all, "{query}");
        assert_eq!(pages.len(), all.len().div_ceil(20));

        // Previous links walk back from the last page to the first.
        let mut back: Vec<String> = Vec::new();
        let mut at = Some(pages.last().unwrap().clone());
        while let Some(path) = at {
            let (_, html) = app.get_html(&path).await;
            let mut rows: Vec<String> = page_rows(&html).into_iter().map(|(s, _)| s).collect();
            rows.extend(back);
            back = rows;
            at = attrs(&html, ".pager a[rel=prev]", "href")
                .into_iter()
                .next();
        }
        assert_eq!(back, all, "{query}");

        // The JSON: `next` links walk it too, `limit` at a time, with the total.
        let mut seen: Vec<String> = Vec::new();
        let mut at = Some(format!("/api/v1/readouts?{query}&limit=7"));
        while let Some(path) = at {
            let (status, _, body) = app.get(&path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            let json: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(json["total"], all.len(), "{path}");
            assert_eq!(json["limit"], 7);
            let data = json["data"].as_array().unwrap();
            assert!(data.len() <= 7);
            seen.extend(data.iter().map(|r| r["slug"].as_str().unwrap().to_owned()));
            at = json["links"]["next"].as_str().map(str::to_owned);
        }
        assert_eq!(seen, all, "{query}");
    }

    // One page is all there is: no pager, and no `next`.
    let (_, html) = app.get_html("/readouts?official=he-lifeng").await;
    assert!(select(&html, ".pager").is_empty());
    let (_, _, body) = app.get("/api/v1/readouts?official=he-lifeng").await;
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["links"]["next"], Value::Null);
    assert_eq!(json["limit"], 100);
}

#[tokio::test]
async fn a_bad_readouts_page_position_or_limit_is_a_400_naming_it() {
    let app = seeded_with_readouts().await;
    for (path, param) in [
        ("/readouts?after=not-a-cursor", "after"),
        (
            "/readouts?after=2024-01-01.2024-01-01.a&before=2024-01-01.2024-01-01.b",
            "before",
        ),
        ("/api/v1/readouts?cursor=2024-02-30.2024-02-30.x", "cursor"),
        ("/api/v1/readouts?limit=0", "limit"),
        ("/api/v1/readouts?limit=1001", "limit"),
        // The page's positions are not the API's, nor the other way round.
        ("/api/v1/readouts?after=2024-01-01.2024-01-01.a", "after"),
        ("/readouts?cursor=2024-01-01.2024-01-01.a", "cursor"),
    ] {
        let (status, _, body) = app.get(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(body.contains(param), "{path}: {body}");
    }
}
