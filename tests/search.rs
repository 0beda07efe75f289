//! `/search`: ranking, grouping, highlighting, links, prefixes, CJK, and input that must never
//! be a server error.

mod common;

use axum::http::StatusCode;
use common::*;
use scraper::{Html, Selector};
use tradewatch::dataset;

/// The result links of one group (`event`, `quote`, `agreement`, `person`, `organization`,
/// `paragraph`), best first.
fn hits(html: &Html, kind: &str) -> Vec<String> {
    attrs(
        html,
        &format!("#results-{kind} .search-hit__title a"),
        "href",
    )
}

fn groups(html: &Html) -> Vec<String> {
    attrs(html, ".search-group", "id")
}

fn encode(q: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("q", q)
        .finish()
}

#[tokio::test]
async fn results_are_grouped_by_kind_with_counts() {
    let app = seeded().await;
    let (status, html) = app.get_html("/search?q=tourism").await;
    assert_eq!(status, StatusCode::OK);
    // Groups come in a fixed order, and only those with hits are shown.
    assert_eq!(
        groups(&html),
        [
            "results-event",
            "results-account",
            "results-agreement",
            "results-person",
            "results-organization",
            "results-paragraph"
        ]
    );
    let group = Selector::parse(".search-group").unwrap();
    let hit = Selector::parse(".search-hit").unwrap();
    let count = Selector::parse(".search-group__count").unwrap();
    let mut total = 0;
    for g in html.select(&group) {
        let shown = g.select(&hit).count() as i64;
        let counted: i64 = g
            .select(&count)
            .next()
            .expect("a count")
            .text()
            .collect::<String>()
            .parse()
            .unwrap();
        assert_eq!(shown, counted);
        total += counted;
    }
    // The counts agree with the index, and their sum heads the results.
    let events: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events_fts WHERE events_fts MATCH '\"tourism\"*'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(hits(&html, "event").len() as i64, events);
    assert_eq!(
        select(&html, ".search-results__count"),
        [format!("{total} matches for “tourism”")]
    );
    // A jump link per group, carrying its count.
    assert_eq!(
        attrs(&html, ".search-jump a", "href"),
        groups(&html)
            .iter()
            .map(|g| format!("#{g}"))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn the_best_match_comes_first_in_its_group() {
    let app = seeded().await;
    // A title or name match outranks a mention in a summary.
    let (_, html) = app.get_html("/search?q=tourism").await;
    let with_tourism_in_title = [
        "/events/us-china-tourism-meeting-early-2024",
        "/events/us-china-tourism-leadership-summit-xian-2024",
        "/events/raimondo-meets-hu-heping",
        "/events/xi-message-to-tourism-summit-2024",
    ];
    let events = hits(&html, "event");
    assert!(
        with_tourism_in_title.contains(&events[0].as_str()),
        "{events:?}"
    );
    // Events that only mention tourism in their summaries come after every title match.
    let last_title_match = events
        .iter()
        .rposition(|e| with_tourism_in_title.contains(&e.as_str()))
        .unwrap();
    assert_eq!(
        last_title_match,
        with_tourism_in_title.len() - 1,
        "{events:?}"
    );
    let (_, html) = app.get_html("/search?q=Micron").await;
    let organizations = hits(&html, "organization");
    assert!(organizations.len() >= 2, "{organizations:?}");
    assert_eq!(organizations[0], "/organizations/micron-technology");
}

#[tokio::test]
async fn matched_words_are_highlighted_and_escaped() {
    let app = seeded().await;
    let (_, _, body) = app.get("/search?q=export").await;
    let html = Html::parse_document(&body);
    let hit = Selector::parse(".search-hit").unwrap();
    let mark = Selector::parse("mark").unwrap();
    let all: Vec<_> = html.select(&hit).collect();
    assert!(all.len() >= 5);
    for h in &all {
        let marks: Vec<String> = h.select(&mark).map(|m| m.text().collect()).collect();
        assert!(!marks.is_empty(), "no highlight in {}", h.html());
        for m in marks {
            assert!(m.to_lowercase().starts_with("export"), "{m}");
        }
    }
    assert!(!select(&html, ".search-hit__snippet mark").is_empty());
    // The private-use markers never reach the page.
    assert!(!body.contains('\u{E000}') && !body.contains('\u{E001}'));
}

#[tokio::test]
async fn every_result_links_to_a_page_that_exists() {
    let app = seeded().await;
    for q in ["export", "tourism", "Raimondo", "refused"] {
        let (_, html) = app.get_html(&format!("/search?q={q}")).await;
        let links = attrs(&html, ".search-hit__title a", "href");
        assert!(!links.is_empty(), "{q}");
        for href in links {
            let (path, anchor) = match href.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (href.as_str(), None),
            };
            let (status, page) = app.get_html(path).await;
            assert_eq!(status, StatusCode::OK, "{q}: {href}");
            if let Some(anchor) = anchor {
                assert_eq!(
                    attrs(&page, &format!("#{anchor}"), "id"),
                    [anchor],
                    "{href}"
                );
            }
        }
    }
}

#[tokio::test]
async fn each_kind_links_to_its_own_page() {
    let app = seeded().await;
    let (_, html) = app.get_html("/search?q=refused").await;
    // A quote links to the event it was said at; a paragraph to its anchor in the reader.
    assert_eq!(
        hits(&html, "quote").first().map(String::as_str),
        Some("/events/raimondo-refuses-to-ease-export-controls")
    );
    assert!(
        hits(&html, "paragraph").contains(&"/sources/raimondo-beijing-2023-08-29#p6".to_owned())
    );
    let (_, html) = app.get_html("/search?q=tourism").await;
    assert!(
        hits(&html, "agreement")
            .iter()
            .all(|h| h.starts_with("/agreements/"))
    );
    let (_, html) = app.get_html("/search?q=Raimondo").await;
    assert_eq!(
        hits(&html, "person").first().map(String::as_str),
        Some("/officials/gina-raimondo")
    );
}

#[tokio::test]
async fn the_last_word_matches_as_a_prefix() {
    let app = seeded().await;
    // "expo" finds what "export" finds.
    let (_, html) = app.get_html("/search?q=expo").await;
    let (_, full) = app.get_html("/search?q=export").await;
    assert!(hits(&html, "event").len() >= 5);
    assert_eq!(hits(&html, "event"), hits(&full, "event"));
    // "touris" finds every event "tourism" finds (and those saying "tourists").
    let (_, html) = app.get_html("/search?q=touris").await;
    let (_, full) = app.get_html("/search?q=tourism").await;
    let prefixed = hits(&html, "event");
    let whole = hits(&full, "event");
    assert!(whole.len() >= 4, "{whole:?}");
    assert!(whole.iter().all(|h| prefixed.contains(h)), "{prefixed:?}");
    // Only the last word is a prefix: an earlier one must match whole.
    let (_, html) = app.get_html("/search?q=expo+controls").await;
    assert!(groups(&html).is_empty());
}

#[tokio::test]
async fn names_in_chinese_script_find_their_people() {
    let app = seeded().await;
    for (q, official) in [
        ("李强", "/officials/li-qiang"),
        ("王文涛", "/officials/wang-wentao"),
    ] {
        let (status, html) = app.get_html(&format!("/search?{}", encode(q))).await;
        assert_eq!(status, StatusCode::OK, "{q}");
        assert_eq!(hits(&html, "person"), [official], "{q}");
        // Events they took part in are found by the name too.
        assert!(!hits(&html, "event").is_empty(), "{q}");
        assert_eq!(attrs(&html, "#search-q", "value"), [q]);
    }
}

#[tokio::test]
async fn hostile_input_is_searched_as_words_or_refused_never_a_server_error() {
    let app = seeded().await;
    let long = "export ".repeat(300);
    let cases: Vec<(&str, StatusCode)> = vec![
        ("\"", StatusCode::BAD_REQUEST),
        ("\"unbalanced", StatusCode::OK),
        ("\"export controls\"", StatusCode::OK),
        ("export AND OR NOT controls", StatusCode::OK),
        ("NOT", StatusCode::OK),
        ("OR export", StatusCode::OK),
        ("*", StatusCode::BAD_REQUEST),
        ("export*", StatusCode::OK),
        ("-export", StatusCode::OK),
        ("^export", StatusCode::OK),
        ("title:export", StatusCode::OK),
        ("{title summary}:export", StatusCode::OK),
        ("NEAR(export controls", StatusCode::OK),
        ("NEAR(export controls, 2)", StatusCode::OK),
        ("export + controls", StatusCode::OK),
        ("()", StatusCode::BAD_REQUEST),
        ("🙂", StatusCode::BAD_REQUEST),
        ("李强 🙂", StatusCode::OK),
        ("\u{E000}export\u{E001}", StatusCode::OK),
        ("\u{E000}", StatusCode::OK),
        ("a\0b", StatusCode::OK),
        ("'; DROP TABLE events; --", StatusCode::OK),
        ("<script>alert(1)</script>", StatusCode::OK),
        ("²³ ½", StatusCode::OK),
        ("e\u{301}xport", StatusCode::OK),
        (&long, StatusCode::BAD_REQUEST),
    ];
    let too_long = "x".repeat(2000);
    let cases = cases
        .into_iter()
        .chain([(too_long.as_str(), StatusCode::BAD_REQUEST)]);
    for (q, expected) in cases {
        let (status, _, body) = app.get(&format!("/search?{}", encode(q))).await;
        let shown: String = q.chars().take(40).collect();
        assert_eq!(status, expected, "{shown:?}");
        let html = Html::parse_document(&body);
        // The page is the search page, with the form, whatever was typed.
        assert_eq!(select(&html, "h1"), ["Search"], "{shown:?}");
        assert_eq!(select(&html, "#search-q").len(), 1, "{shown:?}");
        if expected == StatusCode::BAD_REQUEST {
            let alert = select(&html, "#search-error").join(" ");
            assert!(alert.contains("“q”"), "{shown:?}: {alert}");
        }
        assert!(!body.contains("<script>alert"), "{shown:?}");
    }
    // The events table is still there.
    assert!(count(&app.pool, "events").await > 0);
}

#[tokio::test]
async fn refusals_say_why() {
    let app = seeded().await;
    let (_, html) = app
        .get_html(&format!("/search?{}", encode(&"x".repeat(2000))))
        .await;
    let alert = select(&html, "#search-error").join(" ");
    assert!(alert.contains("longer than 500 characters"), "{alert}");
    // What was typed is kept, cut to what the box accepts, so it can be corrected.
    assert_eq!(attrs(&html, "#search-q", "value"), ["x".repeat(500)]);
    let (_, html) = app.get_html("/search?q=%2A").await;
    let alert = select(&html, "#search-error").join(" ");
    assert!(alert.contains("at least one letter or digit"), "{alert}");
}

#[tokio::test]
async fn an_empty_search_shows_the_form_and_how_to_use_it() {
    let app = seeded().await;
    for path in ["/search", "/search?q=", "/search?q=+++"] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(select(&html, "#search-q").len(), 1);
        assert!(!select(&html, ".search-help").is_empty(), "{path}");
        assert!(groups(&html).is_empty());
        assert!(select(&html, "[role=alert]").is_empty());
    }
}

