//! The server-drawn charts: each SVG parses as XML, its numbers equal the database's counts,
//! it carries a title, a description and a table of the same numbers, and every link in it
//! leads to a page whose results are exactly what the bar or node stands for.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use common::*;

/// Every inline `<svg>…</svg>` of a page, as written.
fn svgs(body: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").unwrap() + start + "</svg>".len();
        found.push(rest[start..end].to_owned());
        rest = &rest[end..];
    }
    found
}

/// The page's chart with this id, parsed as XML (which it must be).
fn chart_svg(body: &str, figure_id: &str) -> String {
    let at = body
        .find(&format!("id=\"{figure_id}\""))
        .unwrap_or_else(|| panic!("no chart {figure_id}"));
    let svg = svgs(&body[at..]).into_iter().next().unwrap();
    roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{figure_id} is not XML: {e}"));
    svg
}

fn num(node: roxmltree::Node<'_, '_>, attr: &str) -> i64 {
    node.attribute(attr).unwrap().parse().unwrap()
}

/// The chart's columns: period → (count, href, per-series counts).
type Columns = BTreeMap<String, (i64, String, BTreeMap<String, i64>)>;

fn columns(svg: &str) -> Columns {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("a") && n.attribute("data-period").is_some())
        .map(|a| {
            let series: BTreeMap<String, i64> = a
                .descendants()
                .filter(|n| n.attribute("data-series").is_some())
                .map(|n| {
                    (
                        n.attribute("data-series").unwrap().to_owned(),
                        num(n, "data-count"),
                    )
                })
                .collect();
            let count = num(a, "data-count");
            assert_eq!(series.values().sum::<i64>(), count, "segments add up");
            (
                a.attribute("data-period").unwrap().to_owned(),
                (count, a.attribute("href").unwrap().to_owned(), series),
            )
        })
        .collect()
}

async fn sql_counts(app: &TestApp, sql: &str) -> BTreeMap<String, i64> {
    sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_all(&app.pool)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// Follows every column's link and checks it lists exactly the column's events: as many, each
/// known to lie within the column's period.
async fn every_column_link_lists_exactly_its_events(app: &TestApp, cols: &Columns) {
    for (period, (count, href, _)) in cols {
        let (status, html) = app.get_html(href).await;
        assert_eq!(status, StatusCode::OK, "{href}");
        let slugs = event_slugs(&html);
        assert_eq!(
            slugs.len() as i64,
            *count,
            "{href} lists the column's events"
        );
        for slug in slugs {
            let (start, end): (String, String) =
                sqlx::query_as("SELECT date_start, date_end FROM events WHERE slug = ?1")
                    .bind(&slug)
                    .fetch_one(&app.pool)
                    .await
                    .unwrap();
            assert!(
                start.starts_with(period.as_str()) && end.starts_with(period.as_str()),
                "{slug} ({start} to {end}) lies within {period}"
            );
        }
    }
}

#[tokio::test]
async fn the_unfiltered_timeline_counts_events_per_year_as_the_database_does() {
    let app = seeded().await;
    let (status, _, body) = app.get("/").await;
    assert_eq!(status, StatusCode::OK);
    let svg = chart_svg(&body, "timeline-chart");
    let cols = columns(&svg);
    let expected = sql_counts(
        &app,
        "SELECT substr(date_start, 1, 4), COUNT(*) FROM events
          WHERE substr(date_start, 1, 4) = substr(date_end, 1, 4) GROUP BY 1",
    )
    .await;
    let drawn: BTreeMap<String, i64> = cols.iter().map(|(k, v)| (k.clone(), v.0)).collect();
    assert_eq!(drawn, expected);
    // The rest (an event dated "2019 to 2023") is counted, not drawn in a year.
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let root = doc.root_element();
    let total = count(&app.pool, "events").await;
    assert_eq!(num(root, "data-total"), total);
    assert_eq!(
        num(root, "data-unplaced"),
        total - expected.values().sum::<i64>()
    );
    assert!(num(root, "data-unplaced") > 0);
    every_column_link_lists_exactly_its_events(&app, &cols).await;
}

#[tokio::test]
async fn a_year_is_counted_by_month_and_coarse_dates_are_spans_not_months() {
    let app = seeded().await;
    let (_, _, body) = app.get("/?from=2023&to=2023").await;
    let svg = chart_svg(&body, "timeline-chart");
    let cols = columns(&svg);
    let in_a_month = "substr(date_start, 1, 7) = substr(date_end, 1, 7)
          AND date_start >= '2023-01-01' AND date_end <= '2023-12-31'";
    let expected = sql_counts(
        &app,
        &format!(
            "SELECT substr(date_start, 1, 7), COUNT(*) FROM events WHERE {in_a_month} GROUP BY 1"
        ),
    )
    .await;
    let drawn: BTreeMap<String, i64> = cols.iter().map(|(k, v)| (k.clone(), v.0)).collect();
    assert_eq!(drawn, expected);
    assert!(expected.len() >= 3, "several months have events");

    // By class, as the database has them.
    let by_class = sql_counts(
        &app,
        &format!(
            "SELECT class, COUNT(*) FROM events WHERE {in_a_month} AND substr(date_start, 1, 7) = '2023-08' GROUP BY 1"
        ),
    )
    .await;
    assert_eq!(cols["2023-08"].2, by_class);

    // Events known only to the year, a season or longer are spans under the axis, with their
    // counts; together with the columns they are every event of the view.
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let spans: Vec<(String, i64)> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("chart__span"))
        .map(|n| {
            (
                n.attribute("data-label").unwrap().to_owned(),
                num(n, "data-count"),
            )
        })
        .collect();
    let year_only: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM events WHERE date_start = '2023-01-01' AND date_end = '2023-12-31'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(spans.contains(&("2023".to_owned(), year_only)));
    let overlapping: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM events WHERE date_end >= '2023-01-01' AND date_start <= '2023-12-31'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        drawn.values().sum::<i64>() + spans.iter().map(|s| s.1).sum::<i64>(),
        overlapping
    );
    every_column_link_lists_exactly_its_events(&app, &cols).await;
}

