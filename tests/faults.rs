//! Faults: a corrupt, foreign or read-only database, a full disk during an import, and an
//! import while the server serves. Each ends in a clear message or keeps serving; none panics
//! or loses data.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Output};
use std::str::FromStr as _;

use axum::http::StatusCode;
use common::*;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use tradewatch::dataset;

const BIN: &str = env!("CARGO_BIN_EXE_tradewatch");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// The binary failed with `expected` in its message, and did not panic.
fn assert_fails_clearly(output: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "it should fail: {stderr}");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A seeded database file in `dir`, closed (its WAL checkpointed into the file).
async fn seeded_file(dir: &Path) -> String {
    let url = format!("sqlite:{}", dir.join("tradewatch.db").display());
    let pool = tradewatch::prepare_database(&url).await.unwrap();
    pool.close().await;
    url
}

async fn execute(url: &str, sql: &str) {
    let pool = tradewatch::db::connect(url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

fn digest(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_corrupt_database_is_a_clear_start_up_error() {
    let dir = tempfile::tempdir().unwrap();
    let garbage: Vec<u8> = (0..64 * 1024).map(|i| (i * 7919 % 251) as u8).collect();
    for (name, bytes) in [
        ("garbage.db", garbage),
        (
            "truncated.db",
            b"SQLite format 3\0and then nothing".to_vec(),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let url = format!("sqlite:{}", path.display());
        for args in [
            vec!["--bind", "127.0.0.1:0", "--database-url", &url],
            vec!["import", "data", "--database-url", &url],
        ] {
            let output = run(&args);
            assert_fails_clearly(&output, "file is not a database");
            assert_fails_clearly(&output, &format!("cannot open the database {url}"));
        }
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{name} is left as it was"
        );
    }
}

#[tokio::test]
async fn a_database_from_other_migrations_is_a_clear_start_up_error() {
    for (sql, expected) in [
        (
            "UPDATE _sqlx_migrations SET checksum = x'00' WHERE version = 1",
            "migrated by a different build of tradewatch",
        ),
        (
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (99990101000000, 'from a newer build', 1, x'00', 0)",
            "migrated by a newer tradewatch",
        ),
        (
            "UPDATE _sqlx_migrations SET success = 0 WHERE version = (SELECT max(version) FROM _sqlx_migrations)",
            "a migration failed part-way",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let url = seeded_file(dir.path()).await;
        execute(&url, sql).await;
        for args in [
            vec!["--bind", "127.0.0.1:0", "--database-url", &url],
            vec!["import", "data", "--database-url", &url],
        ] {
            let output = run(&args);
            assert_fails_clearly(&output, expected);
            assert_fails_clearly(&output, &format!("cannot migrate the database {url}"));
        }
    }
}

/// Runs `command` as an unprivileged user when this test runs as root (for whom no file is
/// read-only), with a copy of the binary that user may execute.
fn unprivileged(dir: &Path, args: &[&str]) -> Command {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if !is_root {
        let mut command = Command::new(BIN);
        command.args(args);
        return command;
    }
    let bin = dir.join("tradewatch");
    if !bin.exists() {
        std::fs::copy(BIN, &bin).unwrap();
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut command = Command::new("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin)
        .args(args);
    command
}

#[tokio::test]
async fn a_read_only_database_is_served_and_an_import_into_it_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let url = seeded_file(dir.path()).await;
    let file = dir.path().join("tradewatch.db");
    // The file and its directory are read-only: not even SQLite's WAL files can be created.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = digest(&file);

    let data = std::fs::canonicalize("data").unwrap();
    let data = data.to_str().unwrap();
    let output = unprivileged(dir.path(), &["import", data, "--database-url", &url])
        .output()
        .unwrap();
    assert_fails_clearly(&output, &format!("the database {url} is read-only"));

    let server = serve(unprivileged(
        dir.path(),
        &["--bind", "127.0.0.1:0", "--database-url", &url],
    ));
    for path in [
        "/",
        "/events/raimondo-meets-li-qiang",
        "/api/v1/events?limit=3",
        "/search?q=export",
        "/healthz",
    ] {
        let response = http_get(&server.addr, path);
        assert!(response.starts_with("HTTP/1.1 200"), "{path}: {response}");
    }
    let (exit, log) = server.stop();
    assert!(exit.success(), "{log}");
    assert_eq!(digest(&file), before, "the database is unchanged");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[tokio::test]
async fn a_read_only_database_without_its_stored_index_is_served_from_one_built_at_start() {
    // A database migrated to stored indexes by a build that never imported into it holds no
    // index for its revision; read-only, the server builds one at each start and cannot keep it.
    let dir = tempfile::tempdir().unwrap();
    let url = seeded_file(dir.path()).await;
    execute(&url, "DELETE FROM event_index").await;
    let file = dir.path().join("tradewatch.db");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = digest(&file);

    let server = serve(unprivileged(
        dir.path(),
        &["--bind", "127.0.0.1:0", "--database-url", &url],
    ));
    // The index answers the filters, so the filtered timeline shows what it would otherwise.
    let response = http_get(
        &server.addr,
        "/?official=gina-raimondo&topic=export-controls",
    );
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains("/events/raimondo-wang-wentao-lunch-meeting"),
        "{response}"
    );
    let health = http_get(&server.addr, "/healthz");
    assert!(health.contains("index: ready"), "{health}");
    let (exit, log) = server.stop();
    assert!(exit.success(), "{log}");
    assert!(log.contains("cannot store the event index"), "{log}");
    assert_eq!(digest(&file), before, "the database is unchanged");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The bundled dataset plus a source of `paragraphs` paragraphs of 10,000 characters.
fn bundled_plus_big_source(paragraphs: usize) -> Vec<(String, String)> {
    let mut files = common::bundled_unstamped();
    let text = format!("\"{}\"", "All work and no play. ".repeat(455));
    let body = vec![text; paragraphs].join(",\n  ");
    files.push((
        "data/sources/big.toml".into(),
        format!(
            "[[sources]]\nslug = \"big-source\"\ntitle = \"A big source\"\nvoice = \"other\"\nlanguage = \"en\"\npublished = \"2024-01-01\"\nparagraphs = [\n  {body}\n]\n"
        ),
    ));
    files
}

#[tokio::test]
async fn a_full_disk_fails_the_import_with_a_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = seeded_file(dir.path()).await;
    let file = dir.path().join("tradewatch.db");
    let before = digest(&file);
    // SQLite reports reaching max_page_count exactly as it reports a full disk (SQLITE_FULL).
    let pages: i64 = {
        let pool = tradewatch::db::connect(&url).await.unwrap();
        let pages = sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        pages
    };
    let options = SqliteConnectOptions::from_str(&url)
        .unwrap()
        .foreign_keys(true)
        .pragma("max_page_count", (pages + 20).to_string());
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    let files = bundled_plus_big_source(200);
    let existing = dataset::existing_records(&pool).await.unwrap();
    let data = dataset::parse_and_validate(&files, &existing).unwrap();
    let error = dataset::import(&pool, &data, &files).await.unwrap_err();
    assert!(
        error.to_string().contains("database or disk is full"),
        "{error}"
    );
    // Nothing of it is visible, and the file is as it was.
    assert_eq!(count(&pool, "sources").await, existing_sources(&files) - 1);
    pool.close().await;
    assert_eq!(digest(&file), before, "the database is unchanged");
}

fn existing_sources(files: &[(String, String)]) -> i64 {
    files
        .iter()
        .map(|(_, text)| text.matches("[[sources]]").count() as i64)
        .sum()
}

// On several threads, as the server runs: the readers below are answered from the page cache
// without waiting on anything, and on one thread they would never let the import run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_see_the_old_data_or_the_new_never_a_mix_during_an_import() {
    let app = seeded().await;
    // The new dataset retitles every event and renames every official, and adds a big source,
    // so the import takes a while.
    let mut files = bundled_plus_big_source(300);
    for (name, text) in &mut files {
        if name == "data/events.toml" {
            *text = text.replace("\ntitle = \"", "\ntitle = \"Revised: ");
        }
        if name == "data/people.toml" {
            *text = text.replace("\nname = \"", "\nname = \"Revised ");
        }
    }
    let pool = app.pool.clone();
    let import = tokio::spawn(async move {
        let existing = dataset::existing_records(&pool).await.unwrap();
        let data = dataset::parse_and_validate(&files, &existing).unwrap();
        dataset::import(&pool, &data, &files).await.unwrap();
    });
    let (mut old, mut new, mut during) = (0, 0, 0);
    loop {
        let finished = import.is_finished();
        let (status, _, body) = app.get("/api/v1/events?limit=1000").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        let titles: Vec<&str> = json["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["title"].as_str().unwrap())
            .collect();
        let revised = titles.iter().filter(|t| t.starts_with("Revised: ")).count();
        assert!(
            revised == 0 || revised == titles.len(),
            "a mix: {revised} of {} titles revised",
            titles.len()
        );
        if revised == 0 {
            assert_eq!(new, 0, "old data after new data");
            old += 1;
        } else {
            new += 1;
        }
        if !finished {
            during += 1;
            // Pages keep answering while the import runs, and a page built from several queries
            // (the event, then its participants) shows one revision: a retitled event with
            // renamed officials, or neither.
            assert_eq!(app.get("/").await.0, StatusCode::OK);
            let (status, _, page) = app.get("/events/raimondo-meets-li-qiang").await;
            assert_eq!(status, StatusCode::OK);
            let page = scraper::Html::parse_document(&page);
            let title = text_of(&page, "h1");
            let participants = text_of(&page, "section[aria-labelledby=participants-heading] li");
            assert_eq!(
                title.starts_with("Revised: "),
                participants.contains("Revised "),
                "a mix on one page: {title:?} with {participants:?}"
            );
            assert_eq!(app.get("/sources").await.0, StatusCode::OK);
        } else {
            break;
        }
    }
    import.await.unwrap();
    assert!(
        during > 0 && old > 0 && new > 0,
        "old {old}, new {new}, during {during}"
    );
}

/// The text of every element matching `selector`, joined.
fn text_of(page: &scraper::Html, selector: &str) -> String {
    let selector = scraper::Selector::parse(selector).unwrap();
    page.select(&selector)
        .flat_map(|e| e.text())
        .collect::<Vec<_>>()
        .join(" ")
}
