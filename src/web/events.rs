//! `/events/{slug}`: everything known about one event.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::agreements::{AgreementView, judged};
use super::cite::{CiteThis, Cited};
use super::readouts::AccountsView;
use super::views::{self, NoteView, SourceCitations, datetime, kind_label, precision_description};
use crate::db::Named;
use crate::db::agreements;
use crate::db::annotations::{self, Subject};
use crate::db::events::{self, Neighbour, OrganizationRoleRow, ParticipantRow, QuoteRow};
use crate::db::readouts;
use crate::domain::{EventClass, ParticipantRole, PolicyPhase, TextKind};
use crate::error::{Error, Result};
use crate::state::AppState;

pub struct ParticipantView {
    pub row: ParticipantRow,
    pub role_label: String,
}

/// A phase of a policy action as the event page lists it.
pub struct PhaseView {
    pub label: String,
    pub date_label: String,
    pub datetime: Option<String>,
    pub date_phrase: Option<String>,
    pub note: Option<String>,
    /// The cited paragraphs or points, grouped by source.
    pub sources: Vec<PhaseSourceView>,
}

pub struct PhaseSourceView {
    pub title: String,
    pub cited: Vec<PhaseCiteView>,
}

pub struct PhaseCiteView {
    pub href: String,
    pub label: String,
}

fn phase_views(rows: &[events::PhaseRow]) -> Vec<PhaseView> {
    rows.iter()
        .map(|row| PhaseView {
            label: row
                .phase
                .parse::<PolicyPhase>()
                .map(|p| p.label().to_owned())
                .unwrap_or_else(|_| row.phase.clone()),
            date_label: row.date_label.clone(),
            datetime: datetime(&row.date_start, &row.date_end, &row.date_precision),
            date_phrase: row.date_phrase.clone(),
            note: row.note.clone(),
            sources: {
                let mut sources: Vec<(String, PhaseSourceView)> = Vec::new();
                for c in row.citations() {
                    let cite = PhaseCiteView {
                        href: format!("/sources/{}#p{}", c.source, c.number),
                        label: TextKind::from_stored(&c.text_kind).cite_label(c.number),
                    };
                    match sources.last_mut() {
                        Some((slug, source)) if *slug == c.source => source.cited.push(cite),
                        _ => sources.push((
                            c.source,
                            PhaseSourceView {
                                title: c.title,
                                cited: vec![cite],
                            },
                        )),
                    }
                }
                sources.into_iter().map(|(_, source)| source).collect()
            },
        })
        .collect()
}

pub struct OrganizationView {
    pub row: OrganizationRoleRow,
    pub role_label: String,
}

#[derive(Template)]
#[template(path = "event.html")]
pub struct EventPage {
    pub title: String,
    pub section: &'static str,
    pub slug: String,
    pub kind: String,
    pub kind_label: String,
    pub date_label: String,
    pub datetime: Option<String>,
    pub precision: String,
    pub date_phrase: Option<String>,
    pub location: Option<String>,
    pub planned: bool,
    pub class_label: String,
    pub summary: String,
    pub sides: Vec<Named>,
    pub participants: Vec<ParticipantView>,
    pub organizations: Vec<OrganizationView>,
    pub topics: Vec<Named>,
    /// A policy action's phases, oldest first, and where it stands today in words.
    pub phases: Vec<PhaseView>,
    pub phase_state: Option<String>,
    pub quotes: Vec<QuoteRow>,
    pub agreements: Vec<AgreementView>,
    /// Agreements made earlier that this event fulfils, partly fulfils or breaks.
    pub follows_up: Vec<AgreementView>,
    /// Each side's account and their comparison, when the event has accounts.
    pub accounts: Option<AccountsView>,
    /// "None found (searched 30 November 2026 for …)": the curators' last search for the
    /// missing side's account.
    pub accounts_searched: Option<String>,
    pub cite: CiteThis,
    pub notes: Vec<NoteView>,
    pub sources: Vec<SourceCitations>,
    pub previous: Option<Neighbour>,
    pub next: Option<Neighbour>,
    pub related: Vec<Neighbour>,
}

fn role_label(role: &str) -> String {
    role.parse::<ParticipantRole>()
        .map(|r| r.label().to_owned())
        .unwrap_or_else(|_| role.to_owned())
}

pub async fn show(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Html<String>> {
    let db = &state.db;
    let event = events::by_slug(db, &slug).await?.ok_or(Error::NotFound)?;
    let (previous, next) = events::neighbours(db, &event).await?;
    let phases = events::phases(db, event.id).await?;
    let page = EventPage {
        phase_state: events::phase_state(&phases, crate::domain::date::today()),
        phases: phase_views(&phases),
        section: "timeline",
        kind_label: kind_label(&event.kind),
        datetime: datetime(&event.date_start, &event.date_end, &event.date_precision),
        precision: precision_description(&event.date_precision),
        planned: event.status == "planned",
        class_label: event
            .class
            .parse::<EventClass>()
            .map(|c| c.label().to_owned())
            .unwrap_or_else(|_| event.class.clone()),
        sides: events::sides(db, event.id).await?,
        participants: events::participants(db, &event)
            .await?
            .into_iter()
            .map(|row| ParticipantView {
                role_label: role_label(&row.role),
                row,
            })
            .collect(),
        organizations: events::organizations(db, event.id)
            .await?
            .into_iter()
            .map(|row| OrganizationView {
                role_label: role_label(&row.role),
                row,
            })
            .collect(),
        topics: events::topics(db, event.id).await?,
        quotes: views::quotes(events::quotes(db, event.id).await?),
        agreements: judged(db, agreements::reached_at(db, event.id).await?).await?,
        follows_up: judged(db, agreements::followed_up_by(db, event.id).await?).await?,
        accounts: AccountsView::of(&readouts::of_event(db, event.id).await?),
        accounts_searched: event.accounts_searched_on.as_deref().map(|on| {
            let day = crate::domain::date::parse_day(on)
                .map(crate::domain::date::day_label)
                .unwrap_or_else(|_| on.to_owned());
            let looked_for = event.accounts_searched_for.as_deref().unwrap_or_default();
            format!("None found (searched {day} for {looked_for}).")
        }),
        cite: CiteThis::build(
            &state,
            Cited {
                kind: "Event",
                record_type: "event",
                slug: &event.slug,
                path: format!("/events/{}", event.slug),
                title: &event.title,
                date: Some(&event.date_label),
            },
        )
        .await?,
        notes: views::notes(annotations::notes(db, Subject::Event, event.id).await?),
        sources: views::citations(annotations::citations(db, Subject::Event, event.id).await?),
        related: events::related(db, &event, 5).await?,
        previous,
        next,
        title: event.title,
        slug: event.slug,
        kind: event.kind,
        date_label: event.date_label,
        date_phrase: event.date_phrase,
        location: event.location,
        summary: event.summary,
    };
    Ok(Html(page.render()?))
}
