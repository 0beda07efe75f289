//! `/api/v1/readouts` and `/readouts.csv`: the events with accounts from both sides, as the
//! readouts page lists them, and the accounts and comparison the event endpoint carries.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::JsonAt;
use super::dto::{DateDto, Link};
use super::{ApiResult, next_link, page_cursor, page_limit, split_query, with_query};
use crate::catalog::{self, Revision};
use crate::db::Named;
use crate::db::events::{Cursor, Side};
use crate::db::readouts::{AccountItemRow, ComparedItem, EventAccounts, Readout};
use crate::domain::exports::READOUTS;
use crate::domain::filter::ReadoutFilter;
use crate::domain::readout::{ComparedTopic, ComparisonCounts};
use crate::error::Error;
use crate::state::AppState;

/// One item of an account.
#[derive(Serialize, ToSchema)]
pub struct AccountItemDto {
    /// `raised` (a concern or position put forward), `asked` (a request), `agreed` (an outcome
    /// both agreed) or `stated` (a description or framing).
    pub kind: String,
    /// The country slug of the side that raised or asked it, where the account says.
    pub by: Option<String>,
    /// What the account says, in the editors' words.
    pub text: String,
    pub topics: Vec<Link>,
    /// The account's source.
    pub source: String,
    /// The paragraphs (or, of a summary source, the points) of the source it rests on.
    pub numbers: Vec<i64>,
}

impl AccountItemDto {
    fn new(item: &AccountItemRow, source: &str) -> Self {
        Self {
            kind: item.kind.clone(),
            by: item.by_slug.clone(),
            text: item.text.clone(),
            topics: item.topics().into_iter().map(Link::topic).collect(),
            source: source.to_owned(),
            numbers: item.numbers(),
        }
    }
}

impl From<&ComparedItem> for AccountItemDto {
    fn from(c: &ComparedItem) -> Self {
        Self::new(&c.item, &c.source_slug)
    }
}

/// One side's account of an event, from one source.
#[derive(Serialize, ToSchema)]
pub struct AccountDto {
    /// `united-states` or `china`: whose government's account it is.
    pub side: String,
    /// The source giving it.
    pub source: Link,
    pub publisher: Option<String>,
    /// The source's publication date as people read it.
    pub published: String,
    /// The source's voice: `us-government`, `chinese-government` or `state-media`.
    pub voice: String,
    /// The original's address.
    pub url: Option<String>,
    /// `full-text` or `summary`: whether `numbers` are paragraphs or the editors' points.
    pub text_kind: String,
    pub items: Vec<AccountItemDto>,
}

/// A topic of the comparison with each side's items that mention it.
#[derive(Serialize, ToSchema)]
pub struct ComparedTopicDto {
    pub topic: Link,
    pub united_states: Vec<AccountItemDto>,
    pub china: Vec<AccountItemDto>,
}

impl From<&ComparedTopic<ComparedItem>> for ComparedTopicDto {
    fn from(t: &ComparedTopic<ComparedItem>) -> Self {
        Self {
            topic: Link::topic(Named {
                slug: t.topic.slug.clone(),
                name: t.topic.name.clone(),
            }),
            united_states: t.united_states.iter().map(AccountItemDto::from).collect(),
            china: t.china.iter().map(AccountItemDto::from).collect(),
        }
    }
}

/// How much two accounts share. An item counts as shared when any of its topics is.
#[derive(Serialize, ToSchema, Clone, Copy)]
pub struct ComparisonCountsDto {
    pub shared_topics: usize,
    pub united_states_only_topics: usize,
    pub china_only_topics: usize,
    pub shared_items: usize,
    pub united_states_only_items: usize,
    pub china_only_items: usize,
}

impl From<ComparisonCounts> for ComparisonCountsDto {
    fn from(c: ComparisonCounts) -> Self {
        Self {
            shared_topics: c.shared_topics,
            united_states_only_topics: c.united_states_only_topics,
            china_only_topics: c.china_only_topics,
            shared_items: c.shared_items,
            united_states_only_items: c.united_states_only_items,
            china_only_items: c.china_only_items,
        }
    }
}

/// The accounts compared by topic: each topic an item mentions is in exactly one group, `both`
/// when each side has an item tagged with it.
#[derive(Serialize, ToSchema)]
pub struct ComparisonDto {
    pub both: Vec<ComparedTopicDto>,
    pub united_states_only: Vec<ComparedTopicDto>,
    pub china_only: Vec<ComparedTopicDto>,
    pub counts: ComparisonCountsDto,
}

/// An event's accounts and their comparison, as the event endpoint serialises them.
pub fn accounts_and_comparison(accounts: &EventAccounts) -> (Vec<AccountDto>, ComparisonDto) {
    let list = accounts
        .accounts
        .iter()
        .map(|a| AccountDto {
            side: a.side.as_str().to_owned(),
            source: Link::source(a.row.source_slug.clone(), a.row.source_title.clone()),
            publisher: a.row.publisher.clone(),
            published: a
                .row
                .published_label
                .clone()
                .unwrap_or_else(|| a.row.published.clone()),
            voice: a.row.voice.clone(),
            url: a.row.url.clone(),
            text_kind: a.text_kind.as_str().to_owned(),
            items: a
                .items
                .iter()
                .map(|i| AccountItemDto::new(i, &a.row.source_slug))
                .collect(),
        })
        .collect();
    let c = &accounts.comparison;
    let topics =
        |group: &[ComparedTopic<ComparedItem>]| group.iter().map(ComparedTopicDto::from).collect();
    let comparison = ComparisonDto {
        both: topics(&c.both),
        united_states_only: topics(&c.united_states_only),
        china_only: topics(&c.china_only),
        counts: accounts.counts().into(),
    };
    (list, comparison)
}

