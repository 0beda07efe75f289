//! `/agreements` and `/agreements/{slug}`: the commitment tracker's pages. What each agreement's
//! status is, and why, is judged in `catalog::agreements`.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::PageAt;
use super::cite::{CiteThis, Cited};
use super::timeline::{FacetOption, FacetView};
use super::views::{self, NoteView, SourceCitations};
use crate::catalog::agreement_index::Cursor;
use crate::catalog::agreements::{AgreementList, JudgedAgreement, Rule, rules};
use crate::catalog::{self, Answer};
use crate::db::Named;
use crate::domain::filter::AgreementFilter;
use crate::domain::links::with_pairs;
use crate::domain::{FilterError, Slug};
use crate::error::Result;
use crate::state::AppState;

/// The agreements one page of `/agreements` lists; Previous and Next links page through the
/// rest by keyset.
pub const AGREEMENTS_PAGE: usize = 50;

#[derive(Template)]
#[template(path = "agreements.html")]
pub struct AgreementsPage {
    pub title: String,
    pub section: &'static str,
    pub error: Option<FilterError>,
    pub facets: Vec<FacetView>,
    pub filtered: bool,
    /// How many agreements match, on every page.
    pub total: usize,
    /// The positions of the page's first and last agreements among them, from 1.
    pub first_shown: usize,
    pub last_shown: usize,
    pub agreements: Vec<JudgedAgreement>,
    pub chart: Option<super::charts::commitments::CommitmentChart>,
    pub rules: Vec<Rule>,
    pub today: String,
    /// The pages before and after this one, by keyset.
    pub previous_href: Option<String>,
    pub next_href: Option<String>,
    /// The filters' query string, for the CSV and JSON equivalents.
    pub query: String,
}

/// A facet's options from the counts, by label, each ticked when chosen.
fn facet(
    param: &'static str,
    legend: &'static str,
    counts: Vec<(Named, i64)>,
    selected: &[Slug],
) -> FacetView {
    let mut options: Vec<FacetOption> = counts
        .into_iter()
        .map(|(value, count)| FacetOption {
            checked: selected.iter().any(|s| s.as_str() == value.slug),
            value: value.slug,
            label: value.name,
            count,
        })
        .collect();
    options.sort_by(|a, b| a.label.cmp(&b.label));
    FacetView {
        param,
        legend,
        options,
    }
}

/// The status, party and topic facets of a list.
fn facets(list: AgreementList, filter: &AgreementFilter) -> Vec<FacetView> {
    // Every status is offered, in the order of the rules, even when none has it now.
    let status = FacetView {
        param: "status",
        legend: "Status",
        options: list
            .status_counts
            .into_iter()
            .map(|(s, count)| FacetOption {
                value: s.as_str().to_owned(),
                label: s.label().to_owned(),
                count,
                checked: filter.statuses.contains(&s),
            })
            .collect(),
    };
    vec![
        status,
        facet("party", "Party", list.party_counts, &filter.parties),
        facet("topic", "Topic", list.topic_counts, &filter.topics),
    ]
}

/// `/agreements?filters&key=cursor`.
fn page_href(filters: &str, key: &str, cursor: &Cursor) -> String {
    with_pairs("/agreements", filters, [(key, cursor.encode().as_str())])
}

/// The agreements list: a page of the agreements matching the filters, with the facets counted
/// over all of them. A bad filter or position renders the page with status 400 and the error
/// beside the form.
pub async fn index(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response> {
    let query = query.unwrap_or_default();
    let parsed =
        crate::domain::query::split_query(&query, &["after", "before"]).and_then(|(own, rest)| {
            Ok((
                AgreementFilter::from_pairs(rest)?,
                super::page_position(&own, Cursor::decode, "a position in the agreements list")?,
            ))
        });
    // A bad filter or position is shown beside the form, over the unfiltered facets: one
    // that does not parse is asked as no filter; one naming no record is answered so by the
    // catalog, in the same read.
    let (filter, cursor, malformed) = match parsed {
        Ok((filter, cursor)) => (filter, cursor, None),
        Err(e) => (AgreementFilter::default(), None, Some(e)),
    };
    let Answer {
        revision,
        value: mut list,
    } = catalog::agreements::list(
        &state.agreements,
        &state.db,
        &filter,
        cursor.as_ref().map(|(c, side)| (c, *side)),
        AGREEMENTS_PAGE,
        true,
    )
    .await?;
    let (filter, error) = match (malformed, list.rejected.take()) {
        (Some(e), _) | (None, Some(e)) => (AgreementFilter::default(), Some(e)),
        (None, None) => (filter, None),
    };
    let filters = filter.query_string();
    let (total, agreements) = if error.is_some() {
        (0, Vec::new())
    } else {
        (list.total, std::mem::take(&mut list.agreements))
    };
    let (first_shown, last_shown) = (list.offset + 1, list.offset + agreements.len());
    let chart = super::charts::commitments::lay_out(&agreements).map(|mut chart| {
        if agreements.len() < total {
            let scope = format!(
                "It draws the agreements listed on this page, {first_shown}–{last_shown} of {total}; each page draws its own."
            );
            chart.desc = format!("{scope} {}", chart.desc);
            chart.scope = Some(scope);
        }
        chart
    });
    let previous_href = list
        .before
        .as_ref()
        .filter(|_| error.is_none())
        .map(|c| page_href(&filters, "before", c));
    let next_href = list
        .after
        .as_ref()
        .filter(|_| error.is_none())
        .map(|c| page_href(&filters, "after", c));
    let today = crate::domain::date::day_label(list.day);
    let page = AgreementsPage {
        title: "Agreements and commitments".into(),
        section: "agreements",
        facets: facets(list, &filter),
        filtered: filter.is_filtered(),
        total,
        first_shown,
        last_shown,
        chart,
        agreements,
        rules: rules(),
        today,
        previous_href,
        next_href,
        query: if error.is_none() {
            filters
        } else {
            String::new()
        },
        error,
    };
    let status = if page.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, revision, Html(page.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "agreement.html")]
pub struct AgreementPage {
    pub title: String,
    pub section: &'static str,
    pub agreement: JudgedAgreement,
    pub negotiators: Vec<Named>,
    pub notes: Vec<NoteView>,
    pub sources: Vec<SourceCitations>,
    pub rules: Vec<Rule>,
    pub cite: CiteThis,
}

pub async fn show(State(state): State<AppState>, Path(slug): Path<String>) -> PageAt {
    let (revision, record) = catalog::agreements::record(&state.db, &slug)
        .await?
        .found()?
        .into_parts();
    let agreement = record.agreement;
    let cite = CiteThis::build(
        &state.public_url,
        Cited {
            kind: "Agreement",
            record_type: "agreement",
            slug: &agreement.row.slug,
            path: format!("/agreements/{}", agreement.row.slug),
            title: &agreement.row.title,
            date: None,
        },
        &record.provenance,
    );
    let page = AgreementPage {
        title: agreement.row.title.clone(),
        section: "agreements",
        negotiators: record.negotiators,
        notes: views::notes(record.notes),
        sources: views::citations(record.citations),
        rules: rules(),
        agreement,
        cite,
    };
    Ok((revision, Html(page.render()?)))
}
