//! Organisations: the index and an organisation's page.

use sqlx::SqliteConnection;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganizationRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub native_name: Option<String>,
    pub kind: String,
    pub country: Option<String>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganizationListRow {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub country: Option<String>,
    pub events: i64,
}

#[tracing::instrument(skip(conn))]
pub async fn by_slug(
    conn: &mut SqliteConnection,
    slug: &str,
) -> Result<Option<OrganizationRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.slug, o.name, o.native_name, o.kind, c.name AS country, o.summary
           FROM organizations o LEFT JOIN countries c ON c.id = o.country_id WHERE o.slug = ?1",
    )
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await
}

/// Every organisation with its event count, by name.
#[tracing::instrument(skip(conn))]
pub async fn all(conn: &mut SqliteConnection) -> Result<Vec<OrganizationListRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.slug, o.name, o.kind, c.name AS country,
                (SELECT COUNT(*) FROM event_organizations WHERE organization_id = o.id) AS events
           FROM organizations o LEFT JOIN countries c ON c.id = o.country_id ORDER BY o.name",
    )
    .fetch_all(&mut *conn)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub slug: String,
    pub name: String,
    pub title: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

/// People with a role in the organisation.
#[tracing::instrument(skip(conn))]
pub async fn members(
    conn: &mut SqliteConnection,
    organization_id: i64,
) -> Result<Vec<MemberRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.slug, p.name, r.title, r.start_date, r.end_date
           FROM roles r JOIN people p ON p.id = r.person_id
          WHERE r.organization_id = ?1
          ORDER BY r.start_date DESC, p.name",
    )
    .bind(organization_id)
    .fetch_all(&mut *conn)
    .await
}
