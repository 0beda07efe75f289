//! The feeds of a filtered timeline, each read in one snapshot: its newest events (Atom), and
//! every one of them with the days its policy actions take effect and, unfiltered, the
//! agreements' due dates (iCalendar).

use std::collections::HashMap;

use sqlx::{SqliteConnection, SqlitePool};

use super::revision::{self, Answer};
use super::timeline;
use crate::db::agreements::{self, AgreementRow};
use crate::db::events::{self, EventListRow, TakesEffectRow};
use crate::db::index::SharedIndex;
use crate::db::revisions;
use crate::domain::TimelineFilter;
use crate::domain::filter::Sort;
use crate::error::Result;

/// When each entry last changed, as the data dates it.
pub struct Updated {
    /// Each event's last change (RFC 3339), by slug.
    pub events: HashMap<String, String>,
    /// The latest revision's change: the feed's own date, and any entry's without one.
    pub latest: Option<String>,
}

async fn updated(conn: &mut SqliteConnection) -> Result<Updated> {
    Ok(Updated {
        events: revisions::event_updates(&mut *conn).await?,
        latest: revisions::latest(&mut *conn).await?.map(|r| r.changed_at),
    })
}

/// A feed's newest events, newest first.
pub struct Newest {
    pub rows: Vec<EventListRow>,
    pub updated: Updated,
}

/// The newest `entries` events matching `filter`.
pub async fn newest(
    pool: &SqlitePool,
    index: &SharedIndex,
    filter: &TimelineFilter,
    entries: i64,
) -> Result<Answer<Newest>> {
    let (mut snapshot, read_at) = revision::snapshot(pool, index).await?;
    let mut resolved = events::resolve(&mut snapshot.tx, snapshot.index.clone(), filter).await?;
    resolved.sort = Sort::Desc;
    let rows = events::page(&mut snapshot.tx, &resolved, None, entries).await?;
    Ok(Answer {
        revision: read_at,
        value: Newest {
            rows,
            updated: updated(&mut snapshot.tx).await?,
        },
    })
}

/// The calendar's events are read in pages of this many.
const CALENDAR_PAGE: i64 = 1000;

/// A page of the calendar's events, and the phases putting them in force.
pub struct CalendarPage {
    pub events: Vec<EventListRow>,
    pub taking_effect: Vec<TakesEffectRow>,
}

pub struct Calendar {
    pub pages: Vec<CalendarPage>,
    /// Every agreement, for their due dates: only in the unfiltered calendar, as the timeline's
    /// filters describe events.
    pub agreements: Vec<AgreementRow>,
    pub updated: Updated,
}

/// Every event matching `filter`, in timeline order.
pub async fn calendar(
    pool: &SqlitePool,
    index: &SharedIndex,
    filter: &TimelineFilter,
) -> Result<Answer<Calendar>> {
    let Answer {
        revision: read_at,
        value: mut every,
    } = timeline::every(pool, index, filter).await?;
    let mut pages = Vec::new();
    while let Some(events) = every.next_page(CALENDAR_PAGE).await? {
        let slugs: Vec<String> = events.iter().map(|r| r.slug.clone()).collect();
        pages.push(CalendarPage {
            taking_effect: events::taking_effect(every.conn(), &slugs).await?,
            events,
        });
    }
    let agreements = if filter.is_filtered() {
        Vec::new()
    } else {
        agreements::all(every.conn()).await?
    };
    Ok(Answer {
        revision: read_at,
        value: Calendar {
            pages,
            agreements,
            updated: updated(every.conn()).await?,
        },
    })
}
