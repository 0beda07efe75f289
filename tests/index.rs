//! The event index answers as the oracle says. The oracle (`support/oracle.rs`) is the
//! timeline filter's meaning in plain SQL; the index is the one engine the site answers with.
//! Every answer is compared: totals, pages reached by following cursors in both directions,
//! facet counts, the chart's extent, periods and spans, across filters of every kind, their
//! combinations, date ranges of every precision and both range rules, text, both sorts, and
//! every record's latest events. The index compared is the one the import stored and a server
//! loads.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "support/oracle.rs"]
mod oracle;

use axum::http::StatusCode;
use common::*;
use sqlx::SqlitePool;
use tradewatch::AppState;
use tradewatch::db::index::{EventIndex, Link, SharedIndex};

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
    let index = SharedIndex::default();
    let mut checked = 0;
    for query in queries(pool, words).await {
        checked += oracle::check(pool, &index, &query)
            .await
            .unwrap_or_else(|| panic!("{query} is refused"));
    }
    for (sql, link) in [
        (
            "SELECT value_id FROM event_value_counts WHERE facet = 'official' ORDER BY count DESC, slug LIMIT 3",
            Link::Person,
        ),
        (
            "SELECT value_id FROM event_value_counts WHERE facet = 'topic' ORDER BY count DESC, slug LIMIT 3",
            Link::Topic,
        ),
        (
            "SELECT id FROM organizations ORDER BY slug LIMIT 3",
            Link::Organization,
        ),
        (
            "SELECT value_id FROM event_value_counts WHERE facet = 'official' ORDER BY count, slug LIMIT 1",
            Link::Person,
        ),
    ] {
        let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_all(pool)
            .await
            .unwrap();
        for id in ids {
            oracle::check_record(pool, &index, link, id).await;
            checked += 1;
        }
    }
    checked
}

#[tokio::test]
async fn the_index_answers_as_the_oracle_on_a_generated_archive() {
    let (pool, _dir) = empty().await;
    tradewatch::dataset::synthetic::generate(&pool, 3_000, 7)
        .await
        .unwrap();
    assert!(
        !in_force_edges(&pool).await.is_empty(),
        "the archive has policy actions in force"
    );
    let checked = compare_archive(&pool, &["tariffs", "export", "zzzz"]).await;
    assert!(checked > 500, "only {checked} answers compared");
}

#[tokio::test]
async fn the_index_answers_as_the_oracle_on_the_curated_dataset() {
    let app = seeded().await;
    let checked = compare_archive(&app.pool, &["tariffs", "raimondo", "chips"]).await;
    assert!(checked > 400, "only {checked} answers compared");
}

