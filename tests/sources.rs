//! The source reader: every paragraph anchored, the records citing each, coverage, and the
//! links between the reader and the record pages.

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use common::*;
use scraper::{Html, Selector};
use sqlx::SqlitePool;
use tradewatch::dataset;

const SOURCE: &str = "raimondo-beijing-2023-08-29";

/// A second source, of which only the first paragraph is cited (by a new topic).
const SECOND_SOURCE: &str = r#"
[[sources]]
slug = "test-wire-2024-05-01"
title = "Tourism officials meet in Xi'an"
publisher = "Test Wire"
voice = "independent-press"
language = "en"
published = "2024-05-01"
url = "https://example.com/tourism"
notes = [{ kind = "editor", text = "A source made up for the tests." }]
paragraphs = [
  "Tourism officials from both countries met in Xi'an to discuss group travel.",
  "The weather was mild, and nobody has cited this paragraph.",
  "Nor this one.",
]

[[topics]]
slug = "xian-tourism-test"
name = "Xi'an tourism (test)"
summary = "A topic made up for the tests."
cites = [{ source = "test-wire-2024-05-01", paragraphs = [1] }]
"#;

async fn import_second_source(app: &TestApp) {
    let files = vec![("second.toml".to_owned(), SECOND_SOURCE.to_owned())];
    let existing = dataset::existing_records(&app.pool)
        .await
        .expect("existing");
    let data = dataset::parse_and_validate(&files, &existing).expect("valid test source");
    dataset::import(&app.pool, &data, &files)
        .await
        .expect("imported");
}

fn ids(html: &Html, selector: &str) -> Vec<String> {
    attrs(html, selector, "id")
}

async fn paragraph_texts(pool: &SqlitePool, source: &str) -> Vec<(i64, String)> {
    sqlx::query_as(
        "SELECT p.number, p.text FROM paragraphs p JOIN sources s ON s.id = p.source_id
          WHERE s.slug = ?1 ORDER BY p.number",
    )
    .bind(source)
    .fetch_all(pool)
    .await
    .expect("paragraphs")
}

async fn cited_count(pool: &SqlitePool, source: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(DISTINCT c.paragraph_id) FROM citations c
           JOIN paragraphs p ON p.id = c.paragraph_id JOIN sources s ON s.id = p.source_id
          WHERE s.slug = ?1",
    )
    .bind(source)
    .fetch_one(pool)
    .await
    .expect("cited count")
}

#[tokio::test]
async fn the_reader_shows_every_paragraph_in_order_with_its_anchor() {
    let app = seeded().await;
    let (status, html) = app.get_html(&format!("/sources/{SOURCE}")).await;
    assert_eq!(status, StatusCode::OK);
    let expected = paragraph_texts(&app.pool, SOURCE).await;
    assert!(expected.len() >= 30);
    let anchors: Vec<String> = expected.iter().map(|(n, _)| format!("p{n}")).collect();
    assert_eq!(ids(&html, ".reader__paragraph"), anchors);
    let texts = select(&html, ".reader__text");
    let normalise = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(
        texts,
        expected
            .iter()
            .map(|(_, t)| normalise(t))
            .collect::<Vec<_>>()
    );
    // Each number links to its own anchor, so it can be copied as a link.
    assert_eq!(
        attrs(&html, ".reader__number", "href"),
        anchors.iter().map(|a| format!("#{a}")).collect::<Vec<_>>()
    );
    assert_eq!(
        select(&html, "h1"),
        ["Raimondo says she refused China's request to ease export controls"]
    );
    // The source's own notes are shown.
    assert!(
        select(&html, ".note")
            .iter()
            .any(|n| n.contains("The title is the editors'")),
    );
    assert_eq!(
        attrs(&html, ".site-nav a[aria-current=page]", "href"),
        ["/sources"]
    );
}

