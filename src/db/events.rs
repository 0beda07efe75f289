//! Events: the filtered timeline, its facet counts, and everything an event page shows.

use sqlx::{AssertSqlSafe, QueryBuilder, Sqlite, SqlitePool};

use super::{Counted, Named};
use crate::domain::filter::{RangeMatch, Sort};
use crate::domain::{FilterError, TimelineFilter, date::iso};
use crate::error::Error;

/// The most events one timeline page lists; the page says when more matched.
pub const TIMELINE_LIMIT: i64 = 1000;

/// A timeline filter whose slugs have been resolved to ids: every value names a real record.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    pub officials: Vec<i64>,
    pub topics: Vec<i64>,
    pub kinds: Vec<&'static str>,
    pub countries: Vec<i64>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub fts: Option<String>,
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

async fn resolve_slugs(
    pool: &SqlitePool,
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
            .fetch_optional(pool)
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

/// Resolves a parsed filter against the database; an unknown slug is a bad request.
#[tracing::instrument(skip(pool))]
pub async fn resolve(pool: &SqlitePool, filter: &TimelineFilter) -> Result<EventQuery, Error> {
    Ok(EventQuery {
        officials: resolve_slugs(pool, "people", "official", "official", &filter.officials).await?,
        topics: resolve_slugs(pool, "topics", "topic", "topic", &filter.topics).await?,
        kinds: filter.kinds.iter().map(|k| k.as_str()).collect(),
        countries: resolve_slugs(pool, "countries", "country", "country", &filter.countries)
            .await?,
        from: filter.from.map(iso),
        to: filter.to.map(iso),
        fts: filter.q.as_ref().map(|q| q.fts_expression().to_owned()),
        range: filter.range,
        sort: filter.sort,
    })
}

fn push_ids(qb: &mut QueryBuilder<Sqlite>, ids: &[i64]) {
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
    q: &EventQuery,
    except: Option<Facet>,
) {
    qb.push(" WHERE 1 = 1");
    // `join` is one of the fixed fragments below, never input.
    for (facet, join, ids) in [
        (
            Facet::Officials,
            "event_people WHERE person_id",
            &q.officials,
        ),
        (Facet::Topics, "event_topics WHERE topic_id", &q.topics),
        (
            Facet::Countries,
            "event_countries WHERE country_id",
            &q.countries,
        ),
    ] {
        if except != Some(facet) && !ids.is_empty() {
            qb.push(format!(" AND e.id IN (SELECT event_id FROM {join} IN ("));
            push_ids(qb, ids);
            qb.push("))");
        }
    }
    if except != Some(Facet::Kinds) && !q.kinds.is_empty() {
        qb.push(" AND e.kind IN (");
        let mut list = qb.separated(", ");
        for kind in &q.kinds {
            list.push_bind(*kind);
        }
        qb.push(")");
    }
    let (from_column, to_column) = match q.range {
        RangeMatch::Overlaps => ("e.date_end", "e.date_start"),
        RangeMatch::Within => ("e.date_start", "e.date_end"),
    };
    if let Some(from) = &q.from {
        qb.push(format!(" AND {from_column} >= "))
            .push_bind(from.clone());
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

const LIST_COLUMNS: &str = "SELECT e.slug, e.title, e.kind, e.date_start, e.date_end, e.date_precision, e.date_label,
        e.status, e.location, e.summary,
        (SELECT json_group_array(json_object('slug', p.slug, 'name', p.name) ORDER BY ep.position)
           FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id) AS participants,
        (SELECT json_group_array(json_object('slug', t.slug, 'name', t.name) ORDER BY t.name)
           FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id) AS topics,
        (SELECT json_group_array(json_object('source', s.slug, 'paragraph', pa.number) ORDER BY s.slug, pa.number)
           FROM citations c JOIN paragraphs pa ON pa.id = c.paragraph_id JOIN sources s ON s.id = pa.source_id
          WHERE c.subject_type = 'event' AND c.subject_id = e.id) AS citations,
        (SELECT json_group_array(json_object('slug', c.slug, 'name', c.name) ORDER BY c.name)
           FROM event_sides es JOIN countries c ON c.id = es.country_id WHERE es.event_id = e.id) AS sides
   FROM events e";

fn push_order(qb: &mut QueryBuilder<Sqlite>, sort: Sort) {
    qb.push(match sort {
        Sort::Asc => " ORDER BY e.date_start, e.date_end, e.slug",
        Sort::Desc => " ORDER BY e.date_start DESC, e.date_end DESC, e.slug DESC",
    });
}

/// The events matching the query, in date order, at most `TIMELINE_LIMIT`.
#[tracing::instrument(skip(pool))]
pub async fn matching(pool: &SqlitePool, q: &EventQuery) -> Result<Vec<EventListRow>, sqlx::Error> {
    let mut qb = QueryBuilder::new(LIST_COLUMNS);
    push_conditions(&mut qb, q, None);
    push_order(&mut qb, q.sort);
    qb.push(" LIMIT ").push_bind(TIMELINE_LIMIT);
    qb.build_query_as().fetch_all(pool).await
}

/// Where a page of events ends: the timeline's sort key of its last event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub date_start: String,
    pub date_end: String,
    pub slug: String,
}

impl Cursor {
    pub fn after(row: &EventListRow) -> Self {
        Self {
            date_start: row.date_start.clone(),
            date_end: row.date_end.clone(),
            slug: row.slug.clone(),
        }
    }

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

/// One page of the matching events after `cursor`, by keyset (never OFFSET), in the query's order.
#[tracing::instrument(skip(pool))]
pub async fn page(
    pool: &SqlitePool,
    q: &EventQuery,
    cursor: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<EventListRow>, sqlx::Error> {
    let mut qb = QueryBuilder::new(LIST_COLUMNS);
    push_conditions(&mut qb, q, None);
    if let Some(c) = cursor {
        qb.push(match q.sort {
            Sort::Asc => " AND (e.date_start, e.date_end, e.slug) > (",
            Sort::Desc => " AND (e.date_start, e.date_end, e.slug) < (",
        });
        qb.push_bind(c.date_start.clone())
            .push(", ")
            .push_bind(c.date_end.clone())
            .push(", ")
            .push_bind(c.slug.clone())
            .push(")");
    }
    push_order(&mut qb, q.sort);
    qb.push(" LIMIT ").push_bind(limit);
    qb.build_query_as().fetch_all(pool).await
}

/// How many events match the query.
#[tracing::instrument(skip(pool))]
pub async fn count_matching(pool: &SqlitePool, q: &EventQuery) -> Result<i64, sqlx::Error> {
    let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM events e");
    push_conditions(&mut qb, q, None);
    qb.build_query_scalar().fetch_one(pool).await
}

/// The options of one facet with how many events each would match under the other filters.
/// Every value that has any event is listed, so a selected one stays visible at zero.
#[tracing::instrument(skip(pool))]
pub async fn facet_counts(
    pool: &SqlitePool,
    q: &EventQuery,
    facet: Facet,
) -> Result<Vec<Counted>, sqlx::Error> {
    let mut qb = QueryBuilder::new("WITH matched(id) AS (SELECT e.id FROM events e");
    push_conditions(&mut qb, q, Some(facet));
    qb.push(") ");
    qb.push(match facet {
        Facet::Officials => {
            "SELECT p.slug, p.name, COUNT(m.id) AS count FROM people p
               JOIN event_people x ON x.person_id = p.id LEFT JOIN matched m ON m.id = x.event_id
              GROUP BY p.id ORDER BY p.name"
        }
        Facet::Topics => {
            "SELECT t.slug, t.name, COUNT(m.id) AS count FROM topics t
               JOIN event_topics x ON x.topic_id = t.id LEFT JOIN matched m ON m.id = x.event_id
              GROUP BY t.id ORDER BY t.name"
        }
        Facet::Countries => {
            "SELECT c.slug, c.name, COUNT(m.id) AS count FROM countries c
               JOIN event_countries x ON x.country_id = c.id LEFT JOIN matched m ON m.id = x.event_id
              GROUP BY c.id ORDER BY c.name"
        }
        Facet::Kinds => {
            "SELECT e.kind AS slug, e.kind AS name, COUNT(m.id) AS count FROM events e
               LEFT JOIN matched m ON m.id = e.id GROUP BY e.kind ORDER BY e.kind"
        }
    });
    qb.build_query_as().fetch_all(pool).await
}

/// The events a person took part in, in date order.
#[tracing::instrument(skip(pool))]
pub async fn of_person(
    pool: &SqlitePool,
    person_id: i64,
) -> Result<Vec<EventListRow>, sqlx::Error> {
    of_join(pool, "event_people", "person_id", person_id).await
}

/// The events about a topic, in date order.
#[tracing::instrument(skip(pool))]
pub async fn of_topic(pool: &SqlitePool, topic_id: i64) -> Result<Vec<EventListRow>, sqlx::Error> {
    of_join(pool, "event_topics", "topic_id", topic_id).await
}

/// The events an organisation took part in, in date order.
#[tracing::instrument(skip(pool))]
pub async fn of_organization(
    pool: &SqlitePool,
    organization_id: i64,
) -> Result<Vec<EventListRow>, sqlx::Error> {
    of_join(
        pool,
        "event_organizations",
        "organization_id",
        organization_id,
    )
    .await
}

async fn of_join(
    pool: &SqlitePool,
    table: &'static str,
    column: &'static str,
    id: i64,
) -> Result<Vec<EventListRow>, sqlx::Error> {
    // `table` and `column` are fixed names from the functions above, never input.
    let mut qb = QueryBuilder::new(LIST_COLUMNS);
    qb.push(format!(
        " WHERE e.id IN (SELECT event_id FROM {table} WHERE {column} = "
    ));
    qb.push_bind(id).push(")");
    push_order(&mut qb, Sort::Asc);
    qb.build_query_as().fetch_all(pool).await
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
}

#[tracing::instrument(skip(pool))]
pub async fn by_slug(pool: &SqlitePool, slug: &str) -> Result<Option<EventRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, slug, title, kind, date_start, date_end, date_precision, date_label, date_phrase, location,
                status, class, summary
           FROM events WHERE slug = ?1",
    )
    .bind(slug)
    .fetch_optional(pool)
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
#[tracing::instrument(skip(pool))]
pub async fn participants(
    pool: &SqlitePool,
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
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganizationRoleRow {
    pub slug: String,
    pub name: String,
    pub role: String,
}

#[tracing::instrument(skip(pool))]
pub async fn organizations(
    pool: &SqlitePool,
    event_id: i64,
) -> Result<Vec<OrganizationRoleRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.slug, o.name, eo.role FROM event_organizations eo JOIN organizations o ON o.id = eo.organization_id
          WHERE eo.event_id = ?1 ORDER BY eo.position",
    )
    .bind(event_id)
    .fetch_all(pool)
    .await
}

#[tracing::instrument(skip(pool))]
pub async fn topics(pool: &SqlitePool, event_id: i64) -> Result<Vec<Named>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.slug, t.name FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = ?1 ORDER BY t.name",
    )
    .bind(event_id)
    .fetch_all(pool)
    .await
}

