//! `tradewatch generate`: a synthetic archive that is deterministic for its seed, realistic in
//! shape, never written over data, and served by the app like the curated record.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::*;
use sqlx::SqlitePool;
use tradewatch::dataset::synthetic::{GenerateError, generate};

async fn scalar(pool: &SqlitePool, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A fingerprint of the rows themselves, independent of the generator's own digest.
async fn content(pool: &SqlitePool) -> String {
    sqlx::query_scalar(
        "SELECT group_concat(slug || '|' || title || '|' || date_start || '|' || date_end || '|' || summary, '\n')
           FROM (SELECT * FROM events ORDER BY id)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_generated_archive_has_the_requested_shape_and_is_served() {
    let (pool, _dir) = empty().await;
    let report = generate(&pool, 10_000, 1).await.unwrap();
    assert_eq!(report.events, 10_000);
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM events").await, 10_000);
    assert!(scalar(&pool, "SELECT COUNT(*) FROM people").await >= 100);
    assert!(scalar(&pool, "SELECT COUNT(*) FROM topics").await >= 24);
    assert!(scalar(&pool, "SELECT COUNT(*) FROM organizations").await >= 24);
    // Every event has 1 to 8 participants, 1 to 4 topics, a side, a country and a citation.
    let per_event = |table: &str, min: i64, max: i64| {
        format!(
            "SELECT COUNT(*) FROM events e WHERE (SELECT COUNT(*) FROM {table} x WHERE x.event_id = e.id) NOT BETWEEN {min} AND {max}"
        )
    };
    assert_eq!(scalar(&pool, &per_event("event_people", 1, 8)).await, 0);
    assert_eq!(scalar(&pool, &per_event("event_topics", 1, 4)).await, 0);
    assert_eq!(scalar(&pool, &per_event("event_sides", 1, 2)).await, 0);
    assert_eq!(scalar(&pool, &per_event("event_countries", 1, 6)).await, 0);
    assert_eq!(
        scalar(&pool, "SELECT COUNT(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM citations c WHERE c.subject_type = 'event' AND c.subject_id = e.id)").await,
        0
    );
    // Some events have many participants, and the mix of kinds and precisions is wide.
    assert!(
        scalar(
            &pool,
            "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM event_people GROUP BY event_id)"
        )
        .await
            >= 6
    );
    assert_eq!(
        scalar(&pool, "SELECT COUNT(DISTINCT kind) FROM events").await,
        10
    );
    assert_eq!(
        scalar(&pool, "SELECT COUNT(DISTINCT date_precision) FROM events").await,
        4
    );
    // Dates span decades, and every one is a valid range.
    assert!(
        scalar(
            &pool,
            "SELECT MIN(date_start) < '1980' AND MAX(date_end) > '2020' FROM events"
        )
        .await
            == 1
    );
    assert_eq!(
        scalar(
            &pool,
            "SELECT COUNT(*) FROM events WHERE date_end < date_start"
        )
        .await,
        0
    );
    // Quotes, agreements (with parties), follow-ups and the full-text indexes are filled.
    assert!(scalar(&pool, "SELECT COUNT(*) FROM quotes").await > 500);
    assert!(scalar(&pool, "SELECT COUNT(*) FROM agreements").await > 100);
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM agreements a WHERE NOT EXISTS (SELECT 1 FROM agreement_parties p WHERE p.agreement_id = a.id)").await, 0);
    assert!(scalar(&pool, "SELECT COUNT(*) FROM agreement_followups").await > 10);
    assert_eq!(
        scalar(&pool, "SELECT COUNT(*) FROM events_fts").await,
        10_000
    );
    assert!(
        scalar(
            &pool,
            "SELECT COUNT(*) FROM events_fts WHERE events_fts MATCH 'tariffs'"
        )
        .await
            > 0
    );
    assert!(scalar(&pool, "SELECT COUNT(*) FROM paragraphs_fts").await > 0);
    // The dropped indexes are back, and the planner has statistics.
    assert!(
        scalar(
            &pool,
            "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'event_people_person'"
        )
        .await
            == 1
    );
    assert!(scalar(&pool, "SELECT COUNT(*) FROM sqlite_stat1").await > 0);
    assert_eq!(
        scalar(&pool, "SELECT COUNT(*) FROM pragma_foreign_key_check").await,
        0
    );

    let app = tradewatch::app(tradewatch::AppState::new(pool.clone()));
    let app = TestApp::over(pool.clone(), app);
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    let shown = event_slugs(&html);
    assert!(!shown.is_empty());
    let (status, html) = app.get_html(&format!("/events/{}", shown[0])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!select(&html, "h1").is_empty());

    // A word in thousands of events: the latest `CANDIDATES` matches are ranked and counted,
    // and the count says there are more.
    let matches = scalar(
        &pool,
        "SELECT COUNT(*) FROM events_fts WHERE events_fts MATCH 'tariffs'",
    )
    .await;
    assert!(matches > tradewatch::db::search::CANDIDATES, "{matches}");
    let (status, _, body) = app.get("/api/v1/search?q=tariffs").await;
    assert_eq!(status, StatusCode::OK);
    let results: serde_json::Value = serde_json::from_str(&body).unwrap();
    let events = &results["groups"][0];
    assert_eq!(events["kind"], "event");
    assert_eq!(events["count"], tradewatch::db::search::CANDIDATES);
    assert_eq!(events["more"], true);
    assert_eq!(events["hits"].as_array().unwrap().len(), 20);
    let (_, html) = app.get_html("/search?q=tariffs").await;
    assert!(select(&html, ".search-group__count")[0].ends_with('+'));
}

#[tokio::test]
async fn the_same_seed_gives_the_same_archive_and_another_seed_another() {
    let (a, _da) = empty().await;
    let (b, _db) = empty().await;
    let (c, _dc) = empty().await;
    let ra = generate(&a, 3_000, 42).await.unwrap();
    let rb = generate(&b, 3_000, 42).await.unwrap();
    let rc = generate(&c, 3_000, 43).await.unwrap();
    assert_eq!(ra.digest, rb.digest);
    assert_eq!(content(&a).await, content(&b).await);
    assert_ne!(ra.digest, rc.digest);
    assert_ne!(content(&a).await, content(&c).await);
}

#[tokio::test]
async fn generate_refuses_a_database_that_holds_data() {
    let app = seeded().await;
    let before = count(&app.pool, "events").await;
    let error = generate(&app.pool, 100, 1).await.unwrap_err();
    assert!(matches!(error, GenerateError::NotEmpty), "{error}");
    assert!(error.to_string().contains("--database-url"));
    assert_eq!(count(&app.pool, "events").await, before);
}

#[tokio::test]
async fn generate_refuses_an_impossible_size() {
    let (pool, _dir) = empty().await;
    assert!(matches!(
        generate(&pool, 0, 1).await.unwrap_err(),
        GenerateError::Events(0)
    ));
}

#[tokio::test]
async fn a_large_timeline_pages_by_keyset_both_ways() {
    let (pool, _dir) = empty().await;
    generate(&pool, 500, 3).await.unwrap();
    let app = TestApp::over(
        pool.clone(),
        tradewatch::app(tradewatch::AppState::new(pool.clone())),
    );
    let all: Vec<String> =
        sqlx::query_scalar("SELECT slug FROM events ORDER BY date_start, date_end, slug")
            .fetch_all(&pool)
            .await
            .unwrap();

    let (status, first) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(event_slugs(&first), all[..50]);
    assert!(attrs(&first, ".pager a[rel=prev]", "href").is_empty());
    assert!(
        select(&first, ".results__count")
            .join("")
            .contains("500 events")
    );
    let next = attrs(&first, ".pager a[rel=next]", "href");
    let (_, second) = app.get_html(&next[0]).await;
    assert_eq!(event_slugs(&second), all[50..100]);
    let previous = attrs(&second, ".pager a[rel=prev]", "href");
    let (_, back) = app.get_html(&previous[0]).await;
    assert_eq!(event_slugs(&back), all[..50]);
    assert!(attrs(&back, ".pager a[rel=prev]", "href").is_empty());

    // Newest first starts from the other end.
    let (_, newest) = app.get_html("/?sort=desc").await;
    let mut reversed = all.clone();
    reversed.reverse();
    assert_eq!(event_slugs(&newest), reversed[..50]);

    let (status, html) = app.get_html("/?after=not-a-cursor").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.html().contains("after"));
}

#[tokio::test]
async fn maintained_counts_agree_with_counting() {
    let (pool, _dir) = empty().await;
    generate(&pool, 2_000, 5).await.unwrap();
    let app = TestApp::over(
        pool.clone(),
        tradewatch::app(tradewatch::AppState::new(pool.clone())),
    );
    let busiest: String = sqlx::query_scalar(
        "SELECT p.slug FROM people p JOIN event_people ep ON ep.person_id = p.id GROUP BY p.id ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    // One filter value: read from the pair counts. A date range: counted over the matches.
    for (query, condition) in [
        (
            format!("official={busiest}"),
            format!(
                "e.id IN (SELECT event_id FROM event_people JOIN people p ON p.id = person_id WHERE p.slug = '{busiest}')"
            ),
        ),
        ("kind=meeting".to_owned(), "e.kind = 'meeting'".to_owned()),
        (
            "from=1990-02&to=1991-06".to_owned(),
            "e.date_end >= '1990-02-01' AND e.date_start <= '1991-06-30'".to_owned(),
        ),
    ] {
        let (status, _, body) = app.get(&format!("/api/v1/events/facets?{query}")).await;
        assert_eq!(status, StatusCode::OK);
        let facets: serde_json::Value = serde_json::from_str(&body).unwrap();
        let total = scalar(
            &pool,
            &format!("SELECT COUNT(*) FROM events e WHERE {condition}"),
        )
        .await;
        assert!(total > 0, "{query}");
        assert_eq!(facets["total"], total, "{query}");
        for topic in facets["topic"].as_array().unwrap() {
            let slug = topic["value"].as_str().unwrap();
            let want = scalar(
                &pool,
                &format!(
                    "SELECT COUNT(*) FROM events e WHERE {condition} AND e.id IN (SELECT event_id FROM event_topics JOIN topics t ON t.id = topic_id WHERE t.slug = '{slug}')"
                ),
            )
            .await;
            assert_eq!(topic["count"], want, "{query}: topic {slug}");
        }
        for kind in facets["kind"].as_array().unwrap() {
            if query.starts_with("kind") {
                continue;
            }
            let slug = kind["value"].as_str().unwrap();
            let want = scalar(
                &pool,
                &format!("SELECT COUNT(*) FROM events e WHERE {condition} AND e.kind = '{slug}'"),
            )
            .await;
            assert_eq!(kind["count"], want, "{query}: kind {slug}");
        }
    }
    // An official's companions and topics come from the same maintained pairs.
    let (status, html) = app.get_html(&format!("/officials/{busiest}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!select(&html, "#events-heading").is_empty());
}

#[test]
fn the_generate_command_shows_its_progress_and_says_what_it_did() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("archive.db").display());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tradewatch"))
        .args([
            "generate",
            "--events",
            "2000",
            "--seed",
            "3",
            "--database-url",
            &url,
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // stderr is a pipe here: plain lines, one per tenth of each stage.
    let progress = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = progress
        .lines()
        .filter(|l| l.starts_with("generate: writing: "))
        .collect();
    assert_eq!(lines.first(), Some(&"generate: writing: 2000 events"));
    assert!(
        lines.contains(&"generate: writing: 200 of 2000 events (10%)"),
        "{progress}"
    );
    assert_eq!(
        lines.last(),
        Some(&"generate: writing: 2000 of 2000 events (100%)")
    );
    assert_eq!(lines.len(), 11, "{progress}");
    assert!(
        progress
            .lines()
            .any(|l| l.starts_with("generate: indexing: ") && l.ends_with("steps (100%)")),
        "{progress}"
    );
    // stdout: what it did.
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.starts_with("generated 2000 events ("), "{said}");
    assert!(said.contains("with seed 3"), "{said}");
}
