//! The search box's question: the hits of every kind for the words read by
//! `domain::search::parse_query`, best first, with the matched words marked. The search page and
//! `/api/v1/search` render the same answer.

use sqlx::SqlitePool;

use super::revision::Answer;
use crate::db::search::{self, HitRow, Kind};
use crate::domain::TextKind;
use crate::domain::filter::SearchText;
use crate::domain::links::{paragraph_href, record_href};
use crate::domain::search::{MARK_CLOSE, MARK_OPEN};
use crate::error::Result;

/// A run of text, highlighted when it matched the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub highlighted: bool,
}

/// Splits text marked by FTS5's `snippet()`/`highlight()` into plain and highlighted runs.
/// Markers never reach the page: a stray or unbalanced one only ends or starts a run.
pub fn segments(marked: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut current = String::new();
    let mut highlighted = false;
    for c in marked.chars() {
        if c == MARK_OPEN || c == MARK_CLOSE {
            if !current.is_empty() {
                out.push(Segment {
                    text: std::mem::take(&mut current),
                    highlighted,
                });
            }
            highlighted = c == MARK_OPEN;
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        out.push(Segment {
            text: current,
            highlighted,
        });
    }
    out
}

pub struct Hit {
    pub href: String,
    pub title: Vec<Segment>,
    pub snippet: Vec<Segment>,
    pub detail: Option<String>,
}

impl From<HitRow> for Hit {
    fn from(row: HitRow) -> Self {
        let href = match row.anchor {
            Some(number) => paragraph_href(&row.link_slug, number),
            None => record_href(&row.link_type, &row.link_slug)
                .unwrap_or_else(|| format!("/{}", row.link_slug)),
        };
        let mut title = segments(&row.title);
        if let Some(number) = row.anchor {
            let kind = TextKind::from_stored(row.anchor_kind.as_deref().unwrap_or_default());
            title.push(Segment {
                text: format!(", {}", kind.cite_label(number)),
                highlighted: false,
            });
        }
        Self {
            href,
            title,
            snippet: segments(&row.snippet),
            detail: row.detail,
        }
    }
}

/// The hits of one kind.
pub struct HitGroup {
    pub kind: Kind,
    /// How many records of this kind match; at most `search::GROUP_LIMIT` are listed.
    pub count: i64,
    /// More than `count` match: only the latest `search::CANDIDATES` are counted and ranked.
    pub more: bool,
    pub hits: Vec<Hit>,
}

/// The hits of every kind, in `Kind::ALL`'s order, read in one read transaction.
pub async fn search(pool: &SqlitePool, text: &SearchText) -> Result<Answer<Vec<HitGroup>>> {
    let mut read = super::revision::read(pool).await?;
    let fts = search::expression(&mut read.tx, text.fts_expression()).await?;
    let mut groups = Vec::with_capacity(Kind::ALL.len());
    for kind in Kind::ALL {
        let rows = search::hits(&mut read.tx, kind, &fts).await?;
        let (count, more) = search::count(&rows);
        groups.push(HitGroup {
            kind,
            count,
            more,
            hits: rows.into_iter().map(Hit::from).collect(),
        });
    }
    read.answer(groups).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(text: &str, highlighted: bool) -> Segment {
        Segment {
            text: text.into(),
            highlighted,
        }
    }

    #[test]
    fn marked_text_splits_into_plain_and_highlighted_runs() {
        let marked = format!("the {MARK_OPEN}export{MARK_CLOSE} of {MARK_OPEN}chips{MARK_CLOSE}");
        assert_eq!(
            segments(&marked),
            [
                seg("the ", false),
                seg("export", true),
                seg(" of ", false),
                seg("chips", true)
            ]
        );
        // Unbalanced markers never leak and never break the text.
        assert_eq!(
            segments(&format!("{MARK_CLOSE}a{MARK_OPEN}b")),
            [seg("a", false), seg("b", true)]
        );
        assert_eq!(segments("<b>&</b>"), [seg("<b>&</b>", false)]);
    }
}
