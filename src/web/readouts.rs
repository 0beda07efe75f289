//! Readouts: each government's account of an event side by side on the event page, compared by
//! topic, and `/readouts`, every event with accounts from both sides.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Html;

use super::PageAt;
use crate::catalog;
use crate::db::Named;
use crate::db::events::Cursor;
use crate::db::readouts::{Account, ComparedItem, EventAccounts, Readout};
use crate::domain::filter::ReadoutFilter;
use crate::domain::links::with_pairs;
use crate::domain::readout::{ComparedTopic, ComparisonCounts};
use crate::domain::{AccountItemKind, AccountSide, SourceVoice, TextKind};
use crate::state::AppState;

/// A cited paragraph or point of an account's source, as a link.
pub struct CiteLink {
    pub label: String,
    pub href: String,
}

/// One item of an account, as the page shows it.
pub struct ItemView {
    pub kind: String,
    /// "Raised by China", "Agreed".
    pub kind_label: String,
    pub text: String,
    pub topics: Vec<Named>,
    pub cites: Vec<CiteLink>,
}

impl ItemView {
    fn new(item: &crate::db::readouts::AccountItemRow, source: &str, kind: TextKind) -> Self {
        let label = item
            .kind
            .parse::<AccountItemKind>()
            .map(|k| k.label().to_owned())
            .unwrap_or_else(|_| item.kind.clone());
        Self {
            kind_label: match &item.by_name {
                Some(by) => format!("{label} by {by}"),
                None => label,
            },
            kind: item.kind.clone(),
            text: item.text.clone(),
            topics: item.topics(),
            cites: item
                .numbers()
                .into_iter()
                .map(|n| CiteLink {
                    label: kind.cite_label(n),
                    href: format!("/sources/{source}#p{n}"),
                })
                .collect(),
        }
    }

    fn compared(item: &ComparedItem) -> Self {
        Self::new(&item.item, &item.source_slug, item.text_kind)
    }
}

/// One account: its source and what it says.
pub struct AccountView {
    pub source_slug: String,
    pub source_title: String,
    pub publisher: Option<String>,
    pub published: String,
    pub voice: String,
    pub voice_label: String,
    pub url: Option<String>,
    /// Whether the items cite the editors' summary points of the source.
    pub summary: bool,
    pub items: Vec<ItemView>,
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        let row = &a.row;
        Self {
            source_slug: row.source_slug.clone(),
            source_title: row.source_title.clone(),
            publisher: row.publisher.clone(),
            published: row
                .published_label
                .clone()
                .unwrap_or_else(|| row.published.clone()),
            voice_label: row
                .voice
                .parse::<SourceVoice>()
                .map(|v| v.label().to_owned())
                .unwrap_or_else(|_| row.voice.clone()),
            voice: row.voice.clone(),
            url: row.url.clone(),
            summary: a.text_kind == TextKind::Summary,
            items: a
                .items
                .iter()
                .map(|i| ItemView::new(i, &row.source_slug, a.text_kind))
                .collect(),
        }
    }
}

/// One side's column: its accounts (none when that side's account is not recorded).
pub struct SideColumn {
    pub slug: &'static str,
    pub name: &'static str,
    pub accounts: Vec<AccountView>,
}

/// A topic of the comparison with each side's items under it.
pub struct TopicView {
    pub slug: String,
    pub name: String,
    pub united_states: Vec<ItemView>,
    pub china: Vec<ItemView>,
}

impl From<&ComparedTopic<ComparedItem>> for TopicView {
    fn from(t: &ComparedTopic<ComparedItem>) -> Self {
        Self {
            slug: t.topic.slug.clone(),
            name: t.topic.name.clone(),
            united_states: t.united_states.iter().map(ItemView::compared).collect(),
            china: t.china.iter().map(ItemView::compared).collect(),
        }
    }
}

/// A group of the comparison: the topics both sides mention, or only one side does.
pub struct TopicGroup {
    /// `both`, `united-states` or `china`.
    pub key: &'static str,
    pub heading: &'static str,
    pub empty: &'static str,
    pub topics: Vec<TopicView>,
}