#[tokio::test]
async fn coverage_counts_the_paragraphs_any_record_cites() {
    let app = seeded().await;
    import_second_source(&app).await;
    for source in [SOURCE, "test-wire-2024-05-01"] {
        let (_, html) = app.get_html(&format!("/sources/{source}")).await;
        let total = paragraph_texts(&app.pool, source).await.len();
        let cited = cited_count(&app.pool, source).await;
        assert_eq!(select(&html, ".coverage__cited"), [cited.to_string()]);
        assert_eq!(select(&html, ".coverage__total"), [total.to_string()]);
        assert_eq!(
            select(&html, ".coverage"),
            [format!("{cited} of {total} paragraphs cited")]
        );
        // Cited paragraphs are exactly those not marked uncited.
        let uncited = select(&html, ".reader__paragraph--uncited").len();
        assert_eq!(uncited as i64, total as i64 - cited, "{source}");
    }
    let (_, html) = app.get_html("/sources/test-wire-2024-05-01").await;
    assert_eq!(select(&html, ".coverage"), ["1 of 3 paragraphs cited"]);
}

#[tokio::test]
async fn an_uncited_paragraph_is_marked_with_a_visible_label() {
    let app = seeded().await;
    import_second_source(&app).await;
    let (status, html) = app.get_html("/sources/test-wire-2024-05-01").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&html, ".reader__paragraph--uncited"), ["p2", "p3"]);
    assert_eq!(
        select(&html, ".reader__paragraph--uncited .reader__uncited"),
        ["Not yet cited", "Not yet cited"]
    );
    // The cited one is not marked, and lists its topic.
    assert!(select(&html, "#p1 .reader__uncited").is_empty());
    assert_eq!(
        attrs(&html, "#p1 .reader__group--topic a", "href"),
        ["/topics/xian-tourism-test"]
    );
    // Publication details, and the source's note.
    let facts = select(&html, ".record__head .facts").join(" ");
    for expected in ["1 May 2024", "Test Wire", "https://example.com/tourism"] {
        assert!(facts.contains(expected), "{expected} missing from {facts}");
    }
    assert!(
        select(&html, ".note")
            .iter()
            .any(|n| n.contains("made up for the tests"))
    );
}

#[tokio::test]
async fn each_paragraph_lists_exactly_the_records_citing_it_by_kind() {
    let app = seeded().await;
    let (_, html) = app.get_html(&format!("/sources/{SOURCE}")).await;
    // The lunch meeting cites paragraph 32.
    assert!(
        attrs(&html, "#p32 .reader__group--event a", "href")
            .contains(&"/events/raimondo-wang-wentao-lunch-meeting".to_owned())
    );
    // For every paragraph, the events and people listed are those the citations table names.
    let paragraph = Selector::parse(".reader__paragraph").unwrap();
    let link = |kind: &str| Selector::parse(&format!(".reader__group--{kind} a")).unwrap();
    for element in html.select(&paragraph) {
        let number: i64 = element.value().id().unwrap()[1..].parse().unwrap();
        for (kind, table, base) in [
            ("event", "events", "/events/"),
            ("person", "people", "/officials/"),
            ("topic", "topics", "/topics/"),
            ("organization", "organizations", "/organizations/"),
            ("agreement", "agreements", "/agreements/"),
        ] {
            let shown: BTreeSet<String> = element
                .select(&link(kind))
                .filter_map(|a| a.value().attr("href").map(str::to_owned))
                .collect();
            let expected: BTreeSet<String> =
                sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(format!(
                    "SELECT '{base}' || r.slug FROM citations c
                       JOIN paragraphs p ON p.id = c.paragraph_id JOIN sources s ON s.id = p.source_id
                       JOIN {table} r ON r.id = c.subject_id
                      WHERE c.subject_type = '{kind}' AND s.slug = ?1 AND p.number = ?2"
                )))
                .bind(SOURCE)
                .bind(number)
                .fetch_all(&app.pool)
                .await
                .unwrap()
                .into_iter()
                .collect();
            assert_eq!(shown, expected, "¶ {number}, {kind}");
        }
    }
    // A quote links to the event it was said at.
    assert!(
        attrs(&html, "#p6 .reader__group--quote a", "href")
            .contains(&"/events/raimondo-refuses-to-ease-export-controls".to_owned())
    );
}

