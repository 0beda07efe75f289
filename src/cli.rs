//! The command line: `serve` (the default), `import`, `check` and `generate`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};

use crate::dataset::{self, Existing};
use crate::http::limits::Limits;
use crate::server::{ConnectionLimits, MIN_HEADER_BYTES};
use crate::telemetry::LogFormat;
use crate::{AppState, app_with_limits, prepare_database};

#[derive(Debug, Parser)]
#[command(
    name = "tradewatch",
    version,
    about = "A dashboard of the events of US–China trade relations."
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dashboard (the default).
    Serve(ServeArgs),
    /// Validate dataset files and load them into the database in one transaction.
    Import(ImportArgs),
    /// Validate dataset files without writing anything, and list the curators' warnings.
    Check(CheckArgs),
    /// Date the records of a dataset directory whose content changed, in its changed.toml.
    Stamp(StampArgs),
    /// Write a synthetic archive for benchmarks into a new, empty database.
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TRADEWATCH_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,
    /// SQLite database URL; the file is created and seeded when missing.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite:tradewatch.db")]
    pub database_url: String,
    /// Serve /static from this directory instead of the bundled copy (for styling work).
    #[arg(long, env = "TRADEWATCH_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,
    /// Public base URL for permalinks and citations [default: http://BIND]; an https URL also
    /// turns on HSTS.
    #[arg(long, env = "TRADEWATCH_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Connections open at once; more wait in the listen backlog.
    #[arg(long, env = "TRADEWATCH_MAX_CONNECTIONS", default_value_t = ConnectionLimits::default().max_connections)]
    pub max_connections: usize,
    /// Requests handled at once; more are answered 503 with Retry-After at once.
    #[arg(long, env = "TRADEWATCH_MAX_IN_FLIGHT", default_value_t = Limits::default().max_in_flight)]
    pub max_in_flight: usize,
    /// Seconds a request may take before it is abandoned with a 503.
    #[arg(long, env = "TRADEWATCH_REQUEST_TIMEOUT", value_name = "SECONDS",
        default_value_t = Seconds(Limits::default().request_timeout))]
    pub request_timeout: Seconds,
    /// Seconds a client has to send a request's line and headers (slow clients, idle keep-alive
    /// connections); then the connection is closed.
    #[arg(long, env = "TRADEWATCH_HEADER_READ_TIMEOUT", value_name = "SECONDS",
        default_value_t = Seconds(ConnectionLimits::default().header_read_timeout))]
    pub header_read_timeout: Seconds,
    /// Largest request line and headers in bytes (at least 8192); larger gets 431.
    #[arg(long, env = "TRADEWATCH_MAX_HEADER_BYTES",
        default_value_t = ConnectionLimits::default().max_header_bytes as u64,
        value_parser = clap::value_parser!(u64).range(MIN_HEADER_BYTES as u64..))]
    pub max_header_bytes: u64,
    /// Longest path and query in bytes; longer gets 414.
    #[arg(long, env = "TRADEWATCH_MAX_URI_BYTES", default_value_t = Limits::default().max_uri_bytes)]
    pub max_uri_bytes: usize,
    /// Largest request body in bytes (no route reads one); larger gets 413.
    #[arg(long, env = "TRADEWATCH_MAX_BODY_BYTES", default_value_t = Limits::default().max_body_bytes)]
    pub max_body_bytes: u64,
    /// Seconds requests in flight have to finish after Ctrl-C or SIGTERM.
    #[arg(long, env = "TRADEWATCH_SHUTDOWN_GRACE", value_name = "SECONDS",
        default_value_t = Seconds(ConnectionLimits::default().shutdown_grace))]
    pub shutdown_grace: Seconds,
    /// Memory in MiB for rendered pages kept until the data changes; 0 renders every request
    /// (for measuring first views).
    #[arg(long, env = "TRADEWATCH_PAGE_CACHE_MIB", default_value_t = crate::http::page_cache::DEFAULT_MAX_BYTES / (1024 * 1024))]
    pub page_cache_mib: usize,
    /// Also serve /metrics (Prometheus text format) on this address, and only there; it is
    /// never served on the public address.
    #[arg(long, env = "TRADEWATCH_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,
    /// How log lines are written to stderr: text, or JSON lines for a log pipeline.
    #[arg(long, env = "TRADEWATCH_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