/// The countries that acted in the event.
#[tracing::instrument(skip(pool))]
pub async fn sides(pool: &SqlitePool, event_id: i64) -> Result<Vec<Named>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.slug, c.name FROM event_sides s JOIN countries c ON c.id = s.country_id WHERE s.event_id = ?1 ORDER BY c.name",
    )
    .bind(event_id)
    .fetch_all(pool)
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
    /// The paragraph numbers the quote cites, comma-separated.
    pub paragraphs: Option<String>,
}

const QUOTE_COLUMNS: &str = "SELECT q.slug, q.text, p.slug AS speaker_slug, p.name AS speaker_name,
        e.slug AS event_slug, e.title AS event_title, e.date_label AS event_date_label,
        (SELECT group_concat(pa.number, ', ' ORDER BY pa.number) FROM citations c
           JOIN paragraphs pa ON pa.id = c.paragraph_id
          WHERE c.subject_type = 'quote' AND c.subject_id = q.id) AS paragraphs
   FROM quotes q JOIN people p ON p.id = q.person_id LEFT JOIN events e ON e.id = q.event_id";

/// The quotes said at an event, in the order of the paragraphs they come from.
#[tracing::instrument(skip(pool))]
pub async fn quotes(pool: &SqlitePool, event_id: i64) -> Result<Vec<QuoteRow>, sqlx::Error> {
    sqlx::query_as(AssertSqlSafe(format!(
        "{QUOTE_COLUMNS} WHERE q.event_id = ?1 ORDER BY q.id"
    )))
    .bind(event_id)
    .fetch_all(pool)
    .await
}

