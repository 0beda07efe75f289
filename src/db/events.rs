//! Events: the filtered timeline, its facet counts, and everything an event page shows. A
//! filter is answered by the event index (`super::index`); SQLite reads the rows of a page by
//! id, in the caller's read transaction.

use std::sync::Arc;

use roaring::RoaringBitmap;
use sqlx::{AssertSqlSafe, QueryBuilder, Sqlite, SqliteConnection};

use super::conditions::push_ids;
pub use super::conditions::{Conditions, Cursor, Facet, Side};
use super::index::{EventIndex, Link};
use super::{Counted, Named};
use crate::domain::filter::Sort;
use crate::domain::{FilterError, TimelineFilter, date::iso};
use crate::error::Error;

/// The events one timeline page lists; "Older" and "Newer" links page through the rest by
/// keyset, so a page costs the same at any archive size.
pub const TIMELINE_PAGE: i64 = 50;

/// The most events a record's page (an official, topic or organisation) lists: the latest
/// ones, with a link to all of them on the timeline.
pub const RECORD_EVENTS: i64 = 100;

/// A timeline filter resolved, with the event index that answers it: the index of the revision
/// its rows are read from. Its conditions are `Conditions` (read through it, as `q.officials`).
#[derive(Debug, Clone)]
pub struct EventQuery {
    pub conditions: Conditions,
    pub index: Indexed,
}

impl std::ops::Deref for EventQuery {
    type Target = Conditions;
    fn deref(&self) -> &Conditions {
        &self.conditions
    }
}

impl std::ops::DerefMut for EventQuery {
    fn deref_mut(&mut self) -> &mut Conditions {
        &mut self.conditions
    }
}

/// An event index with what a query's text matched in it.
#[derive(Clone)]
pub struct Indexed {
    pub index: Arc<EventIndex>,
    /// The events matching the query's text, read once per request.
    pub text: Option<Arc<RoaringBitmap>>,
    /// The events in force on the query's `in_force` day, read once per request.
    pub in_force: Option<RoaringBitmap>,
}

impl std::fmt::Debug for Indexed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Indexed")
            .field("revision", &self.index.revision)
            .finish_non_exhaustive()
    }
}

impl Indexed {
    /// Indexes `q` on `index`, reading the events its text matches and those in force on its
    /// day, on `conn` (which reads the index's revision).
    pub async fn new(
        conn: &mut SqliteConnection,
        index: Arc<EventIndex>,
        q: &Conditions,
    ) -> Result<Self, sqlx::Error> {
        let text = match &q.fts {
            Some(fts) => Some(index.text_matches(conn, fts).await?),
            None => None,
        };
        let in_force = match &q.in_force {
            Some(day) => Some(index.in_force_on(conn, day).await?),
            None => None,
        };
        Ok(Self {
            index,
            text,
            in_force,
        })
    }

    /// The events matching `q`, leaving out `except`'s condition.
    pub fn matching(&self, q: &Conditions, except: Option<Facet>) -> RoaringBitmap {
        self.index
            .matching(q, except, self.text.as_deref(), self.in_force.as_ref())
    }
}

async fn resolve_slugs(
    conn: &mut SqliteConnection,
    table: &'static str,
    param: &'static str,
    what: &str,
    slugs: &[crate::domain::Slug],
) -> Result<Vec<i64>, Error> {
    let mut ids = Vec::with_capacity(slugs.len());
    for slug in slugs {
        // `table` is one of the fixed names passed below, never input.
        let sql = format!("SELECT id FROM {table} WHERE slug = ?1");
        match sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql))
            .bind(slug.as_str())
            .fetch_optional(&mut *conn)
            .await?
        {
            Some(id) => ids.push(id),
            None => {
                return Err(
                    FilterError::new(param, format!("there is no {what} \"{slug}\"")).into(),
                );
            }
        }
    }
    Ok(ids)
}