/// The "Accounts" section of an event page.
pub struct AccountsView {
    pub columns: Vec<SideColumn>,
    pub groups: Vec<TopicGroup>,
    pub counts: ComparisonCounts,
    /// "1 topic both accounts mention, 1 only the US account, 2 only the Chinese account."
    pub summary: String,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The overlap of two accounts in a sentence.
pub fn overlap_sentence(c: &ComparisonCounts) -> String {
    format!(
        "{} both sides mention ({}); {} only the US side mentions ({}); {} only the Chinese side mentions ({}).",
        plural(c.shared_topics, "topic", "topics"),
        plural(c.shared_items, "item", "items"),
        plural(c.united_states_only_topics, "topic", "topics"),
        plural(c.united_states_only_items, "item", "items"),
        plural(c.china_only_topics, "topic", "topics"),
        plural(c.china_only_items, "item", "items"),
    )
}

impl AccountsView {
    /// The section, or `None` for an event without accounts.
    pub fn of(accounts: &EventAccounts) -> Option<Self> {
        if accounts.is_empty() {
            return None;
        }
        let column = |side: AccountSide| SideColumn {
            slug: side.as_str(),
            name: side.label(),
            accounts: accounts.of_side(side).map(AccountView::from).collect(),
        };
        let c = &accounts.comparison;
        let topics =
            |group: &[ComparedTopic<ComparedItem>]| group.iter().map(TopicView::from).collect();
        let counts = accounts.counts();
        Some(Self {
            columns: vec![
                column(AccountSide::UnitedStates),
                column(AccountSide::China),
            ],
            groups: vec![
                TopicGroup {
                    key: "both",
                    heading: "Both sides mention",
                    empty: "No topic is mentioned by both accounts.",
                    topics: topics(&c.both),
                },
                TopicGroup {
                    key: "united-states",
                    heading: "Only the US side mentions",
                    empty: "Every topic of the US account is in the Chinese account too.",
                    topics: topics(&c.united_states_only),
                },
                TopicGroup {
                    key: "china",
                    heading: "Only the Chinese side mentions",
                    empty: "Every topic of the Chinese account is in the US account too.",
                    topics: topics(&c.china_only),
                },
            ],
            summary: overlap_sentence(&counts),
            counts,
        })
    }
}

/// A row of `/readouts`.
pub struct ReadoutRow {
    pub slug: String,
    pub title: String,
    pub date_label: String,
    pub datetime: Option<String>,
    pub counts: ComparisonCounts,
    pub summary: String,
    /// The publishers (or titles) of each side's accounts.
    pub united_states: Vec<String>,
    pub china: Vec<String>,
}

impl From<&Readout> for ReadoutRow {
    fn from(r: &Readout) -> Self {
        let counts = r.accounts.counts();
        let names = |side| {
            r.accounts
                .of_side(side)
                .map(|a| {
                    a.row
                        .publisher
                        .clone()
                        .unwrap_or_else(|| a.row.source_title.clone())
                })
                .collect()
        };
        Self {
            slug: r.event.slug.clone(),
            title: r.event.title.clone(),
            date_label: r.event.date_label.clone(),
            datetime: super::views::datetime(
                &r.event.date_start,
                &r.event.date_end,
                &r.event.date_precision,
            ),
            summary: overlap_sentence(&counts),
            counts,
            united_states: names(AccountSide::UnitedStates),
            china: names(AccountSide::China),
        }
    }
}

/// A choice of a filter's select.
pub struct FilterOption {
    pub slug: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "readouts.html")]
pub struct ReadoutsPage {
    pub title: String,
    pub section: &'static str,
    pub rows: Vec<ReadoutRow>,
    pub filtered: bool,
    /// The canonical query string of the filter, for the JSON and CSV links.
    pub query: String,
    pub officials: Vec<FilterOption>,
    pub topics: Vec<FilterOption>,
    /// Every event the filter matches, on any page, and the pages before and after this one.
    pub total: i64,
    pub previous_href: Option<String>,
    pub next_href: Option<String>,
}

/// The readouts one page of `/readouts` lists; Previous and Next links page through the rest.
pub const READOUTS_PAGE: i64 = 20;

/// `/readouts`: every event with accounts from both sides, newest first.
pub async fn index(State(state): State<AppState>, RawQuery(query): RawQuery) -> PageAt {
    let (own, rest) = crate::domain::query::split_query(
        query.as_deref().unwrap_or_default(),
        &["after", "before"],
    )?;
    let position = super::page_position(&own, Cursor::decode, "a position in this list")?;
    let filter = ReadoutFilter::from_pairs(rest)?;
    let position = position.as_ref().map(|(c, side)| (c, *side));
    let (revision, list) = catalog::readouts::page(
        &state.db,
        &state.index,
        &filter,
        (position, READOUTS_PAGE),
        true,
    )
    .await?
    .into_parts();
    let page = list.page;
    let canonical = filter.query_string();
    let rows = &page.readouts;
    let selected =
        |list: &[crate::domain::Slug], slug: &str| list.iter().any(|s| s.as_str() == slug);
    let page = ReadoutsPage {
        title: "Readouts".into(),
        section: "readouts",
        rows: rows.iter().map(ReadoutRow::from).collect(),
        filtered: filter.is_filtered(),
        total: page.total,
        previous_href: page
            .previous()
            .map(|c| with_pairs("/readouts", &canonical, [("before", c.encode().as_str())])),
        next_href: page
            .next()
            .map(|c| with_pairs("/readouts", &canonical, [("after", c.encode().as_str())])),
        query: canonical.clone(),
        officials: list
            .officials
            .into_iter()
            .map(|p| FilterOption {
                selected: selected(&filter.officials, &p.slug),
                slug: p.slug,
                name: p.name,
            })
            .collect(),
        topics: list
            .topics
            .into_iter()
            .map(|t| FilterOption {
                selected: selected(&filter.topics, &t.slug),
                slug: t.slug,
                name: t.name,
            })
            .collect(),
    };
    Ok((revision, Html(page.render()?)))
}
