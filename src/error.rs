//! The one error type of request handling: its status, and what a reader is told. The HTML
//! error page renders it (`web::pages`), and the API's JSON error (`api::ApiError`).

use axum::http::StatusCode;
use axum::response::Response;

use crate::domain::FilterError;

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
    /// The request carries a body, which no route reads.
    #[error("request body of {0} bytes is over the limit")]
    BodyTooLarge(u64),
    /// The address (path and query) is longer than any the site links to.
    #[error("address of {0} bytes is over the limit")]
    UriTooLong(usize),
    /// Shed or timed out: the reason is ours to say, not an error's text.
    #[error("unavailable: {0}")]
    Unavailable(&'static str),
}

impl From<crate::db::index::BuildError> for Error {
    fn from(error: crate::db::index::BuildError) -> Self {
        match error {
            crate::db::index::BuildError::Database(e) => Self::Database(e),
            other => Self::Internal(other.to_string()),
        }
    }
}

/// How long an overloaded server asks a client to wait before trying again, in seconds.
pub const RETRY_AFTER_SECONDS: &str = "1";

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::BodyTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UriTooLong(_) => StatusCode::URI_TOO_LONG,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Database(_) | Self::Render(_) | Self::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// What a reader is told, when it is not the generic message of a failure.
    pub fn message(&self) -> Option<String> {
        match self {
            Self::NotFound => Some(
                "There is no page at this address. It may have been mistyped, or the record it named is not in the dataset.".into(),
            ),
            Self::BadRequest(e) => Some(e.message.clone()),
            Self::BodyTooLarge(_) => Some(
                "This site is read-only: a request carries no body, and this one was too large.".into(),
            ),
            Self::UriTooLong(_) => Some(
                "This address is longer than any the site links to; shorten its query.".into(),
            ),
            Self::Unavailable(reason) => Some(format!("{reason} Please try again in a moment.")),
            Self::Database(_) | Self::Render(_) | Self::Internal(_) => None,
        }
    }

    /// The title of the page that reports it.
    pub fn heading(&self) -> &'static str {
        match self {
            Self::NotFound => "Page not found",
            Self::BadRequest(_) => "Bad request",
            Self::BodyTooLarge(_) => "Request too large",
            Self::UriTooLong(_) => "Address too long",
            Self::Unavailable(_) => "Busy",
            Self::Database(_) | Self::Render(_) | Self::Internal(_) => "Something went wrong",
        }
    }

    /// The parameter a bad request got wrong.
    pub fn param(&self) -> Option<&str> {
        match self {
            Self::BadRequest(e) => Some(&e.param),
            _ => None,
        }
    }

    /// The response with the headers this error calls for (`Retry-After` on 503).
    pub fn with_headers(&self, mut response: Response) -> Response {
        if let Self::Unavailable(_) = self {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
        }
        response
    }
}
