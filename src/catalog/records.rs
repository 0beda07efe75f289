//! An official, a topic or an organisation with everything its page shows: the HTML pages
//! (`web::officials`, `web::topics`, `web::organizations`) and the JSON (`api::records`) render
//! the same answer, read from one snapshot (`SharedIndex::snapshot`): one read transaction and
//! the event index of the revision it sees, so a page never mixes two revisions.

use std::sync::Arc;

use sqlx::SqlitePool;

use super::agreements::{JudgedAgreement, judged};
use super::provenance::{self, Provenance};
use crate::catalog::{Answer, revision};
use crate::db::Counted;
use crate::db::agreements::{self, AgreementRow};
use crate::db::annotations::{self, CitedParagraph, NoteRow, Subject};
use crate::db::events::{self, EventListRow, EventQuery, QuoteRow};
use crate::db::index::{Link, SharedIndex, Snapshot};
use crate::db::organizations::{self, MemberRow, OrganizationRow};
use crate::db::people::{self, PersonRow, RoleRow};
use crate::db::topics::{self, TopicRow};
use crate::domain::{Slug, TimelineFilter};
use crate::error::{Error, Result};

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

/// The record's events, agreements judged, notes and citations, all from `snapshot`.
async fn involvement(
    snapshot: &mut Snapshot,
    (link, subject, id): (Link, Subject, i64),
    agreements: Vec<AgreementRow>,
) -> Result<Involvement> {
    let conn = &mut *snapshot.tx;
    Ok(Involvement {
        events_total: events::count_of_record(&snapshot.index, link, id),
        events: events::of_record(&mut *conn, &snapshot.index, link, id).await?,
        agreements: judged(&mut *conn, agreements).await?,
        notes: annotations::notes(&mut *conn, subject, id).await?,
        citations: annotations::citations(&mut *conn, subject, id).await?,
    })
}

/// One record's events as the timeline filters them (`/?official=…`): what its chart counts
/// and links to.
pub struct Activity {
    pub filter: TimelineFilter,
    /// `filter` resolved on the record's revision.
    pub events: EventQuery,
}

/// The timeline filtered to the official or topic (`link`) with this slug, resolved on the
/// snapshot.
async fn activity(snapshot: &mut Snapshot, link: Link, slug: &str) -> Result<Activity> {
    let slug =
        Slug::parse(slug).map_err(|e| Error::Internal(format!("stored slug {slug:?}: {e}")))?;
    let mut filter = TimelineFilter::default();
    match link {
        Link::Person => filter.officials.push(slug),
        Link::Topic => filter.topics.push(slug),
        // The timeline has no organisation filter, so an organisation's page has no chart.
        Link::Organization => {
            return Err(Error::Internal(
                "the timeline filters no organisation".into(),
            ));
        }
    }
    let events = events::resolve(&mut snapshot.tx, snapshot.index.clone(), &filter).await?;
    Ok(Activity { filter, events })
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
    /// Their events as a timeline filter, resolved on the record's revision: its chart.
    pub activity: Activity,
    /// The revisions their citation names.
    pub provenance: Provenance,
}

/// The official with this slug, or `None` when there is none.
pub async fn official(
    pool: &SqlitePool,
    index: &Arc<SharedIndex>,
    slug: &str,
) -> Result<Answer<Option<OfficialRecord>>> {
    let (mut snapshot, read_at) = revision::snapshot(pool, index).await?;
    let conn = &mut *snapshot.tx;
    let Some(person) = people::by_slug(&mut *conn, slug).await? else {
        return Ok(Answer {
            revision: read_at,
            value: None,
        });
    };
    let id = person.id;
    let involved = agreements::of_person(&mut *conn, id).await?;
    let record = OfficialRecord {
        aliases: annotations::aliases(&mut *conn, Subject::Person, id).await?,
        roles: people::roles(&mut *conn, id).await?,
        quotes: people::latest_quotes(&mut *conn, id).await?,
        met_with: people::met_with(&mut *conn, id).await?,
        topics: people::topics(&mut *conn, id).await?,
        involvement: involvement(&mut snapshot, (Link::Person, Subject::Person, id), involved)
            .await?,
        activity: activity(&mut snapshot, Link::Person, &person.slug).await?,
        provenance: provenance::of(&mut snapshot.tx, "person", &person.slug).await?,
        person,
    };
    Ok(Answer {
        revision: read_at,
        value: Some(record),
    })
}

pub struct TopicRecord {
    pub topic: TopicRow,
    /// The officials most involved in it, most events first.
    pub officials: Vec<Counted>,
    pub involvement: Involvement,
    /// Its events as a timeline filter, resolved on the record's revision: its chart.
    pub activity: Activity,
}

/// The topic with this slug, or `None` when there is none.
pub async fn topic(
    pool: &SqlitePool,
    index: &Arc<SharedIndex>,
    slug: &str,
) -> Result<Answer<Option<TopicRecord>>> {
    let (mut snapshot, read_at) = revision::snapshot(pool, index).await?;
    let conn = &mut *snapshot.tx;
    let Some(topic) = topics::by_slug(&mut *conn, slug).await? else {
        return Ok(Answer {
            revision: read_at,
            value: None,
        });
    };
    let id = topic.id;
    let involved = agreements::on_topic(&mut *conn, id).await?;
    let record = TopicRecord {
        officials: topics::officials(&mut *conn, id).await?,
        involvement: involvement(&mut snapshot, (Link::Topic, Subject::Topic, id), involved)
            .await?,
        activity: activity(&mut snapshot, Link::Topic, &topic.slug).await?,
        topic,
    };
    Ok(Answer {
        revision: read_at,
        value: Some(record),
    })
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
) -> Result<Answer<Option<OrganizationRecord>>> {
    let (mut snapshot, read_at) = revision::snapshot(pool, index).await?;
    let conn = &mut *snapshot.tx;
    let Some(organization) = organizations::by_slug(&mut *conn, slug).await? else {
        return Ok(Answer {
            revision: read_at,
            value: None,
        });
    };
    let id = organization.id;
    let involved = agreements::of_organization(&mut *conn, id).await?;
    let record = OrganizationRecord {
        aliases: annotations::aliases(&mut *conn, Subject::Organization, id).await?,
        members: organizations::members(&mut *conn, id).await?,
        involvement: involvement(
            &mut snapshot,
            (Link::Organization, Subject::Organization, id),
            involved,
        )
        .await?,
        organization,
    };
    Ok(Answer {
        revision: read_at,
        value: Some(record),
    })
}
