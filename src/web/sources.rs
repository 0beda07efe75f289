//! `/sources` and `/sources/{slug}`: the source reader. Every paragraph of a source, numbered
//! and anchored, beside the records that cite it, so a curator sees what the dataset has and has
//! not captured.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::links::{record_href, shorten, unquoted};
use super::views::{self, NoteView};
use crate::db::annotations::{self, Subject};
use crate::db::events::{self, SourceSummary};
use crate::db::sources::{self, CitingRow};
use crate::domain::NoteKind;
use crate::domain::date::{day_label, parse_day};
use crate::error::{Error, Result};
use crate::state::AppState;

fn published_label(iso: &str) -> String {
    parse_day(iso)
        .map(day_label)
        .unwrap_or_else(|_| iso.to_owned())
}

pub struct SourceCard {
    pub row: SourceSummary,
    pub published: String,
}

#[derive(Template)]
#[template(path = "sources.html")]
pub struct SourcesPage {
    pub title: String,
    pub section: &'static str,
    pub sources: Vec<SourceCard>,
}

pub async fn index(State(state): State<AppState>) -> Result<Html<String>> {
    let page = SourcesPage {
        title: "Sources".into(),
        section: "sources",
        sources: events::sources(&state.db)
            .await?
            .into_iter()
            .map(|row| SourceCard {
                published: published_label(&row.published),
                row,
            })
            .collect(),
    };
    Ok(Html(page.render()?))
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
    paragraphs: Vec<sources::ParagraphRow>,
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
    pub slug: String,
    pub publisher: Option<String>,
    pub published: String,
    pub published_iso: String,
    pub url: Option<String>,
    pub paragraphs: Vec<ParagraphView>,
    pub cited: usize,
    pub notes: Vec<NoteView>,
}

pub async fn show(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Html<String>> {
    let db = &state.db;
    let source = sources::by_slug(db, &slug).await?.ok_or(Error::NotFound)?;
    let paragraphs = paragraph_views(
        sources::paragraphs(db, source.id).await?,
        sources::citing_records(db, source.id).await?,
    );
    let page = SourcePage {
        section: "sources",
        cited: paragraphs.iter().filter(|p| p.is_cited()).count(),
        paragraphs,
        notes: views::notes(annotations::notes(db, Subject::Source, source.id).await?),
        published: published_label(&source.published),
        published_iso: source.published,
        title: source.title,
        slug: source.slug,
        publisher: source.publisher,
        url: source.url,
    };
    Ok(Html(page.render()?))
}