/// A parsed filter's slugs resolved to ids; an unknown slug is a bad request.
pub async fn resolve_conditions(
    conn: &mut SqliteConnection,
    filter: &TimelineFilter,
) -> Result<Conditions, Error> {
    Ok(Conditions {
        officials: resolve_slugs(conn, "people", "official", "official", &filter.officials).await?,
        topics: resolve_slugs(conn, "topics", "topic", "topic", &filter.topics).await?,
        kinds: filter.kinds.iter().map(|k| k.as_str()).collect(),
        countries: resolve_slugs(conn, "countries", "country", "country", &filter.countries)
            .await?,
        from: filter.from.map(iso),
        to: filter.to.map(iso),
        fts: filter.q.as_ref().map(|q| q.fts_expression().to_owned()),
        in_force: filter.in_force.map(iso),
        range: filter.range,
        sort: filter.sort,
    })
}

/// Resolves a parsed filter on `conn` and indexes it on `index`, the index of the revision
/// `conn` reads (`SharedIndex::snapshot` gives both).
#[tracing::instrument(skip(conn, index))]
pub async fn resolve(
    conn: &mut SqliteConnection,
    index: Arc<EventIndex>,
    filter: &TimelineFilter,
) -> Result<EventQuery, Error> {
    let conditions = resolve_conditions(conn, filter).await?;
    let index = Indexed::new(conn, index, &conditions).await?;
    Ok(EventQuery { conditions, index })
}

/// An event as the timeline and other lists show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventListRow {
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub date_start: String,
    pub date_end: String,
    pub date_precision: String,
    pub date_label: String,
    pub status: String,
    pub location: Option<String>,
    pub summary: String,
    /// JSON array of `{slug, name}`, in the dataset's order.
    pub participants: String,
    /// JSON array of `{slug, name}`, by name.
    pub topics: String,
    /// JSON array of `{source, paragraph}`.
    pub citations: String,
    /// JSON array of `{slug, name}`: the countries that acted.
    pub sides: String,
}

/// A cited paragraph, as records carry it.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct CitationRef {
    pub source: String,
    pub paragraph: i64,
}

impl EventListRow {
    pub fn sides(&self) -> Vec<Named> {
        serde_json::from_str(&self.sides).unwrap_or_default()
    }
    pub fn citations(&self) -> Vec<CitationRef> {
        serde_json::from_str(&self.citations).unwrap_or_default()
    }
    pub fn participants(&self) -> Vec<Named> {
        serde_json::from_str(&self.participants).unwrap_or_default()
    }
    pub fn topics(&self) -> Vec<Named> {
        serde_json::from_str(&self.topics).unwrap_or_default()
    }
}

/// A list row: the event's own columns and its links as stored at import
/// (`dataset::list_links`), one read per row.
const LIST_COLUMNS: &str = "SELECT e.id, e.slug, e.title, e.kind, e.date_start, e.date_end, e.date_precision, e.date_label,
        e.status, e.location, e.summary, l.participants, l.topics, l.citations, l.sides
   FROM events e JOIN event_list_links l ON l.event_id = e.id";

impl Cursor {
    /// The place of a listed event.
    pub fn after(row: &EventListRow) -> Self {
        Self {
            date_start: row.date_start.clone(),
            date_end: row.date_end.clone(),
            slug: row.slug.clone(),
        }
    }
}

/// One page of the matching events after (or before) `cursor`, by keyset, in the query's
/// order: the page's ranks are walked in the index, then its rows read by id on `conn`.
#[tracing::instrument(skip(conn))]
pub async fn page(
    conn: &mut SqliteConnection,
    q: &EventQuery,
    cursor: Option<(&Cursor, Side)>,
    limit: i64,
) -> Result<Vec<EventListRow>, sqlx::Error> {
    let indexed = &q.index;
    let set = indexed.matching(q, None);
    let backwards = matches!(cursor, Some((_, Side::Before)));
    let ascending = matches!((q.sort, backwards), (Sort::Asc, false) | (Sort::Desc, true));
    let bound = match cursor {
        Some((c, _)) => {
            let (before, through) = indexed.index.position(conn, c).await?;
            // Ascending, the page starts after the cursor; descending, it ends before it.
            Some(if ascending { through } else { before })
        }
        None => None,
    };
    let limit = usize::try_from(limit).unwrap_or(0);
    let ids = indexed.index.walk(&set, ascending, bound, limit);
    let mut rows = rows_by_id(conn, &ids).await?;
    if backwards {
        rows.reverse();
    }
    Ok(rows)
}

