//! The search box's query string, read strictly: one `q`, nothing else, without the private-use
//! characters that mark highlights in results. What the words then match is the catalog's
//! question (`catalog::search`).

use super::FilterError;
use super::filter::SearchText;

/// The parameters `/search` understands.
pub const PARAMETERS: &[&str] = &["q"];

/// Opens a highlighted run in `title` and `snippet` (U+E000, private use).
pub const MARK_OPEN: char = '\u{E000}';
/// Closes a highlighted run (U+E001, private use).
pub const MARK_CLOSE: char = '\u{E001}';

/// The query as typed, without the characters that mark highlights in results.
pub fn without_markers(text: &str) -> String {
    text.chars()
        .filter(|c| *c != MARK_OPEN && *c != MARK_CLOSE)
        .collect()
}

/// Reads the query string: at most one `q`, nothing else. `Ok(None)` when nothing was asked.
pub fn parse_query(query: &str) -> Result<Option<SearchText>, FilterError> {
    parse_pairs(&super::query::pairs(query)?)
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
    let q = super::query::single(pairs, "q")?;
    let text = without_markers(q.unwrap_or_default());
    if text.trim().is_empty() {
        return Ok(None);
    }
    SearchText::parse(&text)
        .map(Some)
        .map_err(|message| FilterError::new("q", message))
}

#[cfg(test)]
mod tests {
    use super::*;

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