async fn latest(pool: &SqlitePool) -> i64 {
    sqlx::query_scalar("SELECT max(id) FROM revisions")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_import_stores_the_index_of_its_revision_and_a_server_loads_it() {
    let app = seeded().await;
    let pool = &app.pool;
    let revision = latest(pool).await;
    // Stored for the import's revision, and only for it.
    let stored: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT revision FROM event_index")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(stored, [revision]);
    let mut conn = pool.acquire().await.unwrap();
    let loaded = EventIndex::load(&mut conn, revision)
        .await
        .unwrap()
        .unwrap();
    let built = EventIndex::build(&mut conn).await.unwrap();
    assert_eq!(loaded.revision, revision);
    assert_eq!(loaded.len() as i64, count(pool, "events").await);
    assert_eq!(loaded.len(), built.len());
    assert_eq!(loaded.heap_bytes(), built.heap_bytes());
    assert!(
        EventIndex::load(&mut conn, revision + 1)
            .await
            .unwrap()
            .is_none()
    );
    drop(conn);

    // Importing again replaces it with the new revision's.
    let files = bundled_unstamped();
    let existing = tradewatch::dataset::existing_records(pool).await.unwrap();
    let data = tradewatch::dataset::parse_and_validate(&files, &existing).unwrap();
    tradewatch::dataset::import(pool, &data, &files)
        .await
        .unwrap();
    let stored: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT revision FROM event_index")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(stored, [revision + 1]);

    // A shared index loads it for the revision a snapshot reads.
    let shared = SharedIndex::default();
    let snapshot = shared.snapshot(pool).await.unwrap();
    assert_eq!(snapshot.index.revision, revision + 1);
    assert_eq!(shared.status(Some(revision + 1)), "ready");
}

#[tokio::test]
async fn a_snapshot_reads_the_index_of_its_own_revision() {
    let app = seeded().await;
    let pool = &app.pool;
    let before = latest(pool).await;
    let shared = SharedIndex::default();
    let first = shared.snapshot(pool).await.unwrap();
    assert_eq!(first.index.revision, before);

    // A revision with no stored index (written by hand here; a database from before indexes
    // were stored): its index is built from the rows the snapshot reads, never the old one used.
    sqlx::query("INSERT INTO revisions (imported_at, files, digest) VALUES ('2026-11-28T00:00:00Z', 'x', 'y')")
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(shared.status(Some(before + 1)), "loading");
    let second = shared.snapshot(pool).await.unwrap();
    assert_eq!(second.index.revision, before + 1);
    assert_eq!(second.index.len() as i64, count(pool, "events").await);

    // The first snapshot's transaction still reads its own revision, with its own index.
    let mut tx = first.tx;
    let seen: i64 = sqlx::query_scalar("SELECT max(id) FROM revisions")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(seen, before);
    assert_eq!(first.index.revision, seen);
}

#[tokio::test]
async fn start_up_stores_an_index_a_database_lacks() {
    let app = seeded().await;
    let pool = &app.pool;
    sqlx::query("DELETE FROM event_index")
        .execute(pool)
        .await
        .unwrap();
    let shared = SharedIndex::default();
    let index = shared.prepare(pool).await.unwrap();
    assert_eq!(index.revision, latest(pool).await);
    let parts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM event_index WHERE revision = ?1")
        .bind(index.revision)
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(parts > 5, "only {parts} parts stored");
    assert_eq!(shared.status(Some(index.revision)), "ready");
}

#[tokio::test]
async fn sparse_event_ids_are_indexed_too() {
    let app = seeded().await;
    let pool = &app.pool;
    // An event id far beyond the others: looked up by search rather than in a dense table.
    let mut conn = pool.acquire().await.unwrap();
    for sql in [
        "CREATE TEMP TABLE one AS SELECT * FROM events LIMIT 1",
        "UPDATE one SET id = 4000000000, slug = 'far-away-event'",
        "INSERT INTO events SELECT * FROM one",
        "INSERT INTO event_topics (event_id, topic_id) SELECT 4000000000, topic_id FROM event_topics LIMIT 1",
        "INSERT INTO revisions (imported_at, files, digest) VALUES ('2026-11-28T00:00:00Z', 'x', 'y')",
    ] {
        sqlx::query(sql).execute(&mut *conn).await.unwrap();
    }
    // Its row in a list, as an import keeps it.
    sqlx::raw_sql(include_str!("../migrations/0016_event_list_links.sql"))
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let index = SharedIndex::default();
    oracle::check(pool, &index, "").await.unwrap();
    oracle::check(pool, &index, "q=far").await.unwrap();
    let topic: i64 =
        sqlx::query_scalar("SELECT topic_id FROM event_topics WHERE event_id = 4000000000")
            .fetch_one(pool)
            .await
            .unwrap();
    oracle::check_record(pool, &index, Link::Topic, topic).await;

    let app = TestApp::over(pool.clone(), tradewatch::app(AppState::new(pool.clone())));
    let (status, _, body) = app.get("/api/v1/events?limit=100&sort=desc").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("far-away-event") || count(pool, "events").await > 100);
    assert_eq!(app.get("/healthz").await.2, "ok\nindex: ready\n");
}