#[tokio::test]
async fn unknown_parameters_are_named_in_a_400() {
    let app = seeded().await;
    let (status, html) = app.get_html("/search?q=export&sort=desc&page=2").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let alert = select(&html, "#search-error").join(" ");
    assert!(
        alert.contains("“sort”") && alert.contains("“page”"),
        "{alert}"
    );
    let (status, _) = app.get_html("/search?q=a&q=b").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_header_search_box_submits_to_the_search_page() {
    let app = seeded().await;
    for page in ["/", "/about", "/sources", "/search?q=export"] {
        let (_, html) = app.get_html(page).await;
        assert_eq!(
            attrs(&html, ".site-search", "action"),
            ["/search"],
            "{page}"
        );
        assert_eq!(attrs(&html, ".site-search input", "name"), ["q"], "{page}");
    }
    // The timeline keeps its own text filter.
    let (status, html) = app.get_html("/?q=Micron").await;
    assert_eq!(status, StatusCode::OK);
    assert!(event_slugs(&html).contains(&"china-bars-micron-products".to_owned()));
}

#[tokio::test]
async fn an_import_rebuilds_the_new_indexes() {
    let app = seeded().await;
    for (fts, table) in [
        ("organizations_fts", "organizations"),
        ("agreements_fts", "agreements"),
        ("paragraphs_fts", "paragraphs"),
    ] {
        assert_eq!(count(&app.pool, fts).await, count(&app.pool, table).await);
    }
    let files = vec![(
        "more.toml".to_owned(),
        r#"
[[sources]]
slug = "test-wire-2024-05-01"
title = "Officials meet in Xi'an"
voice = "other"
language = "en"
published = "2024-05-01"
paragraphs = ["Zanzibarian delegates discussed pangolin conservation."]

[[topics]]
slug = "pangolins"
name = "Pangolins"
summary = "A topic made up for the tests."
cites = [{ source = "test-wire-2024-05-01", paragraphs = [1] }]
"#
        .to_owned(),
    )];
    let existing = dataset::existing_records(&app.pool).await.unwrap();
    let data = dataset::parse_and_validate(&files, &existing).expect("valid");
    dataset::import(&app.pool, &data, &files).await.unwrap();
    let (_, html) = app.get_html("/search?q=zanzibarian+pango").await;
    assert_eq!(
        hits(&html, "paragraph"),
        ["/sources/test-wire-2024-05-01#p1"]
    );
    assert_eq!(
        count(&app.pool, "paragraphs_fts").await,
        count(&app.pool, "paragraphs").await
    );
    // The terms search names a prefix by are the new ones too.
    let word: Option<String> =
        sqlx::query_scalar("SELECT word FROM search_terms WHERE term = 'pangolin'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(word.as_deref(), Some("pangolin"));
    let (_, html) = app.get_html("/search?q=pangol").await;
    assert_eq!(
        hits(&html, "paragraph"),
        ["/sources/test-wire-2024-05-01#p1"]
    );
}

/// The rowids of `table` matching an FTS5 expression.
async fn matching(
    conn: &mut sqlx::SqliteConnection,
    table: &str,
    fts: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT rowid FROM {table} WHERE {table} MATCH ?1 ORDER BY rowid"
    )))
    .bind(fts)
    .fetch_all(conn)
    .await
}

