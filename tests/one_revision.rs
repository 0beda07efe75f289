//! Every page, JSON document, export and feed is read from one data revision, and says which:
//! its content, its `Last-Modified` and the revision it is kept under all agree, even when
//! imports commit between its reads.
//!
//! The server here runs over a pool that commits an import every time it hands out a
//! connection, before the page's read begins: the revision the middleware looks up, and each
//! read a page makes through the pool, each see a newer revision. Each import renames every
//! official, topic, organisation, event, agreement and source after itself (`… @r7@`), so a
//! page that mixed two reads would show two revisions' names.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::str::FromStr as _;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{SqliteConnection, SqlitePool};
use tower::ServiceExt as _;
use tradewatch::catalog::Revision;

/// An import, as far as the pages can tell: a new revision dated 2030-01-01 plus its id in
/// days, renaming the records after it.
const IMPORT: &str = "BEGIN IMMEDIATE;
INSERT INTO revisions (imported_at, files, digest)
     VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', '2030-01-01',
                      '+' || (SELECT coalesce(max(id), 0) + 1 FROM revisions) || ' days'),
             '[]', 'test');
UPDATE people SET name = 'Official ' || id || ' @r' || (SELECT max(id) FROM revisions) || '@';
UPDATE topics SET name = 'Topic ' || id || ' @r' || (SELECT max(id) FROM revisions) || '@';
UPDATE organizations
   SET name = 'Organisation ' || id || ' @r' || (SELECT max(id) FROM revisions) || '@';
UPDATE events SET title = 'Event ' || id || ' @r' || (SELECT max(id) FROM revisions) || '@';
UPDATE agreements
   SET title = 'Agreement ' || id || ' @r' || (SELECT max(id) FROM revisions) || '@';
UPDATE sources SET title = 'Source ' || id || ' @r' || (SELECT max(id) FROM revisions) || '@';
COMMIT;";

async fn import(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(IMPORT).execute(conn).await.map(|_| ())
}

/// A pool over the database at `url` that commits an import before handing out any
/// connection, new or kept.
async fn importing_pool(url: &str) -> SqlitePool {
    let options = SqliteConnectOptions::from_str(url)
        .unwrap()
        .foreign_keys(true)
        .busy_timeout(std::time::Duration::from_secs(5));
    SqlitePoolOptions::new()
        .max_connections(4)
        .after_connect(|conn, _| Box::pin(import(conn)))
        .before_acquire(|conn, _| Box::pin(async move { import(conn).await.map(|()| true) }))
        .connect_with(options)
        .await
        .unwrap()
}

/// The revisions whose names `body` shows.
fn revisions_shown(body: &str) -> std::collections::BTreeSet<i64> {
    body.split("@r")
        .skip(1)
        .filter_map(|rest| {
            let (digits, after) = rest.split_at(rest.find(|c: char| !c.is_ascii_digit())?);
            if after.starts_with('@') {
                digits.parse().ok()
            } else {
                None
            }
        })
        .collect()
}

/// The `Last-Modified` of the revision with this id, as `IMPORT` dates it.
fn last_modified_of(id: i64) -> String {
    let day = time::macros::date!(2030 - 01 - 01) + time::Duration::days(id);
    let format =
        time::macros::format_description!("[weekday repr:short], [day] [month repr:short] [year]");
    format!("{} 00:00:00 GMT", day.format(&format).unwrap())
}

/// Every address that reads data, and whether it shows the names of records.
const PAGES: &[(&str, bool)] = &[
    ("/", true),
    ("/?official=gina-raimondo&topic=export-controls", true),
    ("/events/raimondo-meets-li-qiang", true),
    ("/officials", true),
    ("/officials/gina-raimondo", true),
    ("/network", true),
    ("/topics", true),
    ("/topics/export-controls", true),
    ("/organizations", true),
    ("/organizations/micron-technology", true),
    ("/agreements", true),
    ("/agreements/biden-xi-bali-understanding", true),
    ("/changes", true),
    ("/sources", true),
    ("/sources/raimondo-beijing-2023-08-29", true),
    ("/about", true),
    ("/readouts", true),
    ("/search?q=export", true),
    ("/api/v1/events", true),
    // Counts by slug.
    ("/api/v1/events/facets", false),
    ("/api/v1/events/raimondo-meets-li-qiang", true),
    ("/api/v1/officials", true),
    ("/api/v1/officials/gina-raimondo", true),
    ("/api/v1/topics", true),
    ("/api/v1/topics/export-controls", true),
    ("/api/v1/organizations/micron-technology", true),
    ("/api/v1/agreements", true),
    ("/api/v1/agreements/biden-xi-bali-understanding", true),
    ("/api/v1/sources/raimondo-beijing-2023-08-29", true),
    ("/api/v1/readouts", true),
    ("/api/v1/search?q=export", true),
    ("/api/v1/openapi.json", false),
    ("/events.csv", true),
    ("/officials.csv", true),
    ("/agreements.csv", true),
    ("/readouts.csv", true),
    ("/feed.atom", true),
    ("/calendar.ics", true),
    ("/datapackage.json", false),
];

#[tokio::test]
async fn every_page_shows_one_revision_and_is_dated_and_kept_by_it() {
    let seeded = common::seeded().await;
    let pool = importing_pool(&seeded.url).await;
    let state = tradewatch::AppState::new(pool.clone());
    let router = tradewatch::app(state.clone());
    for &(path, shows_names) in PAGES {
        let response = router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let read_at = *response
            .extensions()
            .get::<Revision>()
            .unwrap_or_else(|| panic!("{path} says which revision it was read at"));
        let last_modified = response.headers()["last-modified"]
            .to_str()
            .unwrap()
            .to_owned();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&body);
        let shown = revisions_shown(&body);
        if shows_names {
            assert_eq!(
                shown,
                [read_at.id].into(),
                "{path} shows these revisions' names, read at {}",
                read_at.id
            );
        } else {
            assert!(shown.is_empty(), "{path} shows {shown:?}");
        }
        assert_eq!(last_modified, last_modified_of(read_at.id), "{path}");
        // Kept under the revision it was read at: the imports before it were seen first.
        let key = tradewatch::http::page_cache::Key {
            revision: read_at.id,
            day: tradewatch::domain::date::today(),
            method: "GET".into(),
            uri: path.into(),
            accept_encoding: String::new(),
        };
        let kept = state
            .pages
            .get(&key)
            .unwrap_or_else(|| panic!("{path} kept"));
        assert_eq!(String::from_utf8_lossy(&kept.body), body, "{path}");
    }
    // The data package names the revision it describes.
    let response = router
        .clone()
        .oneshot(
            Request::get("/datapackage.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let read_at = *response.extensions().get::<Revision>().unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let package: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(package["version"], read_at.id.to_string());
}

#[tokio::test]
async fn the_marker_reader_finds_every_revision_named() {
    assert_eq!(
        revisions_shown("Official 1 @r7@, Topic 2 @r12@ and @r3 (cut) @rx@"),
        [7, 12].into()
    );
}
