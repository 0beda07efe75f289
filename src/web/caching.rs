//! HTTP caching for every page and document: a strong `ETag` from the response's bytes (taken
//! after compression, so each encoding has its own), `If-None-Match` → 304, `Last-Modified`
//! from the data's latest revision with `If-Modified-Since`, and a `Cache-Control` default.

use std::hash::{DefaultHasher, Hasher};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;
use time::format_description::well_known::{Rfc2822, Rfc3339};

use crate::state::AppState;

/// Pages and data change only when an import runs; a minute of freshness keeps repeat views
/// instant while an import shows within a minute, and revalidation is a cheap 304.
pub const DEFAULT_CACHE_CONTROL: &str = "public, max-age=60";

/// Responses larger than this are passed through without an ETag rather than buffered.
const MAX_BUFFERED: usize = 8 * 1024 * 1024;

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

async fn last_revision(state: &AppState) -> Option<OffsetDateTime> {
    let imported: Option<String> =
        sqlx::query_scalar("SELECT imported_at FROM revisions ORDER BY id DESC LIMIT 1")
            .fetch_optional(&state.db)
            .await
            .ok()
            .flatten();
    imported.and_then(|t| OffsetDateTime::parse(&t, &Rfc3339).ok())
}

fn not_modified(headers: &HeaderMap) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    for name in [
        header::ETAG,
        header::LAST_MODIFIED,
        header::CACHE_CONTROL,
        header::VARY,
    ] {
        if let Some(value) = headers.get(&name) {
            response.headers_mut().insert(name, value.clone());
        }
    }
    response
}

pub async fn conditional(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let if_none_match = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let if_modified_since = request
        .headers()
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_http_date);
    let is_static = request.uri().path().starts_with("/static/");
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BUFFERED).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "cannot buffer a response for its ETag");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
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
    let modified = if is_static {
        None
    } else {
        last_revision(&state).await
    };
    if let Some(value) = modified
        .and_then(http_date)
        .and_then(|d| HeaderValue::from_str(&d).ok())
    {
        parts.headers.insert(header::LAST_MODIFIED, value);
    }
    let fresh = match (&if_none_match, if_modified_since, modified) {
        (Some(tags), _, _) => matches_etag(tags, &etag),
        (None, Some(since), Some(modified)) => {
            modified.replace_nanosecond(0).is_ok_and(|m| m <= since)
        }
        _ => false,
    };
    if fresh {
        return not_modified(&parts.headers);
    }
    Response::from_parts(parts, Body::from(bytes))
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
