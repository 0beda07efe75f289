//! The record lists: every official (`/officials`, its JSON and CSV), every topic, every
//! organisation, each with its event count, read in one read transaction.

use sqlx::SqlitePool;

use super::revision::{self, Answer};
use crate::db::organizations::{self, OrganizationListRow};
use crate::db::people::{self, OfficialListRow};
use crate::db::topics::{self, TopicListRow};
use crate::error::Result;

/// Every official, by country and name, with their latest title.
pub async fn officials(pool: &SqlitePool) -> Result<Answer<Vec<OfficialListRow>>> {
    let mut read = revision::read(pool).await?;
    let value = people::all(&mut read.tx).await?;
    read.answer(value).await
}

/// Every topic, by name.
pub async fn topics(pool: &SqlitePool) -> Result<Answer<Vec<TopicListRow>>> {
    let mut read = revision::read(pool).await?;
    let value = topics::all(&mut read.tx).await?;
    read.answer(value).await
}

/// Every organisation, by name.
pub async fn organizations(pool: &SqlitePool) -> Result<Answer<Vec<OrganizationListRow>>> {
    let mut read = revision::read(pool).await?;
    let value = organizations::all(&mut read.tx).await?;
    read.answer(value).await
}
