//! The timeline's question: a filter → its page of events, how many match, and (when asked)
//! how many each filter value would match. The timeline page (`web::timeline`) and the API's
//! `/api/v1/events` and `/api/v1/events/facets` render the same answer. It is read in one
//! snapshot: the filter's ids, the page's rows and the index that chose them are of one
//! revision, which the answer names.

use std::sync::Arc;

use sqlx::{SqliteConnection, SqlitePool};

use crate::catalog::{Answer, revision};
use crate::db::Counted;
use crate::db::events::{self, Cursor, EventListRow, EventQuery, Facet, Side};
use crate::db::index::{SharedIndex, Snapshot};
use crate::domain::{FilterError, TimelineFilter};
use crate::error::{Error, Result};

/// What to read besides the filter's resolution: a page of events, the facet counts, or both.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    /// At most this many events after (or before) a place; `None` reads no events.
    pub page: Option<(Option<(&'a Cursor, Side)>, usize)>,
    pub facets: bool,
    /// When the filter names no record, answer for no filter instead, in the same snapshot (no
    /// events, the facets when asked) and name the error in `Timeline::rejected`: the page
    /// shows the error beside the unfiltered form. Otherwise that is a `400`.
    pub unfiltered_if_rejected: bool,
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
    /// Why the filter was answered as no filter (`Ask::unfiltered_if_rejected`).
    pub rejected: Option<FilterError>,
}

/// Answers `filter`. A slug that names no record is a `400` naming its parameter, unless
/// the ask takes no filter instead.
pub async fn timeline(
    pool: &SqlitePool,
    index: &Arc<SharedIndex>,
    filter: &TimelineFilter,
    ask: Ask<'_>,
) -> Result<Answer<Timeline>> {
    let (mut snapshot, read_at) = revision::snapshot(pool, index).await?;
    let (resolved, rejected) =
        match events::resolve(&mut snapshot.tx, snapshot.index.clone(), filter).await {
            Ok(resolved) => (resolved, None),
            Err(Error::BadRequest(e)) if ask.unfiltered_if_rejected => {
                let none = TimelineFilter::default();
                let resolved = events::resolve(&mut snapshot.tx, snapshot.index, &none).await?;
                (resolved, Some(e))
            }
            Err(e) => return Err(e),
        };
    let total = events::count_matching(&resolved);
    let page = match ask.page {
        Some((at, limit)) if rejected.is_none() => {
            page(&mut snapshot.tx, &resolved, at, limit).await?
        }
        _ => Page::default(),
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
    Ok(Answer {
        revision: read_at,
        value: Timeline {
            resolved,
            total,
            page,
            facets,
            rejected,
        },
    })
}

/// Every event matching a filter, in the filter's order, read page by page as an export
/// writes them, all in the snapshot the filter was resolved in.
pub struct Every {
    snapshot: Snapshot,
    resolved: EventQuery,
    /// The last event read, after which the next page starts.
    after: Option<Cursor>,
    done: bool,
}

impl Every {
    /// The next at most `size` events; `None` once every one has been read.
    pub async fn next_page(&mut self, size: i64) -> Result<Option<Vec<EventListRow>>> {
        if self.done {
            return Ok(None);
        }
        let at = self.after.as_ref().map(|c| (c, Side::After));
        let rows = events::page(&mut self.snapshot.tx, &self.resolved, at, size).await?;
        match rows.last() {
            Some(last) if rows.len() as i64 == size => self.after = Some(Cursor::after(last)),
            _ => self.done = true,
        }
        Ok(Some(rows))
    }

    /// The snapshot's transaction, for what else an export reads beside the events.
    pub(super) fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.snapshot.tx
    }
}

/// Every event matching `filter`, to read page by page. A slug that names no record is a
/// `400` naming its parameter.
pub async fn every(
    pool: &SqlitePool,
    index: &SharedIndex,
    filter: &TimelineFilter,
) -> Result<Answer<Every>> {
    let (mut snapshot, read_at) = revision::snapshot(pool, index).await?;
    let resolved = events::resolve(&mut snapshot.tx, snapshot.index.clone(), filter).await?;
    Ok(Answer {
        revision: read_at,
        value: Every {
            snapshot,
            resolved,
            after: None,
            done: false,
        },
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
