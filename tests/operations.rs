//! Running tradewatch as one of many: the same data gives the same bytes, ETags and dates on
//! every server and after every restart; shared links with tracking parameters are redirected
//! rather than refused; `/metrics` and JSON logs are there for the operator.

mod common;

use std::process::Command;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use tower::ServiceExt as _;
use tradewatch::dataset;

/// Every stamp of the bundled dataset: record → time.
fn bundled_stamps() -> std::collections::HashMap<String, String> {
    let (_, text) = dataset::bundled_files()
        .into_iter()
        .find(|(name, _)| name == "data/changed.toml")
        .expect("the bundled dataset has its stamps");
    let table: toml::Table = toml::from_str(&text).expect("stamps parse");
    table["changed"]
        .as_array()
        .expect("changed is an array")
        .iter()
        .map(|s| {
            (
                s["record"].as_str().expect("record").to_owned(),
                s["at"].as_str().expect("at").to_owned(),
            )
        })
        .collect()
}

const PAGES: [&str; 8] = [
    "/",
    "/feed.atom?official=gina-raimondo",
    "/calendar.ics",
    "/changes",
    "/events/raimondo-meets-li-qiang",
    "/api/v1/events?limit=5",
    "/agreements.csv",
    "/sources/raimondo-beijing-2023-08-29",
];

#[tokio::test]
async fn servers_seeded_at_different_times_serve_the_same_bytes_etags_and_dates() {
    let first = seeded().await;
    // Past a second boundary, so that a wall-clock time would show.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let second = seeded().await;
    let latest = bundled_stamps()
        .into_values()
        .max()
        .expect("at least one stamp");
    let latest =
        time::OffsetDateTime::parse(&latest, &time::format_description::well_known::Rfc3339)
            .expect("a stamp is RFC 3339");
    for path in PAGES {
        let (status_a, headers_a, body_a) = first.get(path).await;
        let (status_b, headers_b, body_b) = second.get(path).await;
        assert_eq!(status_a, StatusCode::OK, "{path}");
        assert_eq!(status_b, StatusCode::OK, "{path}");
        assert_eq!(body_a, body_b, "{path}: the bodies differ");
        for name in [header::ETAG, header::LAST_MODIFIED] {
            assert_eq!(headers_a.get(&name), headers_b.get(&name), "{path}: {name}");
        }
        let modified = headers_a
            .get(header::LAST_MODIFIED)
            .and_then(|v| v.to_str().ok())
            .expect("Last-Modified");
        let modified = time::OffsetDateTime::parse(
            &modified.replace("GMT", "+0000"),
            &time::format_description::well_known::Rfc2822,
        )
        .expect("an HTTP date");
        assert_eq!(
            modified, latest,
            "{path}: Last-Modified is the latest stamp"
        );
    }
}

#[tokio::test]
async fn feed_entries_are_dated_when_their_content_last_changed() {
    let app = seeded().await;
    let stamps = bundled_stamps();
    let (_, _, atom) = app.get("/feed.atom?official=gina-raimondo").await;
    let doc = roxmltree::Document::parse(&atom).expect("Atom parses");
    let mut entries = 0;
    for entry in doc.descendants().filter(|n| n.has_tag_name("entry")) {
        let link = entry
            .children()
            .find(|n| n.has_tag_name("link"))
            .and_then(|n| n.attribute("href"))
            .expect("entry link");
        let slug = link.rsplit('/').next().expect("slug");
        let updated = entry
            .children()
            .find(|n| n.has_tag_name("updated"))
            .and_then(|n| n.text())
            .expect("updated");
        assert_eq!(
            Some(updated),
            stamps.get(&format!("event/{slug}")).map(String::as_str),
            "{slug}"
        );
        entries += 1;
    }
    assert!(entries >= 10, "{entries} entries");
}

fn errors_of(files: &[(String, String)]) -> String {
    match dataset::parse_and_validate(files, &dataset::Existing::default()) {
        Ok(_) => panic!("the dataset should be rejected"),
        Err(e) => e.to_string(),
    }
}

/// The bundled dataset with one text replaced in one file, stamps kept.
fn edited(file: &str, from: &str, to: &str) -> Vec<(String, String)> {
    with_replaced(dataset::bundled_files(), file, from, to)
}

const TITLE: &str = "title = \"Raimondo meets Premier Li Qiang\"";
const NEW_TITLE: &str = "title = \"Raimondo meets Li Qiang, Premier of China\"";

#[test]
fn a_record_changed_since_its_stamp_is_refused_by_file_and_name() {
    let errors = errors_of(&edited("data/events.toml", TITLE, NEW_TITLE));
    assert!(
        errors.contains(
            "data/events.toml: event \"raimondo-meets-li-qiang\": (content): has changed since data/changed.toml stamped it"
        ),
        "{errors}"
    );
    assert_eq!(errors.lines().count(), 1, "{errors}");
}

