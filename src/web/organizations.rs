//! `/organizations` and `/organizations/{slug}`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::views::{self, EventCard, NoteView, SourceCitations};
use crate::catalog::agreements::{JudgedAgreement, judged};
use crate::db::agreements;
use crate::db::annotations::{self, Subject};
use crate::db::events;
use crate::db::index::Link;
use crate::db::organizations::{self, MemberRow, OrganizationListRow, OrganizationRow};
use crate::domain::OrganizationKind;
use crate::error::{Error, Result};
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

pub async fn index(State(state): State<AppState>) -> Result<Html<String>> {
    let organizations = organizations::all(&state.db)
        .await?
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
    Ok(Html(page.render()?))
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

pub async fn show(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Html<String>> {
    let db = &state.db;
    let index = state.index.for_latest(db).await;
    let organization = organizations::by_slug(db, &slug)
        .await?
        .ok_or(Error::NotFound)?;
    let id = organization.id;
    let page = OrganizationPage {
        title: organization.name.clone(),
        section: "organizations",
        kind_label: kind_label(&organization.kind),
        aliases: annotations::aliases(db, Subject::Organization, id).await?,
        members: organizations::members(db, id).await?,
        events_total: events::count_of_record(db, index.as_deref(), Link::Organization, id).await?,
        events_href: None,
        events: events::of_record(db, index.as_deref(), Link::Organization, id)
            .await?
            .into_iter()
            .map(EventCard::from)
            .collect(),
        agreements: judged(
            &mut *db.acquire().await?,
            agreements::of_organization(db, id).await?,
        )
        .await?,
        notes: views::notes(
            annotations::notes(&mut *db.acquire().await?, Subject::Organization, id).await?,
        ),
        sources: views::citations(
            annotations::citations(&mut *db.acquire().await?, Subject::Organization, id).await?,
        ),
        organization,
    };
    Ok(Html(page.render()?))
}
