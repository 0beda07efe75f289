//! `/officials` and `/officials/{slug}`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::views::{self, EventCard, NoteView, SourceCitations};
use crate::db::Counted;
use crate::db::annotations::{self, Subject};
use crate::db::events::{self, QuoteRow};
use crate::db::people::{self, OfficialListRow, PersonRow, RoleRow};
use crate::error::{Error, Result};
use crate::state::AppState;

pub struct CountryGroup {
    pub country: String,
    pub officials: Vec<OfficialListRow>,
}

#[derive(Template)]
#[template(path = "officials.html")]
pub struct OfficialsPage {
    pub title: String,
    pub section: &'static str,
    pub countries: Vec<CountryGroup>,
}

pub async fn index(State(state): State<AppState>) -> Result<Html<String>> {
    let mut countries: Vec<CountryGroup> = Vec::new();
    for row in people::all(&state.db).await? {
        match countries.last_mut() {
            Some(group) if group.country == row.country => group.officials.push(row),
            _ => countries.push(CountryGroup {
                country: row.country.clone(),
                officials: vec![row],
            }),
        }
    }
    let page = OfficialsPage {
        title: "Officials".into(),
        section: "officials",
        countries,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "official.html")]
pub struct OfficialPage {
    pub title: String,
    pub section: &'static str,
    pub person: PersonRow,
    pub current_title: Option<String>,
    pub aliases: Vec<String>,
    pub roles: Vec<RoleRow>,
    pub events: Vec<EventCard>,
    pub quotes: Vec<QuoteRow>,
    pub met_with: Vec<Counted>,
    pub topics: Vec<Counted>,
    pub notes: Vec<NoteView>,
    pub sources: Vec<SourceCitations>,
}

pub async fn show(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Html<String>> {
    let db = &state.db;
    let person = people::by_slug(db, &slug).await?.ok_or(Error::NotFound)?;
    let roles = people::roles(db, person.id).await?;
    let page = OfficialPage {
        title: person.name.clone(),
        section: "officials",
        current_title: roles.first().map(|r| r.title.clone()),
        aliases: annotations::aliases(db, Subject::Person, person.id).await?,
        roles,
        events: events::of_person(db, person.id)
            .await?
            .into_iter()
            .map(EventCard::from)
            .collect(),
        quotes: views::quotes(events::quotes_by(db, person.id).await?),
        met_with: people::met_with(db, person.id).await?,
        topics: people::topics(db, person.id).await?,
        notes: views::notes(annotations::notes(db, Subject::Person, person.id).await?),
        sources: views::citations(annotations::citations(db, Subject::Person, person.id).await?),
        person,
    };
    Ok(Html(page.render()?))
}
