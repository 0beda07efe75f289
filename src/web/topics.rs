//! `/topics` and `/topics/{slug}`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::PageAt;
use super::charts::ranked::{self, RankedChart};
use super::charts::time::{self as time_chart, TimeChart};
use super::views::{self, EventCard, NoteView, SourceCitations};
use crate::catalog;
use crate::catalog::agreements::JudgedAgreement;
use crate::db::Counted;
use crate::db::topics::{TopicListRow, TopicRow};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "topics.html")]
pub struct TopicsPage {
    pub title: String,
    pub section: &'static str,
    pub topics: Vec<TopicListRow>,
}

pub async fn index(State(state): State<AppState>) -> PageAt {
    let (revision, value) = catalog::lists::topics(&state.db).await?.into_parts();
    let page = TopicsPage {
        title: "Topics".into(),
        section: "topics",
        topics: value,
    };
    Ok((revision, Html(page.render()?)))
}

#[derive(Template)]
#[template(path = "topic.html")]
pub struct TopicPage {
    pub title: String,
    pub section: &'static str,
    pub topic: TopicRow,
    pub events: Vec<EventCard>,
    /// All their events; `events` holds the latest of them.
    pub events_total: i64,
    /// The timeline filtered to them, where it can be.
    pub events_href: Option<String>,
    pub officials: Vec<Counted>,
    pub officials_chart: Option<RankedChart>,
    pub activity: Option<TimeChart>,
    pub agreements: Vec<JudgedAgreement>,
    pub notes: Vec<NoteView>,
    pub sources: Vec<SourceCitations>,
}

pub async fn show(State(state): State<AppState>, Path(slug): Path<String>) -> PageAt {
    let (revision, record) = catalog::records::topic(&state.db, &state.index, &slug)
        .await?
        .found()?
        .into_parts();
    let topic = record.topic;
    let officials_chart = ranked::lay_out(
        "officials-chart",
        format!("Officials most involved in {}: events", topic.name),
        "Events",
        &record.officials,
        |c| format!("/?official={}&topic={}", c.slug, topic.slug),
    );
    let activity = time_chart::for_record(
        &record.activity,
        "activity-chart",
        &format!("Events about {}", topic.name),
    )?;
    let involved = record.involvement;
    let page = TopicPage {
        title: topic.name.clone(),
        section: "topics",
        events_total: involved.events_total,
        events_href: Some(format!("/?topic={}", topic.slug)),
        events: involved.events.into_iter().map(EventCard::from).collect(),
        officials: record.officials,
        officials_chart,
        activity,
        agreements: involved.agreements,
        notes: views::notes(involved.notes),
        sources: views::citations(involved.citations),
        topic,
    };
    Ok((revision, Html(page.render()?)))
}
