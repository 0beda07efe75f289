//! No request path scans a large table. The test drives the real router over a generated
//! archive (with the planner's statistics from `ANALYZE`), records every statement the handlers
//! send to SQLite (sqlx logs each one under the `sqlx::query` target), and asks SQLite for the
//! plan of each with `EXPLAIN QUERY PLAN`.
//!
//! What fails: a `SCAN` of a table that grows with the archive (`LARGE`) — a read of every row
//! or every index entry, which costs O(archive) per request. That includes `SCAN t USING
//! COVERING INDEX i`, which reads a whole index, and an FTS5 table read without `MATCH` or a
//! rowid lookup. What passes:
//! * `SEARCH` — a b-tree lookup or range bounded by the statement's parameters;
//! * a `SCAN` of a lookup table whose size does not grow with the archive (countries, topics,
//!   people, organisations, the maintained per-value counts, a CTE over such tables);
//! * the one bounded walk: a `SCAN t USING [COVERING] INDEX i` that delivers rows already in the
//!   `ORDER BY` order (its (sub)query has no `USE TEMP B-TREE` of its own) in a statement with a
//!   `LIMIT`, so SQLite stops after the limit: the first page of the unfiltered timeline, and
//!   the latest events of an official or topic found in at least one event in fifty. (Which
//!   `LIMIT` bounds which walk is not read from the SQL: a reviewer checks it when the test
//!   starts passing a new walk.)
//!
//! One exception, checked apart: the agreement index reads every agreement once per data
//! revision (its statements open with `db::agreements::ONCE_PER_REVISION`), so that the
//! agreements list, its JSON and its CSV can filter, count and page without doing so. The test
//! requires that it happens exactly once across all the agreement requests of one revision.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use common::*;
use sqlx::SqlitePool;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};

/// Tables whose row count grows with the archive.
const LARGE: &[&str] = &[
    "events",
    "event_people",
    "event_topics",
    "event_sides",
    "event_organizations",
    "event_countries",
    "event_list_links",
    "citations",
    "paragraphs",
    "sources",
    "quotes",
    "notes",
    "agreements",
    "agreement_parties",
    "agreement_topics",
    "agreement_followups",
    "revision_changes",
    "record_digests",
    "events_fts",
    "quotes_fts",
    "agreements_fts",
    "paragraphs_fts",
];

/// Records the SQL of every statement sqlx runs.
#[derive(Clone, Default)]
struct Statements(Arc<Mutex<Vec<String>>>);

struct SqlField<'a>(&'a mut Option<String>, &'a mut Option<String>);

impl Visit for SqlField<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "db.statement" if !value.trim().is_empty() => *self.0 = Some(value.trim().to_owned()),
            "summary" => *self.1 = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Statements {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let (mut statement, mut summary) = (None, None);
        event.record(&mut SqlField(&mut statement, &mut summary));
        // A short statement is logged whole as its summary.
        if let Some(sql) = statement.or(summary) {
            self.0.lock().unwrap().push(sql);
        }
    }
}

/// `alias -> table` for the `FROM`/`JOIN` clauses of a statement.
fn aliases(sql: &str) -> HashMap<String, String> {
    const NOT_ALIAS: &[&str] = &[
        "on", "where", "join", "left", "inner", "cross", "group", "order", "limit", "using",
        "union", "natural", "window", "having", "indexed",
    ];
    let tokens: Vec<String> = sql
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut map = HashMap::new();
    for i in 0..tokens.len() {
        if tokens[i] == "from" || tokens[i] == "join" {
            let Some(table) = tokens.get(i + 1) else {
                continue;
            };
            map.insert(table.clone(), table.clone());
            let mut next = i + 2;
            if tokens.get(next).map(String::as_str) == Some("as") {
                next += 1;
            }
            if let Some(alias) = tokens.get(next)
                && !NOT_ALIAS.contains(&alias.as_str())
                && alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                map.insert(alias.clone(), table.clone());
            }
        }
    }
    map
}

/// How many parameters a statement takes (`?` or `?NNN`).
fn parameters(sql: &str) -> usize {
    let mut bare = 0;
    let mut numbered = 0;
    let bytes = sql.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'?' {
            let digits: String = sql[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            match digits.parse::<usize>() {
                Ok(n) => numbered = numbered.max(n),
                Err(_) => bare += 1,
            }
        }
    }
    bare.max(numbered)
}