#[tokio::test]
async fn a_prefix_and_the_whole_terms_it_stands_for_match_the_same_rows() {
    use tradewatch::db::search::expression;
    use tradewatch::domain::filter::SearchText;
    let app = seeded().await;
    let terms: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT term, word FROM search_terms ORDER BY term")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(terms.len() > 500, "{}", terms.len());
    // Every term has a word that stands for it in the real dataset, re-stemmed ones included
    // (`agre` by "agree").
    let missing: Vec<&str> = terms
        .iter()
        .filter(|(_, w)| w.is_none())
        .map(|(t, _)| t.as_str())
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
    assert!(
        terms
            .iter()
            .any(|(t, w)| t == "agre" && w.as_deref() == Some("agree"))
    );
    // Typed as people type: the start of every term, whole words, words the stemmer shortens,
    // after another word and alone.
    let mut typed: Vec<String> = terms
        .iter()
        .flat_map(|(t, _)| [2, 3, 5].map(|n| t.chars().take(n).collect::<String>()))
        .collect();
    typed.extend(terms.iter().step_by(7).filter_map(|(_, w)| w.clone()));
    typed.extend(
        [
            "controls",
            "agreed",
            "tourists",
            "Chinese",
            "exporting",
            "a",
            "zzz",
        ]
        .map(String::from),
    );
    typed.sort();
    typed.dedup();
    let mut conn = app.pool.acquire().await.unwrap();
    let mut expanded = 0;
    for (i, word) in typed.iter().enumerate() {
        let text = if i % 2 == 0 {
            word.clone()
        } else {
            format!("export {word}")
        };
        let text = SearchText::parse(&text).unwrap();
        let fts = text.fts_expression();
        let quick = expression(&mut conn, fts).await.unwrap();
        if quick != fts {
            expanded += 1;
        }
        for table in [
            "events_fts",
            "account_items_fts",
            "quotes_fts",
            "agreements_fts",
            "people_fts",
            "organizations_fts",
            "paragraphs_fts",
        ] {
            assert_eq!(
                matching(&mut conn, table, &quick).await.unwrap(),
                matching(&mut conn, table, fts).await.unwrap(),
                "{table}: {fts} as {quick}"
            );
        }
    }
    assert!(expanded > typed.len() / 2, "{expanded} of {}", typed.len());
}