#[tokio::test]
async fn every_link_beside_the_paragraphs_leads_to_a_page() {
    let app = seeded().await;
    let (_, html) = app.get_html(&format!("/sources/{SOURCE}")).await;
    let hrefs: BTreeSet<String> = attrs(&html, ".reader__citing a", "href")
        .into_iter()
        .collect();
    assert!(hrefs.len() > 20, "{hrefs:?}");
    for href in hrefs {
        let (status, _, _) = app.get(&href).await;
        assert_eq!(status, StatusCode::OK, "{href}");
    }
}

#[tokio::test]
async fn record_pages_and_the_reader_link_to_each_other() {
    let app = seeded().await;
    let event = "/events/raimondo-wang-wentao-lunch-meeting";
    let (_, html) = app.get_html(event).await;
    // The article and both governments' readouts of the meeting.
    assert_eq!(
        attrs(&html, ".source__title a", "href"),
        [
            "/sources/doc-readout-raimondo-wang-2023-08-28".to_owned(),
            "/sources/mofcom-wang-raimondo-2023-08-28".to_owned(),
            format!("/sources/{SOURCE}")
        ]
    );
    let links = attrs(&html, ".paragraph a.paragraph__number", "href");
    assert!(
        links.contains(&format!("/sources/{SOURCE}#p32")),
        "{links:?}"
    );
    for link in links {
        let (path, anchor) = link.split_once('#').expect("an anchor");
        let (status, reader) = app.get_html(path).await;
        assert_eq!(status, StatusCode::OK);
        // The anchor exists in the reader, and the paragraph there links back to the event.
        assert_eq!(ids(&reader, &format!("#{anchor}")), [anchor]);
        assert!(
            attrs(&reader, &format!("#{anchor} .reader__citing a"), "href")
                .contains(&event.to_owned()),
            "{link}"
        );
    }
    // Officials', topics' and organisations' pages link their paragraphs too.
    for page in [
        "/officials/gina-raimondo",
        "/topics/export-controls",
        "/organizations/micron-technology",
    ] {
        let (_, html) = app.get_html(page).await;
        let links = attrs(&html, ".paragraph a.paragraph__number", "href");
        assert!(!links.is_empty(), "{page}");
        assert!(
            links
                .iter()
                .all(|l| l.starts_with(&format!("/sources/{SOURCE}#p"))),
            "{page}: {links:?}"
        );
    }
}

#[tokio::test]
async fn the_sources_index_lists_each_source_with_its_coverage() {
    let app = seeded().await;
    import_second_source(&app).await;
    let (status, html) = app.get_html("/sources").await;
    assert_eq!(status, StatusCode::OK);
    let hrefs = attrs(&html, ".source-card .card__title a", "href");
    assert_eq!(hrefs.len() as i64, count(&app.pool, "sources").await);
    assert!(hrefs.contains(&format!("/sources/{SOURCE}")));
    let card = Selector::parse(".source-card").unwrap();
    let second = html
        .select(&card)
        .find(|c| c.html().contains("/sources/test-wire-2024-05-01"))
        .expect("the second source is listed");
    let text: String = second.text().collect::<Vec<_>>().join(" ");
    for expected in [
        "Tourism officials meet in Xi'an",
        "Test Wire",
        "1 May 2024",
        "https://example.com/tourism",
        "1 of 3 paragraphs cited",
    ] {
        assert!(text.contains(expected), "{expected} missing from {text}");
    }
    let (_, html) = app.get_html("/").await;
    assert!(attrs(&html, ".site-nav a", "href").contains(&"/sources".to_owned()));
}