/// The plan's lines that read a large table whole, explained.
async fn full_scans(pool: &SqlitePool, sql: &str) -> Vec<String> {
    let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(sqlx::AssertSqlSafe(format!(
        "EXPLAIN QUERY PLAN {sql}"
    )));
    for _ in 0..parameters(sql) {
        query = query.bind(None::<i64>);
    }
    let plan = query.fetch_all(pool).await.unwrap();
    let names = aliases(sql);
    // Whether the (sub)query a plan line belongs to sorts its rows itself.
    let sorts = |level: i64| {
        plan.iter()
            .any(|(_, parent, _, d)| *parent == level && d.starts_with("USE TEMP B-TREE"))
    };
    let limited = sql.to_uppercase().contains(" LIMIT ");
    let mut bad = Vec::new();
    for (_, parent, _, detail) in &plan {
        let Some(rest) = detail.strip_prefix("SCAN ") else {
            continue;
        };
        let alias = rest
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_lowercase();
        let table = names.get(&alias).cloned().unwrap_or(alias);
        if !LARGE.contains(&table.as_str()) {
            continue;
        }
        if let Some(index) = rest.split("VIRTUAL TABLE INDEX ").nth(1) {
            // FTS5's index string: `M` is a MATCH, `=` a rowid lookup.
            let idx = index.split_once(':').map_or("", |(_, s)| s);
            if idx.contains('M') || idx.contains('=') {
                continue;
            }
        } else if (rest.contains(" USING INDEX ") || rest.contains(" USING COVERING INDEX "))
            && !sorts(*parent)
            && limited
        {
            continue;
        }
        bad.push(format!("{detail} (table {table})"));
    }
    bad
}

