//! Static assets, bundled into the binary at build time.

use std::path::Component;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::Error;
use crate::state::AppState;

/// `(path under the crate root, contents)` of every file under `static/`.
const BUNDLED: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/bundled_static.rs"));

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

/// Serves `/static/{path}` from the bundle (only exact names of bundled files match), or from
/// the configured directory (only plain relative paths below it).
pub async fn serve(
    State(state): State<AppState>,
    Path(path): Path<String>,
) -> Result<Response, Error> {
    let body: Vec<u8> = match &state.static_dir {
        None => {
            let wanted = format!("static/{path}");
            let (_, body) = BUNDLED
                .iter()
                .find(|(name, _)| *name == wanted)
                .ok_or(Error::NotFound)?;
            body.to_vec()
        }
        Some(dir) => {
            let relative = std::path::Path::new(&path);
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
    Ok((
        [
            (header::CONTENT_TYPE, content_type(&path)),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response())
}
