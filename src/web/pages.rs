//! Page structs shared by every page family.

use askama::Template;
use axum::http::StatusCode;

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
