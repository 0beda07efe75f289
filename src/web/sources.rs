//! `/sources` and `/sources/{slug}`: the source reader. Every paragraph of a source (or, for a
//! source kept as the editors' summary, every summary point), numbered and anchored, beside the
//! records that cite it, so a curator sees what the dataset has and has not captured.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::PageAt;
use super::links::{shorten, unquoted};
use super::views::{self, NoteView};
use crate::catalog;
use crate::db::sources::{CitingRow, ParagraphRow, SourceRow, SourceSummary};
use crate::domain::language::language_name;
use crate::domain::links::record_href;
use crate::domain::{NoteKind, SourceVoice, TextKind};
use crate::state::AppState;

/// What every page says about a source: who published it, whose account it is, in what
/// language, when, where the original is, and whether the site keeps its text or a summary.
#[derive(Debug, Clone)]
pub struct SourceFacts {
    pub slug: String,
    pub title: String,
    pub publisher: Option<String>,
    pub voice: String,
    /// "US government"
    pub voice_label: String,
    pub language: String,
    /// "English"
    pub language_name: String,
    /// "29 August 2023"
    pub published: String,
    pub published_datetime: Option<String>,
    pub url: Option<String>,
    /// The numbered texts are the editors' summary points, not the source's own words.
    pub summary: bool,
    /// "paragraphs" or "points"
    pub units: &'static str,
}

impl From<SourceRow> for SourceFacts {
    fn from(row: SourceRow) -> Self {
        let (published, published_datetime) = views::published(
            &row.published,
            row.published_end.as_deref(),
            &row.published_precision,
            row.published_label.as_deref(),
        );
        let kind = TextKind::from_stored(&row.text_kind);
        Self {
            voice_label: row
                .voice
                .parse::<SourceVoice>()
                .map(|v| v.label().to_owned())
                .unwrap_or_else(|_| row.voice.clone()),
            language_name: language_name(&row.language),
            published,
            published_datetime,
            summary: kind == TextKind::Summary,
            units: kind.units(),
            slug: row.slug,
            title: row.title,
            publisher: row.publisher,
            voice: row.voice,
            language: row.language,
            url: row.url,
        }
    }
}

/// A source in a list, with how much of it the record cites.
pub struct SourceCard {
    pub facts: SourceFacts,
    pub paragraphs: i64,
    pub cited: i64,
}

impl From<SourceSummary> for SourceCard {
    fn from(row: SourceSummary) -> Self {
        Self {
            facts: row.source.into(),
            paragraphs: row.paragraphs,
            cited: row.cited,
        }
    }
}

/// The sources of one voice.
pub struct VoiceGroup {
    pub voice: &'static str,
    pub heading: &'static str,
    pub sources: Vec<SourceCard>,
}

/// Sources (latest first) grouped by voice, in the vocabulary's order; voices with no source
/// are left out.
pub fn by_voice(rows: Vec<SourceSummary>) -> Vec<VoiceGroup> {
    let mut groups: Vec<VoiceGroup> = SourceVoice::ALL
        .iter()
        .map(|voice| VoiceGroup {
            voice: voice.as_str(),
            heading: voice.label(),
            sources: Vec::new(),
        })
        .collect();
    for card in rows.into_iter().map(SourceCard::from) {
        let voice = card
            .facts
            .voice
            .parse::<SourceVoice>()
            .unwrap_or(SourceVoice::Other);
        if let Some(group) = groups.iter_mut().find(|g| g.voice == voice.as_str()) {
            group.sources.push(card);
        }
    }
    groups.retain(|g| !g.sources.is_empty());
    groups
}

#[derive(Template)]
#[template(path = "sources.html")]
pub struct SourcesPage {
    pub title: String,
    pub section: &'static str,
    pub groups: Vec<VoiceGroup>,
}

pub async fn index(State(state): State<AppState>) -> PageAt {
    let (revision, value) = catalog::sources::summaries(&state.db).await?.into_parts();
    let page = SourcesPage {
        title: "Sources".into(),
        section: "sources",
        groups: by_voice(value),
    };
    Ok((revision, Html(page.render()?)))
}

/// A record citing a paragraph, as a link (or plain text when its page is unknown).
#[derive(Debug, Clone)]
pub struct CitingLink {
    pub href: Option<String>,
    pub label: String,
    pub detail: Option<String>,
}

