//! The meetings both governments gave accounts of: the readouts list behind `/readouts`, its
//! JSON and its CSV. Filtered by the event index, in one snapshot (`db::index::Snapshot`).

use sqlx::SqlitePool;

use crate::catalog::{Answer, revision};
use crate::db::events::{self, Cursor, Side};
use crate::db::index::SharedIndex;
use crate::db::people::{self, OfficialListRow};
use crate::db::readouts::{self, PageOfReadouts, Readout};
use crate::db::topics::{self, TopicListRow};
use crate::domain::filter::ReadoutFilter;
use crate::error::Result;

/// The events with accounts from both sides matching `filter`, newest first. Its officials and
/// topics are resolved by the timeline's rules: one that names no record is a `400` naming it.
pub async fn both_sides(
    pool: &SqlitePool,
    index: &SharedIndex,
    filter: &ReadoutFilter,
) -> Result<Answer<Vec<Readout>>> {
    let (mut snapshot, read_at) = revision::snapshot(pool, index).await?;
    let resolved = events::resolve_conditions(&mut snapshot.tx, &filter.as_timeline()).await?;
    Ok(Answer {
        revision: read_at,
        value: readouts::both_sides(&mut snapshot.tx, &snapshot.index, &resolved).await?,
    })
}

/// A page of the list, and (when asked for) the choices its filter offers.
pub struct ReadoutList {
    pub page: PageOfReadouts,
    /// Every official and every topic, which the page's selects offer; empty unless asked.
    pub officials: Vec<OfficialListRow>,
    pub topics: Vec<TopicListRow>,
}

/// One page of them: at most `limit` after (or before) a place in the list, and with
/// `choices` every official and topic the filter may name, all read in one snapshot.
pub async fn page(
    pool: &SqlitePool,
    index: &SharedIndex,
    filter: &ReadoutFilter,
    (at, limit): (Option<(&Cursor, Side)>, i64),
    choices: bool,
) -> Result<Answer<ReadoutList>> {
    let (mut snapshot, read_at) = revision::snapshot(pool, index).await?;
    let resolved = events::resolve_conditions(&mut snapshot.tx, &filter.as_timeline()).await?;
    let page =
        readouts::both_sides_page(&mut snapshot.tx, &snapshot.index, &resolved, at, limit).await?;
    let (officials, topics) = if choices {
        (
            people::all(&mut snapshot.tx).await?,
            topics::all(&mut snapshot.tx).await?,
        )
    } else {
        Default::default()
    };
    Ok(Answer {
        revision: read_at,
        value: ReadoutList {
            page,
            officials,
            topics,
        },
    })
}
