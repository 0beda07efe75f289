//! What every handler shares.

use std::path::PathBuf;
use std::sync::Arc;

use sqlx::SqlitePool;

#[derive(Clone)]
pub struct AppState {
    pub db: SqlitePool,
    /// Serve `/static` from this directory instead of the copy bundled into the binary, so
    /// stylesheet changes show without a rebuild.
    pub static_dir: Option<Arc<PathBuf>>,
}

impl AppState {
    pub fn new(db: SqlitePool) -> Self {
        Self {
            db,
            static_dir: None,
        }
    }

    pub fn with_static_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.static_dir = dir.map(Arc::new);
        self
    }
}
