//! What the API serialises, built from database rows: every record carries its links
//! (`html_url`, `api_url`), dates with their precision, and its citations.

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::Named;
use crate::db::events::{CitationRef, EventListRow};

#[derive(Serialize, ToSchema)]
pub struct Link {
    pub slug: String,
    pub name: String,
    pub html_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
}

impl Link {
    /// A record of the collection `path` (`events`, `officials`, …): its page and its JSON.
    fn of(path: &str, slug: String, name: String) -> Self {
        Self {
            html_url: format!("/{path}/{slug}"),
            api_url: Some(format!("/api/v1/{path}/{slug}")),
            slug,
            name,
        }
    }
    pub fn official(named: Named) -> Self {
        Self::of("officials", named.slug, named.name)
    }
    pub fn topic(named: Named) -> Self {
        Self::of("topics", named.slug, named.name)
    }
    pub fn organization(slug: String, name: String) -> Self {
        Self::of("organizations", slug, name)
    }
    pub fn event(slug: String, title: String) -> Self {
        Self::of("events", slug, title)
    }
    pub fn source(slug: String, title: String) -> Self {
        Self::of("sources", slug, title)
    }
}

/// Where a paged list stands.
#[derive(Serialize, ToSchema)]
pub struct ListMeta {
    /// How many records match the filters, across all pages.
    pub total: i64,
    pub limit: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ListLinks {
    #[serde(rename = "self")]
    pub this: String,
    /// The next page, or null on the last.
    pub next: Option<String>,
    /// The same view in the browser.
    pub html: String,
}

/// A date known to a precision: the range of days it may denote.
#[derive(Serialize, ToSchema)]
pub struct DateDto {
    pub start: String,
    pub end: String,
    /// `day`, `month`, `season` or `year`.
    pub precision: String,
    pub label: String,
}

#[derive(Serialize, ToSchema)]
pub struct EventSummary {
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub date: DateDto,
    pub status: String,
    pub location: Option<String>,
    pub summary: String,
    /// The countries that acted (slugs).
    pub sides: Vec<String>,
    pub participants: Vec<Link>,
    pub topics: Vec<Link>,
    pub citations: Vec<CitationRef>,
    pub html_url: String,
    pub api_url: String,
}

impl From<EventListRow> for EventSummary {
    fn from(row: EventListRow) -> Self {
        Self {
            participants: row.participants().into_iter().map(Link::official).collect(),
            topics: row.topics().into_iter().map(Link::topic).collect(),
            citations: row.citations(),
            sides: row.sides().into_iter().map(|s| s.slug).collect(),
            html_url: format!("/events/{}", row.slug),
            api_url: format!("/api/v1/events/{}", row.slug),
            date: DateDto {
                start: row.date_start,
                end: row.date_end,
                precision: row.date_precision,
                label: row.date_label,
            },
            slug: row.slug,
            title: row.title,
            kind: row.kind,
            status: row.status,
            location: row.location,
            summary: row.summary,
        }
    }
}

/// A paragraph (or, of a summary source, a summary point) a record cites, with its text.
#[derive(Serialize, ToSchema)]
pub struct CitedParagraphDto {
    pub source: String,
    /// The paragraph's number, or the summary point's.
    pub paragraph: i64,
    /// `full-text`: `text` is the source's paragraph; `summary`: it is the editors' summary
    /// point, not the source's words.
    #[schema(schema_with = super::openapi::text_kind_schema)]
    pub text_kind: String,
    pub text: String,
    pub html_url: String,
}

impl From<crate::db::annotations::CitedParagraph> for CitedParagraphDto {
    fn from(c: crate::db::annotations::CitedParagraph) -> Self {
        Self {
            html_url: crate::domain::links::paragraph_href(&c.source_slug, c.number),
            source: c.source_slug,
            paragraph: c.number,
            text_kind: c.source_text_kind,
            text: c.text,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NoteDto {
    pub kind: String,
    pub text: String,
    pub basis: Option<String>,
}

impl From<crate::db::annotations::NoteRow> for NoteDto {
    fn from(n: crate::db::annotations::NoteRow) -> Self {
        Self {
            kind: n.kind,
            text: n.text,
            basis: n.basis,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AgreementDto {
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub terms: String,
    pub parties: Vec<Link>,
    pub cadence: Option<String>,
    pub due: Option<DateDto>,
    /// Where the sources give different windows for when it falls due: every window, the
    /// first being `due`, which the status follows, each with its sources and the status the
    /// agreement has (or would have) by it. Empty when the sources agree.
    pub due_windows: Vec<DueWindowDto>,
    /// Why the status follows `due` rather than the other windows; absent when there are none.
    pub due_reason: Option<String>,
    /// Judged at request time from follow-ups and the due date.
    pub status: String,
    pub status_reason: String,
    pub agreed_at: Option<Link>,
    pub topics: Vec<Link>,
    pub follow_ups: Vec<FollowUpDto>,
    /// When the curators last looked for a follow-up and found none; absent when they have
    /// not said.
    pub searched: Option<SearchedDto>,
    pub html_url: String,
    pub api_url: String,
}

/// A window a source gives for when an agreement falls due.
#[derive(Serialize, ToSchema)]
pub struct DueWindowDto {
    pub due: DateDto,
    /// The source's own words, where they differ from the label.
    pub phrase: Option<String>,
    /// Whether the agreement's status follows this window (it is the agreement's `due`).
    pub followed: bool,
    /// The status judged by this window, from the same follow-ups on the same day.
    pub status: String,
    pub sources: Vec<WindowSourceDto>,
}

/// A source that gives a due window, and where in it.
#[derive(Serialize, ToSchema)]
pub struct WindowSourceDto {
    pub source: Link,
    /// "point 1", "¶ 35".
    pub cited: String,
    pub publisher: Option<String>,
}

/// The curators' last search for a record of an agreement's outcome, which found none.
#[derive(Serialize, ToSchema)]
pub struct SearchedDto {
    /// `YYYY-MM-DD`
    pub on: String,
    /// What they looked for.
    #[serde(rename = "for")]
    #[schema(rename = "for")]
    pub looked_for: String,
}

#[derive(Serialize, ToSchema)]
pub struct FollowUpDto {
    pub event: Link,
    pub effect: String,
    pub note: Option<String>,
    /// The sources the follow-up event cites: the evidence for the agreement's status.
    pub sources: Vec<Link>,
}

impl From<crate::catalog::agreements::JudgedAgreement> for AgreementDto {
    fn from(v: crate::catalog::agreements::JudgedAgreement) -> Self {
        let row = v.row;
        Self {
            html_url: format!("/agreements/{}", row.slug),
            api_url: format!("/api/v1/agreements/{}", row.slug),
            parties: v
                .parties
                .into_iter()
                .map(|p| {
                    if p.kind == "organization" {
                        Link::organization(p.slug, p.name)
                    } else {
                        Link {
                            html_url: format!("/?country={}", p.slug),
                            api_url: None,
                            slug: p.slug,
                            name: p.name,
                        }
                    }
                })
                .collect(),
            due: match (row.due_start, row.due_end, row.due_precision, row.due_label) {
                (Some(start), Some(end), Some(precision), Some(label)) => Some(DateDto {
                    start,
                    end,
                    precision,
                    label,
                }),
                _ => None,
            },
            due_windows: v
                .windows
                .into_iter()
                .map(|w| DueWindowDto {
                    status: w.status.as_str().to_owned(),
                    followed: w.followed,
                    phrase: w.window.phrase,
                    due: DateDto {
                        start: w.window.start,
                        end: w.window.end,
                        precision: w.window.precision,
                        label: w.window.label,
                    },
                    sources: w
                        .window
                        .sources
                        .into_iter()
                        .map(|s| WindowSourceDto {
                            cited: s.cited(),
                            publisher: s.publisher,
                            source: Link::source(s.slug, s.title),
                        })
                        .collect(),
                })
                .collect(),
            due_reason: row.due_reason,
            status: v.status.as_str().to_owned(),
            status_reason: v.reason,
            searched: row.searched_on.map(|on| SearchedDto {
                on,
                looked_for: row.searched_for.unwrap_or_default(),
            }),
            agreed_at: row
                .event_slug
                .map(|slug| Link::event(slug, row.event_title.unwrap_or_default())),
            topics: v.topics.into_iter().map(Link::topic).collect(),
            follow_ups: v
                .followups
                .into_iter()
                .map(|f| FollowUpDto {
                    event: Link::event(f.event_slug, f.event_title),
                    effect: f.effect,
                    note: f.note,
                    sources: f
                        .sources
                        .into_iter()
                        .map(|s| Link::source(s.slug, s.title))
                        .collect(),
                })
                .collect(),
            slug: row.slug,
            title: row.title,
            kind: row.kind,
            terms: row.terms,
            cadence: row.cadence,
        }
    }
}
