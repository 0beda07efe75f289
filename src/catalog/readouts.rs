//! The meetings both governments gave accounts of: the readouts list behind `/readouts`, its
//! JSON and its CSV.

use sqlx::SqlitePool;

use crate::db::events::{self, Cursor, Side};
use crate::db::readouts::{self, PageOfReadouts, Readout};
use crate::domain::filter::ReadoutFilter;
use crate::error::Result;

/// The events with accounts from both sides matching `filter`, newest first. Its officials and
/// topics are resolved by the timeline's rules: one that names no record is a `400` naming it.
pub async fn both_sides(pool: &SqlitePool, filter: &ReadoutFilter) -> Result<Vec<Readout>> {
    let resolved = events::resolve_without_index(pool, &filter.as_timeline()).await?;
    Ok(readouts::both_sides(pool, &resolved).await?)
}

/// One page of them: at most `limit` after (or before) a place in the list.
pub async fn page(
    pool: &SqlitePool,
    filter: &ReadoutFilter,
    at: Option<(&Cursor, Side)>,
    limit: i64,
) -> Result<PageOfReadouts> {
    let resolved = events::resolve_without_index(pool, &filter.as_timeline()).await?;
    Ok(readouts::both_sides_page(pool, &resolved, at, limit).await?)
}
