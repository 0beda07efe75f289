//! The slugs each filter parameter accepts: the records of the dataset, by table.

use sqlx::SqliteConnection;

/// Every slug a filter can name, each list in slug order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownSlugs {
    pub officials: Vec<String>,
    pub topics: Vec<String>,
    pub countries: Vec<String>,
    pub organizations: Vec<String>,
}

/// The slugs of people, topics, countries and organisations, in one statement.
#[tracing::instrument(skip(conn))]
pub async fn known(conn: &mut SqliteConnection) -> Result<KnownSlugs, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT 'official', slug FROM people
         UNION ALL SELECT 'topic', slug FROM topics
         UNION ALL SELECT 'country', slug FROM countries
         UNION ALL SELECT 'organization', slug FROM organizations
         ORDER BY 1, 2",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut known = KnownSlugs::default();
    for (table, slug) in rows {
        let list = match table.as_str() {
            "official" => &mut known.officials,
            "topic" => &mut known.topics,
            "country" => &mut known.countries,
            _ => &mut known.organizations,
        };
        list.push(slug);
    }
    Ok(known)
}