impl ServeArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            max_in_flight: self.max_in_flight.max(1),
            request_timeout: self.request_timeout.0,
            max_uri_bytes: self.max_uri_bytes,
            max_body_bytes: self.max_body_bytes,
        }
    }

    pub fn connection_limits(&self) -> ConnectionLimits {
        ConnectionLimits {
            max_connections: self.max_connections.max(1),
            header_read_timeout: self.header_read_timeout.0,
            max_header_bytes: usize::try_from(self.max_header_bytes).unwrap_or(usize::MAX),
            shutdown_grace: self.shutdown_grace.0,
        }
    }
}

/// A duration given in seconds on the command line, fractions allowed (`0.5`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seconds(pub Duration);

impl std::str::FromStr for Seconds {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let seconds: f64 = s
            .parse()
            .map_err(|_| format!("expected a number of seconds, got \"{s}\""))?;
        Duration::try_from_secs_f64(seconds)
            .ok()
            .filter(|d| !d.is_zero())
            .map(Self)
            .ok_or_else(|| format!("expected a positive number of seconds, got \"{s}\""))
    }
}

impl std::fmt::Display for Seconds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.as_secs_f64())
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Dataset files, or directories searched for *.toml.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// SQLite database URL.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite:tradewatch.db")]
    pub database_url: String,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Dataset files, or directories searched for *.toml.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Also resolve references against the records of this database (read only).
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Fail (exit status 1) when there are warnings, as errors do: for CI.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Args)]
pub struct StampArgs {
    /// The dataset directory (its changed.toml is written).
    pub dir: PathBuf,
    /// The time to give new and changed records, RFC 3339 in UTC [default: now].
    #[arg(long, value_parser = parse_utc)]
    pub at: Option<time::OffsetDateTime>,
}

fn parse_utc(text: &str) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .filter(|t| t.offset().is_utc())
        .ok_or_else(|| format!("expected a UTC time such as 2026-11-30T09:45:00Z, got \"{text}\""))
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many events to generate.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=crate::dataset::synthetic::MAX_EVENTS))]
    pub events: u64,
    /// The seed: the same seed and size always give the same archive.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// SQLite database URL of a new or empty database (never the curated one).
    #[arg(long)]
    pub database_url: String,
}

impl Cli {
    /// How the command's log lines are written: as `serve` is told; text for the others.
    pub fn log_format(&self) -> LogFormat {
        match &self.command {
            None => self.serve.log_format,
            Some(Command::Serve(args)) => args.log_format,
            Some(_) => LogFormat::Text,
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::Import(args)) => import(args).await,
        Some(Command::Check(args)) => check(args).await,
        Some(Command::Stamp(args)) => stamp(args),
        Some(Command::Generate(args)) => generate(args).await,
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let pool = prepare_database(&args.database_url).await?;
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let local = listener.local_addr()?;
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"));
    let limits = args.limits();
    let connection_limits = args.connection_limits();
    tracing::info!(?limits, ?connection_limits, "limits");
    tracing::info!("tradewatch is serving at http://{local}");
    let state = AppState::new(pool.clone())
        .with_static_dir(args.static_dir)
        .with_public_url(&public_url)
        .with_page_cache_bytes(args.page_cache_mib.saturating_mul(1024 * 1024));
    // The event index of the latest revision, loaded before serving (built and stored first if
    // the database holds none for it: one written before indexes were stored).
    let index = state.index.prepare(&pool).await?;
    index.warm();
    // The agreements are judged once per revision; do it now rather than in a first request.
    let (agreements, warm) = (state.agreements.clone(), pool.clone());
    tokio::spawn(async move {
        if let Err(error) = agreements.warm(&warm, crate::domain::date::today()).await {
            tracing::warn!(%error, "cannot judge the agreements ahead of the first request");
        }
    });
    // One shutdown for both addresses: Ctrl-C or SIGTERM stops the operators' too.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let wait_for = |mut stopped: tokio::sync::watch::Receiver<bool>| async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    let metrics = match args.metrics_bind {
        Some(bind) => {
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("cannot listen for metrics on {bind}"))?;
            tracing::info!("metrics at http://{}/metrics", listener.local_addr()?);
            let app = crate::web::metrics_router(state.clone());
            let (limits, stopped) = (connection_limits.clone(), stopped.clone());
            Some(tokio::spawn(async move {
                crate::server::serve(listener, app, &limits, wait_for(stopped)).await;
            }))
        }
        None => None,
    };
    let app = app_with_limits(state, &limits);
    let shutdown = async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    };
    crate::server::serve(listener, app, &connection_limits, shutdown).await;
    if let Some(metrics) = metrics {
        let _ = metrics.await;
    }
    pool.close().await;
    tracing::info!("tradewatch stopped");
    Ok(())
}

