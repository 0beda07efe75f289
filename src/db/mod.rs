//! The database: connecting, migrating, and one module of queries per aggregate. Row structs
//! here mirror the tables; the web layer turns them into what it renders.

pub mod agreements;
pub mod annotations;
pub mod charts;
pub mod events;
pub mod organizations;
pub mod people;
pub mod revisions;
pub mod search;
pub mod sources;
pub mod topics;

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// Opens (creating if missing) the database at `url` with WAL, foreign keys and a busy timeout.
pub async fn connect(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
}

/// Applies the migrations that have not run yet.
pub async fn migrate(pool: &SqlitePool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// Whether the database holds no events yet (a fresh database is seeded on start).
pub async fn is_empty(pool: &SqlitePool) -> Result<bool, sqlx::Error> {
    let any: Option<i64> = sqlx::query_scalar("SELECT 1 FROM events LIMIT 1")
        .fetch_optional(pool)
        .await?;
    Ok(any.is_none())
}

/// Answers when the database does.
pub async fn ping(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(pool)
        .await
        .map(|_| ())
}

/// A link to a record: its slug and display name.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct Named {
    pub slug: String,
    pub name: String,
}

/// A record with how many events it has, for indexes and facets.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Counted {
    pub slug: String,
    pub name: String,
    pub count: i64,
}