#[tokio::test]
async fn a_word_only_an_account_item_says_finds_its_event_in_html_and_json() {
    // "quixotically" is in no title, summary, quote or source text: only in one account item.
    let app = seeded_with_files(with_readouts(
        "The call was constructive.",
        "The call was quixotically constructive.",
    ))
    .await;
    let (status, html) = app.get_html("/search?q=quixotically").await;
    assert_eq!(status, StatusCode::OK);
    // Found as what that side's account says, linking to the event; no event's own words
    // match.
    assert_eq!(hits(&html, "account"), ["/events/readout-test-one-sided"]);
    assert!(hits(&html, "event").is_empty());
    assert_eq!(
        select(&html, "#results-account .search-hit__title a"),
        ["Test call only the US reports"]
    );
    // The hit shows the matched words.
    assert!(
        select(&html, "#results-account mark")
            .iter()
            .any(|m| m.eq_ignore_ascii_case("quixotically")),
        "{:?}",
        select(&html, "#results-account .search-hit")
    );
    let (status, _, body) = app.get("/api/v1/search?q=quixotically").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    let accounts = json["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["kind"] == "account")
        .expect("an account group");
    assert_eq!(accounts["count"], 1);
    assert_eq!(
        accounts["hits"][0]["html_url"],
        "/events/readout-test-one-sided"
    );

    // Without that item's word, nothing matches.
    let app = seeded_with_readouts().await;
    let (_, html) = app.get_html("/search?q=quixotically").await;
    assert!(hits(&html, "account").is_empty());
}
