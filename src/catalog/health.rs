//! What the operators' endpoints (`/healthz`, `/metrics`) report of the data now: whether the
//! database answers, the latest revision, and the event index's state against it. Read fresh
//! on every call, never kept: they describe this replica at this moment.

use sqlx::SqlitePool;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::db::index::SharedIndex;
use crate::db::{self, revisions};

/// Whether the database answers.
pub async fn database(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    db::ping(pool).await
}

/// The event index's state (`SharedIndex::status`) against the latest revision.
pub async fn index_status(pool: &SqlitePool, index: &SharedIndex) -> &'static str {
    index.status(revisions::current_id(pool).await.ok())
}

/// The latest revision's id and when its latest change was made (Unix seconds; 0 when the
/// date cannot be read), or `None` before any import or when the database does not answer.
pub async fn latest_revision(pool: &SqlitePool) -> Option<(i64, i64)> {
    let row = revisions::latest(pool).await.ok().flatten()?;
    let changed =
        OffsetDateTime::parse(&row.changed_at, &Rfc3339).map_or(0, OffsetDateTime::unix_timestamp);
    Some((row.id, changed))
}