/// A person's quotes, in date order.
#[tracing::instrument(skip(pool))]
pub async fn quotes_by(pool: &SqlitePool, person_id: i64) -> Result<Vec<QuoteRow>, sqlx::Error> {
    sqlx::query_as(AssertSqlSafe(format!(
        "{QUOTE_COLUMNS} WHERE q.person_id = ?1 ORDER BY e.date_start, q.id"
    )))
    .bind(person_id)
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Neighbour {
    pub slug: String,
    pub title: String,
    pub date_label: String,
}

/// The events just before and after this one on the timeline.
#[tracing::instrument(skip(pool))]
pub async fn neighbours(
    pool: &SqlitePool,
    event: &EventRow,
) -> Result<(Option<Neighbour>, Option<Neighbour>), sqlx::Error> {
    let previous = sqlx::query_as(
        "SELECT slug, title, date_label FROM events WHERE (date_start, date_end, slug) < (?1, ?2, ?3)
          ORDER BY date_start DESC, date_end DESC, slug DESC LIMIT 1",
    )
    .bind(&event.date_start)
    .bind(&event.date_end)
    .bind(&event.slug)
    .fetch_optional(pool)
    .await?;
    let next = sqlx::query_as(
        "SELECT slug, title, date_label FROM events WHERE (date_start, date_end, slug) > (?1, ?2, ?3)
          ORDER BY date_start, date_end, slug LIMIT 1",
    )
    .bind(&event.date_start)
    .bind(&event.date_end)
    .bind(&event.slug)
    .fetch_optional(pool)
    .await?;
    Ok((previous, next))
}

/// Events sharing the most people and topics with this one, the nearest in time first.
#[tracing::instrument(skip(pool))]
pub async fn related(
    pool: &SqlitePool,
    event: &EventRow,
    limit: i64,
) -> Result<Vec<Neighbour>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.slug, e.title, e.date_label FROM (
             SELECT event_id FROM event_topics WHERE topic_id IN (SELECT topic_id FROM event_topics WHERE event_id = ?1)
             UNION ALL
             SELECT event_id FROM event_people WHERE person_id IN (SELECT person_id FROM event_people WHERE event_id = ?1)
         ) shared
         JOIN events e ON e.id = shared.event_id
        WHERE e.id <> ?1
        GROUP BY e.id
        ORDER BY COUNT(*) DESC, abs(julianday(e.date_start) - julianday(?2)), e.slug
        LIMIT ?3",
    )
    .bind(event.id)
    .bind(&event.date_start)
    .bind(limit)
    .fetch_all(pool)
    .await
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

