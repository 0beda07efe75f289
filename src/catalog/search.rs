//! The search box's question: its query string read strictly (one `q`, nothing else), and the
//! hits of every kind, best first, with the matched words marked. The search page and
//! `/api/v1/search` render the same answer.

use sqlx::SqlitePool;

use super::revision::Answer;
use crate::db::search::{self, HitRow, Kind, MARK_CLOSE, MARK_OPEN};
use crate::domain::filter::SearchText;
use crate::domain::links::{paragraph_href, record_href};
use crate::domain::{FilterError, TextKind};
use crate::error::Result;

/// The parameters `/search` understands.
pub const PARAMETERS: &[&str] = &["q"];

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

/// The query as typed, without the characters that mark highlights in results.
pub fn without_markers(text: &str) -> String {
    text.chars()
        .filter(|c| *c != MARK_OPEN && *c != MARK_CLOSE)
        .collect()
}

/// Reads the query string: at most one `q`, nothing else. `Ok(None)` when nothing was asked.
pub fn parse_query(query: &str) -> Result<Option<SearchText>, FilterError> {
    parse_pairs(&crate::domain::query::pairs(query)?)
}

/// Reads decoded query pairs, by the same rules.
pub fn parse_pairs(pairs: &[(String, String)]) -> Result<Option<SearchText>, FilterError> {
    let unknown: Vec<&str> = pairs
        .iter()
        .map(|(key, _)| key.as_str())
        .filter(|key| !PARAMETERS.contains(key))
        .collect();
    if let Some(first) = unknown.first() {
        return Err(FilterError::new(
            *first,
            format!(
                "is not a search parameter ({}): the search page takes only q, the words to search for",
                unknown
                    .iter()
                    .map(|k| format!("“{k}”"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let q = crate::domain::query::single(pairs, "q")?;
    let text = without_markers(q.unwrap_or_default());
    if text.trim().is_empty() {
        return Ok(None);
    }
    SearchText::parse(&text)
        .map(Some)
        .map_err(|message| FilterError::new("q", message))
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
    let mut groups = Vec::with_capacity(Kind::ALL.len());
    for kind in Kind::ALL {
        let rows = search::hits(&mut read.tx, kind, text.fts_expression()).await?;
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

    #[test]
    fn the_query_string_takes_one_q_and_nothing_else() {
        assert_eq!(parse_query("").unwrap(), None);
        assert_eq!(parse_query("q=").unwrap(), None);
        assert_eq!(parse_query("q=%20%20").unwrap(), None);
        assert_eq!(
            parse_query("q=expo").unwrap().unwrap().fts_expression(),
            "\"expo\"*"
        );
        let err = parse_query("q=x&page=2&sort=1").unwrap_err();
        assert_eq!(err.param, "page");
        assert!(err.message.contains("“page”, “sort”"), "{}", err.message);
        assert_eq!(parse_query("q=a&q=b").unwrap_err().param, "q");
        assert_eq!(parse_query("q=%22%2A%22").unwrap_err().param, "q");
    }

    #[test]
    fn highlight_markers_typed_into_the_query_are_dropped() {
        let q = format!("ex{MARK_OPEN}port{MARK_CLOSE}");
        let encoded: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("q", &q)
            .finish();
        assert_eq!(
            parse_query(&encoded).unwrap().unwrap().fts_expression(),
            "\"export\"*"
        );
    }
}
