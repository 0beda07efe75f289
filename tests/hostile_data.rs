//! A dataset whose text is hostile (markup, script, `javascript:` URLs, right-to-left overrides,
//! very long strings) is shown escaped and intact in every format, and unsafe URLs never become
//! links.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use axum::http::StatusCode;
use common::*;
use scraper::Html;
use tradewatch::dataset;

const SCRIPT: &str = "<script>alert('x')</script>";
const BREAKOUT: &str = "\"><img src=x onerror=alert(1)>";
const RLO: &str = "\u{202E}txt.exe\u{202C}";

fn title() -> String {
    format!("Talks {SCRIPT} {BREAKOUT} {RLO} & more")
}

/// 10,000 characters, markup included.
fn long_text() -> String {
    let mut text = format!("{SCRIPT}{BREAKOUT}{RLO}");
    while text.chars().count() < 10_000 {
        text.push_str("long text ");
    }
    text.chars().take(10_000).collect()
}

fn toml_string(s: &str) -> String {
    // TOML basic strings take JSON's escapes.
    serde_json::to_string(s).unwrap()
}

fn hostile_file(url: &str) -> (String, String) {
    let t = toml_string;
    let text = format!(
        r#"
[[sources]]
slug = "hostile-source"
title = {title}
publisher = {publisher}
voice = "other"
language = "en"
published = "2024-02-01"
url = {url}
paragraphs = [{p1}, {p2}]

[[topics]]
slug = "hostile-topic"
name = {topic}
summary = {breakout}
cites = [{{ source = "hostile-source", paragraphs = [1] }}]

[[people]]
slug = "hostile-person"
name = {person}
country = "china"
aliases = [{rlo}]
cites = [{{ source = "hostile-source", paragraphs = [1] }}]

[[events]]
slug = "hostile-event"
title = {title}
kind = "meeting"
date = "2024-02-01"
location = {breakout}
status = "occurred"
sides = ["china"]
class = "verbal-cooperation"
summary = {long}
participants = [{{ person = "hostile-person", role = "host" }}]
topics = ["hostile-topic"]
cites = [{{ source = "hostile-source", paragraphs = [1, 2] }}]
"#,
        title = t(&title()),
        publisher = t(&format!("{RLO} Press {SCRIPT}")),
        url = t(url),
        p1 = t(&format!("First {SCRIPT} paragraph {RLO}")),
        p2 = t(&long_text()),
        topic = t(&format!("<b>Bold</b> {RLO}")),
        breakout = t(BREAKOUT),
        person = t(&format!("Mallory {SCRIPT}")),
        rlo = t(RLO),
        long = t(&long_text()),
    );
    ("data/hostile.toml".into(), text)
}

fn with_hostile(url: &str) -> Vec<(String, String)> {
    let mut files = common::bundled_unstamped();
    files.push(hostile_file(url));
    files
}

#[test]
fn urls_that_are_not_http_are_rejected_on_import() {
    for url in [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/",
    ] {
        let error =
            match dataset::parse_and_validate(&with_hostile(url), &dataset::Existing::default()) {
                Ok(_) => panic!("{url} was accepted"),
                Err(e) => e.to_string(),
            };
        assert!(
            error.contains("data/hostile.toml: source \"hostile-source\": url:"),
            "{url}: {error}"
        );
    }
}

/// No element, attribute or event handler came from the data.
fn assert_inert(path: &str, body: &str) {
    assert!(!body.contains("<script"), "{path}: raw <script");
    assert!(!body.contains("<img src=x"), "{path}: raw <img");
    assert!(!body.contains("<b>Bold"), "{path}: raw <b>");
    let html = Html::parse_document(body);
    let handlers = scraper::Selector::parse("[onerror], script, img[src=x]").unwrap();
    assert_eq!(html.select(&handlers).count(), 0, "{path}");
    for href in attrs(&html, "a", "href") {
        assert!(
            !href.trim().to_ascii_lowercase().starts_with("javascript:"),
            "{path}: {href}"
        );
    }
}

fn texts(body: &str) -> String {
    Html::parse_document(body).root_element().text().collect()
}

#[tokio::test]
async fn hostile_text_is_escaped_and_intact_in_every_format() {
    let app = seeded().await;
    let url = format!("https://example.com/?q={BREAKOUT}");
    let files = with_hostile(&url);
    let existing = dataset::existing_records(&app.pool).await.unwrap();
    let data = dataset::parse_and_validate(&files, &existing).unwrap();
    dataset::import(&app.pool, &data, &files).await.unwrap();

    for path in [
        "/",
        "/?official=hostile-person",
        "/events/hostile-event",
        "/officials",
        "/officials/hostile-person",
        "/topics",
        "/topics/hostile-topic",
        "/sources",
        "/sources/hostile-source",
        "/search?q=Mallory",
        "/search?q=Talks",
        "/about",
        "/changes",
    ] {
        let (status, _, body) = app.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_inert(path, &body);
    }
    // The text reads exactly as written.
    let (_, _, event) = app.get("/events/hostile-event").await;
    let shown = texts(&event);
    for expected in [title(), long_text(), BREAKOUT.to_owned()] {
        assert!(shown.contains(&expected), "{}", &expected[..40]);
    }
    let (_, _, source) = app.get("/sources/hostile-source").await;
    let source_html = Html::parse_document(&source);
    // The URL is a link, its markup escaped in the attribute, never closing it.
    assert!(attrs(&source_html, "a.source-card__url", "href").contains(&url));
    assert!(texts(&source).contains(&format!("First {SCRIPT} paragraph {RLO}")));
    let (_, _, person) = app.get("/officials/hostile-person").await;
    assert!(texts(&person).contains(&format!("Mallory {SCRIPT}")));

    // JSON round-trips exactly.
    let (status, _, body) = app.get("/api/v1/events/hostile-event").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["title"], title());
    assert_eq!(json["summary"], long_text());
    let (_, _, body) = app.get("/api/v1/sources/hostile-source").await;
    assert!(body.contains(&serde_json::to_string(&long_text()).unwrap()));

    // CSV too.
    let (_, _, body) = app.get("/events.csv").await;
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let title_at = headers.iter().position(|h| h == "title").unwrap();
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "hostile-event")
        .unwrap();
    assert_eq!(&row[title_at], title());

    // The Atom feed is well formed, with the title as text.
    let (_, _, body) = app.get("/feed.atom").await;
    assert!(!body.contains("<script"));
    let doc = roxmltree::Document::parse(&body).unwrap();
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name("title") && n.text() == Some(title().as_str()))
    );

    // The calendar parses, one event per record.
    let (status, _, body) = app.get("/calendar.ics").await;
    assert_eq!(status, StatusCode::OK);
    let calendar: icalendar::Calendar = body.parse().unwrap();
    assert!(!calendar.components.is_empty());
    assert!(body.contains("alert('x')"));
}