#[tokio::test]
async fn stacking_by_kind_keeps_the_filters_and_counts_kinds() {
    let app = seeded().await;
    let (status, _, body) = app
        .get("/?official=gina-raimondo&from=2023&to=2023&stack=kind")
        .await;
    assert_eq!(status, StatusCode::OK);
    let cols = columns(&chart_svg(&body, "timeline-chart"));
    let expected = sql_counts(
        &app,
        "SELECT kind, COUNT(*) FROM events e
          WHERE e.id IN (SELECT event_id FROM event_people JOIN people p ON p.id = person_id WHERE p.slug = 'gina-raimondo')
            AND substr(date_start, 1, 7) = '2023-08' AND substr(date_end, 1, 7) = '2023-08' GROUP BY 1",
    )
    .await;
    assert_eq!(cols["2023-08"].2, expected);
    for (_, href, _) in cols.values() {
        assert!(href.contains("official=gina-raimondo") && href.contains("stack=kind"));
    }
    every_column_link_lists_exactly_its_events(&app, &cols).await;
    // The toggle links back to class, keeping the filters.
    let html = scraper::Html::parse_document(&body);
    // Changing the filters or the order keeps the stacking.
    for href in attrs(&html, ".chip--active", "href")
        .into_iter()
        .chain(attrs(&html, ".results__sort", "href"))
    {
        assert!(href.ends_with("stack=kind"), "{href}");
    }
    assert_eq!(attrs(&html, "input[name=stack]", "value"), ["kind"]);
    let toggles = attrs(&html, ".chart__stack a", "href");
    assert!(toggles.contains(&"/?official=gina-raimondo&from=2023-01-01&to=2023-12-31".to_owned()));
}

#[tokio::test]
async fn a_range_starting_mid_month_draws_only_what_is_known_to_lie_within_it() {
    let app = seeded().await;
    let (_, _, body) = app.get("/?from=2023-08-15&to=2023-09-30").await;
    let cols = columns(&chart_svg(&body, "timeline-chart"));
    let expected: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM events WHERE date_start >= '2023-08-15' AND date_end <= '2023-08-31'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(cols["2023-08"].0, expected);
    assert!(cols["2023-08"].1.contains("from=2023-08-15"));
    every_column_link_lists_exactly_its_events(&app, &cols).await;
}

#[tokio::test]
async fn the_numbers_table_repeats_the_chart() {
    let app = seeded().await;
    let (_, _, body) = app.get("/?from=2023&to=2023").await;
    let cols = columns(&chart_svg(&body, "timeline-chart"));
    let html = scraper::Html::parse_document(&body);
    let row = scraper::Selector::parse("#timeline-chart details table tr[data-period]").unwrap();
    let td = scraper::Selector::parse("td").unwrap();
    let mut rows = 0;
    for tr in html.select(&row) {
        let period = tr.value().attr("data-period").unwrap();
        let total: i64 = tr
            .select(&td)
            .last()
            .unwrap()
            .text()
            .collect::<String>()
            .parse()
            .unwrap();
        assert_eq!(total, cols.get(period).map_or(0, |c| c.0), "{period}");
        rows += 1;
    }
    assert_eq!(rows, 12, "every month of the year, empty ones too");
}

