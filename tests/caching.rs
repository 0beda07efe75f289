//! HTTP caching: ETags, 304s, Last-Modified and content-hashed static assets.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;

async fn get_with(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.request(request.body(Body::empty()).expect("request"))
        .await
}

#[tokio::test]
async fn pages_and_documents_revalidate_with_their_etag() {
    let app = seeded().await;
    for path in [
        "/",
        "/events/raimondo-meets-li-qiang",
        "/api/v1/events?limit=3",
        "/events.csv?topic=tourism",
        "/agreements",
    ] {
        let (status, headers, body) = app.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let etag = headers["etag"].to_str().unwrap().to_owned();
        assert!(
            etag.starts_with('"') && etag.ends_with('"') && !etag.starts_with("W/"),
            "strong: {etag}"
        );
        assert_eq!(
            headers["cache-control"],
            tradewatch::http::caching::DEFAULT_CACHE_CONTROL,
            "{path}"
        );
        assert!(headers.contains_key("last-modified"), "{path}");
        // The same bytes give the same tag.
        let (_, again, body_again) = app.get(path).await;
        assert_eq!(
            (again["etag"].to_str().unwrap(), body_again.as_str()),
            (etag.as_str(), body.as_str())
        );

        let (status, headers, body) = get_with(&app, path, &[("if-none-match", &etag)]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(body.is_empty());
        assert_eq!(headers["etag"].to_str().unwrap(), etag);
        // A cache that revalidates keeps the same freshness and stale allowances.
        assert_eq!(
            headers["cache-control"],
            tradewatch::http::caching::DEFAULT_CACHE_CONTROL,
            "{path}"
        );
        let (status, _, _) = get_with(&app, path, &[("if-none-match", "\"something-else\"")]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn each_encoding_has_its_own_etag() {
    let app = seeded().await;
    let (_, plain, _) = get_with(&app, "/", &[("accept-encoding", "identity")]).await;
    let (_, gzip, _) = get_with(&app, "/", &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzip["content-encoding"], "gzip");
    assert_ne!(plain["etag"], gzip["etag"]);
    let etag = gzip["etag"].to_str().unwrap();
    let (status, _, _) = get_with(
        &app,
        "/",
        &[("accept-encoding", "gzip"), ("if-none-match", etag)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn if_modified_since_compares_with_the_latest_revision() {
    let app = seeded().await;
    let (_, headers, _) = app.get("/topics").await;
    let last_modified = headers["last-modified"].to_str().unwrap().to_owned();
    assert!(last_modified.ends_with(" GMT"), "{last_modified}");
    let (status, _, _) = get_with(&app, "/topics", &[("if-modified-since", &last_modified)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    let (status, _, _) = get_with(
        &app,
        "/topics",
        &[("if-modified-since", "Mon, 01 Jan 2001 00:00:00 GMT")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn errors_are_not_cached_as_pages() {
    let app = seeded().await;
    for path in ["/events/nope", "/?from=nope", "/api/v1/events/nope"] {
        let (status, headers, _) = app.get(path).await;
        assert!(status.is_client_error(), "{path}");
        assert!(!headers.contains_key("etag"), "{path}");
    }
}

#[tokio::test]
async fn static_assets_are_linked_by_content_hash_and_cached_for_a_year() {
    let app = seeded().await;
    let (_, html) = app.get_html("/").await;
    let href = attrs(&html, "link[rel=stylesheet]", "href")
        .pop()
        .expect("a stylesheet");
    let hashed = href
        .trim_start_matches("/static/css/site.")
        .trim_end_matches(".css");
    assert!(
        hashed.len() == 8 && hashed.bytes().all(|b| b.is_ascii_hexdigit()),
        "{href}"
    );
    let (status, headers, hashed_body) = app.get(&href).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers["content-type"], "text/css; charset=utf-8");
    let (status, headers, plain_body) = app.get("/static/css/site.css").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "public, max-age=300");
    assert_eq!(hashed_body, plain_body);
    let (status, _, _) = app.get("/static/css/site.00000000.css").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_page_is_kept_rendered_until_the_data_changes() {
    let app = seeded().await;
    let path = "/events/raimondo-meets-li-qiang";
    let (status, first_headers, first) = app.get(path).await;
    assert_eq!(status, StatusCode::OK);
    // The rows change without a new revision: the kept page is served as it was.
    sqlx::query(
        "UPDATE events SET title = 'A changed title' WHERE slug = 'raimondo-meets-li-qiang'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let (_, headers, again) = app.get(path).await;
    assert_eq!(again, first);
    assert_eq!(headers.get("etag"), first_headers.get("etag"));
    // Each encoding is kept apart.
    let (_, gzip, _) = get_with(&app, path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzip.get("content-encoding").unwrap(), "gzip");
    assert_ne!(gzip.get("etag"), first_headers.get("etag"));
    // A new revision, written as every import writes one, and said by this process (as
    // `tradewatch::dataset::import` says it), is seen at once.
    sqlx::query("INSERT INTO revisions (imported_at, files, digest) VALUES ('2030-01-01T00:00:00Z', 'test', 'x')")
        .execute(&app.pool)
        .await
        .unwrap();
    tradewatch::db::revisions::data_changed(&app.pool);
    let (_, headers, changed) = app.get(path).await;
    assert!(changed.contains("A changed title"));
    assert_ne!(headers.get("etag"), first_headers.get("etag"));
    // Errors are never kept; health always asks the database.
    let (status, _, _) = app.get("/events/no-such-event").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_kept_page_is_served_without_the_database() {
    let app = seeded().await;
    let path = "/?official=gina-raimondo&topic=export-controls";
    let (status, headers, first) = app.get(path).await;
    assert_eq!(status, StatusCode::OK);
    // With every connection closed, the page kept in memory is still served, as it was, and
    // revalidates; a page never built cannot be. An import into another database of this
    // process changes nothing here.
    app.pool.close().await;
    let other = seeded().await;
    tradewatch::db::revisions::data_changed(&other.pool);
    let (status, again_headers, again) = app.get(path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, first);
    assert_eq!(again_headers["etag"], headers["etag"]);
    let etag = headers["etag"].to_str().unwrap();
    let (status, _, _) = get_with(&app, path, &[("if-none-match", etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    let (status, _, _) = app.get("/events/raimondo-meets-li-qiang").await;
    assert!(status.is_server_error(), "{status}");
}

#[tokio::test]
async fn a_revision_committed_by_another_connection_is_noticed_unannounced() {
    let app = seeded().await;
    let path = "/events/raimondo-meets-li-qiang";
    let (_, first, _) = app.get(path).await;
    // Another process's import: a commit on a connection of its own, which nothing in this
    // process announces. The server's watch notices it through SQLite's change counter.
    let other = tradewatch::db::connect(&app.url).await.unwrap();
    sqlx::query("INSERT INTO revisions (imported_at, files, digest) VALUES ('2030-01-01T00:00:00Z', 'test', 'x')")
        .execute(&other)
        .await
        .unwrap();
    other.close().await;
    let started = std::time::Instant::now();
    // Bounded: the poll runs every quarter second; five seconds is a failure, not a wait.
    let seen = loop {
        let (_, headers, _) = app.get(path).await;
        if headers["last-modified"] == "Tue, 01 Jan 2030 00:00:00 GMT" {
            break started.elapsed();
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "the new revision was not noticed (Last-Modified {:?}, first {:?})",
            headers["last-modified"],
            first["last-modified"]
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(seen <= std::time::Duration::from_secs(5));
}

/// Commits a new revision dated 1 January 2030, as an import does, on the server's own pool
/// (and without saying so, as another process's import would not).
async fn commit_a_revision(pool: &sqlx::SqlitePool) {
    sqlx::query(
        "INSERT INTO revisions (imported_at, files, digest) VALUES ('2030-01-01T00:00:00Z', '[]', 'x')",
    )
    .execute(pool)
    .await
    .unwrap();
}

/// How many times `import_then_ask` has been built.
static IMPORT_THEN_ASK_BUILDS: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(0);

/// A page whose first build begins after an import committed, one the middleware had not yet
/// seen when it looked the revision up: it asks the catalog one question and says which
/// revision the answer was read at, as every handler does.
async fn import_then_ask(
    axum::extract::State(state): axum::extract::State<tradewatch::AppState>,
) -> (Option<tradewatch::catalog::Revision>, String) {
    if IMPORT_THEN_ASK_BUILDS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
        commit_a_revision(&state.db).await;
    }
    let answer = tradewatch::catalog::lists::topics(&state.db).await.unwrap();
    let id = answer.revision.map_or(0, |r| r.id);
    (
        answer.revision,
        format!("{} topics read at revision {id}", answer.value.len()),
    )
}

/// A seeded app whose router is one route behind the caching middleware alone, and its state.
async fn behind_caching_with_state(
    path: &str,
    route: axum::routing::MethodRouter<tradewatch::AppState>,
) -> (TestApp, tradewatch::AppState) {
    let mut app = seeded().await;
    let state = tradewatch::AppState::new(app.pool.clone());
    app.router = axum::Router::new()
        .route(path, route)
        .with_state(state.clone())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            tradewatch::http::caching::conditional,
        ));
    (app, state)
}

/// A seeded app whose router is one route behind the caching middleware alone.
async fn behind_caching(
    path: &str,
    route: axum::routing::MethodRouter<tradewatch::AppState>,
) -> TestApp {
    behind_caching_with_state(path, route).await.0
}

/// The page cache's key for a plain `GET` of `uri` at `revision`.
fn key(revision: i64, uri: &str) -> tradewatch::http::page_cache::Key {
    tradewatch::http::page_cache::Key {
        revision,
        day: tradewatch::domain::date::today(),
        method: "GET".into(),
        uri: uri.into(),
        accept_encoding: String::new(),
    }
}

#[tokio::test]
async fn a_page_read_after_an_import_belongs_wholly_to_the_revision_it_was_read_at() {
    let (app, state) =
        behind_caching_with_state("/page", axum::routing::get(import_then_ask)).await;
    let before: i64 = sqlx::query_scalar("SELECT max(id) FROM revisions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, headers, body) = app.get("/page").await;
    assert_eq!(status, StatusCode::OK);
    // Built once, from the revision the import committed: its content, its date and the key
    // it is kept under are all that revision's.
    assert_eq!(
        IMPORT_THEN_ASK_BUILDS.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    let after = before + 1;
    assert!(
        body.ends_with(&format!("read at revision {after}")),
        "{body}"
    );
    assert_eq!(headers["last-modified"], "Tue, 01 Jan 2030 00:00:00 GMT");
    let kept = state
        .pages
        .get(&key(after, "/page"))
        .expect("kept under the revision read");
    assert_eq!(kept.body, body.as_bytes());
    assert_eq!(kept.headers["etag"], headers["etag"]);
    // Never under the revision the middleware knew before the build.
    assert!(state.pages.get(&key(before, "/page")).is_none());
    // And it revalidates by that ETag.
    let etag = headers["etag"].to_str().unwrap();
    let (status, _, _) = get_with(&app, "/page", &[("if-none-match", etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn a_page_is_built_once_however_often_the_data_changes_under_it() {
    let (app, state) = behind_caching_with_state(
        "/page",
        axum::routing::get(
            |axum::extract::State(state): axum::extract::State<tradewatch::AppState>| {
                async move {
                    // Every build follows a new import.
                    commit_a_revision(&state.db).await;
                    let answer = tradewatch::catalog::lists::topics(&state.db).await.unwrap();
                    let id = answer.revision.map_or(0, |r| r.id);
                    (answer.revision, format!("read at revision {id}"))
                }
            },
        ),
    )
    .await;
    // Each request is answered (no "try again"), by a page of the latest revision, kept under it.
    for _ in 0..3 {
        let (status, headers, body) = app.get("/page").await;
        let id: i64 = sqlx::query_scalar("SELECT max(id) FROM revisions")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, format!("read at revision {id}"));
        assert_eq!(
            headers["cache-control"],
            tradewatch::http::caching::DEFAULT_CACHE_CONTROL
        );
        assert!(state.pages.get(&key(id, "/page")).is_some());
    }
}

#[tokio::test]
async fn a_page_too_large_to_buffer_is_still_served_in_full() {
    let size = tradewatch::http::caching::MAX_BUFFERED + 1000;
    let app = behind_caching(
        "/big",
        axum::routing::get(move || async move { "x".repeat(size) }),
    )
    .await;
    let (status, headers, body) = app.get("/big").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.len(), size);
    assert!(body.bytes().all(|b| b == b'x'));
    // Not buffered, so no ETag is promised for it.
    assert!(headers.get("etag").is_none());
}

/// How many times `slow_page` has been built, across the test binary's tests that use it.
static SLOW_BUILDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A page that takes a while to build, and counts its builds.
async fn slow_page() -> String {
    let n = SLOW_BUILDS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    format!("slow page, build {n}")
}

#[tokio::test]
async fn concurrent_first_requests_wait_for_one_build() {
    let app = std::sync::Arc::new(behind_caching("/slow", axum::routing::get(slow_page)).await);
    let before = SLOW_BUILDS.load(std::sync::atomic::Ordering::SeqCst);
    let requests: Vec<_> = (0..16)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { app.get("/slow").await })
        })
        .collect();
    let mut bodies = std::collections::BTreeSet::new();
    for request in requests {
        let (status, _, body) = request.await.unwrap();
        assert_eq!(status, StatusCode::OK);
        bodies.insert(body);
    }
    assert_eq!(
        SLOW_BUILDS.load(std::sync::atomic::Ordering::SeqCst) - before,
        1,
        "sixteen concurrent first requests built the page more than once"
    );
    assert_eq!(bodies.len(), 1, "{bodies:?}");

    // A build whose request is abandoned does not leave the others waiting: the next request
    // builds the page itself.
    let abandoned = {
        let app = app.clone();
        tokio::spawn(async move { app.get("/slow?x").await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let waiting = {
        let app = app.clone();
        tokio::spawn(async move { app.get("/slow?x").await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    abandoned.abort();
    let (status, _, body) = tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
        .await
        .expect("the waiting request was answered")
        .unwrap();
    assert_eq!(status, StatusCode::OK);
    assert!(body.starts_with("slow page"), "{body}");
}

/// The seconds a `Cache-Control` value gives `directive`, if it names it.
fn directive_seconds(cache_control: &str, directive: &str) -> Option<u64> {
    cache_control.split(',').find_map(|part| {
        let (name, value) = part.trim().split_once('=')?;
        (name == directive).then(|| value.parse().expect("seconds"))
    })
}

#[tokio::test]
async fn a_shared_cache_may_serve_pages_stale_while_revalidating_and_on_error() {
    let app = seeded().await;
    for path in [
        "/",
        "/events/raimondo-meets-li-qiang",
        "/api/v1/events?limit=3",
        "/events.csv",
        "/feed.atom",
        "/calendar.ics",
    ] {
        let (status, headers, _) = app.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let cache_control = headers["cache-control"].to_str().unwrap();
        assert!(
            cache_control.starts_with("public,"),
            "{path}: {cache_control}"
        );
        assert_eq!(
            directive_seconds(cache_control, "max-age"),
            Some(60),
            "{path}"
        );
        // A minute in the background while one replica rebuilds, a day when none answers.
        assert_eq!(
            directive_seconds(cache_control, "stale-while-revalidate"),
            Some(60),
            "{path}"
        );
        assert_eq!(
            directive_seconds(cache_control, "stale-if-error"),
            Some(86_400),
            "{path}"
        );
        // A shared cache holds a page fresh no longer than a browser does.
        assert_eq!(directive_seconds(cache_control, "s-maxage"), None, "{path}");
    }
}

#[tokio::test]
async fn health_is_never_cached() {
    let app = seeded().await;
    let (status, headers, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.starts_with("ok\n"), "{body}");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(!headers.contains_key("etag"));
    // Nor can a conditional request turn it into a 304.
    let (status, _, _) = get_with(&app, "/healthz", &[("if-none-match", "*")]).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn client_errors_are_kept_a_minute_but_never_served_stale() {
    let app = seeded().await;
    for path in ["/events/nope", "/?from=nope", "/api/v1/events/nope"] {
        let (status, headers, _) = app.get(path).await;
        assert!(status.is_client_error(), "{path}");
        assert_eq!(headers["cache-control"], "public, max-age=60", "{path}");
    }
}

/// A body streamed in two parts: the second at once, or only after a pause (as rows read from
/// the database arrive). The same bytes either way.
fn streamed_in_two_parts(pause: Option<std::time::Duration>) -> axum::body::Body {
    use futures_util::StreamExt as _;
    let head = futures_util::stream::once(async {
        Ok::<_, std::io::Error>(axum::body::Bytes::from("a streamed export\n".repeat(50)))
    });
    let tail = futures_util::stream::once(async move {
        if let Some(pause) = pause {
            tokio::time::sleep(pause).await;
        }
        Ok::<_, std::io::Error>(axum::body::Bytes::from(
            "its rows, and more rows\n".repeat(400),
        ))
    });
    axum::body::Body::from_stream(head.chain(tail))
}

/// The app's own layers, in its order, around one streamed route.
async fn streaming_app(pause: Option<std::time::Duration>) -> TestApp {
    let mut app = seeded().await;
    let state = tradewatch::AppState::new(app.pool.clone());
    app.router = axum::Router::new()
        .route(
            "/export",
            axum::routing::get(move || async move { streamed_in_two_parts(pause) }),
        )
        .with_state(state.clone())
        .layer(axum::middleware::from_fn(
            tradewatch::http::caching::whole_body,
        ))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state,
            tradewatch::http::caching::conditional,
        ));
    app
}

#[tokio::test]
async fn a_streamed_body_compresses_to_the_same_bytes_however_its_parts_arrive() {
    let at_once = streaming_app(None).await;
    let slowly = streaming_app(Some(std::time::Duration::from_millis(50))).await;
    for encoding in ["gzip", "br", "identity"] {
        let (status, first, first_body) =
            get_with(&at_once, "/export", &[("accept-encoding", encoding)]).await;
        assert_eq!(status, StatusCode::OK);
        let (_, second, second_body) =
            get_with(&slowly, "/export", &[("accept-encoding", encoding)]).await;
        assert_eq!(first_body, second_body, "{encoding}");
        assert_eq!(first["etag"], second["etag"], "{encoding}");
    }
}

#[tokio::test]
async fn two_replicas_of_the_same_data_give_the_same_bytes_and_etags() {
    let one = seeded().await;
    let other = seeded().await;
    for path in [
        "/agreements.csv",
        "/events.csv",
        "/",
        "/changes",
        "/feed.atom",
        "/calendar.ics",
    ] {
        for encoding in ["gzip", "br", "identity"] {
            let (_, a, a_body) = get_with(&one, path, &[("accept-encoding", encoding)]).await;
            let (_, b, b_body) = get_with(&other, path, &[("accept-encoding", encoding)]).await;
            assert_eq!(a_body, b_body, "{path} {encoding}");
            assert_eq!(a["etag"], b["etag"], "{path} {encoding}");
            assert_eq!(a["last-modified"], b["last-modified"], "{path} {encoding}");
        }
    }
}

/// Whether the page cache holds `path` ready for the fast path, for a plain `GET`.
fn held_ready(state: &tradewatch::AppState, method: &str, path: &str) -> bool {
    let hash = tradewatch::http::page_cache::request_hash(method, path, b"");
    state
        .pages
        .ready(hash)
        .is_some_and(|ready| ready.answers(&method.parse().unwrap(), path, b""))
}

#[tokio::test]
async fn a_repeat_view_is_answered_ready_as_the_first_was_and_still_revalidates() {
    let mut app = seeded().await;
    let state = tradewatch::AppState::new(app.pool.clone());
    app.router = tradewatch::app(state.clone());
    let operator = tradewatch::web::metrics_router(state.clone());
    let path = "/?official=gina-raimondo&topic=export-controls";
    assert!(!held_ready(&state, "GET", path));
    let (status, first_headers, first) = app.get(path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(held_ready(&state, "GET", path), "kept and held ready");
    // Answered ready: the same bytes and every header, the security headers included.
    let (status, headers, again) = app.get(path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, first);
    assert_eq!(headers, first_headers);
    assert!(headers.contains_key("content-security-policy"));
    assert!(headers.contains_key("x-frame-options"));
    // A revalidation by tag gets a 304 with the tag and the security headers, no body.
    let etag = first_headers["etag"].to_str().unwrap();
    let (status, headers, body) = get_with(&app, path, &[("if-none-match", etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(headers["etag"], etag);
    assert_eq!(headers["cache-control"], first_headers["cache-control"]);
    assert_eq!(headers["x-content-type-options"], "nosniff");
    // By date too, and a stale tag or an older date gets the page.
    let since = first_headers["last-modified"].to_str().unwrap();
    let (status, _, _) = get_with(&app, path, &[("if-modified-since", since)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    let (status, _, body) = get_with(&app, path, &[("if-none-match", "\"other\"")]).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, first.as_str()));
    let (status, _, body) = get_with(
        &app,
        path,
        &[("if-modified-since", "Mon, 01 Jan 2001 00:00:00 GMT")],
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, first.as_str()));
    // Another encoding is its own page, with its own tag.
    let (_, gzip, _) = get_with(&app, path, &[("accept-encoding", "gzip")]).await;
    let (_, gzip_again, _) = get_with(&app, path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzip_again["content-encoding"], "gzip");
    assert_eq!(gzip_again, gzip);
    assert_ne!(gzip_again["etag"], first_headers["etag"]);
    // HEAD is answered as before: the page's headers, no body.
    let head = || Request::head(path).body(Body::empty()).unwrap();
    let (status, head_headers, body) = app.request(head()).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, ""));
    assert!(held_ready(&state, "HEAD", path));
    let (status, head_again, body) = app.request(head()).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, ""));
    assert_eq!(head_again, head_headers);
    assert_eq!(head_again["etag"], first_headers["etag"]);
    // A tracking parameter is still redirected away, not taken for the page.
    let (status, headers, _) = app.get(&format!("{path}&utm_source=x")).await;
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(headers["location"], path);

    // Every request is counted: 6 pages and 2 revalidations by GET, 2 by HEAD.
    let (_, _, text) = TestApp::over(app.pool.clone(), operator)
        .get("/metrics")
        .await;
    for line in [
        "tradewatch_http_requests_total{route=\"/\",method=\"GET\",status=\"200\"} 6",
        "tradewatch_http_requests_total{route=\"/\",method=\"GET\",status=\"304\"} 2",
        "tradewatch_http_requests_total{route=\"/\",method=\"HEAD\",status=\"200\"} 2",
        "tradewatch_http_request_duration_seconds_count{route=\"/\"} 10",
        "tradewatch_http_requests_in_flight 0",
    ] {
        assert!(text.contains(line), "{line} is missing from:\n{text}");
    }
    // The first GET, gzip GET and HEAD were built; every other page request was a hit.
    assert!(
        text.contains("tradewatch_page_cache_misses_total 3"),
        "{text}"
    );
    assert!(
        text.contains("tradewatch_page_cache_hits_total 7"),
        "{text}"
    );
}

#[tokio::test]
async fn a_page_held_ready_is_not_served_once_a_new_revision_is_seen() {
    let app = seeded().await;
    let path = "/events/raimondo-meets-li-qiang";
    let (_, first_headers, _) = app.get(path).await;
    let (_, ready_headers, _) = app.get(path).await;
    assert_eq!(ready_headers, first_headers);
    sqlx::query("INSERT INTO revisions (imported_at, files, digest) VALUES ('2031-01-01T00:00:00Z', 'test', 'x')")
        .execute(&app.pool)
        .await
        .unwrap();
    tradewatch::db::revisions::data_changed(&app.pool);
    let (_, headers, _) = app.get(path).await;
    assert_eq!(headers["last-modified"], "Wed, 01 Jan 2031 00:00:00 GMT");
    let (_, headers, _) = app.get(path).await;
    assert_eq!(headers["last-modified"], "Wed, 01 Jan 2031 00:00:00 GMT");
}
