//! The sources: every source with how much of it is cited (`/sources`), and one source's text
//! with what cites each paragraph and the editors' notes (`/sources/{slug}` and its JSON), each
//! read in one read transaction.

use sqlx::SqlitePool;

use super::revision::{self, Answer};
use crate::db::annotations::{self, NoteRow, Subject};
use crate::db::sources::{self, CitingRow, ParagraphRow, SourceRow, SourceSummary};
use crate::error::Result;

/// Every source, latest first.
pub async fn summaries(pool: &SqlitePool) -> Result<Answer<Vec<SourceSummary>>> {
    let mut read = revision::read(pool).await?;
    let value = sources::summaries(&mut read.tx).await?;
    read.answer(value).await
}

/// A source and everything its page shows.
pub struct SourceRecord {
    pub source: SourceRow,
    /// Its paragraphs (or points), in order.
    pub paragraphs: Vec<ParagraphRow>,
    /// What cites each of its paragraphs.
    pub citing: Vec<CitingRow>,
    pub notes: Vec<NoteRow>,
}

/// The source with this slug, or `None` when there is none.
pub async fn source(pool: &SqlitePool, slug: &str) -> Result<Answer<Option<SourceRecord>>> {
    let mut read = revision::read(pool).await?;
    let value = match sources::by_slug(&mut read.tx, slug).await? {
        None => None,
        Some(source) => Some(SourceRecord {
            paragraphs: sources::paragraphs(&mut read.tx, source.id).await?,
            citing: sources::citing_records(&mut read.tx, source.id).await?,
            notes: annotations::notes(&mut read.tx, Subject::Source, source.id).await?,
            source,
        }),
    };
    read.answer(value).await
}
