//! Page structs shared by every page family, and the HTML error page every error renders as.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::error::Error;

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: String,
    pub section: &'static str,
    pub status: u16,
    pub heading: String,
    pub message: String,
    pub param: Option<String>,
}

impl ErrorPage {
    pub fn new(status: StatusCode, heading: &str, message: &str, param: Option<String>) -> Self {
        Self {
            title: heading.to_owned(),
            section: "",
            status: status.as_u16(),
            heading: heading.to_owned(),
            message: message.to_owned(),
            param,
        }
    }
}

/// An error as the page a reader sees, with its status.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        if self.message().is_none() {
            // The detail goes to the log; the reader gets a generic message.
            tracing::error!(error = %self, "request failed");
        }
        let param = self.param().map(str::to_owned);
        let heading = self.heading();
        let message = self.message().unwrap_or_else(|| {
            "The server could not answer this request. Please try again in a moment.".into()
        });
        let page = ErrorPage::new(status, heading, &message, param);
        let response = match askama::Template::render(&page) {
            Ok(body) => (status, Html(body)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "error page failed to render");
                (status, status.canonical_reason().unwrap_or("Error")).into_response()
            }
        };
        self.with_headers(response)
    }
}
