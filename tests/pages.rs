//! Every page of the site, through the real router over the real dataset.

mod common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn the_timeline_lists_every_event_grouped_by_year_and_month() {
    let app = seeded().await;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    let events = app.timeline_slugs("/").await;
    assert_eq!(events.len() as i64, count(&app.pool, "events").await);
    assert!(events.len() >= 15);
    assert_eq!(event_slugs(&html), events[..events.len().min(50)]);
    assert_eq!(
        events.first().map(String::as_str),
        Some("trump-trade-war"),
        "oldest first"
    );
    let years = select(&html, ".year__heading");
    // The first page's years (2025 follows on the next page).
    assert_eq!(years, ["2018", "2019", "2020", "2022", "2023", "2024"]);
    let periods = select(&html, ".period__heading");
    assert!(periods.contains(&"August 2023".to_owned()), "{periods:?}");
    assert!(periods.contains(&"Early 2024".to_owned()), "{periods:?}");
    assert_eq!(select(&html, "h1"), ["US–China trade relations"]);
}

#[tokio::test]
async fn timeline_entries_show_date_kind_participants_and_topics() {
    let app = seeded().await;
    let (_, html) = app.get_html("/").await;
    let card = scraper::Selector::parse(".event").unwrap();
    let lunch = html
        .select(&card)
        .find(|e| {
            e.html()
                .contains("/events/raimondo-wang-wentao-lunch-meeting")
        })
        .expect("the lunch meeting is listed");
    let text: String = lunch.text().collect::<Vec<_>>().join(" ");
    for expected in [
        "28 August 2023",
        "Meeting",
        "Gina Raimondo",
        "Wang Wentao",
        "Export controls",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from {text:?}"
        );
    }
    assert!(lunch.html().contains("datetime=\"2023-08-28\""));
    // Both sides acted, each shown by name with its own accent.
    let sides = scraper::Selector::parse(".side").unwrap();
    let shown: Vec<(String, String)> = lunch
        .select(&sides)
        .map(|s| {
            (
                s.value().attr("class").unwrap_or_default().to_owned(),
                s.text().collect(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("side side--china".to_owned(), "China".to_owned()),
            (
                "side side--united-states".to_owned(),
                "United States".to_owned()
            )
        ]
    );
}

#[tokio::test]
async fn sort_desc_reverses_the_timeline() {
    let app = seeded().await;
    let mut reversed = app.timeline_slugs("/").await;
    reversed.reverse();
    assert_eq!(app.timeline_slugs("/?sort=desc").await, reversed);
}

#[tokio::test]
async fn an_event_page_shows_everything_known_about_it() {
    let app = seeded().await;
    let (status, html) = app
        .get_html("/events/raimondo-wang-wentao-lunch-meeting")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        select(&html, "h1"),
        ["Raimondo and Commerce Minister Wang Wentao hold a two-hour lunch meeting"]
    );
    let date = select(&html, ".record__date").join(" ");
    assert!(
        date.contains("28 August 2023")
            && date.contains("known to the day")
            && date.contains("on Monday"),
        "{date}"
    );
    let people = select(&html, ".person__name");
    assert!(
        people.contains(&"Gina Raimondo".to_owned()) && people.contains(&"Wang Wentao".to_owned()),
        "{people:?}"
    );
    // The title each person held on the event's date.
    let details = select(&html, ".person__detail").join(" | ");
    assert!(details.contains("US Secretary of Commerce"), "{details}");
    assert!(
        details.contains("Minister of Commerce of China"),
        "{details}"
    );
    // The cited paragraph, numbered and quoted.
    let cited = select(&html, ".paragraph");
    assert!(
        cited
            .iter()
            .any(|p| p.starts_with("¶ 32") && p.contains("two-hour lunch meeting on Monday")),
        "{cited:?}"
    );
    assert!(!select(&html, ".pager__prev").is_empty() && !select(&html, ".pager__next").is_empty());
    assert!(!select(&html, ".related li").is_empty());
    // The editors' comparison of the two governments' accounts.
    assert!(
        select(&html, ".note")
            .iter()
            .any(|n| n.contains("The two accounts list the same four mechanisms")),
        "{:?}",
        select(&html, ".note")
    );
}

