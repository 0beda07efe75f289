//! Agreements judged: each agreement's status from its follow-up events and due date against
//! today (`domain::commitment`), with the reason in words and the evidence. The list pages filter,
//! count and page by the judgements kept in `agreement_index`; the HTML and the JSON render what
//! is judged here.

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use time::Date;

use super::agreement_index::{AgreementIndex, Cursor, Judged};
use super::provenance::{self, Provenance};
use super::revision::{self, Answer};
use crate::db::agreements::{self, AgreementRow, FollowUpRow, Party};
use crate::db::annotations::{self, CitedParagraph, NoteRow, Subject};
use crate::db::events::Side;
use crate::db::{Named, topics};
use crate::domain::commitment::{self, FollowUp, RULES};
use crate::domain::date::{parse_day, stored_day_label, today};
use crate::domain::filter::AgreementFilter;
use crate::domain::{AgreementKind, CommitmentStatus, FilterError, FollowUpEffect};
use crate::error::{Error, Result};

pub struct FollowUpEvidence {
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
pub struct JudgedAgreement {
    pub row: AgreementRow,
    pub kind_label: String,
    pub status: CommitmentStatus,
    pub reason: String,
    pub parties: Vec<Party>,
    pub topics: Vec<Named>,
    pub followups: Vec<FollowUpEvidence>,
    /// "No record found (searched 30 November 2026)": the curators' last search, shown while no
    /// follow-up is recorded.
    pub no_record: Option<String>,
    /// Where sources give different due windows: each, with the status by it.
    pub windows: Vec<agreements::JudgedWindow>,
}

impl JudgedAgreement {
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
    format!(
        "No record found (searched {})",
        stored_day_label(searched_on)
    )
}

/// Judges each agreement against today's date, with one query for all their follow-ups.
pub async fn judged(
    conn: &mut SqliteConnection,
    rows: Vec<AgreementRow>,
) -> Result<Vec<JudgedAgreement>> {
    judged_on(conn, rows, today()).await
}

/// Judges each agreement as of `day`, with one query for all their follow-ups.
pub async fn judged_on(
    conn: &mut SqliteConnection,
    rows: Vec<AgreementRow>,
    day: Date,
) -> Result<Vec<JudgedAgreement>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut by_agreement: HashMap<i64, Vec<FollowUpRow>> = HashMap::new();
    for f in agreements::followups(&mut *conn, &ids).await? {
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
            JudgedAgreement {
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
                    .map(|f| FollowUpEvidence {
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
    conn: &mut SqliteConnection,
    ids: &[i64],
    day: Date,
) -> Result<Vec<JudgedAgreement>> {
    let mut rows = agreements::by_ids(&mut *conn, ids).await?;
    let order: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|r| order.get(&r.id).copied());
    judged_on(conn, rows, day).await
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

/// Unknown parties and topics are reported, not silently matched against nothing.
async fn check_slugs(conn: &mut SqliteConnection, filter: &AgreementFilter) -> Result<()> {
    for party in &filter.parties {
        if !agreements::party_exists(&mut *conn, party.as_str()).await? {
            return Err(FilterError::new(
                "party",
                format!("there is no organisation or country \"{party}\""),
            )
            .into());
        }
    }
    for topic in &filter.topics {
        if topics::by_slug(&mut *conn, topic.as_str()).await?.is_none() {
            return Err(FilterError::new("topic", format!("there is no topic \"{topic}\"")).into());
        }
    }
    Ok(())
}

/// One agreement with everything its page shows.
pub struct AgreementRecord {
    pub agreement: JudgedAgreement,
    /// The people who took part in the event where it was reached.
    pub negotiators: Vec<Named>,
    pub notes: Vec<NoteRow>,
    pub citations: Vec<CitedParagraph>,
    /// The revisions its citation names.
    pub provenance: Provenance,
}

/// The agreement with this slug, judged today, or `None` when there is none; read in one read
/// transaction.
pub async fn record(pool: &SqlitePool, slug: &str) -> Result<Answer<Option<AgreementRecord>>> {
    let mut read = revision::read(pool).await?;
    let conn = &mut *read.tx;
    let Some(row) = agreements::by_slug(&mut *conn, slug).await? else {
        return read.answer(None).await;
    };
    let id = row.id;
    let Some(agreement) = judged(&mut *conn, vec![row]).await?.into_iter().next() else {
        return read.answer(None).await;
    };
    let record = AgreementRecord {
        agreement,
        negotiators: agreements::negotiators(&mut *conn, id).await?,
        notes: annotations::notes(&mut *conn, Subject::Agreement, id).await?,
        citations: annotations::citations(&mut *conn, Subject::Agreement, id).await?,
        provenance: provenance::of(&mut *conn, "agreement", slug).await?,
    };
    read.answer(Some(record)).await
}

/// A page of the agreements matching a filter, with the counts of its facets over all of them.
pub struct AgreementList {
    /// The day the statuses are judged as of.
    pub day: Date,
    /// How many agreements match, on every page.
    pub total: usize,
    /// How many matching agreements come before the page.
    pub offset: usize,
    pub agreements: Vec<JudgedAgreement>,
    /// The places of the page's first and last agreements, for the pages either side (`None`
    /// when there is nothing on that side).
    pub before: Option<Cursor>,
    pub after: Option<Cursor>,
    /// Every status, party and topic with how many agreements match it under the other filters.
    pub status_counts: Vec<(CommitmentStatus, i64)>,
    pub party_counts: Vec<(Named, i64)>,
    pub topic_counts: Vec<(Named, i64)>,
    /// Why the filter was answered as no filter (`list`'s `unfiltered_if_rejected`).
    pub rejected: Option<FilterError>,
}

/// The agreements matching `filter`, judged today, `limit` of them after (or before) a place
/// in the list. A party or topic that names no record is a 400, or, when
/// `unfiltered_if_rejected`, the first page of no filter with the error named in the answer
/// (the list page shows it beside the unfiltered form). Read in one read transaction: the
/// judgements kept for its revision, and the page's agreements read in it.
pub async fn list(
    index: &AgreementIndex,
    pool: &SqlitePool,
    filter: &AgreementFilter,
    at: Option<(&Cursor, Side)>,
    limit: usize,
    unfiltered_if_rejected: bool,
) -> Result<Answer<AgreementList>> {
    let mut read = revision::read(pool).await?;
    let none = AgreementFilter::default();
    let (filter, at, rejected) = match check_slugs(&mut read.tx, filter).await {
        Ok(()) => (filter, at, None),
        Err(Error::BadRequest(e)) if unfiltered_if_rejected => (&none, None, Some(e)),
        Err(e) => return Err(e),
    };
    let judged = judged_at(index, &mut read).await?;
    let selection = judged.select(filter);
    let page = selection.page(at, limit);
    let owned = |counts: Vec<(&Named, i64)>| {
        counts
            .into_iter()
            .map(|(value, count)| (value.clone(), count))
            .collect()
    };
    let list = AgreementList {
        day: judged.day,
        total: selection.total(),
        offset: page.offset,
        agreements: judged_in_order(&mut read.tx, &page.ids, judged.day).await?,
        before: page.before,
        after: page.after,
        status_counts: selection.status_counts(),
        party_counts: owned(selection.party_counts()),
        topic_counts: owned(selection.topic_counts()),
        rejected,
    };
    read.answer(list).await
}

/// A read transaction, and every agreement judged today at the revision it sees, once
/// `filter`'s parties and topics are found there (a 400 names one that is not).
async fn judged_for(
    index: &AgreementIndex,
    pool: &SqlitePool,
    filter: &AgreementFilter,
) -> Result<(revision::Read, Arc<Judged>)> {
    let mut read = revision::read(pool).await?;
    check_slugs(&mut read.tx, filter).await?;
    let judged = judged_at(index, &mut read).await?;
    Ok((read, judged))
}

/// Every agreement judged today at the revision `read` sees.
async fn judged_at(index: &AgreementIndex, read: &mut revision::Read) -> Result<Arc<Judged>> {
    // Before any import there is no revision; the judgements count that as 0.
    let id = read.revision.map_or(0, |r| r.id);
    Ok(index.judged(&mut read.tx, id, today()).await?)
}

/// Every agreement matching a filter, in the list's order, judged as of one day and read
/// chunk by chunk as an export streams, all in the read transaction the ids were chosen in.
pub struct AgreementExport {
    tx: Transaction<'static, Sqlite>,
    ids: Vec<i64>,
    /// How many of `ids` have been read.
    read: usize,
    day: Date,
}

impl AgreementExport {
    /// The next at most `size` agreements, judged; `None` once every one has been read.
    pub async fn next_chunk(&mut self, size: usize) -> Result<Option<Vec<JudgedAgreement>>> {
        let Some(chunk) = self.ids.get(self.read..).filter(|rest| !rest.is_empty()) else {
            return Ok(None);
        };
        let chunk = &chunk[..size.min(chunk.len())];
        self.read += chunk.len();
        Ok(Some(judged_in_order(&mut self.tx, chunk, self.day).await?))
    }
}

/// Every agreement matching `filter`, to read in chunks as an export streams. A party or topic
/// that names no record is a 400.
pub async fn export(
    index: &AgreementIndex,
    pool: &SqlitePool,
    filter: &AgreementFilter,
) -> Result<Answer<AgreementExport>> {
    let (read, judged) = judged_for(index, pool, filter).await?;
    let ids = judged.select(filter).ids().collect();
    Ok(Answer {
        revision: read.revision,
        value: AgreementExport {
            tx: read.tx,
            ids,
            read: 0,
            day: judged.day,
        },
    })
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
