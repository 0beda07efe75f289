//! The timeline's filters, facet counts and errors, checked against the database itself.

mod common;

use axum::http::StatusCode;
use common::*;

/// The slugs of events matching an SQL condition on `e`, in timeline order.
async fn expected(app: &TestApp, condition: &str) -> Vec<String> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT e.slug FROM events e WHERE {condition} ORDER BY e.date_start, e.date_end, e.slug"
    )))
    .fetch_all(&app.pool)
    .await
    .expect("query")
}

const WITH_RAIMONDO: &str = "e.id IN (SELECT event_id FROM event_people JOIN people p ON p.id = person_id WHERE p.slug = 'gina-raimondo')";
const WITH_WANG: &str = "e.id IN (SELECT event_id FROM event_people JOIN people p ON p.id = person_id WHERE p.slug = 'wang-wentao')";
const ON_EXPORT_CONTROLS: &str = "e.id IN (SELECT event_id FROM event_topics JOIN topics t ON t.id = topic_id WHERE t.slug = 'export-controls')";

#[tokio::test]
async fn filter_by_one_official_shows_only_their_events() {
    let app = seeded().await;
    let (status, html) = app.get_html("/?official=li-qiang").await;
    assert_eq!(status, StatusCode::OK);
    let shown = event_slugs(&html);
    assert!(!shown.is_empty());
    assert_eq!(shown, expected(&app, "e.id IN (SELECT event_id FROM event_people JOIN people p ON p.id = person_id WHERE p.slug = 'li-qiang')").await);
    assert!(
        select(&html, ".results__count")
            .join("")
            .contains(&format!("{} event", shown.len()))
    );
    // The filter is shown, removable, and the form keeps it ticked.
    assert_eq!(select(&html, ".chip--active"), ["Official: Li Qiang ×"]);
    assert_eq!(attrs(&html, ".chip--active", "href"), ["/"]);
    assert_eq!(attrs(&html, "#f-official-li-qiang", "checked").len(), 1);
}

#[tokio::test]
async fn filter_by_two_officials_matches_either() {
    let app = seeded().await;
    let (_, html) = app
        .get_html("/?official=gina-raimondo&official=wang-wentao")
        .await;
    let shown = event_slugs(&html);
    assert_eq!(
        shown,
        expected(&app, &format!("({WITH_RAIMONDO} OR {WITH_WANG})")).await
    );
    assert!(shown.len() > expected(&app, WITH_WANG).await.len());
}

#[tokio::test]
async fn filters_on_different_fields_must_all_match() {
    let app = seeded().await;
    let (_, html) = app
        .get_html("/?official=gina-raimondo&topic=export-controls")
        .await;
    let shown = event_slugs(&html);
    let want = expected(&app, &format!("{WITH_RAIMONDO} AND {ON_EXPORT_CONTROLS}")).await;
    assert_eq!(shown, want);
    assert!(!shown.is_empty());
    assert!(shown.len() < expected(&app, WITH_RAIMONDO).await.len());
}

#[tokio::test]
async fn filter_by_kind_and_country() {
    let app = seeded().await;
    let (_, html) = app.get_html("/?kind=meeting&kind=visit").await;
    assert_eq!(
        event_slugs(&html),
        expected(&app, "e.kind IN ('meeting', 'visit')").await
    );

    let (_, html) = app.get_html("/?country=china&kind=enforcement").await;
    let shown = event_slugs(&html);
    assert!(
        shown.contains(&"china-bars-micron-products".to_owned()),
        "{shown:?}"
    );
    assert!(shown.iter().all(|s| !s.starts_with("biden")), "{shown:?}");
}

#[tokio::test]
async fn a_date_range_keeps_events_that_may_fall_within_it() {
    let app = seeded().await;
    let (_, html) = app.get_html("/?from=2023-08-28&to=2023-08-28").await;
    let shown = event_slugs(&html);
    assert_eq!(
        shown,
        expected(
            &app,
            "e.date_end >= '2023-08-28' AND e.date_start <= '2023-08-28'"
        )
        .await
    );
    assert!(shown.contains(&"raimondo-wang-wentao-lunch-meeting".to_owned()));
    assert!(
        !shown.contains(&"us-china-ai-safety-conversations".to_owned()),
        "that was on the 29th"
    );
    assert!(!shown.contains(&"trump-trade-war".to_owned()));

    let (_, html) = app.get_html("/?from=2024").await;
    let shown = event_slugs(&html);
    assert_eq!(shown, expected(&app, "e.date_end >= '2024-01-01'").await);
    assert_eq!(
        shown.first().map(String::as_str),
        Some("us-china-tourism-meeting-early-2024"),
        "early 2024 may begin on 1 January"
    );
    assert!(shown.contains(&"us-china-tourism-leadership-summit-xian-2024".to_owned()));
}

