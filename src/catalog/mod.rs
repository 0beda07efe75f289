//! The query layer: every question the site asks of its data, answered once. The HTML pages
//! (`web`) and the JSON, CSV and feeds (`api`) parse a request, ask here, and render the
//! answer; neither imports the other.
//!
//! - `agreements`: agreements judged (status, reason, evidence) and the agreement filters' slugs.
//! - `agreement_index`: every agreement's judgement kept per revision and day, to filter, count
//!   and page the list without reading every agreement.
//! - `events`: one event with everything its page shows.
//! - `feeds`: a filtered timeline's newest events (Atom) and its calendar (iCalendar).
//! - `health`: what `/healthz` and `/metrics` report of the data now.
//! - `lists`: every official, topic and organisation, with their event counts.
//! - `overview`: what `/about` counts, the change history, who met whom, the data package's
//!   revision and the slugs the API's description names.
//! - `provenance`: which data revisions a record's citation names.
//! - `search`: the search box's query and its hits.
//! - `sources`: every source, and one source's text with what cites it.
//! - `readouts`: the meetings both governments gave accounts of.
//! - `records`: an official, a topic or an organisation with what its page shows.
//! - `revision`: the revision an answer was read at, and the one read transaction (or
//!   snapshot) every answer is read in.
//! - `timeline`: a filter → its page of events, how many match, and the facet counts.

pub mod agreement_index;
pub mod agreements;
pub mod events;
pub mod feeds;
pub mod health;
pub mod lists;
pub mod overview;
pub mod provenance;
pub mod readouts;
pub mod records;
pub mod revision;
pub mod search;
pub mod sources;
pub mod timeline;

pub use revision::{Answer, Revision};
