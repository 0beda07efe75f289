//! Shared test helpers: a fresh SQLite file per test, seeded with the real dataset, and the real
//! router called through its public API.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use scraper::{Html, Selector};
use sqlx::SqlitePool;
use tempfile::TempDir;
use tower::ServiceExt;

pub struct TestApp {
    pub pool: SqlitePool,
    pub url: String,
    pub router: Router,
    _dir: Option<TempDir>,
}

/// A fresh database file, migrated and seeded with the bundled dataset, and the app over it.
pub async fn seeded() -> TestApp {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite:{}", dir.path().join("tradewatch.db").display());
    let pool = tradewatch::prepare_database(&url)
        .await
        .expect("database prepared");
    let router = tradewatch::app(tradewatch::AppState::new(pool.clone()));
    TestApp {
        pool,
        url,
        router,
        _dir: Some(dir),
    }
}

/// A fresh, migrated, empty database.
pub async fn empty() -> (SqlitePool, TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite:{}", dir.path().join("tradewatch.db").display());
    let pool = tradewatch::db::connect(&url).await.expect("connect");
    tradewatch::db::migrate(&pool).await.expect("migrate");
    (pool, dir)
}

impl TestApp {
    /// The app over an existing database, whose directory the caller keeps.
    pub fn over(pool: SqlitePool, router: Router) -> TestApp {
        TestApp {
            pool,
            url: String::new(),
            router,
            _dir: None,
        }
    }

    pub async fn get(&self, path: &str) -> (StatusCode, HeaderMap, String) {
        self.request(Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    pub async fn request(&self, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (
            status,
            headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    pub async fn get_html(&self, path: &str) -> (StatusCode, Html) {
        let (status, _, body) = self.get(path).await;
        (status, Html::parse_document(&body))
    }
}

pub fn select(html: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).expect("valid selector");
    html.select(&selector)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

pub fn attrs(html: &Html, selector: &str, attr: &str) -> Vec<String> {
    let selector = Selector::parse(selector).expect("valid selector");
    html.select(&selector)
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

/// The slugs of the events listed on a page, in order.
pub fn event_slugs(html: &Html) -> Vec<String> {
    attrs(html, ".event__title a", "href")
        .into_iter()
        .map(|href| href.trim_start_matches("/events/").to_owned())
        .collect()
}

/// The count shown beside one facet option, e.g. `facet_count(&html, "official", "li-qiang")`.
pub fn facet_count(html: &Html, param: &str, value: &str) -> Option<i64> {
    let selector = format!("label[for=\"f-{param}-{value}\"] .count");
    select(html, &selector).first().and_then(|c| c.parse().ok())
}

pub async fn count(pool: &SqlitePool, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(pool)
        .await
        .expect("count")
}
