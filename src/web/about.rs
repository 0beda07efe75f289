//! `/about`: what the dashboard records, how, and from which sources.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::PageAt;
use super::sources::SourceCard;
use crate::catalog;
use crate::db::events::Totals;
use crate::domain::{EventClass, EventKind, Precision};
use crate::state::AppState;

pub struct Term {
    pub name: &'static str,
    pub meaning: &'static str,
}

#[derive(Template)]
#[template(path = "about.html")]
pub struct AboutPage {
    pub title: String,
    pub section: &'static str,
    pub totals: Totals,
    pub sources: Vec<SourceCard>,
    pub kinds: Vec<&'static str>,
    pub classes: Vec<Term>,
    pub precisions: Vec<Term>,
    pub rules: Vec<crate::catalog::agreements::Rule>,
}

pub async fn show(State(state): State<AppState>) -> PageAt {
    let class_meaning = |class: EventClass| match class {
        EventClass::VerbalCooperation => {
            "meetings, visits and talks; agreements, offers and promises; concessions such as eased travel restrictions"
        }
        EventClass::MaterialCooperation => {
            "cooperation carried out: information exchanged, joint operations, aid given"
        }
        EventClass::VerbalConflict => {
            "requests and demands to change course, complaints, accusations, investigations, refusals and threats"
        }
        EventClass::MaterialConflict => {
            "coercive acts: tariffs, export controls, bans, suspended talks, fines, raids and detentions"
        }
    };
    let precision_meaning = |p: Precision| match p {
        Precision::Day => "the day (or each day of a span) is known",
        Precision::Month => "only the month is known",
        Precision::Season => "only a part of the year is known, such as early 2024 or the summer",
        Precision::Year => "only the year is known",
    };
    let (revision, about) = catalog::overview::about(&state.db).await?.into_parts();
    let page = AboutPage {
        title: "About the data".into(),
        section: "about",
        totals: about.totals,
        sources: about.sources.into_iter().map(SourceCard::from).collect(),
        rules: catalog::agreements::rules(),
        kinds: EventKind::ALL.iter().map(|k| k.label()).collect(),
        classes: EventClass::ALL
            .iter()
            .map(|c| Term {
                name: c.label(),
                meaning: class_meaning(*c),
            })
            .collect(),
        precisions: [
            Precision::Day,
            Precision::Month,
            Precision::Season,
            Precision::Year,
        ]
        .into_iter()
        .map(|p| Term {
            name: p.as_str(),
            meaning: precision_meaning(p),
        })
        .collect(),
    };
    Ok((revision, Html(page.render()?)))
}
