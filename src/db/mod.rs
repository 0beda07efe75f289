//! The database: connecting, migrating, and one module of queries per aggregate. Row structs
//! here mirror the tables; the web layer turns them into what it renders.

pub mod agreements;
pub mod annotations;
pub mod charts;
pub mod conditions;
pub mod events;
pub mod index;
pub mod organizations;
pub mod people;
pub mod readouts;
pub mod revisions;
pub mod search;
pub mod series;
pub mod slugs;
pub mod sources;
pub mod topics;

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// Connections to the database. Each runs on its own thread; queries are CPU work on a small
/// machine, and at most twice the cores' pages are built at once (`AppState::builds`).
const POOL_SIZE: u32 = 4;

/// Bytes SQLite's caches may take in all before it reuses its own pages rather than grow: 4 MiB.
/// A page it drops is read again from the operating system's cache, which costs microseconds;
/// at 1M events, 8 MiB measured 7–15 MB more peak memory under load and no faster first views
/// (`bench/notes.md`).
const SOFT_HEAP_LIMIT: &str = "4194304";

/// Opens (creating if missing) the database at `url` with WAL, foreign keys and a busy timeout.
pub async fn connect(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        // SQLite recycles its page caches rather than grow past this, over all connections.
        .pragma("soft_heap_limit", SOFT_HEAP_LIMIT);
    SqlitePoolOptions::new()
        .max_connections(POOL_SIZE)
        .connect_with(options)
        .await
}

/// Applies the migrations that have not run yet.
pub async fn migrate(pool: &SqlitePool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// What an operator can do about a migration error, beyond its own words.
pub fn migration_advice(error: &sqlx::migrate::MigrateError) -> Option<&'static str> {
    use sqlx::migrate::MigrateError;
    match error {
        MigrateError::VersionMissing(_) => Some(
            "the database was migrated by a newer tradewatch: run that version, or import the dataset into a new database",
        ),
        MigrateError::VersionMismatch(_) => Some(
            "the database was migrated by a different build of tradewatch: run that build, or import the dataset into a new database",
        ),
        MigrateError::Dirty(_) => Some(
            "a migration failed part-way: restore the database from a backup, or import the dataset into a new database",
        ),
        _ => None,
    }
}

/// Whether the database file exists but cannot be written by this process (its permissions,
/// an immutable attribute, a read-only mount). An in-memory or missing database is writable.
pub fn is_read_only(url: &str) -> bool {
    let Ok(options) = SqliteConnectOptions::from_str(url) else {
        return false;
    };
    let path = options.get_filename();
    path.exists()
        && std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .is_err_and(|e| {
                matches!(
                    e.kind(),
                    std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
                )
            })
}

/// Opens a database file this process cannot write. It is opened immutable: SQLite could not
/// create the shared-memory file WAL readers need beside a file it may not write, and nothing
/// else can change a file no one may write.
pub async fn connect_read_only(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .read_only(true)
        .immutable(true)
        .pragma("soft_heap_limit", SOFT_HEAP_LIMIT);
    SqlitePoolOptions::new()
        .max_connections(POOL_SIZE)
        .connect_with(options)
        .await
}

/// The migrations this build has that the database lacks or holds differently, for a database
/// that cannot be migrated; empty when it is up to date.
pub async fn unapplied_migrations(pool: &SqlitePool) -> Result<Vec<i64>, sqlx::Error> {
    let applied: Vec<(i64, Vec<u8>, bool)> =
        sqlx::query_as("SELECT version, checksum, success FROM _sqlx_migrations")
            .fetch_all(pool)
            .await?;
    Ok(MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .filter(|m| {
            !applied.iter().any(|(version, checksum, success)| {
                *version == m.version && *success && checksum.as_slice() == &*m.checksum
            })
        })
        .map(|m| m.version)
        .collect())
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
