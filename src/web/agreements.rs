//! `/agreements` and `/agreements/{slug}`: the commitment tracker. Each agreement's status is
//! judged from its follow-up events and due date against today (`domain::commitment`); the list
//! filters, counts and pages by the judgements kept in `agreement_index`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use sqlx::SqlitePool;
use time::Date;

use super::agreement_index::{Cursor, Selection};
use super::cite::{CiteThis, Cited};
use super::timeline::{FacetOption, FacetView};
use super::views::{self, NoteView, SourceCitations};
use crate::db::agreements::{self, AgreementRow, FollowUpRow, Party};
use crate::db::annotations::{self, Subject};
use crate::db::{Named, topics};
use crate::domain::commitment::{self, FollowUp, RULES};
use crate::domain::date::{day_label, parse_day, today};
use crate::domain::filter::AgreementFilter;
use crate::domain::{AgreementKind, CommitmentStatus, FilterError, FollowUpEffect, Slug};
use crate::error::{Error, Result};
use crate::state::AppState;

pub struct FollowUpView {
    pub event_slug: String,
    pub event_title: String,
    pub event_date_label: String,
    pub effect: String,
    pub effect_label: String,
    pub note: Option<String>,
    /// The sources the follow-up event cites: the evidence for the judgement.
    pub sources: Vec<EvidenceSource>,
}

/// A source a follow-up event cites.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct EvidenceSource {
    pub slug: String,
    pub title: String,
    pub publisher: Option<String>,
}

/// An agreement with its judged status and the reason for it.
pub struct AgreementView {
    pub row: AgreementRow,
    pub kind_label: String,
    pub status: CommitmentStatus,
    pub reason: String,
    pub parties: Vec<Party>,
    pub topics: Vec<Named>,
    pub followups: Vec<FollowUpView>,
    /// "No record found (searched 30 November 2026)": the curators' last search, shown while no
    /// follow-up is recorded.
    pub no_record: Option<String>,
    /// Where sources give different due windows: each, with the status by it.
    pub windows: Vec<agreements::JudgedWindow>,
}

impl AgreementView {
    pub fn status_key(&self) -> &'static str {
        self.status.as_str()
    }
    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }
    /// Party names joined for a sentence: "US Department of Commerce and Ministry of Commerce".
    pub fn party_names(&self) -> String {
        let names: Vec<&str> = self.parties.iter().map(|p| p.name.as_str()).collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.concat(),
        }
    }
}

/// A due date as it reads after "due": "in early 2024", "by 28 August 2024", "within a year of …".
fn due_phrase(label: &str, precision: Option<&str>) -> String {
    if label.starts_with(char::is_lowercase) {
        return label.to_owned();
    }
    match precision {
        Some("day") => format!("by {label}"),
        Some("season") => {
            let mut chars = label.chars();
            let first = chars
                .next()
                .map(|c| c.to_lowercase().to_string())
                .unwrap_or_default();
            format!("in {first}{}", chars.as_str())
        }
        _ => format!("in {label}"),
    }
}

fn reason(status: CommitmentStatus, row: &AgreementRow, latest: Option<&FollowUpRow>) -> String {
    let due = row
        .due_label
        .as_deref()
        .map(|l| due_phrase(l, row.due_precision.as_deref()))
        .unwrap_or_default();
    match (status, latest) {
        (CommitmentStatus::FulfilledLate, Some(f)) => format!(
            "The latest follow-up, “{}” ({}), fulfils it, after it was due {due}.",
            f.event_title, f.event_date_label
        ),
        (
            CommitmentStatus::Fulfilled | CommitmentStatus::InProgress | CommitmentStatus::Broken,
            Some(f),
        ) => {
            let effect = f
                .effect
                .parse::<FollowUpEffect>()
                .map(|e| e.label().to_lowercase())
                .unwrap_or_default();
            format!(
                "The latest follow-up, “{}” ({}), {effect} it.",
                f.event_title, f.event_date_label
            )
        }
        (CommitmentStatus::Overdue, _) => {
            format!("It was due {due}, and no follow-up is recorded.")
        }
        (CommitmentStatus::Due, _) => format!("It is due {due}, and no follow-up is recorded yet."),
        _ if row.due_label.is_some() => {
            format!("It falls due {due}; no follow-up is recorded yet.")
        }
        _ => "It has no due date, and no follow-up is recorded.".to_owned(),
    }
}

/// "No record found (searched 30 November 2026)", for the day the curators last looked.
fn no_record_found(searched_on: &str) -> String {
    let day = parse_day(searched_on)
        .map(day_label)
        .unwrap_or_else(|_| searched_on.to_owned());
    format!("No record found (searched {day})")
}

