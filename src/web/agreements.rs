//! `/agreements` and `/agreements/{slug}`: the commitment tracker. Each agreement's status is
//! judged at request time from its follow-up events and due date (`domain::commitment`).

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use sqlx::SqlitePool;
use time::Date;

use super::cite::{CiteThis, Cited};
use super::timeline::{FacetOption, FacetView};
use super::views::{self, NoteView, SourceCitations};
use crate::db::agreements::{self, AgreementRow, FollowUpRow, Party};
use crate::db::annotations::{self, Subject};
use crate::db::{Named, topics};
use crate::domain::commitment::{self, FollowUp, RULES};
use crate::domain::date::parse_day;
use crate::domain::filter::AgreementFilter;
use crate::domain::{AgreementKind, CommitmentStatus, FilterError, FollowUpEffect};
use crate::error::{Error, Result};
use crate::state::AppState;

pub struct FollowUpView {
    pub event_slug: String,
    pub event_title: String,
    pub event_date_label: String,
    pub effect: String,
    pub effect_label: String,
    pub note: Option<String>,
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

pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
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

/// Judges each agreement against today's date, with one query for all their follow-ups.
pub async fn judged(pool: &SqlitePool, rows: Vec<AgreementRow>) -> Result<Vec<AgreementView>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let all_followups = agreements::followups(pool, &ids).await?;
    let today = today();
    Ok(rows
        .into_iter()
        .map(|row| {
            let mine: Vec<&FollowUpRow> = all_followups
                .iter()
                .filter(|f| f.agreement_id == row.id)
                .collect();
            let facts: Vec<FollowUp> = mine
                .iter()
                .filter_map(|f| {
                    Some(FollowUp {
                        effect: f.effect.parse().ok()?,
                        date_end: parse_day(&f.event_date_end).ok()?,
                    })
                })
                .collect();
            let due = match (row.due_start.as_deref(), row.due_end.as_deref()) {
                (Some(start), Some(end)) => parse_day(start).ok().zip(parse_day(end).ok()),
                _ => None,
            };
            let status = commitment::judge(&facts, due, today);
            let latest = mine
                .iter()
                .max_by_key(|f| f.event_date_end.clone())
                .copied();
            AgreementView {
                reason: reason(status, &row, latest),
                kind_label: row
                    .kind
                    .parse::<AgreementKind>()
                    .map(|k| k.label().to_owned())
                    .unwrap_or_default(),
                parties: row.parties(),
                topics: row.topics(),
                followups: mine
                    .into_iter()
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
                    })
                    .collect(),
                status,
                row,
            }
        })
        .collect())
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

#[derive(Template)]
#[template(path = "agreements.html")]
pub struct AgreementsPage {
    pub title: String,
    pub section: &'static str,
    pub error: Option<FilterError>,
    pub facets: Vec<FacetView>,
    pub filtered: bool,
    pub total: usize,
    pub agreements: Vec<AgreementView>,
    pub chart: Option<super::charts::commitments::CommitmentChart>,
    pub rules: Vec<Rule>,
    pub today: String,
    /// The current query string, for the CSV and JSON equivalents.
    pub query: String,
}

/// Which of the filter's fields an agreement satisfies, leaving one out for its facet counts.
pub(crate) fn matches(
    view: &AgreementView,
    filter: &AgreementFilter,
    except: Option<&str>,
) -> bool {
    (except == Some("status")
        || filter.statuses.is_empty()
        || filter.statuses.contains(&view.status))
        && (except == Some("party")
            || filter.parties.is_empty()
            || view
                .parties
                .iter()
                .any(|p| filter.parties.iter().any(|s| s.as_str() == p.slug)))
        && (except == Some("topic")
            || filter.topics.is_empty()
            || view
                .topics
                .iter()
                .any(|t| filter.topics.iter().any(|s| s.as_str() == t.slug)))
}

/// The options of one facet, from every agreement, counted under the other filters.
fn facet(
    param: &'static str,
    legend: &'static str,
    all: &[AgreementView],
    filter: &AgreementFilter,
    values: impl Fn(&AgreementView) -> Vec<(String, String)>,
    selected: &[String],
) -> FacetView {
    let mut options: Vec<FacetOption> = Vec::new();
    for view in all {
        let counted = matches(view, filter, Some(param));
        for (value, label) in values(view) {
            match options.iter_mut().find(|o| o.value == value) {
                Some(option) => option.count += i64::from(counted),
                None => options.push(FacetOption {
                    checked: selected.contains(&value),
                    count: i64::from(counted),
                    value,
                    label,
                }),
            }
        }
    }
    options.sort_by(|a, b| a.label.cmp(&b.label));
    FacetView {
        param,
        legend,
        options,
    }
}

pub async fn index(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response> {
    let db = &state.db;
    let parsed = AgreementFilter::from_query(query.as_deref().unwrap_or_default());
    let parsed = match parsed {
        Ok(filter) => check_slugs(db, &filter).await.map(|()| filter),
        Err(e) => Err(Error::BadRequest(e)),
    };
    let (filter, error) = match parsed {
        Ok(filter) => (filter, None),
        Err(Error::BadRequest(e)) => (AgreementFilter::default(), Some(e)),
        Err(e) => return Err(e),
    };
    let all = judged(db, agreements::all(db).await?).await?;
    let slugs =
        |list: &[crate::domain::Slug]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
    let statuses: Vec<String> = filter
        .statuses
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect();
    let mut status_facet = facet(
        "status",
        "Status",
        &all,
        &filter,
        |v| vec![(v.status.as_str().to_owned(), v.status.label().to_owned())],
        &statuses,
    );
    // Every status is offered, in the order of the rules, even when none has it now.
    status_facet.options = CommitmentStatus::ALL
        .iter()
        .map(|s| {
            let count = status_facet
                .options
                .iter()
                .find(|o| o.value == s.as_str())
                .map_or(0, |o| o.count);
            FacetOption {
                value: s.as_str().to_owned(),
                label: s.label().to_owned(),
                count,
                checked: statuses.iter().any(|v| v == s.as_str()),
            }
        })
        .collect();
    let facets = vec![
        status_facet,
        facet(
            "party",
            "Party",
            &all,
            &filter,
            |v| {
                v.parties
                    .iter()
                    .map(|p| (p.slug.clone(), p.name.clone()))
                    .collect()
            },
            &slugs(&filter.parties),
        ),
        facet(
            "topic",
            "Topic",
            &all,
            &filter,
            |v| {
                v.topics
                    .iter()
                    .map(|t| (t.slug.clone(), t.name.clone()))
                    .collect()
            },
            &slugs(&filter.topics),
        ),
    ];
    let agreements: Vec<AgreementView> = if error.is_some() {
        Vec::new()
    } else {
        all.into_iter()
            .filter(|v| matches(v, &filter, None))
            .collect()
    };
    let page = AgreementsPage {
        title: "Agreements and commitments".into(),
        section: "agreements",
        facets,
        filtered: filter.is_filtered(),
        total: agreements.len(),
        chart: super::charts::commitments::lay_out(&agreements),
        agreements,
        rules: rules(),
        today: crate::domain::date::day_label(today()),
        query: if error.is_none() {
            query.unwrap_or_default()
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
