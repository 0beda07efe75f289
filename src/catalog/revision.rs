//! The data revision an answer was read at. Every answer that shows data is read in one read
//! transaction (`read`), or one snapshot with the event index of the same revision
//! (`snapshot`), and carries the revision that transaction sees: a page is of one revision by
//! construction, and says which, so that it is kept (and dated) under that revision only.

use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use time::OffsetDateTime;

use crate::db::index::{SharedIndex, Snapshot};
use crate::db::revisions;
use crate::error::{Error, Result};

/// A revision of the data: its id, and when its latest change was made (a page's
/// `Last-Modified`). Handlers attach it to their response; the HTTP cache keys the page by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revision {
    pub id: i64,
    pub at: Option<OffsetDateTime>,
}

impl From<revisions::Stamp> for Revision {
    fn from((id, at): revisions::Stamp) -> Self {
        Self { id, at }
    }
}

/// An answer and the revision it was read at (`None` before any import).
#[derive(Debug)]
pub struct Answer<T> {
    pub revision: Option<Revision>,
    pub value: T,
}

impl<T> Answer<T> {
    /// The revision and the answer, apart.
    pub fn into_parts(self) -> (Option<Revision>, T) {
        (self.revision, self.value)
    }
}

impl<T> Answer<Option<T>> {
    /// The record answered, or `Error::NotFound` when there is none.
    pub fn found(self) -> Result<Answer<T>> {
        match self.value {
            Some(value) => Ok(Answer {
                revision: self.revision,
                value,
            }),
            None => Err(Error::NotFound),
        }
    }
}

/// The revision `conn`'s read transaction sees.
pub async fn seen(conn: &mut SqliteConnection) -> Result<Option<Revision>> {
    Ok(revisions::latest_stamp(&mut *conn)
        .await?
        .map(Revision::from))
}

/// A read transaction and the revision it sees.
pub struct Read {
    pub tx: Transaction<'static, Sqlite>,
    pub revision: Option<Revision>,
}

impl Read {
    /// Ends the transaction: `value`, read in it, is the answer of its revision.
    pub async fn answer<T>(self, value: T) -> Result<Answer<T>> {
        self.tx.commit().await?;
        Ok(Answer {
            revision: self.revision,
            value,
        })
    }
}

/// Begins a read transaction and reads the revision it sees: its first read, which fixes
/// what every later read in it sees.
pub async fn read(pool: &SqlitePool) -> Result<Read> {
    let mut tx = pool.begin().await?;
    let revision = seen(&mut tx).await?;
    Ok(Read { tx, revision })
}

/// Begins a snapshot (a read transaction and the event index of the revision it sees) and
/// reads that revision.
pub async fn snapshot(
    pool: &SqlitePool,
    index: &SharedIndex,
) -> Result<(Snapshot, Option<Revision>)> {
    let snapshot = index.snapshot(pool).await?;
    let revision = snapshot.stamp.map(Revision::from);
    Ok((snapshot, revision))
}
