//! What every handler shares.

use std::path::PathBuf;
use std::sync::Arc;

use sqlx::SqlitePool;

/// Where a default `tradewatch` serves.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:3000";

/// Cloned for every handler and middleware that takes it, so it is one `Arc`: a clone is one
/// count, not one per part. Its parts are read through `Deref` (`state.db`).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

#[derive(Clone)]
pub struct Shared {
    pub db: SqlitePool,
    /// Serve `/static` from this directory instead of the copy bundled into the binary, so
    /// stylesheet changes show without a rebuild.
    pub static_dir: Option<Arc<PathBuf>>,
    /// The site's public base URL, for permalinks and citations.
    pub public_url: Arc<str>,
    /// Rendered pages, until the data changes.
    pub pages: Arc<crate::http::page_cache::PageCache>,
    /// The event index of the latest revision, loaded from the database: the timeline's engine.
    pub index: Arc<crate::db::index::SharedIndex>,
    /// Pages being built at once. Building is CPU work: more builds than about twice the cores
    /// only hold more memory each while they wait for a core, so the rest wait here, holding
    /// little.
    pub builds: Arc<tokio::sync::Semaphore>,
    /// Every agreement judged, until the data or the day changes.
    pub agreements: Arc<crate::catalog::agreement_index::AgreementIndex>,
    /// What `/metrics` reports.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// The latest revision of the data, as last read: what kept pages are looked up by.
    pub revision: Arc<crate::db::revisions::Watch>,
}

impl AppState {
    pub fn new(db: SqlitePool) -> Self {
        Self(Arc::new(Shared {
            db,
            static_dir: None,
            public_url: Arc::from(DEFAULT_PUBLIC_URL),
            pages: Arc::default(),
            index: Arc::default(),
            builds: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get() * 2),
            )),
            agreements: Arc::default(),
            metrics: Arc::default(),
            revision: Arc::default(),
        }))
    }

    /// The parts, to change while the state is being set up (shared parts are copied first).
    fn parts(&mut self) -> &mut Shared {
        Arc::make_mut(&mut self.0)
    }

    pub fn with_page_cache_bytes(mut self, bytes: usize) -> Self {
        self.parts().pages = Arc::new(crate::http::page_cache::PageCache::with_max_bytes(bytes));
        self
    }

    pub fn with_static_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.parts().static_dir = dir.map(Arc::new);
        self
    }

    pub fn with_public_url(mut self, url: &str) -> Self {
        self.parts().public_url = Arc::from(url.trim_end_matches('/'));
        self
    }
}