#[tokio::test]
async fn text_search_uses_the_full_text_index_with_prefixes() {
    let app = seeded().await;
    let (_, html) = app.get_html("/?q=Micron").await;
    assert!(event_slugs(&html).contains(&"china-bars-micron-products".to_owned()));
    // The last word matches as a prefix.
    let (_, html) = app.get_html("/?q=touris").await;
    assert!(event_slugs(&html).contains(&"us-china-tourism-meeting-early-2024".to_owned()));
    // FTS syntax is searched as plain words, never an error.
    for q in [
        "%22unbalanced",
        "a%20AND%20OR",
        "title%3Achips",
        "NEAR(x",
        "*",
    ] {
        let (status, _) = app.get_html(&format!("/?q={q}")).await;
        assert!(
            status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
            "{q}: {status}"
        );
    }
}

#[tokio::test]
async fn an_empty_result_says_so() {
    let app = seeded().await;
    let (status, html) = app.get_html("/?official=nancy-pelosi&topic=tourism").await;
    assert_eq!(status, StatusCode::OK);
    assert!(event_slugs(&html).is_empty());
    assert!(
        select(&html, ".empty")
            .join(" ")
            .contains("No events match these filters")
    );
    assert_eq!(attrs(&html, ".clear-filters", "href"), ["/"]);
}

#[tokio::test]
async fn facet_counts_show_what_each_option_would_match_under_the_other_filters() {
    let app = seeded().await;
    let (_, html) = app.get_html("/?topic=export-controls").await;
    // Officials are counted within the topic filter...
    let raimondo = expected(&app, &format!("{WITH_RAIMONDO} AND {ON_EXPORT_CONTROLS}"))
        .await
        .len() as i64;
    assert_eq!(
        facet_count(&html, "official", "gina-raimondo"),
        Some(raimondo)
    );
    // ...while the topic facet ignores its own selection, so other topics can be added.
    let trade_secrets = expected(&app, "e.id IN (SELECT event_id FROM event_topics JOIN topics t ON t.id = topic_id WHERE t.slug = 'trade-secrets')").await.len() as i64;
    assert_eq!(
        facet_count(&html, "topic", "trade-secrets"),
        Some(trade_secrets)
    );
    assert_eq!(
        facet_count(&html, "topic", "export-controls"),
        Some(expected(&app, ON_EXPORT_CONTROLS).await.len() as i64)
    );

    // Adding an official narrows the topic counts.
    let (_, narrowed) = app
        .get_html("/?topic=export-controls&official=li-qiang")
        .await;
    let li_and_trade_secrets = expected(&app, "e.id IN (SELECT event_id FROM event_topics JOIN topics t ON t.id = topic_id WHERE t.slug = 'trade-secrets') AND e.id IN (SELECT event_id FROM event_people JOIN people p ON p.id = person_id WHERE p.slug = 'li-qiang')").await.len() as i64;
    assert_eq!(
        facet_count(&narrowed, "topic", "trade-secrets"),
        Some(li_and_trade_secrets)
    );
    assert!(li_and_trade_secrets < trade_secrets);
}

#[tokio::test]
async fn kind_facet_counts_add_up_to_the_total() {
    let app = seeded().await;
    let (_, html) = app.get_html("/").await;
    let kinds = attrs(&html, "input[name=kind]", "value");
    let sum: i64 = kinds
        .iter()
        .filter_map(|k| facet_count(&html, "kind", k))
        .sum();
    assert_eq!(sum, count(&app.pool, "events").await);
}