/// The list rows of `ids`, in the order of `ids`.
async fn rows_by_id(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> Result<Vec<EventListRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::new(LIST_COLUMNS);
    qb.push(" WHERE e.id IN (");
    push_ids(&mut qb, ids);
    qb.push(")");
    let rows: Vec<(i64, EventListRow)> = qb
        .build_query_as::<IdRow>()
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.row))
        .collect();
    let mut by_id: std::collections::HashMap<i64, EventListRow> = rows.into_iter().collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// A list row with its event's id.
#[derive(sqlx::FromRow)]
struct IdRow {
    id: i64,
    #[sqlx(flatten)]
    row: EventListRow,
}

/// How many events match the query.
pub fn count_matching(q: &EventQuery) -> i64 {
    if q.is_unfiltered_except(None) {
        return q.index.index.len() as i64;
    }
    q.index.matching(q, None).len() as i64
}

/// The options of one facet with how many events each would match under the other filters.
/// Every value that has any event is listed, so a selected one stays visible at zero.
pub fn facet_counts(q: &EventQuery, facet: Facet) -> Vec<Counted> {
    let index = &q.index.index;
    if q.is_unfiltered_except(Some(facet)) {
        return index.facet_counts(facet, None);
    }
    index.facet_counts(facet, Some(&q.index.matching(q, Some(facet))))
}

/// The latest `RECORD_EVENTS` events of a record (a person, topic or organisation), in date
/// order: walked in `index`, their rows read on `conn` (which reads the index's revision).
#[tracing::instrument(skip(conn, index))]
pub async fn of_record(
    conn: &mut SqliteConnection,
    index: &EventIndex,
    link: Link,
    id: i64,
) -> Result<Vec<EventListRow>, sqlx::Error> {
    let none = RoaringBitmap::new();
    let set = index.events_of(link, id).unwrap_or(&none);
    let limit = usize::try_from(RECORD_EVENTS).unwrap_or(0);
    let mut ids = index.walk(set, false, None, limit);
    ids.reverse();
    rows_by_id(conn, &ids).await
}

/// How many events a record has.
pub fn count_of_record(index: &EventIndex, link: Link, id: i64) -> i64 {
    index.events_of(link, id).map_or(0, |set| set.len() as i64)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub date_start: String,
    pub date_end: String,
    pub date_precision: String,
    pub date_label: String,
    pub date_phrase: Option<String>,
    pub location: Option<String>,
    pub status: String,
    pub class: String,
    pub summary: String,
    /// When the curators last looked for the missing side's account (`YYYY-MM-DD`), and what
    /// they looked for.
    pub accounts_searched_on: Option<String>,
    pub accounts_searched_for: Option<String>,
}

#[tracing::instrument(skip(conn))]
pub async fn by_slug(
    conn: &mut SqliteConnection,
    slug: &str,
) -> Result<Option<EventRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, slug, title, kind, date_start, date_end, date_precision, date_label, date_phrase, location,
                status, class, summary, accounts_searched_on, accounts_searched_for
           FROM events WHERE slug = ?1",
    )
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ParticipantRow {
    pub slug: String,
    pub name: String,
    pub native_name: Option<String>,
    pub country: String,
    pub role: String,
    /// The title the person held on the event's first day, if the dataset knows it.
    pub title: Option<String>,
}

