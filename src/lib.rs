//! tradewatch: a dashboard of the events of US–China trade relations, every fact traced to the
//! paragraph of the source it comes from.

pub mod api;
pub mod catalog;
pub mod cli;
pub mod dataset;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod metrics;
pub mod progress;
pub mod server;
pub mod state;
pub mod telemetry;
pub mod web;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use sqlx::SqlitePool;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use state::AppState;

/// The whole application: pages, assets and middleware, with the default limits. Tests build
/// exactly this router.
pub fn app(state: AppState) -> Router {
    app_with_limits(state, &http::limits::Limits::default())
}

/// The application with the given limits on requests. HSTS is sent when the public URL is
/// `https`: the site then says it is served over TLS, and browsers heed the header only there.
pub fn app_with_limits(state: AppState, limits: &http::limits::Limits) -> Router {
    let hsts = state.public_url.starts_with("https://");
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request| {
        let matched_path = request.extensions().get::<MatchedPath>().map(MatchedPath::as_str);
        tracing::info_span!("request", method = %request.method(), matched_path, uri = %request.uri())
    })
    .on_response(DefaultOnResponse::new().level(Level::INFO));
    let metrics = state.metrics.clone();
    let fast_path_state = state.clone();
    let router = web::router(api::openapi::description)
        .merge(api::router())
        .layer(axum::middleware::from_fn(metrics::remember_route))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::head::record_page_address,
        ))
        .with_state(state.clone())
        // Each body is compressed whole, so the same page compresses to the same bytes.
        .layer(axum::middleware::from_fn(http::caching::whole_body))
        .layer(CompressionLayer::new())
        // Outside compression: each encoding gets its own strong ETag.
        .layer(axum::middleware::from_fn_with_state(
            state,
            http::caching::conditional,
        ))
        .layer(axum::middleware::from_fn(http::tracking::strip_tracking));
    let in_flight = http::limits::in_flight_slots(limits);
    let router = http::limits::with_limits_sharing(router, limits, &in_flight)
        .layer(trace)
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::track,
        ));
    let router = http::security::with_security_headers(router, hsts);
    // Outside every layer (which a router applies per route, after routing): a repeat view
    // of a kept page is answered ready-made.
    Router::new().fallback_service(http::fast_path::FastPath::new(
        router,
        &fast_path_state,
        in_flight,
        hsts,
    ))
}

/// Opens the database, applies migrations and, when it holds no events yet, imports the dataset
/// bundled into the binary. A database file this process cannot write is served as it is, if
/// its migrations are up to date.
pub async fn prepare_database(url: &str) -> anyhow::Result<SqlitePool> {
    use anyhow::Context as _;
    if db::is_read_only(url) {
        return open_read_only(url).await;
    }
    let pool = db::connect(url)
        .await
        .with_context(|| format!("cannot open the database {url}"))?;
    migrate(&pool, url).await?;
    if db::is_empty(&pool).await? {
        let files = dataset::bundled_files();
        let existing = dataset::existing_records(&pool).await?;
        let data = dataset::parse_and_validate(&files, &existing)
            .context("the bundled dataset is invalid")?;
        let summary = dataset::import(&pool, &data, &files)
            .await
            .context("cannot import the bundled dataset")?;
        tracing::info!(
            events = summary.events,
            people = summary.people,
            revision = summary.revision,
            "seeded the database with the bundled dataset"
        );
    }
    Ok(pool)
}

/// Applies the migrations, explaining a database made by another version.
pub async fn migrate(pool: &SqlitePool, url: &str) -> anyhow::Result<()> {
    db::migrate(pool).await.map_err(|e| {
        let context = match db::migration_advice(&e) {
            Some(advice) => format!("cannot migrate the database {url} ({advice})"),
            None => format!("cannot migrate the database {url}"),
        };
        anyhow::Error::new(e).context(context)
    })
}

async fn open_read_only(url: &str) -> anyhow::Result<SqlitePool> {
    use anyhow::Context as _;
    let pool = db::connect_read_only(url)
        .await
        .with_context(|| format!("cannot open the read-only database {url}"))?;
    let unapplied = db::unapplied_migrations(&pool)
        .await
        .with_context(|| format!("cannot read the read-only database {url}"))?;
    if !unapplied.is_empty() {
        anyhow::bail!(
            "the database {url} is read-only and lacks migrations {unapplied:?} of this tradewatch: make it writable once so they can be applied"
        );
    }
    if db::is_empty(&pool).await? {
        anyhow::bail!(
            "the database {url} is read-only and empty: make it writable once so the dataset can be imported"
        );
    }
    tracing::warn!(
        "the database {url} is read-only: serving it as it is (imports need it writable; changes made to it meanwhile are seen after a restart)"
    );
    Ok(pool)
}