#[tokio::test]
async fn the_url_is_the_state_and_links_keep_the_filters() {
    let app = seeded().await;
    let (_, html) = app
        .get_html("/?topic=export-controls&official=gina-raimondo&from=2023-01-01")
        .await;
    assert_eq!(
        attrs(&html, ".results__sort", "href"),
        ["/?official=gina-raimondo&topic=export-controls&from=2023-01-01&sort=desc"]
    );
    let removes = attrs(&html, ".chip--active", "href");
    assert!(
        removes.contains(&"/?official=gina-raimondo&from=2023-01-01".to_owned()),
        "{removes:?}"
    );
    assert_eq!(attrs(&html, "#filter-from", "value"), ["2023-01-01"]);
}

#[tokio::test]
async fn a_facet_option_says_its_count_in_words_within_its_label() {
    let app = seeded().await;
    let (_, html) = app.get_html("/?topic=export-controls").await;
    let count = select(&html, "label[for=f-official-gina-raimondo] .count");
    assert_eq!(count.len(), 1);
    // The words are in the label's text, where every screen reader reads them; an
    // aria-label on a bare span is not.
    assert_eq!(
        select(&html, "label[for=f-official-gina-raimondo]"),
        [format!("Gina Raimondo {} matching events", count[0])]
    );
    assert!(attrs(&html, ".facet [aria-label]", "aria-label").is_empty());
}

#[tokio::test]
async fn date_fields_show_whole_dates_as_a_date_input_needs() {
    let app = seeded().await;
    // A year or a month stands for its first or last day, as in the canonical address.
    let (status, html) = app.get_html("/?from=2023&to=2024-02").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(attrs(&html, "#filter-from", "value"), ["2023-01-01"]);
    assert_eq!(attrs(&html, "#filter-to", "value"), ["2024-02-29"]);
    // A rejected filter keeps a whole date as typed and clears what no date input can hold.
    let (status, html) = app.get_html("/?from=2023-08-01&to=2023-02-30").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(attrs(&html, "#filter-from", "value"), ["2023-08-01"]);
    assert_eq!(attrs(&html, "#filter-to", "value"), [""]);
    assert_eq!(attrs(&html, "#filter-to", "aria-invalid"), ["true"]);
}

#[tokio::test]
async fn bad_filters_get_a_400_naming_the_parameter_beside_the_form() {
    let app = seeded().await;
    let cases = [
        (
            "/?from=yesterday",
            "from",
            "expected a date like 2023-08-29",
        ),
        ("/?to=2023-02-30", "to", "is not a real date"),
        ("/?from=2023-09-01&to=2023-08-01", "to", "before it starts"),
        (
            "/?official=li-qiang2",
            "official",
            "there is no official \"li-qiang2\"",
        ),
        ("/?topic=Export%20Controls", "topic", "is not a slug"),
        ("/?kind=party", "kind", "is not an event kind"),
        ("/?sort=up", "sort", "expected asc or desc"),
        (
            "/?oficial=li-qiang",
            "oficial",
            "is not a timeline parameter",
        ),
        ("/?q=%22%2A%22", "q", "at least one letter or digit"),
        ("/?from=2023&from=2024", "from", "more than once"),
    ];
    for (path, param, message) in cases {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        let alert = select(&html, ".filter-form [role=alert]").join(" ");
        assert!(
            alert.contains(&format!("“{param}”")) && alert.contains(message),
            "{path}: {alert}"
        );
        assert!(event_slugs(&html).is_empty(), "{path}");
    }
    // Beside the error, the form offers the unfiltered facets, whether the filter did not
    // parse or named no record.
    let (_, unfiltered) = app.get_html("/").await;
    let raimondo = facet_count(&unfiltered, "official", "gina-raimondo");
    assert!(raimondo.is_some_and(|n| n > 1), "{raimondo:?}");
    for path in [
        "/?official=li-qiang2&topic=export-controls",
        "/?from=yesterday&topic=export-controls",
    ] {
        let (_, html) = app.get_html(path).await;
        assert_eq!(
            facet_count(&html, "official", "gina-raimondo"),
            raimondo,
            "{path}"
        );
    }
    // The value typed is kept in the form so it can be corrected.
    let (_, html) = app.get_html("/?from=2023-09-01&to=2023-08-01").await;
    assert_eq!(attrs(&html, "#filter-to", "aria-invalid"), ["true"]);
    assert_eq!(attrs(&html, "#filter-to", "value"), ["2023-08-01"]);
}
