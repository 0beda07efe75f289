//! The one error type of request handling, rendered as an HTML error page with its status.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::domain::FilterError;
use crate::web::pages::ErrorPage;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(#[from] FilterError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("template: {0}")]
    Render(#[from] askama::Error),
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Database(_) | Self::Render(_) | Self::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            // The detail goes to the log; the reader gets a generic message.
            tracing::error!(error = %self, "request failed");
        }
        let page = match &self {
            Self::NotFound => ErrorPage::new(
                status,
                "Page not found",
                "There is no page at this address. It may have been mistyped, or the record it named is not in the dataset.",
                None,
            ),
            Self::BadRequest(e) => {
                ErrorPage::new(status, "Bad request", &e.message, Some(e.param.clone()))
            }
            _ => ErrorPage::new(
                status,
                "Something went wrong",
                "The server could not answer this request. Please try again in a moment.",
                None,
            ),
        };
        match askama::Template::render(&page) {
            Ok(body) => (status, Html(body)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "error page failed to render");
                (status, status.canonical_reason().unwrap_or("Error")).into_response()
            }
        }
    }
}