/// An event's people, with the title each held on the event's date.
#[tracing::instrument(skip(conn))]
pub async fn participants(
    conn: &mut SqliteConnection,
    event: &EventRow,
) -> Result<Vec<ParticipantRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.slug, p.name, p.native_name, c.name AS country, ep.role,
                (SELECT r.title FROM roles r
                  WHERE r.person_id = p.id
                    AND (r.start_date IS NULL OR r.start_date <= ?2)
                    AND (r.end_date IS NULL OR r.end_date >= ?2)
                  ORDER BY r.start_date DESC LIMIT 1) AS title
           FROM event_people ep
           JOIN people p ON p.id = ep.person_id
           JOIN countries c ON c.id = p.country_id
          WHERE ep.event_id = ?1
          ORDER BY ep.position",
    )
    .bind(event.id)
    .bind(&event.date_start)
    .fetch_all(&mut *conn)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganizationRoleRow {
    pub slug: String,
    pub name: String,
    pub role: String,
}

#[tracing::instrument(skip(conn))]
pub async fn organizations(
    conn: &mut SqliteConnection,
    event_id: i64,
) -> Result<Vec<OrganizationRoleRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.slug, o.name, eo.role FROM event_organizations eo JOIN organizations o ON o.id = eo.organization_id
          WHERE eo.event_id = ?1 ORDER BY eo.position",
    )
    .bind(event_id)
    .fetch_all(&mut *conn)
    .await
}

#[tracing::instrument(skip(conn))]
pub async fn topics(conn: &mut SqliteConnection, event_id: i64) -> Result<Vec<Named>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.slug, t.name FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = ?1 ORDER BY t.name",
    )
    .bind(event_id)
    .fetch_all(&mut *conn)
    .await
}

/// The countries that acted in the event.
#[tracing::instrument(skip(conn))]
pub async fn sides(conn: &mut SqliteConnection, event_id: i64) -> Result<Vec<Named>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.slug, c.name FROM event_sides s JOIN countries c ON c.id = s.country_id WHERE s.event_id = ?1 ORDER BY c.name",
    )
    .bind(event_id)
    .fetch_all(&mut *conn)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QuoteRow {
    pub slug: String,
    pub text: String,
    pub speaker_slug: String,
    pub speaker_name: String,
    pub event_slug: Option<String>,
    pub event_title: Option<String>,
    pub event_date_label: Option<String>,
    /// The paragraphs and points the quote cites, as `kind:number` joined by commas (see
    /// `annotations::CITED_NUMBERS`).
    pub paragraphs: Option<String>,
}

const QUOTE_COLUMNS: &str = "SELECT q.slug, q.text, p.slug AS speaker_slug, p.name AS speaker_name,
        e.slug AS event_slug, e.title AS event_title, e.date_label AS event_date_label,
        (SELECT group_concat(s.text_kind || ':' || pa.number, ',' ORDER BY s.published, s.slug, pa.number)
           FROM citations c JOIN paragraphs pa ON pa.id = c.paragraph_id JOIN sources s ON s.id = pa.source_id
          WHERE c.subject_type = 'quote' AND c.subject_id = q.id) AS paragraphs
   FROM quotes q JOIN people p ON p.id = q.person_id LEFT JOIN events e ON e.id = q.event_id";

/// The quotes said at an event, in the order of the paragraphs they come from.
#[tracing::instrument(skip(conn))]
pub async fn quotes(
    conn: &mut SqliteConnection,
    event_id: i64,
) -> Result<Vec<QuoteRow>, sqlx::Error> {
    sqlx::query_as(AssertSqlSafe(format!(
        "{QUOTE_COLUMNS} WHERE q.event_id = ?1 ORDER BY q.id"
    )))
    .bind(event_id)
    .fetch_all(&mut *conn)
    .await
}

/// The most quotes an official's page lists: the latest.
pub const RECORD_QUOTES: i64 = 20;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Neighbour {
    pub slug: String,
    pub title: String,
    pub date_label: String,
}

/// The event just before one on the timeline (`?1`..`?3`: its start, end and slug), and the
/// one just after. The date index is named: with the planner's per-value statistics (STAT4),
/// a bound near either end of the archive looks like most of the table, and SQLite would
/// otherwise read and sort every event for the one beside the latest (0.66 s at a million
/// events).
pub const BEFORE: &str = "SELECT slug, title, date_label FROM events INDEXED BY events_date
  WHERE (date_start, date_end, slug) < (?1, ?2, ?3)
  ORDER BY date_start DESC, date_end DESC, slug DESC LIMIT 1";