#[tokio::test]
async fn an_event_page_shows_its_quotes_and_agreements() {
    let app = seeded().await;
    let (_, html) = app
        .get_html("/events/raimondo-refuses-to-ease-export-controls")
        .await;
    let quotes = select(&html, ".quote");
    assert!(
        quotes
            .iter()
            .any(|q| q.contains("Of course, I refused") && q.contains("Gina Raimondo")),
        "{quotes:?}"
    );

    let (_, html) = app
        .get_html("/events/export-control-information-exchange-agreed")
        .await;
    let agreements = select(&html, ".agreement__title");
    assert!(!agreements.is_empty(), "agreements reached are listed");
}

#[tokio::test]
async fn corrections_of_the_source_are_shown_with_their_basis() {
    let app = seeded().await;
    let (_, html) = app.get_html("/events/pelosi-visits-taiwan").await;
    let notes = select(&html, ".note--correction");
    assert!(
        notes
            .iter()
            .any(|n| n.contains("2022") && n.contains("Basis:")),
        "{notes:?}"
    );
    // The source's own words are kept.
    assert!(
        select(&html, ".record__date")
            .join(" ")
            .contains("August 2020")
    );
}

#[tokio::test]
async fn the_officials_index_groups_people_by_country() {
    let app = seeded().await;
    let (status, html) = app.get_html("/officials").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(select(&html, "main h2"), ["China", "United States"]);
    let names = select(&html, ".card__title a");
    for slug in [
        "gina-raimondo",
        "wang-wentao",
        "li-qiang",
        "he-lifeng",
        "xi-jinping",
        "janet-yellen",
        "joe-biden",
        "donald-trump",
        "nancy-pelosi",
    ] {
        assert!(
            attrs(&html, ".card__title a", "href").contains(&format!("/officials/{slug}")),
            "{slug} in {names:?}"
        );
    }
}

#[tokio::test]
async fn an_official_page_shows_title_events_quotes_and_whom_they_met() {
    let app = seeded().await;
    let (status, html) = app.get_html("/officials/li-qiang").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(select(&html, "h1"), ["Li Qiang 李强"]);
    assert!(
        select(&html, ".record__date")
            .join(" ")
            .contains("Premier of the State Council")
    );
    assert!(select(&html, ".facts").join(" ").contains("“Premier Li”"));
    assert!(event_slugs(&html).contains(&"raimondo-meets-li-qiang".to_owned()));
    assert!(
        select(&html, ".quote")
            .iter()
            .any(|q| q.contains("taking real actions"))
    );
    let met = select(&html, "#met-chart tbody tr");
    assert!(
        met.iter().any(|m| m.starts_with("Gina Raimondo")),
        "{met:?}"
    );
}

#[tokio::test]
async fn raimondo_met_wang_wentao_more_than_once() {
    let app = seeded().await;
    let (_, html) = app.get_html("/officials/gina-raimondo").await;
    let met = select(&html, "#met-chart tbody tr");
    let wang = met
        .iter()
        .find(|m| m.starts_with("Wang Wentao"))
        .expect("Wang Wentao is listed");
    let n: i64 = wang
        .split_whitespace()
        .next_back()
        .and_then(|n| n.parse().ok())
        .expect("a count");
    let shared: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM event_people a JOIN event_people b ON a.event_id = b.event_id
          JOIN people pa ON pa.id = a.person_id JOIN people pb ON pb.id = b.person_id
         WHERE pa.slug = 'gina-raimondo' AND pb.slug = 'wang-wentao'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(n, shared);
    assert!(n >= 2);
}

