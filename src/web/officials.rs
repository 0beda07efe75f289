//! `/officials` and `/officials/{slug}`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::PageAt;
use super::charts::ranked::{self, RankedChart};
use super::charts::time::{self as time_chart, TimeChart};
use super::cite::{CiteThis, Cited};
use super::views::{self, EventCard, NoteView, SourceCitations, role_headline, role_period};
use crate::catalog;
use crate::catalog::agreements::JudgedAgreement;
use crate::db::Counted;
use crate::db::events::QuoteRow;
use crate::db::people::{OfficialListRow, PersonRow, RoleRow};
use crate::state::AppState;

pub struct OfficialCard {
    pub row: OfficialListRow,
    pub headline: Option<String>,
}

pub struct CountryGroup {
    pub country: String,
    pub officials: Vec<OfficialCard>,
}

pub struct RoleView {
    pub row: RoleRow,
    pub period: String,
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

#[derive(Template)]
#[template(path = "officials.html")]
pub struct OfficialsPage {
    pub title: String,
    pub section: &'static str,
    pub countries: Vec<CountryGroup>,
}

pub async fn index(State(state): State<AppState>) -> PageAt {
    let mut countries: Vec<CountryGroup> = Vec::new();
    let today = today();
    let (revision, officials) = catalog::lists::officials(&state.db).await?.into_parts();
    for row in officials {
        let headline = row
            .title
            .as_deref()
            .map(|t| role_headline(t, row.title_from.as_deref(), row.title_to.as_deref(), today));
        let card = OfficialCard { row, headline };
        match countries.last_mut() {
            Some(group) if group.country == card.row.country => group.officials.push(card),
            _ => countries.push(CountryGroup {
                country: card.row.country.clone(),
                officials: vec![card],
            }),
        }
    }
    let page = OfficialsPage {
        title: "Officials".into(),
        section: "officials",
        countries,
    };
    Ok((revision, Html(page.render()?)))
}

#[derive(Template)]
#[template(path = "official.html")]
pub struct OfficialPage {
    pub title: String,
    pub section: &'static str,
    pub person: PersonRow,
    pub headline: Option<String>,
    pub aliases: Vec<String>,
    pub roles: Vec<RoleView>,
    pub events: Vec<EventCard>,
    /// All their events; `events` holds the latest of them.
    pub events_total: i64,
    /// The timeline filtered to them, where it can be.
    pub events_href: Option<String>,
    pub quotes: Vec<QuoteRow>,
    pub met_with: Vec<Counted>,
    pub met_chart: Option<RankedChart>,
    pub activity: Option<TimeChart>,
    pub topics: Vec<Counted>,
    pub agreements: Vec<JudgedAgreement>,
    pub notes: Vec<NoteView>,
    pub sources: Vec<SourceCitations>,
    pub cite: CiteThis,
}

pub async fn show(State(state): State<AppState>, Path(slug): Path<String>) -> PageAt {
    let (revision, record) = catalog::records::official(&state.db, &state.index, &slug)
        .await?
        .found()?
        .into_parts();
    let person = record.person;
    let met_chart = ranked::lay_out(
        "met-chart",
        format!("Whom {} met: shared events", person.name),
        "Shared events",
        &record.met_with,
        |c| format!("/officials/{}", c.slug),
    );
    let activity = time_chart::for_record(
        &record.activity,
        "activity-chart",
        &format!("Events with {}", person.name),
    )?;
    let cite = CiteThis::build(
        &state.public_url,
        Cited {
            kind: "Official",
            record_type: "person",
            slug: &person.slug,
            path: format!("/officials/{}", person.slug),
            title: &person.name,
            date: None,
        },
        &record.provenance,
    );
    let involved = record.involvement;
    let page = OfficialPage {
        title: person.name.clone(),
        section: "officials",
        headline: record.roles.first().map(|r| {
            role_headline(
                &r.title,
                r.start_date.as_deref(),
                r.end_date.as_deref(),
                today(),
            )
        }),
        aliases: record.aliases,
        roles: record
            .roles
            .into_iter()
            .map(|row| RoleView {
                period: role_period(row.start_date.as_deref(), row.end_date.as_deref()),
                row,
            })
            .collect(),
        events_total: involved.events_total,
        events_href: Some(format!("/?official={}", person.slug)),
        events: involved.events.into_iter().map(EventCard::from).collect(),
        quotes: views::quotes(record.quotes),
        met_with: record.met_with,
        met_chart,
        activity,
        topics: record.topics,
        notes: views::notes(involved.notes),
        sources: views::citations(involved.citations),
        agreements: involved.agreements,
        cite,
        person,
    };
    Ok((revision, Html(page.render()?)))
}