pub const AFTER: &str = "SELECT slug, title, date_label FROM events INDEXED BY events_date
  WHERE (date_start, date_end, slug) > (?1, ?2, ?3)
  ORDER BY date_start, date_end, slug LIMIT 1";

/// The events just before and after this one on the timeline.
#[tracing::instrument(skip(conn))]
pub async fn neighbours(
    conn: &mut SqliteConnection,
    event: &EventRow,
) -> Result<(Option<Neighbour>, Option<Neighbour>), sqlx::Error> {
    let mut found = [None, None];
    for (sql, slot) in [BEFORE, AFTER].into_iter().zip(&mut found) {
        *slot = sqlx::query_as(sql)
            .bind(&event.date_start)
            .bind(&event.date_end)
            .bind(&event.slug)
            .fetch_optional(&mut *conn)
            .await?;
    }
    let [previous, next] = found;
    Ok((previous, next))
}

/// How many events on either side of an event each of its people and topics contributes as
/// candidates for `related`: enough for any curated record, and a bound on the work for a
/// person or topic with a hundred thousand events.
pub const RELATED_CANDIDATES: i64 = 100;

/// Events sharing the most people and topics with this one, the nearest in time first. The
/// candidates are, for each of its people and topics, the `RELATED_CANDIDATES` events on either
/// side of it in the record's order (each a short walk of an index).
#[tracing::instrument(skip(conn))]
pub async fn related(
    conn: &mut SqliteConnection,
    event: &EventRow,
    limit: i64,
) -> Result<Vec<Neighbour>, sqlx::Error> {
    let people: Vec<i64> =
        sqlx::query_scalar("SELECT person_id FROM event_people WHERE event_id = ?1")
            .bind(event.id)
            .fetch_all(&mut *conn)
            .await?;
    let topics: Vec<i64> =
        sqlx::query_scalar("SELECT topic_id FROM event_topics WHERE event_id = ?1")
            .bind(event.id)
            .fetch_all(&mut *conn)
            .await?;
    if people.is_empty() && topics.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Sqlite>::new("SELECT e.slug, e.title, e.date_label FROM (");
    let mut first = true;
    // `table` and `column` are fixed names, never input.
    for (table, column, ids) in [
        ("event_people", "person_id", &people),
        ("event_topics", "topic_id", &topics),
    ] {
        for id in ids {
            for (op, order) in [("<", "DESC"), (">", "ASC")] {
                if !first {
                    qb.push(" UNION ALL ");
                }
                first = false;
                qb.push(format!(
                    "SELECT event_id FROM (SELECT event_id FROM {table} WHERE {column} = "
                ));
                qb.push_bind(*id)
                    .push(format!(" AND event_id {op} "))
                    .push_bind(event.id)
                    .push(format!(" ORDER BY event_id {order} LIMIT "))
                    .push_bind(RELATED_CANDIDATES)
                    .push(")");
            }
        }
    }
    qb.push(
        ") shared JOIN events e ON e.id = shared.event_id
         GROUP BY e.id
         ORDER BY COUNT(*) DESC, abs(julianday(e.date_start) - julianday(",
    );
    qb.push_bind(event.date_start.clone())
        .push(")), e.slug LIMIT ")
        .push_bind(limit);
    qb.build_query_as().fetch_all(&mut *conn).await
}

/// Counts for the site's header and about page.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Totals {
    pub events: i64,
    pub people: i64,
    pub organizations: i64,
    pub topics: i64,
    pub agreements: i64,
    pub quotes: i64,
    pub sources: i64,
    pub cited_paragraphs: i64,
}

#[tracing::instrument(skip(conn))]
pub async fn totals(conn: &mut SqliteConnection) -> Result<Totals, sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM events) AS events, (SELECT COUNT(*) FROM people) AS people,
                (SELECT COUNT(*) FROM organizations) AS organizations, (SELECT COUNT(*) FROM topics) AS topics,
                (SELECT COUNT(*) FROM agreements) AS agreements, (SELECT COUNT(*) FROM quotes) AS quotes,
                (SELECT COUNT(*) FROM sources) AS sources,
                (SELECT COUNT(DISTINCT paragraph_id) FROM citations) AS cited_paragraphs",
    )
    .fetch_one(&mut *conn)
    .await
}

