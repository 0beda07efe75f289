//! Links shared on social media and in newsletters come back with tracking parameters appended
//! (`utm_source`, `fbclid`, …). They mean nothing to tradewatch, which answers any other
//! parameter it does not know with a `400`; these get a `301` to the same address without them,
//! so a shared link still opens its page and caches see one address for it.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Tracking parameters known by their whole name; any name starting `utm_` is one too.
const TRACKING: [&str; 8] = [
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "_ga",
];

/// How long a client or cache may keep the redirect: the parameters never mean anything here.
const REDIRECT_CACHE_CONTROL: &str = "public, max-age=86400";

fn is_tracking(name: &str) -> bool {
    name.starts_with("utm_") || TRACKING.contains(&name)
}

/// `query` without its tracking parameters, or `None` when it has none. Every other parameter
/// is kept as given, byte for byte and in its order; names are compared once decoded, so
/// `utm%5Fsource` is one too.
pub fn without_tracking(query: &str) -> Option<String> {
    let mut found = false;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let tracking = form_urlencoded::parse(pair.as_bytes())
                .next()
                .is_some_and(|(name, _)| is_tracking(&name));
            found |= tracking;
            !tracking
        })
        .collect();
    found.then(|| kept.join("&"))
}

/// Redirects a `GET` or `HEAD` carrying tracking parameters to its address without them.
pub async fn strip_tracking(request: Request, next: Next) -> Response {
    let stripped = matches!(*request.method(), Method::GET | Method::HEAD)
        .then(|| request.uri().query().and_then(without_tracking))
        .flatten();
    let Some(query) = stripped else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    let location = if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    };
    match HeaderValue::from_str(&location) {
        Ok(location) => (
            StatusCode::MOVED_PERMANENTLY,
            [
                (header::LOCATION, location),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(REDIRECT_CACHE_CONTROL),
                ),
            ],
        )
            .into_response(),
        // The address came in as a valid header; were it not, the route answers as usual.
        Err(_) => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::without_tracking;

    #[test]
    fn tracking_parameters_are_dropped_and_the_rest_kept_as_given() {
        assert_eq!(
            without_tracking("official=gina-raimondo&utm_source=x&topic=a%20b&fbclid=1"),
            Some("official=gina-raimondo&topic=a%20b".to_owned())
        );
        assert_eq!(without_tracking("utm_campaign=y"), Some(String::new()));
        assert_eq!(
            without_tracking("utm%5Fmedium=z&q=x"),
            Some("q=x".to_owned())
        );
        assert_eq!(
            without_tracking("_ga=2.1&gclid=3&msclkid=4"),
            Some(String::new())
        );
        assert_eq!(without_tracking("official=x&oficial=y"), None);
        assert_eq!(without_tracking("utm=1&ga=2&fbclidx=3"), None);
    }
}