#[tokio::test]
async fn an_unknown_source_is_the_404_page() {
    let app = seeded().await;
    let (status, html) = app.get_html("/sources/no-such-source").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(select(&html, "h1"), ["Page not found"]);
}

/// A US government readout kept as the editors' summary points, cited by a topic, the topic's
/// note and a quote of a short phrase.
const SUMMARY_SOURCE: &str = r#"
[[sources]]
slug = "doc-readout-test-2023-08-28"
title = "Readout of a test meeting"
publisher = "US Department of Commerce"
voice = "us-government"
language = "en"
published = "2023-08"
url = "https://example.com/readout?id=1&lang=en"
points = [
  "Calls the meeting \"candid and productive\" and lists export controls among the topics.",
  "Says the two sides will hold a working-level meeting.",
  "Not cited by anything.",
]

[[topics]]
slug = "readout-test-topic"
name = "Readout test topic"
summary = "A topic made up for the tests."
cites = [{ source = "doc-readout-test-2023-08-28", points = [2] }]
notes = [{ kind = "editor", text = "The readout's framing.", cites = [{ source = "doc-readout-test-2023-08-28", points = [1] }] }]

[[quotes]]
slug = "readout-test-candid"
speaker = "gina-raimondo"
text = "candid and productive"
cites = [{ source = "doc-readout-test-2023-08-28", points = [1] }]
"#;

const SUMMARY: &str = "doc-readout-test-2023-08-28";

async fn import_summary_source(app: &TestApp) {
    let files = vec![("summary.toml".to_owned(), SUMMARY_SOURCE.to_owned())];
    let existing = dataset::existing_records(&app.pool)
        .await
        .expect("existing");
    let data = dataset::parse_and_validate(&files, &existing).expect("valid summary source");
    dataset::import(&app.pool, &data, &files)
        .await
        .expect("imported");
}

#[tokio::test]
async fn a_summary_source_says_its_points_are_the_editors_and_links_to_the_original() {
    let app = seeded().await;
    import_summary_source(&app).await;
    let (status, html) = app.get_html(&format!("/sources/{SUMMARY}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        select(&html, ".source__publisher"),
        ["US Department of Commerce"]
    );
    assert_eq!(select(&html, ".source__voice"), ["US government"]);
    assert_eq!(select(&html, ".source__language"), ["English"]);
    assert_eq!(select(&html, ".source__published"), ["August 2023"]);
    assert_eq!(
        attrs(&html, ".source__published time", "datetime"),
        ["2023-08"]
    );
    let notice = select(&html, ".summary-notice");
    assert_eq!(notice.len(), 1);
    assert!(
        notice[0].contains("These are the editors' summary points, not the source's text."),
        "{notice:?}"
    );
    // The original, linked with its address intact (the `&` escaped in the HTML, not lost).
    for selector in [".summary-notice a", ".source-card__url"] {
        assert_eq!(
            attrs(&html, selector, "href"),
            ["https://example.com/readout?id=1&lang=en"],
            "{selector}"
        );
        assert_eq!(attrs(&html, selector, "rel"), ["noopener"], "{selector}");
    }
    // Points are anchored like paragraphs, named as points, and not set as quotations.
    assert_eq!(ids(&html, ".reader__paragraph"), ["p1", "p2", "p3"]);
    assert_eq!(
        select(&html, ".reader__number"),
        ["point 1", "point 2", "point 3"]
    );
    assert!(select(&html, ".reader blockquote").is_empty());
    assert_eq!(select(&html, "#text-heading"), ["Editors' summary"]);
    // Coverage counts points: 1 (the note and the quote) and 2 (the topic), not 3.
    assert_eq!(select(&html, ".coverage"), ["2 of 3 points cited"]);
    assert_eq!(select(&html, ".reader__paragraph--uncited").len(), 1);
    assert!(
        attrs(&html, "#p2 .reader__citing a", "href")
            .contains(&"/topics/readout-test-topic".into())
    );

    // The article is still a full text, with paragraphs.
    let (_, html) = app.get_html(&format!("/sources/{SOURCE}")).await;
    assert!(select(&html, ".summary-notice").is_empty());
    assert_eq!(select(&html, ".source__voice"), ["Independent press"]);
    assert_eq!(
        select(&html, ".reader__number").first().map(String::as_str),
        Some("¶ 1")
    );
}

#[tokio::test]
async fn records_cite_summary_points_as_points_linking_to_their_anchors() {
    let app = seeded().await;
    import_summary_source(&app).await;
    let (status, html) = app.get_html("/topics/readout-test-topic").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        attrs(&html, ".paragraph a.paragraph__number", "href"),
        [format!("/sources/{SUMMARY}#p2")]
    );
    assert_eq!(select(&html, ".paragraph a.paragraph__number"), ["point 2"]);
    assert!(
        select(&html, ".source__kind")
            .iter()
            .any(|t| t.contains("editors' summary")),
    );
    assert!(
        select(&html, ".note__basis")
            .iter()
            .any(|t| t == "Concerns point 1 of the source."),
        "{:?}",
        select(&html, ".note__basis")
    );
    let (_, html) = app.get_html("/officials/gina-raimondo").await;
    let cites = select(&html, ".quote__cite");
    assert!(cites.contains(&"(point 1)".to_owned()), "{cites:?}");
    assert!(cites.contains(&"(¶ 6)".to_owned()), "{cites:?}");
}

