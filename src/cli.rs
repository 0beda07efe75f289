//! The command line: `serve` (the default), `import`, `check` and `generate`.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};

use crate::dataset::{self, Existing};
use crate::{AppState, app, prepare_database};

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
    /// Validate dataset files without writing anything.
    Check(CheckArgs),
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
    /// Public base URL for permalinks and citations [default: http://BIND]
    #[arg(long, env = "TRADEWATCH_PUBLIC_URL")]
    pub public_url: Option<String>,
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

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::Import(args)) => import(args).await,
        Some(Command::Check(args)) => check(args).await,
        Some(Command::Generate(args)) => generate(args).await,
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let pool = prepare_database(&args.database_url).await?;
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let local = listener.local_addr()?;
    let public_url = args.public_url.unwrap_or_else(|| format!("http://{local}"));
    tracing::info!("tradewatch is serving at http://{local}");
    axum::serve(
        listener,
        app(AppState::new(pool.clone())
            .with_static_dir(args.static_dir)
            .with_public_url(&public_url)),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    pool.close().await;
    tracing::info!("tradewatch stopped");
    Ok(())
}

/// Opens (creating if missing) and migrates the database at `url`.
async fn open_and_migrate(url: &str) -> anyhow::Result<sqlx::SqlitePool> {
    let pool = crate::db::connect(url)
        .await
        .with_context(|| format!("cannot open the database {url}"))?;
    crate::db::migrate(&pool)
        .await
        .with_context(|| format!("cannot migrate the database {url}"))?;
    Ok(pool)
}

async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let files = dataset::read_paths(&args.paths)?;
    let pool = open_and_migrate(&args.database_url).await?;
    let existing = dataset::existing_records(&pool).await?;
    let data = dataset::parse_and_validate(&files, &existing)?;
    let s = dataset::import(&pool, &data, &files).await?;
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
    Ok(())
}

async fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    let pool = open_and_migrate(&args.database_url).await?;
    let report = dataset::synthetic::generate(&pool, args.events, args.seed)
        .await
        .with_context(|| format!("cannot generate into {}", args.database_url))?;
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
    tracing::info!("shutting down: finishing requests in flight");
}
