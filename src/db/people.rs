//! People: the officials index and an official's page.

use sqlx::SqlitePool;

use super::Counted;

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

#[tracing::instrument(skip(pool))]
pub async fn by_slug(pool: &SqlitePool, slug: &str) -> Result<Option<PersonRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, p.slug, p.name, p.native_name, c.slug AS country_slug, c.name AS country, p.wikidata, p.summary
           FROM people p JOIN countries c ON c.id = p.country_id WHERE p.slug = ?1",
    )
    .bind(slug)
    .fetch_optional(pool)
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
#[tracing::instrument(skip(pool))]
pub async fn all(pool: &SqlitePool) -> Result<Vec<OfficialListRow>, sqlx::Error> {
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
    .fetch_all(pool)
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
#[tracing::instrument(skip(pool))]
pub async fn roles(pool: &SqlitePool, person_id: i64) -> Result<Vec<RoleRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.title, o.slug AS organization_slug, o.name AS organization, r.start_date, r.end_date, r.basis
           FROM roles r LEFT JOIN organizations o ON o.id = r.organization_id
          WHERE r.person_id = ?1
          ORDER BY r.end_date IS NULL DESC, r.end_date DESC, r.start_date DESC, r.position",
    )
    .bind(person_id)
    .fetch_all(pool)
    .await
}

/// The people who took part in events with this person, with how many events they shared
/// (maintained at import).
#[tracing::instrument(skip(pool))]
pub async fn met_with(pool: &SqlitePool, person_id: i64) -> Result<Vec<Counted>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.slug, p.name, x.count FROM event_pair_counts x JOIN people p ON p.slug = x.other_slug
          WHERE x.facet = 'official' AND x.slug = (SELECT slug FROM people WHERE id = ?1)
            AND x.other_facet = 'official'
          ORDER BY x.count DESC, p.name",
    )
    .bind(person_id)
    .fetch_all(pool)
    .await
}

/// The topics of this person's events, with counts (maintained at import).
#[tracing::instrument(skip(pool))]
pub async fn topics(pool: &SqlitePool, person_id: i64) -> Result<Vec<Counted>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.slug, t.name, x.count FROM event_pair_counts x JOIN topics t ON t.slug = x.other_slug
          WHERE x.facet = 'official' AND x.slug = (SELECT slug FROM people WHERE id = ?1)
            AND x.other_facet = 'topic'
          ORDER BY x.count DESC, t.name",
    )
    .bind(person_id)
    .fetch_all(pool)
    .await
}
