//! The conditions of a resolved timeline filter and their SQL: what the event index, the
//! charts and the timeline's queries share, depending on none of them.

use sqlx::{QueryBuilder, Sqlite, SqlitePool};

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
    /// The id facets in use, fewest events first: the first (not left out) drives the query
    /// through its index, the others are checked per event by primary key.
    pub selectivity: Vec<Facet>,
}

/// A facet of the timeline; its own values are left out when counting its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Officials,
    Topics,
    Kinds,
    Countries,
}

impl Conditions {
    /// Orders the id facets in use by how many events their values have (maintained counts).
    pub(crate) async fn with_selectivity(mut self, pool: &SqlitePool) -> Result<Self, sqlx::Error> {
        let mut sized = Vec::new();
        for (facet, ids) in [
            (Facet::Officials, &self.officials),
            (Facet::Topics, &self.topics),
            (Facet::Countries, &self.countries),
        ] {
            if ids.is_empty() {
                continue;
            }
            let mut qb = QueryBuilder::<Sqlite>::new(
                "SELECT coalesce(sum(count), 0) FROM event_value_counts WHERE facet = ",
            );
            qb.push_bind(facet.name()).push(" AND value_id IN (");
            push_ids(&mut qb, ids);
            qb.push(")");
            let size: i64 = qb.build_query_scalar().fetch_one(pool).await?;
            sized.push((size, facet));
        }
        sized.sort_by_key(|(size, _)| *size);
        self.selectivity = sized.into_iter().map(|(_, facet)| facet).collect();
        Ok(self)
    }
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

/// One filter value: a record's id, or a kind's name.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value {
    Id(i64),
    Kind(&'static str),
}

/// Appends an expression for the value's slug, as the maintained counts key it.
pub(crate) fn push_slug(qb: &mut QueryBuilder<Sqlite>, facet: Facet, value: Value) {
    match value {
        Value::Kind(kind) => {
            qb.push_bind(kind);
        }
        Value::Id(id) => {
            qb.push(match facet {
                Facet::Officials => "(SELECT slug FROM people WHERE id = ",
                Facet::Topics => "(SELECT slug FROM topics WHERE id = ",
                Facet::Countries | Facet::Kinds => "(SELECT slug FROM countries WHERE id = ",
            });
            qb.push_bind(id).push(")");
        }
    }
}

impl Conditions {
    /// The only filter value set besides `except`'s, when there is exactly one and neither a
    /// date range nor text: its counts are maintained, so they are read rather than counted.
    pub(crate) fn single_value(&self, except: Option<Facet>) -> Option<(Facet, Value)> {
        if self.from.is_some() || self.to.is_some() || self.fts.is_some() || self.in_force.is_some()
        {
            return None;
        }
        let mut found = None;
        let ids = [
            (Facet::Officials, &self.officials),
            (Facet::Topics, &self.topics),
            (Facet::Countries, &self.countries),
        ];
        for (facet, ids) in ids {
            if except == Some(facet) || ids.is_empty() {
                continue;
            }
            if found.is_some() || ids.len() > 1 {
                return None;
            }
            found = Some((facet, Value::Id(ids[0])));
        }
        if except != Some(Facet::Kinds) && !self.kinds.is_empty() {
            if found.is_some() || self.kinds.len() > 1 {
                return None;
            }
            found = Some((Facet::Kinds, Value::Kind(self.kinds[0])));
        }
        found
    }

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

/// Appends ` WHERE …` for the query's conditions on events aliased `e`, leaving out `except`.
/// An event matches a date range when any day it may have fallen on lies within the range, or,
/// with `RangeMatch::Within`, when every day it may have fallen on does.
pub(crate) fn push_conditions(
    qb: &mut QueryBuilder<Sqlite>,
    q: &Conditions,
    except: Option<Facet>,
) {
    qb.push(" WHERE 1 = 1");
    // The facet with the fewest events leads: its index lists the candidates, and each of the
    // others is one primary-key probe per candidate rather than a list of its own to intersect.
    let driver = q.selectivity.iter().find(|f| except != Some(**f)).copied();
    // `table` and `column` are fixed names below, never input.
    for (facet, table, column, ids) in [
        (Facet::Officials, "event_people", "person_id", &q.officials),
        (Facet::Topics, "event_topics", "topic_id", &q.topics),
        (
            Facet::Countries,
            "event_countries",
            "country_id",
            &q.countries,
        ),
    ] {
        if except == Some(facet) || ids.is_empty() {
            continue;
        }
        if driver.is_none() || driver == Some(facet) {
            qb.push(format!(
                " AND e.id IN (SELECT event_id FROM {table} WHERE {column} IN ("
            ));
        } else {
            qb.push(format!(
                " AND EXISTS (SELECT 1 FROM {table} x WHERE x.event_id = e.id AND x.{column} IN ("
            ));
        }
        push_ids(qb, ids);
        qb.push("))");
    }
    if except != Some(Facet::Kinds) && !q.kinds.is_empty() {
        qb.push(" AND e.kind IN (");
        let mut list = qb.separated(", ");
        for kind in &q.kinds {
            list.push_bind(*kind);
        }
        qb.push(")");
    }
    let to_column = match q.range {
        RangeMatch::Overlaps => "e.date_start",
        RangeMatch::Within => "e.date_end",
    };
    if let Some(from) = &q.from {
        match q.range {
            RangeMatch::Overlaps => {
                // No event spans longer than the maintained bound, so one reaching into the range
                // starts at most that long before it: a bounded walk of events_date.
                qb.push(" AND e.date_end >= ").push_bind(from.clone());
                qb.push(" AND e.date_start >= date(").push_bind(from.clone()).push(
                    ", '-' || coalesce((SELECT max_span_days FROM event_date_bounds WHERE id = 1), 100000) || ' days')",
                );
            }
            RangeMatch::Within => {
                qb.push(" AND e.date_start >= ").push_bind(from.clone());
            }
        }
    }
    if let Some(to) = &q.to {
        qb.push(format!(" AND {to_column} <= "))
            .push_bind(to.clone());
    }
    if let Some(fts) = &q.fts {
        qb.push(" AND e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ")
            .push_bind(fts.clone())
            .push(")");
    }
    if let Some(day) = &q.in_force {
        qb.push(" AND e.id IN (");
        push_in_force(qb, day);
        qb.push(")");
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

pub(crate) fn push_order(qb: &mut QueryBuilder<Sqlite>, sort: Sort) {
    qb.push(match sort {
        Sort::Asc => " ORDER BY e.date_start, e.date_end, e.slug",
        Sort::Desc => " ORDER BY e.date_start DESC, e.date_end DESC, e.slug DESC",
    });
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
