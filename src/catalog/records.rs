//! An official, a topic or an organisation with everything its page shows: the HTML pages
//! (`web::officials`, `web::topics`, `web::organizations`) and the JSON (`api::records`) render
//! the same answer.

use std::sync::Arc;

use sqlx::SqlitePool;

use super::agreements::{JudgedAgreement, judged};
use crate::db::Counted;
use crate::db::agreements::{self, AgreementRow};
use crate::db::annotations::{self, CitedParagraph, NoteRow, Subject};
use crate::db::events::{self, EventListRow, QuoteRow};
use crate::db::index::{Link, SharedIndex};
use crate::db::organizations::{self, MemberRow, OrganizationRow};
use crate::db::people::{self, PersonRow, RoleRow};
use crate::db::topics::{self, TopicRow};
use crate::error::Result;

/// What every record's page shows besides its own fields: its latest events and how many it
/// has in all, its agreements judged today, the editors' notes and the cited paragraphs.
pub struct Involvement {
    /// The latest `events::RECORD_EVENTS` of its events, in timeline order.
    pub events: Vec<EventListRow>,
    /// All its events; `events` holds the latest of them.
    pub events_total: i64,
    pub agreements: Vec<JudgedAgreement>,
    pub notes: Vec<NoteRow>,
    pub citations: Vec<CitedParagraph>,
}

async fn involvement(
    pool: &SqlitePool,
    index: &Arc<SharedIndex>,
    (link, subject, id): (Link, Subject, i64),
    agreements: Vec<AgreementRow>,
) -> Result<Involvement> {
    let mut snapshot = index.snapshot(pool).await?;
    let conn = &mut *snapshot.tx;
    Ok(Involvement {
        events_total: events::count_of_record(&snapshot.index, link, id),
        events: events::of_record(conn, &snapshot.index, link, id).await?,
        agreements: judged(conn, agreements).await?,
        notes: annotations::notes(conn, subject, id).await?,
        citations: annotations::citations(conn, subject, id).await?,
    })
}

pub struct OfficialRecord {
    pub person: PersonRow,
    pub aliases: Vec<String>,
    /// Their titles, latest first.
    pub roles: Vec<RoleRow>,
    /// Their latest `events::RECORD_QUOTES` quotes, in date order.
    pub quotes: Vec<QuoteRow>,
    /// The officials they shared events with, most first.
    pub met_with: Vec<Counted>,
    pub topics: Vec<Counted>,
    pub involvement: Involvement,
}

/// The official with this slug, or `None` when there is none.
pub async fn official(
    pool: &SqlitePool,
    index: &Arc<SharedIndex>,
    slug: &str,
) -> Result<Option<OfficialRecord>> {
    let Some(person) = people::by_slug(pool, slug).await? else {
        return Ok(None);
    };
    let id = person.id;
    let involved = agreements::of_person(pool, id).await?;
    Ok(Some(OfficialRecord {
        aliases: annotations::aliases(pool, Subject::Person, id).await?,
        roles: people::roles(pool, id).await?,
        quotes: events::quotes_by(pool, id).await?,
        met_with: people::met_with(pool, id).await?,
        topics: people::topics(pool, id).await?,
        involvement: involvement(pool, index, (Link::Person, Subject::Person, id), involved)
            .await?,
        person,
    }))
}

pub struct TopicRecord {
    pub topic: TopicRow,
    /// The officials most involved in it, most events first.
    pub officials: Vec<Counted>,
    pub involvement: Involvement,
}

/// The topic with this slug, or `None` when there is none.
pub async fn topic(
    pool: &SqlitePool,
    index: &Arc<SharedIndex>,
    slug: &str,
) -> Result<Option<TopicRecord>> {
    let Some(topic) = topics::by_slug(pool, slug).await? else {
        return Ok(None);
    };
    let id = topic.id;
    let involved = agreements::on_topic(pool, id).await?;
    Ok(Some(TopicRecord {
        officials: topics::officials(pool, id).await?,
        involvement: involvement(pool, index, (Link::Topic, Subject::Topic, id), involved).await?,
        topic,
    }))
}

pub struct OrganizationRecord {
    pub organization: OrganizationRow,
    pub aliases: Vec<String>,
    /// The people who held a title in it.
    pub members: Vec<MemberRow>,
    pub involvement: Involvement,
}

/// The organisation with this slug, or `None` when there is none.
pub async fn organization(
    pool: &SqlitePool,
    index: &Arc<SharedIndex>,
    slug: &str,
) -> Result<Option<OrganizationRecord>> {
    let Some(organization) = organizations::by_slug(pool, slug).await? else {
        return Ok(None);
    };
    let id = organization.id;
    let involved = agreements::of_organization(pool, id).await?;
    Ok(Some(OrganizationRecord {
        aliases: annotations::aliases(pool, Subject::Organization, id).await?,
        members: organizations::members(pool, id).await?,
        involvement: involvement(
            pool,
            index,
            (Link::Organization, Subject::Organization, id),
            involved,
        )
        .await?,
        organization,
    }))
}
