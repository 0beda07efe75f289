//! Data revisions: one per successful import, with what it changed; and `Watch`, how a
//! server learns of a new revision without asking the database on every request.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, Weak};
use std::time::Duration;

use sqlx::{Connection as _, SqliteConnection, SqliteExecutor, SqlitePool};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RevisionRow {
    pub id: i64,
    /// When the revision's latest change was made, as the data dates it: RFC 3339, UTC.
    pub changed_at: String,
    pub files: String,
    pub added: i64,
    pub updated: i64,
}

impl RevisionRow {
    /// The `YYYY-MM-DD` day of the revision's latest change.
    pub fn day(&self) -> &str {
        self.changed_at.get(..10).unwrap_or(&self.changed_at)
    }
}

const COLUMNS: &str = "SELECT r.id, coalesce(r.changed_at, r.imported_at) AS changed_at, r.files,
        (SELECT COUNT(*) FROM revision_changes WHERE revision_id = r.id AND change = 'added') AS added,
        (SELECT COUNT(*) FROM revision_changes WHERE revision_id = r.id AND change = 'updated') AS updated
   FROM revisions r";

/// The latest revision of the data, as `conn` (a pool, or a page's read transaction) reads it.
#[tracing::instrument(skip(conn))]
pub async fn latest<'c>(conn: impl SqliteExecutor<'c>) -> Result<Option<RevisionRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{COLUMNS} ORDER BY r.id DESC LIMIT 1"
    )))
    .fetch_optional(conn)
    .await
}

/// The latest revision's id, or 0 before any import: what data a judged page was built from.
#[tracing::instrument(skip(pool))]
pub async fn current_id(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT coalesce(MAX(id), 0) FROM revisions")
        .fetch_one(pool)
        .await
}

/// The revision that last added or changed a record.
#[tracing::instrument(skip(conn))]
pub async fn last_change<'c>(
    conn: impl SqliteExecutor<'c>,
    record_type: &str,
    slug: &str,
) -> Result<Option<RevisionRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{COLUMNS} WHERE r.id = (SELECT MAX(revision_id) FROM revision_changes WHERE record_type = ?1 AND slug = ?2)"
    )))
    .bind(record_type)
    .bind(slug)
    .fetch_optional(conn)
    .await
}

/// Every revision, newest first.
#[tracing::instrument(skip(conn))]
pub async fn all(conn: &mut SqliteConnection) -> Result<Vec<RevisionRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{COLUMNS} ORDER BY r.id DESC")))
        .fetch_all(&mut *conn)
        .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChangeRow {
    pub revision_id: i64,
    pub record_type: String,
    pub slug: String,
    pub change: String,
    /// The record's current title or name, where it still exists.
    pub name: Option<String>,
}

/// Every recorded change, newest revision first, by kind of record and name.
#[tracing::instrument(skip(conn))]
pub async fn changes(conn: &mut SqliteConnection) -> Result<Vec<ChangeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.revision_id, c.record_type, c.slug, c.change,
                CASE c.record_type
                  WHEN 'event' THEN (SELECT title FROM events WHERE slug = c.slug)
                  WHEN 'agreement' THEN (SELECT title FROM agreements WHERE slug = c.slug)
                  WHEN 'person' THEN (SELECT name FROM people WHERE slug = c.slug)
                  WHEN 'organization' THEN (SELECT name FROM organizations WHERE slug = c.slug)
                  WHEN 'topic' THEN (SELECT name FROM topics WHERE slug = c.slug)
                  WHEN 'source' THEN (SELECT title FROM sources WHERE slug = c.slug)
                  WHEN 'country' THEN (SELECT name FROM countries WHERE slug = c.slug)
                  WHEN 'quote' THEN (SELECT substr(text, 1, 80) FROM quotes WHERE slug = c.slug)
                END AS name
           FROM revision_changes c
          ORDER BY c.revision_id DESC, c.record_type, name, c.slug",
    )
    .fetch_all(&mut *conn)
    .await
}

/// When each event's content last changed, as the data dates it.
#[tracing::instrument(skip(conn))]
pub async fn event_updates(
    conn: &mut SqliteConnection,
) -> Result<std::collections::HashMap<String, String>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT slug, changed_at FROM record_digests
          WHERE record_type = 'event' AND changed_at IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().collect())
}

/// A revision as pages depend on it: its id, and when its latest change was made (the pages'
/// `Last-Modified`).
pub type Stamp = (i64, Option<OffsetDateTime>);

/// The latest revision's stamp, or `None` before any import.
#[tracing::instrument(skip(conn))]
pub async fn latest_stamp<'c>(conn: impl SqliteExecutor<'c>) -> Result<Option<Stamp>, sqlx::Error> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, coalesce(changed_at, imported_at) FROM revisions ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(id, at)| (id, OffsetDateTime::parse(&at, &Rfc3339).ok())))
}

