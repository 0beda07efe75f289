//! The conditions of a resolved timeline filter, and the timeline's cursors: what the event
//! index, the charts and the timeline's queries share, depending on none of them. Their meaning
//! is the event index's (`super::index::EventIndex::matching`); the tests keep a plain-SQL form
//! of it as the oracle the index is checked against.

use sqlx::{QueryBuilder, Sqlite};

use crate::domain::filter::{RangeMatch, Sort};

/// A timeline filter whose slugs have been resolved to ids: every value names a real record.
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    pub officials: Vec<i64>,
    pub topics: Vec<i64>,
    pub kinds: Vec<&'static str>,
    pub countries: Vec<i64>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub fts: Option<String>,
    /// `YYYY-MM-DD`: only policy actions in force on that day.
    pub in_force: Option<String>,
    pub range: RangeMatch,
    pub sort: Sort,
}

/// A facet of the timeline; its own values are left out when counting its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Officials,
    Topics,
    Kinds,
    Countries,
}

impl Facet {
    /// The facet's name in the maintained counts (and its query parameter).
    pub fn name(self) -> &'static str {
        match self {
            Facet::Officials => "official",
            Facet::Topics => "topic",
            Facet::Kinds => "kind",
            Facet::Countries => "country",
        }
    }
}

impl Conditions {
    /// Whether no filter but `except` (and the sort) is set.
    pub fn is_unfiltered_except(&self, except: Option<Facet>) -> bool {
        let unset = |facet: Facet, empty: bool| empty || except == Some(facet);
        unset(Facet::Officials, self.officials.is_empty())
            && unset(Facet::Topics, self.topics.is_empty())
            && unset(Facet::Kinds, self.kinds.is_empty())
            && unset(Facet::Countries, self.countries.is_empty())
            && self.from.is_none()
            && self.to.is_none()
            && self.fts.is_none()
            && self.in_force.is_none()
    }
}

pub(crate) fn push_ids(qb: &mut QueryBuilder<Sqlite>, ids: &[i64]) {
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
}

/// Appends the query of the events in force on `day` (`YYYY-MM-DD`): the stretches the import
/// worked out from their phases (`domain::phase`), `until_day` excluded.
pub(crate) fn push_in_force(qb: &mut QueryBuilder<Sqlite>, day: &str) {
    qb.push("SELECT event_id FROM event_in_force WHERE from_day <= ")
        .push_bind(day.to_owned())
        .push(" AND (until_day IS NULL OR until_day > ")
        .push_bind(day.to_owned())
        .push(")");
}

/// Where a page of events ends: the timeline's sort key of its last event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub date_start: String,
    pub date_end: String,
    pub slug: String,
}

impl Cursor {
    /// `2023-08-28.2023-08-28.raimondo-wang-wentao-lunch-meeting`: readable, URL-safe, and
    /// unambiguous because neither dates nor slugs contain dots.
    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.date_start, self.date_end, self.slug)
    }

    pub fn decode(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, '.');
        let (start, end, slug) = (parts.next()?, parts.next()?, parts.next()?);
        crate::domain::date::parse_day(start).ok()?;
        crate::domain::date::parse_day(end).ok()?;
        crate::domain::Slug::parse(slug).ok()?;
        Some(Self {
            date_start: start.to_owned(),
            date_end: end.to_owned(),
            slug: slug.to_owned(),
        })
    }
}

/// Which side of a cursor a page lies on, in the query's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    After,
    Before,
}
