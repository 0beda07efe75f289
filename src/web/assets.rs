//! Static assets, bundled into the binary at build time.

use std::path::Component;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::Error;
use crate::state::AppState;

/// `(path under static/, content-hashed path, contents)` of every file under `static/`.
const BUNDLED: &[(&str, &str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/bundled_static.rs"));

/// A content-hashed name changes whenever the file does, so it is cached for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The plain name may change under the same URL.
const REVALIDATE: &str = "public, max-age=300";

/// The URL to link a static file by: its content-hashed name, e.g.
/// `url("css/site.css")` is `/static/css/site.1a2b3c4d.css`.
pub fn url(path: &str) -> String {
    match BUNDLED.iter().find(|(name, _, _)| *name == path) {
        Some((_, hashed, _)) => format!("/static/{hashed}"),
        None => format!("/static/{path}"),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Serves `/static/{path}` by its plain or content-hashed name. Only the exact names of bundled
/// files match, so no path can reach outside the bundle; with a static directory configured,
/// the file's current contents are read from there instead (plain relative paths only).
pub async fn serve(
    State(state): State<AppState>,
    Path(path): Path<String>,
) -> Result<Response, Error> {
    let (name, hashed, bundled) = BUNDLED
        .iter()
        .find(|(name, hashed, _)| *name == path || *hashed == path)
        .ok_or(Error::NotFound)?;
    let body: Vec<u8> = match &state.static_dir {
        None => bundled.to_vec(),
        Some(dir) => {
            let relative = std::path::Path::new(name);
            if !relative
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
            {
                return Err(Error::NotFound);
            }
            tokio::fs::read(dir.join(relative))
                .await
                .map_err(|_| Error::NotFound)?
        }
    };
    let cache = if *hashed == path && state.static_dir.is_none() {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type(name)),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response())
}
