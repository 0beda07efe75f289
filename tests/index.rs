//! The in-memory event index answers exactly as SQLite does. Every page, document and chart is
//! requested twice through the real router over the same database file: once from an app whose
//! index is built, once from an app that answers from SQLite alone. The bodies must be
//! byte-identical, across filters of every kind, their combinations, date ranges of every
//! precision and both range rules, text, both sorts, pages reached by following the pager's
//! links in both directions, and every record page.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use common::*;
use sqlx::SqlitePool;
use tradewatch::AppState;
use tradewatch::db::index::SharedIndex;

/// The same database served with and without the index.
struct Pair {
    indexed: TestApp,
    plain: TestApp,
}

impl Pair {
    async fn over(pool: &SqlitePool) -> Self {
        let state = AppState::new(pool.clone());
        let built = state.index.build_now(pool).await;
        assert!(built.is_some(), "the index builds");
        Pair {
            indexed: TestApp::over(pool.clone(), tradewatch::app(state)),
            plain: TestApp::over(
                pool.clone(),
                tradewatch::app(AppState::new(pool.clone()).without_index()),
            ),
        }
    }

    /// Both answers to `path`, which must be a 200 and identical; the body.
    async fn same(&self, path: &str) -> String {
        let (status, _, indexed) = self.indexed.get(path).await;
        let (plain_status, _, plain) = self.plain.get(path).await;
        assert_eq!(status, plain_status, "{path}");
        assert_eq!(status, StatusCode::OK, "{path}: {indexed}");
        if indexed != plain {
            let at = indexed
                .bytes()
                .zip(plain.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(indexed.len().min(plain.len()));
            let from = at.saturating_sub(300);
            panic!(
                "{path}: the index answers differently at byte {at}\nindexed: …{}…\nsqlite:  …{}…",
                &indexed[from..(at + 300).min(indexed.len())],
                &plain[from..(at + 300).min(plain.len())],
            );
        }
        indexed
    }

    /// The timeline at `query`, then the pages its pager links to, a few each way.
    async fn walk(&self, query: &str) -> usize {
        let mut checked = 0;
        let first = format!("/?{query}");
        let body = self.same(&first).await;
        checked += 1;
        for rel in ["next", "prev"] {
            let mut body = body.clone();
            for _ in 0..3 {
                let html = scraper::Html::parse_document(&body);
                let Some(href) = attrs(&html, &format!("a[rel={rel}]"), "href")
                    .into_iter()
                    .next()
                else {
                    break;
                };
                body = self.same(&href).await;
                checked += 1;
                // Having gone forward, come back once: the `before` cursor.
                if rel == "next" {
                    let html = scraper::Html::parse_document(&body);
                    if let Some(back) = attrs(&html, "a[rel=prev]", "href").into_iter().next() {
                        self.same(&back).await;
                        checked += 1;
                    }
                }
            }
        }
        checked
    }
}

async fn slugs(pool: &SqlitePool, sql: &str) -> Vec<String> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_all(pool)
        .await
        .unwrap()
}

