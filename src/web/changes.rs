//! `/changes`: every data revision and what it added or changed.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::PageAt;
use crate::catalog::{self, Answer};
use crate::db::revisions::{ChangeRow, RevisionRow};
use crate::domain::date::stored_day_label;
use crate::state::AppState;

pub struct ChangeView {
    pub change: String,
    pub kind: &'static str,
    pub name: String,
    /// The record's page, where it has one.
    pub href: Option<String>,
}

pub struct RevisionView {
    pub row: RevisionRow,
    pub date: String,
    pub time: String,
    pub changes: Vec<ChangeView>,
}

#[derive(Template)]
#[template(path = "changes.html")]
pub struct ChangesPage {
    pub title: String,
    pub section: &'static str,
    pub revisions: Vec<RevisionView>,
}

fn view(change: ChangeRow) -> ChangeView {
    let kind = match change.record_type.as_str() {
        "event" => "Event",
        "agreement" => "Agreement",
        "person" => "Official",
        "organization" => "Organisation",
        "topic" => "Topic",
        "source" => "Source",
        "quote" => "Quote",
        _ => "Country",
    };
    ChangeView {
        // A record that no longer exists has no page to link.
        href: change
            .name
            .as_ref()
            .and_then(|_| crate::domain::links::record_href(&change.record_type, &change.slug)),
        name: change.name.unwrap_or_else(|| change.slug.clone()),
        change: change.change,
        kind,
    }
}

pub async fn index(State(state): State<AppState>) -> PageAt {
    let Answer {
        revision,
        value:
            catalog::overview::Changes {
                revisions,
                mut changes,
            },
    } = catalog::overview::changes(&state.db).await?;
    let revisions = revisions
        .into_iter()
        .map(|row| {
            let mine: Vec<ChangeView> = changes
                .extract_if(.., |c| c.revision_id == row.id)
                .map(view)
                .collect();
            RevisionView {
                date: stored_day_label(row.day()),
                time: row.changed_at.get(11..16).unwrap_or_default().to_owned(),
                changes: mine,
                row,
            }
        })
        .collect();
    let page = ChangesPage {
        title: "Changes to the data".into(),
        section: "changes",
        revisions,
    };
    Ok((revision, Html(page.render()?)))
}