#[tokio::test]
async fn the_sources_index_groups_sources_by_voice() {
    let app = seeded().await;
    import_summary_source(&app).await;
    let (_, html) = app.get_html("/sources").await;
    // The groups come in the vocabulary's order; the record has sources of every voice but
    // "other".
    assert_eq!(
        ids(&html, ".voice-group"),
        [
            "voice-us-government",
            "voice-chinese-government",
            "voice-state-media",
            "voice-independent-press"
        ]
    );
    let us = attrs(&html, "#voice-us-government .card__title a", "href");
    let at = us
        .iter()
        .position(|href| *href == format!("/sources/{SUMMARY}"))
        .expect("the test summary is a US government source");
    assert!(
        attrs(&html, "#voice-independent-press .card__title a", "href")
            .contains(&format!("/sources/{SOURCE}"))
    );
    // Every card has its coverage and kind, so they line up with the titles.
    assert_eq!(
        select(&html, "#voice-us-government .source-card__coverage")[at],
        "2 of 3 points cited"
    );
    assert_eq!(
        select(&html, "#voice-us-government .source-card__kind")[at],
        "Editors' summary"
    );
}

#[tokio::test]
async fn the_source_api_gives_voice_language_and_what_the_texts_are() {
    let app = seeded().await;
    import_summary_source(&app).await;
    let (status, _, body) = app.get(&format!("/api/v1/sources/{SUMMARY}")).await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(json["voice"], "us-government");
    assert_eq!(json["voice_label"], "US government");
    assert_eq!(json["language"], "en");
    assert_eq!(json["text_kind"], "summary");
    assert_eq!(json["published"], "2023-08-01");
    assert_eq!(json["published_label"], "August 2023");
    assert_eq!(json["url"], "https://example.com/readout?id=1&lang=en");
    assert_eq!(json["cited_paragraphs"], 2);
    assert_eq!(
        json["paragraphs"][1]["html_url"],
        format!("/sources/{SUMMARY}#p2")
    );
    let (_, _, body) = app.get(&format!("/api/v1/sources/{SOURCE}")).await;
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        (json["voice"].as_str(), json["text_kind"].as_str()),
        (Some("independent-press"), Some("full-text"))
    );
    // A record's citations say whether the cited text is the source's or the editors'.
    let (_, _, body) = app.get("/api/v1/topics/readout-test-topic").await;
    assert!(body.contains("\"text_kind\":\"summary\""), "{body}");
}
