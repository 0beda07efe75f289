//! Properties over any input: the query parsers give a value or an error naming a parameter,
//! never a panic; the search sanitiser's output is always a query FTS5 accepts; and the router
//! answers any query string with 200 or 400, never a 500.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use axum::http::{StatusCode, Uri};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use tradewatch::domain::filter::{AgreementFilter, SearchText, TimelineFilter};

/// Pieces a query string is made of: real parameter names and values, near misses, separators
/// and escapes, good and bad.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("official=".into()),
        Just("topic=".into()),
        Just("kind=".into()),
        Just("country=".into()),
        Just("from=".into()),
        Just("to=".into()),
        Just("q=".into()),
        Just("sort=".into()),
        Just("status=".into()),
        Just("party=".into()),
        Just("limit=".into()),
        Just("cursor=".into()),
        Just("li-qiang".into()),
        Just("gina-raimondo".into()),
        Just("export-controls".into()),
        Just("china".into()),
        Just("meeting".into()),
        Just("agreed".into()),
        Just("desc".into()),
        Just("2023".into()),
        Just("2023-08".into()),
        Just("2023-02-30".into()),
        Just("-".into()),
        Just("&".into()),
        Just("=".into()),
        Just("+".into()),
        Just("%".into()),
        Just("%2".into()),
        Just("%zz".into()),
        Just("%FF".into()),
        Just("%22".into()),
        Just("%26".into()),
        Just("%E6%9D%8E".into()),
        Just("*".into()),
        Just(":".into()),
        Just("NEAR".into()),
        Just("AND".into()),
        any::<u8>().prop_map(|b| format!("%{b:02X}")),
        "[a-z0-9]{0,12}".prop_map(String::from),
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..24).prop_map(|parts| parts.concat())
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn the_timeline_filter_parses_any_query_or_names_a_parameter(query in query()) {
        match TimelineFilter::from_query(&query) {
            Ok(filter) => {
                // What parsed writes a canonical query that parses back to the same filter.
                let canonical = filter.query_string();
                prop_assert_eq!(TimelineFilter::from_query(&canonical).unwrap(), filter);
            }
            Err(e) => {
                prop_assert!(!e.param.is_empty() && !e.message.is_empty(), "{:?}", e);
            }
        }
    }

    #[test]
    fn the_timeline_filter_survives_arbitrary_text(query in any::<String>()) {
        if let Err(e) = TimelineFilter::from_query(&query) {
            prop_assert!(!e.message.is_empty());
        }
        if let Err(e) = AgreementFilter::from_query(&query) {
            prop_assert!(!e.message.is_empty());
        }
        if let Err(e) = tradewatch::web::search::parse_query(&query) {
            prop_assert_eq!(e.param.is_empty(), false);
        }
    }

    #[test]
    fn the_agreement_filter_parses_any_query_or_names_a_parameter(query in query()) {
        if let Err(e) = AgreementFilter::from_query(&query) {
            prop_assert!(!e.param.is_empty() && !e.message.is_empty(), "{:?}", e);
        }
    }
}

/// Text a person might type into the search box, syntax and all.
fn typed_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\"".to_owned()),
        Just("*".to_owned()),
        Just("^".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just(":".to_owned()),
        Just("-".to_owned()),
        Just("+".to_owned()),
        Just(" AND ".to_owned()),
        Just(" OR ".to_owned()),
        Just(" NOT ".to_owned()),
        Just("NEAR(".to_owned()),
        Just("title:".to_owned()),
        Just("李强".to_owned()),
        Just("\u{202E}".to_owned()),
        Just("\u{0}".to_owned()),
        Just("é".to_owned()),
        Just("e\u{301}".to_owned()),
        Just("🙂".to_owned()),
        Just(" ".to_owned()),
        "[a-zA-Z0-9]{1,8}".prop_map(String::from),
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|parts| parts.concat())
}

#[test]
fn the_search_sanitiser_gives_fts5_only_queries_it_accepts() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pool = runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        for sql in [
            "CREATE VIRTUAL TABLE t USING fts5 (a, b, tokenize = 'porter unicode61 remove_diacritics 2')",
            "INSERT INTO t (a, b) VALUES ('export controls on chips', '李强 met Raimondo')",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        pool
    });
    let mut runner = TestRunner::new(config(1024));
    let strategy = prop_oneof![typed_text(), any::<String>()];
    runner
        .run(&strategy, |text| {
            match SearchText::parse(&text) {
                Ok(q) => {
                    let matched: Result<i64, sqlx::Error> = runtime.block_on(
                        sqlx::query_scalar("SELECT count(*) FROM t WHERE t MATCH ?1")
                            .bind(q.fts_expression())
                            .fetch_one(&pool),
                    );
                    prop_assert!(
                        matched.is_ok(),
                        "{:?} became {:?}: {:?}",
                        text,
                        q.fts_expression(),
                        matched
                    );
                }
                Err(message) => prop_assert!(!message.is_empty()),
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_router_answers_any_query_string_with_200_or_400() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let app = runtime.block_on(common::seeded());
    let mut runner = TestRunner::new(config(256));
    let paths = prop::sample::select(vec![
        "/",
        "/api/v1/events",
        "/api/v1/events/facets",
        "/search",
        "/api/v1/search",
        "/agreements",
        "/events.csv",
        "/feed.atom",
        "/officials",
    ]);
    runner
        .run(&(paths, query()), |(path, query)| {
            let Ok(uri) = format!("{path}?{query}").parse::<Uri>() else {
                return Ok(()); // not a URI at all: hyper refuses it before the router
            };
            let (status, _, body) = runtime.block_on(app.get(&uri.to_string()));
            prop_assert!(
                status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
                "{} answered {}: {}",
                uri,
                status,
                body
            );
            Ok(())
        })
        .unwrap();
}
