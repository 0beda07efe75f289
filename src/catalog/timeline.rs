//! The timeline's question: a filter → its page of events, how many match, and (when asked)
//! how many each filter value would match. The timeline page (`web::timeline`) and the API's
//! `/api/v1/events` and `/api/v1/events/facets` render the same answer. It is read in one
//! snapshot: the filter's ids, the page's rows and the index that chose them are of one
//! revision.

use std::sync::Arc;

use sqlx::{SqliteConnection, SqlitePool};

use crate::db::Counted;
use crate::db::events::{self, Cursor, EventListRow, EventQuery, Facet, Side};
use crate::db::index::SharedIndex;
use crate::domain::TimelineFilter;
use crate::error::Result;

/// What to read besides the filter's resolution: a page of events, the facet counts, or both.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    /// At most this many events after (or before) a place; `None` reads no events.
    pub page: Option<(Option<(&'a Cursor, Side)>, usize)>,
    pub facets: bool,
}

/// A page of the timeline: its events in the filter's order, and whether more lie on either
/// side of it.
#[derive(Debug, Default)]
pub struct Page {
    pub rows: Vec<EventListRow>,
    pub more_before: bool,
    pub more_after: bool,
}

/// How many events each value of each facet matches together with the other filters.
#[derive(Debug, Default)]
pub struct Facets {
    pub officials: Vec<Counted>,
    pub topics: Vec<Counted>,
    pub kinds: Vec<Counted>,
    pub countries: Vec<Counted>,
}

/// The answer: the resolved filter (which the charts draw from, with its index), how many
/// events match, and what was asked for.
#[derive(Debug)]
pub struct Timeline {
    pub resolved: EventQuery,
    pub total: i64,
    pub page: Page,
    pub facets: Facets,
}

/// Answers `filter`. A slug that names no record is a `400` naming its parameter.
pub async fn timeline(
    pool: &SqlitePool,
    index: &Arc<SharedIndex>,
    filter: &TimelineFilter,
    ask: Ask<'_>,
) -> Result<Timeline> {
    let mut snapshot = index.snapshot(pool).await?;
    let resolved = events::resolve(&mut snapshot.tx, snapshot.index, filter).await?;
    let total = events::count_matching(&resolved);
    let page = match ask.page {
        Some((at, limit)) => page(&mut snapshot.tx, &resolved, at, limit).await?,
        None => Page::default(),
    };
    let facets = if ask.facets {
        Facets {
            officials: events::facet_counts(&resolved, Facet::Officials),
            topics: events::facet_counts(&resolved, Facet::Topics),
            kinds: events::facet_counts(&resolved, Facet::Kinds),
            countries: events::facet_counts(&resolved, Facet::Countries),
        }
    } else {
        Facets::default()
    };
    Ok(Timeline {
        resolved,
        total,
        page,
        facets,
    })
}

/// At most `limit` events after (or before) `at`, by keyset. One more row than the page holds
/// is read: it says whether a page lies beyond this one.
async fn page(
    conn: &mut SqliteConnection,
    resolved: &EventQuery,
    at: Option<(&Cursor, Side)>,
    limit: usize,
) -> Result<Page> {
    let wanted = i64::try_from(limit).unwrap_or(i64::MAX - 1);
    let mut rows = events::page(conn, resolved, at, wanted + 1).await?;
    let beyond = rows.len() > limit;
    if beyond {
        // The extra row is the one furthest from the cursor.
        if matches!(at, Some((_, Side::Before))) {
            rows.remove(0);
        } else {
            rows.pop();
        }
    }
    let (more_before, more_after) = match at.map(|(_, side)| side) {
        None => (false, beyond),
        Some(Side::After) => (true, beyond),
        Some(Side::Before) => (beyond, true),
    };
    Ok(Page {
        rows,
        more_before,
        more_after,
    })
}
