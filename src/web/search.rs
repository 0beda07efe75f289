//! `/search?q=`: full-text search across events, the items of governments' accounts of them,
//! quotes, agreements, people, organisations and source paragraphs, grouped by kind, best
//! first, with the matched words highlighted.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::catalog::search::{self, Hit};
use crate::db::search::Kind;
use crate::domain::FilterError;
use crate::domain::filter::MAX_QUERY_CHARS;
use crate::domain::search::{parse_pairs, without_markers};
use crate::error::Result;
use crate::state::AppState;

pub struct ResultGroup {
    pub kind: &'static str,
    pub heading: &'static str,
    /// How many records of this kind match; at most `db::search::GROUP_LIMIT` are listed.
    pub count: i64,
    /// More than `count` match: only the latest `search::CANDIDATES` are counted and ranked.
    pub more: bool,
    pub hits: Vec<Hit>,
}

fn heading(kind: Kind) -> &'static str {
    match kind {
        Kind::Event => "Events",
        Kind::AccountItem => "In the governments' accounts",
        Kind::Quote => "Quotes",
        Kind::Agreement => "Agreements",
        Kind::Person => "People",
        Kind::Organization => "Organisations",
        Kind::Paragraph => "Source paragraphs",
    }
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub title: String,
    pub section: &'static str,
    /// The text as typed, kept in the box so it can be corrected.
    pub typed: String,
    pub error: Option<FilterError>,
    /// Whether a search ran (false for the empty form and for errors).
    pub searched: bool,
    pub total: i64,
    /// Some group has more matches than it counts.
    pub more: bool,
    pub groups: Vec<ResultGroup>,
    pub max_chars: usize,
    /// `q=…`, encoded, for the page's canonical address; empty before a search.
    pub query: String,
}

impl SearchPage {
    /// The groups with at least one hit.
    pub fn found(&self) -> impl Iterator<Item = &ResultGroup> {
        self.groups.iter().filter(|g| g.count > 0)
    }
}

/// The search page. A query that cannot be searched renders the same page with status 400 and
/// the reason beside the box.
pub async fn show(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response> {
    let query = query.unwrap_or_default();
    // Decoded strictly once; a query that cannot be is read leniently, only to refill the box
    // beside its error.
    let decoded = crate::domain::query::pairs(&query);
    let typed: String = match &decoded {
        Ok(pairs) => pairs
            .iter()
            .find(|(key, _)| key == "q")
            .map(|(_, value)| value.clone()),
        Err(_) => form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "q")
            .map(|(_, value)| value.into_owned()),
    }
    .map(|value| {
        without_markers(&value)
            .chars()
            .take(MAX_QUERY_CHARS)
            .collect()
    })
    .unwrap_or_default();
    let mut page = SearchPage {
        title: "Search".into(),
        section: "search",
        typed,
        error: None,
        searched: false,
        total: 0,
        more: false,
        groups: Vec::new(),
        max_chars: MAX_QUERY_CHARS,
        query: String::new(),
    };
    // Only a search reads the data: the empty form and an error are of no revision.
    let mut revision = None;
    match decoded.and_then(|pairs| parse_pairs(&pairs)) {
        Err(e) => page.error = Some(e),
        Ok(None) => {}
        Ok(Some(text)) => {
            let answer = search::search(&state.db, &text).await?;
            revision = answer.revision;
            page.groups = answer
                .value
                .into_iter()
                .map(|group| ResultGroup {
                    kind: group.kind.as_str(),
                    heading: heading(group.kind),
                    count: group.count,
                    more: group.more,
                    hits: group.hits,
                })
                .collect();
            page.total = page.groups.iter().map(|g| g.count).sum();
            page.more = page.groups.iter().any(|g| g.more);
            page.searched = true;
            page.query = form_urlencoded::Serializer::new(String::new())
                .append_pair("q", text.text())
                .finish();
            page.title = format!("Search: {}", text.text());
        }
    }
    let status = if page.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, revision, Html(page.render()?)).into_response())
}