/// The records of one kind citing a paragraph.
#[derive(Debug, Clone)]
pub struct CitingGroup {
    pub kind: &'static str,
    pub heading: &'static str,
    pub links: Vec<CitingLink>,
}

#[derive(Debug, Clone)]
pub struct ParagraphView {
    pub number: i64,
    /// "¶ 3" or "point 3".
    pub label: String,
    pub text: String,
    pub groups: Vec<CitingGroup>,
}

impl ParagraphView {
    pub fn is_cited(&self) -> bool {
        !self.groups.is_empty()
    }
}

/// The kinds of citing record, in the order the reader lists them.
const KINDS: &[(&str, &str)] = &[
    ("event", "Events"),
    ("quote", "Quotes"),
    ("agreement", "Agreements"),
    ("person", "People"),
    ("organization", "Organisations"),
    ("topic", "Topics"),
    ("note", "Notes"),
];

fn citing_link(row: CitingRow) -> CitingLink {
    let href = match (&row.link_type, &row.link_slug) {
        (Some(kind), Some(slug)) => record_href(kind, slug),
        _ => None,
    };
    let (label, detail) = match row.kind.as_str() {
        "quote" => (
            format!("“{}”", shorten(unquoted(&row.label), 80)),
            row.detail,
        ),
        "note" => {
            // `detail` is "kind:owner type", e.g. "correction:event".
            let (kind, owner) = row
                .detail
                .as_deref()
                .and_then(|d| d.split_once(':'))
                .unwrap_or(("", ""));
            let kind = kind
                .parse::<NoteKind>()
                .map(|k| k.label().to_owned())
                .unwrap_or_else(|_| "Note".to_owned());
            let owner = match owner {
                "person" => "person",
                "organization" => "organisation",
                other => other,
            };
            (row.label, Some(format!("{kind} on this {owner}")))
        }
        _ => (row.label, None),
    };
    CitingLink {
        href,
        label,
        detail,
    }
}

/// Groups the citing records (ordered by paragraph number) under each paragraph, by kind.
pub fn paragraph_views(
    kind: TextKind,
    paragraphs: Vec<ParagraphRow>,
    citing: Vec<CitingRow>,
) -> Vec<ParagraphView> {
    let mut citing = citing.into_iter().peekable();
    paragraphs
        .into_iter()
        .map(|p| {
            let mut rows = Vec::new();
            while let Some(row) = citing.next_if(|r| r.number <= p.number) {
                if row.number == p.number {
                    rows.push(row);
                }
            }
            let groups = KINDS
                .iter()
                .filter_map(|&(kind, heading)| {
                    let mut links: Vec<CitingLink> = rows
                        .iter()
                        .filter(|r| r.kind == kind)
                        .cloned()
                        .map(citing_link)
                        .collect();
                    // A record cited twice through the same page (two notes on one event) is
                    // listed once.
                    links.dedup_by(|a, b| a.href == b.href && a.label == b.label);
                    (!links.is_empty()).then_some(CitingGroup {
                        kind,
                        heading,
                        links,
                    })
                })
                .collect();
            ParagraphView {
                label: kind.cite_label(p.number),
                number: p.number,
                text: p.text,
                groups,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "source.html")]
pub struct SourcePage {
    pub title: String,
    pub section: &'static str,
    pub source: SourceFacts,
    pub paragraphs: Vec<ParagraphView>,
    pub cited: usize,
    pub notes: Vec<NoteView>,
}

pub async fn show(State(state): State<AppState>, Path(slug): Path<String>) -> PageAt {
    let (revision, record) = catalog::sources::source(&state.db, &slug)
        .await?
        .found()?
        .into_parts();
    let source = record.source;
    let paragraphs = paragraph_views(
        TextKind::from_stored(&source.text_kind),
        record.paragraphs,
        record.citing,
    );
    let notes = views::notes(record.notes);
    let page = SourcePage {
        section: "sources",
        cited: paragraphs.iter().filter(|p| p.is_cited()).count(),
        paragraphs,
        notes,
        title: source.title.clone(),
        source: source.into(),
    };
    Ok((revision, Html(page.render()?)))
}
