//! HTTP caching for every page and document: a strong `ETag` from the response's bytes (taken
//! after compression, so each encoding has its own), `If-None-Match` → 304, `Last-Modified`
//! from the revision the page was read at with `If-Modified-Since`, and `Cache-Control`: how long any
//! cache may keep a page, and how long a shared cache may serve it stale (while revalidating,
//! or when no replica answers); errors are kept briefly or not at all, health never.
//! Pages are kept, rendered, in the `PageCache` until the data's revision (or the day) changes.
//!
//! A page is built once. Its handler asked the catalog one question, answered from one read
//! transaction, and says which revision that was (`catalog::Revision`, a response extension):
//! the page is kept under that revision and dated by it, even when an import committed after
//! the revision was looked up here, so a page of a newer revision is never kept (or served
//! again) under an older one's key. Pages that read no data (or an error) carry none, and are
//! kept under the revision known when the request came in.

use std::hash::{DefaultHasher, Hasher};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use futures_util::StreamExt as _;
use http_body_util::BodyExt as _;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

use super::page_cache::{Entry, Key, Turn};
use crate::catalog::Revision;
use crate::state::AppState;

/// Pages and data change only when an import runs; a minute of freshness keeps repeat views
/// instant while an import shows within a minute, and revalidation is a cheap 304. A shared
/// cache in front of several replicas may serve a page up to a minute past that while it
/// revalidates in the background (so no reader waits on a replica), and up to a day when no
/// replica answers (a page a day old beats an error page). No `s-maxage`: a shared cache holds
/// a page fresh no longer than a browser, so a new release shows everywhere within a minute.
pub const DEFAULT_CACHE_CONTROL: &str =
    "public, max-age=60, stale-while-revalidate=60, stale-if-error=86400";

/// A client error (an unknown record, a bad parameter) holds until the data changes like a
/// page, but is never served stale: it is no substitute for a page when replicas fail.
pub const CLIENT_ERROR_CACHE_CONTROL: &str = "public, max-age=60";

/// Health answers, server errors and "try again" answers describe one moment of one replica,
/// so no cache may keep them.
pub const UNCACHEABLE: &str = "no-store";

/// Responses larger than this are passed through without an ETag rather than buffered.
pub const MAX_BUFFERED: usize = 8 * 1024 * 1024;

/// A response body read into memory, or, past the limit, the same body to send on as it comes.
enum Buffered {
    Whole(Bytes),
    TooLarge(Body),
}

/// Reads `body` into memory up to `limit` bytes. Past it, the bytes read so far and the rest of
/// the body are joined again into one body, so a very large page is still served in full.
async fn buffer(mut body: Body, limit: usize) -> Result<Buffered, axum::Error> {
    let mut read = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else {
            continue; // trailers: responses here carry none
        };
        read.extend_from_slice(&data);
        if read.len() > limit {
            let head = futures_util::stream::once(std::future::ready(Ok::<_, axum::Error>(
                Bytes::from(read),
            )));
            return Ok(Buffered::TooLarge(Body::from_stream(
                head.chain(body.into_data_stream()),
            )));
        }
    }
    Ok(Buffered::Whole(Bytes::from(read)))
}

