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

/// A small dataset of readouts, added to the bundled one: a meeting both governments report
/// (one topic both mention, one only the US account mentions, two only China's), a meeting
/// whose accounts share no topic (China's from state media), and a meeting only the US reports.
pub const READOUTS: &str = r#"
[[sources]]
slug = "test-us-readout-lunch"
title = "Readout of the test lunch"
publisher = "US Department of Commerce"
voice = "us-government"
language = "en"
published = "2023-08-28"
url = "https://example.com/us-lunch"
points = [
  "A working group of officials meets twice a year, the US hosting the first.",
  "The Secretary pressed for fair treatment of US companies.",
]

[[sources]]
slug = "test-cn-readout-lunch"
title = "Wang Wentao meets Raimondo"
publisher = "Ministry of Commerce of the People's Republic of China"
voice = "chinese-government"
language = "zh"
published = "2023-08-28"
url = "https://example.com/cn-lunch"
points = [
  "Both sides set up a working group at vice-minister level.",
  "Wang raised concerns about tariffs.",
  "Wang raised concerns about chip export controls.",
]

[[sources]]
slug = "test-us-readout-he"
title = "Readout of the test meeting with He Lifeng"
publisher = "US Department of Commerce"
voice = "us-government"
language = "en"
published = "2023-08-29"
url = "https://example.com/us-he"
points = ["Both agreed on expert talks on trade secrets."]

[[sources]]
slug = "test-xinhua-he"
title = "He Lifeng meets Raimondo"
publisher = "Xinhua"
voice = "state-media"
language = "zh"
published = "2023-08-30"
url = "https://example.com/xinhua-he"
points = ["He asked the US to ease export controls."]

[[sources]]
slug = "test-press-report"
title = "A press report of the test lunch"
publisher = "A newspaper"
voice = "independent-press"
language = "en"
published = "2023-08-29"
url = "https://example.com/press"
points = ["The two ministers had lunch."]

[[events]]
slug = "readout-test-lunch"
title = "Test lunch of the two ministers"
kind = "meeting"
date = "2023-08-28"
status = "occurred"
sides = ["united-states", "china"]
class = "verbal-cooperation"
summary = "The ministers met over lunch."
participants = [
  { person = "gina-raimondo", role = "attendee" },
  { person = "wang-wentao", role = "host" },
]
topics = ["dialogue"]
cites = [{ source = "test-press-report", points = [1] }]
accounts = [
  { source = "test-us-readout-lunch", side = "united-states", items = [
      { kind = "agreed", text = "A working group meeting twice a year, the US hosting the first.", topics = ["dialogue"], points = [1] },
      { kind = "raised", by = "united-states", text = "Fair treatment of US companies in China.", topics = ["business-climate"], points = [2] },
  ] },
  { source = "test-cn-readout-lunch", side = "china", items = [
      { kind = "agreed", text = "A working group at vice-minister level.", topics = ["dialogue"], points = [1] },
      { kind = "raised", by = "china", text = "Concerns about tariffs and chip export controls.", topics = ["trade-war", "export-controls"], points = [2, 3] },
  ] },
]

[[events]]
slug = "readout-test-he-lifeng"
title = "Test meeting with He Lifeng"
kind = "meeting"
date = "2023-08-29"
status = "occurred"
sides = ["united-states", "china"]
class = "verbal-cooperation"
summary = "Raimondo met He Lifeng."
participants = [
  { person = "gina-raimondo", role = "attendee" },
  { person = "he-lifeng", role = "host" },
]
topics = ["trade-secrets"]
cites = [{ source = "test-us-readout-he", points = [1] }]
accounts = [
  { source = "test-us-readout-he", side = "united-states", items = [
      { kind = "agreed", text = "Expert talks on trade secrets.", topics = ["trade-secrets"], points = [1] },
  ] },
  { source = "test-xinhua-he", side = "china", items = [
      { kind = "asked", by = "china", text = "That the US ease export controls.", topics = ["export-controls"], points = [1] },
  ] },
]

[[events]]
slug = "readout-test-one-sided"
title = "Test call only the US reports"
kind = "talks"
date = "2023-08-30"
status = "occurred"
sides = ["united-states", "china"]
class = "verbal-cooperation"
summary = "A call only one side reports."
participants = [{ person = "gina-raimondo", role = "attendee" }]
cites = [{ source = "test-us-readout-he", points = [1] }]
accounts = [
  { source = "test-us-readout-he", side = "united-states", items = [
      { kind = "stated", text = "The call was constructive.", topics = ["dialogue"], points = [1] },
  ] },
]
"#;

/// The bundled dataset (unstamped) with its events' `accounts` left out, so that tests of
/// accounts written for the purpose count only their own. An account list starts with a line
/// `accounts = [` and ends with a line `]`, as the bundled files write them.
pub fn bundled_without_accounts() -> Vec<(String, String)> {
    bundled_unstamped()
        .into_iter()
        .map(|(name, text)| {
            let mut kept = String::with_capacity(text.len());
            let mut in_accounts = false;
            for line in text.lines() {
                if in_accounts {
                    in_accounts = line != "]";
                } else if line.starts_with("accounts = [") {
                    in_accounts = line != "accounts = []";
                } else {
                    kept.push_str(line);
                    kept.push('\n');
                }
            }
            assert!(!in_accounts, "{name}: an account list is not closed");
            (name, kept)
        })
        .collect()
}

/// The bundled dataset (unstamped, without its own accounts) with `READOUTS` as
/// `data/readouts.toml`, one text of it replaced (`from` must occur unless empty).
pub fn with_readouts(from: &str, to: &str) -> Vec<(String, String)> {
    assert!(READOUTS.contains(from), "{from:?}");
    let mut files = bundled_without_accounts();
    files.push(("data/readouts.toml".into(), READOUTS.replacen(from, to, 1)));
    files
}

/// A fresh database seeded with the bundled dataset (without its own accounts) and
/// `READOUTS`, and the app over it.
pub async fn seeded_with_readouts() -> TestApp {
    seeded_with_files(with_readouts("", "")).await
}

/// A fresh database seeded with these files, and the app over it.
pub async fn seeded_with_files(files: Vec<(String, String)>) -> TestApp {
    let (pool, dir) = empty().await;
    let data =
        tradewatch::dataset::parse_and_validate(&files, &tradewatch::dataset::Existing::default())
            .expect("the dataset is valid");
    tradewatch::dataset::import(&pool, &data, &files)
        .await
        .expect("imported");
    let router = tradewatch::app(tradewatch::AppState::new(pool.clone()));
    TestApp {
        pool,
        url: String::new(),
        router,
        _dir: Some(dir),
    }
}