/// Opens (creating if missing) and migrates the database at `url`.
async fn open_and_migrate(url: &str) -> anyhow::Result<sqlx::SqlitePool> {
    let pool = crate::db::connect(url)
        .await
        .with_context(|| format!("cannot open the database {url}"))?;
    crate::migrate(&pool, url).await?;
    Ok(pool)
}

async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let files = dataset::read_paths(&args.paths)?;
    let url = &args.database_url;
    if crate::db::is_read_only(url) {
        anyhow::bail!(
            "the database {url} is read-only: an import writes to it, so make it writable (check its permissions and mount) and import again"
        );
    }
    let pool = open_and_migrate(url).await?;
    let existing = dataset::existing_records(&pool).await?;
    let data = dataset::parse_and_validate(&files, &existing)?;
    let progress = crate::progress::Progress::on_stderr();
    let s = dataset::import_with_progress(&pool, &data, &files, &progress)
        .await
        .with_context(|| format!("the import failed and the database {url} is unchanged"))?;
    progress.finish();
    pool.close().await;
    println!(
        "imported {} file(s) as revision {} ({} records added, {} updated): {} sources, {} people, {} organisations, {} topics, {} events, {} agreements, {} quotes",
        files.len(),
        s.revision,
        s.added,
        s.updated,
        s.sources,
        s.people,
        s.organizations,
        s.topics,
        s.events,
        s.agreements,
        s.quotes
    );
    Ok(())
}

async fn check(args: CheckArgs) -> anyhow::Result<()> {
    let files = dataset::read_paths(&args.paths)?;
    let existing = match &args.database_url {
        Some(url) => {
            let options = <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(url)?
                .read_only(true);
            let pool = sqlx::SqlitePool::connect_with(options)
                .await
                .with_context(|| format!("cannot open the database {url}"))?;
            let existing = dataset::existing_records(&pool).await?;
            pool.close().await;
            existing
        }
        None => Existing::default(),
    };
    let data = dataset::parse_and_validate(&files, &existing)?;
    println!(
        "{} file(s) are valid: {} sources, {} people, {} organisations, {} topics, {} events, {} agreements, {} quotes",
        files.len(),
        data.sources.len(),
        data.people.len(),
        data.organizations.len(),
        data.topics.len(),
        data.events.len(),
        data.agreements.len(),
        data.quotes.len()
    );
    // The curators' list: on stderr, beside errors, and no reason to fail unless asked.
    let warnings = dataset::warnings::warnings(&data, crate::domain::date::today());
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    let count = match warnings.len() {
        1 => "1 warning".to_owned(),
        n => format!("{n} warnings"),
    };
    eprintln!("{count}");
    if args.deny_warnings && !warnings.is_empty() {
        anyhow::bail!("{count}, and --deny-warnings makes them fail the check");
    }
    Ok(())
}

fn stamp(args: StampArgs) -> anyhow::Result<()> {
    if !args.dir.is_dir() {
        anyhow::bail!(
            "{}: not a directory: stamp a dataset's directory",
            args.dir.display()
        );
    }
    let files = dataset::read_paths(std::slice::from_ref(&args.dir))?;
    let at = args.at.unwrap_or_else(time::OffsetDateTime::now_utc);
    let stamped = dataset::stamp(&files, at)?;
    let path = args.dir.join(dataset::stamps::STAMPS_FILE);
    std::fs::write(&path, &stamped.text)
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "{}: {} record(s) unchanged, {} dated {}, {} stamp(s) of removed records dropped",
        path.display(),
        stamped.kept,
        stamped.dated,
        dataset::stamps::utc_text(at),
        stamped.dropped
    );
    Ok(())
}

async fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    let pool = open_and_migrate(&args.database_url).await?;
    let progress = crate::progress::Progress::on_stderr();
    let report =
        dataset::synthetic::generate_with_progress(&pool, args.events, args.seed, &progress)
            .await
            .with_context(|| format!("cannot generate into {}", args.database_url))?;
    progress.finish();
    pool.close().await;
    println!(
        "generated {} events ({} people, {} organisations, {} topics, {} sources, {} quotes, {} agreements) with seed {} in {:.1} s; digest {}",
        report.events,
        report.people,
        report.organizations,
        report.topics,
        report.sources,
        report.quotes,
        report.agreements,
        args.seed,
        report.load_time.as_secs_f64(),
        report.digest
    );
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, letting in-flight requests finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
