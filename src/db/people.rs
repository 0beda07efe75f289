//! People: the officials index and an official's page.

use sqlx::SqliteConnection;

use super::Counted;
use super::events::{QuoteRow, RECORD_QUOTES};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub native_name: Option<String>,
    pub country_slug: String,
    pub country: String,
    pub wikidata: Option<String>,
    pub summary: Option<String>,
}

#[tracing::instrument(skip(conn))]
pub async fn by_slug(
    conn: &mut SqliteConnection,
    slug: &str,
) -> Result<Option<PersonRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, p.slug, p.name, p.native_name, c.slug AS country_slug, c.name AS country, p.wikidata, p.summary
           FROM people p JOIN countries c ON c.id = p.country_id WHERE p.slug = ?1",
    )
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfficialListRow {
    pub slug: String,
    pub name: String,
    pub native_name: Option<String>,
    pub country: String,
    /// The most recent title the dataset knows, and when it was held.
    pub title: Option<String>,
    pub title_from: Option<String>,
    pub title_to: Option<String>,
    pub events: i64,
}

/// Every person, by country and then name, with their latest title and event count.
#[tracing::instrument(skip(conn))]
pub async fn all(conn: &mut SqliteConnection) -> Result<Vec<OfficialListRow>, sqlx::Error> {
    sqlx::query_as(
        "WITH latest AS (
             SELECT person_id, title, start_date, end_date,
                    row_number() OVER (PARTITION BY person_id
                                       ORDER BY end_date IS NULL DESC, end_date DESC, start_date DESC) AS n
               FROM roles)
         SELECT p.slug, p.name, p.native_name, c.name AS country,
                l.title, l.start_date AS title_from, l.end_date AS title_to,
                (SELECT COUNT(*) FROM event_people WHERE person_id = p.id) AS events
           FROM people p
           JOIN countries c ON c.id = p.country_id
           LEFT JOIN latest l ON l.person_id = p.id AND l.n = 1
          ORDER BY c.name, p.name",
    )
    .fetch_all(&mut *conn)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoleRow {
    pub title: String,
    pub organization_slug: Option<String>,
    pub organization: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub basis: Option<String>,
}

/// A person's roles, the latest first.
#[tracing::instrument(skip(conn))]
pub async fn roles(
    conn: &mut SqliteConnection,
    person_id: i64,
) -> Result<Vec<RoleRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.title, o.slug AS organization_slug, o.name AS organization, r.start_date, r.end_date, r.basis
           FROM roles r LEFT JOIN organizations o ON o.id = r.organization_id
          WHERE r.person_id = ?1
          ORDER BY r.end_date IS NULL DESC, r.end_date DESC, r.start_date DESC, r.position",
    )
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await
}

/// The people who took part in events with this person, with how many events they shared
/// (maintained at import).
#[tracing::instrument(skip(conn))]
pub async fn met_with(
    conn: &mut SqliteConnection,
    person_id: i64,
) -> Result<Vec<Counted>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.slug, p.name, x.count FROM event_pair_counts x JOIN people p ON p.slug = x.other_slug
          WHERE x.facet = 'official' AND x.slug = (SELECT slug FROM people WHERE id = ?1)
            AND x.other_facet = 'official'
          ORDER BY x.count DESC, p.name",
    )
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await
}

/// The topics of this person's events, with counts (maintained at import).
#[tracing::instrument(skip(conn))]
pub async fn topics(
    conn: &mut SqliteConnection,
    person_id: i64,
) -> Result<Vec<Counted>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.slug, t.name, x.count FROM event_pair_counts x JOIN topics t ON t.slug = x.other_slug
          WHERE x.facet = 'official' AND x.slug = (SELECT slug FROM people WHERE id = ?1)
            AND x.other_facet = 'topic'
          ORDER BY x.count DESC, t.name",
    )
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await
}

/// A person's latest `RECORD_QUOTES` quotes, in date order: the dates of the events they were
/// said at, kept on each quote (`date_quotes`), so this is one walk of `quotes_speaker_date`
/// from the newest whatever the number of quotes.
#[tracing::instrument(skip(conn))]
pub async fn latest_quotes(
    conn: &mut SqliteConnection,
    person_id: i64,
) -> Result<Vec<QuoteRow>, sqlx::Error> {
    let mut rows: Vec<QuoteRow> = sqlx::query_as(
        "SELECT q.slug, q.text, p.slug AS speaker_slug, p.name AS speaker_name,
                e.slug AS event_slug, e.title AS event_title, e.date_label AS event_date_label,
                (SELECT group_concat(s.text_kind || ':' || pa.number, ',' ORDER BY s.published, s.slug, pa.number)
                   FROM citations c JOIN paragraphs pa ON pa.id = c.paragraph_id JOIN sources s ON s.id = pa.source_id
                  WHERE c.subject_type = 'quote' AND c.subject_id = q.id) AS paragraphs
           FROM quotes q JOIN people p ON p.id = q.person_id LEFT JOIN events e ON e.id = q.event_id
          WHERE q.person_id = ?1
          ORDER BY q.date DESC, q.id DESC LIMIT ?2",
    )
    .bind(person_id)
    .bind(RECORD_QUOTES)
    .fetch_all(&mut *conn)
    .await?;
    rows.reverse();
    Ok(rows)
}

/// Sets each quote's date to the day its event started (NULL for a quote said at no event),
/// where it differs: run by the import and `generate` after the events and quotes are written,
/// in their transaction. Migration 0014 filled older databases with the same statement.
pub async fn date_quotes(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE quotes SET date = (SELECT date_start FROM events WHERE id = quotes.event_id)
          WHERE date IS NOT (SELECT date_start FROM events WHERE id = quotes.event_id)",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