#[test]
fn records_without_stamps_and_stamps_without_records_are_refused() {
    let mut files = dataset::bundled_files();
    files.push((
        "data/extra.toml".into(),
        "[[topics]]\nslug = \"new-topic\"\nname = \"New\"\nsummary = \"A new topic.\"\ncites = [{ source = \"raimondo-beijing-2023-08-29\", paragraphs = [1] }]\n".into(),
    ));
    let errors = errors_of(&files);
    assert!(
        errors.contains("data/extra.toml: topic \"new-topic\": (content): has no stamp"),
        "{errors}"
    );
    let files = edited(
        "data/changed.toml",
        "record = \"event/raimondo-meets-li-qiang\"",
        "record = \"event/no-such-event\"",
    );
    let errors = errors_of(&files);
    assert!(
        errors
            .contains("data/changed.toml: stamp \"event/no-such-event\": record: names no record"),
        "{errors}"
    );
    assert!(
        errors.contains("event \"raimondo-meets-li-qiang\": (content): has no stamp"),
        "{errors}"
    );
}

#[tokio::test]
async fn stamping_dates_only_what_changed_and_the_revision_follows() {
    let app = seeded().await;
    let mut files = edited("data/events.toml", TITLE, NEW_TITLE);
    let at = time::macros::datetime!(2031-05-06 07:08:09 UTC);
    let stamped = dataset::stamp(&files, at).expect("stamps");
    assert_eq!(stamped.dated, 1);
    assert_eq!(stamped.dropped, 0);
    assert_eq!(stamped.kept, bundled_stamps().len() - 1);
    let stamps = files
        .iter_mut()
        .find(|(name, _)| name == "data/changed.toml")
        .expect("stamps file");
    stamps.1 = stamped.text;
    // Stamping again changes nothing.
    assert_eq!(
        dataset::stamp(&files, time::macros::datetime!(2040-01-01 00:00 UTC))
            .expect("stamps")
            .dated,
        0
    );
    let existing = dataset::existing_records(&app.pool)
        .await
        .expect("existing");
    let data = dataset::parse_and_validate(&files, &existing).expect("valid once stamped");
    let summary = dataset::import(&app.pool, &data, &files)
        .await
        .expect("imports");
    assert_eq!((summary.added, summary.updated), (0, 1));
    let (_, headers, _) = app.get("/events/raimondo-meets-li-qiang").await;
    assert_eq!(
        headers
            .get(header::LAST_MODIFIED)
            .and_then(|v| v.to_str().ok()),
        Some("Tue, 06 May 2031 07:08:09 GMT")
    );
    let (_, html) = app.get_html("/changes").await;
    let headings = select(&html, "h2");
    assert!(
        headings
            .iter()
            .any(|h| h.contains("Revision 2") && h.contains("07:08")),
        "{headings:?}"
    );
}

