//! The page's absolute address, for the canonical link and Open Graph tags in `base.html`.
//!
//! A middleware records it for each request in a task-local, so that every template extending
//! `base.html` can name its own address without each page struct carrying the public URL and
//! the path. Rendering happens inside the request's task (handlers and the error page alike);
//! outside one, as in a unit test that renders a page struct directly, the address is empty.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

struct PageAddress {
    public_url: Arc<str>,
    path: String,
}

tokio::task_local! {
    static PAGE_ADDRESS: PageAddress;
}

/// Middleware: remembers the public base URL and the requested path while the request is served.
pub async fn record_page_address(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let address = PageAddress {
        public_url: state.public_url.clone(),
        path: request.uri().path().to_owned(),
    };
    PAGE_ADDRESS.scope(address, next.run(request)).await
}

/// The site's public base URL, without a trailing slash.
pub fn public_url() -> String {
    PAGE_ADDRESS
        .try_with(|a| a.public_url.to_string())
        .unwrap_or_default()
}

/// The absolute address of the page being rendered, without its query string: record pages
/// ignore it, and the timeline names its filters itself.
pub fn page_url() -> String {
    PAGE_ADDRESS
        .try_with(|a| format!("{}{}", a.public_url, a.path))
        .unwrap_or_default()
}
