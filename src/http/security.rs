//! Security headers on every response: a strict Content-Security-Policy (the site has no
//! scripts and no inline styles), no MIME sniffing, no framing, a conservative referrer policy,
//! no powerful browser features, and a separate browsing context group; and, for a site served
//! over TLS, HSTS.

use axum::Router;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use tower_http::set_header::SetResponseHeaderLayer;

/// `connect-src 'self'` lets tools that inspect a page from inside it (crawlers' audits reading
/// `/robots.txt`) fetch from the site; with no scripts allowed, nothing else can use it.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The headers, as `(name, value)`; a handler that sets one itself keeps its own.
pub const HEADERS: &[(&str, &str)] = &[
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    ),
    ("cross-origin-opener-policy", "same-origin"),
];

/// `Strict-Transport-Security`, for a site served over TLS: a year, this host only (other hosts
/// of the domain may not be on TLS).
pub const HSTS: &str = "max-age=31536000";

/// Adds to `headers` each header of `HEADERS` they lack, and HSTS when `hsts`: what
/// `with_security_headers` does to a response, for one answered before its layers.
pub fn add_missing(headers: &mut HeaderMap, hsts: bool) {
    if hsts {
        headers
            .entry(axum::http::header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(HSTS));
    }
    for (name, value) in HEADERS {
        headers
            .entry(HeaderName::from_static(name))
            .or_insert(HeaderValue::from_static(value));
    }
}

/// Adds every header of `HEADERS` to the router's responses, and HSTS when `hsts`.
pub fn with_security_headers(mut router: Router, hsts: bool) -> Router {
    if hsts {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        ));
    }
    for (name, value) in HEADERS {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    router
}
