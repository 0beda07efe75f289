//! One event with everything its page shows, read in one read transaction: the HTML page
//! (`web::events`) and the JSON (`api::events`) render the same answer, from one revision.

use sqlx::SqlitePool;

use super::agreements::{JudgedAgreement, judged};
use super::provenance::{self, Provenance};
use crate::catalog::{Answer, revision};
use crate::db::Named;
use crate::db::agreements;
use crate::db::annotations::{self, CitedParagraph, NoteRow, Subject};
use crate::db::events::{
    self, EventRow, Neighbour, OrganizationRoleRow, ParticipantRow, PhaseRow, QuoteRow,
};
use crate::db::readouts::{self, EventAccounts};
use crate::error::Result;

/// How many related events an event's page lists.
pub const RELATED: i64 = 5;

/// An event and everything known about it.
pub struct EventRecord {
    pub event: EventRow,
    /// The countries that acted in it.
    pub sides: Vec<Named>,
    pub participants: Vec<ParticipantRow>,
    pub organizations: Vec<OrganizationRoleRow>,
    pub topics: Vec<Named>,
    /// A policy action's phases, oldest first (empty for other events), and where it stands
    /// today in words.
    pub phases: Vec<PhaseRow>,
    pub phase_state: Option<String>,
    pub quotes: Vec<QuoteRow>,
    /// Agreements reached at the event, judged.
    pub agreements: Vec<JudgedAgreement>,
    /// Agreements made earlier that this event fulfils, partly fulfils or breaks, judged.
    pub follows_up: Vec<JudgedAgreement>,
    /// Each side's account and their comparison (empty when none is recorded).
    pub accounts: EventAccounts,
    pub notes: Vec<NoteRow>,
    pub citations: Vec<CitedParagraph>,
    /// The events just before and after it on the timeline.
    pub previous: Option<Neighbour>,
    pub next: Option<Neighbour>,
    /// Events sharing the most people and topics with it, nearest in time first.
    pub related: Vec<Neighbour>,
    /// The revisions its citation names.
    pub provenance: Provenance,
}

/// The event with this slug, or `None` when there is none. Every read runs in one read
/// transaction, so an import committing meanwhile is either wholly seen or not at all.
pub async fn event(pool: &SqlitePool, slug: &str) -> Result<Answer<Option<EventRecord>>> {
    let mut read = revision::read(pool).await?;
    let conn = &mut *read.tx;
    let Some(event) = events::by_slug(&mut *conn, slug).await? else {
        return read.answer(None).await;
    };
    let (previous, next) = events::neighbours(&mut *conn, &event).await?;
    let phases = events::phases(&mut *conn, event.id).await?;
    let reached = agreements::reached_at(&mut *conn, event.id).await?;
    let followed = agreements::followed_up_by(&mut *conn, event.id).await?;
    let record = EventRecord {
        phase_state: events::phase_state(&phases, crate::domain::date::today()),
        phases,
        sides: events::sides(&mut *conn, event.id).await?,
        participants: events::participants(&mut *conn, &event).await?,
        organizations: events::organizations(&mut *conn, event.id).await?,
        topics: events::topics(&mut *conn, event.id).await?,
        quotes: events::quotes(&mut *conn, event.id).await?,
        agreements: judged(&mut *conn, reached).await?,
        follows_up: judged(&mut *conn, followed).await?,
        accounts: readouts::of_event(&mut *conn, event.id).await?,
        notes: annotations::notes(&mut *conn, Subject::Event, event.id).await?,
        citations: annotations::citations(&mut *conn, Subject::Event, event.id).await?,
        related: events::related(&mut *conn, &event, RELATED).await?,
        provenance: provenance::of(&mut *conn, "event", &event.slug).await?,
        previous,
        next,
        event,
    };
    read.answer(Some(record)).await
}
