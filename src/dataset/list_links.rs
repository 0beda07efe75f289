//! Each event's links as its list row shows them (`event_list_links`: officials, topics,
//! citations and sides, with their names), rebuilt from the tables inside every import's
//! transaction so a page of rows is one read per row and never disagrees with the tables.

use sqlx::SqliteConnection;

/// Rebuilds every event's list links from the link tables. The migration that added them is
/// written to be run again, and is, so the statement is written once.
pub async fn rebuild(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(include_str!("../../migrations/0016_event_list_links.sql"))
        .execute(&mut *conn)
        .await?;
    Ok(())
}