#[tokio::test]
async fn every_chart_has_a_title_a_description_and_its_numbers_as_a_table() {
    let app = seeded().await;
    for path in [
        "/",
        "/?from=2023&to=2023&stack=kind",
        "/officials/gina-raimondo",
        "/topics/export-controls",
        "/network",
        "/agreements",
    ] {
        let (status, _, body) = app.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let all = svgs(&body);
        assert!(!all.is_empty(), "{path} has a chart");
        for svg in all {
            let doc = roxmltree::Document::parse(&svg).unwrap();
            let root = doc.root_element();
            // No role: an svg is a graphics document, a container whose links stay reachable
            // (role="img" would hide them, and "group" is not allowed on svg in HTML).
            assert_eq!(root.attribute("role"), None, "{path}");
            let id_of = |tag: &str| {
                root.children()
                    .find(|n| n.has_tag_name(tag))
                    .and_then(|n| n.attribute("id"))
                    .unwrap_or_else(|| panic!("{path}: no {tag}"))
                    .to_owned()
            };
            assert_eq!(
                root.attribute("aria-labelledby"),
                Some(id_of("title").as_str())
            );
            assert_eq!(
                root.attribute("aria-describedby"),
                Some(id_of("desc").as_str())
            );
            for a in doc.descendants().filter(|n| n.has_tag_name("a")) {
                assert!(
                    a.attribute("aria-label").is_some_and(|l| !l.is_empty()),
                    "{path}: a link names itself"
                );
            }
        }
        let html = scraper::Html::parse_document(&body);
        let figures = select(&html, "figure.chart").len();
        assert!(
            select(&html, "figure.chart details table").len() >= figures,
            "{path}"
        );
        assert!(
            !body.contains(" style="),
            "{path}: no inline styles (the CSP forbids them)"
        );
    }
}

#[tokio::test]
async fn an_officials_charts_count_shared_events_and_link_onwards() {
    let app = seeded().await;
    let (_, _, body) = app.get("/officials/gina-raimondo").await;
    let svg = chart_svg(&body, "met-chart");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let expected = sql_counts(
        &app,
        "SELECT p.slug, COUNT(*) FROM event_people mine
           JOIN event_people theirs ON theirs.event_id = mine.event_id AND theirs.person_id <> mine.person_id
           JOIN people p ON p.id = theirs.person_id
          WHERE mine.person_id = (SELECT id FROM people WHERE slug = 'gina-raimondo') GROUP BY p.id",
    )
    .await;
    let rows: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("data-slug").is_some())
        .collect();
    let drawn: BTreeMap<String, i64> = rows
        .iter()
        .map(|n| {
            (
                n.attribute("data-slug").unwrap().to_owned(),
                num(*n, "data-count"),
            )
        })
        .collect();
    assert_eq!(drawn, expected);
    for row in rows {
        let href = row.attribute("href").unwrap();
        assert_eq!(
            href,
            format!("/officials/{}", row.attribute("data-slug").unwrap())
        );
        assert_eq!(app.get(href).await.0, StatusCode::OK, "{href}");
    }
    // Their activity over time: the timeline narrowed to them and the period.
    let cols = columns(&chart_svg(&body, "activity-chart"));
    assert!(!cols.is_empty());
    for (_, href, _) in cols.values() {
        assert!(href.starts_with("/?official=gina-raimondo&"), "{href}");
    }
    every_column_link_lists_exactly_its_events(&app, &cols).await;
}

#[tokio::test]
async fn a_topics_officials_bars_open_onto_exactly_their_events() {
    let app = seeded().await;
    let (_, _, body) = app.get("/topics/export-controls").await;
    let svg = chart_svg(&body, "officials-chart");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let mut checked = 0;
    for row in doc
        .descendants()
        .filter(|n| n.attribute("data-slug").is_some())
    {
        let href = row.attribute("href").unwrap();
        let (status, html) = app.get_html(href).await;
        assert_eq!(status, StatusCode::OK, "{href}");
        assert_eq!(
            event_slugs(&html).len() as i64,
            num(row, "data-count"),
            "{href}"
        );
        checked += 1;
    }
    assert!(checked > 1);
    let cols = columns(&chart_svg(&body, "activity-chart"));
    every_column_link_lists_exactly_its_events(&app, &cols).await;
}