/// An event with accounts from both sides.
#[derive(Serialize, ToSchema)]
pub struct ReadoutSummary {
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub date: DateDto,
    pub counts: ComparisonCountsDto,
    /// The topics both accounts mention, and those only one side's does (slugs, by name).
    pub shared_topics: Vec<String>,
    pub united_states_only_topics: Vec<String>,
    pub china_only_topics: Vec<String>,
    /// The sources of each side's accounts (slugs).
    pub united_states_sources: Vec<String>,
    pub china_sources: Vec<String>,
    pub html_url: String,
    pub api_url: String,
}

impl From<&Readout> for ReadoutSummary {
    fn from(r: &Readout) -> Self {
        let c = &r.accounts.comparison;
        let slugs = |group: &[ComparedTopic<ComparedItem>]| {
            group.iter().map(|t| t.topic.slug.clone()).collect()
        };
        let sources = |side| {
            r.accounts
                .of_side(side)
                .map(|a| a.row.source_slug.clone())
                .collect()
        };
        let e = &r.event;
        Self {
            slug: e.slug.clone(),
            title: e.title.clone(),
            kind: e.kind.clone(),
            date: DateDto {
                start: e.date_start.clone(),
                end: e.date_end.clone(),
                precision: e.date_precision.clone(),
                label: e.date_label.clone(),
            },
            counts: r.accounts.counts().into(),
            shared_topics: slugs(&c.both),
            united_states_only_topics: slugs(&c.united_states_only),
            china_only_topics: slugs(&c.china_only),
            united_states_sources: sources(crate::domain::AccountSide::UnitedStates),
            china_sources: sources(crate::domain::AccountSide::China),
            html_url: format!("/events/{}#accounts", e.slug),
            api_url: format!("/api/v1/events/{}", e.slug),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReadoutListLinks {
    #[serde(rename = "self")]
    pub this: String,
    /// The next page, or null on the last.
    pub next: Option<String>,
    /// The same list in the browser, and as CSV (every match, unpaged).
    pub html: String,
    pub csv: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReadoutList {
    pub data: Vec<ReadoutSummary>,
    /// Every event matching the filters, on any page.
    pub total: i64,
    /// The most events a page holds.
    pub limit: i64,
    pub links: ReadoutListLinks,
}

/// Every event with accounts from both governments, newest first, with how much the accounts
/// share. `/readouts.csv` takes the same filters.
#[utoipa::path(get, path = "/api/v1/readouts", tag = "events", operation_id = "listReadouts",
    params(super::openapi::ReadoutParams, super::openapi::EventPageParams),
    responses(
        (status = 200, description = "The events with accounts from both sides", body = ReadoutList, links(
            ("event" = (operation_id = "getEvent", parameters(("slug" = "$response.body#/data/0/slug")), description = "The first event, with both accounts and their comparison")),
        )),
        (status = 400, description = "A parameter is malformed, unknown, given twice, or names no record", body = super::ErrorBody)))]
pub async fn list(State(state): State<AppState>, RawQuery(query): RawQuery) -> JsonAt<ReadoutList> {
    let (own, rest) = split_query(query.as_deref().unwrap_or_default(), &["cursor", "limit"])?;
    let limit = page_limit(&own)?;
    let position = page_cursor(&own, Cursor::decode)?.map(|c| (c, Side::After));
    let filter = ReadoutFilter::from_pairs(rest)?;
    let position = position.as_ref().map(|(c, side)| (c, *side));
    let (revision, list) =
        catalog::readouts::page(&state.db, &state.index, &filter, (position, limit), false)
            .await?
            .into_parts();
    let page = list.page;
    let canonical = filter.query_string();
    let next = page
        .next()
        .map(|last| next_link("/api/v1/readouts", &canonical, &last.encode(), limit));
    let body = ReadoutList {
        total: page.total,
        limit,
        data: page.readouts.iter().map(ReadoutSummary::from).collect(),
        links: ReadoutListLinks {
            next,
            this: with_query("/api/v1/readouts", query.as_deref().unwrap_or_default()),
            html: with_query("/readouts", &canonical),
            csv: with_query("/readouts.csv", &canonical),
        },
    };
    Ok((revision, Json(body)))
}

/// `/readouts.csv?…`: one row per event of the readouts list, in its order.
pub async fn csv(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<(Option<Revision>, Response)> {
    let filter = ReadoutFilter::from_query(query.as_deref().unwrap_or_default())?;
    let (revision, rows) = catalog::readouts::both_sides(&state.db, &state.index, &filter)
        .await?
        .into_parts();
    let csv_err = |e: csv::Error| Error::Internal(e.to_string());
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(READOUTS.header()).map_err(csv_err)?;
    for r in &rows {
        let s = ReadoutSummary::from(r);
        let c = s.counts;
        out.write_record([
            s.slug.as_str(),
            &s.title,
            &s.date.start,
            &s.date.end,
            &s.date.label,
            &c.shared_topics.to_string(),
            &c.united_states_only_topics.to_string(),
            &c.china_only_topics.to_string(),
            &c.shared_items.to_string(),
            &c.united_states_only_items.to_string(),
            &c.china_only_items.to_string(),
            &s.shared_topics.join("; "),
            &s.united_states_only_topics.join("; "),
            &s.china_only_topics.join("; "),
            &s.united_states_sources.join("; "),
            &s.china_sources.join("; "),
            &format!("{}/events/{}", state.public_url, s.slug),
        ])
        .map_err(csv_err)?;
    }
    let body = out
        .into_inner()
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok((revision, super::exports::csv_response("readouts.csv", body)))
}
