//! The maintained event counts per filter value (`event_value_counts`: the facets' options and
//! their names, the graph's officials) and per pair of values (`event_pair_counts`: an
//! official's companions and topics, a topic's officials, the graph's edges), rebuilt from the
//! tables inside every import's transaction so they never disagree with them. The timeline's
//! counts and chart are the event index's (`db::index`), not these.

use sqlx::SqliteConnection;

/// Recounts the events of every filter value and pair of values, and the total.
pub async fn rebuild(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    // Migration 0004 fills the table once with the same statements; keep them in step.
    for statement in [
        "DELETE FROM event_value_counts",
        "DELETE FROM event_pair_counts",
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
        "INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
         SELECT 'official', la.slug, 'official', lb.slug, g.n FROM (SELECT x.person_id AS a, y.person_id AS b, COUNT(*) AS n FROM event_people x JOIN event_people y ON y.event_id = x.event_id AND y.person_id <> x.person_id GROUP BY x.person_id, y.person_id) g JOIN people la ON la.id = g.a JOIN people lb ON lb.id = g.b",
        "INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
         SELECT 'official', la.slug, 'topic', lb.slug, g.n FROM (SELECT x.person_id AS a, y.topic_id AS b, COUNT(*) AS n FROM event_people x JOIN event_topics y ON y.event_id = x.event_id GROUP BY x.person_id, y.topic_id) g JOIN people la ON la.id = g.a JOIN topics lb ON lb.id = g.b",
        "INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
         SELECT 'official', la.slug, 'kind', g.b, g.n FROM (SELECT x.person_id AS a, y.kind AS b, COUNT(*) AS n FROM event_people x JOIN events y ON y.id = x.event_id GROUP BY x.person_id, y.kind) g JOIN people la ON la.id = g.a",
        "INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
         SELECT 'official', la.slug, 'country', lb.slug, g.n FROM (SELECT x.person_id AS a, y.country_id AS b, COUNT(*) AS n FROM event_people x JOIN event_countries y ON y.event_id = x.event_id GROUP BY x.person_id, y.country_id) g JOIN people la ON la.id = g.a JOIN countries lb ON lb.id = g.b",
        "INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
         SELECT 'topic', la.slug, 'kind', g.b, g.n FROM (SELECT x.topic_id AS a, y.kind AS b, COUNT(*) AS n FROM event_topics x JOIN events y ON y.id = x.event_id GROUP BY x.topic_id, y.kind) g JOIN topics la ON la.id = g.a",
        "INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
         SELECT 'topic', la.slug, 'country', lb.slug, g.n FROM (SELECT x.topic_id AS a, y.country_id AS b, COUNT(*) AS n FROM event_topics x JOIN event_countries y ON y.event_id = x.event_id GROUP BY x.topic_id, y.country_id) g JOIN topics la ON la.id = g.a JOIN countries lb ON lb.id = g.b",
        "INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
         SELECT 'kind', g.a, 'country', lb.slug, g.n FROM (SELECT x.kind AS a, y.country_id AS b, COUNT(*) AS n FROM events x JOIN event_countries y ON y.event_id = x.id GROUP BY x.kind, y.country_id) g JOIN countries lb ON lb.id = g.b",
        "INSERT INTO event_pair_counts (facet, slug, other_facet, other_slug, count)
         SELECT other_facet, other_slug, facet, slug, count FROM event_pair_counts WHERE facet <> other_facet",
    ] {
        sqlx::query(statement).execute(&mut *conn).await?;
    }
    Ok(())
}