#[tokio::test]
async fn the_network_draws_every_official_and_pair_as_the_database_counts_them() {
    let app = seeded().await;
    let (status, _, body) = app.get("/network").await;
    assert_eq!(status, StatusCode::OK);
    let svg = chart_svg(&body, "network-chart");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let nodes: BTreeMap<String, i64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("a"))
        .map(|n| {
            (
                n.attribute("data-slug").unwrap().to_owned(),
                num(n, "data-events"),
            )
        })
        .collect();
    let expected = sql_counts(
        &app,
        "SELECT p.slug, COUNT(*) FROM event_people ep JOIN people p ON p.id = ep.person_id GROUP BY p.id",
    )
    .await;
    assert_eq!(nodes, expected);
    let edges: BTreeMap<String, i64> = doc
        .descendants()
        .filter(|n| n.attribute("data-shared").is_some())
        .map(|n| {
            let mut pair = [
                n.attribute("data-a").unwrap(),
                n.attribute("data-b").unwrap(),
            ];
            pair.sort();
            (pair.join("+"), num(n, "data-shared"))
        })
        .collect();
    let expected_edges = sql_counts(
        &app,
        "SELECT min(pa.slug, pb.slug) || '+' || max(pa.slug, pb.slug), COUNT(*)
           FROM event_people a JOIN event_people b ON b.event_id = a.event_id AND b.person_id > a.person_id
           JOIN people pa ON pa.id = a.person_id JOIN people pb ON pb.id = b.person_id
          GROUP BY a.person_id, b.person_id",
    )
    .await;
    assert_eq!(edges, expected_edges);
    for slug in nodes.keys() {
        assert_eq!(
            app.get(&format!("/officials/{slug}")).await.0,
            StatusCode::OK
        );
    }
    // Deterministic: the same record draws the same picture.
    assert_eq!(app.get("/network").await.2, body);
}

#[tokio::test]
async fn range_within_keeps_only_events_known_to_lie_inside_the_dates() {
    let app = seeded().await;
    let overlapping = event_slugs(&app.get_html("/?from=2023-08&to=2023-08").await.1);
    let within = event_slugs(
        &app.get_html("/?from=2023-08&to=2023-08&range=within")
            .await
            .1,
    );
    let expected: Vec<String> = sqlx::query_scalar(
        "SELECT slug FROM events WHERE date_start >= '2023-08-01' AND date_end <= '2023-08-31'
          ORDER BY date_start, date_end, slug",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(within, expected);
    assert!(
        overlapping.len() > within.len(),
        "a year-dated event overlaps August"
    );
    // The API shares the filter.
    let (status, _, json) = app
        .get("/api/v1/events?from=2023-08&to=2023-08&range=within&limit=1000")
        .await;
    assert_eq!(status, StatusCode::OK);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["data"].as_array().unwrap().len(), expected.len());
}

#[tokio::test]
async fn bad_chart_parameters_get_a_400_naming_them() {
    let app = seeded().await;
    for (path, param) in [
        ("/?stack=colour", "stack"),
        ("/?stack=kind&stack=class", "stack"),
        ("/?range=inside", "range"),
        ("/api/v1/events?range=inside", "range"),
        ("/api/v1/events?stack=kind", "stack"),
    ] {
        let (status, _, body) = app.get(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(body.contains(param), "{path} names {param}");
    }
}

#[tokio::test]
async fn the_agreements_chart_draws_each_dated_agreement_with_its_status() {
    let app = seeded().await;
    let (status, _, body) = app.get("/agreements").await;
    assert_eq!(status, StatusCode::OK);
    let svg = chart_svg(&body, "commitments-chart");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let rows: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("a") && n.attribute("data-status").is_some())
        .collect();
    let dated: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM agreements WHERE event_id IS NOT NULL")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(rows.len() as i64, dated);
    let due: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM agreements WHERE event_id IS NOT NULL AND due_end IS NOT NULL",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let bars = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("commit__due"))
        .count();
    assert_eq!(
        bars as i64, due,
        "a bar to the due date only where there is one"
    );
    for row in rows {
        let href = row.attribute("href").unwrap();
        let (status, html) = app.get_html(href).await;
        assert_eq!(status, StatusCode::OK, "{href}");
        // The agreement's own page judges the same status.
        let shown = attrs(&html, ".tag[class*=\"tag--\"]", "class").join(" ");
        assert!(
            shown.contains(&format!("tag--{}", row.attribute("data-status").unwrap())),
            "{href}: {shown}"
        );
    }
}