/// Judges each agreement against today's date, with one query for all their follow-ups.
pub async fn judged(pool: &SqlitePool, rows: Vec<AgreementRow>) -> Result<Vec<AgreementView>> {
    judged_on(pool, rows, today()).await
}

/// Judges each agreement as of `day`, with one query for all their follow-ups.
pub async fn judged_on(
    pool: &SqlitePool,
    rows: Vec<AgreementRow>,
    day: Date,
) -> Result<Vec<AgreementView>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut by_agreement: HashMap<i64, Vec<FollowUpRow>> = HashMap::new();
    for f in agreements::followups(pool, &ids).await? {
        by_agreement.entry(f.agreement_id).or_default().push(f);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let mine = by_agreement.remove(&row.id).unwrap_or_default();
            let facts: Vec<FollowUp> = mine
                .iter()
                .filter_map(|f| FollowUp::parse(&f.effect, &f.event_date_start, &f.event_date_end))
                .collect();
            let due = match (row.due_start.as_deref(), row.due_end.as_deref()) {
                (Some(start), Some(end)) => parse_day(start).ok().zip(parse_day(end).ok()),
                _ => None,
            };
            let status = commitment::judge(&facts, due, day);
            let latest = mine.iter().max_by_key(|f| f.event_date_end.clone());
            let no_record = match (&row.searched_on, mine.is_empty()) {
                (Some(on), true) => Some(no_record_found(on)),
                _ => None,
            };
            AgreementView {
                windows: row.judged_windows(&facts, day),
                no_record,
                reason: reason(status, &row, latest),
                kind_label: row
                    .kind
                    .parse::<AgreementKind>()
                    .map(|k| k.label().to_owned())
                    .unwrap_or_default(),
                parties: row.parties(),
                topics: row.topics(),
                followups: mine
                    .iter()
                    .map(|f| FollowUpView {
                        event_slug: f.event_slug.clone(),
                        event_title: f.event_title.clone(),
                        event_date_label: f.event_date_label.clone(),
                        effect_label: f
                            .effect
                            .parse::<FollowUpEffect>()
                            .map(|e| e.label().to_owned())
                            .unwrap_or_default(),
                        effect: f.effect.clone(),
                        note: f.note.clone(),
                        sources: serde_json::from_str(&f.evidence).unwrap_or_default(),
                    })
                    .collect(),
                status,
                row,
            }
        })
        .collect())
}

/// The agreements with these ids, judged as of `day`, in the order of the ids. An id whose
/// agreement an import has just removed is left out.
pub async fn judged_in_order(
    pool: &SqlitePool,
    ids: &[i64],
    day: Date,
) -> Result<Vec<AgreementView>> {
    let mut rows = agreements::by_ids(pool, ids).await?;
    let order: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|r| order.get(&r.id).copied());
    judged_on(pool, rows, day).await
}

pub struct Rule {
    pub name: &'static str,
    pub text: &'static str,
}