#[tokio::test]
async fn unstamped_files_are_dated_by_their_import() {
    let app = seeded().await;
    let before = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("time");
    let files = vec![(
        "extra.toml".to_owned(),
        "[[topics]]\nslug = \"new-topic\"\nname = \"New\"\nsummary = \"A new topic.\"\ncites = [{ source = \"raimondo-beijing-2023-08-29\", paragraphs = [1] }]\n".to_owned(),
    )];
    let existing = dataset::existing_records(&app.pool)
        .await
        .expect("existing");
    let data = dataset::parse_and_validate(&files, &existing).expect("valid");
    dataset::import(&app.pool, &data, &files)
        .await
        .expect("imports");
    let changed: String =
        sqlx::query_scalar("SELECT changed_at FROM revisions ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .expect("revision");
    let changed =
        time::OffsetDateTime::parse(&changed, &time::format_description::well_known::Rfc3339)
            .expect("RFC 3339");
    assert!(changed >= before, "{changed} is the import's time");
}

#[tokio::test]
async fn tracking_parameters_are_redirected_away_and_others_kept_as_given() {
    let app = seeded().await;
    for (from, to) in [
        (
            "/?official=gina-raimondo&utm_source=news&topic=export-controls&fbclid=abc",
            "/?official=gina-raimondo&topic=export-controls",
        ),
        (
            "/events/raimondo-meets-li-qiang?utm_medium=social",
            "/events/raimondo-meets-li-qiang",
        ),
        ("/api/v1/events?gclid=1&limit=5", "/api/v1/events?limit=5"),
        (
            "/feed.atom?_ga=2.1.3&igshid=x&mc_cid=1&mc_eid=2&dclid=3&msclkid=4",
            "/feed.atom",
        ),
        ("/?oficial=x&utm%5Fcampaign=y", "/?oficial=x"),
    ] {
        for method in ["GET", "HEAD"] {
            let (status, headers, _) = app
                .request(
                    Request::builder()
                        .method(method)
                        .uri(from)
                        .body(Body::empty())
                        .expect("request"),
                )
                .await;
            assert_eq!(status, StatusCode::MOVED_PERMANENTLY, "{method} {from}");
            assert_eq!(
                headers.get(header::LOCATION).and_then(|v| v.to_str().ok()),
                Some(to),
                "{method} {from}"
            );
        }
        let (status, _, _) = app.get(to).await;
        let expected = if to.contains("oficial") {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        assert_eq!(status, expected, "{to}");
    }
    // Any other unknown parameter is still refused by name.
    let (status, _, body) = app.get("/?utm=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("utm"), "{body}");
}

async fn get(router: &axum::Router, path: &str) -> (StatusCode, String, String) {
    use http_body_util::BodyExt as _;
    let response = router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, kind, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_the_page_cache_and_stay_off_the_public_address() {
    let app = seeded().await;
    let state = tradewatch::AppState::new(app.pool.clone());
    let public = tradewatch::app(state.clone());
    let operator = tradewatch::web::metrics_router(state);
    for path in [
        "/events/raimondo-meets-li-qiang",
        "/events/raimondo-meets-li-qiang",
        "/events/no-such-event",
        "/?official=gina-raimondo",
    ] {
        get(&public, path).await;
    }
    let (status, _, _) = get(&public, "/metrics").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "never on the public address");

    let (status, kind, text) = get(&operator, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    for line in [
        "tradewatch_http_requests_total{route=\"/events/{slug}\",method=\"GET\",status=\"200\"} 2",
        "tradewatch_http_requests_total{route=\"/events/{slug}\",method=\"GET\",status=\"404\"} 1",
        "tradewatch_http_requests_total{route=\"/\",method=\"GET\",status=\"200\"} 1",
        "tradewatch_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1",
        "tradewatch_http_request_duration_seconds_count{route=\"/events/{slug}\"} 3",
        "tradewatch_page_cache_hits_total 1",
        "tradewatch_http_requests_in_flight 0",
        "tradewatch_data_revision 1",
    ] {
        assert!(text.contains(line), "{line} is missing from:\n{text}");
    }
    assert!(
        text.contains("tradewatch_page_cache_misses_total 4"),
        "{text}"
    );
    assert!(
        text.contains("tradewatch_background_work_state{work=\"event_index\",state=\""),
        "{text}"
    );
    assert!(text.ends_with("# EOF\n"));
}

#[test]
fn the_binary_logs_json_lines_and_serves_metrics_only_on_the_operators_address() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // A free port for the operators' address: bound, read, released.
    let metrics_addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .to_string();
    let mut command = Command::new(env!("CARGO_BIN_EXE_tradewatch"));
    command
        .current_dir(dir.path())
        .args(["--bind", "127.0.0.1:0", "--log-format", "json"])
        .args(["--metrics-bind", &metrics_addr])
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG");
    let server = serve(command);
    let addr = server.addr.clone();
    let page = http_get(&addr, "/events/raimondo-meets-li-qiang");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(http_get(&addr, "/metrics").starts_with("HTTP/1.1 404"));
    let mut metrics = String::new();
    for _ in 0..50 {
        if let Ok(stream) = std::net::TcpStream::connect(&metrics_addr) {
            drop(stream);
            metrics = http_get(&metrics_addr, "/metrics");
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    assert!(
        metrics.contains(
            "tradewatch_http_requests_total{route=\"/events/{slug}\",method=\"GET\",status=\"200\"} 1"
        ),
        "{metrics}"
    );
    let (exit, log) = server.stop();
    assert!(exit.success(), "{exit:?}");
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["message"].as_str() == Some("tradewatch stopped") && l["level"] == "INFO"),
        "{log}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l["spans"][0]["matched_path"] == "/events/{slug}"
                || l["spans"][0]["uri"] == "/events/raimondo-meets-li-qiang"),
        "request lines carry their span: {log}"
    );
}

#[test]
fn the_stamp_command_dates_an_edit_so_that_check_passes_again() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (name, text) in common::with_replaced(
        dataset::bundled_files(),
        "data/events.toml",
        TITLE,
        NEW_TITLE,
    ) {
        let path = dir.path().join(name.trim_start_matches("data/"));
        std::fs::write(path, text).expect("write");
    }
    let bin = env!("CARGO_BIN_EXE_tradewatch");
    let run = |args: &[&str]| {
        let output = Command::new(bin).args(args).output().expect("runs");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr),
        )
    };
    let data = dir.path().to_str().expect("UTF-8 path");
    let (ok, out) = run(&["check", data]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("event \"raimondo-meets-li-qiang\": (content): has changed since"),
        "{out}"
    );
    let (ok, out) = run(&["stamp", data, "--at", "2031-05-06T07:08:09Z"]);
    assert!(ok, "{out}");
    assert!(out.contains("1 dated 2031-05-06T07:08:09Z"), "{out}");
    let stamps = std::fs::read_to_string(dir.path().join("changed.toml")).expect("stamps");
    assert!(stamps.contains("record = \"event/raimondo-meets-li-qiang\", digest = \""));
    assert_eq!(stamps.matches("2031-05-06T07:08:09Z").count(), 1);
    let (ok, out) = run(&["check", data]);
    assert!(ok, "{out}");
    // A file is not a dataset's directory, and a time must be UTC.
    let file = dir.path().join("events.toml");
    let (ok, out) = run(&["stamp", file.to_str().expect("UTF-8 path")]);
    assert!(!ok && out.contains("not a directory"), "{out}");
    let (ok, out) = run(&["stamp", data, "--at", "2031-05-06T07:08:09+02:00"]);
    assert!(!ok && out.contains("expected a UTC time"), "{out}");
}
