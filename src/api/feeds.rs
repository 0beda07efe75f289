//! Feeds of any filtered timeline: Atom (`/feed.atom`) and iCalendar (`/calendar.ics`), with the
//! timeline's filters and their meaning.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::ApiResult;
use crate::catalog::feeds::{self, Calendar, CalendarPage, Newest};
use crate::catalog::{Answer, Revision};
use crate::domain::date::parse_day;
use crate::domain::{Precision, TimelineFilter};
use crate::error::Error;
use crate::state::AppState;

/// The newest entries a feed carries.
pub const FEED_ENTRIES: i64 = 100;

pub struct Entry {
    pub id: String,
    pub title: String,
    pub link: String,
    pub updated: String,
    pub summary: String,
    pub kind: String,
    pub date_label: String,
}

#[derive(Template)]
#[template(path = "feed.xml", escape = "html")]
pub struct AtomFeed {
    pub id: String,
    pub title: String,
    pub self_link: String,
    pub html_link: String,
    pub updated: String,
    pub entries: Vec<Entry>,
}

fn rfc3339_or_epoch(value: Option<&String>) -> String {
    value
        .cloned()
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

/// A feed's answer: its revision, and the document.
type Feed = ApiResult<(Option<Revision>, Response)>;

/// `/feed.atom?…`: the newest events of a filtered timeline, newest first.
pub async fn atom(State(state): State<AppState>, RawQuery(query): RawQuery) -> Feed {
    let filter = TimelineFilter::from_query(query.as_deref().unwrap_or_default())?;
    let Answer {
        revision,
        value: Newest { rows, updated },
    } = feeds::newest(&state.db, &state.index, &filter, FEED_ENTRIES).await?;
    let (updates, latest) = (updated.events, updated.latest);
    let canonical = filter.query_string();
    let suffix = if canonical.is_empty() {
        String::new()
    } else {
        format!("?{canonical}")
    };
    let base = state.public_url.as_ref();
    let feed = AtomFeed {
        id: format!("{base}/feed.atom{suffix}"),
        title: if filter.is_filtered() {
            "tradewatch: US–China trade relations (filtered)".to_owned()
        } else {
            "tradewatch: US–China trade relations".to_owned()
        },
        self_link: format!("{base}/feed.atom{suffix}"),
        html_link: format!("{base}/{suffix}"),
        updated: rfc3339_or_epoch(latest.as_ref()),
        entries: rows
            .into_iter()
            .map(|row| Entry {
                id: format!("{base}/events/{}", row.slug),
                link: format!("{base}/events/{}", row.slug),
                updated: rfc3339_or_epoch(updates.get(&row.slug).or(latest.as_ref())),
                kind: row.kind.clone(),
                date_label: row.date_label.clone(),
                title: row.title,
                summary: row.summary,
            })
            .collect(),
    };
    let body = feed.render().map_err(Error::from)?;
    Ok((
        revision,
        (
            [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
            body,
        )
            .into_response(),
    ))
}

/// Escapes text for an iCalendar value (RFC 5545 §3.3.11).
fn ical_text(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Folds a content line to 75 octets, never inside a UTF-8 character (RFC 5545 §3.1).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

fn ical_day(iso: &str) -> Option<String> {
    let day = parse_day(iso).ok()?;
    Some(format!(
        "{:04}{:02}{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    ))
}

fn day_after(iso: &str) -> Option<String> {
    let day = parse_day(iso).ok()? + Duration::days(1);
    ical_day(&crate::domain::date::iso(day))
}

fn stamp(rfc3339: Option<&String>) -> String {
    rfc3339
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
        .map(|t| {
            let t = t.to_offset(time::UtcOffset::UTC);
            format!(
                "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        })
        .unwrap_or_else(|| "19700101T000000Z".to_owned())
}

/// One all-day VEVENT over `start..=end`; coarse dates say their precision in the summary.
#[allow(clippy::too_many_arguments)]
fn vevent(
    out: &mut String,
    uid: &str,
    dtstamp: &str,
    start: &str,
    end: &str,
    precision: &str,
    label: &str,
    summary: &str,
    url: &str,
    description: &str,
) {
    let (Some(dtstart), Some(dtend)) = (ical_day(start), day_after(end)) else {
        return;
    };
    let summary = match precision.parse::<Precision>() {
        Ok(Precision::Day) | Err(_) => summary.to_owned(),
        Ok(p) => format!("{summary} (date {}: {label})", p.description()),
    };
    out.push_str("BEGIN:VEVENT\r\n");
    fold(&format!("UID:{uid}"), out);
    fold(&format!("DTSTAMP:{dtstamp}"), out);
    fold(&format!("DTSTART;VALUE=DATE:{dtstart}"), out);
    fold(&format!("DTEND;VALUE=DATE:{dtend}"), out);
    fold(&format!("SUMMARY:{}", ical_text(&summary)), out);
    fold(&format!("DESCRIPTION:{}", ical_text(description)), out);
    fold(&format!("URL:{url}"), out);
    out.push_str("TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n");
}

/// `/calendar.ics?…`: every event of a filtered timeline as an all-day event (spanning the whole
/// range of a date known only to the month, part of the year or year, with the precision said in
/// its summary), each day a policy action among them takes effect as one more, and every
/// agreement with a due date as an all-day span over its due date.
pub async fn calendar(State(state): State<AppState>, RawQuery(query): RawQuery) -> Feed {
    let filter = TimelineFilter::from_query(query.as_deref().unwrap_or_default())?;
    let Answer {
        revision,
        value: Calendar {
            pages,
            agreements,
            updated,
        },
    } = feeds::calendar(&state.db, &state.index, &filter).await?;
    let (updates, latest) = (updated.events, updated.latest);
    let base = state.public_url.as_ref();
    let mut out = String::new();
    out.push_str("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tradewatch//US-China trade relations//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
    fold(
        "X-WR-CALNAME:tradewatch: US–China trade relations",
        &mut out,
    );
    for CalendarPage {
        events,
        taking_effect,
    } in pages
    {
        for row in &events {
            let url = format!("{base}/events/{}", row.slug);
            let description = format!("{} · {}", row.date_label, url);
            vevent(
                &mut out,
                &format!("event-{}@tradewatch", row.slug),
                &stamp(updates.get(&row.slug).or(latest.as_ref())),
                &row.date_start,
                &row.date_end,
                &row.date_precision,
                &row.date_label,
                &row.title,
                &url,
                &description,
            );
        }
        // A policy action also on each day it takes effect (or resumes), from its phases.
        for phase in taking_effect {
            let url = format!("{base}/events/{}", phase.slug);
            let what = if phase.phase == "resumed" {
                "In force again"
            } else {
                "Takes effect"
            };
            vevent(
                &mut out,
                &format!(
                    "{}-{}-{}@tradewatch",
                    phase.phase, phase.slug, phase.date_start
                ),
                &stamp(updates.get(&phase.slug).or(latest.as_ref())),
                &phase.date_start,
                &phase.date_end,
                &phase.date_precision,
                &phase.date_label,
                &format!("{what}: {}", phase.title),
                &url,
                &format!("{what} {} · {}", phase.date_label, url),
            );
        }
    }
    // Commitments only in the unfiltered calendar (the catalog reads none for a filtered one):
    // the timeline's filters describe events.
    for a in agreements {
        let (Some(start), Some(end)) = (a.due_start.as_deref(), a.due_end.as_deref()) else {
            continue;
        };
        let url = format!("{base}/agreements/{}", a.slug);
        vevent(
            &mut out,
            &format!("agreement-{}@tradewatch", a.slug),
            &stamp(latest.as_ref()),
            start,
            end,
            a.due_precision.as_deref().unwrap_or("day"),
            a.due_label.as_deref().unwrap_or(""),
            &format!("Due: {}", a.title),
            &url,
            &a.terms,
        );
    }
    out.push_str("END:VCALENDAR\r\n");
    Ok((
        revision,
        (
            [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
            out,
        )
            .into_response(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "é".repeat(60)), &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "é".repeat(60)));
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(ical_text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }
}