pub fn rules() -> Vec<Rule> {
    RULES
        .iter()
        .map(|(name, text)| Rule { name, text })
        .collect()
}

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
    pub agreements: Vec<AgreementView>,
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
    counts: Vec<(&Named, i64)>,
    selected: &[Slug],
) -> FacetView {
    let mut options: Vec<FacetOption> = counts
        .into_iter()
        .map(|(value, count)| FacetOption {
            checked: selected.iter().any(|s| s.as_str() == value.slug),
            value: value.slug.clone(),
            label: value.name.clone(),
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

/// The status, party and topic facets of a selection.
fn facets(selection: &Selection<'_>, filter: &AgreementFilter) -> Vec<FacetView> {
    // Every status is offered, in the order of the rules, even when none has it now.
    let status = FacetView {
        param: "status",
        legend: "Status",
        options: selection
            .status_counts()
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
        facet("party", "Party", selection.party_counts(), &filter.parties),
        facet("topic", "Topic", selection.topic_counts(), &filter.topics),
    ]
}

fn href(query: &str) -> String {
    if query.is_empty() {
        "/agreements".to_owned()
    } else {
        format!("/agreements?{query}")
    }
}

/// `/agreements?filters&key=cursor`.
fn page_href(filters: &str, key: &str, cursor: &Cursor) -> String {
    let mut pairs = form_urlencoded::Serializer::new(filters.to_owned());
    pairs.append_pair(key, &cursor.encode());
    href(&pairs.finish())
}

/// The agreements list: a page of the agreements matching the filters, with the facets counted
/// over all of them. A bad filter or position renders the page with status 400 and the error
/// beside the form.
pub async fn index(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response> {
    let db = &state.db;
    let query = query.unwrap_or_default();
    let parsed =
        crate::domain::query::split_query(&query, &["after", "before"]).and_then(|(own, rest)| {
            Ok((
                AgreementFilter::from_query(&rest)?,
                super::page_position(&own, Cursor::decode, "a position in the agreements list")?,
            ))
        });
    let parsed = match parsed {
        Ok((filter, cursor)) => check_slugs(db, &filter).await.map(|()| (filter, cursor)),
        Err(e) => Err(Error::BadRequest(e)),
    };
    let (filter, cursor, error) = match parsed {
        Ok((filter, cursor)) => (filter, cursor, None),
        Err(Error::BadRequest(e)) => (AgreementFilter::default(), None, Some(e)),
        Err(e) => return Err(e),
    };
    let judged = state.agreements.judged(db, today()).await?;
    let selection = judged.select(&filter);
    let page = selection.page(cursor.as_ref().map(|(c, side)| (c, *side)), AGREEMENTS_PAGE);
    let agreements = if error.is_some() {
        Vec::new()
    } else {
        judged_in_order(db, &page.ids, judged.day).await?
    };
    let filters = filter.query_string();
    let total = if error.is_some() {
        0
    } else {
        selection.total()
    };
    let (first_shown, last_shown) = (page.offset + 1, page.offset + agreements.len());
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
    let page = AgreementsPage {
        title: "Agreements and commitments".into(),
        section: "agreements",
        facets: facets(&selection, &filter),
        filtered: filter.is_filtered(),
        total,
        first_shown,
        last_shown,
        chart,
        agreements,
        rules: rules(),
        today: crate::domain::date::day_label(judged.day),
        previous_href: page
            .before
            .filter(|_| error.is_none())
            .map(|c| page_href(&filters, "before", &c)),
        next_href: page
            .after
            .filter(|_| error.is_none())
            .map(|c| page_href(&filters, "after", &c)),
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
    Ok((status, Html(page.render()?)).into_response())
}

/// Unknown parties and topics are reported, not silently matched against nothing.
pub(crate) async fn check_slugs(pool: &SqlitePool, filter: &AgreementFilter) -> Result<()> {
    for party in &filter.parties {
        if !agreements::party_exists(pool, party.as_str()).await? {
            return Err(FilterError::new(
                "party",
                format!("there is no organisation or country \"{party}\""),
            )
            .into());
        }
    }
    for topic in &filter.topics {
        if topics::by_slug(pool, topic.as_str()).await?.is_none() {
            return Err(FilterError::new("topic", format!("there is no topic \"{topic}\"")).into());
        }
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "agreement.html")]
pub struct AgreementPage {
    pub title: String,
    pub section: &'static str,
    pub agreement: AgreementView,
    pub negotiators: Vec<Named>,
    pub notes: Vec<NoteView>,
    pub sources: Vec<SourceCitations>,
    pub rules: Vec<Rule>,
    pub cite: CiteThis,
}

pub async fn show(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Html<String>> {
    let db = &state.db;
    let row = agreements::by_slug(db, &slug)
        .await?
        .ok_or(Error::NotFound)?;
    let id = row.id;
    let agreement = judged(db, vec![row])
        .await?
        .into_iter()
        .next()
        .ok_or(Error::NotFound)?;
    let cite = CiteThis::build(
        &state,
        Cited {
            kind: "Agreement",
            record_type: "agreement",
            slug: &agreement.row.slug,
            path: format!("/agreements/{}", agreement.row.slug),
            title: &agreement.row.title,
            date: None,
        },
    )
    .await?;
    let page = AgreementPage {
        title: agreement.row.title.clone(),
        section: "agreements",
        negotiators: agreements::negotiators(db, id).await?,
        notes: views::notes(annotations::notes(db, Subject::Agreement, id).await?),
        sources: views::citations(annotations::citations(db, Subject::Agreement, id).await?),
        rules: rules(),
        agreement,
        cite,
    };
    Ok(Html(page.render()?))
}

#[cfg(test)]
mod tests {
    use super::due_phrase;

    #[test]
    fn due_dates_read_as_part_of_a_sentence() {
        assert_eq!(due_phrase("Early 2024", Some("season")), "in early 2024");
        assert_eq!(
            due_phrase("28 August 2024", Some("day")),
            "by 28 August 2024"
        );
        assert_eq!(due_phrase("August 2024", Some("month")), "in August 2024");
        assert_eq!(
            due_phrase("within a year of 28 August 2023", Some("day")),
            "within a year of 28 August 2023"
        );
    }
}
