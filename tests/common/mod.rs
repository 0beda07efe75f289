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

/// The bundled dataset without its stamps (`data/changed.toml`), for tests that edit or add
/// records: such files are dated by the import, as any unstamped import is.
pub fn bundled_unstamped() -> Vec<(String, String)> {
    tradewatch::dataset::bundled_files()
        .into_iter()
        .filter(|(name, _)| !name.ends_with("/changed.toml"))
        .collect()
}

/// `files` with the first `from` in `file` replaced by `to`.
pub fn with_replaced(
    mut files: Vec<(String, String)>,
    file: &str,
    from: &str,
    to: &str,
) -> Vec<(String, String)> {
    let (_, text) = files
        .iter_mut()
        .find(|(name, _)| name == file)
        .expect("file exists");
    assert!(text.contains(from), "{file} contains {from:?}");
    *text = text.replacen(from, to, 1);
    files
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

impl TestApp {
    /// The slugs of every event a timeline view lists, following its Next links page by page.
    pub async fn timeline_slugs(&self, path: &str) -> Vec<String> {
        let mut slugs = Vec::new();
        let mut next = Some(path.to_owned());
        while let Some(path) = next {
            let (status, html) = self.get_html(&path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            slugs.extend(event_slugs(&html));
            next = attrs(&html, ".pager__link[rel=next]", "href")
                .into_iter()
                .next();
            assert!(slugs.len() < 10_000, "pagination does not end");
        }
        slugs
    }
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

/// The real binary, serving: its address and process.
pub struct Served {
    pub child: std::process::Child,
    pub addr: String,
    /// The rest of the log, read as it comes so that a full pipe never blocks the server.
    log: Option<std::thread::JoinHandle<String>>,
}

/// Spawns `command` (the real binary with its arguments, binding 127.0.0.1:0) and waits for the
/// address it logs.
pub fn serve(mut command: std::process::Command) -> Served {
    use std::io::BufRead as _;
    let mut child = command
        .env("NO_COLOR", "1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut log = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    let mut seen = String::new();
    while log.read_line(&mut line).expect("log line") > 0 {
        if let Some(rest) = line.split("serving at http://").nth(1) {
            // The address ends the text line, or a JSON line's string.
            let addr = rest
                .trim()
                .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '[' | ']')))
                .next()
                .unwrap_or_default()
                .to_owned();
            let log = std::thread::spawn(move || {
                use std::io::Read as _;
                let mut rest = String::new();
                let _ = log.read_to_string(&mut rest);
                rest
            });
            return Served {
                child,
                addr,
                log: Some(log),
            };
        }
        seen.push_str(&line);
        line.clear();
    }
    let exit = child.wait();
    panic!("the server exited ({exit:?}) without serving: {seen}");
}

impl Drop for Served {
    /// A test that fails part-way leaves no server behind.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Served {
    /// Sends SIGTERM and waits (at most 15 s) for the exit; returns the rest of the log.
    pub fn stop(mut self) -> (std::process::ExitStatus, String) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        let started = std::time::Instant::now();
        let exit = loop {
            if let Some(exit) = self.child.try_wait().expect("wait") {
                break exit;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(15),
                "the server did not stop within 15 s"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        let rest = self
            .log
            .take()
            .map(|log| log.join().expect("log reader"))
            .unwrap_or_default();
        (exit, rest)
    }
}

/// One `GET` over a new connection (`Connection: close`); the whole raw response.
pub fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read");
    String::from_utf8_lossy(&response).into_owned()
}