/// Timeline queries over `pool`'s own values: each facet alone, together, dates, text, sorts.
async fn queries(pool: &SqlitePool, words: &[&str]) -> Vec<String> {
    let officials = slugs(
        pool,
        "SELECT slug FROM event_value_counts WHERE facet = 'official' ORDER BY count DESC, slug",
    )
    .await;
    let topics = slugs(
        pool,
        "SELECT slug FROM event_value_counts WHERE facet = 'topic' ORDER BY count DESC, slug",
    )
    .await;
    let kinds = slugs(
        pool,
        "SELECT slug FROM event_value_counts WHERE facet = 'kind' ORDER BY count DESC, slug",
    )
    .await;
    let countries = slugs(
        pool,
        "SELECT slug FROM event_value_counts WHERE facet = 'country' ORDER BY count DESC, slug",
    )
    .await;
    let (first, last): (String, String) =
        sqlx::query_as("SELECT min(date_start), max(date_end) FROM events")
            .fetch_one(pool)
            .await
            .unwrap();
    let busiest = &officials[0];
    let rarest = officials.last().unwrap();
    let topic = &topics[0];
    let kind = &kinds[0];
    let country = &countries[0];
    // The year of the median event: where the events are densest, so the date filters' edges
    // (an event ending on the range's last day, starting on its first) are met.
    let mid_year: i32 = sqlx::query_scalar(
        "SELECT CAST(substr(date_start, 1, 4) AS INTEGER) FROM events ORDER BY date_start
          LIMIT 1 OFFSET (SELECT count(*) / 2 FROM events)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let mut out = vec![
        String::new(),
        "sort=asc".to_owned(),
        format!("official={busiest}"),
        format!("official={rarest}&sort=asc"),
        format!("official={busiest}&official={rarest}"),
        format!("topic={topic}"),
        format!("kind={kind}"),
        format!("kind={kind}&kind={}", kinds.last().unwrap()),
        format!("country={country}"),
        format!("official={busiest}&topic={topic}"),
        format!("official={busiest}&topic={topic}&kind={kind}&country={country}"),
        format!("topic={topic}&kind={kind}&sort=asc"),
        format!("from={mid_year}"),
        format!("to={mid_year}"),
        format!("from={mid_year}-03&to={}-09", mid_year + 1),
        format!("from={mid_year}-03-15&to={mid_year}-04-02"),
        format!("from={mid_year}-03&to={}-09&range=within", mid_year + 1),
        format!("from={mid_year}&range=within"),
        format!("to={mid_year}-06&range=within&sort=asc"),
        format!("to={mid_year}&range=within"),
        format!("to={mid_year}-08&range=within"),
        format!("from={mid_year}-08&to={mid_year}-08&range=within"),
        format!("from={mid_year}-12-31"),
        format!("to={mid_year}-01-01"),
        format!(
            "official={busiest}&from={mid_year}-01&to={}-12",
            mid_year + 3
        ),
        format!("topic={topic}&from={mid_year}&range=within&stack=kind"),
        format!("from={last}"),
        format!("to={first}"),
        "from=1800&to=1801".to_owned(),
        "stack=kind".to_owned(),
        // Policy actions in force: alone, with facets, dates and text, and on either side of
        // the edges of stretches the database holds.
        format!("in_force={mid_year}-06-30"),
        format!("in_force={mid_year}-06-30&kind={kind}&sort=desc"),
        format!("in_force={mid_year}-01-01&topic={topic}&from={mid_year}"),
        format!("in_force={}-12-31&official={busiest}", mid_year + 1),
        "in_force=1800-01-01".to_owned(),
    ];
    for (from, until) in in_force_edges(pool).await {
        out.push(format!("in_force={from}"));
        out.push(format!("in_force={until}&stack=kind"));
    }
    for word in words {
        out.push(format!("q={word}&in_force={mid_year}-06-30"));
        out.push(format!("q={word}"));
        out.push(format!("q={word}&official={busiest}"));
        out.push(format!("q={word}&from={mid_year}&sort=asc"));
    }
    out
}

/// A few stretches' first days and first days out of force, from the database.
async fn in_force_edges(pool: &SqlitePool) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT from_day, until_day FROM event_in_force WHERE until_day IS NOT NULL
          ORDER BY event_id LIMIT 3",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn compare_archive(pool: &SqlitePool, words: &[&str]) -> usize {
    let pair = Pair::over(pool).await;
    let mut checked = 0;
    for query in queries(pool, words).await {
        checked += pair.walk(&query).await;
        let api = if query.contains("stack=") {
            continue;
        } else {
            query.clone()
        };
        pair.same(&format!("/api/v1/events?{api}")).await;
        pair.same(&format!("/api/v1/events/facets?{api}")).await;
        checked += 2;
    }
    for (sql, prefix) in [
        (
            "SELECT slug FROM event_value_counts WHERE facet = 'official' ORDER BY count DESC, slug LIMIT 3",
            "/officials/",
        ),
        (
            "SELECT slug FROM event_value_counts WHERE facet = 'topic' ORDER BY count DESC, slug LIMIT 3",
            "/topics/",
        ),
        (
            "SELECT slug FROM organizations ORDER BY slug LIMIT 3",
            "/organizations/",
        ),
        (
            "SELECT slug FROM event_value_counts WHERE facet = 'official' ORDER BY count, slug LIMIT 1",
            "/officials/",
        ),
    ] {
        for slug in slugs(pool, sql).await {
            pair.same(&format!("{prefix}{slug}")).await;
            pair.same(&format!("/api/v1{prefix}{slug}")).await;
            checked += 2;
        }
    }
    checked
}

