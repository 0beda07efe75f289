//! `/events/{slug}`: everything known about one event.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::PageAt;
use super::cite::{CiteThis, Cited};
use super::readouts::AccountsView;
use super::views::{self, NoteView, SourceCitations, datetime, kind_label, precision_description};
use crate::catalog::agreements::JudgedAgreement;
use crate::catalog::events;
use crate::db::Named;
use crate::db::events::{Neighbour, OrganizationRoleRow, ParticipantRow, PhaseRow, QuoteRow};
use crate::domain::{EventClass, ParticipantRole, PolicyPhase, TextKind};
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

fn phase_views(rows: &[PhaseRow]) -> Vec<PhaseView> {
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
                        href: crate::domain::links::paragraph_href(&c.source, c.number),
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
    pub agreements: Vec<JudgedAgreement>,
    /// Agreements made earlier that this event fulfils, partly fulfils or breaks.
    pub follows_up: Vec<JudgedAgreement>,
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

pub async fn show(State(state): State<AppState>, Path(slug): Path<String>) -> PageAt {
    let (revision, r) = events::event(&state.db, &slug).await?.found()?.into_parts();
    let cite = CiteThis::build(
        &state.public_url,
        Cited {
            kind: "Event",
            record_type: "event",
            slug: &r.event.slug,
            path: format!("/events/{}", r.event.slug),
            title: &r.event.title,
            date: Some(&r.event.date_label),
        },
        &r.provenance,
    );
    let page = EventPage {
        phase_state: r.phase_state,
        phases: phase_views(&r.phases),
        section: "timeline",
        kind_label: kind_label(&r.event.kind),
        datetime: datetime(
            &r.event.date_start,
            &r.event.date_end,
            &r.event.date_precision,
        ),
        precision: precision_description(&r.event.date_precision),
        planned: r.event.status == "planned",
        class_label: r
            .event
            .class
            .parse::<EventClass>()
            .map(|c| c.label().to_owned())
            .unwrap_or_else(|_| r.event.class.clone()),
        sides: r.sides,
        participants: r
            .participants
            .into_iter()
            .map(|row| ParticipantView {
                role_label: role_label(&row.role),
                row,
            })
            .collect(),
        organizations: r
            .organizations
            .into_iter()
            .map(|row| OrganizationView {
                role_label: role_label(&row.role),
                row,
            })
            .collect(),
        topics: r.topics,
        quotes: views::quotes(r.quotes),
        agreements: r.agreements,
        follows_up: r.follows_up,
        accounts: AccountsView::of(&r.accounts),
        accounts_searched: r.event.accounts_searched_on.as_deref().map(|on| {
            let day = crate::domain::date::stored_day_label(on);
            let looked_for = r.event.accounts_searched_for.as_deref().unwrap_or_default();
            format!("None found (searched {day} for {looked_for}).")
        }),
        cite,
        notes: views::notes(r.notes),
        sources: views::citations(r.citations),
        related: r.related,
        previous: r.previous,
        next: r.next,
        title: r.event.title,
        slug: r.event.slug,
        kind: r.event.kind,
        date_label: r.event.date_label,
        date_phrase: r.event.date_phrase,
        location: r.event.location,
        summary: r.event.summary,
    };
    Ok((revision, Html(page.render()?)))
}
