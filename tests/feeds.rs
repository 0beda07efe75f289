//! Atom and iCalendar feeds, parsed back with real parsers.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use axum::http::StatusCode;
use common::*;

const ATOM: &str = "http://www.w3.org/2005/Atom";

fn child_text<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    node.children()
        .find(|c| c.has_tag_name((ATOM, name)))
        .and_then(|c| c.text())
}

#[tokio::test]
async fn the_atom_feed_lists_a_filtered_view_newest_first() {
    let app = seeded().await;
    for filter in [
        "",
        "official=gina-raimondo&topic=export-controls",
        "kind=enforcement",
    ] {
        let (status, headers, body) = app.get(&format!("/feed.atom?{filter}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            headers["content-type"],
            "application/atom+xml; charset=utf-8"
        );
        let doc = roxmltree::Document::parse(&body).expect("well-formed XML");
        let feed = doc.root_element();
        assert!(feed.has_tag_name((ATOM, "feed")));
        for required in ["id", "title", "updated"] {
            assert!(child_text(feed, required).is_some(), "feed {required}");
        }
        let entries: Vec<_> = feed
            .children()
            .filter(|c| c.has_tag_name((ATOM, "entry")))
            .collect();
        let ids: Vec<&str> = entries
            .iter()
            .map(|e| child_text(*e, "id").unwrap())
            .collect();
        // The feed's latest 100 are the timeline's first 100, newest first, across its pages.
        let expected: Vec<String> = app
            .timeline_slugs(&format!("/?{filter}&sort=desc"))
            .await
            .iter()
            .take(100)
            .map(|s| format!("http://127.0.0.1:3000/events/{s}"))
            .collect();
        assert_eq!(ids, expected, "{filter}");
        for entry in &entries {
            let updated = child_text(*entry, "updated").unwrap();
            assert!(
                time::OffsetDateTime::parse(
                    updated,
                    &time::format_description::well_known::Rfc3339
                )
                .is_ok()
            );
            let link = entry
                .children()
                .find(|c| c.has_tag_name((ATOM, "link")))
                .unwrap();
            let path = link
                .attribute("href")
                .unwrap()
                .trim_start_matches("http://127.0.0.1:3000");
            let (status, _, _) = app.get(path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
        }
    }
    // The same request gives the same ids: entries are stable.
    let (_, _, a) = app.get("/feed.atom").await;
    let (_, _, b) = app.get("/feed.atom").await;
    assert_eq!(a, b);
}

#[tokio::test]
async fn the_calendar_has_every_dated_event_as_an_all_day_event() {
    let app = seeded().await;
    let (status, headers, body) = app.get("/calendar.ics").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/calendar; charset=utf-8");
    assert!(
        body.lines().all(|l| l.len() <= 76),
        "lines fold at 75 octets"
    );
    let unfolded = icalendar::parser::unfold(&body);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("valid iCalendar");
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .collect();
    let prop = |c: &icalendar::parser::Component, name: &str| {
        c.properties
            .iter()
            .find(|p| p.name.as_str() == name)
            .map(|p| p.val.as_str().to_owned())
    };
    let event_uids: Vec<String> = events
        .iter()
        .filter_map(|e| prop(e, "UID"))
        .filter(|u| u.starts_with("event-"))
        .collect();
    assert_eq!(event_uids.len() as i64, count(&app.pool, "events").await);
    let lunch = events
        .iter()
        .find(|e| {
            prop(e, "UID").as_deref() == Some("event-raimondo-wang-wentao-lunch-meeting@tradewatch")
        })
        .unwrap();
    assert_eq!(prop(lunch, "DTSTART").as_deref(), Some("20230828"));
    assert_eq!(
        prop(lunch, "DTEND").as_deref(),
        Some("20230829"),
        "all-day: DTEND is the next day"
    );
    // A date known only to the month spans the month and says so.
    let month = events
        .iter()
        .find(|e| {
            prop(e, "UID").as_deref() == Some("event-raimondo-raises-business-concerns@tradewatch")
        })
        .unwrap();
    assert_eq!(
        (
            prop(month, "DTSTART").as_deref(),
            prop(month, "DTEND").as_deref()
        ),
        (Some("20230801"), Some("20230901"))
    );
    assert!(
        prop(month, "SUMMARY")
            .unwrap()
            .contains("date known to the month: August 2023")
    );
    // Commitments with due dates.
    let due = events
        .iter()
        .find(|e| {
            prop(e, "UID").as_deref() == Some("agreement-tourism-meeting-early-2024@tradewatch")
        })
        .unwrap();
    assert_eq!(
        (
            prop(due, "DTSTART").as_deref(),
            prop(due, "DTEND").as_deref()
        ),
        (Some("20240101"), Some("20240701"))
    );

    // A policy action also on the day it takes effect, besides its own (announcement) date.
    let gallium = |uid: &str| {
        events
            .iter()
            .find(|e| prop(e, "UID").as_deref() == Some(uid))
            .map(|e| (prop(e, "DTSTART"), prop(e, "SUMMARY")))
    };
    assert_eq!(
        gallium("event-china-gallium-germanium-export-controls@tradewatch")
            .unwrap()
            .0
            .as_deref(),
        Some("20230703")
    );
    let (start, summary) =
        gallium("in-force-china-gallium-germanium-export-controls-2023-08-01@tradewatch")
            .expect("the day the controls take effect");
    assert_eq!(start.as_deref(), Some("20230801"));
    assert!(summary.unwrap().starts_with("Takes effect: "));

    // Filters apply as on the timeline.
    let (_, _, body) = app.get("/calendar.ics?official=li-qiang").await;
    let unfolded = icalendar::parser::unfold(&body);
    let calendar = icalendar::parser::read_calendar(&unfolded).unwrap();
    let (_, html) = app.get_html("/?official=li-qiang").await;
    assert_eq!(
        calendar
            .components
            .iter()
            .filter(|c| c.name.as_str() == "VEVENT")
            .count(),
        event_slugs(&html).len()
    );

    let (status, _, body) = app.get("/calendar.ics?from=someday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("\"parameter\":\"from\""));
}

#[tokio::test]
async fn official_and_topic_pages_advertise_their_feeds() {
    let app = seeded().await;
    for (page, feed) in [
        ("/officials/li-qiang", "/feed.atom?official=li-qiang"),
        ("/topics/tourism", "/feed.atom?topic=tourism"),
    ] {
        let (_, html) = app.get_html(page).await;
        assert_eq!(
            attrs(
                &html,
                "link[rel=alternate][type='application/atom+xml']",
                "href"
            ),
            [feed],
            "{page}"
        );
        let (status, _, body) = app.get(feed).await;
        assert_eq!(status, StatusCode::OK);
        assert!(roxmltree::Document::parse(&body).is_ok());
    }
}
