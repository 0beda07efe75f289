//! CSV exports (RFC 4180, UTF-8, header row) of the filtered timeline, officials and agreements.
//! Their columns are those `datapackage` describes, in its order.

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::ApiResult;
use crate::catalog::agreements::{AgreementExport, JudgedAgreement};
use crate::catalog::{self, Revision};
use crate::domain::TimelineFilter;
use crate::domain::exports::{AGREEMENTS, EVENTS, OFFICIALS};
use crate::domain::filter::AgreementFilter;
use crate::error::Error;
use crate::state::AppState;
use futures_util::{StreamExt as _, stream};

/// Events are read in keyset pages of this size, so an export never holds a huge result at once
/// in the database layer.
const PAGE: i64 = 1000;

/// An export's answer: its revision, and the CSV response.
type Export = ApiResult<(Option<Revision>, Response)>;

pub(super) fn csv_response(filename: &str, body: impl IntoResponse) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/csv; charset=utf-8; header=present".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn finish(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, Error> {
    writer
        .into_inner()
        .map_err(|e| Error::Internal(e.to_string()))
}

fn join(names: impl Iterator<Item = String>) -> String {
    names.collect::<Vec<_>>().join("; ")
}

/// `/events.csv?…`: one row per event matching the timeline's filters, in its order.
pub async fn events(State(state): State<AppState>, RawQuery(query): RawQuery) -> Export {
    let filter = TimelineFilter::from_query(query.as_deref().unwrap_or_default())?;
    let (revision, mut every) = catalog::timeline::every(&state.db, &state.index, &filter)
        .await?
        .into_parts();
    let mut out = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| Error::Internal(e.to_string());
    out.write_record(EVENTS.header()).map_err(csv_err)?;
    while let Some(rows) = every.next_page(PAGE).await? {
        for row in &rows {
            out.write_record([
                row.slug.as_str(),
                &row.title,
                &row.kind,
                &row.date_start,
                &row.date_end,
                &row.date_precision,
                &row.date_label,
                &row.status,
                row.location.as_deref().unwrap_or(""),
                &join(row.participants().into_iter().map(|p| p.name)),
                &join(row.topics().into_iter().map(|t| t.name)),
                &join(
                    row.citations()
                        .into_iter()
                        .map(|c| format!("{}#p{}", c.source, c.paragraph)),
                ),
                &format!("{}/events/{}", state.public_url, row.slug),
            ])
            .map_err(csv_err)?;
        }
    }
    Ok((revision, csv_response("events.csv", finish(out)?)))
}

/// `/officials.csv`: every official with their latest title.
pub async fn officials(State(state): State<AppState>) -> Export {
    let (revision, officials) = catalog::lists::officials(&state.db).await?.into_parts();
    let mut out = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| Error::Internal(e.to_string());
    out.write_record(OFFICIALS.header()).map_err(csv_err)?;
    for r in officials {
        out.write_record([
            r.slug.as_str(),
            &r.name,
            r.native_name.as_deref().unwrap_or(""),
            &r.country,
            r.title.as_deref().unwrap_or(""),
            r.title_from.as_deref().unwrap_or(""),
            r.title_to.as_deref().unwrap_or(""),
            &r.events.to_string(),
            &format!("{}/officials/{}", state.public_url, r.slug),
        ])
        .map_err(csv_err)?;
    }
    Ok((revision, csv_response("officials.csv", finish(out)?)))
}

/// Agreements are read, judged and written this many at a time while the export streams out.
const AGREEMENT_CHUNK: usize = 500;

/// `/agreements.csv?…`: every agreement matching the agreements page's filters, in its order,
/// with each status as judged today. Streamed: the matching ids are chosen first (from the
/// judged agreements in memory), then each chunk of them is read (in the same read
/// transaction) and written as it is sent.
pub async fn agreements(State(state): State<AppState>, RawQuery(query): RawQuery) -> Export {
    let filter = AgreementFilter::from_query(query.as_deref().unwrap_or_default())?;
    let (revision, export) = catalog::agreements::export(&state.agreements, &state.db, &filter)
        .await?
        .into_parts();
    let mut header = csv::Writer::from_writer(Vec::new());
    header
        .write_record(AGREEMENTS.header())
        .map_err(|e| Error::Internal(e.to_string()))?;
    let header = Bytes::from(finish(header)?);
    let public_url = state.public_url.clone();
    let rows = stream::unfold(Some(export), move |export| {
        let public_url = public_url.clone();
        async move {
            let mut export: AgreementExport = export?;
            match next_rows(&mut export, &public_url).await {
                Ok(Some(bytes)) => Some((Ok(bytes), Some(export))),
                Ok(None) => None,
                Err(e) => {
                    tracing::error!(error = %e, "the agreements export stopped part-way");
                    Some((Err(e), None))
                }
            }
        }
    });
    let body = stream::once(std::future::ready(Ok(header))).chain(rows);
    Ok((
        revision,
        csv_response("agreements.csv", Body::from_stream(body)),
    ))
}

/// The windows other than the followed one, as the `other_due` column gives them.
fn other_due(v: &JudgedAgreement) -> String {
    let others: Vec<String> = v
        .windows
        .iter()
        .filter(|w| !w.followed)
        .map(|judged| {
            let w = &judged.window;
            let status = judged.status.as_str();
            format!("{} ({}/{}): {status}", w.label, w.start, w.end)
        })
        .collect();
    others.join("; ")
}

/// The CSV rows of the export's next chunk of agreements, in their order; `None` after the
/// last.
async fn next_rows(export: &mut AgreementExport, public_url: &str) -> Result<Option<Bytes>, Error> {
    let Some(chunk) = export.next_chunk(AGREEMENT_CHUNK).await? else {
        return Ok(None);
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    for v in chunk {
        out.write_record([
            v.row.slug.as_str(),
            &v.row.title,
            &v.row.kind,
            &v.party_names(),
            &v.row.terms,
            v.row.cadence.as_deref().unwrap_or(""),
            v.row.due_start.as_deref().unwrap_or(""),
            v.row.due_end.as_deref().unwrap_or(""),
            v.row.due_label.as_deref().unwrap_or(""),
            v.status.as_str(),
            &v.reason,
            &other_due(&v),
            v.row.event_slug.as_deref().unwrap_or(""),
            &format!("{public_url}/agreements/{}", v.row.slug),
        ])
        .map_err(|e| Error::Internal(e.to_string()))?;
    }
    Ok(Some(Bytes::from(finish(out)?)))
}
