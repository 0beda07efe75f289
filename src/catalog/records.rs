//! An official, a topic or an organisation with everything its page shows: the HTML pages
//! (`web::officials`, `web::topics`, `web::organizations`) and the JSON (`api::records`) render
//! the same answer. A record's own rows are read in one read transaction, as an event's are
//! (`catalog::events`); its latest events and their count come from the event index of the
//! latest revision (`db::events::of_record`, which reads through the pool).

use std::sync::Arc;

use sqlx::{SqliteConnection, SqlitePool};

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

/// The record's agreements judged, its notes and citations, read on `conn` (the record's read
/// transaction); the events are added by `with_events` once it has ended.
async fn involvement(
    conn: &mut SqliteConnection,
    (subject, id): (Subject, i64),
    agreements: Vec<AgreementRow>,
) -> Result<Involvement> {
    Ok(Involvement {
        events: Vec::new(),
        events_total: 0,
        agreements: judged(&mut *conn, agreements).await?,
        notes: annotations::notes(&mut *conn, subject, id).await?,
        citations: annotations::citations(&mut *conn, subject, id).await?,
    })
}

/// Adds the record's latest events and their count, from the event index of the latest
/// revision. Called after the record's transaction has ended, so a page never holds two of
/// the pool's connections at once.
async fn with_events(
    pool: &SqlitePool,
    index: &Arc<SharedIndex>,
    (link, id): (Link, i64),
    involvement: &mut Involvement,
) -> Result<()> {
    let index = index.for_latest(pool).await;
    involvement.events_total = events::count_of_record(pool, index.as_deref(), link, id).await?;
    involvement.events = events::of_record(pool, index.as_deref(), link, id).await?;
    Ok(())
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
    let mut tx = pool.begin().await?;
    let conn = &mut *tx;
    let Some(person) = people::by_slug(&mut *conn, slug).await? else {
        return Ok(None);
    };
    let id = person.id;
    let involved = agreements::of_person(&mut *conn, id).await?;
    let mut record = OfficialRecord {
        aliases: annotations::aliases(&mut *conn, Subject::Person, id).await?,
        roles: people::roles(&mut *conn, id).await?,
        quotes: people::latest_quotes(&mut *conn, id).await?,
        met_with: people::met_with(&mut *conn, id).await?,
        topics: people::topics(&mut *conn, id).await?,
        involvement: involvement(&mut *conn, (Subject::Person, id), involved).await?,
        person,
    };
    tx.commit().await?;
    with_events(pool, index, (Link::Person, id), &mut record.involvement).await?;
    Ok(Some(record))
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
    let mut tx = pool.begin().await?;
    let conn = &mut *tx;
    let Some(topic) = topics::by_slug(&mut *conn, slug).await? else {
        return Ok(None);
    };
    let id = topic.id;
    let involved = agreements::on_topic(&mut *conn, id).await?;
    let mut record = TopicRecord {
        officials: topics::officials(&mut *conn, id).await?,
        involvement: involvement(&mut *conn, (Subject::Topic, id), involved).await?,
        topic,
    };
    tx.commit().await?;
    with_events(pool, index, (Link::Topic, id), &mut record.involvement).await?;
    Ok(Some(record))
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
    let mut tx = pool.begin().await?;
    let conn = &mut *tx;
    let Some(organization) = organizations::by_slug(&mut *conn, slug).await? else {
        return Ok(None);
    };
    let id = organization.id;
    let involved = agreements::of_organization(&mut *conn, id).await?;
    let mut record = OrganizationRecord {
        aliases: annotations::aliases(&mut *conn, Subject::Organization, id).await?,
        members: organizations::members(&mut *conn, id).await?,
        involvement: involvement(&mut *conn, (Subject::Organization, id), involved).await?,
        organization,
    };
    tx.commit().await?;
    with_events(
        pool,
        index,
        (Link::Organization, id),
        &mut record.involvement,
    )
    .await?;
    Ok(Some(record))
}
