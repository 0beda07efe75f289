//! `/organizations` and `/organizations/{slug}`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::PageAt;
use super::views::{self, EventCard, NoteView, SourceCitations};
use crate::catalog;
use crate::catalog::agreements::JudgedAgreement;
use crate::db::organizations::{MemberRow, OrganizationListRow, OrganizationRow};
use crate::domain::OrganizationKind;
use crate::state::AppState;

fn kind_label(kind: &str) -> String {
    kind.parse::<OrganizationKind>()
        .map(|k| k.label().to_owned())
        .unwrap_or_else(|_| kind.to_owned())
}

pub struct OrganizationListView {
    pub row: OrganizationListRow,
    pub kind_label: String,
}

#[derive(Template)]
#[template(path = "organizations.html")]
pub struct OrganizationsPage {
    pub title: String,
    pub section: &'static str,
    pub organizations: Vec<OrganizationListView>,
}

pub async fn index(State(state): State<AppState>) -> PageAt {
    let (revision, value) = catalog::lists::organizations(&state.db).await?.into_parts();
    let organizations = value
        .into_iter()
        .map(|row| OrganizationListView {
            kind_label: kind_label(&row.kind),
            row,
        })
        .collect();
    let page = OrganizationsPage {
        title: "Organisations".into(),
        section: "organizations",
        organizations,
    };
    Ok((revision, Html(page.render()?)))
}

#[derive(Template)]
#[template(path = "organization.html")]
pub struct OrganizationPage {
    pub title: String,
    pub section: &'static str,
    pub organization: OrganizationRow,
    pub kind_label: String,
    pub aliases: Vec<String>,
    pub members: Vec<MemberRow>,
    pub events: Vec<EventCard>,
    /// All their events; `events` holds the latest of them.
    pub events_total: i64,
    /// The timeline filtered to them, where it can be.
    pub events_href: Option<String>,
    pub agreements: Vec<JudgedAgreement>,
    pub notes: Vec<NoteView>,
    pub sources: Vec<SourceCitations>,
}

pub async fn show(State(state): State<AppState>, Path(slug): Path<String>) -> PageAt {
    let (revision, record) = catalog::records::organization(&state.db, &state.index, &slug)
        .await?
        .found()?
        .into_parts();
    let organization = record.organization;
    let involved = record.involvement;
    let page = OrganizationPage {
        title: organization.name.clone(),
        section: "organizations",
        kind_label: kind_label(&organization.kind),
        aliases: record.aliases,
        members: record.members,
        events_total: involved.events_total,
        events_href: None,
        events: involved.events.into_iter().map(EventCard::from).collect(),
        agreements: involved.agreements,
        notes: views::notes(involved.notes),
        sources: views::citations(involved.citations),
        organization,
    };
    Ok((revision, Html(page.render()?)))
}