#[tracing::instrument(skip(pool))]
pub async fn totals(pool: &SqlitePool) -> Result<Totals, sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM events) AS events, (SELECT COUNT(*) FROM people) AS people,
                (SELECT COUNT(*) FROM organizations) AS organizations, (SELECT COUNT(*) FROM topics) AS topics,
                (SELECT COUNT(*) FROM agreements) AS agreements, (SELECT COUNT(*) FROM quotes) AS quotes,
                (SELECT COUNT(*) FROM sources) AS sources,
                (SELECT COUNT(DISTINCT paragraph_id) FROM citations) AS cited_paragraphs",
    )
    .fetch_one(pool)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SourceSummary {
    pub slug: String,
    pub title: String,
    pub publisher: Option<String>,
    pub published: String,
    pub url: Option<String>,
    pub paragraphs: i64,
    pub cited: i64,
}

/// Every source with how many of its paragraphs the dataset cites.
#[tracing::instrument(skip(pool))]
pub async fn sources(pool: &SqlitePool) -> Result<Vec<SourceSummary>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.slug, s.title, s.publisher, s.published, s.url,
                (SELECT COUNT(*) FROM paragraphs WHERE source_id = s.id) AS paragraphs,
                (SELECT COUNT(DISTINCT c.paragraph_id) FROM citations c
                   JOIN paragraphs p ON p.id = c.paragraph_id WHERE p.source_id = s.id) AS cited
           FROM sources s ORDER BY s.published DESC, s.slug",
    )
    .fetch_all(pool)
    .await
}
