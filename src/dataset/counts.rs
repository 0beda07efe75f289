//! The maintained event counts per filter value (`event_value_counts`), rebuilt from the tables
//! inside every import's transaction so they never disagree with them.

use sqlx::SqliteConnection;

/// Recounts the events of every filter value, and the total.
pub async fn rebuild(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    // Migration 0004 fills the table once with the same statements; keep them in step.
    for statement in [
        "DELETE FROM event_value_counts",
        "INSERT INTO event_value_counts (facet, slug, value_id, name, count)
         SELECT 'all', 'all', 0, 'all', COUNT(*) FROM events",
        "INSERT INTO event_value_counts (facet, slug, value_id, name, count)
         SELECT 'official', p.slug, p.id, p.name, COUNT(*) FROM event_people x JOIN people p ON p.id = x.person_id GROUP BY p.id",
        "INSERT INTO event_value_counts (facet, slug, value_id, name, count)
         SELECT 'topic', t.slug, t.id, t.name, COUNT(*) FROM event_topics x JOIN topics t ON t.id = x.topic_id GROUP BY t.id",
        "INSERT INTO event_value_counts (facet, slug, value_id, name, count)
         SELECT 'kind', kind, 0, kind, COUNT(*) FROM events GROUP BY kind",
        "INSERT INTO event_value_counts (facet, slug, value_id, name, count)
         SELECT 'country', c.slug, c.id, c.name, COUNT(*) FROM event_countries x JOIN countries c ON c.id = x.country_id GROUP BY c.id",
    ] {
        sqlx::query(statement).execute(&mut *conn).await?;
    }
    Ok(())
}