#[tokio::test]
async fn no_request_path_scans_a_large_table() {
    let statements = Statements::default();
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(statements.clone()),
    )
    .unwrap();

    let (pool, _dir) = empty().await;
    tradewatch::dataset::synthetic::generate(&pool, 10_000, 1)
        .await
        .unwrap();
    // The event index is loaded before the capture starts: a server loads it at start-up and
    // once per revision, not per request.
    let state = tradewatch::AppState::new(pool.clone());
    state.index.prepare(&pool).await.unwrap();
    let apps = [(
        "indexed",
        TestApp::over(pool.clone(), tradewatch::app(state)),
    )];
    let slug_of = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let busiest = slug_of(
        "SELECT p.slug FROM people p JOIN event_people ep ON ep.person_id = p.id GROUP BY p.id ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .await;
    let topic = slug_of("SELECT slug FROM topics ORDER BY id LIMIT 1 OFFSET 5").await;
    let event = slug_of("SELECT slug FROM events ORDER BY id LIMIT 1 OFFSET 5000").await;
    let agreement = slug_of("SELECT slug FROM agreements LIMIT 1").await;
    let agreement_place = slug_of(
        "SELECT coalesce(e.date_start, a.due_start) || '.' || a.slug FROM agreements a
           JOIN events e ON e.id = a.event_id ORDER BY a.id LIMIT 1 OFFSET 100",
    )
    .await;
    let organization = slug_of("SELECT slug FROM organizations LIMIT 1").await;
    let source = slug_of("SELECT slug FROM sources LIMIT 1 OFFSET 10").await;
    let deep: String = sqlx::query_scalar(
        "SELECT date_start || '.' || date_end || '.' || slug FROM events ORDER BY date_start, date_end, slug LIMIT 1 OFFSET 6000",
    )
    .fetch_one(&pool)
    .await
    .unwrap();

    let paths = [
        "/".to_owned(),
        "/?stack=kind".to_owned(),
        "/network".to_owned(),
        format!("/?official={busiest}&topic={topic}"),
        "/?from=1990-01&to=1990-12".to_owned(),
        "/?q=tariffs".to_owned(),
        "/?kind=meeting&country=china&sort=desc".to_owned(),
        format!("/events/{event}"),
        format!("/officials/{busiest}"),
        format!("/topics/{topic}"),
        format!("/api/v1/events?official={busiest}&kind=meeting&limit=50"),
        format!("/api/v1/events?cursor={deep}&limit=50"),
        format!("/api/v1/events/{event}"),
        "/search?q=export".to_owned(),
        "/agreements".to_owned(),
        "/agreements?status=overdue".to_owned(),
        format!("/agreements?status=agreed&topic={topic}&after={agreement_place}"),
        format!(
            "/api/v1/agreements?status=fulfilled&status=overdue&cursor={agreement_place}&limit=50"
        ),
        format!("/api/v1/agreements/{agreement}"),
    ];
    statements.0.lock().unwrap().clear();
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut loads = Vec::new();
    for (mode, app) in &apps {
        for path in &paths {
            let (status, _, _) = app.get(path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            let path = format!("{path} ({mode})");
            let issued: BTreeSet<String> = statements.0.lock().unwrap().drain(..).collect();
            assert!(!issued.is_empty(), "{path} issued no statement");
            if issued
                .iter()
                .any(|sql| sql.starts_with(tradewatch::db::agreements::ONCE_PER_REVISION))
            {
                loads.push(path.clone());
            }
            for sql in issued {
                if sql.starts_with(tradewatch::db::agreements::ONCE_PER_REVISION) {
                    continue;
                }
                if !sql.trim_start().to_uppercase().starts_with("SELECT")
                    && !sql.trim_start().to_uppercase().starts_with("WITH")
                {
                    continue;
                }
                // Search stems the typed prefix through a one-row scratch table of its own
                // connection (`db::search::expression`), which no other connection sees.
                if sql.contains("temp.search_query") {
                    continue;
                }
                checked += 1;
                for scan in full_scans(&pool, &sql).await {
                    failures.push(format!(
                        "{path}: {scan}
    in: {}",
                        sql.split_whitespace().collect::<Vec<_>>().join(" ")
                    ));
                }
            }
        }
    }
    let _ = (organization, source);
    assert_eq!(
        loads,
        ["/agreements (indexed)"],
        "the agreement index is read once per revision, by the first request that needs it"
    );
    // Every page issues several statements: the capture saw them all.
    assert!(
        checked > 3 * paths.len(),
        "only {checked} statements were checked"
    );
    assert!(
        failures.is_empty(),
        "full scans of large tables:\n{}",
        failures.join("\n")
    );
}

#[test]
fn aliases_and_parameters_are_read_from_the_sql() {
    let map = aliases(
        "SELECT e.slug FROM events e JOIN event_people AS ep ON ep.event_id = e.id WHERE e.id IN (SELECT event_id FROM event_topics WHERE topic_id = ?1)",
    );
    assert_eq!(map["e"], "events");
    assert_eq!(map["ep"], "event_people");
    assert_eq!(map["event_topics"], "event_topics");
    assert!(!map.contains_key("where"));
    assert_eq!(parameters("SELECT ?1, ?3, ?2"), 3);
    assert_eq!(parameters("SELECT ?, ?"), 2);
}

/// The plans above are asked with every parameter NULL, but SQLite plans each statement for its
/// bound values (its per-value statistics, STAT4): a range bound at the very end of the archive
/// looks like the whole table. The event page's neighbours are asked for both ends of a
/// generated archive with its statistics, and must walk the date index to one row.
#[tokio::test]
async fn the_neighbours_of_the_first_and_latest_events_walk_the_date_index() {
    let (pool, _dir) = empty().await;
    tradewatch::dataset::synthetic::generate(&pool, 10_000, 1)
        .await
        .unwrap();
    let ends: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT * FROM (SELECT date_start, date_end, slug FROM events ORDER BY date_start, date_end, slug LIMIT 1)
         UNION ALL
         SELECT * FROM (SELECT date_start, date_end, slug FROM events ORDER BY date_start DESC, date_end DESC, slug DESC LIMIT 1)",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(ends.len(), 2);
    for (start, end, slug) in &ends {
        for sql in [
            tradewatch::db::events::BEFORE,
            tradewatch::db::events::AFTER,
        ] {
            let plan: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
                    .bind(start)
                    .bind(end)
                    .bind(slug)
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            let details: Vec<&str> = plan.iter().map(|(_, _, _, d)| d.as_str()).collect();
            let op = if sql == tradewatch::db::events::BEFORE {
                "<"
            } else {
                ">"
            };
            let walk = format!(
                "SEARCH events USING INDEX events_date ((date_start,date_end,slug){op}(?,?,?))"
            );
            assert_eq!(details, [walk.as_str()], "{slug}: {sql}");
        }
    }
}