#[tokio::test]
async fn topic_pages_list_their_events_officials_and_agreements() {
    let app = seeded().await;
    let (status, html) = app.get_html("/topics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(select(&html, ".card__title").len() >= 8);

    let (status, html) = app.get_html("/topics/export-controls").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(select(&html, "h1"), ["Export controls"]);
    let events = event_slugs(&html);
    assert!(
        events.contains(&"raimondo-refuses-to-ease-export-controls".to_owned()),
        "{events:?}"
    );
    let expected: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE t.slug = 'export-controls'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(events.len() as i64, expected);
    assert!(!select(&html, "#officials-chart tbody tr").is_empty());
    assert!(!select(&html, ".agreement").is_empty());
}

#[tokio::test]
async fn organization_pages_list_their_events() {
    let app = seeded().await;
    let (status, html) = app.get_html("/organizations").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        attrs(&html, ".card__title a", "href")
            .contains(&"/organizations/micron-technology".to_owned())
    );
    let (status, html) = app.get_html("/organizations/micron-technology").await;
    assert_eq!(status, StatusCode::OK);
    assert!(event_slugs(&html).contains(&"china-bars-micron-products".to_owned()));
}

#[tokio::test]
async fn unknown_records_get_a_real_404_page() {
    let app = seeded().await;
    for path in [
        "/events/no-such-event",
        "/officials/li-qiang2",
        "/topics/nothing",
        "/organizations/none",
        "/no/such/page",
        "/static/css/none.css",
    ] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(select(&html, "h1"), ["Page not found"], "{path}");
    }
}

#[tokio::test]
async fn static_files_cannot_escape_the_bundle() {
    let app = seeded().await;
    for path in [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/..%2fCargo.toml",
        "/static/css/../../Cargo.toml",
    ] {
        let (status, _, body) = app.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!body.contains("[package]"), "{path}");
    }
}

#[tokio::test]
async fn the_stylesheet_is_served_with_its_content_type() {
    let app = seeded().await;
    let (status, headers, _) = app.get("/static/css/site.css").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/css; charset=utf-8");
}

