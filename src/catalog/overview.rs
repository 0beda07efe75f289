//! The site-wide views, each read in one read transaction: what `/about` counts, the change
//! history (`/changes`), who met whom (`/network`), the data package's revision and the slugs
//! the API's description gives as examples.

use sqlx::SqlitePool;

use super::revision::{self, Answer};
use crate::db::charts::{self, GraphEdge, GraphNode};
use crate::db::events::{self, Totals};
use crate::db::revisions::{self, ChangeRow, RevisionRow};
use crate::db::slugs::{self, KnownSlugs};
use crate::db::sources::{self, SourceSummary};
use crate::error::Result;

/// What the data holds: how many records of each kind, and every source.
pub struct About {
    pub totals: Totals,
    pub sources: Vec<SourceSummary>,
}

pub async fn about(pool: &SqlitePool) -> Result<Answer<About>> {
    let mut read = revision::read(pool).await?;
    let value = About {
        totals: events::totals(&mut read.tx).await?,
        sources: sources::summaries(&mut read.tx).await?,
    };
    read.answer(value).await
}

/// Every revision, newest first, and every change recorded, in the same order.
pub struct Changes {
    pub revisions: Vec<RevisionRow>,
    pub changes: Vec<ChangeRow>,
}

pub async fn changes(pool: &SqlitePool) -> Result<Answer<Changes>> {
    let mut read = revision::read(pool).await?;
    let value = Changes {
        changes: revisions::changes(&mut read.tx).await?,
        revisions: revisions::all(&mut read.tx).await?,
    };
    read.answer(value).await
}

/// The busiest officials, the pairs among them who shared the most events, and how many
/// officials took part in any event.
pub struct Network {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    pub officials: i64,
}

/// At most `max_officials` officials and `max_pairs` pairs among them.
pub async fn network(
    pool: &SqlitePool,
    max_officials: i64,
    max_pairs: i64,
) -> Result<Answer<Network>> {
    let mut read = revision::read(pool).await?;
    let (nodes, officials) = charts::graph_nodes(&mut read.tx, max_officials).await?;
    let edges = charts::graph_edges(&mut read.tx, &nodes, max_pairs).await?;
    read.answer(Network {
        nodes,
        edges,
        officials,
    })
    .await
}

/// The latest revision with what it changed: what the data package describes.
pub async fn latest_revision(pool: &SqlitePool) -> Result<Answer<Option<RevisionRow>>> {
    let mut read = revision::read(pool).await?;
    let value = revisions::latest(&mut *read.tx).await?;
    read.answer(value).await
}

/// The slugs of every official, topic, country and organisation.
pub async fn known_slugs(pool: &SqlitePool) -> Result<Answer<KnownSlugs>> {
    let mut read = revision::read(pool).await?;
    let value = slugs::known(&mut read.tx).await?;
    read.answer(value).await
}