/// Inside compression: a page's body reaches the compressor as one piece. A body streamed in
/// parts (the agreements export) would otherwise be compressed part by part as the parts
/// arrive, flushed wherever one was slow to come, so the same page could compress to different
/// bytes, and different `ETag`s, on different replicas or builds. A body too large to buffer
/// is passed on as it streams (and gets no `ETag`).
pub async fn whole_body(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    match buffer(body, MAX_BUFFERED).await {
        Ok(Buffered::Whole(bytes)) => Response::from_parts(parts, Body::from(bytes)),
        Ok(Buffered::TooLarge(body)) => Response::from_parts(parts, body),
        Err(e) => {
            tracing::error!(error = %e, "cannot read a response to buffer it");
            with_error_cache_control(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

fn etag_of(bytes: &[u8], encoding: Option<&HeaderValue>) -> String {
    let mut hasher = DefaultHasher::new();
    hasher.write(bytes);
    if let Some(encoding) = encoding {
        hasher.write(encoding.as_bytes());
    }
    format!("\"{:016x}\"", hasher.finish())
}

fn matches_etag(if_none_match: &str, etag: &str) -> bool {
    if_none_match.trim() == "*"
        || if_none_match
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == etag)
}

/// HTTP dates have one-second resolution.
fn http_date(time: OffsetDateTime) -> Option<String> {
    let utc = time
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .ok()?;
    // RFC 2822 gives "+0000"; HTTP wants "GMT".
    utc.format(&Rfc2822).ok().map(|d| d.replace("+0000", "GMT"))
}

fn parse_http_date(value: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(&value.replace("GMT", "+0000"), &Rfc2822).ok()
}

/// The headers of a page's `304`: those a cache revalidating it needs, taken from its `200`.
pub fn not_modified_headers(headers: &HeaderMap) -> HeaderMap {
    let mut kept = HeaderMap::with_capacity(4);
    for name in [
        header::ETAG,
        header::LAST_MODIFIED,
        header::CACHE_CONTROL,
        header::VARY,
    ] {
        if let Some(value) = headers.get(&name) {
            kept.insert(name, value.clone());
        }
    }
    kept
}

fn not_modified(headers: &HeaderMap) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    *response.headers_mut() = not_modified_headers(headers);
    response
}

/// Whether a client holding the page tagged `etag`, last modified at `modified`, may use its
/// copy: its `If-None-Match` names the tag or, without one, its `If-Modified-Since` is no
/// earlier than the change.
pub fn is_fresh(request: &HeaderMap, etag: &str, modified: Option<OffsetDateTime>) -> bool {
    if let Some(tags) = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        return matches_etag(tags, etag);
    }
    let since = request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_http_date);
    match (since, modified) {
        (Some(since), Some(modified)) => modified.replace_nanosecond(0).is_ok_and(|m| m <= since),
        _ => false,
    }
}

/// A handler's answer says which revision its data was read at (`catalog::Answer`): the page
/// is kept under that revision and dated by it.
impl IntoResponseParts for Revision {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut parts: ResponseParts) -> Result<ResponseParts, Self::Error> {
        parts.extensions_mut().insert(self);
        Ok(parts)
    }
}

/// Marks a `200` served from (or just kept in) the page cache, for `super::fast_path` to hold
/// ready as it leaves the server.
#[derive(Debug, Clone)]
pub struct Kept {
    pub key: Key,
    pub modified: Option<OffsetDateTime>,
}

/// Says how long an error may be kept, unless its handler said so itself.
fn with_error_cache_control(mut response: Response) -> Response {
    let status = response.status();
    let policy = if status.is_client_error() {
        CLIENT_ERROR_CACHE_CONTROL
    } else if status.is_server_error() {
        UNCACHEABLE
    } else {
        return response;
    };
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(policy));
    response
}