/// One phase of a policy action, with its citations.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PhaseRow {
    pub phase: String,
    pub date_start: String,
    pub date_end: String,
    pub date_precision: String,
    pub date_label: String,
    pub date_phrase: Option<String>,
    pub note: Option<String>,
    /// JSON array of `{source, title, text_kind, number}`, in source and number order.
    pub citations: String,
}

/// A cited paragraph or point of a phase.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PhaseCitation {
    pub source: String,
    pub title: String,
    pub text_kind: String,
    pub number: i64,
}

impl PhaseRow {
    pub fn citations(&self) -> Vec<PhaseCitation> {
        serde_json::from_str(&self.citations).unwrap_or_default()
    }

    /// The phase and its fuzzy date, as stored.
    pub fn dated(&self) -> Option<(crate::domain::PolicyPhase, crate::domain::FuzzyDate)> {
        use crate::domain::date::parse_day;
        let date = crate::domain::FuzzyDate::new(
            parse_day(&self.date_start).ok()?,
            parse_day(&self.date_end).ok()?,
            self.date_precision.parse().ok()?,
            Some(self.date_label.clone()),
        )
        .ok()?;
        Some((self.phase.parse().ok()?, date))
    }
}

/// Where a policy action with these phases stands on `today`, in words (`domain::phase`).
pub fn phase_state(rows: &[PhaseRow], today: time::Date) -> Option<String> {
    let dated: Vec<_> = rows.iter().filter_map(PhaseRow::dated).collect();
    let phases: Vec<_> = dated.iter().map(|(p, d)| (*p, d)).collect();
    crate::domain::phase::state_in_words(&phases, today)
}

/// A policy action's phases, oldest first.
#[tracing::instrument(skip(conn))]
pub async fn phases(
    conn: &mut SqliteConnection,
    event_id: i64,
) -> Result<Vec<PhaseRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT ph.phase, ph.date_start, ph.date_end, ph.date_precision, ph.date_label, ph.date_phrase,
                ph.note,
                (SELECT json_group_array(json_object('source', s.slug, 'title', s.title,
                                                    'text_kind', s.text_kind, 'number', pa.number)
                                         ORDER BY s.slug, pa.number)
                   FROM event_phase_citations c
                   JOIN paragraphs pa ON pa.id = c.paragraph_id
                   JOIN sources s ON s.id = pa.source_id
                  WHERE c.phase_id = ph.id) AS citations
           FROM event_phases ph WHERE ph.event_id = ?1 ORDER BY ph.position",
    )
    .bind(event_id)
    .fetch_all(&mut *conn)
    .await
}

/// The days on which matching policy actions take effect (their `in-force` and `resumed`
/// phases), for the calendar: each with its event's slug and title.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TakesEffectRow {
    pub slug: String,
    pub title: String,
    pub phase: String,
    pub date_start: String,
    pub date_end: String,
    pub date_precision: String,
    pub date_label: String,
}

/// The phases putting each of `slugs`' events in force, by event then date.
#[tracing::instrument(skip(conn, slugs))]
pub async fn taking_effect(
    conn: &mut SqliteConnection,
    slugs: &[String],
) -> Result<Vec<TakesEffectRow>, sqlx::Error> {
    if slugs.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT e.slug, e.title, ph.phase, ph.date_start, ph.date_end, ph.date_precision, ph.date_label
           FROM event_phases ph JOIN events e ON e.id = ph.event_id
          WHERE ph.phase IN ('in-force', 'resumed') AND e.slug IN (",
    );
    let mut list = qb.separated(", ");
    for slug in slugs {
        list.push_bind(slug.clone());
    }
    qb.push(") ORDER BY e.slug, ph.position");
    qb.build_query_as().fetch_all(&mut *conn).await
}
