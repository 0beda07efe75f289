//! Which data revision a record's page shows: the latest, and the one that last changed the
//! record. Read in the record's own read transaction, so a page's "Cite this" names the
//! revision its content comes from.

use sqlx::SqliteConnection;

use crate::db::revisions::{self, RevisionRow};
use crate::error::Result;

/// The revisions a record's citation names.
pub struct Provenance {
    /// The latest revision of the data.
    pub latest: Option<RevisionRow>,
    /// The revision that last added or changed the record, if the change history knows.
    pub changed: Option<RevisionRow>,
}

/// The provenance of the record of `record_type` ("event", "person", "agreement") with this
/// slug, read on `conn`.
pub async fn of(conn: &mut SqliteConnection, record_type: &str, slug: &str) -> Result<Provenance> {
    Ok(Provenance {
        latest: revisions::latest(&mut *conn).await?,
        changed: revisions::last_change(&mut *conn, record_type, slug).await?,
    })
}
