//! The meetings both governments gave accounts of: the readouts list behind `/readouts`, its
//! JSON and its CSV. Filtered by the event index, in one snapshot (`db::index::Snapshot`).

use sqlx::SqlitePool;

use crate::db::events::{self, Cursor, Side};
use crate::db::index::SharedIndex;
use crate::db::readouts::{self, PageOfReadouts, Readout};
use crate::domain::filter::ReadoutFilter;
use crate::error::Result;

/// The events with accounts from both sides matching `filter`, newest first. Its officials and
/// topics are resolved by the timeline's rules: one that names no record is a `400` naming it.
pub async fn both_sides(
    pool: &SqlitePool,
    index: &SharedIndex,
    filter: &ReadoutFilter,
) -> Result<Vec<Readout>> {
    let mut snapshot = index.snapshot(pool).await?;
    let resolved = events::resolve_conditions(&mut snapshot.tx, &filter.as_timeline()).await?;
    Ok(readouts::both_sides(&mut snapshot.tx, &snapshot.index, &resolved).await?)
}

/// One page of them: at most `limit` after (or before) a place in the list.
pub async fn page(
    pool: &SqlitePool,
    index: &SharedIndex,
    filter: &ReadoutFilter,
    at: Option<(&Cursor, Side)>,
    limit: i64,
) -> Result<PageOfReadouts> {
    let mut snapshot = index.snapshot(pool).await?;
    let resolved = events::resolve_conditions(&mut snapshot.tx, &filter.as_timeline()).await?;
    Ok(readouts::both_sides_page(&mut snapshot.tx, &snapshot.index, &resolved, at, limit).await?)
}
