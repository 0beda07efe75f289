//! Topics: the index and a topic's page.

use sqlx::SqliteConnection;

use super::Counted;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TopicRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub summary: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TopicListRow {
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub events: i64,
}

#[tracing::instrument(skip(conn))]
pub async fn by_slug(
    conn: &mut SqliteConnection,
    slug: &str,
) -> Result<Option<TopicRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, slug, name, summary FROM topics WHERE slug = ?1")
        .bind(slug)
        .fetch_optional(&mut *conn)
        .await
}

/// Every topic with its event count, by name.
#[tracing::instrument(skip(conn))]
pub async fn all(conn: &mut SqliteConnection) -> Result<Vec<TopicListRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.slug, t.name, t.summary, (SELECT COUNT(*) FROM event_topics WHERE topic_id = t.id) AS events
           FROM topics t ORDER BY t.name",
    )
    .fetch_all(&mut *conn)
    .await
}

/// The people most involved in a topic's events (counts maintained at import).
#[tracing::instrument(skip(conn))]
pub async fn officials(
    conn: &mut SqliteConnection,
    topic_id: i64,
) -> Result<Vec<Counted>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.slug, p.name, x.count FROM event_pair_counts x JOIN people p ON p.slug = x.other_slug
          WHERE x.facet = 'topic' AND x.slug = (SELECT slug FROM topics WHERE id = ?1)
            AND x.other_facet = 'official'
          ORDER BY x.count DESC, p.name",
    )
    .bind(topic_id)
    .fetch_all(&mut *conn)
    .await
}
