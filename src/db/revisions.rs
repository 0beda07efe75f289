//! Data revisions: one per successful import, with what it changed.

use sqlx::SqlitePool;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RevisionRow {
    pub id: i64,
    /// When the revision's latest change was made, as the data dates it: RFC 3339, UTC.
    pub changed_at: String,
    pub files: String,
    pub added: i64,
    pub updated: i64,
}

impl RevisionRow {
    /// The `YYYY-MM-DD` day of the revision's latest change.
    pub fn day(&self) -> &str {
        self.changed_at.get(..10).unwrap_or(&self.changed_at)
    }
}

const COLUMNS: &str = "SELECT r.id, coalesce(r.changed_at, r.imported_at) AS changed_at, r.files,
        (SELECT COUNT(*) FROM revision_changes WHERE revision_id = r.id AND change = 'added') AS added,
        (SELECT COUNT(*) FROM revision_changes WHERE revision_id = r.id AND change = 'updated') AS updated
   FROM revisions r";

/// The latest revision of the data.
#[tracing::instrument(skip(pool))]
pub async fn latest(pool: &SqlitePool) -> Result<Option<RevisionRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{COLUMNS} ORDER BY r.id DESC LIMIT 1"
    )))
    .fetch_optional(pool)
    .await
}

/// The latest revision's id, or 0 before any import: what data a judged page was built from.
#[tracing::instrument(skip(pool))]
pub async fn current_id(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT coalesce(MAX(id), 0) FROM revisions")
        .fetch_one(pool)
        .await
}

/// The revision that last added or changed a record.
#[tracing::instrument(skip(pool))]
pub async fn last_change(
    pool: &SqlitePool,
    record_type: &str,
    slug: &str,
) -> Result<Option<RevisionRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{COLUMNS} WHERE r.id = (SELECT MAX(revision_id) FROM revision_changes WHERE record_type = ?1 AND slug = ?2)"
    )))
    .bind(record_type)
    .bind(slug)
    .fetch_optional(pool)
    .await
}

/// Every revision, newest first.
#[tracing::instrument(skip(pool))]
pub async fn all(pool: &SqlitePool) -> Result<Vec<RevisionRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{COLUMNS} ORDER BY r.id DESC")))
        .fetch_all(pool)
        .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChangeRow {
    pub revision_id: i64,
    pub record_type: String,
    pub slug: String,
    pub change: String,
    /// The record's current title or name, where it still exists.
    pub name: Option<String>,
}

/// Every recorded change, newest revision first, by kind of record and name.
#[tracing::instrument(skip(pool))]
pub async fn changes(pool: &SqlitePool) -> Result<Vec<ChangeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.revision_id, c.record_type, c.slug, c.change,
                CASE c.record_type
                  WHEN 'event' THEN (SELECT title FROM events WHERE slug = c.slug)
                  WHEN 'agreement' THEN (SELECT title FROM agreements WHERE slug = c.slug)
                  WHEN 'person' THEN (SELECT name FROM people WHERE slug = c.slug)
                  WHEN 'organization' THEN (SELECT name FROM organizations WHERE slug = c.slug)
                  WHEN 'topic' THEN (SELECT name FROM topics WHERE slug = c.slug)
                  WHEN 'source' THEN (SELECT title FROM sources WHERE slug = c.slug)
                  WHEN 'country' THEN (SELECT name FROM countries WHERE slug = c.slug)
                  WHEN 'quote' THEN (SELECT substr(text, 1, 80) FROM quotes WHERE slug = c.slug)
                END AS name
           FROM revision_changes c
          ORDER BY c.revision_id DESC, c.record_type, name, c.slug",
    )
    .fetch_all(pool)
    .await
}

/// When each event's content last changed, as the data dates it.
#[tracing::instrument(skip(pool))]
pub async fn event_updates(
    pool: &SqlitePool,
) -> Result<std::collections::HashMap<String, String>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT slug, changed_at FROM record_digests
          WHERE record_type = 'event' AND changed_at IS NOT NULL",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().collect())
}