#[tokio::test]
async fn pages_are_compressed_when_the_client_accepts_it() {
    let app = seeded().await;
    for encoding in ["br", "gzip"] {
        let request = axum::http::Request::get("/")
            .header("accept-encoding", encoding)
            .body(axum::body::Body::empty())
            .unwrap();
        let (status, headers, _) = app.request(request).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-encoding"], encoding);
    }
}

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let app = seeded().await;
    let (status, _, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    // No request has loaded the event index yet; the first page does.
    assert_eq!(body, "ok\nindex: loading\n");
    assert_eq!(app.get("/").await.0, StatusCode::OK);
    assert_eq!(app.get("/healthz").await.2, "ok\nindex: ready\n");
    app.pool.close().await;
    let (status, _, _) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn every_page_has_a_skip_link_main_landmark_and_labelled_search() {
    let app = seeded().await;
    for path in [
        "/",
        "/events/raimondo-meets-li-qiang",
        "/officials",
        "/officials/xi-jinping",
        "/topics",
        "/topics/tourism",
        "/organizations",
        "/organizations/huawei",
        "/about",
        "/nope",
    ] {
        let (_, html) = app.get_html(path).await;
        assert_eq!(attrs(&html, "a.skip-link", "href"), ["#main"], "{path}");
        assert_eq!(attrs(&html, "main", "id"), ["main"], "{path}");
        assert_eq!(
            attrs(&html, "label[for=site-search-q]", "for").len(),
            1,
            "{path}"
        );
        assert_eq!(select(&html, "h1").len(), 1, "{path}: one h1");
    }
}

#[tokio::test]
async fn the_about_page_counts_the_record_and_lists_its_sources() {
    let app = seeded().await;
    let (status, html) = app.get_html("/about").await;
    assert_eq!(status, StatusCode::OK);
    let stats: Vec<String> = select(&html, ".stats dt")
        .into_iter()
        .zip(select(&html, ".stats dd"))
        .map(|(term, value)| format!("{term} {value}"))
        .collect();
    let events = count(&app.pool, "events").await;
    assert!(stats.contains(&format!("Events {events}")), "{stats:?}");
    assert!(
        stats.contains(&format!("People {}", count(&app.pool, "people").await)),
        "{stats:?}"
    );
    let sources = select(&html, "#sources-list-heading + ul li");
    assert_eq!(sources.len() as i64, count(&app.pool, "sources").await);
    assert!(
        sources
            .iter()
            .any(|s| s.contains("36 paragraphs, 36 cited")),
        "{sources:?}"
    );
}

#[tokio::test]
async fn a_role_that_has_ended_reads_as_former_with_its_years() {
    let app = seeded().await;
    let (_, html) = app.get_html("/officials/gina-raimondo").await;
    assert!(
        select(&html, ".record__date")
            .join(" ")
            .contains("Former US Secretary of Commerce (2021–2025)")
    );
    assert!(
        select(&html, ".roles li")
            .join(" ")
            .contains("3 March 2021 – 20 January 2025")
    );
    // On an event page the title is the one held on the event's date, without "Former".
    let (_, html) = app
        .get_html("/events/raimondo-wang-wentao-lunch-meeting")
        .await;
    assert!(
        select(&html, ".person__detail")
            .iter()
            .any(|d| d.starts_with("US Secretary of Commerce"))
    );
}

#[tokio::test]
async fn pages_name_their_canonical_address_and_open_graph_tags() {
    let app = seeded().await;
    let base = tradewatch::state::DEFAULT_PUBLIC_URL;
    for (path, canonical, og_type) in [
        ("/officials", "/officials", "website"),
        (
            "/events/raimondo-meets-li-qiang",
            "/events/raimondo-meets-li-qiang",
            "article",
        ),
        (
            "/?topic=export-controls&official=gina-raimondo",
            "/?official=gina-raimondo&topic=export-controls",
            "website",
        ),
    ] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let expected = format!("{base}{canonical}");
        assert_eq!(
            attrs(&html, r#"link[rel="canonical"]"#, "href"),
            [expected.as_str()],
            "{path}"
        );
        assert_eq!(
            attrs(&html, r#"meta[property="og:url"]"#, "content"),
            [expected.as_str()],
            "{path}"
        );
        assert_eq!(
            attrs(&html, r#"meta[property="og:type"]"#, "content"),
            [og_type],
            "{path}"
        );
        assert_eq!(
            attrs(&html, r#"meta[property="og:description"]"#, "content"),
            attrs(&html, r#"meta[name="description"]"#, "content"),
            "{path}"
        );
        assert_eq!(
            attrs(&html, r#"meta[property="og:title"]"#, "content").len(),
            1
        );
    }
    for path in ["/no-such-page", "/?from=2023-09-01&to=2023-08-01"] {
        let (status, html) = app.get_html(path).await;
        assert!(status.is_client_error(), "{path}");
        assert!(
            attrs(&html, r#"link[rel="canonical"]"#, "href").is_empty(),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_roles_researched_since_give_their_start_dates_and_what_they_rest_on() {
    let app = seeded().await;
    let role = |html: &scraper::Html| select(html, ".roles li .count").join(" | ");
    let (_, html) = app.get_html("/officials/shu-jueting").await;
    assert!(role(&html).contains("2 September 2021"), "{}", role(&html));
    // The ministry's transcript of that press conference is one of her sources.
    assert!(
        attrs(&html, "a", "href")
            .contains(&"/sources/mofcom-press-conference-2021-09-02".to_owned())
    );
    let (_, html) = app.get_html("/officials/hu-heping").await;
    let period = role(&html);
    assert!(
        period.contains("11 August 2020") && period.contains("29 December 2023"),
        "{period}"
    );
}