/// For each database file this process opened, how many times its data may have changed:
/// every import this process commits to it, and every commit by another process that a
/// `Watch`'s poll notices. Kept per file, so that two databases served by one process (as the
/// tests do) never make each other's pages read again.
static CHANGES: LazyLock<Mutex<HashMap<PathBuf, Arc<AtomicU64>>>> = LazyLock::new(Default::default);

/// The change count of the database `pool` opens.
fn changes_of(pool: &SqlitePool) -> Arc<AtomicU64> {
    let file = pool.connect_options().get_filename().to_path_buf();
    let mut all = CHANGES.lock().unwrap_or_else(|e| e.into_inner());
    Arc::clone(all.entry(file).or_default())
}

/// Says that the data of the database `pool` opens may have changed: every `Watch` on it reads
/// the latest revision again.
pub fn data_changed(pool: &SqlitePool) {
    changes_of(pool).fetch_add(1, Ordering::AcqRel);
}

/// How often a `Watch` asks SQLite whether another process committed.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// The latest revision as last read, so that a page kept in memory is served without a
/// database round trip. It is read again only after the data may have changed: at once after
/// an import by this process (`data_changed`), and within `POLL_INTERVAL` of one by another
/// process (`tradewatch import` against a running server's file), which a background task
/// notices through SQLite's own change counter (`PRAGMA data_version`) on a connection of its
/// own. It starts watching before the first read, and ends when the watch is dropped.
#[derive(Debug, Default)]
pub struct Watch {
    /// The change count the stamp was read at, and the stamp.
    seen: Mutex<Option<(u64, Option<Stamp>)>>,
    /// The change count of the database watched, set by the first `latest` once the poll is
    /// watching.
    changes: tokio::sync::OnceCell<Arc<AtomicU64>>,
}

impl Watch {
    /// The latest revision: as last read, unless the data may have changed since.
    pub async fn latest(self: &Arc<Self>, pool: &SqlitePool) -> Result<Option<Stamp>, sqlx::Error> {
        self.changes
            .get_or_init(|| async {
                let changes = changes_of(pool);
                self.start_polling(pool, &changes).await;
                changes
            })
            .await;
        match self.known() {
            Some(stamp) => Ok(stamp),
            None => self.read(pool).await,
        }
    }

    /// The latest revision as last read, when the data cannot have changed since; `None` when
    /// it must be read again (or never was). Asks nothing of the database.
    pub fn known(&self) -> Option<Option<Stamp>> {
        let changes = self.changes.get()?.load(Ordering::Acquire);
        let seen = *self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.filter(|(at, _)| *at == changes)
            .map(|(_, stamp)| stamp)
    }

    /// The latest revision, read from the database now (and kept for `latest`).
    pub async fn read(&self, pool: &SqlitePool) -> Result<Option<Stamp>, sqlx::Error> {
        // Loaded before reading: a change committed after this load bumps the count past it,
        // so the stamp read here is never kept as newer than it is.
        let changes = changes_of(pool).load(Ordering::Acquire);
        let stamp = latest_stamp(pool).await?;
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.is_none_or(|(at, _)| at <= changes) {
            *seen = Some((changes, stamp));
        }
        Ok(stamp)
    }

    /// Starts the background poll, having first read SQLite's change counter: a commit made
    /// before then is seen by the first read of the revision, which follows; one made after is
    /// counted. (Read only inside the task, a commit landing before its first look would
    /// never be noticed.)
    async fn start_polling(self: &Arc<Self>, pool: &SqlitePool, changes: &Arc<AtomicU64>) {
        let watching = async {
            let mut connection =
                sqlx::SqliteConnection::connect_with(&pool.connect_options()).await?;
            let version = data_version(&mut connection).await?;
            Ok::<_, sqlx::Error>((connection, version))
        };
        let (connection, version) = match watching.await {
            Ok(watching) => watching,
            Err(error) => return cannot_watch(&error),
        };
        let watch = Arc::downgrade(self);
        let changes = Arc::clone(changes);
        tokio::spawn(async move {
            if let Err(error) = poll(connection, version, &watch, &changes).await {
                cannot_watch(&error);
            }
        });
    }
}

fn cannot_watch(error: &sqlx::Error) {
    tracing::warn!(%error, "cannot watch the database for imports by other processes; they show after a restart");
}

async fn data_version(connection: &mut sqlx::SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("PRAGMA data_version")
        .fetch_one(connection)
        .await
}

/// Polls `PRAGMA data_version` on `connection`, last read as `version`, until `watch` is
/// dropped. The count changes on this connection whenever any other connection, in any
/// process, commits.
async fn poll(
    mut connection: sqlx::SqliteConnection,
    mut version: i64,
    watch: &Weak<Watch>,
    changes: &AtomicU64,
) -> Result<(), sqlx::Error> {
    let mut ticks = tokio::time::interval(POLL_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if watch.strong_count() == 0 {
            return connection.close().await;
        }
        let now = data_version(&mut connection).await?;
        if now != version {
            version = now;
            changes.fetch_add(1, Ordering::AcqRel);
        }
    }
}