pub async fn conditional(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    if request.uri().path() == "/healthz" {
        // Health describes this replica now: a cache that kept it would hide a failure.
        let mut response = next.run(request).await;
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(UNCACHEABLE));
        return response;
    }
    // Kept for after the request is taken apart to build the page.
    let mut preconditions = HeaderMap::new();
    for name in [header::IF_NONE_MATCH, header::IF_MODIFIED_SINCE] {
        if let Some(value) = request.headers().get(&name) {
            preconditions.insert(name, value.clone());
        }
    }
    let path = request.uri().path();
    let is_static = path.starts_with("/static/");
    // Static files are already in memory (or read from a directory being edited), so they
    // have no revision and are never kept.
    let cacheable = !is_static;
    // As last read: a kept page is served without asking the database (see `Watch`).
    let known: Option<Revision> = if is_static {
        None
    } else {
        state
            .revision
            .latest(&state.db)
            .await
            .ok()
            .flatten()
            .map(Revision::from)
    };
    let mut modified = known.and_then(|r| r.at);
    // The page's key under any revision: the day, and what the request asked for.
    let key_at = {
        let day = crate::domain::date::today();
        let method = request.method().to_string();
        let uri = request.uri().to_string();
        let accept_encoding = request
            .headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        move |revision: Revision| Key {
            revision: revision.id,
            day,
            method: method.clone(),
            uri: uri.clone(),
            accept_encoding: accept_encoding.clone(),
        }
    };
    let mut key = known.map(&key_at);
    // Concurrent first requests for one page wait for a single build rather than each building
    // it (a popular page just after an import): one builds, the others then find it cached.
    let mut flight = None;
    let mut cached = None;
    if let Some(k) = key.as_ref().filter(|_| state.pages.keeps_pages()) {
        loop {
            cached = state.pages.get(k);
            if cached.is_some() {
                break;
            }
            match state.pages.turn(k) {
                Turn::Build(mine) => {
                    flight = Some(mine);
                    break;
                }
                Turn::Wait(done) => done.await,
            }
        }
    }
    if cacheable {
        if cached.is_some() {
            state.metrics.page_cache_hit();
        } else {
            state.metrics.page_cache_miss();
        }
    }
    let (headers, extensions, bytes) = match cached {
        Some(entry) => (entry.headers, entry.extensions, entry.body),
        None => {
            // The semaphore is never closed; were it, the page is built without a permit.
            let _permit = state.builds.acquire().await.ok();
            let response = next.run(request).await;
            if response.status() != StatusCode::OK {
                return with_error_cache_control(response);
            }
            let (mut parts, body) = response.into_parts();
            // Read at a newer revision than was known (an import committed since, or was not
            // yet noticed): kept and dated as that revision's page, never the older one's.
            if let Some(read_at) = parts.extensions.get::<Revision>().copied()
                && Some(read_at.id) != known.map(|r| r.id)
            {
                modified = read_at.at;
                key = Some(key_at(read_at));
            }
            let bytes = match buffer(body, MAX_BUFFERED).await {
                Ok(Buffered::Whole(bytes)) => bytes,
                // Too large to keep: sent on as it comes, without an ETag or a cache entry.
                Ok(Buffered::TooLarge(body)) => {
                    parts
                        .headers
                        .entry(header::CACHE_CONTROL)
                        .or_insert(HeaderValue::from_static(DEFAULT_CACHE_CONTROL));
                    return Response::from_parts(parts, body);
                }
                Err(e) => {
                    tracing::error!(error = %e, "cannot read a response to buffer it");
                    return with_error_cache_control(
                        StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                    );
                }
            };
            let etag = etag_of(&bytes, parts.headers.get(header::CONTENT_ENCODING));
            if let Ok(value) = HeaderValue::from_str(&etag) {
                parts.headers.insert(header::ETAG, value);
            }
            if !parts.headers.contains_key(header::CACHE_CONTROL) {
                parts.headers.insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(DEFAULT_CACHE_CONTROL),
                );
            }
            if let Some(value) = modified
                .and_then(http_date)
                .and_then(|d| HeaderValue::from_str(&d).ok())
            {
                parts.headers.insert(header::LAST_MODIFIED, value);
            }
            if let Some(key) = key.clone() {
                state.pages.insert(
                    key,
                    Entry {
                        headers: parts.headers.clone(),
                        extensions: parts.extensions.clone(),
                        body: bytes.clone(),
                    },
                );
            }
            // Kept: the requests waiting for this build find it now.
            drop(flight);
            (parts.headers, parts.extensions, bytes)
        }
    };
    let etag = headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if is_fresh(&preconditions, etag, modified) {
        let mut response = not_modified(&headers);
        *response.extensions_mut() = extensions;
        return response;
    }
    let mut response = Response::new(Body::from(bytes));
    *response.headers_mut() = headers;
    *response.extensions_mut() = extensions;
    if let Some(key) = key.filter(|k| state.pages.keeps_pages() && !state.pages.is_ready(k)) {
        response.extensions_mut().insert(Kept { key, modified });
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_match_lists_weak_forms_and_stars() {
        assert!(matches_etag("\"abc\"", "\"abc\""));
        assert!(matches_etag("\"x\", W/\"abc\"", "\"abc\""));
        assert!(matches_etag("*", "\"abc\""));
        assert!(!matches_etag("\"abd\"", "\"abc\""));
    }

    #[test]
    fn http_dates_round_trip() {
        let t = time::macros::datetime!(2026-11-28 13:05:19.5 UTC);
        let text = http_date(t).unwrap();
        assert_eq!(text, "Sat, 28 Nov 2026 13:05:19 GMT");
        assert_eq!(
            parse_http_date(&text),
            Some(time::macros::datetime!(2026-11-28 13:05:19 UTC))
        );
    }
}
