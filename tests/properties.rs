//! Properties over any input: the query parsers give a value or an error naming a parameter,
//! never a panic; the search sanitiser's output is always a query FTS5 accepts; the router
//! answers any query string with 200 or 400, never a 500; and the event index answers any valid
//! filter exactly as the oracle (the filter's meaning in plain SQL) does.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;
#[path = "support/oracle.rs"]
mod oracle;

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
        if let Err(e) = tradewatch::domain::search::parse_query(&query) {
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

/// Valid timeline filters over the curated dataset's own values: any mix of officials, topics,
/// kinds, countries, dates of every precision, both range rules, text and sorts.
fn valid_filter() -> impl Strategy<Value = String> {
    let pair = prop_oneof![
        prop::sample::select(vec![
            "gina-raimondo",
            "li-qiang",
            "wang-wentao",
            "he-lifeng",
            "joe-biden",
            "xi-jinping",
        ])
        .prop_map(|v| format!("official={v}")),
        prop::sample::select(vec![
            "export-controls",
            "outbound-investment",
            "semiconductors",
            "tourism",
            "trade-war",
        ])
        .prop_map(|v| format!("topic={v}")),
        prop::sample::select(vec![
            "meeting",
            "visit",
            "talks",
            "agreement",
            "request",
            "refusal",
            "policy",
            "statement",
        ])
        .prop_map(|v| format!("kind={v}")),
        prop::sample::select(vec!["china", "united-states"]).prop_map(|v| format!("country={v}")),
        (2022..2025i32, 1..13u32, 1..29u32, 0..3usize).prop_map(|(y, m, d, shape)| {
            match shape {
                0 => format!("from={y}"),
                1 => format!("from={y}-{m:02}"),
                _ => format!("from={y}-{m:02}-{d:02}"),
            }
        }),
        (2022..2025i32, 1..13u32, 1..29u32, 0..3usize).prop_map(|(y, m, d, shape)| {
            match shape {
                0 => format!("to={y}"),
                1 => format!("to={y}-{m:02}"),
                _ => format!("to={y}-{m:02}-{d:02}"),
            }
        }),
        Just("range=within".to_owned()),
        Just("range=within".to_owned()),
        Just("sort=asc".to_owned()),
        prop::sample::select(vec!["export", "chips", "raimondo", "visit", "zzz"])
            .prop_map(|w| format!("q={w}")),
    ];
    prop::collection::vec(pair, 0..5).prop_map(|pairs| {
        // A parameter that takes one value is given it once.
        let mut seen = std::collections::BTreeSet::new();
        pairs
            .into_iter()
            .filter(|p| {
                let name = p.split('=').next().unwrap_or_default();
                matches!(name, "official" | "topic" | "kind" | "country")
                    || seen.insert(name.to_owned())
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

#[test]
fn the_event_index_answers_any_filter_as_the_oracle_does() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let app = runtime.block_on(common::seeded());
    let index = tradewatch::db::index::SharedIndex::default();
    let mut runner = TestRunner::new(config(256));
    let paths = prop::sample::select(vec!["/", "/api/v1/events", "/api/v1/events/facets"]);
    runner
        .run(&(paths, valid_filter()), |(path, query)| {
            let uri = format!("{path}?{query}");
            let (status, _, _) = runtime.block_on(app.get(&uri));
            prop_assert!(
                status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
                "{} answered {}",
                uri,
                status
            );
            // A filter the site answers is answered as the oracle says.
            let checked = runtime.block_on(oracle::check(&app.pool, &index, &query));
            prop_assert_eq!(
                checked.is_some(),
                status == StatusCode::OK,
                "{} answered {} but the filter resolves: {}",
                uri,
                status,
                checked.is_some()
            );
            Ok(())
        })
        .unwrap();
}