#[tokio::test]
async fn the_index_answers_as_sqlite_on_a_generated_archive() {
    let (pool, _dir) = empty().await;
    tradewatch::dataset::synthetic::generate(&pool, 3_000, 7)
        .await
        .unwrap();
    assert!(
        !in_force_edges(&pool).await.is_empty(),
        "the archive has policy actions in force"
    );
    let checked = compare_archive(&pool, &["tariffs", "export", "zzzz"]).await;
    assert!(checked > 150, "only {checked} pages compared");
}

#[tokio::test]
async fn the_index_answers_as_sqlite_on_the_curated_dataset() {
    let app = seeded().await;
    let checked = compare_archive(&app.pool, &["tariffs", "raimondo", "chips"]).await;
    assert!(checked > 100, "only {checked} pages compared");
}

#[tokio::test]
async fn a_stale_index_is_never_used_and_a_fresh_one_follows() {
    let app = seeded().await;
    let pool = &app.pool;
    let shared = Arc::new(SharedIndex::default());
    // Not built yet: the caller answers from SQLite while it builds in the background.
    assert!(shared.for_latest(pool).await.is_none());
    let first = loop {
        if let Some(index) = shared.for_latest(pool).await {
            break index;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    };
    let before: i64 = sqlx::query_scalar("SELECT max(id) FROM revisions")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(first.revision, before);
    assert_eq!(first.len() as i64, count(pool, "events").await);

    // A new revision makes the built index stale at once.
    sqlx::query("INSERT INTO revisions (imported_at, files, digest) VALUES ('2026-11-28T00:00:00Z', 'x', 'y')")
        .execute(pool)
        .await
        .unwrap();
    assert!(shared.for_latest(pool).await.is_none());
    let second = loop {
        if let Some(index) = shared.for_latest(pool).await {
            break index;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    };
    assert_eq!(second.revision, before + 1);

    // A holder made without an index never builds one.
    let off = Arc::new(SharedIndex::disabled());
    assert!(off.for_latest(pool).await.is_none());
    assert!(off.build_now(pool).await.is_none());
}

#[tokio::test]
async fn an_index_that_cannot_be_read_leaves_sqlite_answering() {
    let app = seeded().await;
    let pool = &app.pool;
    // An event id far beyond the others: the index's dense id table would be mostly empty, so
    // it refuses to build rather than take the memory.
    let mut conn = pool.acquire().await.unwrap();
    for sql in [
        "CREATE TEMP TABLE one AS SELECT * FROM events LIMIT 1",
        "UPDATE one SET id = 4000000000, slug = 'far-away-event'",
        "INSERT INTO events SELECT * FROM one",
    ] {
        sqlx::query(sql).execute(&mut *conn).await.unwrap();
    }
    drop(conn);
    let shared = Arc::new(SharedIndex::default());
    assert!(shared.build_now(pool).await.is_none());
    assert_eq!(shared.status(pool).await, "failed");
    // The failed revision is not read again on every request.
    assert!(shared.for_latest(pool).await.is_none());
    assert_eq!(shared.status(pool).await, "failed");

    // The pages are still answered, from SQLite.
    let state = AppState::new(pool.clone());
    state.index.build_now(pool).await;
    let app = TestApp::over(pool.clone(), tradewatch::app(state));
    let (status, _, body) = app.get("/api/v1/events?limit=100").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("far-away-event"));
    assert_eq!(app.get("/healthz").await.2, "ok\nindex: failed\n");
}
